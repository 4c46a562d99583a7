import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsActions, AwsClients } from './actions';
import { CircuitBreaker } from './breaker';
import { Clock } from './clock';
import { MonitorConfig } from './config';
import { LeaseStore } from './lease';
import { ActionLedger } from './ledger';
import { HealthMonitor, MonitorDeps } from './monitor';
import { TableSwitches, TargetStateStore } from './state-store';
import { ElbDiscovery } from './targets';
import { MetricName, Telemetry } from './telemetry';

/** How the handler puts the monitor together from its configuration. */

const UNITS = { Count: MetricUnit.Count, Milliseconds: MetricUnit.Milliseconds, None: MetricUnit.NoUnit } as const;

/** Structured JSON logs and embedded-metric-format metrics, through Powertools. */
export class PowertoolsTelemetry implements Telemetry {
  constructor(private readonly logger: Logger, private readonly metrics: Metrics) {}

  public info(message: string, data?: Record<string, unknown>): void { this.logger.info(message, data ?? {}); }
  public warn(message: string, data?: Record<string, unknown>): void { this.logger.warn(message, data ?? {}); }
  public error(message: string, data?: Record<string, unknown>): void { this.logger.error(message, data ?? {}); }

  public metric(name: MetricName, value: number, unit: keyof typeof UNITS = 'Count'): void {
    this.metrics.addMetric(name, UNITS[unit], value);
  }

  public flush(): void {
    if (this.metrics.hasStoredMetrics()) this.metrics.publishStoredMetrics();
  }
}

export interface MonitorClients extends AwsClients {
  readonly db: DynamoDBDocumentClient;
}

/**
 * The monitor's AWS clients. Every call ends within `callTimeoutMs` (connection and whole
 * request), with no SDK retry: the monitor retries on its own schedule, and a retry would make a
 * call outlast the lease's safety margin.
 */
export function createClients(config: Pick<MonitorConfig, 'callTimeoutMs'>, overrides: { region?: string; endpoint?: string } = {}): MonitorClients {
  const common = {
    ...overrides,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: config.callTimeoutMs, requestTimeout: config.callTimeoutMs, throwOnRequestTimeout: true },
  };
  return {
    db: DynamoDBDocumentClient.from(new DynamoDBClient(common), { marshallOptions: { removeUndefinedValues: true } }),
    elb: new ElasticLoadBalancingV2Client(common),
    route53: new Route53Client(common),
    sns: new SNSClient(common),
  };
}

export type Breakers = ConstructorParameters<typeof AwsActions>[1];

export function createBreakers(config: Pick<MonitorConfig, 'breaker'>, clock: Clock): Breakers {
  return {
    elb: new CircuitBreaker('elasticloadbalancing', config.breaker, clock),
    route53: new CircuitBreaker('route53', config.breaker, clock),
    sns: new CircuitBreaker('sns', config.breaker, clock),
  };
}

/** One contender, named `me`, wired to AWS; `probe` replaces the real probes (the drill watches them). */
export function createMonitor(
  config: MonitorConfig, me: string, clients: MonitorClients, breakers: Breakers, telemetry: Telemetry, clock: Clock,
  probe?: MonitorDeps['probe'],
): HealthMonitor {
  return new HealthMonitor({
    config,
    me,
    clock,
    leases: new LeaseStore(clients.db, { tableName: config.tableName, monitorId: config.monitorId, durationMs: config.lease.durationMs },
      { maxActions: config.actions.maxActions, windowMs: config.actions.windowMs }),
    states: new TargetStateStore(clients.db, config.tableName, config.monitorId),
    discovery: new ElbDiscovery(clients.elb, breakers.elb, config),
    actions: new AwsActions(clients, breakers, telemetry),
    switches: new TableSwitches(clients.db, config.tableName, config.monitorId, config.actions.dryRun),
    ledger: new ActionLedger(clients.db, config.tableName, config.monitorId, config.ledgerRetentionMs),
    telemetry,
    probe,
  });
}
