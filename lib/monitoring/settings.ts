/**
 * What a LeaderHealthMonitor's props resolve to, in the runtime's units, and the configuration
 * its contenders run with (the shape the handler's contract defines).
 */
import { Duration } from 'aws-cdk-lib';
import type { LeaseTiming, MonitorConfig, MonitoredHost, ProbeRequest, ProbeTiming } from '../../lambda/health-monitor/contract';
import { detectionBoundMs, endReserveMs } from '../../lambda/health-monitor/contract';
import { HealthCheckProfile, HealthCheckProtocol } from '../core/health-check-profile';
import { FailoverTargetKind } from '../dns/failover-target';
import { failoverRecordSets } from '../dns/record-sets';
import { FeatureFlags } from '../flags/feature-flags';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';
import { DEFAULT_ENDPOINT_WEIGHT } from '../vip/vip-endpoint';
import type { VipFailover } from '../vip/vip-failover';
import type { LeaderHealthMonitorProps } from './props';

/** The group of an endpoint that names none. */
export const DEFAULT_ENDPOINT_GROUP = 'endpoints';

/**
 * The probe timing when none is given: TCP, every second, half a second to answer, three in a row
 * to change a verdict. Detection within `1 s × 3 + 0.5 s + 0.1 s jitter = 3.6 s`; recovery 3 s.
 */
export const DEFAULT_HEALTH_CHECK = HealthCheckProfile.tcp({
  interval: Duration.seconds(1), timeout: Duration.millis(500), healthyThreshold: 3, unhealthyThreshold: 3,
});

/**
 * Worst case from the trigger targets failing to a failover path's change (the name answering
 * with the secondary, or the accelerator endpoint at weight 0): the monitor's own detection, or,
 * later, ELB's (its second opinion, seen at the next listing after it, one interval), then a read
 * and one change. Trigger groups outside ELB (endpoints) have no second opinion to wait for.
 */
export function failoverBoundMs(s: Settings, config: MonitorConfig, triggerGroups: readonly string[]): number {
  const elb = s.groups.filter((g) => triggerGroups.includes(g.name)).map((g) => g.elbDetectionMs + s.timing.intervalMs);
  return Math.max(detectionBoundMs(s.timing), ...elb) + 2 * config.callTimeoutMs;
}

/** The probe jitter when none is given: a tenth of the interval, at most the interval minus the timeout. */
export function defaultJitterMs(intervalMs: number, timeoutMs: number): number {
  return Math.max(0, Math.min(Math.round(intervalMs / 10), intervalMs - timeoutMs));
}

/** The probe timing `props` resolve to with `timing` as the health check. */
function probeTiming(props: Pick<LeaderHealthMonitorProps, 'downInterval' | 'probeConcurrency' | 'probeJitter'>, timing: HealthCheckProfile): ProbeTiming {
  const intervalMs = timing.interval.toMilliseconds();
  const timeoutMs = timing.timeout.toMilliseconds();
  return {
    intervalMs,
    timeoutMs,
    healthyThreshold: timing.healthyThreshold,
    unhealthyThreshold: timing.unhealthyThreshold,
    downIntervalMs: (props.downInterval ?? timing.interval).toMilliseconds(),
    concurrency: props.probeConcurrency ?? 32,
    jitterMs: props.probeJitter?.toMilliseconds() ?? defaultJitterMs(intervalMs, timeoutMs),
  };
}

/** How often the leader lists the targets of its groups again. */
const DISCOVERY_INTERVAL_MS = 30_000;

/** The lease and call timing, in the runtime's units. */
export interface LeaseSettings {
  readonly lease: LeaseTiming;
  readonly callTimeoutMs: number;
  readonly invocationMs: number;
}

export function leaseSettings(props: Pick<LeaderHealthMonitorProps, 'lease' | 'callTimeout' | 'invocationDuration'>): LeaseSettings {
  return {
    lease: {
      durationMs: (props.lease?.duration ?? Duration.seconds(2)).toMilliseconds(),
      renewDeadlineMs: (props.lease?.renewDeadline ?? Duration.millis(1200)).toMilliseconds(),
      retryPeriodMs: (props.lease?.retryPeriod ?? Duration.millis(250)).toMilliseconds(),
    },
    callTimeoutMs: (props.callTimeout ?? Duration.millis(600)).toMilliseconds(),
    invocationMs: (props.invocationDuration ?? Duration.seconds(70)).toMilliseconds(),
  };
}

