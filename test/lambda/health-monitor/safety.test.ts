import { LocalDynamo, startDynalite } from '../../support/dynalite';
import { tableName } from './fixtures';
import { ipTargets } from './harness';
import { chaosConfig, runChaos } from './scenario';

/**
 * The safety test: many contenders with overlapping invocations under the whole fault model at
 * once — pauses long enough for a paused leader to wake up after its lease (some of them after its
 * last check, before a request leaves), wall clocks seconds apart, answers lost, calls landing late
 * and refused, throttled reads — while targets fail and recover, alone and all together (then
 * the name fails over). DynamoDB is the local server; ELB, Route 53 and SNS are the world's.
 *
 * Safety first: one holder per epoch; no effect on the fenced name after a later epoch wrote it;
 * no effect landing before one sent earlier on the same resource; an alert and a recovery alert
 * per incident, the recovery after the alert's first copy, and a copy only where a publish's
 * outcome was unknown; and, once everything is healthy and settled, every target in its group and
 * the name on its primary.
 */

const SEED = Number(process.env.SAFETY_SEED ?? 20261202);
const CONTENDERS = 20;
const MIN_INCIDENTS = 6;

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

test(`safety under the fault model: ${CONTENDERS} contenders, pauses past the lease, skewed clocks, lost and late calls (seed ${SEED})`, async () => {
  const config = chaosConfig(tableName('safety'));
  await dynamo.createTable(config.tableName);

  const run = await runChaos({
    dynamo, config, targets: [...ipTargets('api', 3), ...ipTargets('web', 3, 20)],
    seed: SEED, contenders: CONTENDERS, minWorldMs: 10_000, minIncidents: MIN_INCIDENTS,
  });
  const { observer, audit, world } = run;
  if (process.env.SAFETY_STATS) {
    console.log(JSON.stringify({
      epochs: observer.holders.size, pauses: run.pauses, refused: run.refused, lateRefused: run.lateWritesRefused, incidents: observer.opened.size, effects: world.actions.length,
      faults: world.faultsInjected, failovers: world.of('upsert').length, unfenced: audit.unfencedLateEffects.length, lifetimeMs: run.longestLifetimeMs,
    }));
    if (process.env.SAFETY_STATS === 'log') console.log(world.actions.map((a) => `${a.landedAt} ${a.by} e${a.epoch} ${a.kind} ${a.what} ${a.changed}`).join('\n'));
  }

  // Safety, first.
  expect(audit.sharedEpochs).toEqual([]);
  expect(audit.epochsInOrder).toBe(true);
  expect(audit.actionsByNonHolders).toEqual([]);
  expect(audit.deposedEffects).toEqual([]);
  expect(audit.deposedWrites).toEqual([]);
  expect(audit.misorderedEffects).toEqual([]);
  expect(audit.wrongAlerts).toEqual([]);
  expect(run.finalStateWrong).toEqual([]);
  // Never missed; copies only after publishes whose answer was lost or that landed late.
  expect(audit.missedAlerts).toBe(0);
  expect(audit.duplicateAlerts).toBeLessThanOrEqual(world.faultsOf('alert', 'lost', 'late'));

  // The run exercised what it is meant to: many leaders, pauses, refused deposed leaders,
  // injected faults, incidents, and the name failed over and back.
  expect(observer.holders.size).toBeGreaterThanOrEqual(10);
  expect(run.pauses).toBeGreaterThanOrEqual(20);
  expect(run.refused + run.lateWritesRefused).toBeGreaterThanOrEqual(1);
  expect(world.faultsInjected).toBeGreaterThanOrEqual(50);
  expect(observer.opened.size).toBeGreaterThanOrEqual(MIN_INCIDENTS);
  expect(world.of('upsert').filter((a) => a.changed).length).toBeGreaterThanOrEqual(2);
  // No contender outlived the function timeout the claims rely on.
  expect(run.longestLifetimeMs).toBeLessThan(config.functionTimeoutMs);
}, 150_000);
