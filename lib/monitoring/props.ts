/**
 * The props of LeaderHealthMonitor: what it watches (target groups, endpoints, a failover pair,
 * registry services) and how (probe timing, lease, actions, circuit breaker, switches).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmOptions } from '../core/alarms';
import { HealthCheckProfile, HealthCheckProtocol } from '../core/health-check-profile';
import { ServiceRegistry } from '../discovery/service-registry';
import { DnsFailover } from '../dns/dns-failover';
import { FeatureFlags } from '../flags/feature-flags';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';
import { VipFailover } from '../vip/vip-failover';

/**
 * A target group of an HaLoadBalancer whose targets the monitor probes, as its load balancer
 * does: the group's own health check says what to ask (protocol, path, success codes, port).
 */
export interface MonitoredTargetGroup {
  /** The load balancer. */
  readonly loadBalancer: HaLoadBalancer;

  /**
   * The target group's name in the load balancer. Its targets must be IP targets: the monitor
   * probes the addresses ELB lists.
   */
  readonly targetGroupName: string;

  /**
   * HTTP(S) only: the body must contain this text within its first `maxBodyBytes`.
   * @default - the status code decides
   */
  readonly bodyContains?: string;

  /**
   * HTTP(S) only: the body must match this regular expression (JavaScript syntax) within its
   * first `maxBodyBytes`.
   * @default - the status code decides
   */
  readonly bodyMatches?: string;
}

/**
 * An endpoint the monitor probes that is not in a target group: a database proxy, a service in a
 * peered network. The monitor alerts on it; it has no target group to take it out of.
 */
export interface MonitoredEndpoint {
  /** Name in alerts, logs and the table. Letters, digits, `.`, `_` and `-`; at most 64 characters. */
  readonly name: string;

  /** Address or DNS name. */
  readonly host: string;

  /** Port probed. 1 to 65535. */
  readonly port: number;

  /**
   * Group the endpoint is counted in: one incident and one alert per group. Letters, digits,
   * `.`, `_` and `-`; not the name of a monitored target group.
   * @default 'endpoints'
   */
  readonly group?: string;

  /**
   * How the endpoint is probed.
   * @default HealthCheckProtocol.TCP - a TCP connection opens
   */
  readonly protocol?: HealthCheckProtocol;

  /**
   * HTTP(S): the path requested.
   * @default '/'
   */
  readonly path?: string;

  /**
   * HTTP(S): the status codes that count as healthy (`200`, `200,204`, `200-299`).
   * @default '200'
   */
  readonly successCodes?: string;

  /**
   * HTTP(S): the body must contain this text.
   * @default - the status code decides
   */
  readonly bodyContains?: string;

  /**
   * HTTP(S): the body must match this regular expression.
   * @default - the status code decides
   */
  readonly bodyMatches?: string;
}

/**
 * The lease that elects the leader. The relation `duration > renewDeadline > 1.2 × retryPeriod`
 * must hold, and `duration − renewDeadline − callTimeout` must be positive: a leader's last call
 * ends before a standby can take over. Standbys measure the lease by their own clocks, so clock
 * skew between contenders does not matter.
 */
export interface MonitorLeaseOptions {
  /**
   * How long a lease lasts after its last renewal: the longest a crashed leader keeps the others
   * waiting. 2 to 60 seconds.
   * @default Duration.seconds(2)
   */
  readonly duration?: Duration;

  /**
   * A leader that could not renew for this long stops acting.
   * @default Duration.millis(1200)
   */
  readonly renewDeadline?: Duration;

  /**
   * How often the leader renews and standbys read the lease. At least 0.2 seconds.
   * @default Duration.millis(250)
   */
  readonly retryPeriod?: Duration;
}

/**
 * The circuit breaker the monitor puts around each AWS API it calls: it opens on consecutive
 * failures or on a failure rate, refuses calls while open, then lets trial calls through.
 */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failed calls to one API that open its circuit. 1 to 100.
   * @default 3
   */
  readonly consecutiveFailures?: number;

  /**
   * Share of failed calls among the last `window`, in percent, that opens the circuit. 1 to 100.
   * @default 50
   */
  readonly failureRatePercent?: number;

  /**
   * Calls the failure rate is taken over; it is judged once this many were made. 2 to 1000.
   * @default 10
   */
  readonly window?: number;

  /**
   * How long an open circuit refuses calls before letting trial calls through. 1 s to 10 minutes,
   * and at least the call timeout.
   * @default Duration.seconds(30)
   */
  readonly openTimeout?: Duration;

  /**
   * Trial calls let through while half-open; all must succeed to close the circuit. 1 to 10.
   * @default 1
   */
  readonly halfOpenTrials?: number;
}

