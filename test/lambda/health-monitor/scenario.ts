import { MonitorConfig, RecordSet, landingMarginMs } from '../../../lambda/health-monitor/contract';
import type { MonitoredTarget } from '../../../lambda/health-monitor/ports';
import { LocalDynamo } from '../../support/dynalite';
import { testConfig } from './fixtures';
import { Contender, contender, isLeaderWrite, leaseStore, seeded } from './harness';
import { Simulation } from './sim';
import { EffectKind, Fault, FaultPlan, World, serviceError, timeoutError } from './world';

/**
 * The chaos run: many contenders with overlapping invocations, under every line of the README's
 * fault model at once, and the safety properties measured from what landed.
 */

/**
 * What DynamoDB granted and when it was asked, seen from the requests that succeeded: the
 * ground truth the safety checks compare the effects with.
 */
export class LeaseObserver {
  /** Epoch → contenders that were granted it. */
  public readonly holders = new Map<number, Set<string>>();
  /** Every granted acquisition, with the time DynamoDB applied it. */
  public readonly requested: Array<{ epoch: number; sentAt: number }> = [];
  /** Incidents opened. */
  public readonly opened = new Set<string>();
  /** Writes fenced by an epoch that landed on the lease item while another epoch held it. */
  public readonly deposedWrites: Array<{ epoch: number; holder: number; what: string }> = [];

  public observe = (input: Record<string, unknown>, output: Record<string, unknown>, sentAt: number, writerEpoch?: number): void => {
    const attributes = output.Attributes as Record<string, unknown> | undefined;
    if (String(input.UpdateExpression).endsWith('ADD epoch :one') && attributes) {
      const epoch = Number(attributes.epoch);
      this.holders.set(epoch, new Set([...(this.holders.get(epoch) ?? []), String(attributes.holder)]));
      this.requested.push({ epoch, sentAt });
    }
    const before = output.Attributes as Record<string, unknown> | undefined;
    if (writerEpoch !== undefined && before && Number(before.epoch) !== writerEpoch) {
      this.deposedWrites.push({ epoch: writerEpoch, holder: Number(before.epoch), what: String(input.UpdateExpression) });
    }
    if (input.UpdateExpression === 'SET incidents.#g = :incident') {
      const id = String((input.ExpressionAttributeValues as Record<string, { id: string }>)[':incident'].id);
      if (!id.startsWith('dns@')) this.opened.add(id);
    }
  };
}

/** The safety properties, measured. Each list is empty when the property holds. */
export interface SafetyAudit {
  /** Epochs granted to more than one contender. */
  readonly sharedEpochs: number[];
  /** Whether the epochs granted are 1..n, each once. */
  readonly epochsInOrder: boolean;
  /** Effects on a fenced resource (the failover name) that landed after a later epoch had written it. */
  readonly deposedEffects: World['actions'];
  /** Writes to the lease item by an epoch that no longer held it. */
  readonly deposedWrites: LeaseObserver['deposedWrites'];
  /** Effects of one resource that landed in another order than they were sent. */
  readonly misorderedEffects: World['actions'];
  /**
   * Effects the lease table's history does not back: their epoch was never granted to their
   * sender, or they were sent before it was.
   */
  readonly actionsByNonHolders: World['actions'];
  /** ELB changes of a deposed leader that landed after a later epoch was asked for (ELB cannot fence). */
  readonly unfencedLateEffects: World['actions'];
  /** Incidents with no alert, no recovery alert, or the recovery before the first alert. */
  readonly wrongAlerts: Array<{ id: string; alerts: number; recoveries: number; inOrder: boolean }>;
  /** Copies beyond one alert and one recovery per incident: each must follow a publish whose outcome was unknown. */
  readonly duplicateAlerts: number;
  readonly missedAlerts: number;
  /** Down alerts per incident opened. */
  readonly alertsPerIncident: number[];
}

