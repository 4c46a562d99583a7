/**
 * What the LeaderHealthMonitor construct and its handler agree on, and nothing else: the
 * configuration the construct writes and the handler reads, the environment variable that
 * carries it, the names of the metrics the handler emits, and the timing rules both sides apply.
 *
 * It is the only module of `lambda/` that `lib/` imports, and it imports nothing: the library
 * ships it compiled, while the handler itself ships pre-bundled. A change here is checked by the
 * compiler on both sides.
 */

/** The environment variable that carries the configuration, as JSON. */
export const CONFIG_ENV = 'MONITOR_CONFIG';

/** The instance attribute that marks the instances a monitor registered (it deregisters no others). */
export const REGISTERED_BY = 'HA_KIT_REGISTERED_BY';

/**
 * What the fencing token's name puts before the failover name: the token is the TXT record
 * `_fence.<name>` beside the pair. The construct grants changes to that name and checks it fits
 * Route 53's name length.
 */
export const FENCE_PREFIX = '_fence.';

/**
 * How the stack output that names a monitor's function begins its description: the operator
 * command (`npx cdk-ha-kit --stack <name>`) finds the monitors of a stack by it.
 */
export const MONITOR_OUTPUT_MARK = 'cdk-ha-kit monitor';

/** The dimension of the monitor's own metrics: its monitor id. */
export const MONITOR_DIMENSION = 'Monitor';

/** The dimension of the registry metrics: `<namespace>/<service>`. */
export const REGISTRY_DIMENSION = 'Registry';

/** Every metric the handler emits. The construct's metric methods are typed against these. */
export const METRIC_NAMES = [
  'LeaderHeartbeat', 'LeaderEpoch', 'TargetsUp', 'TargetsDown', 'TargetsUnknown', 'ProbeLatency', 'ProbeCycleTime',
  'Actions', 'ActionFailures', 'RefusedStaleActions', 'CappedActions', 'SkippedFailOpen', 'Alerts', 'CycleErrors',
  'CircuitsOpen', 'CallsRefused', 'Paused', 'DryRun',
  'HeldBack', 'UnknownOutcomes', 'DiscoveryErrors', 'Blind', 'SwitchReadErrors', 'ForgottenTargets',
  'RegistryHealthy', 'RegistryUnhealthy', 'RegistryChanges', 'RegistryFailures',
] as const;

export type MetricName = typeof METRIC_NAMES[number];

/** What a probe asks of a target. */
export interface ProbeRequest {
  readonly protocol: 'TCP' | 'HTTP' | 'HTTPS';
  readonly path?: string;
  readonly successCodes?: string;
  readonly bodySubstring?: string;
  readonly bodyRegex?: string;
  readonly maxBodyBytes?: number;
  /** Probe this port instead of the target's own. */
  readonly port?: number;
}

/** How often and how patiently targets are probed, and when a verdict changes. */
export interface ProbeTiming {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** Probe period of a DOWN target (the dead interval). */
  readonly downIntervalMs: number;
  readonly concurrency: number;
  readonly jitterMs: number;
}

/** The leader lease. */
export interface LeaseTiming {
  readonly durationMs: number;
  /** A leader that has not renewed for this long stops acting. */
  readonly renewDeadlineMs: number;
  /** How often the leader renews and contenders try to acquire. */
  readonly retryPeriodMs: number;
}

/** The circuit breaker around each AWS API the handler calls. */
export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** Share of failed calls, in percent, among the last `windowSize`, that opens the circuit. */
  readonly failureRatePercent: number;
  /** How many of the latest calls the failure rate is taken over. */
  readonly windowSize: number;
  /** How long an open circuit refuses calls. */
  readonly openMs: number;
  /** Trial calls let through while half-open; all of them must succeed to close the circuit. */
  readonly halfOpenTrials: number;
}

/**
 * A Route 53 record set as the ChangeResourceRecordSets API spells it: the part of it a failover
 * pair's PRIMARY record uses.
 */
export interface RecordSet {
  readonly Name: string;
  readonly Type: 'A' | 'AAAA' | 'CNAME';
  readonly SetIdentifier?: string;
  readonly Failover?: 'PRIMARY' | 'SECONDARY';
  readonly HealthCheckId?: string;
  readonly AliasTarget?: { readonly HostedZoneId: string; readonly DNSName: string; readonly EvaluateTargetHealth: boolean };
  readonly TTL?: number;
  readonly ResourceRecords?: Array<{ readonly Value: string }>;
}

/** A target group whose IP targets are probed. */
export interface MonitoredGroup {
  readonly name: string;
  readonly arn: string;
  readonly probe?: ProbeRequest;
}

