import { readFileSync } from 'fs';
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as net from 'net';
import * as path from 'path';
import { MAX_CONCURRENCY, ProbeResult, ProbeSpec, probe, probeAll, probeConcurrency, statusMatcher } from '../../../lambda/health-monitor/probes';

/** Real servers on loopback, one per behaviour. */
const servers: Array<net.Server> = [];
async function listen<S extends net.Server>(server: S): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
afterAll(async () => {
  for (const s of servers) {
    (s as http.Server).closeAllConnections?.();
    await new Promise((resolve) => s.close(resolve));
  }
});

const HEALTHY_BODY = '{"status":"ok","db":"up"}';
const ports: Record<string, number> = {};
const timers: NodeJS.Timeout[] = [];

beforeAll(async () => {
  ports.healthy = await listen(http.createServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(HEALTHY_BODY);
  }));
  ports.slow = await listen(http.createServer((_req, res) => {
    timers.push(setTimeout(() => res.end('late'), 400));
  }));
  ports.error = await listen(http.createServer((_req, res) => {
    res.writeHead(503);
    res.end('overloaded');
  }));
  ports.long = await listen(http.createServer((_req, res) => {
    res.writeHead(200);
    res.end(`${'x'.repeat(6000)}READY`);
  }));
  ports.chunked = await listen(http.createServer((_req, res) => {
    res.writeHead(200);
    res.write('{"status":');
    timers.push(setTimeout(() => res.end('"ok"}'), 30));
  }));
  ports.reset = await listen(http.createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('{"status":"o');
    timers.push(setTimeout(() => res.socket?.destroy(), 20));
  }));
  ports.trickle = await listen(http.createServer((_req, res) => {
    // A status in time, then a body one byte every 50 ms, forever.
    res.writeHead(200);
    const drip = setInterval(() => res.write('x'), 50);
    timers.push(drip);
    res.on('close', () => clearInterval(drip));
  }));
  ports.tcp = await listen(net.createServer((socket) => socket.end()));
  // A port nothing listens on: a server that was there and is gone.
  const gone = net.createServer();
  ports.refused = await listen(gone);
  await new Promise((resolve) => gone.close(resolve));
  servers.splice(servers.indexOf(gone), 1);
  // The certificate that dynalite ships for its own TLS mode: self-signed, for another name.
  const tls = path.dirname(require.resolve('dynalite/package.json'));
  ports.https = await listen(https.createServer({
    key: readFileSync(path.join(tls, 'ssl', 'server-key.pem')),
    cert: readFileSync(path.join(tls, 'ssl', 'server-crt.pem')),
  }, (_req, res) => res.end(HEALTHY_BODY)));
});
afterAll(() => timers.forEach(clearTimeout));

const spec = (port: string, overrides: Partial<ProbeSpec> = {}): ProbeSpec => ({
  protocol: 'HTTP', host: '127.0.0.1', port: ports[port], path: '/health', timeoutMs: 200, ...overrides,
});

