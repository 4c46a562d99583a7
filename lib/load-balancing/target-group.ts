/**
 * One target group of an HaLoadBalancer: its options, its health check from the profile, its
 * rules and its creation.
 */
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { HealthCheckProfile, HealthCheckProtocol } from '../core/health-check-profile';
import { LoadBalancerType, describeType } from '../core/load-balancer-type';
import { Validator } from '../core/validation';
import { LoadBalancingAlgorithm, Stickiness, StickinessType } from './algorithms';
import { validateHealthThresholds } from './target-group-health';

/**
 * One target group of an `HaLoadBalancer`.
 */
export interface HaTargetGroupOptions {
  /**
   * Name of the group inside this load balancer: its construct id (`<name>TargetGroup`), its alarm
   * names, and how routes refer to it. A letter, then letters and digits; at most 32 characters.
   */
  readonly name: string;

  /**
   * Port the targets receive traffic on. 1 to 65535. Lambda targets have none.
   * @default - required, except for `TargetType.LAMBDA`
   */
  readonly port?: number;

  /**
   * Protocol to the targets. HTTP or HTTPS on an Application Load Balancer; TCP, TLS, UDP or
   * TCP_UDP on a Network Load Balancer.
   * @default - HTTP on an Application Load Balancer, TCP on a Network Load Balancer
   */
  readonly protocol?: elbv2.Protocol;

  /**
   * Kind of targets registered.
   * @default - set by the first target added to the group
   */
  readonly targetType?: elbv2.TargetType;

  /**
   * How the load balancer decides a target is healthy.
   * @default - HealthCheckProfile.http() on an Application Load Balancer, HealthCheckProfile.tcp()
   * on a Network Load Balancer, both with the STANDARD preset (detection 35 s)
   */
  readonly healthCheck?: HealthCheckProfile;

  /**
   * Application Load Balancer only: how a target is picked per request.
   * @default - round robin (ELB's default)
   */
  readonly algorithm?: LoadBalancingAlgorithm;

  /**
   * Automatic target weights: lower the share of targets whose errors stand out. Only with
   * `LoadBalancingAlgorithm.WEIGHTED_RANDOM`.
   * @default false
   */
  readonly anomalyMitigation?: boolean;

  /**
   * Session affinity: cookies on an Application Load Balancer, source IP on a Network Load
   * Balancer.
   * @default - no stickiness
   */
  readonly stickiness?: Stickiness;

  /**
   * Application Load Balancer only: ramp a new target's share up over this time. 30 to 900
   * seconds. Not with `LoadBalancingAlgorithm.WEIGHTED_RANDOM`.
   * @default - no slow start
   */
  readonly slowStart?: Duration;

  /**
   * Connection draining: how long a deregistering target keeps its in-flight requests. 0 to 3600
   * seconds. ELB's own default is 300 s, which slows every deployment and failover action by five
   * minutes; 30 s suits request/response APIs.
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;

  /**
   * Cross-zone load balancing for this group.
   * @default - the load balancer's setting
   */
  readonly crossZoneEnabled?: boolean;

  /**
   * What the load balancer does when too few of the group's targets are healthy: below the
   * routing thresholds it sends traffic to every target (fails open); below the DNS failover
   * thresholds it takes the zone's node out of its DNS name (the zone path). Counts and
   * percentages, `0` for off; the DNS failover threshold at least the routing one. Not for Lambda
   * targets, and no DNS failover behind an accelerator (`VipFailover`). See the "Target group
   * health" page of the ELB User Guide.
   * @default - ELB's: routing failover when no target is healthy, no DNS failover
   */
  readonly healthThresholds?: elbv2.TargetGroupHealth;

  /**
   * Network Load Balancer only: the listener port that forwards to this group. Each group of a
   * Network Load Balancer has its own listener. 1 to 65535.
   * @default - the group's `port`
   */
  readonly listenerPort?: number;
}

/** Default draining time, see `HaTargetGroupOptions.deregistrationDelay`. */
export const DEFAULT_DEREGISTRATION_DELAY = Duration.seconds(30);

const NAME = /^[A-Za-z][A-Za-z0-9]{0,31}$/;
const ALB_PROTOCOLS = [elbv2.Protocol.HTTP, elbv2.Protocol.HTTPS];
const NLB_PROTOCOLS = [elbv2.Protocol.TCP, elbv2.Protocol.TLS, elbv2.Protocol.UDP, elbv2.Protocol.TCP_UDP];
const RESERVED_COOKIE_PREFIXES = ['AWSALB', 'AWSALBAPP', 'AWSALBTG'];
const MAX_STICKINESS_SECONDS = 7 * 24 * 3600;
const ELB_ALGORITHMS: Record<LoadBalancingAlgorithm, elbv2.TargetGroupLoadBalancingAlgorithmType> = {
  [LoadBalancingAlgorithm.ROUND_ROBIN]: elbv2.TargetGroupLoadBalancingAlgorithmType.ROUND_ROBIN,
  [LoadBalancingAlgorithm.LEAST_OUTSTANDING_REQUESTS]: elbv2.TargetGroupLoadBalancingAlgorithmType.LEAST_OUTSTANDING_REQUESTS,
  [LoadBalancingAlgorithm.WEIGHTED_RANDOM]: elbv2.TargetGroupLoadBalancingAlgorithmType.WEIGHTED_RANDOM,
};