/** An endpoint probed outside any target group. */
export interface MonitoredHost {
  readonly name: string;
  readonly group: string;
  readonly host: string;
  readonly port: number;
  readonly probe?: ProbeRequest;
}

/** The name the monitor fails over and restores. */
export interface DnsAction {
  readonly hostedZoneId: string;
  /** The record is failed over when every target of these groups is DOWN. */
  readonly triggerGroups: readonly string[];
  /** The PRIMARY record as deployed. */
  readonly primaryRecord: RecordSet;
  /** The PRIMARY record pointing at the secondary's target. */
  readonly failoverRecord: RecordSet;
}

/**
 * The accelerator endpoint the monitor takes out of traffic and puts back: the primary region's
 * load balancer in its endpoint group. A weight of 0 leaves the group with no endpoint to send to,
 * so Global Accelerator fails over to a healthy endpoint of another group, whatever that group's
 * traffic dial.
 * https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-endpoint-weights.unhealthy-endpoints.html
 */
export interface VipAction {
  /** The primary region's endpoint group. */
  readonly endpointGroupArn: string;
  /** The endpoint's id: the load balancer's ARN. */
  readonly endpointId: string;
  /** Its weight as deployed (1 to 255), put back on recovery. */
  readonly weight: number;
  /** Whether the endpoint preserves the client's address, as deployed (for an endpoint the monitor adds back). */
  readonly clientIpPreservation?: boolean;
  /** The endpoint is taken out when every target of these groups is DOWN. */
  readonly triggerGroups: readonly string[];
}

/** What the leader may do, and how often. */
export interface ActionSettings {
  readonly deregister: boolean;
  readonly dnsFailover: boolean;
  readonly vipFailover: boolean;
  readonly alertTopicArn?: string;
  /** Cap on successful deregistrations per window. */
  readonly maxActions: number;
  /** Cap on successful failovers and restores per window, of the name and of the accelerator endpoint each: a budget of their own. */
  readonly maxFailovers: number;
  readonly windowMs: number;
  /** Share of a group's targets, in percent, taken out on the monitor's verdict alone; beyond it ELB must agree. */
  readonly maxEjectPercent: number;
  /** A target taken out that has not come back for this long is forgotten (it was replaced). */
  readonly removedRetentionMs: number;
  readonly dryRun: boolean;
}

/** An AppConfig feature-flags profile, deployed to an environment. */
export interface FlagSource {
  readonly applicationId: string;
  readonly environmentId: string;
  readonly profileId: string;
  /** The session's minimum poll interval (AppConfig allows 15 s and more). */
  readonly pollIntervalSeconds: number;
  /** The flag that pauses the monitor, and the one that puts it in dry-run. */
  readonly pausedFlag: string;
  readonly dryRunFlag: string;
}

/** A Cloud Map service with custom health checks, whose instances are targets of the monitor. */
export interface RegistryService {
  readonly serviceId: string;
  /** `namespace/service`: the dimension of its metrics. */
  readonly name: string;
  /** The monitor's groups (target groups or endpoint groups) whose targets are its instances. */
  readonly groups: readonly string[];
  /** Attributes every instance is registered with, besides its address and port. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Everything the handler needs, written by the construct into {@link CONFIG_ENV}. */
export interface MonitorConfig {
  readonly monitorId: string;
  readonly tableName: string;
  /** How every target is probed (a group's `probe` replaces the request, not the timing). */
  readonly probe: ProbeRequest & ProbeTiming;
  readonly lease: LeaseTiming;
  /** Timeout of every AWS call: below the lease's safety margin. */
  readonly callTimeoutMs: number;
  /** How long one invocation contends before releasing. */
  readonly invocationMs: number;
  /** The function's timeout: no contender lives longer, so no claim is acted on after it. */
  readonly functionTimeoutMs: number;
  /** How long the ledger keeps the outcome of each action. */
  readonly ledgerRetentionMs: number;
  /** How often target groups are listed again. */
  readonly discoveryIntervalMs: number;
  readonly targetGroups: readonly MonitoredGroup[];
  readonly endpoints: readonly MonitoredHost[];
  readonly dns?: DnsAction;
  /** The accelerator endpoint the monitor fails over (through Global Accelerator's API, in us-west-2). */
  readonly vip?: VipAction;
  readonly actions: ActionSettings;
  /** The circuit breaker around each AWS API. */
  readonly breaker: BreakerOptions;
  /** AppConfig feature flags the operator switches are read from, besides the table. */
  readonly flags?: FlagSource;
  /** Cloud Map services whose instances the monitor registers and keeps in step with its verdicts. */
  readonly registry?: readonly RegistryService[];
}

/**
 * A contender that failed to take the lease waits a retry period spread by this share either
 * way, so that contenders started together do not stay in step.
 */
export const RETRY_JITTER = 0.2;

/** The wait before a contender tries the lease again, for `random` in [0, 1). */
export function retryDelayMs(lease: Pick<LeaseTiming, 'retryPeriodMs'>, random: number): number {
  return lease.retryPeriodMs * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random);
}

