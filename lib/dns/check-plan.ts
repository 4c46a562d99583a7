/**
 * How a `DnsFailover` decides each side's health: the plan for its health checks (which kind,
 * probed where and how), the Route 53 health-check props an endpoint plan makes, and the failover
 * model the plan gives.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { HealthCheckProfile, HealthCheckProtocol } from '../core/health-check-profile';
import { TtlPolicy } from '../core/ttl-policy';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';
import { isInternalElb } from './checker-reach';
import { DnsHealthCheck, DnsHealthCheckType, EndpointHealthCheckOptions } from './dns-health-check';
import { ALIAS_TTL, DetectionModel, FailoverModel, ROUTE53_CHECKER_TIMEOUT_SECONDS } from './failover-budget';
import { FailoverTarget, FailoverTargetKind } from './failover-target';
import { EndpointKind } from './pricing';

/**
 * Route 53's own defaults, used when the user gives no profile: a request every 30 s, unhealthy
 * after 3 failures (Route 53 API Reference, HealthCheckConfig `RequestInterval`, `FailureThreshold`).
 */
const DEFAULT_TIMING = { interval: Duration.seconds(30), unhealthyThreshold: 3 };

/** Side of a failover pair, in construct ids and messages. */
export type Side = 'primary' | 'secondary';

/** A resolved plan for one side's health check. */
export interface CheckPlan {
  readonly type: DnsHealthCheckType;
  /** The health check the user gave; undefined for a default. */
  readonly check?: DnsHealthCheck;
  readonly endpoint?: EndpointPlan;
  /** Alarms on the host count of this load balancer (private zones). */
  readonly hostCountOf?: HaLoadBalancer;
}

export interface EndpointPlan {
  readonly options: EndpointHealthCheckOptions;
  readonly profile: HealthCheckProfile;
  readonly fqdn?: string;
  readonly ipAddress?: string;
  readonly port?: number;
  readonly endpointKind: EndpointKind;
}

/** What planning needs to know of the pair. */
export interface PairSettings {
  readonly privateZone: boolean;
  readonly ttl: Duration;
  readonly ttlPolicy: TtlPolicy;
}

/**
 * The primary's plan: the check given, or the default for its target (an endpoint check of an
 * HaLoadBalancer Route 53 can reach, host-count alarms of one it cannot, target health for other
 * aliases); undefined when the target has no default.
 */
export function planPrimary(pair: PairSettings, primary: FailoverTarget, check?: DnsHealthCheck): CheckPlan | undefined {
  if (check) return planExplicit(check, primary);
  if (primary.kind === FailoverTargetKind.HA_LOAD_BALANCER) {
    if (unreachableByCheckers(pair, primary)) return { type: DnsHealthCheckType.ALARM, hostCountOf: primary.haLoadBalancer };
    return { type: DnsHealthCheckType.ENDPOINT, endpoint: endpointPlan({}, primary) };
  }
  if (primary.isAlias) return { type: DnsHealthCheckType.TARGET_HEALTH_ONLY };
  return undefined;
}

/** The plan of a check the user gave. */
export function planExplicit(check: DnsHealthCheck, target: FailoverTarget): CheckPlan {
  const endpoint = check.type === DnsHealthCheckType.ENDPOINT ? endpointPlan(check.endpointOptions ?? {}, target) : undefined;
  return { type: check.type, check, endpoint };
}

/** Route 53 checkers probe from the internet: private zones and internal load balancers are out of their reach. */
export function unreachableByCheckers(pair: PairSettings, target: FailoverTarget): boolean {
  return pair.privateZone || (target.haLoadBalancer !== undefined && !target.haLoadBalancer.internetFacing) || isInternalElb(target);
}

/** Where and how Route 53 probes `target`. */
function endpointPlan(options: EndpointHealthCheckOptions, target: FailoverTarget): EndpointPlan {
  const lb = target.haLoadBalancer;
  const base = options.profile ?? (lb ? frontDoorProfile(lb) : HealthCheckProfile.http(DEFAULT_TIMING));
  const profile = withTiming(base, options.requestInterval, options.failureThreshold);
  const defaultPort = lb && options.profile === undefined ? lb.listenerPort : undefined;
  const common = { options, profile, port: profile.port ?? defaultPort };
  switch (target.kind) {
    case FailoverTargetKind.HA_LOAD_BALANCER: return { ...common, fqdn: lb!.loadBalancer.loadBalancerDnsName, endpointKind: EndpointKind.AWS };
    case FailoverTargetKind.ELB: return { ...common, fqdn: target.elbLoadBalancer!.loadBalancerDnsName, endpointKind: EndpointKind.AWS };
    case FailoverTargetKind.REMOTE_LOAD_BALANCER: return { ...common, fqdn: target.dnsName, endpointKind: EndpointKind.AWS };
    case FailoverTargetKind.S3_WEBSITE: return { ...common, fqdn: target.bucket!.bucketWebsiteDomainName, endpointKind: EndpointKind.AWS };
    case FailoverTargetKind.IP_ADDRESS: return { ...common, ipAddress: target.address, endpointKind: EndpointKind.NON_AWS };
    case FailoverTargetKind.HOSTNAME: return { ...common, fqdn: target.host, endpointKind: EndpointKind.NON_AWS };
  }
}