/**
 * A service of a `ServiceRegistry` whose instances the monitor registers and keeps in step.
 */
export interface RegistryMembership {
  /** The registry. */
  readonly registry: ServiceRegistry;

  /** The service: one with custom health checks. */
  readonly serviceName: string;

  /**
   * The monitor's groups whose targets are the service's instances: names of watched target
   * groups (IP targets: for A or SRV records), or `group`s of endpoints (DNS names: for CNAME
   * records; IP addresses: for A or SRV records).
   */
  readonly groups: string[];

  /**
   * Attributes every instance is registered with, besides its address and port (at most 25,
   * keys not starting with `AWS_`).
   * @default - none
   */
  readonly attributes?: { [key: string]: string };
}

/**
 * Settings of a `LeaderHealthMonitor` other than what it watches and where it runs: its
 * timing, lease, actions and resources.
 */
export interface LeaderHealthMonitorOptions {
  /**
   * Subnets of the contenders. They need a route to DynamoDB, Elastic Load Balancing, Route 53,
   * SNS and CloudWatch Logs: a NAT gateway or VPC endpoints.
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** Endpoints probed besides the target groups. */
  readonly endpoints?: MonitoredEndpoint[];

  /**
   * Timing of every probe: interval (1 to 60 s), timeout (0.1 s to below the interval),
   * healthy and unhealthy thresholds (1 to 10). What each probe asks comes from the target
   * group's own health check or the endpoint.
   * @default - TCP, 1 s interval, 0.5 s timeout, healthy and unhealthy after 3 (detection within 3.6 s)
   */
  readonly healthCheck?: HealthCheckProfile;

  /**
   * The dead interval: how often a DOWN target is probed. From the interval to 300 seconds.
   * @default - the interval
   */
  readonly downInterval?: Duration;

  /**
   * Probes in flight at once. 1 to 256.
   * @default 32
   */
  readonly probeConcurrency?: number;

  /**
   * Each probe starts after a random delay up to this, so that targets are not probed in
   * bursts. From 0 to the interval minus the timeout.
   * @default - a tenth of the interval, at most the interval minus the timeout
   */
  readonly probeJitter?: Duration;

  /**
   * Bytes of a body read for `bodyContains` and `bodyMatches`. 1 to 65536.
   * @default 5120 - what Route 53 string matching reads
   */
  readonly maxBodyBytes?: number;

  /**
   * Take DOWN targets out of their target group (never the last healthy one) and put them back
   * when they are UP again.
   * @default true
   */
  readonly deregisterUnhealthyTargets?: boolean;

  /**
   * Where alerts go: one per incident, one per recovery.
   * @default - a new topic, encrypted with a new KMS key that CloudWatch alarms may also use
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * Cap on successful deregistrations per `actionWindow`. Failed and refused calls, putting
   * targets back, alerts and DNS changes are not counted. 1 to 1000.
   * @default 10
   */
  readonly maxActionsPerWindow?: number;

  /**
   * Cap on successful failovers and restores of the DNS name per `actionWindow`: a budget of
   * their own, which deregistrations cannot use up. 1 to 100.
   * @default 4
   */
  readonly maxFailoversPerWindow?: number;

  /**
   * Share of a target group's targets, in percent (rounded down), the monitor ever takes out,
   * whatever ELB's own health checks say, as Envoy's `max_ejection_percent` caps ejection. Past
   * it, the monitor alerts once in the incident and leaves routing to ELB: taking more out gains
   * nothing (ELB routes only to healthy targets) and removes ELB's fail-open and the target
   * group's health thresholds, which work only on registered targets; a failure of many targets
   * at once may also be the monitor's own network path. The last healthy target is never taken
   * out. 1 to 100.
   * @default 50
   */
  readonly maxEjectPercent?: number;

  /**
   * A target the monitor took out that has not answered for this long is forgotten: it was
   * replaced, its incident may end, and its address is never put back (another task may reuse
   * it). 1 minute to 1 day.
   * @default Duration.minutes(15)
   */
  readonly removedTargetRetention?: Duration;

  /**
   * The window of `maxActionsPerWindow`. 1 minute to 1 day.
   * @default Duration.minutes(10)
   */
  readonly actionWindow?: Duration;

  /**
   * Decide and record actions, but only log the AWS calls. Also switchable at run time in the
   * table (item `pk = monitorId, sk = "switches"`, attribute `dryRun`).
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * Contenders started each minute. 1 to 5 (EventBridge allows 5 targets per rule).
   * @default 2
   */
  readonly contenders?: number;

  /**
   * The leader lease.
   * @default - 2 s duration, 1.2 s renew deadline, 0.25 s retry period
   */
  readonly lease?: MonitorLeaseOptions;

