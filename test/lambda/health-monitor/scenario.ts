import { Clock } from '../../../lambda/health-monitor/clock';
import { MonitorConfig, skewToleranceMs } from '../../../lambda/health-monitor/contract';
import { LeaseStore } from '../../../lambda/health-monitor/lease';
import { MonitoredTarget } from '../../../lambda/health-monitor/targets';
import { LocalDynamo } from '../../support/dynalite';
import { testConfig } from './fixtures';
import { Contender, World, contender, delay, seeded, waitFor } from './harness';

/**
 * What DynamoDB granted and when it was asked, seen from the requests that succeeded: the
 * ground truth the safety checks compare the actions with.
 */
export class LeaseObserver {
  /** Epoch → contenders that were granted it. */
  public readonly holders = new Map<number, Set<string>>();
  /** Every granted acquisition, with the real time its request was sent (before DynamoDB decided). */
  public readonly requested: Array<{ epoch: number; sentAt: number }> = [];
  /** Incidents opened. */
  public readonly opened = new Set<string>();

  public observe = (input: Record<string, unknown>, output: Record<string, unknown>, sentAt: number): void => {
    const attributes = output.Attributes as Record<string, unknown> | undefined;
    if (String(input.ConditionExpression).startsWith('attribute_not_exists(pk)') && attributes) {
      const epoch = Number(attributes.epoch);
      this.holders.set(epoch, new Set([...(this.holders.get(epoch) ?? []), String(attributes.holder)]));
      this.requested.push({ epoch, sentAt });
    }
    if (input.UpdateExpression === 'SET incidents.#g = :incident') {
      this.opened.add(String((input.ExpressionAttributeValues as Record<string, { id: string }>)[':incident'].id));
    }
  };
}

/** The safety properties, measured. Each list is empty when the property holds. */
export interface SafetyAudit {
  /** Epochs granted to more than one contender. */
  readonly sharedEpochs: number[];
  /** Whether the epochs granted are 1..n, each once. */
  readonly epochsInOrder: boolean;
  /** Actions started by a contender after a later epoch was asked for (or with no epoch at all). */
  readonly deposedActions: World['actions'];
  /** Actions by a contender that does not hold the epoch it acted with. */
  readonly actionsByNonHolders: World['actions'];
  /** Incidents with other than one alert and one recovery alert. */
  readonly wrongAlerts: Array<{ id: string; alerts: number; recoveries: number }>;
  /** Down alerts per incident opened. */
  readonly alertsPerIncident: number[];
}

export function audit(world: World, observer: LeaseObserver, requireRecovery = true): SafetyAudit {
  const epochs = [...observer.holders.keys()].sort((a, b) => a - b);
  const holderOf = (epoch: number) => [...(observer.holders.get(epoch) ?? [])][0];
  const alertsOf = (id: string, recovered: boolean) => world.of('alert').filter((a) => a.message?.startsWith(`Incident ${id}`) && a.what.endsWith(': recovered') === recovered).length;
  const counts = [...observer.opened].map((id) => ({ id, alerts: alertsOf(id, false), recoveries: alertsOf(id, true) }));
  return {
    sharedEpochs: epochs.filter((e) => observer.holders.get(e)!.size > 1),
    epochsInOrder: epochs.every((e, i) => e === i + 1),
    deposedActions: world.actions.filter((a) => a.epoch === undefined || observer.requested.some((r) => r.epoch > a.epoch! && r.sentAt < a.at)),
    actionsByNonHolders: world.actions.filter((a) => a.epoch !== undefined && holderOf(a.epoch) !== a.by),
    wrongAlerts: counts.filter((c) => c.alerts !== 1 || (requireRecovery && c.recoveries !== 1)),
    alertsPerIncident: counts.map((c) => c.alerts),
  };
}

/** The chaos runs' timing: fast enough for many changes of leader, with a 120 ms skew tolerance. */
export function chaosConfig(tableName: string): MonitorConfig {
  return testConfig({
    tableName,
    probe: { intervalMs: 40, timeoutMs: 20, jitterMs: 5, healthyThreshold: 2, unhealthyThreshold: 2, downIntervalMs: 40 },
    lease: { durationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 100 },
    callTimeoutMs: 80,
    functionTimeoutMs: 10_000,
    actions: { maxActions: 1000 },
  });
}

export interface ChaosOptions {
  readonly dynamo: LocalDynamo;
  readonly config: MonitorConfig;
  readonly targets: MonitoredTarget[];
  readonly seed: number;
  readonly contenders: number;
  /** The world changes for at least this long, and until `minIncidents` opened (at most four times as long). */
  readonly minWorldMs: number;
  readonly minIncidents: number;
  /** Probability of a pause at each sleep or call: of a leader, of a standby, right after a leader's fenced write. */
  readonly pauseP?: { readonly leader: number; readonly standby: number; readonly afterFencedWrite: number };
  /** Clock offsets are drawn within ±skewMs / 2. @default - just inside the tolerance */
  readonly skewMs?: number;
}

