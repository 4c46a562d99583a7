import { CONFIG_ENV, MonitorConfig } from '../../../lambda/health-monitor/contract';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../../lib/core/metrics';

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
    actions: {
      deregister: true, dnsFailover: true, vipFailover: true, alertTopicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts', maxActions: 10, maxFailovers: 4, windowMs: 60000,
      maxEjectPercent: 50, removedRetentionMs: 600_000, dryRun: false,
    },
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

/** Timing for a handler run end to end in a test: probes every 100 ms, a 3 s lease, half-second calls. */
export const HANDLER_TIMING = {
  probe: { protocol: 'TCP', intervalMs: 100, timeoutMs: 50, jitterMs: 10 },
  lease: { durationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 },
  callTimeoutMs: 500,
} as const;

/**
 * The environment Lambda gives the contenders' function, as the construct configures it: the
 * configuration, the region, the role's credentials, Powertools' names; DynamoDB at
 * `dynamoEndpoint` when given (the SDK's service endpoint variable).
 */
export function lambdaEnvironment(config: MonitorConfig, dynamoEndpoint?: string): Record<string, string> {
  return {
    [CONFIG_ENV]: JSON.stringify(config),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    ...(dynamoEndpoint ? { AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint } : {}),
  };
}
