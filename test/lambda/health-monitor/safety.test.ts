import { MonitorConfig, skewToleranceMs } from '../../../lambda/health-monitor/config';
import { Clock } from '../../../lambda/health-monitor/clock';
import { LeaseStore } from '../../../lambda/health-monitor/lease';
import { LocalDynamo, startDynalite } from '../../support/dynalite';
import { tableName, testConfig } from './fixtures';
import { Contender, World, contender, delay, ipTargets, seeded, waitFor } from './harness';

/**
 * The safety test: many contenders with overlapping invocations, random pauses long enough for a
 * paused leader to wake up after its lease, and clock skew within the tolerance; targets fail and
 * recover throughout. DynamoDB is the local server.
 *
 * Checked: every epoch has one holder; no action is taken by a contender after a later epoch was
 * requested; every incident has exactly one alert and one recovery alert.
 */

const SEED = Number(process.env.SAFETY_SEED ?? 20261121);
const CONTENDERS = 20;
const MIN_WORLD_MS = 10_000;
const MIN_INCIDENTS = 6;
const PAUSE_P = Number(process.env.SAFETY_PAUSE_P ?? 0.01);
const LEADER_PAUSE_P = Number(process.env.SAFETY_LEADER_PAUSE_P ?? 0.02);
const FENCED_PAUSE_P = 0.2;

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