export function audit(world: World, observer: LeaseObserver, requireRecovery = true): SafetyAudit {
  const epochs = [...observer.holders.keys()].sort((a, b) => a - b);
  const holderOf = (epoch: number) => [...(observer.holders.get(epoch) ?? [])][0];
  const alertsOf = (id: string, recovered: boolean) => world.of('alert').filter((a) => (a.message?.startsWith(`Incident ${id}\n`) || a.message?.startsWith(`Incident ${id} `)) && !a.what.includes(': ejection cap reached')
    && a.what.endsWith(': recovered') === recovered);
  const counts = [...observer.opened].map((id) => {
    const [alerts, recoveries] = [alertsOf(id, false), alertsOf(id, true)];
    // A recovery that landed before its incident's alert is wrong too.
    const inOrder = alerts.length === 0 || recoveries.length === 0 || alerts[0].landedAt <= recoveries[0].landedAt;
    return { id, alerts: alerts.length, recoveries: recoveries.length, inOrder };
  });
  const changed = world.actions.filter((a) => a.changed && !a.dryRun);
  const dns = changed.filter((a) => a.resource.startsWith('dns:'));
  const laterGranted = (a: World['actions'][number]) => observer.requested.some((r) => r.epoch > (a.epoch ?? 0) && r.sentAt < a.landedAt);
  return {
    sharedEpochs: epochs.filter((e) => observer.holders.get(e)!.size > 1),
    epochsInOrder: epochs.every((e, i) => e === i + 1),
    deposedEffects: dns.filter((a, i) => dns.slice(0, i).some((b) => b.resource === a.resource && (b.epoch ?? 0) > (a.epoch ?? 0))),
    deposedWrites: observer.deposedWrites,
    // `changed` is in the order effects landed: one sent later that landed before this one. Alerts
    // are messages, not states: their order is judged per incident (`wrongAlerts`).
    misorderedEffects: changed.filter((a, i) => a.kind !== 'alert' && changed.slice(0, i).some((b) => b.resource === a.resource && b.at > a.at)),
    actionsByNonHolders: world.actions.filter((a) => a.epoch !== undefined
      && (holderOf(a.epoch) !== a.by || !observer.requested.some((r) => r.epoch === a.epoch && r.sentAt <= a.at))),
    unfencedLateEffects: changed.filter((a) => a.resource.startsWith('elb:') && laterGranted(a)),
    wrongAlerts: counts.filter((c) => c.alerts === 0 || (requireRecovery && c.recoveries === 0) || !c.inOrder),
    duplicateAlerts: counts.reduce((n, c) => n + Math.max(0, c.alerts - 1) + Math.max(0, c.recoveries - 1), 0),
    missedAlerts: counts.reduce((n, c) => n + (c.alerts === 0 ? 1 : 0) + (requireRecovery && c.recoveries === 0 ? 1 : 0), 0),
    alertsPerIncident: counts.map((c) => c.alerts),
  };
}

const record = (value: string): RecordSet => ({ Name: 'api.example.com.', Type: 'A', SetIdentifier: 'primary', Failover: 'PRIMARY', TTL: 60, ResourceRecords: [{ Value: value }] });
export const PRIMARY_ANSWER = '192.0.2.10';
export const FAILOVER_ANSWER = '198.51.100.10';

/** The chaos runs' timing: fast enough for many changes of leader; the failover name follows the group `api`. */
export function chaosConfig(tableName: string): MonitorConfig {
  return testConfig({
    tableName,
    probe: { intervalMs: 40, timeoutMs: 20, jitterMs: 5, healthyThreshold: 1, unhealthyThreshold: 2, downIntervalMs: 40 },
    lease: { durationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 100 },
    callTimeoutMs: 80,
    functionTimeoutMs: 10_000,
    discoveryIntervalMs: 300,
    actions: { maxActions: 1000, maxFailovers: 1000, maxEjectPercent: 100 },
    dns: { hostedZoneId: 'Z0123456789', triggerGroups: ['api'], primaryRecord: record(PRIMARY_ANSWER), failoverRecord: record(FAILOVER_ANSWER) },
  });
}

/** How often each fault is injected, per call. */
export interface FaultRates {
  /** DynamoDB: a write's answer lost, a write landing late, a read throttled. */
  readonly dynamodb: number;
  /** ELB, Route 53, SNS: an answer lost, a call landing late, a call refused. */
  readonly effects: number;
}

export interface ChaosOptions {
  readonly dynamo: LocalDynamo;
  readonly config: MonitorConfig;
  readonly targets: MonitoredTarget[];
  readonly seed: number;
  readonly contenders: number;
  /** The world changes for at least this long, and until `minIncidents` opened and `minFailovers` happened (at most eight times as long, for a busy machine). */
  readonly minWorldMs: number;
  readonly minIncidents: number;
  /** @default 2 */
  readonly minFailovers?: number;
  /**
   * Probability of a pause at each sleep or call: of a leader, of a standby, right before and
   * right after a leader's write to the lease item.
   */
  readonly pauseP?: { readonly leader: number; readonly standby: number; readonly beforeFencedWrite: number; readonly afterFencedWrite: number };
  /** Clock offsets are drawn within ±skewMs / 2. @default 8000 */
  readonly skewMs?: number;
  /** @default 3 % of DynamoDB calls and 5 % of each other kind of fault per call */
  readonly faults?: FaultRates;
}