/** Everything the props resolve to, in the runtime's units. */
export interface Settings extends LeaseSettings {
  readonly timing: ProbeTiming;
  readonly functionTimeoutMs: number;
  readonly contenders: number;
  readonly groups: Array<{ readonly name: string; readonly arn: string; readonly request: ProbeRequest; readonly elbDetectionMs: number }>;
  readonly endpoints: readonly MonitoredHost[];
  readonly dns?: MonitorConfig['dns'];
  readonly vip?: MonitorConfig['vip'];
  readonly vpcProbePorts: number[];
  readonly endpointPorts: number[];
}

export function resolveSettings(props: LeaderHealthMonitorProps, timing: HealthCheckProfile, leaseTiming: LeaseSettings): Settings {
  const timeoutMs = timing.timeout.toMilliseconds();
  const maxBodyBytes = props.maxBodyBytes ?? 5120;
  const { lease, callTimeoutMs, invocationMs } = leaseTiming;
  const reserve = endReserveMs({ probe: { timeoutMs }, callTimeoutMs });
  const groups = (props.targetGroups ?? []).map((g) => {
    const check = g.loadBalancer.healthCheck(g.targetGroupName);
    const options = g.loadBalancer.targetGroupOptions(g.targetGroupName);
    return {
      name: g.targetGroupName,
      arn: g.loadBalancer.targetGroup(g.targetGroupName).targetGroupArn,
      request: probeRequest(check.protocol, check.path, check.successCodes, check.port, g.bodyContains, g.bodyMatches, maxBodyBytes),
      // Watched groups hold IP targets, which have a port.
      port: check.port ?? options.port!,
      elbDetectionMs: check.detectionTime.toMilliseconds(),
    };
  });
  const endpoints = (props.endpoints ?? []).map((e) => ({
    name: e.name,
    group: e.group ?? DEFAULT_ENDPOINT_GROUP,
    host: e.host,
    port: e.port,
    probe: probeRequest(e.protocol ?? HealthCheckProtocol.TCP, e.path, e.successCodes, undefined, e.bodyContains, e.bodyMatches, maxBodyBytes),
  }));
  return {
    timing: probeTiming(props, timing),
    lease,
    callTimeoutMs,
    invocationMs,
    // The function outlives its invocation's deadline by the time kept to end a cycle and release.
    functionTimeoutMs: Math.ceil((invocationMs + reserve) / 1000) * 1000 + 5000,
    contenders: props.contenders ?? 2,
    groups: groups.map(({ port: _port, ...g }) => g),
    endpoints,
    dns: props.dnsFailover ? dnsSettings(props) : undefined,
    vip: props.vipFailover ? vipSettings(props.vipFailover, props) : undefined,
    vpcProbePorts: [...new Set(groups.map((g) => g.port))],
    endpointPorts: [...new Set(endpoints.map((e) => e.port))],
  };
}

/** What the construct knows only once it has created its resources. */
export interface ResourceNames {
  readonly monitorId: string;
  readonly tableName: string;
  readonly alertTopicArn: string;
}

