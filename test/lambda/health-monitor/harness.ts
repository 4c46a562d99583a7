import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Actions, ElbTarget } from '../../../lambda/health-monitor/actions';
import { Clock, systemClock } from '../../../lambda/health-monitor/clock';
import { MonitorConfig, RecordSet } from '../../../lambda/health-monitor/contract';
import { LeaseStore } from '../../../lambda/health-monitor/lease';
import { ActionLedger } from '../../../lambda/health-monitor/ledger';
import { HealthMonitor, Membership, SwitchSource, Watcher } from '../../../lambda/health-monitor/monitor';
import { ProbeResult, ProbeSpec } from '../../../lambda/health-monitor/probes';
import { TableSwitches, TargetStateStore } from '../../../lambda/health-monitor/state-store';
import { Discovery, MonitoredTarget } from '../../../lambda/health-monitor/targets';
import { RecordingTelemetry } from '../../../lambda/health-monitor/telemetry';

/**
 * The world a monitor acts on, for tests, the safety test and the benchmark: targets whose health
 * the test sets, and a record of every action taken, by whom and when.
 */

export const TG_ARN = (group: string) => `arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/${group}/0123456789abcdef`;

export function ipTargets(group: string, count: number, firstOctet = 10): MonitoredTarget[] {
  return Array.from({ length: count }, (_, i) => {
    const host = `10.0.${firstOctet}.${i + 1}`;
    return { id: `${group}/${host}:8080`, group, host, port: 8080, targetGroupArn: TG_ARN(group), elbTarget: { id: host, port: 8080 } };
  });
}

export interface ActionRecord {
  readonly kind: 'deregister' | 'register' | 'upsert' | 'alert';
  /** The target (`host:port`), the record's first value, or the alert's subject. */
  readonly what: string;
  readonly by: string;
  /** The epoch the contender believed it led with. */
  readonly epoch?: number;
  /** An alert's message. */
  readonly message?: string;
  readonly dryRun: boolean;
  /** Real time at the start of the call. */
  readonly at: number;
}

export class World {
  public readonly actions: ActionRecord[] = [];
  private readonly down = new Set<string>();
  private readonly failures = new Map<string, number>();

  public setHealthy(target: MonitoredTarget, healthy: boolean): void {
    if (healthy) this.down.delete(`${target.host}:${target.port}`);
    else this.down.add(`${target.host}:${target.port}`);
  }

  public isHealthy(host: string, port: number): boolean {
    return !this.down.has(`${host}:${port}`);
  }

  /** The next `count` calls of `kind` fail. */
  public failNext(kind: ActionRecord['kind'], count = 1): void {
    this.failures.set(kind, count);
  }

  public probe = async (spec: ProbeSpec): Promise<ProbeResult> => {
    const ok = this.isHealthy(spec.host, spec.port);
    return { ok, latencyMs: 1, detail: ok ? 'status 200' : 'ECONNREFUSED' };
  };

  public of(kind: ActionRecord['kind']): ActionRecord[] {
    return this.actions.filter((a) => a.kind === kind);
  }

  /** Actions as `kind what`, in order. */
  public get log(): string[] {
    return this.actions.map((a) => `${a.kind} ${a.what}`);
  }

  /** The Actions one contender uses; `onCall` runs first (it may throw, as a killed process would). */
  public actionsFor(by: string, onCall: () => void = () => undefined, epochOf: () => number | undefined = () => undefined): Actions {
    const record = async (kind: ActionRecord['kind'], what: string, dryRun: boolean, message?: string) => {
      const at = Date.now();
      onCall();
      const left = this.failures.get(kind) ?? 0;
      if (left > 0) {
        this.failures.set(kind, left - 1);
        throw new Error(`${kind} failed: ServiceUnavailable`);
      }
      this.actions.push({ kind, what, by, epoch: epochOf(), message, dryRun, at });
    };
    const target = (t: ElbTarget) => `${t.id}:${t.port}`;
    return {
      deregister: (_arn, t, dryRun) => record('deregister', target(t), dryRun),
      register: (_arn, t, dryRun) => record('register', target(t), dryRun),
      upsertRecord: (_zone, r: RecordSet, _comment, dryRun) => record('upsert', r.AliasTarget?.DNSName ?? r.ResourceRecords?.[0]?.Value ?? '', dryRun),
      alert: (_topic, subject, message, dryRun) => record('alert', subject, dryRun, message),
    };
  }
}