export interface ChaosResult {
  readonly world: World;
  readonly observer: LeaseObserver;
  readonly pauses: number;
  readonly refused: number;
  readonly longestLifetimeMs: number;
  readonly audit: SafetyAudit;
}

/**
 * Many contenders with overlapping invocations (as a schedule with several contenders each starts
 * them), each with its own skewed clock and up to four pauses of its whole process (every call and
 * sleep of it waits until the pause ends), each longer than the lease; targets fail and recover
 * throughout. Ends once everything is healthy and every incident closed.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const { config, targets } = o;
  const random = seeded(o.seed);
  const lease = config.lease.durationMs;
  const skew = o.skewMs ?? skewToleranceMs(config) - 10;
  const p = o.pauseP ?? { leader: 0.02, standby: 0.01, afterFencedWrite: 0.2 };
  const world = new World();
  const observer = new LeaseObserver();
  let pauses = 0;
  let refused = 0;
  let longestLifetimeMs = 0;

  const invocation = (name: string): { c: Contender; run: Promise<void> } => {
    const offset = (random() - 0.5) * skew;
    let pausesLeft = 4;
    let pausedUntil = 0;
    let leads = () => false;
    // Pauses hit leaders most: theirs are the ones that matter.
    const maybePause = (chance = leads() ? p.leader : p.standby) => {
      if (pausesLeft === 0 || random() >= chance) return;
      pausesLeft -= 1;
      pauses += 1;
      pausedUntil = Math.max(pausedUntil, Date.now() + lease * (1 + 0.5 * random()));
    };
    const frozen = async () => {
      while (Date.now() < pausedUntil) await delay(pausedUntil - Date.now());
    };
    const clock: Clock = {
      now: () => Date.now() + offset,
      sleep: async (ms) => {
        await delay(ms);
        maybePause();
        await frozen();
      },
    };
    const around = async <T>(call: () => Promise<T>, input?: Record<string, unknown>): Promise<T> => {
      maybePause();
      await frozen();
      await delay(random() * 3);
      const out = await call();
      // The worst moment: just after a leader's fenced write (a claim) succeeded.
      maybePause(String(input?.ConditionExpression).startsWith('holder = :me AND epoch = :epoch AND leaseExpiresAt') ? p.afterFencedWrite : undefined);
      await frozen();
      return out;
    };
    const c = contender({ name, config, db: o.dynamo.db, world, targets, clock, around, observe: observer.observe, random });
    leads = () => c.monitor.epoch !== undefined;
    const started = Date.now();
    const run = c.monitor.runInvocation(clock.now() + 800 + random() * 1700).then(() => {
      longestLifetimeMs = Math.max(longestLifetimeMs, Date.now() - started);
      refused += c.telemetry.sum('RefusedStaleActions');
    });
    return { c, run };
  };

  let stopping = false;
  const live = new Set<Contender>();
  const slots = Array.from({ length: o.contenders }, async (_, slot) => {
    for (let n = 0; !stopping; n++) {
      const { c, run } = invocation(`c${slot}.${n}`);
      live.add(c);
      await run;
      live.delete(c);
      await delay(random() * 300);
    }
  });

  try {
    // Failures shorter than a gap between leaders go unnoticed, hence the minimum of incidents.
    const started = Date.now();
    while (Date.now() - started < o.minWorldMs || (observer.opened.size < o.minIncidents && Date.now() - started < 4 * o.minWorldMs)) {
      const victims = [targets[Math.floor(random() * targets.length)], ...(random() < 0.3 ? [targets[Math.floor(random() * targets.length)]] : [])];
      victims.forEach((t) => world.setHealthy(t, false));
      await delay(500 + random() * 800);
      victims.forEach((t) => world.setHealthy(t, true));
      await delay(400 + random() * 800);
    }
    const store = new LeaseStore(o.dynamo.db, { tableName: config.tableName, monitorId: config.monitorId, durationMs: lease }, config.actions);
    await waitFor('every incident closed', async () => {
      const item = await store.read();
      return item !== undefined && Object.keys(item.incidents).length === 0;
    }, 15_000).catch(async (e) => {
      console.log('incidents still open:', JSON.stringify(await store.read(), null, 1), JSON.stringify(world.actions.slice(-6)),
        [...live].map((c) => `${c.name}:${c.monitor.epoch}`).join(' '));
      throw e;
    });
  } finally {
    stopping = true;
    live.forEach((c) => c.monitor.stop());
    await Promise.all(slots);
  }
  return { world, observer, pauses, refused, longestLifetimeMs, audit: audit(world, observer) };
}
