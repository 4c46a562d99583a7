/** How the handler puts the monitor together from its configuration. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { AppConfigDataClient } from '@aws-sdk/client-appconfigdata';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { Route53Client } from '@aws-sdk/client-route-53';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsActions, AwsClients } from './actions';
import { CircuitBreaker } from './breaker';
import { Clock } from './clock';
import { MetricName, MonitorConfig } from './contract';
import { FlagSwitches, FlagWatcher } from './flags';
import { LeaseStore } from './lease';
import { ActionLedger } from './ledger';
import { CloudMapMembership } from './membership';
import { HealthMonitor, MonitorDeps } from './monitor';
import type { SwitchSource } from './ports';
import { TargetStateStore } from './state-store';
import { AnySwitches, TableSwitches } from './switches';
import { ElbDiscovery } from './targets';
import { Telemetry } from './telemetry';

/** Where Global Accelerator's control plane is. */
export const GLOBAL_ACCELERATOR_REGION = 'us-west-2';

const UNITS = { Count: MetricUnit.Count, Milliseconds: MetricUnit.Milliseconds, None: MetricUnit.NoUnit } as const;

/** Structured JSON logs and embedded-metric-format metrics, through Powertools. */
export class PowertoolsTelemetry implements Telemetry {
  constructor(private readonly logger: Logger, private readonly metrics: Metrics) {}

  public info(message: string, data?: Record<string, unknown>): void { this.logger.info(message, data ?? {}); }
  public warn(message: string, data?: Record<string, unknown>): void { this.logger.warn(message, data ?? {}); }
  public error(message: string, data?: Record<string, unknown>): void { this.logger.error(message, data ?? {}); }

  public metric(name: MetricName, value: number, unit: keyof typeof UNITS = 'Count', dimensions?: Record<string, string>): void {
    if (!dimensions) {
      this.metrics.addMetric(name, UNITS[unit], value);
      return;
    }
    const single = this.metrics.singleMetric();
    single.clearDefaultDimensions();
    single.addDimensions(dimensions);
    single.addMetric(name, UNITS[unit], value);
  }

  public flush(): void {
    if (this.metrics.hasStoredMetrics()) this.metrics.publishStoredMetrics();
  }
}

export interface MonitorClients extends AwsClients {
  readonly db: DynamoDBDocumentClient;
  readonly serviceDiscovery: ServiceDiscoveryClient;
  readonly appConfigData: AppConfigDataClient;
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
    // Global Accelerator's API is in US West (Oregon), wherever the monitor runs.
    // https://docs.aws.amazon.com/global-accelerator/latest/api/Welcome.html
    globalAccelerator: new GlobalAcceleratorClient({ ...common, region: GLOBAL_ACCELERATOR_REGION }),
    sns: new SNSClient(common),
    serviceDiscovery: new ServiceDiscoveryClient(common),
    appConfigData: new AppConfigDataClient(common),
  };
}

/** One circuit breaker per AWS API the monitor calls (DynamoDB, its coordinator, is fenced instead). */
export interface Breakers {
  /** ELB's changes; its listings have a breaker of their own, so that one cannot starve the other. */
  readonly elb: CircuitBreaker;
  readonly elbDiscovery: CircuitBreaker;
  readonly route53: CircuitBreaker;
  readonly globalAccelerator: CircuitBreaker;
  readonly sns: CircuitBreaker;
  readonly serviceDiscovery: CircuitBreaker;
  readonly appConfig: CircuitBreaker;
}

/** The breakers, which report every change of state in the logs. */
export function createBreakers(config: Pick<MonitorConfig, 'breaker'>, clock: Clock, telemetry: Telemetry): Breakers {
  const breaker = (api: string) => new CircuitBreaker(api, config.breaker, clock, (_api, from, to, reason) => {
    const data = { api, from, to, reason };
    if (to === 'OPEN') telemetry.warn('circuit opened', data);
    else telemetry.info(to === 'CLOSED' ? 'circuit closed' : 'circuit half-open', data);
  });
  return {
    elb: breaker('elasticloadbalancing'),
    elbDiscovery: breaker('elasticloadbalancing-describe'),
    route53: breaker('route53'),
    globalAccelerator: breaker('globalaccelerator'),
    sns: breaker('sns'),
    serviceDiscovery: breaker('servicediscovery'),
    appConfig: breaker('appconfig'),
  };
}

/**
 * What outlives an invocation in an execution environment besides clients and breakers: the
 * feature-flag session, so that each invocation does not start (and pay for) a new one, and the
 * switches with their last known values, which a failed read falls back on.
 */
export interface Watchers {
  readonly flags?: FlagWatcher;
  readonly switches: SwitchSource;
}

export function createWatchers(config: MonitorConfig, clients: MonitorClients, breakers: Breakers, telemetry: Telemetry, clock: Clock): Watchers {
  const flags = config.flags ? new FlagWatcher(clients.appConfigData, breakers.appConfig, config.flags, clock, telemetry) : undefined;
  const table = new TableSwitches(clients.db, config.tableName, config.monitorId, config.actions.dryRun);
  const sources: Array<readonly [string, SwitchSource]> = [['table', table]];
  if (flags && config.flags) sources.push(['feature flags', new FlagSwitches(flags, config.flags)]);
  return { flags, switches: new AnySwitches(sources, telemetry) };
}

/** One contender, named `me`, wired to AWS; `probe` replaces the real probes (the drill watches them). */
export function createMonitor(
  config: MonitorConfig, me: string, clients: MonitorClients, breakers: Breakers, watchers: Watchers, telemetry: Telemetry, clock: Clock,
  probe?: MonitorDeps['probe'],
): HealthMonitor {
  return new HealthMonitor({
    config,
    me,
    clock,
    leases: new LeaseStore(clients.db, { tableName: config.tableName, monitorId: config.monitorId, durationMs: config.lease.durationMs, windowMs: config.actions.windowMs }),
    states: new TargetStateStore(clients.db, config.tableName, config.monitorId),
    discovery: new ElbDiscovery(clients.elb, breakers.elbDiscovery, config),
    actions: new AwsActions(clients, breakers, telemetry),
    switches: watchers.switches,
    watchers: watchers.flags ? [watchers.flags] : [],
    membership: config.registry && config.registry.length > 0
      ? new CloudMapMembership(clients.serviceDiscovery, breakers.serviceDiscovery, config.registry, config.monitorId, config.discoveryIntervalMs, clock, telemetry)
      : undefined,
    breakers: Object.values(breakers),
    ledger: new ActionLedger(clients.db, config.tableName, config.monitorId, config.ledgerRetentionMs),
    telemetry,
    probe,
  });
}
