import { isIP } from 'net';
import { Annotations, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { notifyOnAlarmAndOk, warnAlarmsWithoutActions } from '../core/alarms';
import { ALARM_DESCRIPTION, fitDescription } from '../core/descriptions';
import { DNS_NAME_ALLOWED, dnsNameProblem } from '../core/dns-names';
import { HaValidationError } from '../core/errors';
import { FailoverTimeBreakdown } from '../core/failover-time';
import { HealthCheckProfile, HealthCheckProtocol } from '../core/health-check-profile';
import { TtlPolicy } from '../core/ttl-policy';
import { Validator, formatSeconds } from '../core/validation';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';
import { isInternalElb, isUnroutable } from './checker-reach';
import { DnsHealthCheck, DnsHealthCheckType, EndpointHealthCheckOptions, ROUTE53_CHECKER_REGIONS } from './dns-health-check';
import { ALIAS_TTL, DetectionModel, FailoverModel, ROUTE53_CHECKER_TIMEOUT_SECONDS, cheapestChange, failoverBreakdown, fastestPossible } from './failover-budget';
import { FailoverTarget, FailoverTargetKind } from './failover-target';
import { EndpointKind, HealthCheckCost, priceHealthCheck } from './pricing';

/**
 * Settings of a {@link DnsFailover} other than its primary, for constructs that put their own
 * load balancer there.
 */
export interface DnsFailoverOptions {
  /** The hosted zone, public or private. */
  readonly zone: route53.IHostedZone;

  /**
   * The name, relative to the zone (`api`) or fully qualified (`api.example.com`): labels of at
   * most 63 characters, at most 255 in all, printable ASCII (Punycode for internationalized names).
   */
  readonly recordName: string;

  /** Where the name points while the primary is unhealthy. */
  readonly secondary: FailoverTarget;

  /**
   * How the primary's health is decided.
   * @default - public zone: a Route 53 endpoint check of an HaLoadBalancer (its listener, the
   * default target group's health path, 30 s × 3), target health alone for other alias targets;
   * private zone: an alarm on each target group's healthy host count of an HaLoadBalancer, target
   * health alone for other alias targets. IP and host-name targets need one.
   */
  readonly primaryHealthCheck?: DnsHealthCheck;

  /**
   * How the secondary's health is decided. Route 53 treats a secondary without one as healthy.
   * @default - target health for alias targets, none otherwise
   */
  readonly secondaryHealthCheck?: DnsHealthCheck;

  /**
   * Whether `zone` is private (Route 53 checkers cannot reach private endpoints).
   * @default - true when `zone` is a `route53.PrivateHostedZone` construct
   */
  readonly privateZone?: boolean;

  /**
   * TTL bounds for the records.
   * @default - TtlPolicy.EXTERNAL for a public zone, TtlPolicy.INTERNAL for a private one
   */
  readonly ttlPolicy?: TtlPolicy;

  /**
   * TTL of the records that are not aliases (IP addresses, host names). Alias records carry their
   * target's TTL (60 s for load balancers and S3 websites); a TTL given with two alias targets is
   * reported as a warning.
   * @default - the policy's default
   */
  readonly ttl?: Duration;

  /**
   * Longest acceptable worst-case failover time. Synth fails when the configuration cannot meet
   * it, with the breakdown and the cheapest change that would.
   * @default - not checked
   */
  readonly failoverBudget?: Duration;

  /**
   * Start of the names of the alarms this construct creates. At most 200 characters.
   * @default - a name unique in the app, derived from the construct path
   */
  readonly alarmNamePrefix?: string;

  /**
   * Actions on ALARM and on OK of every alarm this construct creates, e.g. an SNS topic.
   * @default - none; HighlyAvailableService gives its alarm topic
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
}

/**
 * Props of a {@link DnsFailover}.
 */
export interface DnsFailoverProps extends DnsFailoverOptions {
  /** Where the name points while the primary is healthy. */
  readonly primary: FailoverTarget;
}

/** Side of a failover pair, in construct ids and messages. */
type Side = 'primary' | 'secondary';

/** A resolved plan for one side's health check. */
interface CheckPlan {
  readonly type: DnsHealthCheckType;
  /** The health check the user gave; undefined for a default. */
  readonly check?: DnsHealthCheck;
  readonly endpoint?: EndpointPlan;
  /** Alarms on the host count of this load balancer (private zones). */
  readonly hostCountOf?: HaLoadBalancer;
}

interface EndpointPlan {
  readonly options: EndpointHealthCheckOptions;
  readonly profile: HealthCheckProfile;
  readonly fqdn?: string;
  readonly ipAddress?: string;
  readonly port?: number;
  readonly endpointKind: EndpointKind;
}

const ROOT_REGISTRY = new WeakMap<IConstruct, Map<string, string>>();
const US_EAST_1 = 'us-east-1';

/**
 * A Route 53 failover pair: one name, a PRIMARY record with a health check, a SECONDARY record
 * the name fails over to, a TTL policy, and the worst-case failover time, computed and checked
 * against a budget at synth.
 *
 * Worst-case failover time = detection + propagation + TTL:
 * - detection: for a Route 53 endpoint check, request interval × failure threshold + the checker's
 *   timeout; for target health alone, the load balancer's own detection time; for the alarm-driven
 *   checks of a private zone, the load balancer's detection time + one 60 s alarm period + 60 s
 *   for the metric to arrive. With both a Route 53 check and target health, the Route 53 check is
 *   the bound: it is the only signal when the load balancer itself cannot be reached.
 * - propagation: 60 s, Route 53's documented figure for its name servers to change answers.
 * - TTL: how long resolvers may keep the cached primary answer: the record's TTL, or 60 s for an
 *   alias to a load balancer or S3 website.
 */
export class DnsFailover extends Construct {
  /** The record name, fully qualified, without the trailing dot. */
  public readonly recordName: string;

  /** A, AAAA or CNAME. */
  public readonly recordType: route53.RecordType;

  /** Where the name points while the primary is healthy. */
  public readonly primaryTarget: FailoverTarget;

  /** Where the name points while the primary is unhealthy. */
  public readonly secondaryTarget: FailoverTarget;

  /** The PRIMARY record. */
  public readonly primaryRecord: route53.RecordSet;

  /** The SECONDARY record. */
  public readonly secondaryRecord: route53.RecordSet;

  /** The health check attached to the PRIMARY record, if any. */
  public readonly primaryHealthCheck?: route53.IHealthCheck;

  /** The health check attached to the SECONDARY record, if any. */
  public readonly secondaryHealthCheck?: route53.IHealthCheck;

  /** Every Route 53 health check this construct created. */
  public readonly healthChecks: route53.HealthCheck[] = [];

  /** Every CloudWatch alarm this construct created. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  private readonly alarmActions: cloudwatch.IAlarmAction[];

  /**
   * Alarm raised while the primary's health check is unhealthy. Route 53 publishes health-check
   * metrics in us-east-1 only, so it exists when this construct's stack is in us-east-1 and the
   * primary has a Route 53 health check.
   */
  public readonly primaryUnhealthyAlarm?: cloudwatch.Alarm;

  /** How the worst-case failover time is made up. */
  public readonly failoverTime: FailoverTimeBreakdown;

  /**
   * The model behind `failoverTime`, with the knobs that change it (the service's failover
   * budget searches them).
   * @internal
   */
  public readonly _failoverModel: FailoverModel;

  /** What the health checks cost per month (see `pricing.ts` for the source and date). */
  public readonly healthCheckCosts: HealthCheckCost[];

  /** Prefix of the created alarms' names. */
  public readonly alarmNamePrefix: string;

  /** Whether the zone is treated as private. */
  public readonly privateZone: boolean;

  /** The TTL policy applied. */
  public readonly ttlPolicy: TtlPolicy;

  /** TTL of non-alias records. */
  public readonly ttl: Duration;

  /** The hosted zone of the pair. */
  public readonly zone: route53.IHostedZone;

  constructor(scope: Construct, id: string, props: DnsFailoverProps) {
    super(scope, id);
    this.zone = props.zone;
    this.primaryTarget = props.primary;
    this.secondaryTarget = props.secondary;
    this.privateZone = props.privateZone ?? props.zone instanceof route53.PrivateHostedZone;
    this.ttlPolicy = props.ttlPolicy ?? (this.privateZone ? TtlPolicy.INTERNAL : TtlPolicy.EXTERNAL);
    this.ttl = props.ttl ?? this.ttlPolicy.defaultTtl;
    this.recordName = qualify(props.recordName, props.zone.zoneName);
    this.recordType = recordTypeOf(props.primary);
    this.alarmNamePrefix = props.alarmNamePrefix ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    this.alarmActions = props.alarmActions ?? [];

    const primaryPlan = this.planPrimary(props);
    const secondaryPlan = props.secondaryHealthCheck ? this.planExplicit(props.secondaryHealthCheck, props.secondary) : undefined;
    const model = this.failoverModel(props.primary, primaryPlan);
    this._failoverModel = model;
    this.failoverTime = failoverBreakdown(model);
    this.validate(props, primaryPlan, secondaryPlan, model);
    this.warnAboutIgnoredSettings(props, primaryPlan);

    this.primaryHealthCheck = this.createHealthCheck('primary', primaryPlan);
    this.secondaryHealthCheck = this.createHealthCheck('secondary', secondaryPlan);
    this.primaryRecord = this.createRecord('primary', props.primary, this.primaryHealthCheck);
    this.secondaryRecord = this.createRecord('secondary', props.secondary, this.secondaryHealthCheck);
    this.healthCheckCosts = [
      ...this.costs('primary', primaryPlan),
      ...this.costs('secondary', secondaryPlan),
    ];
    this.primaryUnhealthyAlarm = this.createPrimaryAlarm();
  }

  /** Worst case from the primary failing to clients reaching the secondary. */
  public get worstCaseFailoverTime(): Duration {
    return this.failoverTime.total;
  }

  /** USD per month for all health checks, before the account's 50 free AWS-endpoint checks. */
  public get monthlyHealthCheckCost(): number {
    return Math.round(this.healthCheckCosts.reduce((sum, c) => sum + c.monthlyUsd, 0) * 100) / 100;
  }

  /** 1 while the primary's Route 53 health check is healthy, 0 while not (us-east-1 metric). */
  public metricPrimaryHealthCheckStatus(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.healthCheckStatus('primary', this.primaryHealthCheck, props);
  }

  /** 1 while the secondary's Route 53 health check is healthy, 0 while not (us-east-1 metric). */
  public metricSecondaryHealthCheckStatus(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.healthCheckStatus('secondary', this.secondaryHealthCheck, props);
  }

  private healthCheckStatus(side: Side, check: route53.IHealthCheck | undefined, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (check === undefined) {
      throw new HaValidationError(this.node.path, [{
        prop: `metric${side === 'primary' ? 'Primary' : 'Secondary'}HealthCheckStatus()`, value: `a ${side} record without a Route 53 health check`,
        allowed: 'a record with a health check: without one there is no health-check status to measure',
      }], 'arguments');
    }
    return new cloudwatch.Metric({
      namespace: 'AWS/Route53',
      metricName: 'HealthCheckStatus',
      dimensionsMap: { HealthCheckId: check.healthCheckId },
      statistic: 'Minimum',
      period: Duration.minutes(1),
      region: US_EAST_1,
      ...props,
    });
  }

  private planPrimary(props: DnsFailoverProps): CheckPlan | undefined {
    if (props.primaryHealthCheck) return this.planExplicit(props.primaryHealthCheck, props.primary);
    const target = props.primary;
    if (target.kind === FailoverTargetKind.HA_LOAD_BALANCER) {
      if (this.unreachableByCheckers(target)) return { type: DnsHealthCheckType.ALARM, hostCountOf: target.haLoadBalancer };
      return { type: DnsHealthCheckType.ENDPOINT, endpoint: this.endpointPlan({}, target) };
    }
    if (target.isAlias) return { type: DnsHealthCheckType.TARGET_HEALTH_ONLY };
    return undefined;
  }

  /** Route 53 checkers probe from the internet: private zones and internal load balancers are out of their reach. */
  private unreachableByCheckers(target: FailoverTarget): boolean {
    return this.privateZone || (target.haLoadBalancer !== undefined && !target.haLoadBalancer.internetFacing) || isInternalElb(target);
  }

  private planExplicit(check: DnsHealthCheck, target: FailoverTarget): CheckPlan {
    const endpoint = check.type === DnsHealthCheckType.ENDPOINT ? this.endpointPlan(check.endpointOptions ?? {}, target) : undefined;
    return { type: check.type, check, endpoint };
  }

  /** Where and how Route 53 probes `target`. */
  private endpointPlan(options: EndpointHealthCheckOptions, target: FailoverTarget): EndpointPlan {
    const lb = target.haLoadBalancer;
    const base = options.profile ?? (lb ? frontDoorProfile(lb) : HealthCheckProfile.http({ interval: Duration.seconds(30), unhealthyThreshold: 3 }));
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

  private failoverModel(primary: FailoverTarget, plan: CheckPlan | undefined): FailoverModel {
    return {
      detection: this.detectionModel(primary, plan),
      ttl: {
        seconds: primary.isAlias ? ALIAS_TTL.toSeconds() : this.ttl.toSeconds({ integral: false }),
        fixed: primary.isAlias,
        minSeconds: this.ttlPolicy.minTtl.toSeconds({ integral: false }),
        policy: this.ttlPolicy.name,
      },
    };
  }

  private detectionModel(primary: FailoverTarget, plan: CheckPlan | undefined): DetectionModel {
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

  private validate(props: DnsFailoverProps, primaryPlan: CheckPlan | undefined, secondaryPlan: CheckPlan | undefined, model: FailoverModel): void {
    const v = new Validator();
    const zoneName = props.zone.zoneName;
    if (!Token.isUnresolved(zoneName) && !Token.isUnresolved(props.recordName) && this.recordName !== zoneName && !this.recordName.endsWith(`.${zoneName}`)) {
      v.add('recordName', JSON.stringify(props.recordName), `a name in the zone ${zoneName}`);
    }
    const nameProblem = dnsNameProblem(this.recordName);
    if (nameProblem !== undefined) v.add('recordName', nameProblem, DNS_NAME_ALLOWED);
    this.validateTarget(v, 'primary', props.primary);
    this.validateTarget(v, 'secondary', props.secondary);
    const secondaryType = recordTypeOf(props.secondary);
    if (secondaryType !== this.recordType) {
      v.add('secondary', `a ${secondaryType} record while the primary is a ${this.recordType} record`, 'targets of one record type: a failover pair is two records of the same name and type');
    }
    if (this.recordType === route53.RecordType.CNAME && this.recordName === zoneName) {
      v.add('recordName', JSON.stringify(props.recordName), 'a name below the zone apex for host-name targets (a CNAME cannot be at the apex)');
    }
    this.validateDuplicate(v, props);

    if (primaryPlan === undefined || (primaryPlan.type === DnsHealthCheckType.TARGET_HEALTH_ONLY && !props.primary.isAlias)) {
      v.add('primaryHealthCheck', `none for a ${props.primary.kind} target`, 'a health check (DnsHealthCheck.endpoint(), .calculated() or .alarm()), or an alias target whose health Route 53 evaluates');
    }
    if (secondaryPlan?.type === DnsHealthCheckType.TARGET_HEALTH_ONLY && !props.secondary.isAlias) {
      v.add('secondaryHealthCheck', `target health only for a ${props.secondary.kind} target`, 'a Route 53 health check, or none: only alias targets have a target health');
    }
    this.validatePlan(v, 'primaryHealthCheck', primaryPlan, props.primary);
    this.validatePlan(v, 'secondaryHealthCheck', secondaryPlan, props.secondary);

    this.ttlPolicy._validateSelf(v, 'ttlPolicy');
    const anyPlainRecord = !props.primary.isAlias || !props.secondary.isAlias;
    if (anyPlainRecord) this.ttlPolicy._validateTtl(v, 'ttl', this.ttl);
    if (props.alarmNamePrefix !== undefined && !Token.isUnresolved(props.alarmNamePrefix) && (props.alarmNamePrefix.length < 1 || props.alarmNamePrefix.length > 200)) {
      v.add('alarmNamePrefix', JSON.stringify(props.alarmNamePrefix), '1 to 200 characters');
    }
    if (props.failoverBudget !== undefined && v.issues.length === 0) this.validateBudget(v, props.failoverBudget, model);
    v.throwIfAny(this);
  }

  private validateTarget(v: Validator, side: Side, target: FailoverTarget): void {
    if (target.kind === FailoverTargetKind.IP_ADDRESS && !Token.isUnresolved(target.address!) && isIP(target.address!) === 0) {
      v.add(side, JSON.stringify(target.address), 'an IPv4 or IPv6 address');
    }
    if (target.kind === FailoverTargetKind.S3_WEBSITE) {
      const name = literalBucketName(target.bucket!);
      if (name !== undefined && name !== this.recordName) {
        v.add(side, `bucket ${JSON.stringify(name)}`, `a bucket named ${JSON.stringify(this.recordName)}: Route 53 serves an S3 website only from the bucket named like the record`);
      }
    }
  }

  private validateDuplicate(v: Validator, props: DnsFailoverProps): void {
    const root = this.node.root;
    const pairs = ROOT_REGISTRY.get(root) ?? new Map<string, string>();
    ROOT_REGISTRY.set(root, pairs);
    const zoneKey = Token.isUnresolved(props.zone.hostedZoneId) ? props.zone.node.path : props.zone.hostedZoneId;
    const key = `${zoneKey} ${this.recordName} ${this.recordType}`;
    const other = pairs.get(key);
    if (other !== undefined) {
      v.add('recordName', `${this.recordName} (${this.recordType}), already a failover pair at ${other}`, 'one failover pair per name and record type in a zone');
    } else {
      pairs.set(key, this.node.path);
    }
  }

  private validatePlan(v: Validator, prop: string, plan: CheckPlan | undefined, target: FailoverTarget): void {
    if (plan === undefined) return;
    const check = plan.check;
    if (plan.type === DnsHealthCheckType.ENDPOINT) {
      if (this.unreachableByCheckers(target)) {
        const where = this.privateZone ? 'in a private hosted zone' : 'of an internal load balancer';
        // Route 53 checkers probe from the internet ("Route 53 health checkers ... can't reach
        // private endpoints", Route 53 Developer Guide, "Health checks for private hosted zones"
        // and "Values that you specify when you create or update health checks").
        // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
        v.add(prop, `an endpoint health check ${where}`, 'DnsHealthCheck.alarm() or .calculated(): Route 53 checkers run on the internet and cannot reach private endpoints');
        return;
      }
      this.validateEndpoint(v, prop, plan.endpoint!);
      this.validateReachable(v, prop, plan.endpoint!, target);
    }
    if (plan.type === DnsHealthCheckType.CALCULATED) {
      const c = check!.calculatedOptions!;
      v.integer(`${prop}.children`, c.children.length, 1, 256, '1 to 256 child health checks');
      v.integer(`${prop}.healthThreshold`, c.healthThreshold, 0, c.children.length, `an integer from 0 to the number of children (${c.children.length})`);
    }
    if (plan.type === DnsHealthCheckType.ALARM && check?.alarmOptions) {
      validateRoute53Alarm(v, `${prop}.alarm`, check.alarmOptions.alarm);
    }
    if (plan.type === DnsHealthCheckType.ALARM && plan.hostCountOf) {
      const lbRegion = Stack.of(plan.hostCountOf).region;
      const region = Stack.of(this).region;
      if (!Token.isUnresolved(lbRegion) && !Token.isUnresolved(region) && lbRegion !== region) {
        v.add(prop, `alarms on a load balancer in ${lbRegion} from a stack in ${region}`, 'a DnsFailover in the load balancer\'s region, or DnsHealthCheck.alarm() with an alarm of your own (CloudWatch alarms watch metrics of their own region)');
      }
    }
  }

  /**
   * What Route 53 checkers can probe at all (Route 53 Developer Guide, "Values that you specify
   * when you create or update health checks"): no address in a local, private, non-routable or
   * multicast range; an S3 website endpoint over HTTP only (S3 User Guide, "Website endpoints":
   * "Amazon S3 website endpoints do not support HTTPS"); and TCP, HTTP or HTTPS, never UDP.
   * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html
   */
  private validateReachable(v: Validator, prop: string, e: EndpointPlan, target: FailoverTarget): void {
    if (e.ipAddress !== undefined && !Token.isUnresolved(e.ipAddress) && isUnroutable(e.ipAddress)) {
      v.add(prop, `an endpoint health check of ${e.ipAddress}`, 'a public address: Route 53 does not check local, private, non-routable or multicast addresses (use DnsHealthCheck.alarm() for private endpoints)');
    }
    if (target.kind === FailoverTargetKind.S3_WEBSITE && (e.profile.protocol === HealthCheckProtocol.HTTPS)) {
      v.add(`${prop}.profile.protocol`, 'HTTPS on an S3 website', 'HTTP: S3 website endpoints serve HTTP only');
    }
    const lb = target.haLoadBalancer;
    if (lb !== undefined && e.options.profile === undefined && lb.listenerProtocol === elbv2.Protocol.UDP) {
      v.add(prop, 'a check derived from a UDP listener', 'a profile of your own (`profile`: a TCP or HTTP port the targets also serve), or DnsHealthCheck.alarm(): Route 53 checks TCP, HTTP and HTTPS only');
    }
  }

  private validateEndpoint(v: Validator, prop: string, e: EndpointPlan): void {
    const p = e.profile;
    const interval = p.interval;
    if (!interval.isUnresolved() && ![10, 30].includes(interval.toSeconds({ integral: false }))) {
      const name = e.options.requestInterval ? 'requestInterval' : 'profile.interval';
      v.add(`${prop}.${name}`, formatSeconds(interval), '10 s (fast, billed as an optional feature) or 30 s: the only Route 53 request intervals');
    }
    const thresholdName = e.options.failureThreshold !== undefined ? 'failureThreshold' : 'profile.unhealthyThreshold';
    v.integer(`${prop}.${thresholdName}`, p.unhealthyThreshold, 1, 10, 'an integer from 1 to 10 (the Route 53 failure threshold)');
    v.integer(`${prop}.profile.port`, p.port, 1, 65535);
    if (p.protocol !== HealthCheckProtocol.TCP && p.path !== undefined && !Token.isUnresolved(p.path) && (p.path.length > 255 || !p.path.startsWith('/'))) {
      v.add(`${prop}.profile.path`, JSON.stringify(p.path), 'a path starting with "/", at most 255 characters (Route 53)');
    }
    if (p.protocol === HealthCheckProtocol.TCP && e.port === undefined) {
      v.add(`${prop}.profile.port`, 'none for a TCP check', 'the port to connect to: TCP checks have no default port');
    }
    const search = e.options.searchString;
    if (search !== undefined) {
      if (p.protocol === HealthCheckProtocol.TCP) {
        v.add(`${prop}.searchString`, JSON.stringify(search), 'no search string on a TCP check: string matching reads an HTTP(S) response body');
      } else if (!Token.isUnresolved(search) && (search.length < 1 || search.length > 255)) {
        v.add(`${prop}.searchString`, `${search.length} characters`, '1 to 255 characters, searched for in the first 5,120 bytes of the body');
      }
    }
    const regions = e.options.regions;
    if (regions !== undefined) {
      if (regions.length < 3) v.add(`${prop}.regions`, JSON.stringify(regions), 'at least 3 checker regions, so one region\'s trouble cannot decide health');
      regions.forEach((r, i) => v.oneOf(`${prop}.regions[${i}]`, r, ROUTE53_CHECKER_REGIONS));
      if (new Set(regions).size !== regions.length) v.add(`${prop}.regions`, JSON.stringify(regions), 'each region once');
    }
  }

  private validateBudget(v: Validator, budget: Duration, model: FailoverModel): void {
    if (budget.isUnresolved()) return;
    const budgetSeconds = budget.toSeconds({ integral: false });
    const total = this.failoverTime.total.toSeconds({ integral: false });
    if (total <= budgetSeconds) return;
    const change = cheapestChange(model, budgetSeconds);
    const advice = change
      ? `cheapest change that meets it: ${change.changes.join(' and ')}, for a total of ${change.total} s`
      : `no change within AWS's limits meets it: the fastest this configuration can fail over is ${fastestPossible(model)} s`;
    v.add('failoverBudget', formatSeconds(budget), `at least ${total} s for this configuration:\n${this.failoverTime.render('    ')}\n    ${advice}`);
  }

  private warnAboutIgnoredSettings(props: DnsFailoverProps, primaryPlan: CheckPlan | undefined): void {
    if (props.ttl !== undefined && props.primary.isAlias && props.secondary.isAlias) {
      Annotations.of(this).addWarningV2('cdk-ha-kit:aliasTtlIgnored',
        `ttl ${formatSeconds(props.ttl)} is not applied: both records are aliases, which answer with their target's TTL (60 s for load balancers and S3 websites).`);
    }
    const codes = primaryPlan?.endpoint?.profile.successCodes;
    if (codes !== undefined && primaryPlan?.endpoint?.options.profile !== undefined && /(^|[,-])[4-5]\d\d/.test(codes)) {
      Annotations.of(this).addWarningV2('cdk-ha-kit:route53SuccessCodes',
        `successCodes ${codes} of the primary's profile include 4xx/5xx codes, but Route 53 counts only 2xx and 3xx answers as healthy.`);
    }
    if (primaryPlan?.hostCountOf) {
      const why = this.privateZone ? 'This zone is private' : 'The primary load balancer is internal';
      Annotations.of(this).addInfo(`${why} and Route 53 checkers cannot reach private endpoints: the primary's health follows CloudWatch alarms on the healthy host count of each target group of the load balancer.`);
    }
  }

  private createHealthCheck(side: Side, plan: CheckPlan | undefined): route53.IHealthCheck | undefined {
    if (plan === undefined || plan.type === DnsHealthCheckType.TARGET_HEALTH_ONLY) return undefined;
    const id = side === 'primary' ? 'PrimaryHealthCheck' : 'SecondaryHealthCheck';
    switch (plan.type) {
      case DnsHealthCheckType.ENDPOINT:
        return this.track(new route53.HealthCheck(this, id, endpointProps(plan.endpoint!)));
      case DnsHealthCheckType.CALCULATED: {
        const c = plan.check!.calculatedOptions!;
        return this.track(new route53.HealthCheck(this, id, { type: route53.HealthCheckType.CALCULATED, childHealthChecks: c.children, healthThreshold: c.healthThreshold }));
      }
      default: {
        if (plan.hostCountOf) return this.createHostCountChecks(id, plan.hostCountOf);
        const a = plan.check!.alarmOptions!;
        return this.track(alarmHealthCheck(this, id, a.alarm, a.insufficientDataStatus));
      }
    }
  }

  /** Private zones: one alarm-driven check per target group, combined when there are several. */
  private createHostCountChecks(id: string, lb: HaLoadBalancer): route53.IHealthCheck {
    const names = lb.targetGroupNames;
    const children = names.map((name) => {
      const alarm = new cloudwatch.Alarm(this, `${name}NoHealthyHostsAlarm`, {
        alarmName: `${this.alarmNamePrefix}-${name}-no-healthy-hosts`,
        alarmDescription: fitDescription(ALARM_DESCRIPTION, `No healthy target in ${name} behind ${lb.node.path}: the failover record ${this.recordName} turns unhealthy.`),
        metric: lb.metricHealthyHostCount(name),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      this.keep(alarm);
      return this.track(alarmHealthCheck(this, names.length === 1 ? id : `${name}HostsHealthCheck`, alarm, route53.InsufficientDataHealthStatusEnum.UNHEALTHY));
    });
    if (children.length === 1) return children[0];
    return this.track(new route53.HealthCheck(this, id, { type: route53.HealthCheckType.CALCULATED, childHealthChecks: children, healthThreshold: children.length }));
  }

  private track(check: route53.HealthCheck): route53.HealthCheck {
    this.healthChecks.push(check);
    return check;
  }

  private createRecord(side: Side, target: FailoverTarget, healthCheck?: route53.IHealthCheck): route53.RecordSet {
    return new route53.RecordSet(this, side === 'primary' ? 'PrimaryRecord' : 'SecondaryRecord', {
      zone: this.zone,
      recordName: `${this.recordName}.`,
      recordType: this.recordType,
      target: recordTarget(target),
      ttl: target.isAlias ? undefined : this.ttl,
      failover: side === 'primary' ? route53.Failover.PRIMARY : route53.Failover.SECONDARY,
      setIdentifier: side,
      healthCheck,
    });
  }

  private costs(side: Side, plan: CheckPlan | undefined): HealthCheckCost[] {
    if (plan === undefined || plan.type === DnsHealthCheckType.TARGET_HEALTH_ONLY) return [];
    if (plan.type === DnsHealthCheckType.ENDPOINT) {
      const e = plan.endpoint!;
      const features = [
        ...(e.profile.protocol === HealthCheckProtocol.HTTPS ? ['HTTPS'] : []),
        ...(e.options.searchString !== undefined ? ['string matching'] : []),
        ...(e.profile.interval.toSeconds({ integral: false }) === 10 ? ['fast interval'] : []),
        ...(e.options.measureLatency ? ['latency measurement'] : []),
      ];
      return [priceHealthCheck(side, e.endpointKind, features)];
    }
    const groups = plan.hostCountOf?.targetGroups.length ?? 1;
    const count = groups === 1 ? 1 : groups + 1;
    return Array.from({ length: count }, (_, i) => priceHealthCheck(count === 1 ? side : `${side} ${i + 1}`, EndpointKind.NONE, []));
  }

  private createPrimaryAlarm(): cloudwatch.Alarm | undefined {
    if (this.primaryHealthCheck === undefined) return undefined;
    if (Stack.of(this).region !== US_EAST_1) {
      Annotations.of(this).addInfo('Route 53 publishes health-check metrics in us-east-1 only: no primary-unhealthy alarm is created outside a us-east-1 stack. Alarm on metricPrimaryHealthCheckStatus() from a us-east-1 stack instead.');
      return undefined;
    }
    const alarm = new cloudwatch.Alarm(this, 'PrimaryUnhealthyAlarm', {
      alarmName: `${this.alarmNamePrefix}-primary-unhealthy`,
      alarmDescription: fitDescription(ALARM_DESCRIPTION, `The primary of ${this.recordName} is unhealthy: Route 53 answers with the secondary.`),
      metric: this.metricPrimaryHealthCheckStatus(),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.keep(alarm);
    return alarm;
  }

  /** Adds `alarm` to `alarms`, with the actions asked for on ALARM and OK. */
  private keep(alarm: cloudwatch.Alarm): void {
    if (this.alarms.length === 0 && this.alarmActions.length === 0) warnAlarmsWithoutActions(this, 'alarmActions');
    notifyOnAlarmAndOk(alarm, this.alarmActions);
    this.alarms.push(alarm);
  }
}

/** `recordName` made fully qualified, without the trailing dot. */
function qualify(recordName: string, zoneName: string): string {
  if (Token.isUnresolved(recordName) || Token.isUnresolved(zoneName)) return recordName;
  const name = recordName.replace(/\.$/, '');
  const zone = zoneName.replace(/\.$/, '');
  if (name === zone || name.endsWith(`.${zone}`) || recordName.endsWith('.')) return name;
  return `${name}.${zone}`;
}

function recordTypeOf(target: FailoverTarget): route53.RecordType {
  if (target.kind === FailoverTargetKind.HOSTNAME) return route53.RecordType.CNAME;
  if (target.kind === FailoverTargetKind.IP_ADDRESS && !Token.isUnresolved(target.address!) && isIP(target.address!) === 6) return route53.RecordType.AAAA;
  return route53.RecordType.A;
}

function recordTarget(target: FailoverTarget): route53.RecordTarget {
  switch (target.kind) {
    case FailoverTargetKind.HA_LOAD_BALANCER:
      return route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(target.haLoadBalancer!.loadBalancer, { evaluateTargetHealth: true }));
    case FailoverTargetKind.ELB:
      return route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(target.elbLoadBalancer!, { evaluateTargetHealth: true }));
    case FailoverTargetKind.REMOTE_LOAD_BALANCER:
      return route53.RecordTarget.fromAlias({ bind: () => ({ dnsName: target.dnsName!, hostedZoneId: target.hostedZoneId!, evaluateTargetHealth: true }) });
    case FailoverTargetKind.S3_WEBSITE: {
      const website = new targets.BucketWebsiteTarget(target.bucket!);
      return route53.RecordTarget.fromAlias({ bind: (record, zone) => ({ ...website.bind(record, zone), evaluateTargetHealth: true }) });
    }
    case FailoverTargetKind.IP_ADDRESS:
      return route53.RecordTarget.fromValues(target.address!);
    case FailoverTargetKind.HOSTNAME:
      return route53.RecordTarget.fromValues(target.host!);
  }
}

/** A check a client outside can run against an HaLoadBalancer's listener. */
function frontDoorProfile(lb: HaLoadBalancer): HealthCheckProfile {
  const timing = { interval: Duration.seconds(30), unhealthyThreshold: 3 };
  const protocol = lb.listenerProtocol;
  if (protocol !== elbv2.Protocol.HTTP && protocol !== elbv2.Protocol.HTTPS) return HealthCheckProfile.tcp(timing);
  const groupCheck = lb.defaultTargetGroupName ? lb.healthCheck(lb.defaultTargetGroupName) : undefined;
  const path = groupCheck?.protocol === HealthCheckProtocol.TCP ? '/' : groupCheck?.path ?? '/';
  return protocol === elbv2.Protocol.HTTPS ? HealthCheckProfile.https({ ...timing, path }) : HealthCheckProfile.http({ ...timing, path });
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

function endpointProps(e: EndpointPlan): route53.HealthCheckProps {
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

function alarmHealthCheck(scope: Construct, id: string, alarm: cloudwatch.IAlarm, insufficientData?: route53.InsufficientDataHealthStatusEnum): route53.HealthCheck {
  return new route53.HealthCheck(scope, id, {
    type: route53.HealthCheckType.CLOUDWATCH_METRIC,
    alarmIdentifier: { name: alarm.alarmName, region: Stack.of(alarm).region },
    insufficientDataHealthStatus: insufficientData ?? route53.InsufficientDataHealthStatusEnum.LAST_KNOWN_STATUS,
  });
}

/** Route 53 only follows alarms on one standard-resolution metric with a basic statistic. */
function validateRoute53Alarm(v: Validator, prop: string, alarm: cloudwatch.IAlarm): void {
  const cfn = alarm.node.defaultChild;
  if (!(cfn instanceof cloudwatch.CfnAlarm)) return;
  const allowed = 'an alarm on one metric with period ≥ 60 s and statistic Average, Minimum, Maximum, Sum or SampleCount (what Route 53 health checks accept)';
  if (cfn.metrics !== undefined) v.add(prop, 'an alarm on metric math or a labelled metric', allowed);
  if (cfn.extendedStatistic !== undefined) v.add(prop, `statistic ${cfn.extendedStatistic}`, allowed);
  const period = cfn.period;
  if (typeof period === 'number' && period < 60) v.add(prop, `period ${period} s`, allowed);
}

function literalBucketName(bucket: s3.IBucket): string | undefined {
  const cfn = bucket.node.defaultChild;
  if (cfn instanceof s3.CfnBucket) {
    return cfn.bucketName !== undefined && !Token.isUnresolved(cfn.bucketName) ? cfn.bucketName : undefined;
  }
  return Token.isUnresolved(bucket.bucketName) ? undefined : bucket.bucketName;
}