  /**
   * Timeout of every AWS call the monitor makes, retries included: below the lease's margin.
   * 0.5 seconds or more, and below `lease.duration − lease.renewDeadline`.
   * @default Duration.millis(600)
   */
  readonly callTimeout?: Duration;

  /**
   * How long one invocation contends before it releases the lease. Invocations start every
   * minute, so at least 60 s; the overlap lets the next one take over at once. 60 to 840 seconds.
   * @default Duration.seconds(70)
   */
  readonly invocationDuration?: Duration;

  /**
   * Memory of the function, in MiB. 128 to 10240.
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * Reserve the contenders' executions (two per contender) from the account's Lambda
   * concurrency, so that other functions cannot starve the monitor during an incident. Lambda
   * keeps 100 executions of the account unreserved, so an account whose concurrency quota is
   * low (new accounts may start at 10) cannot reserve any: the deployment fails. Set false
   * there, or ask for a higher quota (Service Quotas, "Concurrent executions").
   * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
   * @default true
   */
  readonly reserveConcurrency?: boolean;

  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * How long the table keeps the outcome of each action (its TTL).
   * @default Duration.days(90)
   */
  readonly ledgerRetention?: Duration;

  /**
   * Key of the table's encryption.
   * @default - the AWS managed key for DynamoDB
   */
  readonly tableEncryptionKey?: kms.IKey;

  /**
   * What happens to the table and the log group when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Alarms on the monitor itself.
   * @default - the shared alarm settings, with the alert topic as the action on ALARM and OK
   */
  readonly alarms?: AlarmOptions;

  /**
   * The monitor's name in its table, its metrics and its alerts. Letters, digits, `.`, `_` and
   * `-`; at most 64 characters. Changing it starts from an empty state.
   * @default - a name unique in the app, derived from the construct path
   */
  readonly monitorId?: string;

  /**
   * The circuit breaker around each AWS API the monitor calls (ELB, Route 53, SNS, Cloud Map,
   * AppConfig).
   * @default - 3 consecutive failures or 50 % of the last 10 calls open it for 30 s; one trial call
   */
  readonly circuitBreaker?: CircuitBreakerOptions;

  /**
   * Feature flags the pause and dry-run switches are read from, besides the monitor's table: a
   * FeatureFlags with `monitorSwitches`. Either source can pause or put the monitor in dry-run.
   * @default - the table only
   */
  readonly switches?: FeatureFlags;

  /**
   * How often the flags are polled. At least 15 s (AppConfig's minimum), in whole seconds. A
   * change is seen within one poll interval, and acted on at the next probe cycle.
   * @default - the probe interval, or 15 s if that is shorter
   */
  readonly switchPollInterval?: Duration;

  /**
   * Cloud Map services the monitor keeps in step with its verdicts: it registers the targets of
   * the groups as instances once UP, reports them HEALTHY or UNHEALTHY, and deregisters those it
   * registered once their target is gone.
   * @default - none
   */
  readonly membership?: RegistryMembership[];
}

/**
 * Props of a `LeaderHealthMonitor`.
 */
export interface LeaderHealthMonitorProps extends LeaderHealthMonitorOptions {
  /** The VPC the contenders run in, to reach private targets. */
  readonly vpc: ec2.IVpc;

  /** Target groups whose targets are probed, and taken out while unhealthy. */
  readonly targetGroups?: MonitoredTargetGroup[];

  /**
   * A failover pair the monitor fails over at once when every target of `dnsFailoverTriggerGroups`
   * is DOWN, and restores when one is UP. Route 53's own health checks stay as the safety net.
   * Its name has at most 248 characters: the monitor keeps a fence record `_fence.<name>` beside it.
   * @default - no DNS action
   */
  readonly dnsFailover?: DnsFailover;

  /**
   * Monitored target groups (by `targetGroupName`) or endpoint groups whose failure fails the
   * name over.
   * @default - the monitored target groups of the pair's primary load balancer
   */
  readonly dnsFailoverTriggerGroups?: string[];

  /**
   * An accelerator whose primary endpoint the monitor takes out of traffic (weight 0, so that the
   * accelerator fails over to the standby) when every target of `vipFailoverTriggerGroups` is
   * DOWN, and puts back at its deployed weight when one is UP. The accelerator's own health-based
   * routing stays as the safety net, and works on when its control plane (us-west-2) does not.
   * The primary endpoint's weight must be 1 to 255.
   * @default - no accelerator action
   */
  readonly vipFailover?: VipFailover;

  /**
   * Monitored target groups (by `targetGroupName`) or endpoint groups whose failure takes the
   * accelerator's primary endpoint out of traffic.
   * @default - the monitored target groups of the accelerator's primary load balancer
   */
  readonly vipFailoverTriggerGroups?: string[];
}