/** The configuration the contenders run with. */
export function monitorConfig(props: LeaderHealthMonitorProps, s: Settings, resources: ResourceNames): MonitorConfig {
  return {
    monitorId: resources.monitorId,
    tableName: resources.tableName,
    probe: { protocol: 'TCP', ...s.timing },
    lease: s.lease,
    callTimeoutMs: s.callTimeoutMs,
    invocationMs: s.invocationMs,
    functionTimeoutMs: s.functionTimeoutMs,
    ledgerRetentionMs: (props.ledgerRetention ?? Duration.days(90)).toMilliseconds(),
    discoveryIntervalMs: DISCOVERY_INTERVAL_MS,
    targetGroups: s.groups.map((g) => ({ name: g.name, arn: g.arn, probe: g.request })),
    endpoints: s.endpoints,
    dns: s.dns,
    vip: s.vip,
    actions: {
      deregister: props.deregisterUnhealthyTargets ?? true,
      dnsFailover: s.dns !== undefined,
      vipFailover: s.vip !== undefined,
      alertTopicArn: resources.alertTopicArn,
      maxActions: props.maxActionsPerWindow ?? 10,
      maxFailovers: props.maxFailoversPerWindow ?? 4,
      windowMs: (props.actionWindow ?? Duration.minutes(10)).toMilliseconds(),
      maxEjectPercent: props.maxEjectPercent ?? 50,
      removedRetentionMs: (props.removedTargetRetention ?? Duration.minutes(15)).toMilliseconds(),
      dryRun: props.dryRun ?? false,
    },
    breaker: {
      failureThreshold: props.circuitBreaker?.consecutiveFailures ?? 3,
      failureRatePercent: props.circuitBreaker?.failureRatePercent ?? 50,
      windowSize: props.circuitBreaker?.window ?? 10,
      openMs: (props.circuitBreaker?.openTimeout ?? Duration.seconds(30)).toMilliseconds(),
      halfOpenTrials: props.circuitBreaker?.halfOpenTrials ?? 1,
    },
    flags: props.switches ? {
      applicationId: props.switches.application.applicationId,
      environmentId: props.switches.environment.environmentId,
      profileId: props.switches.configuration.configurationProfileId,
      pollIntervalSeconds: (props.switchPollInterval ?? Duration.seconds(Math.max(15, Math.ceil(s.timing.intervalMs / 1000)))).toSeconds(),
      pausedFlag: FeatureFlags.MONITOR_PAUSED,
      dryRunFlag: FeatureFlags.MONITOR_DRY_RUN,
    } : undefined,
    registry: props.membership?.map((m) => ({
      serviceId: m.registry.service(m.serviceName).serviceId,
      name: m.registry.metricDimension(m.serviceName),
      groups: m.groups,
      attributes: m.attributes ?? {},
    })),
  };
}

function probeRequest(protocol: HealthCheckProtocol, pathName: string | undefined, successCodes: string | undefined, port: number | undefined,
  bodyContains: string | undefined, bodyMatches: string | undefined, maxBodyBytes: number): ProbeRequest {
  if (protocol === HealthCheckProtocol.TCP) return { protocol: 'TCP', port };
  return {
    protocol,
    path: pathName ?? '/',
    successCodes: successCodes ?? '200',
    port,
    bodySubstring: bodyContains,
    bodyRegex: bodyMatches,
    maxBodyBytes: bodyContains !== undefined || bodyMatches !== undefined ? maxBodyBytes : undefined,
  };
}

/** The watched groups of the failover pair's primary load balancer, when it is an HaLoadBalancer. */
export function defaultTriggerGroups(props: LeaderHealthMonitorProps): string[] {
  const primary = props.dnsFailover?.primaryTarget;
  if (primary?.kind !== FailoverTargetKind.HA_LOAD_BALANCER) return [];
  return watchedGroupsOf(props, primary.haLoadBalancer!);
}

/** The watched groups of the accelerator's primary load balancer. */
export function defaultVipTriggerGroups(props: LeaderHealthMonitorProps): string[] {
  return props.vipFailover ? watchedGroupsOf(props, props.vipFailover.primaryLoadBalancer) : [];
}

function watchedGroupsOf(props: LeaderHealthMonitorProps, loadBalancer: HaLoadBalancer): string[] {
  return (props.targetGroups ?? []).filter((g) => g.loadBalancer === loadBalancer).map((g) => g.targetGroupName);
}

/** The endpoint the monitor moves: the primary's, in the first endpoint group, at its deployed weight. */
function vipSettings(vip: VipFailover, props: LeaderHealthMonitorProps): MonitorConfig['vip'] {
  const endpoint = vip.primaryEndpoint;
  return {
    endpointGroupArn: vip.endpointGroups[0].endpointGroupArn,
    endpointId: endpoint.loadBalancerArn,
    weight: endpoint.options.weight ?? DEFAULT_ENDPOINT_WEIGHT,
    clientIpPreservation: endpoint.clientIpPreservation,
    triggerGroups: props.vipFailoverTriggerGroups ?? defaultVipTriggerGroups(props),
  };
}

function dnsSettings(props: LeaderHealthMonitorProps): MonitorConfig['dns'] {
  const records = failoverRecordSets(props.dnsFailover!);
  return {
    hostedZoneId: records.hostedZoneId,
    triggerGroups: props.dnsFailoverTriggerGroups ?? defaultTriggerGroups(props),
    primaryRecord: records.primary,
    failoverRecord: records.failover,
  };
}