/**
 * Whether `duration > renewDeadline > retryPeriod × (1 + jitter)`: a leader renews at least once
 * before it stops acting, and stops acting before its lease can pass on.
 */
export function leaseTimingHolds(lease: LeaseTiming): boolean {
  return lease.durationMs > lease.renewDeadlineMs && lease.renewDeadlineMs > lease.retryPeriodMs * (1 + RETRY_JITTER);
}

/**
 * How late after its client-side timeout an unfenced call (ELB's) may still land and end before
 * the next leader can start: a leader acts only until `renewDeadline` after it sent its last
 * renewal, its calls time out `callTimeout` later, and no contender takes over before `duration`
 * after that renewal (by the contender's own clock: skew does not enter). A call that lands later
 * still is settled by reading it back (see the README's fault model).
 */
export function landingMarginMs(config: Pick<MonitorConfig, 'lease' | 'callTimeoutMs'>): number {
  return config.lease.durationMs - config.lease.renewDeadlineMs - config.callTimeoutMs;
}

/**
 * How long after it was signed a request may still reach AWS and be applied. The IAM User Guide
 * says that "in most cases" a request must reach AWS within five minutes of its time stamp
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html), and the services'
 * common errors refuse one as `RequestExpired` only once it arrives "more than 15 minutes after
 * the date stamp" (e.g. https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/CommonErrors.html).
 * The longer of the two is the bound: no shorter one is promised.
 */
export const SIGNED_REQUEST_WINDOW_MS = 15 * 60_000;

/**
 * Until when (the sender's wall clock) a change sent at `sentAt` whose outcome was never seen may
 * still land: the request is signed as it is sent, may arrive until the end of the signing window,
 * and is applied within a call's time of arriving.
 */
export function mayLandUntil(config: Pick<MonitorConfig, 'callTimeoutMs'>, sentAt: number): number {
  return sentAt + SIGNED_REQUEST_WINDOW_MS + config.callTimeoutMs;
}

/**
 * While a change whose outcome is unknown may still land, the leader reads the resource back at
 * least every this many probe intervals (and at least every discovery interval), so that a late
 * change is undone within that time of landing.
 */
export const LATE_READ_INTERVALS = 5;

/** How often the leader reads back a resource a late change may still land on. */
export function lateReadPeriodMs(config: Pick<MonitorConfig, 'probe' | 'discoveryIntervalMs'>): number {
  return Math.min(config.discoveryIntervalMs, LATE_READ_INTERVALS * config.probe.intervalMs);
}

/** Time kept at the end of an invocation to finish the current cycle and release the lease. */
export function endReserveMs(config: { readonly probe: Pick<ProbeTiming, 'timeoutMs'>; readonly callTimeoutMs: number }): number {
  return config.probe.timeoutMs + 3 * config.callTimeoutMs + 1000;
}

/** When an invocation that started at `now`, with `remainingMs` before its timeout, stops contending. */
export function invocationDeadline(config: Pick<MonitorConfig, 'probe' | 'callTimeoutMs' | 'invocationMs'>, now: number, remainingMs: number): number {
  return now + Math.max(0, Math.min(config.invocationMs, remainingMs - endReserveMs(config)));
}

/**
 * Worst case from a target failing to the leader acting: the failed probes the verdict needs,
 * the last one's timeout, and the jitter before it starts.
 */
export function detectionBoundMs(probe: Pick<ProbeTiming, 'intervalMs' | 'timeoutMs' | 'unhealthyThreshold' | 'jitterMs'>): number {
  return probe.intervalMs * probe.unhealthyThreshold + probe.timeoutMs + probe.jitterMs;
}

/**
 * Worst case from the leader dying to a standby leading: the standby's read that first returns
 * the leader's last renewal starts at most one jittered retry period after it and takes at most
 * a call; from that answer it waits a whole lease by its own clock; its next try starts at most
 * one more jittered retry period later, and its read and acquire take a call each.
 */
export function takeoverBoundMs(config: Pick<MonitorConfig, 'lease' | 'callTimeoutMs'>): number {
  return config.lease.durationMs + 2 * Math.ceil(config.lease.retryPeriodMs * (1 + RETRY_JITTER)) + 3 * config.callTimeoutMs;
}