/** A check a client outside can run against an HaLoadBalancer's listener. */
function frontDoorProfile(lb: HaLoadBalancer): HealthCheckProfile {
  const protocol = lb.listenerProtocol;
  if (protocol !== elbv2.Protocol.HTTP && protocol !== elbv2.Protocol.HTTPS) return HealthCheckProfile.tcp(DEFAULT_TIMING);
  const groupCheck = lb.defaultTargetGroupName ? lb.healthCheck(lb.defaultTargetGroupName) : undefined;
  const path = groupCheck?.protocol === HealthCheckProtocol.TCP ? '/' : groupCheck?.path ?? '/';
  return protocol === elbv2.Protocol.HTTPS ? HealthCheckProfile.https({ ...DEFAULT_TIMING, path }) : HealthCheckProfile.http({ ...DEFAULT_TIMING, path });
}

/** `profile` with Route 53's request interval and failure threshold put in, where given. */
function withTiming(profile: HealthCheckProfile, requestInterval?: Duration, failureThreshold?: number): HealthCheckProfile {
  if (requestInterval === undefined && failureThreshold === undefined) return profile;
  const isHttp = profile.protocol !== HealthCheckProtocol.TCP;
  return HealthCheckProfile.of({
    protocol: profile.protocol,
    path: isHttp ? profile.path : undefined,
    successCodes: isHttp ? profile.successCodes : undefined,
    port: profile.port,
    interval: requestInterval ?? profile.interval,
    timeout: profile.timeout,
    healthyThreshold: profile.healthyThreshold,
    unhealthyThreshold: failureThreshold ?? profile.unhealthyThreshold,
  });
}

function route53CheckType(protocol: HealthCheckProtocol, searchString?: string): keyof typeof ROUTE53_CHECKER_TIMEOUT_SECONDS {
  if (protocol === HealthCheckProtocol.TCP) return 'TCP';
  return searchString === undefined ? protocol : `${protocol}_STR_MATCH`;
}

/** The Route 53 health check an endpoint plan describes. */
export function endpointProps(e: EndpointPlan): route53.HealthCheckProps {
  const p = e.profile;
  const type = route53CheckType(p.protocol, e.options.searchString);
  const isHttp = p.protocol !== HealthCheckProtocol.TCP;
  return {
    type: route53.HealthCheckType[type],
    fqdn: e.fqdn,
    ipAddress: e.ipAddress,
    port: e.port ?? (p.protocol === HealthCheckProtocol.HTTPS ? 443 : 80),
    resourcePath: isHttp ? p.path : undefined,
    requestInterval: p.interval,
    failureThreshold: p.unhealthyThreshold,
    searchString: e.options.searchString,
    regions: e.options.regions,
    enableSNI: p.protocol === HealthCheckProtocol.HTTPS ? e.options.enableSni ?? true : undefined,
    measureLatency: e.options.measureLatency,
  };
}

/** A Route 53 health check that follows `alarm`. */
export function alarmHealthCheck(scope: Construct, id: string, alarm: cloudwatch.IAlarm, insufficientData?: route53.InsufficientDataHealthStatusEnum): route53.HealthCheck {
  return new route53.HealthCheck(scope, id, {
    type: route53.HealthCheckType.CLOUDWATCH_METRIC,
    alarmIdentifier: { name: alarm.alarmName, region: Stack.of(alarm).region },
    insufficientDataHealthStatus: insufficientData ?? route53.InsufficientDataHealthStatusEnum.LAST_KNOWN_STATUS,
  });
}

/** The failover model of a pair whose primary is checked by `plan`. */
export function failoverModel(pair: PairSettings, primary: FailoverTarget, plan: CheckPlan | undefined): FailoverModel {
  return {
    detection: detectionModel(primary, plan),
    ttl: {
      seconds: primary.isAlias ? ALIAS_TTL.toSeconds() : pair.ttl.toSeconds({ integral: false }),
      fixed: primary.isAlias,
      minSeconds: pair.ttlPolicy.minTtl.toSeconds({ integral: false }),
      policy: pair.ttlPolicy.name,
    },
  };
}

function detectionModel(primary: FailoverTarget, plan: CheckPlan | undefined): DetectionModel {
  const lbSeconds = primary.detectionTime?.toSeconds({ integral: false });
  switch (plan?.type) {
    case DnsHealthCheckType.ENDPOINT: {
      const e = plan.endpoint!;
      return {
        kind: 'endpoint',
        checkType: route53CheckType(e.profile.protocol, e.options.searchString),
        interval: e.profile.interval.toSeconds({ integral: false }),
        threshold: e.profile.unhealthyThreshold,
        endpoint: e.endpointKind,
      };
    }
    case DnsHealthCheckType.ALARM:
      if (plan.hostCountOf) {
        return { kind: 'load-balancer', seconds: lbSeconds!, extraSeconds: 120, via: 'then one 60 s alarm period and 60 s for the metric to arrive' };
      }
      return { kind: 'fixed', seconds: plan.check!.alarmOptions!.detectionTime.toSeconds({ integral: false }), explanation: 'the alarm\'s detection time, as given' };
    case DnsHealthCheckType.CALCULATED:
      return { kind: 'fixed', seconds: plan.check!.calculatedOptions!.detectionTime.toSeconds({ integral: false }), explanation: 'the calculated check\'s detection time, as given' };
    default:
      if (primary.kind === FailoverTargetKind.HA_LOAD_BALANCER) {
        return { kind: 'load-balancer', seconds: lbSeconds!, extraSeconds: 0, via: 'then Route 53 follows the target health' };
      }
      return {
        kind: 'fixed',
        seconds: lbSeconds ?? 0,
        explanation: lbSeconds === undefined ? 'no detection time is known for this target' : 'the load balancer\'s detection time, then Route 53 follows the target health',
      };
  }
}