describe('probe against real servers on loopback', () => {
  test.each<[string, string, Partial<ProbeSpec>, boolean, string | RegExp]>([
    ['healthy, status only', 'healthy', {}, true, 'status 200'],
    ['healthy, body substring', 'healthy', { bodySubstring: '"db":"up"' }, true, 'status 200, body matched'],
    ['healthy, body regex', 'healthy', { bodyRegex: '"status":\\s*"ok"' }, true, 'status 200, body matched'],
    ['wrong body', 'healthy', { bodySubstring: '"db":"down"' }, false, 'status 200, body did not match in the first 5120 bytes'],
    ['match beyond the bytes read', 'long', { bodySubstring: 'READY' }, false, 'status 200, body did not match in the first 5120 bytes'],
    ['match within a larger limit', 'long', { bodySubstring: 'READY', maxBodyBytes: 8192 }, true, 'status 200, body matched'],
    ['body in several chunks', 'chunked', { bodySubstring: '{"status":"ok"}' }, true, 'status 200, body matched'],
    ['wrong path: 404', 'healthy', { path: '/' }, false, 'status 404'],
    ['404 accepted by the matcher', 'healthy', { path: '/', successCodes: '200-299,404' }, true, 'status 404'],
    ['server error', 'error', {}, false, 'status 503'],
    ['slow beyond the timeout', 'slow', {}, false, 'timeout after 200 ms'],
    ['slow within the timeout', 'slow', { timeoutMs: 1000 }, true, 'status 200'],
    ['connection refused', 'refused', {}, false, 'ECONNREFUSED'],
    ['reset mid-response', 'reset', {}, false, 'ECONNRESET'],
    ['reset mid-response, body check', 'reset', { bodySubstring: '"ok"' }, false, 'ECONNRESET'],
    ['HTTPS with a self-signed certificate', 'https', { protocol: 'HTTPS', bodySubstring: '"ok"' }, true, 'status 200, body matched'],
    ['TCP connect', 'tcp', { protocol: 'TCP' }, true, 'connected'],
    ['TCP connect refused', 'refused', { protocol: 'TCP' }, false, 'ECONNREFUSED'],
  ])('%s', async (_, port, overrides, ok, detail) => {
    const result = await probe(spec(port, overrides));
    expect(result.ok).toBe(ok);
    expect(result.detail).toEqual(typeof detail === 'string' ? detail : expect.stringMatching(detail));
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  test('a body that trickles in is cut at the probe\'s timeout: the whole probe, body included, is bounded', async () => {
    const result = await probe(spec('trickle', { timeoutMs: 200, bodySubstring: 'READY' }));
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('timeout after 200 ms');
    expect(result.latencyMs).toBeLessThan(500);
  });

  test('a timed-out probe ends at its timeout, not when the server answers', async () => {
    const result = await probe(spec('slow', { timeoutMs: 100 }));
    expect(result.latencyMs).toBeGreaterThanOrEqual(99);
    expect(result.latencyMs).toBeLessThan(350);
  });
});

describe('statusMatcher', () => {
  test.each([
    ['200', 200, true], ['200', 201, false], ['200-299', 299, true], ['200-299', 300, false],
    ['200-299,301', 301, true], ['200-299, 301', 302, false], ['200,404', 404, true],
  ])('%s matches %d: %s', (codes, status, expected) => {
    expect(statusMatcher(codes)(status)).toBe(expected);
  });
});

describe('probeAll', () => {
  test('keeps at most `concurrency` probes in flight and returns every result', async () => {
    let inFlight = 0;
    let most = 0;
    const run = async (s: ProbeSpec): Promise<ProbeResult> => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { ok: s.port % 2 === 0, latencyMs: 5, detail: String(s.port) };
    };
    const specs = new Map(Array.from({ length: 40 }, (_, i) => [`t${i}`, spec('healthy', { port: i })] as const));
    const results = await probeAll(specs, { concurrency: 7, jitterMs: 0 }, run);
    expect(most).toBe(7);
    expect(results.size).toBe(40);
    expect(results.get('t11')).toEqual({ ok: false, latencyMs: 5, detail: '11' });
  });

  test('starts each probe at a random offset within jitterMs of the round\'s start, earliest first', async () => {
    let t = 1000;
    const started: Array<[string, number]> = [];
    const randoms = [0.9, 0, 0.5];
    await probeAll(new Map([['a', spec('healthy', { port: 1 })], ['b', spec('healthy', { port: 2 })], ['c', spec('healthy', { port: 3 })]]), {
      concurrency: 1, jitterMs: 100, random: () => randoms.shift()!, now: () => t, sleep: async (ms) => { t += ms; },
    }, async (s) => {
      started.push([String(s.port), t - 1000]);
      t += 10; // each probe takes 10 ms
      return { ok: true, latencyMs: 10, detail: '' };
    });
    // b at 0, c at 50; a was due at 90 but the one worker is free at 60, so it waits until 90.
    expect(started).toEqual([['2', 0], ['3', 50], ['1', 90]]);
  });

  test('a round of many probes with jitter takes about the jitter, not jitter × probes per worker', async () => {
    const specs = new Map(Array.from({ length: 200 }, (_, i) => [`t${i}`, spec('healthy', { port: i })] as const));
    const began = Date.now();
    await probeAll(specs, { concurrency: 8, jitterMs: 200 }, async () => {
      await new Promise((r) => setTimeout(r, 2));
      return { ok: true, latencyMs: 2, detail: '' };
    });
    expect(Date.now() - began).toBeLessThan(600);
  });

  test('probes 500 real loopback targets within one timeout at a concurrency of 100', async () => {
    const specs = new Map(Array.from({ length: 500 }, (_, i) => [`t${i}`, spec('healthy', { timeoutMs: 2000 })] as const));
    const results = await probeAll(specs, { concurrency: 100, jitterMs: 0 });
    expect([...results.values()].filter((r) => r.ok)).toHaveLength(500);
  });
});

describe('probeConcurrency', () => {
  const timing = { concurrency: 32, intervalMs: 1000, timeoutMs: 500, jitterMs: 100 };

  test('enough probes in flight for every probe to time out within the interval', () => {
    // One 0.5 s round fits in 1 s − 0.1 s jitter: all 500 at once. Three fit in 2 s − 0.1 s.
    expect(probeConcurrency(timing, 500)).toBe(500);
    expect(probeConcurrency({ ...timing, intervalMs: 2000 }, 500)).toBe(167);
    expect(Math.ceil(500 / probeConcurrency(timing, 500)) * timing.timeoutMs + timing.jitterMs).toBeLessThanOrEqual(timing.intervalMs);
  });

  test('never below the configured concurrency, never above what Lambda\'s open files allow', () => {
    expect(probeConcurrency(timing, 10)).toBe(32);
    expect(probeConcurrency(timing, 100_000)).toBe(MAX_CONCURRENCY);
    expect(probeConcurrency({ ...timing, concurrency: 1 }, 0)).toBe(1);
  });
});