export class StaticDiscovery implements Discovery {
  constructor(private readonly targets: MonitoredTarget[]) {}
  public async discover(): Promise<MonitoredTarget[]> {
    return this.targets;
  }
}

export interface Contender {
  readonly name: string;
  readonly monitor: HealthMonitor;
  readonly telemetry: RecordingTelemetry;
  /** From now on every call of this contender fails, as if its process were gone, and its invocation ends. */
  kill(): void;
}

export interface ContenderOptions {
  readonly name: string;
  readonly config: MonitorConfig;
  readonly db: DynamoDBDocumentClient;
  readonly world: World;
  readonly targets: MonitoredTarget[];
  readonly clock?: Clock;
  /** Wraps every DynamoDB call (to delay it, as a paused process would). */
  readonly around?: <T>(call: () => Promise<T>, input: Record<string, unknown>) => Promise<T>;
  readonly random?: () => number;
  /** Probes with this instead of the world's health (e.g. real probes of loopback servers). */
  readonly probe?: (spec: ProbeSpec) => Promise<ProbeResult>;
  /** Cluster membership to keep in step. */
  readonly membership?: Membership;
  /** Switches besides the table's (feature flags), and what watches them. */
  readonly switches?: SwitchSource;
  readonly watchers?: Watcher[];
  /** Sees every DynamoDB request that succeeded, with the real time it was sent. */
  readonly observe?: (input: Record<string, unknown>, output: Record<string, unknown>, sentAt: number) => void;
}

export function contender(options: ContenderOptions): Contender {
  const { name, config, world } = options;
  let killed = false;
  const alive = () => {
    if (killed) throw new Error(`${name} is gone`);
  };
  const around = options.around ?? ((call) => call());
  const db = {
    send: (command: { input: Record<string, unknown> }) => around(async () => {
      alive();
      const sentAt = Date.now();
      const output = await options.db.send(command as never) as Record<string, unknown>;
      options.observe?.(command.input, output, sentAt);
      return output;
    }, command.input),
  } as unknown as DynamoDBDocumentClient;
  const telemetry = new RecordingTelemetry();
  const monitor: HealthMonitor = new HealthMonitor({
    config,
    me: name,
    clock: options.clock ?? systemClock,
    leases: new LeaseStore(db, { tableName: config.tableName, monitorId: config.monitorId, durationMs: config.lease.durationMs },
      { maxActions: config.actions.maxActions, windowMs: config.actions.windowMs }),
    states: new TargetStateStore(db, config.tableName, config.monitorId),
    discovery: new StaticDiscovery(options.targets),
    actions: world.actionsFor(name, alive, () => monitor.epoch),
    switches: options.switches ?? new TableSwitches(db, config.tableName, config.monitorId, config.actions.dryRun),
    watchers: options.watchers,
    membership: options.membership,
    ledger: new ActionLedger(db, config.tableName, config.monitorId, config.ledgerRetentionMs),
    telemetry,
    probe: async (spec) => {
      alive();
      return (options.probe ?? world.probe)(spec);
    },
    random: options.random,
  });
  return {
    name, monitor, telemetry,
    kill: () => {
      killed = true;
      monitor.stop();
    },
  };
}

/** Resolves when `predicate` holds; fails after `timeoutMs`, saying what it waited for. */
export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A small seeded generator (mulberry32), so that a failing random schedule can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
