/**
 * TCP and HTTP(S) probes, bounded by their timeout with the body included; concurrency sized to
 * the interval; jitter.
 */
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';

/** How to check one target. */
export interface ProbeSpec {
  readonly protocol: 'TCP' | 'HTTP' | 'HTTPS';
  readonly host: string;
  readonly port: number;
  /** HTTP(S): the path requested. */
  readonly path?: string;
  /** HTTP(S): healthy status codes, e.g. `200-299,301`. */
  readonly successCodes?: string;
  /** HTTP(S): the body must contain this, within its first `maxBodyBytes`. */
  readonly bodySubstring?: string;
  /** HTTP(S): the body must match this regular expression, within its first `maxBodyBytes`. */
  readonly bodyRegex?: string;
  readonly maxBodyBytes?: number;
  /** Whole probe: connect, status and body. */
  readonly timeoutMs: number;
}

export interface ProbeResult {
  readonly ok: boolean;
  readonly latencyMs: number;
  /** Status code, or why the probe failed. */
  readonly detail: string;
}

/** Parses `200-299,301` into a predicate. */
export function statusMatcher(codes: string): (status: number) => boolean {
  const ranges = codes.split(',').map((part) => {
    const [low, high = low] = part.trim().split('-').map(Number);
    return [low, high] as const;
  });
  return (status) => ranges.some(([low, high]) => status >= low && status <= high);
}

export function probe(spec: ProbeSpec): Promise<ProbeResult> {
  return spec.protocol === 'TCP' ? probeTcp(spec) : probeHttp(spec);
}

function probeTcp(spec: ProbeSpec): Promise<ProbeResult> {
  const start = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: spec.host, port: spec.port });
    const finish = (ok: boolean, detail: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok, latencyMs: performance.now() - start, detail });
    };
    const timer = setTimeout(() => finish(false, `timeout after ${spec.timeoutMs} ms`), spec.timeoutMs);
    socket.once('connect', () => finish(true, 'connected'));
    socket.once('error', (e: NodeJS.ErrnoException) => finish(false, e.code ?? e.message));
  });
}

function probeHttp(spec: ProbeSpec): Promise<ProbeResult> {
  const start = performance.now();
  const healthy = statusMatcher(spec.successCodes ?? '200-399');
  const maxBytes = spec.maxBodyBytes ?? 5120;
  const needsBody = spec.bodySubstring !== undefined || spec.bodyRegex !== undefined;
  const client = spec.protocol === 'HTTPS' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ok: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ ok, latencyMs: performance.now() - start, detail });
    };
    const request = client.request({
      host: spec.host,
      port: spec.port,
      path: spec.path ?? '/',
      method: 'GET',
      agent: false,
      headers: { 'user-agent': 'cdk-ha-kit-health-monitor', connection: 'close' },
      // Like ELB health checks: a self-signed or mismatched certificate does not make a target unhealthy.
      rejectUnauthorized: false,
    }, (response) => {
      const status = response.statusCode ?? 0;
      if (!healthy(status)) {
        finish(false, `status ${status}`);
        return;
      }
      // The response is read to its end (or its first `maxBytes`): a server that breaks off
      // mid-response is not healthy, whatever its status line said.
      let body = Buffer.alloc(0);
      const matches = () => {
        const text = body.subarray(0, maxBytes).toString('utf8');
        return spec.bodySubstring !== undefined ? text.includes(spec.bodySubstring) : new RegExp(spec.bodyRegex!).test(text);
      };
      const verdict = () => {
        if (!needsBody) finish(true, `status ${status}`);
        else if (matches()) finish(true, `status ${status}, body matched`);
        else finish(false, `status ${status}, body did not match in the first ${maxBytes} bytes`);
      };
      response.on('data', (chunk: Buffer) => {
        body = Buffer.concat([body, chunk]);
        if (body.length >= maxBytes || (needsBody && matches())) verdict();
      });
      response.on('end', verdict);
      response.on('close', () => {
        if (!response.complete) finish(false, 'response broken off');
      });
      response.on('error', (e: NodeJS.ErrnoException) => finish(false, e.code ?? e.message));
    });
    const timer = setTimeout(() => finish(false, `timeout after ${spec.timeoutMs} ms`), spec.timeoutMs);
    request.on('error', (e: NodeJS.ErrnoException) => finish(false, e.code ?? e.message));
    request.end();
  });
}

export interface ProbeAllOptions {
  /** Probes in flight at once. */
  readonly concurrency: number;
  /**
   * Each probe starts at a random offset up to this from the start of the round, so that
   * targets are not probed in bursts; the round takes about this long when concurrency allows.
   */
  readonly jitterMs: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** Probes every target, each at its random start offset, at most `concurrency` at a time. */
export async function probeAll(specs: ReadonlyMap<string, ProbeSpec>, options: ProbeAllOptions, run: (spec: ProbeSpec) => Promise<ProbeResult> = probe): Promise<Map<string, ProbeResult>> {
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const start = now();
  const schedule = Array.from(specs.entries(), ([id, spec]) => ({ id, spec, at: random() * options.jitterMs })).sort((a, b) => a.at - b.at);
  const results = new Map<string, ProbeResult>();
  let next = 0;
  const worker = async () => {
    while (next < schedule.length) {
      const { id, spec, at } = schedule[next++];
      const wait = start + at - now();
      if (wait > 0) await sleep(wait);
      results.set(id, await run(spec));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, schedule.length) }, worker));
  return results;
}

/** Most probes in flight at once, whatever the sizing asks: Lambda allows 1,024 open files. */
export const MAX_CONCURRENCY = 512;

/**
 * Probes in flight needed for `count` probes to end within the interval even if every one of
 * them times out (a zone gone dark): after the jitter, the interval holds `waves` whole rounds of
 * one timeout each, so `count / waves` at a time. Never below the configured concurrency.
 */
export function probeConcurrency(timing: { readonly concurrency: number; readonly intervalMs: number; readonly timeoutMs: number; readonly jitterMs: number }, count: number): number {
  const waves = Math.max(1, Math.floor((timing.intervalMs - timing.jitterMs) / timing.timeoutMs));
  return Math.max(1, Math.min(MAX_CONCURRENCY, Math.max(timing.concurrency, Math.ceil(count / waves))));
}
