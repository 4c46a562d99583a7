import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Clock, systemClock } from '../../../lambda/health-monitor/clock';
import { MonitorConfig } from '../../../lambda/health-monitor/contract';
import { LeaseStore } from '../../../lambda/health-monitor/lease';
import { ActionLedger } from '../../../lambda/health-monitor/ledger';
import { HealthMonitor } from '../../../lambda/health-monitor/monitor';
import type { Membership, MonitoredTarget, SwitchSource, Watcher } from '../../../lambda/health-monitor/ports';
import { ProbeResult, ProbeSpec } from '../../../lambda/health-monitor/probes';
import { TargetStateStore } from '../../../lambda/health-monitor/state-store';
import { TableSwitches } from '../../../lambda/health-monitor/switches';
import { RecordingTelemetry } from '../../../lambda/health-monitor/telemetry';
import { EffectKind, World } from './world';

export type { ActionRecord } from './world';
export { TG_ARN, World, ipTargets } from './world';

/**
 * Contenders wired to a World and to a DynamoDB-compatible server, for the monitor's tests, the
 * safety test and the benchmark.
 */

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
  /** Wraps every DynamoDB call (to delay it, as a paused process would, or to lose its answer). */
  readonly around?: <T>(call: () => Promise<T>, input: Record<string, unknown>) => Promise<T>;
  /** Runs before each call to ELB, Route 53 or SNS leaves (to pause there). */
  readonly beforeCall?: (kind: EffectKind | 'read') => Promise<void>;
  readonly random?: () => number;
  /** Probes with this instead of the world's health (e.g. real probes of loopback servers). */
  readonly probe?: (spec: ProbeSpec) => Promise<ProbeResult>;
  /** Cluster membership to keep in step. */
  readonly membership?: Membership;
  /** Switches instead of the table's (feature flags, or a source that fails), and what watches them. */
  readonly switches?: SwitchSource;
  readonly watchers?: Watcher[];
  /** The time requests are stamped with (real time by default; a simulation's timeline). */
  readonly now?: () => number;
  /** Sees every DynamoDB request that succeeded, with the time it was sent and, for a leader's write, the epoch it carried. */
  readonly observe?: (input: Record<string, unknown>, output: Record<string, unknown>, sentAt: number, writerEpoch?: number) => void;
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
      const sentAt = (options.now ?? Date.now)();
      // A leader's write to the lease item also returns the item as it was, so that an observer
      // can check that it landed on a lease of the epoch it carried.
      const leaderWrite = isLeaderWrite(command.input);
      const epoch = leaderWrite ? carriedEpoch(command.input) : undefined;
      if (options.observe && leaderWrite && command.input.ReturnValues === undefined) command.input.ReturnValues = 'ALL_OLD';
      const output = await options.db.send(command as never) as Record<string, unknown>;
      options.observe?.(command.input, output, sentAt, epoch);
      return output;
    }, command.input),
  } as unknown as DynamoDBDocumentClient;
  world.enroll(options.targets);
  const telemetry = new RecordingTelemetry();
  const monitor: HealthMonitor = new HealthMonitor({
    config,
    me: name,
    clock: options.clock ?? systemClock,
    leases: leaseStore(db, config),
    states: new TargetStateStore(db, config.tableName, config.monitorId),
    discovery: world.discoveryFor(options.targets),
    actions: world.actionsFor(name, async (kind) => {
      alive();
      await options.beforeCall?.(kind);
      alive();
    }, () => monitor.epoch),
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

/**
 * Whether a request is a leader's write to the lease item, fenced by its epoch: not taking,
 * renewing or ending the lease, nor settling a claim (which a claimant may do after it lost the
 * lease).
 */
export function isLeaderWrite(input: Record<string, unknown>): boolean {
  const update = String(input.UpdateExpression ?? '');
  return (input.Key as Record<string, unknown> | undefined)?.sk === 'lease' && update !== ''
    && !update.endsWith('ADD epoch :one') && !update.startsWith('SET rvn') && !update.startsWith('SET released') && update !== 'SET actions.#k.#st = :status';
}

/** The epoch a fenced write carries in its condition (`epoch = :epoch`). */
function carriedEpoch(input: Record<string, unknown>): number | undefined {
  const epoch = (input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[':epoch'];
  return typeof epoch === 'number' ? epoch : undefined;
}

/** The lease store of a configuration. */
export function leaseStore(db: DynamoDBDocumentClient, config: MonitorConfig): LeaseStore {
  return new LeaseStore(db, { tableName: config.tableName, monitorId: config.monitorId, durationMs: config.lease.durationMs, windowMs: config.actions.windowMs });
}

/**
 * A whole process that can be frozen, as a long GC pause or a stopped VM freezes it: while it
 * is, its sleeps, DynamoDB calls, probes and calls to the world wait. Pass its parts to
 * `contender` (`clock`, `around`, `beforeCall`, and `probe` wrapping another probe).
 */
export function freezable() {
  let until = 0;
  const frozen = async () => {
    while (Date.now() < until) await delay(until - Date.now());
  };
  return {
    /** Freezes the process for `ms` from now. */
    freeze: (ms: number) => { until = Date.now() + ms; },
    /** When the last freeze ends (0 when never frozen). */
    get until() { return until; },
    clock: { ...systemClock, sleep: async (ms: number) => { await delay(ms); await frozen(); } } as Clock,
    around: async <T>(call: () => Promise<T>): Promise<T> => { await frozen(); return call(); },
    beforeCall: async (_kind: EffectKind | 'read') => frozen(),
    probe: (probe: (spec: ProbeSpec) => Promise<ProbeResult>) => async (spec: ProbeSpec) => { await frozen(); return probe(spec); },
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
