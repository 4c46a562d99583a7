import { configProblems, parseConfig, skewToleranceMs } from '../../../lambda/health-monitor/config';
import { testConfig } from './fixtures';

describe('monitor configuration', () => {
  test('the clock skew tolerated is what the lease leaves after the renew deadline and one call', () => {
    expect(skewToleranceMs({ lease: { durationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 }, callTimeoutMs: 3000 })).toBe(2000);
  });

  test('a usable configuration has no problems and parses', () => {
    const config = testConfig({ endpoints: [{ name: 'a', group: 'g', host: '127.0.0.1', port: 80 }] });
    expect(configProblems(config)).toEqual([]);
    expect(parseConfig(JSON.stringify(config))).toEqual(config);
  });

  test.each([
    ['duration not above the renew deadline', { lease: { durationMs: 1000, renewDeadlineMs: 1000, retryPeriodMs: 100 }, callTimeoutMs: -1 },
      'lease: duration 1000 > renewDeadline 1000 > retryPeriod 100 × 1.2 does not hold'],
    ['renew deadline not above 1.2 retry periods', { lease: { durationMs: 1500, renewDeadlineMs: 120, retryPeriodMs: 100 } },
      'lease: duration 1500 > renewDeadline 120 > retryPeriod 100 × 1.2 does not hold'],
    ['calls as long as the margin', { callTimeoutMs: 500 },
      'callTimeout 500 ms leaves no clock-skew tolerance (duration − renewDeadline − callTimeout ≤ 0)'],
    ['probe timeout not below the interval', { probe: { intervalMs: 50, timeoutMs: 50 } },
      'probe timeout 50 ms is not below the interval 50 ms'],
    ['nothing to probe', { endpoints: [] }, 'no targets: no target groups and no endpoints'],
  ])('%s', (_, overrides, problem) => {
    const config = testConfig({ endpoints: [{ name: 'a', group: 'g', host: '127.0.0.1', port: 80 }], ...overrides } as never);
    expect(configProblems(config)).toEqual([problem]);
    expect(() => parseConfig(JSON.stringify(config))).toThrow(`invalid MONITOR_CONFIG: ${problem}`);
  });

  test('a missing configuration is an error', () => {
    expect(() => parseConfig(undefined)).toThrow('MONITOR_CONFIG is not set');
  });
});
