import { configProblems, parseConfig } from '../../../lambda/health-monitor/config';
import { landingMarginMs } from '../../../lambda/health-monitor/contract';
import { testConfig } from './fixtures';

describe('monitor configuration', () => {
  test('the landing margin is what the lease leaves after the renew deadline and one call', () => {
    expect(landingMarginMs({ lease: { durationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 }, callTimeoutMs: 3000 })).toBe(2000);
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
      'callTimeout 500 ms does not end before the lease can pass on (duration − renewDeadline − callTimeout ≤ 0)'],
    ['probe timeout not below the interval', { probe: { intervalMs: 50, timeoutMs: 50 } },
      'probe timeout 50 ms is not below the interval 50 ms'],
    ['nothing to probe', { endpoints: [] }, 'no targets: no target groups and no endpoints'],
    ['an ejection cap over 100 %', { actions: { maxEjectPercent: 101 } }, 'maxEjectPercent 101 is over 100'],
  ])('%s', (_, overrides, problem) => {
    const config = testConfig({ endpoints: [{ name: 'a', group: 'g', host: '127.0.0.1', port: 80 }], ...overrides } as never);
    expect(configProblems(config)).toEqual([problem]);
    expect(() => parseConfig(JSON.stringify(config))).toThrow(`invalid MONITOR_CONFIG: ${problem}`);
  });

  test('a missing configuration is an error', () => {
    expect(() => parseConfig(undefined)).toThrow('MONITOR_CONFIG is not set');
  });

  test('a configuration that is not JSON is an error', () => {
    expect(() => parseConfig('{"monitorId":')).toThrow(/^MONITOR_CONFIG is not JSON: /);
  });

  // A configuration written by another version of the construct: its shape is checked against
  // the contract before any value is used.
  test.each<[string, (c: Record<string, unknown>) => void, string]>([
    ['a field of the wrong type', (c) => { c.callTimeoutMs = '3000'; }, 'config.callTimeoutMs: expected a number, got "3000"'],
    ['a missing field', (c) => { delete c.tableName; }, 'config.tableName: expected a string, got nothing'],
    ['a field the contract does not have', (c) => { c.probeEveryMs = 5000; }, 'config.probeEveryMs: not a field of the configuration'],
    ['a nested field of the wrong type', (c) => { (c.lease as Record<string, unknown>).durationMs = null; }, 'config.lease.durationMs: expected a number, got null'],
    ['a protocol the probes do not speak', (c) => { (c.endpoints as Array<Record<string, unknown>>)[0].probe = { protocol: 'UDP' }; },
      'config.endpoints[0].probe.protocol: expected TCP or HTTP or HTTPS, got "UDP"'],
    ['a list that is not one', (c) => { c.targetGroups = {}; }, 'config.targetGroups: expected a list, got {}'],
    ['a record type the failover does not change', (c) => {
      c.dns = { hostedZoneId: 'Z1', triggerGroups: ['g'], primaryRecord: { Name: 'api', Type: 'MX' }, failoverRecord: { Name: 'api', Type: 'A' } };
    }, 'config.dns.primaryRecord.Type: expected A or AAAA or CNAME, got "MX"'],
  ])('%s is refused, naming where', (_, change, problem) => {
    const config = JSON.parse(JSON.stringify(testConfig({ endpoints: [{ name: 'a', group: 'g', host: '127.0.0.1', port: 80 }] }))) as Record<string, unknown>;
    change(config);
    expect(() => parseConfig(JSON.stringify(config))).toThrow(`invalid MONITOR_CONFIG: ${problem}`);
  });

  test('every problem is named at once', () => {
    const config = JSON.parse(JSON.stringify(testConfig({ endpoints: [] }))) as Record<string, unknown>;
    config.monitorId = 7;
    config.actions = { ...(config.actions as object), dryRun: 'no' };
    expect(() => parseConfig(JSON.stringify(config))).toThrow(
      'invalid MONITOR_CONFIG: config.monitorId: expected a string, got 7; config.actions.dryRun: expected a boolean, got "no"');
  });
});