/** The protocol a group uses once defaults apply. */
export function targetGroupProtocol(options: HaTargetGroupOptions, type: LoadBalancerType): elbv2.Protocol {
  return options.protocol ?? (type === LoadBalancerType.APPLICATION ? elbv2.Protocol.HTTP : elbv2.Protocol.TCP);
}

/** Whether the group's targets are Lambda functions (no port, no network path from the load balancer). */
export function isLambdaGroup(options: HaTargetGroupOptions): boolean {
  return options.targetType === elbv2.TargetType.LAMBDA;
}

/** The health check a group uses once defaults apply; undefined for a Lambda group without one (ELB's default). */
export function targetGroupHealthCheck(options: HaTargetGroupOptions, type: LoadBalancerType): HealthCheckProfile;
export function targetGroupHealthCheck(options: HaTargetGroupOptions, type: LoadBalancerType, lambdaDefault: 'none'): HealthCheckProfile | undefined;
export function targetGroupHealthCheck(options: HaTargetGroupOptions, type: LoadBalancerType, lambdaDefault?: 'none'): HealthCheckProfile | undefined {
  if (options.healthCheck === undefined && isLambdaGroup(options) && lambdaDefault === 'none') return undefined;
  return options.healthCheck ?? (type === LoadBalancerType.APPLICATION ? HealthCheckProfile.http() : HealthCheckProfile.tcp());
}

/**
 * Checks one group's options against what a load balancer of `type` accepts. `prop` is the
 * group's place in the props, e.g. `targetGroups[1]`.
 */
export function validateTargetGroup(v: Validator, prop: string, options: HaTargetGroupOptions, type: LoadBalancerType): void {
  const lb = describeType(type);
  const isAlb = type === LoadBalancerType.APPLICATION;
  const protocol = targetGroupProtocol(options, type);

  v.matches(`${prop}.name`, options.name, NAME, 'a letter, then letters and digits, at most 32 characters');
  validateHealthThresholds(v, `${prop}.healthThresholds`, options.healthThresholds, isLambdaGroup(options));
  if (isLambdaGroup(options)) {
    validateLambdaGroup(v, prop, options, type);
    return;
  }
  if (options.port === undefined) v.add(`${prop}.port`, 'none', 'the port the targets receive traffic on, 1 to 65535 (only Lambda targets have none)');
  v.integer(`${prop}.port`, options.port, 1, 65535);
  v.oneOf(`${prop}.protocol`, protocol, isAlb ? ALB_PROTOCOLS : NLB_PROTOCOLS);
  v.addAll(`${prop}.healthCheck`, targetGroupHealthCheck(options, type).validateFor(type));
  v.seconds(`${prop}.deregistrationDelay`, options.deregistrationDelay, 0, 3600);

  if (isAlb) {
    if (options.listenerPort !== undefined) {
      v.add(`${prop}.listenerPort`, String(options.listenerPort), `unset on ${lb}: its groups share the listener; route to them with \`routes\``);
    }
  } else {
    v.integer(`${prop}.listenerPort`, options.listenerPort, 1, 65535);
    if (options.algorithm !== undefined) {
      v.add(`${prop}.algorithm`, options.algorithm, `unset on ${lb}: it hashes each flow to a target; use Stickiness.sourceIp() for affinity`);
    }
    if (options.slowStart !== undefined) {
      v.add(`${prop}.slowStart`, `${options.slowStart.toSeconds({ integral: false })} s`, `unset on ${lb}: slow start is an Application Load Balancer feature`);
    }
  }

  const weightedRandom = options.algorithm === LoadBalancingAlgorithm.WEIGHTED_RANDOM;
  if (options.anomalyMitigation && !weightedRandom) {
    v.add(`${prop}.anomalyMitigation`, `true with algorithm ${options.algorithm ?? 'round_robin (default)'}`, 'anomaly mitigation only with LoadBalancingAlgorithm.WEIGHTED_RANDOM');
  }
  if (options.slowStart !== undefined && isAlb) {
    v.seconds(`${prop}.slowStart`, options.slowStart, 30, 900);
    if (weightedRandom) {
      v.add(`${prop}.slowStart`, `${options.slowStart.toSeconds({ integral: false })} s with algorithm weighted_random`, 'no slow start with the weighted random algorithm (AWS refuses the combination)');
    }
  }
  validateStickiness(v, `${prop}.stickiness`, options.stickiness, type, protocol);
}

