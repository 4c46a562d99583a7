import type { Switches } from '../../../lambda/health-monitor/ports';
import { AnySwitches, FailClosedSwitches } from '../../../lambda/health-monitor/switches';
import { RecordingTelemetry } from '../../../lambda/health-monitor/telemetry';
import { serviceError } from './world';

/** A source that answers with `values` in turn; `'throttled'` fails as DynamoDB does when throttled. */
function source(...values: Array<Switches | 'throttled'>) {
  return {
    read: async (): Promise<Switches> => {
      const next = values.length > 1 ? values.shift()! : values[0];
      if (next === 'throttled') throw serviceError('ProvisionedThroughputExceededException', 400);
      return next;
    },
  };
}

const PAUSED = { paused: true, dryRun: false };
const RUNNING = { paused: false, dryRun: false };

describe('switches fail closed', () => {
  test('a throttled read of a paused monitor\'s switches reads as paused (the last value known)', async () => {
    const telemetry = new RecordingTelemetry();
    const switches = new FailClosedSwitches('table', source(PAUSED, 'throttled'), telemetry);
    await expect(switches.read()).resolves.toEqual(PAUSED);
    await expect(switches.read()).resolves.toEqual(PAUSED);
    expect(telemetry.sum('SwitchReadErrors')).toBe(1);
    expect(telemetry.logs.find((l) => l.level === 'WARN')).toMatchObject({ message: 'could not read the switches; keeping the last known', data: { source: 'table', paused: true } });
  });

  test('a source never read counts as dry run', async () => {
    await expect(new FailClosedSwitches('table', source('throttled'), new RecordingTelemetry()).read()).resolves.toEqual({ paused: false, dryRun: true });
  });

  test.each<[string, Array<Array<Switches | 'throttled'>>, Switches]>([
    ['neither source on', [[RUNNING], [RUNNING]], RUNNING],
    ['the table pauses', [[PAUSED], [RUNNING]], PAUSED],
    ['the flags put it in dry run', [[RUNNING], [{ paused: false, dryRun: true }]], { paused: false, dryRun: true }],
    ['an unreadable source never read makes it a dry run, whatever the other says', [['throttled'], [RUNNING]], { paused: false, dryRun: true }],
  ])('any source turns a switch on: %s', async (_name, values, expected) => {
    const any = new AnySwitches(values.map((v, i) => [`s${i}`, source(...v)] as const), new RecordingTelemetry());
    await expect(any.read()).resolves.toEqual(expected);
  });

  test('a source that could be read before and fails now counts with its last value', async () => {
    const any = new AnySwitches([['table', source(RUNNING, 'throttled')], ['flags', source(PAUSED, 'throttled')]], new RecordingTelemetry());
    await any.read();
    await expect(any.read()).resolves.toEqual(PAUSED);
  });
});
