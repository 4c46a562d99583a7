import { MonitorConfig } from '../../../lambda/health-monitor/contract';

/** A monitor configuration for tests: fast, small numbers, overridable per part. */
export function testConfig(overrides: {
  [K in keyof MonitorConfig]?: MonitorConfig[K] extends object ? Partial<MonitorConfig[K]> : MonitorConfig[K];
} = {}): MonitorConfig {
  const base: MonitorConfig = {
    monitorId: 'test-monitor',
    tableName: 'monitor-table',
    probe: {
      protocol: 'HTTP', path: '/health', intervalMs: 50, timeoutMs: 20, healthyThreshold: 2, unhealthyThreshold: 2,
      downIntervalMs: 50, concurrency: 8, jitterMs: 0,
    },
    lease: { durationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 100 },
    callTimeoutMs: 200,
    invocationMs: 5000,
    functionTimeoutMs: 10000,
    ledgerRetentionMs: 30 * 24 * 3600 * 1000,
    discoveryIntervalMs: 60000,
    targetGroups: [],
    endpoints: [],
    actions: { deregister: true, dnsFailover: true, alertTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts', maxActions: 10, windowMs: 60000, dryRun: false },
    breaker: { failureThreshold: 3, failureRatePercent: 50, windowSize: 10, openMs: 1000, halfOpenTrials: 1 },
  };
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = (base as unknown as Record<string, unknown>)[key];
    merged[key] = value !== null && typeof value === 'object' && !Array.isArray(value) && typeof current === 'object' && current !== null && !Array.isArray(current)
      ? { ...current, ...value }
      : value;
  }
  return merged as unknown as MonitorConfig;
}

/** A table name unique in the test file (dynalite tables live as long as the server). */
let tables = 0;
export function tableName(prefix = 'monitor'): string {
  tables += 1;
  return `${prefix}-${tables}`;
}