/** A group of Lambda targets: an Application Load Balancer invokes the function; there is no port, protocol or draining. */
function validateLambdaGroup(v: Validator, prop: string, options: HaTargetGroupOptions, type: LoadBalancerType): void {
  if (type !== LoadBalancerType.APPLICATION) {
    v.add(`${prop}.targetType`, 'lambda', `${describeType(LoadBalancerType.APPLICATION)}: ${describeType(type)} cannot invoke Lambda functions`);
    return;
  }
  const unset = (name: string, value: unknown, why: string) => {
    if (value !== undefined) v.add(`${prop}.${name}`, typeof value === 'object' ? 'set' : String(value), `unset for Lambda targets: ${why}`);
  };
  unset('port', options.port, 'the load balancer invokes the function, there is no port');
  unset('protocol', options.protocol, 'the load balancer invokes the function');
  unset('deregistrationDelay', options.deregistrationDelay?.toSeconds({ integral: false }), 'a function has no connections to drain');
  unset('slowStart', options.slowStart?.toSeconds({ integral: false }), 'slow start ramps up traffic to instances and IP targets');
  unset('algorithm', options.algorithm, 'a group of Lambda targets has one function');
  unset('stickiness', options.stickiness, 'a group of Lambda targets has one function');
  if (options.healthCheck) {
    v.addAll(`${prop}.healthCheck`, options.healthCheck.validateFor(type));
    if (options.healthCheck.protocol === HealthCheckProtocol.TCP) {
      v.add(`${prop}.healthCheck`, 'a TCP check', 'an HTTP(S) check: ELB invokes the function with the health-check request');
    }
  }
}

function validateStickiness(v: Validator, prop: string, stickiness: Stickiness | undefined, type: LoadBalancerType, protocol: elbv2.Protocol): void {
  if (stickiness === undefined) return;
  const isAlb = type === LoadBalancerType.APPLICATION;
  const allowedTypes = isAlb ? [StickinessType.LOAD_BALANCER_COOKIE, StickinessType.APPLICATION_COOKIE] : [StickinessType.SOURCE_IP];
  if (!allowedTypes.includes(stickiness.type)) {
    const hint = isAlb ? 'Stickiness.loadBalancerCookie() or Stickiness.applicationCookie()' : 'Stickiness.sourceIp()';
    v.add(`${prop}.type`, stickiness.type, `${hint} on ${describeType(type)}`);
    return;
  }
  if (stickiness.type === StickinessType.SOURCE_IP && protocol === elbv2.Protocol.TLS) {
    v.add(`${prop}.type`, 'source_ip on a TLS target group', 'no stickiness on TLS target groups (AWS refuses it)');
  }
  v.seconds(`${prop}.duration`, stickiness.duration, 1, MAX_STICKINESS_SECONDS, 'whole seconds from 1 second to 7 days');
  const cookie = stickiness.cookieName;
  if (cookie !== undefined) {
    if (cookie.length === 0 || RESERVED_COOKIE_PREFIXES.some((p) => cookie.startsWith(p))) {
      v.add(`${prop}.cookieName`, JSON.stringify(cookie), `a non-empty name not starting with ${RESERVED_COOKIE_PREFIXES.join(', ')} (reserved by ELB)`);
    }
  }
}

/**
 * Creates the CDK target group for already validated options.
 */
export function createTargetGroup(scope: Construct, vpc: ec2.IVpc, options: HaTargetGroupOptions, type: LoadBalancerType): elbv2.TargetGroupBase {
  const id = `${options.name}TargetGroup`;
  if (isLambdaGroup(options)) {
    // ELB does not health-check Lambda targets unless asked to.
    return new elbv2.ApplicationTargetGroup(scope, id, {
      targetType: elbv2.TargetType.LAMBDA,
      healthCheck: options.healthCheck?.toElbHealthCheck() ?? { enabled: false },
    });
  }
  const common = {
    vpc,
    port: options.port,
    protocol: targetGroupProtocol(options, type),
    targetType: options.targetType,
    healthCheck: targetGroupHealthCheck(options, type).toElbHealthCheck(),
    deregistrationDelay: options.deregistrationDelay ?? DEFAULT_DEREGISTRATION_DELAY,
    crossZoneEnabled: options.crossZoneEnabled,
    targetGroupHealth: options.healthThresholds,
  };
  if (type === LoadBalancerType.APPLICATION) {
    const cookie = options.stickiness;
    return new elbv2.ApplicationTargetGroup(scope, id, {
      ...common,
      protocol: common.protocol === elbv2.Protocol.HTTPS ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      loadBalancingAlgorithmType: options.algorithm && ELB_ALGORITHMS[options.algorithm],
      enableAnomalyMitigation: options.anomalyMitigation,
      slowStart: options.slowStart,
      stickinessCookieDuration: cookie?.duration,
      stickinessCookieName: cookie?.cookieName,
    });
  }
  const group = new elbv2.NetworkTargetGroup(scope, id, { ...common, port: options.port! });
  if (options.stickiness?.type === StickinessType.SOURCE_IP) {
    group.setAttribute('stickiness.enabled', 'true');
    group.setAttribute('stickiness.type', 'source_ip');
  }
  return group;
}