test(`safety: ${CONTENDERS} contenders, pauses past the lease, clock skew within tolerance (seed ${SEED})`, async () => {
  const random = seeded(SEED);
  const config: MonitorConfig = testConfig({
    tableName: tableName('safety'),
    probe: { intervalMs: 40, timeoutMs: 20, jitterMs: 5, healthyThreshold: 2, unhealthyThreshold: 2, downIntervalMs: 40 },
    lease: { durationMs: 600, renewDeadlineMs: 400, retryPeriodMs: 100 },
    callTimeoutMs: 80,
    functionTimeoutMs: 10_000,
    actions: { maxActions: 1000 },
  });
  await dynamo.createTable(config.tableName);
  const tolerance = skewToleranceMs(config);
  expect(tolerance).toBe(120);
  const lease = config.lease.durationMs;

  const world = new World();
  const targets = [...ipTargets('api', 3), ...ipTargets('web', 3, 20)];

  // What DynamoDB granted and when it was asked.
  const holders = new Map<number, Set<string>>();
  const requested: Array<{ epoch: number; sentAt: number }> = [];
  const opened = new Set<string>();
  let pauses = 0;
  let refused = 0;
  const longest = { lifetime: 0 };

  const observe = (input: Record<string, unknown>, output: Record<string, unknown>, sentAt: number) => {
    const attributes = output.Attributes as Record<string, unknown> | undefined;
    if (String(input.ConditionExpression).startsWith('attribute_not_exists(pk)') && attributes) {
      const epoch = Number(attributes.epoch);
      holders.set(epoch, new Set([...(holders.get(epoch) ?? []), String(attributes.holder)]));
      requested.push({ epoch, sentAt });
    }
    if (input.UpdateExpression === 'SET incidents.#g = :incident') {
      opened.add(String((input.ExpressionAttributeValues as Record<string, { id: string }>)[':incident'].id));
    }
  };

  /**
   * One contender invocation: its own skewed clock, and up to four pauses of its whole process
   * (every call and sleep of it waits until the pause ends), each longer than the lease.
   */
  const invocation = (name: string): { c: Contender; run: Promise<void> } => {
    const offset = (random() - 0.5) * (tolerance - 10);
    let pausesLeft = 4;
    let pausedUntil = 0;
    let leads = () => false;
    // Pauses hit leaders most: theirs are the ones that matter.
    const maybePause = (p = leads() ? LEADER_PAUSE_P : PAUSE_P) => {
      if (pausesLeft === 0 || random() >= p) return;
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
      maybePause(String(input?.ConditionExpression).startsWith('holder = :me AND epoch = :epoch AND leaseExpiresAt') ? FENCED_PAUSE_P : undefined);
      await frozen();
      return out;
    };
    const c = contender({ name, config, db: dynamo.db, world, targets, clock, around, observe, random });
    leads = () => c.monitor.epoch !== undefined;
    const started = Date.now();
    const run = c.monitor.runInvocation(clock.now() + 800 + random() * 1700).then(() => {
      longest.lifetime = Math.max(longest.lifetime, Date.now() - started);
      refused += c.telemetry.sum('RefusedStaleActions');
    });
    return { c, run };
  };

  // Overlapping invocations, as a schedule with several contenders each starts them.
  let stopping = false;
  const live = new Set<Contender>();
  const slots = Array.from({ length: CONTENDERS }, async (_, slot) => {
    for (let n = 0; !stopping; n++) {
      const { c, run } = invocation(`c${slot}.${n}`);
      live.add(c);
      await run;
      live.delete(c);
      await delay(random() * 300);
    }
  });

  try {
    // Targets fail and recover, one or two at a time, for a while and until enough incidents opened
    // (failures shorter than a gap between leaders go unnoticed).
    const started = Date.now();
    while (Date.now() - started < MIN_WORLD_MS || (opened.size < MIN_INCIDENTS && Date.now() - started < 4 * MIN_WORLD_MS)) {
      const victims = [targets[Math.floor(random() * targets.length)], ...(random() < 0.3 ? [targets[Math.floor(random() * targets.length)]] : [])];
      victims.forEach((t) => world.setHealthy(t, false));
      await delay(500 + random() * 800);
      victims.forEach((t) => world.setHealthy(t, true));
      await delay(400 + random() * 800);
    }

    // Everything healthy: let the last incidents close.
    const store = new LeaseStore(dynamo.db, { tableName: config.tableName, monitorId: config.monitorId, durationMs: lease }, config.actions);
    await waitFor('every incident closed', async () => {
      const item = await store.read();
      return item !== undefined && Object.keys(item.incidents).length === 0;
    }, 15_000).catch(async (e) => {
      console.log('incidents still open:', JSON.stringify(await store.read(), null, 1), JSON.stringify(world.actions.slice(-6)), [...live].map((c) => `${c.name}:${c.monitor.epoch}`).join(' '));
      throw e;
    });
  } finally {
    stopping = true;
    live.forEach((c) => c.monitor.stop());
    await Promise.all(slots);
  }

  if (process.env.SAFETY_STATS) {
    console.log(JSON.stringify({ epochs: holders.size, pauses, refused, incidents: opened.size, actions: world.actions.length, lifetimeMs: longest.lifetime }));
  }
  // The run exercised what it is meant to.
  expect(holders.size).toBeGreaterThanOrEqual(10);
  expect(pauses).toBeGreaterThanOrEqual(20);
  expect(refused).toBeGreaterThanOrEqual(1);
  expect(opened.size).toBeGreaterThanOrEqual(MIN_INCIDENTS);
  expect(longest.lifetime).toBeLessThan(config.functionTimeoutMs);

  // At most one leader per epoch, and epochs granted one after another.
  expect([...holders.values()].filter((h) => h.size > 1)).toEqual([]);
  expect([...holders.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: holders.size }, (_, i) => i + 1));

  // Zero actions by a deposed leader: no action started after a later epoch was asked for.
  const deposed = world.actions.filter((a) => a.epoch === undefined || requested.some((r) => r.epoch > a.epoch! && r.sentAt < a.at));
  expect(deposed).toEqual([]);
  const holderOf = (epoch: number) => [...(holders.get(epoch) ?? [])][0];
  expect(world.actions.filter((a) => holderOf(a.epoch!) !== a.by)).toEqual([]);

  // Exactly one alert and one recovery alert per incident.
  const alertsOf = (id: string, recovered: boolean) => world.of('alert').filter((a) => a.message?.startsWith(`Incident ${id}`) && a.what.endsWith(': recovered') === recovered);
  const wrong = [...opened].map((id) => ({ id, alerts: alertsOf(id, false).length, recoveries: alertsOf(id, true).length }))
    .filter((x) => x.alerts !== 1 || x.recoveries !== 1);
  expect(wrong).toEqual([]);
  expect(world.of('alert')).toHaveLength(2 * opened.size);
}, 120_000);
