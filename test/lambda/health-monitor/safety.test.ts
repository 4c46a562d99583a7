import { LocalDynamo, startDynalite } from '../../support/dynalite';
import { tableName } from './fixtures';
import { ipTargets } from './harness';
import { ChaosResult, chaosConfig, runChaos } from './scenario';

/**
 * The safety test: many contenders with overlapping invocations under the whole fault model at
 * once — pauses long enough for a paused leader to wake up after its lease (some of them after its
 * last check, before a request leaves), wall clocks seconds apart, answers lost, calls landing late
 * and refused, throttled reads — while targets fail and recover, alone and all together (then
 * the name fails over). DynamoDB is the local server; ELB, Route 53 and SNS are the world's. The
 * run is on a simulated timeline, so a seed replays exactly; besides its random faults it has
 * faults aimed at the windows that matter (see `AIMED` and `AIMED_PAUSES` in scenario.ts).
 *
 * Safety first: one holder per epoch; every effect backed by the lease table's history; no write
 * landing on the lease item under an epoch other than the one it carried; no effect on the fenced
 * name after a later epoch wrote it; no ELB change landing after a later epoch was granted; no
 * effect landing before one sent earlier on the same resource; an alert and a recovery alert per
 * incident, the recovery after the alert's first copy, and a copy only where a publish's outcome
 * was unknown; and, once everything is healthy and settled, every target in its group and the
 * name on its primary.
 */

const SEED = Number(process.env.SAFETY_SEED ?? 20261202);
const CONTENDERS = 20;
const MIN_INCIDENTS = 6;
const targets = () => [...ipTargets('api', 3), ...ipTargets('web', 3, 20)];

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

async function chaos(seed: number, contenders = CONTENDERS, minWorldMs = 10_000, minIncidents = MIN_INCIDENTS): Promise<ChaosResult> {
  const config = chaosConfig(tableName('safety'));
  await dynamo.createTable(config.tableName);
  return runChaos({ dynamo, config, targets: targets(), seed, contenders, minWorldMs, minIncidents });
}

test(`safety under the fault model: ${CONTENDERS} contenders, pauses past the lease, skewed clocks, lost and late calls (seed ${SEED})`, async () => {
  const run = await chaos(SEED);
  const { observer, audit, world } = run;
  const faults = Object.fromEntries([...world.faultCounts].sort());
  if (process.env.SAFETY_STATS) {
    console.log(JSON.stringify({
      epochs: observer.holders.size, pauses: run.pauses, refused: run.refused, lateRefused: run.lateWritesRefused, incidents: observer.opened.size, effects: world.actions.length,
      faults: world.faultsInjected, byKind: faults, staleBatchesRefused: world.staleBatchesRefused, failovers: world.of('upsert').length, timelineMs: Math.round(run.timelineMs),
    }));
    if (process.env.SAFETY_STATS === 'log') console.log(world.actions.map((a) => `${a.landedAt} ${a.by} e${a.epoch} ${a.kind} ${a.what} ${a.changed}`).join('\n'));
  }

  // Safety, first.
  expect(audit.sharedEpochs).toEqual([]);
  expect(audit.epochsInOrder).toBe(true);
  expect(audit.actionsByNonHolders).toEqual([]);
  expect(audit.deposedEffects).toEqual([]);
  expect(audit.deposedWrites).toEqual([]);
  // ELB cannot refuse a late change: it must land before a later epoch can be granted (the
  // landing margin; README, "What is fenced where").
  expect(audit.unfencedLateEffects).toEqual([]);
  expect(audit.misorderedEffects).toEqual([]);
  expect(audit.wrongAlerts).toEqual([]);
  expect(run.finalStateWrong).toEqual([]);
  // Never missed; copies only after publishes whose answer was lost or that landed late.
  expect(audit.missedAlerts).toBe(0);
  expect(audit.duplicateAlerts).toBeLessThanOrEqual(world.faultsOf('alert', 'lost', 'late'));

  // The run exercised what it is meant to: many leaders, pauses, refused deposed leaders, every
  // kind of fault on every resource, the aimed ones among them, incidents, and the name failed
  // over and back.
  expect(observer.holders.size).toBeGreaterThanOrEqual(10);
  expect(run.pauses).toBeGreaterThanOrEqual(20);
  expect(run.aimedPauses).toBe(2);
  expect(run.refused + run.lateWritesRefused).toBeGreaterThanOrEqual(1);
  expect(world.faultsInjected).toBeGreaterThanOrEqual(50);
  expect(world.faultsOf('deregister', 'lost')).toBeGreaterThanOrEqual(1);
  expect(world.faultsOf('deregister', 'late') + world.faultsOf('register', 'late')).toBeGreaterThanOrEqual(1);
  expect(world.faultsOf('alert', 'lost')).toBeGreaterThanOrEqual(1);
  expect(world.faultsOf('upsert') + world.faultsOf('fence')).toBeGreaterThanOrEqual(1);
  // Route 53 refused at least one batch of a deposed or late leader: the fence was put to work.
  expect(world.staleBatchesRefused).toBeGreaterThanOrEqual(1);
  expect(observer.opened.size).toBeGreaterThanOrEqual(MIN_INCIDENTS);
  expect(world.of('upsert').filter((a) => a.changed).length).toBeGreaterThanOrEqual(2);
  // No contender outlived the function timeout the claims rely on.
  expect(run.longestLifetimeMs).toBeLessThan(chaosConfig('x').functionTimeoutMs);
}, 150_000);

test('a seed replays the same run: the same effects, at the same moments of the timeline', async () => {
  const replay = async () => {
    const run = await chaos(11, 8, 4000, 2);
    return { effects: run.world.actions.map((a) => `${a.at} ${a.landedAt} ${a.by} e${a.epoch} ${a.kind} ${a.what} ${a.changed}`), faults: run.world.faultsInjected, pauses: run.pauses };
  };
  const first = await replay();
  expect(first.effects.length).toBeGreaterThan(4);
  expect(await replay()).toEqual(first);
}, 120_000);