export interface ChaosResult {
  readonly world: World;
  readonly observer: LeaseObserver;
  readonly pauses: number;
  /** The aimed pauses that happened (`AIMED_PAUSES`). */
  readonly aimedPauses: number;
  /** How long the run's timeline was. */
  readonly timelineMs: number;
  readonly refused: number;
  /** DynamoDB writes that landed late and were refused by their condition (the epoch, the version, the incident). */
  readonly lateWritesRefused: number;
  readonly longestLifetimeMs: number;
  /** Targets out of their group, or a name not on its primary, once everything is healthy again and settled. */
  readonly finalStateWrong: string[];
  readonly audit: SafetyAudit;
}

/**
 * Faults as the fault model states them, drawn from the run's own generator in the order the
 * timeline makes the calls (so a seed replays). A late call lands after a delay: an ELB call
 * within the lease's landing margin (the one assumption ELB, which has no conditional write,
 * needs); a Route 53 batch or an SNS publish up to ten times later, which only fencing and claims
 * can make safe. Besides the random ones, each run has faults aimed at the windows that matter
 * (`AIMED`).
 */
function faultPlan(random: () => number, rates: FaultRates, config: MonitorConfig): FaultPlan {
  const margin = config.callTimeoutMs + landingMarginMs(config);
  const calls = new Map<string, number>();
  let aimedNow = false;
  return {
    pick: (kind) => {
      const n = (calls.get(kind) ?? 0) + 1;
      calls.set(kind, n);
      const aimed = AIMED[`${kind}#${n}`];
      const r = random();
      aimedNow = aimed !== undefined;
      if (aimed) return aimed;
      const p = kind === 'dynamodb' ? rates.dynamodb : rates.effects;
      if (kind === 'read') return r < p ? 'refused' : undefined;
      return r < p ? 'lost' : r < 2 * p ? 'late' : r < 3 * p ? 'refused' : undefined;
    },
    // An aimed late call lands as late as its kind may, after what followed it: an ELB change at
    // the end of the landing margin, anything else (fenced or claimed) seconds later.
    lateMs: (kind: EffectKind | 'dynamodb') => {
      const elb = kind === 'deregister' || kind === 'register';
      if (aimedNow) return elb ? margin : AIMED_LATE_MS;
      return random() * (elb ? margin : 10 * margin);
    },
  };
}

/**
 * Faults every run has, by the call they hit (`<kind>#<n>`: the n-th call of that kind in the
 * run): the first deregistration's answer is lost as its target flaps back (a monitor that takes
 * a timeout for a failure leaves it out for good); the second, and the first registration, land
 * late, as late as the landing margin lets them; the second Route 53 batch lands after the one sent after it, whose token it
 * then names no more; the second alert's answer is lost (sent again: a copy, never a miss).
 */
/** How late an aimed Route 53 batch or SNS publish lands: past the next leader's change of the name. */
const AIMED_LATE_MS = 8000;

const AIMED: Record<string, Fault> = { 'deregister#1': 'lost', 'deregister#2': 'late', 'register#1': 'late', 'upsert#2': 'late', 'alert#2': 'lost' };

/**
 * Pauses every run has, right after the last check and before the request leaves: the leader
 * that sends the run's first failover batch, and the claimant that sends its first alert, freeze
 * for three leases. Another contender leads meanwhile, fences the name and sees the targets come
 * back; the frozen one's batch must then be refused, and its alert must still come before the
 * recovery.
 */
const AIMED_PAUSES: ReadonlySet<EffectKind> = new Set(['upsert', 'alert']);

