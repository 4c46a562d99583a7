import { CircuitBreaker } from '../../../lambda/health-monitor/breaker';
import { systemClock } from '../../../lambda/health-monitor/clock';
import { FlagSource } from '../../../lambda/health-monitor/contract';
import { FlagSwitches, FlagWatcher } from '../../../lambda/health-monitor/flags';
import { AnySwitches, TableSwitches } from '../../../lambda/health-monitor/switches';
import { RecordingTelemetry } from '../../../lambda/health-monitor/telemetry';
import { AppConfigDataStandIn } from '../../support/appconfig-data';
import { LocalDynamo, startDynalite } from '../../support/dynalite';
import { tableName, testConfig } from './fixtures';
import { World, contender, ipTargets, waitFor } from './harness';

const SOURCE: FlagSource = { applicationId: 'app1', environmentId: 'env1', profileId: 'prof1', pollIntervalSeconds: 1, pausedFlag: 'monitorPaused', dryRunFlag: 'monitorDryRun' };
const POLL_MS = SOURCE.pollIntervalSeconds * 1000;
/** What one poll may take on loopback, on top of the interval. */
const POLL_SLACK_MS = 250;

let standIn: AppConfigDataStandIn;
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());
beforeEach(async () => {
  standIn = await AppConfigDataStandIn.start({ monitorPaused: false, monitorDryRun: false });
});
afterEach(() => standIn.close());

function watcher(telemetry = new RecordingTelemetry()) {
  const breaker = new CircuitBreaker('appconfig', { failureThreshold: 3, failureRatePercent: 100, windowSize: 10, openMs: 5000, halfOpenTrials: 1 }, systemClock);
  return new FlagWatcher(standIn.client(), breaker, SOURCE, systemClock, telemetry);
}

/** Watches until `stop()`. */
function watch(w: FlagWatcher) {
  let stopped = false;
  const run = w.watch(Date.now() + 30_000, () => stopped);
  return { stop: async () => { stopped = true; await run; } };
}

describe('FlagWatcher against a stand-in for the AppConfig data plane', () => {
  test('picks up a deployed change within one poll interval, on one session that never polls early', async () => {
    const w = watcher();
    const watching = watch(w);
    await waitFor('the first configuration', () => w.flag('monitorPaused') === false);
    await new Promise((r) => setTimeout(r, 300));

    const deployedAt = Date.now();
    standIn.deploy({ monitorPaused: true, monitorDryRun: false });
    await waitFor('the change', () => w.flag('monitorPaused') === true, 5000);
    const seenAfter = Date.now() - deployedAt;
    await new Promise((r) => setTimeout(r, 2 * POLL_MS));
    await watching.stop();

    expect(seenAfter).toBeLessThanOrEqual(POLL_MS + POLL_SLACK_MS);
    expect(standIn.requests.filter((r) => r.op === 'start')).toHaveLength(1);
    expect(standIn.requests.filter((r) => r.refused)).toEqual([]);
    expect(standIn.requests.filter((r) => r.op === 'get').length).toBeGreaterThanOrEqual(3);
  });

  test('a failed poll keeps the last values and starts a new session on the next one', async () => {
    const telemetry = new RecordingTelemetry();
    const w = watcher(telemetry);
    standIn.deploy({ monitorPaused: true, monitorDryRun: true });
    await w.poll();
    expect([w.flag('monitorPaused'), w.flag('monitorDryRun')]).toEqual([true, true]);

    await standIn.close();
    await w.poll();
    expect([w.flag('monitorPaused'), w.flag('monitorDryRun')]).toEqual([true, true]);
    expect(telemetry.logs.map((l) => l.message)).toContain('could not read the feature flags; keeping the last values');

    standIn = await AppConfigDataStandIn.start({ monitorPaused: false, monitorDryRun: false });
    const fresh = watcher(telemetry);
    await fresh.poll();
    expect(standIn.requests.map((r) => r.op)).toEqual(['start', 'get']);
  });

  test('before the first configuration the flags are unknown, and the switches wait for it', async () => {
    const w = watcher();
    expect(w.flag('monitorPaused')).toBeUndefined();
    standIn.deploy({ monitorPaused: true, monitorDryRun: false });
    await expect(new FlagSwitches(w, SOURCE).read()).resolves.toEqual({ paused: true, dryRun: false });
  });

  test('AppConfig unreachable at a cold start: the switches cannot be read, and fail closed into dry run', async () => {
    await standIn.close();
    const w = watcher();
    await expect(new FlagSwitches(w, SOURCE).read()).rejects.toThrow('the feature flags were not received yet');
    const telemetry = new RecordingTelemetry();
    await expect(new AnySwitches([['flags', new FlagSwitches(w, SOURCE)]], telemetry).read()).resolves.toEqual({ paused: false, dryRun: true });
    expect(telemetry.sum('SwitchReadErrors')).toBe(1);
    standIn = await AppConfigDataStandIn.start({ monitorPaused: false, monitorDryRun: false });
  });
});

describe('the monitor paused by a feature flag', () => {
  test('stops acting within one poll interval and one probe interval of the change, and acts again once it is off', async () => {
    const config = testConfig({ tableName: tableName('flags'), probe: { intervalMs: 100 }, invocationMs: 30_000 });
    await dynamo.createTable(config.tableName);
    const world = new World();
    const targets = ipTargets('api', 3);
    const w = watcher();
    const switches = new AnySwitches([['table', new TableSwitches(dynamo.db, config.tableName, config.monitorId, false)], ['flags', new FlagSwitches(w, SOURCE)]], new RecordingTelemetry());
    const c = contender({ name: 'c1', config, db: dynamo.db, world, targets, switches, watchers: [w] });
    const run = c.monitor.runInvocation(Date.now() + 20_000);
    const paused = () => [...c.telemetry.metrics].reverse().find((m) => m.name === 'Paused')?.value;
    try {
      await waitFor('a leader cycle', () => paused() === 0);
      standIn.deploy({ monitorPaused: true, monitorDryRun: false });
      const deployedAt = Date.now();
      await waitFor('paused', () => paused() === 1, 5000);
      expect(Date.now() - deployedAt).toBeLessThanOrEqual(POLL_MS + config.probe.intervalMs + POLL_SLACK_MS);

      world.setHealthy(targets[0], false);
      await new Promise((r) => setTimeout(r, 10 * config.probe.intervalMs));
      expect(world.actions).toEqual([]);

      standIn.deploy({ monitorPaused: false, monitorDryRun: false });
      await waitFor('the deregistration', () => world.of('deregister').length === 1, 5000);
    } finally {
      c.monitor.stop();
      await run;
    }
  });
});
