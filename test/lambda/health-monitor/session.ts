import { MetricName, MonitorConfig } from '../../../lambda/health-monitor/contract';
import type { MonitoredTarget } from '../../../lambda/health-monitor/ports';
import { RecordingTelemetry } from '../../../lambda/health-monitor/telemetry';
import { LocalDynamo, startDynalite } from '../../support/dynalite';
import { tableName, testConfig } from './fixtures';
import { Contender, ContenderOptions, World, contender, ipTargets, waitFor } from './harness';

/**
 * A test file's monitors: the local DynamoDB server for the file, a table per configuration, and
 * contenders that are stopped after each test. Call it at the top of a `describe` or a file.
 */
export function monitorSession() {
  let dynamo: LocalDynamo;
  let running: Array<{ c: Contender; run: Promise<void> }> = [];
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(() => dynamo.close());
  afterEach(async () => {
    for (const { c } of running) c.monitor.stop();
    await Promise.all(running.map((r) => r.run));
    running = [];
  });

  const session = {
    get dynamo(): LocalDynamo {
      return dynamo;
    },
    /** The test configuration with `overrides`, on a table of its own. */
    async configFor(overrides: Parameters<typeof testConfig>[0] = {}): Promise<MonitorConfig> {
      const config = testConfig({ tableName: tableName(), ...overrides });
      await dynamo.createTable(config.tableName);
      return config;
    },
    /** Runs one invocation of `c` for `ms`, stopped after the test. */
    start(c: Contender, ms = 20_000): Promise<void> {
      const run = c.monitor.runInvocation(Date.now() + ms);
      running.push({ c, run });
      return run;
    },
    /**
     * One leader over `count` targets of the group `api` (or `targets`), once they are all UP.
     * `world` is prepared before the leader starts (a name to watch, faults).
     */
    async leading(count: number, overrides: Parameters<typeof testConfig>[0] = {}, options: { world?: World; targets?: MonitoredTarget[]; contender?: Partial<ContenderOptions> } = {}) {
      const config = await session.configFor(overrides);
      const world = options.world ?? new World();
      const targets = options.targets ?? ipTargets('api', count);
      const c = contender({ name: 'c1', config, db: dynamo.db, world, targets, ...options.contender });
      session.start(c);
      await waitFor('targets up', () => last(c.telemetry, 'TargetsUp') === targets.length);
      return { config, world, targets, c };
    },
  };
  return session;
}

/** The last value of a metric. */
export const last = (t: RecordingTelemetry, name: MetricName) => [...t.metrics].reverse().find((m) => m.name === name)?.value;