/**
 * Many contenders with overlapping invocations (as a schedule with several contenders each starts
 * them), each with its own skewed wall clock and up to four pauses of its whole process (every
 * call and sleep of it waits until the pause ends), each longer than the lease, some of them after
 * its last check and before a request leaves; DynamoDB and every other service lose answers, land
 * calls late and refuse them; targets fail and recover, alone and all at once. Ends once
 * everything is healthy, every incident closed, and every late call landed. It runs on a
 * simulated timeline (see `Simulation`): the same seed gives the same run.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const { config, targets } = o;
  const sim = new Simulation();
  const random = seeded(o.seed);
  const lease = config.lease.durationMs;
  const skew = o.skewMs ?? 8000;
  const p = o.pauseP ?? { leader: 0.02, standby: 0.01, beforeFencedWrite: 0.1, afterFencedWrite: 0.2 };
  const rates = o.faults ?? { dynamodb: 0.03, effects: 0.05 };
  const world = new World(sim.worldTime);
  world.faults = faultPlan(random, rates, config);
  world.flapOnLostDeregistration = true;
  if (config.dns) world.watchName(config.dns.primaryRecord.Name, PRIMARY_ANSWER);
  const observer = new LeaseObserver();
  const counts = { pauses: 0, refused: 0, lateWritesRefused: 0, longestLifetimeMs: 0, aimedPauses: 0 };
  const lateWrites = new Set<Promise<unknown>>();
  const logCounts = new Map<string, number>();
  const timeline: string[] = [];
  const pausedKinds = new Set<EffectKind>();

  const invocation = (name: string): { c: Contender; run: Promise<void> } => {
    const offset = (random() - 0.5) * skew;
    let pausesLeft = 4;
    let pausedUntil = 0;
    let leads = () => false;
    const pause = (ms: number) => {
      counts.pauses += 1;
      pausedUntil = Math.max(pausedUntil, sim.elapsed + ms);
    };
    // Pauses hit leaders most: theirs are the ones that matter.
    const maybePause = (chance = leads() ? p.leader : p.standby) => {
      if (pausesLeft === 0 || random() >= chance) return;
      pausesLeft -= 1;
      pause(lease * (1.5 + random()));
    };
    const frozen = async () => {
      while (sim.elapsed < pausedUntil) await sim.after(pausedUntil - sim.elapsed);
    };
    const clock = sim.clock(offset, async (ms) => {
      await sim.after(ms);
      maybePause();
      await frozen();
    });
    const around = async <T>(call: () => Promise<T>, input?: Record<string, unknown>): Promise<T> => {
      // The worst moments: just before a leader's write to the lease item leaves (after its last
      // check), and just after one succeeded.
      const leaderWrite = input !== undefined && isLeaderWrite(input);
      maybePause(leaderWrite ? p.beforeFencedWrite : undefined);
      await frozen();
      const write = input?.UpdateExpression !== undefined || input?.Item !== undefined || input?.ConditionExpression !== undefined;
      const r = random();
      const latency = random() * 3;
      if (!write && r < rates.dynamodb) {
        world.faultsInjected++;
        await sim.after(latency);
        throw serviceError('ProvisionedThroughputExceededException: throttled', 400);
      }
      if (write && r < rates.dynamodb / 2) {
        // Landing late: the request is applied (or refused by its condition) after the caller gave up.
        world.faultsInjected++;
        const late = sim.io(random() * 4 * config.callTimeoutMs, call).catch((e) => {
          if (String(e).includes('ConditionalCheckFailed')) counts.lateWritesRefused++;
        });
        lateWrites.add(late);
        void late.finally(() => lateWrites.delete(late));
        await sim.after(config.callTimeoutMs);
        throw timeoutError();
      }
      const out = await sim.io(latency, call);
      if (write && r < rates.dynamodb) {
        world.faultsInjected++;
        throw timeoutError();
      }
      maybePause(leaderWrite ? p.afterFencedWrite : undefined);
      await frozen();
      return out;
    };
    // A pause after the last check and before the request leaves: for the calls that are fenced
    // (Route 53 by its token) or claimed (SNS). ELB cannot be fenced: see the README.
    const beforeCall = async (kind: EffectKind | 'read') => {
      if (kind !== 'read' && AIMED_PAUSES.has(kind) && !pausedKinds.has(kind) && leads()) {
        pausedKinds.add(kind);
        counts.aimedPauses += 1;
        pause(3 * lease);
      } else if (kind === 'upsert' || kind === 'fence' || kind === 'alert') {
        maybePause(leads() ? p.leader * 5 : 0);
      }
      await frozen();
    };
    const c = contender({ name, config, db: o.dynamo.db, world, targets, clock, around, beforeCall, observe: observer.observe, random, now: () => sim.now });
    leads = () => c.monitor.epoch !== undefined;
    const started = sim.elapsed;
    const run = c.monitor.runInvocation(clock.now() + 800 + random() * 1700).then(() => {
      counts.longestLifetimeMs = Math.max(counts.longestLifetimeMs, sim.elapsed - started);
      counts.refused += c.telemetry.sum('RefusedStaleActions');
      if (process.env.CHAOS_LOGS) for (const l of c.telemetry.logs) if (l.level !== 'INFO' || l.message.startsWith('action')) logCounts.set(l.message.slice(0, 60), (logCounts.get(l.message.slice(0, 60)) ?? 0) + 1);
      if (process.env.CHAOS_LOGS === 'all') timeline.push(...c.telemetry.logs.map((l) => `${c.name} ${l.message} ${JSON.stringify(l.data ?? {}).slice(0, 150)}`));
    });
    return { c, run };
  };

  const store = leaseStore(o.dynamo.db, config);
  const api = targets.filter((t) => t.group === 'api');
  const main = async () => {
    let stopping = false;
    const live = new Set<Contender>();
    const slots = Array.from({ length: o.contenders }, async (_, slot) => {
      for (let n = 0; !stopping; n++) {
        const { c, run } = invocation(`c${slot}.${n}`);
        live.add(c);
        await run;
        live.delete(c);
        await sim.after(random() * 300);
      }
    });
    try {
      // Failures shorter than a gap between leaders go unnoticed, hence the minimum of incidents.
      const failovers = () => world.of('upsert').filter((a) => a.changed && a.what === FAILOVER_ANSWER).length;
      const enough = () => observer.opened.size >= o.minIncidents && (config.dns === undefined || failovers() >= (o.minFailovers ?? 2));
      for (let round = 1; sim.elapsed < o.minWorldMs || (!enough() && sim.elapsed < 8 * o.minWorldMs); round++) {
        // One or two targets fail, or (every third round) the whole trigger group: the name fails over.
        const victims = round % 3 === 0 ? api : [targets[Math.floor(random() * targets.length)], ...(random() < 0.3 ? [targets[Math.floor(random() * targets.length)]] : [])];
        victims.forEach((t) => world.setHealthy(t, false));
        if (process.env.CHAOS_LOGS) timeline.push(`--- down ${victims.map((v) => v.id).join(' ')} at ${sim.elapsed}`);
        // A whole group stays down long enough for a leader to fail the name over through the churn.
        await sim.after(victims === api ? 1500 + random() * 1000 : 500 + random() * 800);
        victims.forEach((t) => world.setHealthy(t, true));
        await sim.after(400 + random() * 800);
      }
      world.faults = undefined;
      const incidentsOpen = async () => Object.keys((await sim.io(0, () => store.read()).catch(() => undefined))?.incidents ?? { unread: true }).length;
      await sim.waitFor('every incident closed', async () => (await incidentsOpen()) === 0, 60_000).catch(async (e) => {
        console.log('incidents still open:', JSON.stringify(await sim.io(0, () => store.read()), null, 1), JSON.stringify(world.actions.slice(-6)),
          [...live].map((c) => `${c.name}:${c.monitor.epoch}`).join(' '));
        throw e;
      });
      await world.settle();
      await Promise.all([...lateWrites]);
      // A leader lists its targets and reads the name back within a discovery interval.
      await sim.after(3 * config.discoveryIntervalMs + lease);
    } finally {
      stopping = true;
      live.forEach((c) => c.monitor.stop());
      await Promise.all(slots);
    }
  };
  await sim.run(main(), 20 * o.minWorldMs + 120_000);
  if (process.env.CHAOS_LOGS) console.log([...logCounts].map(([m, n]) => `${n} ${m}`).join('\n'), '\n', timeline.join('\n'));
  const finalStateWrong = [
    ...targets.filter((t) => t.targetGroupArn && !world.inGroup(t)).map((t) => `${t.id} out of its group`),
    ...(config.dns && world.answerOf(config.dns.primaryRecord.Name) !== PRIMARY_ANSWER ? [`the name answers ${world.answerOf(config.dns.primaryRecord.Name)}`] : []),
  ];
  return {
    world, observer, pauses: counts.pauses, aimedPauses: counts.aimedPauses, refused: counts.refused, lateWritesRefused: counts.lateWritesRefused,
    longestLifetimeMs: counts.longestLifetimeMs, finalStateWrong, audit: audit(world, observer), timelineMs: sim.elapsed,
  };
}
