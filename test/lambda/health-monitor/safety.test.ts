import { skewToleranceMs } from '../../../lambda/health-monitor/contract';
import { LocalDynamo, startDynalite } from '../../support/dynalite';
import { tableName } from './fixtures';
import { ipTargets } from './harness';
import { chaosConfig, runChaos } from './scenario';

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
const MIN_INCIDENTS = 6;

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

test(`safety: ${CONTENDERS} contenders, pauses past the lease, clock skew within tolerance (seed ${SEED})`, async () => {
  const config = chaosConfig(tableName('safety'));
  await dynamo.createTable(config.tableName);
  expect(skewToleranceMs(config)).toBe(120);

  const run = await runChaos({
    dynamo, config, targets: [...ipTargets('api', 3), ...ipTargets('web', 3, 20)],
    seed: SEED, contenders: CONTENDERS, minWorldMs: 10_000, minIncidents: MIN_INCIDENTS,
  });
  const { observer, audit } = run;
  if (process.env.SAFETY_STATS) {
    console.log(JSON.stringify({ epochs: observer.holders.size, pauses: run.pauses, refused: run.refused, incidents: observer.opened.size, actions: run.world.actions.length, lifetimeMs: run.longestLifetimeMs }));
  }

  // The run exercised what it is meant to: many leaders, pauses, refused deposed leaders, incidents.
  expect(observer.holders.size).toBeGreaterThanOrEqual(10);
  expect(run.pauses).toBeGreaterThanOrEqual(20);
  expect(run.refused).toBeGreaterThanOrEqual(1);
  expect(observer.opened.size).toBeGreaterThanOrEqual(MIN_INCIDENTS);
  // No contender outlived the function timeout the claims rely on.
  expect(run.longestLifetimeMs).toBeLessThan(config.functionTimeoutMs);

  // At most one leader per epoch, epochs granted one after another.
  expect(audit.sharedEpochs).toEqual([]);
  expect(audit.epochsInOrder).toBe(true);
  // Zero actions by a deposed leader.
  expect(audit.deposedActions).toEqual([]);
  expect(audit.actionsByNonHolders).toEqual([]);
  // Exactly one alert and one recovery alert per incident.
  expect(audit.wrongAlerts).toEqual([]);
  expect(run.world.of('alert')).toHaveLength(2 * observer.opened.size);
}, 120_000);
