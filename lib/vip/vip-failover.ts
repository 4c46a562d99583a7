/**
 * Failover by a virtual IP across regions: AWS Global Accelerator's two static anycast addresses
 * in front of one HaLoadBalancer per region, traffic moved by health inside AWS's edge network,
 * with no resolver cache in the path.
 */
import { isIP } from 'net';
import { Annotations, ArnFormat, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as ga from 'aws-cdk-lib/aws-globalaccelerator';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { arnParts, isKnownRegion, isUnroutable } from '../core/addresses';
import { AlarmFactory, AlarmOptions, ONE_PERIOD, withActions } from '../core/alarms';
import { DNS_NAME_ALLOWED, dnsNameProblem } from '../core/dns-names';
import { HaValidationError } from '../core/errors';
import { FailoverStep, FailoverTimeBreakdown, FigureKind, MeasuredFailoverTime } from '../core/failover-time';
import { Validator, formatSeconds } from '../core/validation';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';
import { DEFAULT_ENDPOINT_WEIGHT, VipEndpoint, VipEndpointOptions } from './vip-endpoint';

/**
 * Global Accelerator's reaction to a change of an endpoint's health. The Developer Guide gives no
 * figure for failing over; for the way back it says routing "typically" returns to healthy
 * endpoints "after approximately 30 seconds", the one documented figure for how long a health
 * change takes to move traffic. It is taken for both directions and marked assumed (AWS
 * documents no failover figure); `acceleratorReaction` replaces it with a measured figure.
 * https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-endpoint-weights.unhealthy-endpoints.html
 */
const ACCELERATOR_REACTION: FailoverStep = {
  name: 'accelerator reaction',
  duration: Duration.seconds(30),
  explanation: 'Global Accelerator moves new flows to the healthy endpoint groups',
  kind: FigureKind.ASSUMED,
  source: 'AWS Global Accelerator Developer Guide, "How failover works for unhealthy endpoints", documents no failover figure; taken as the 30 s it gives for routing to return to an endpoint ("typically … after approximately 30 seconds")',
};

/** Global Accelerator publishes its metrics in US West (Oregon) only. */
const METRICS_REGION = 'us-west-2';

/** A flow to a passive standby means the primary is out: the alarm raises on the first such minute. */
const VIP_ALARM_EVALUATION = ONE_PERIOD;

/**
 * Health-check settings of the endpoint groups. Global Accelerator ignores them for load-balancer
 * endpoints, which it judges by the load balancer's own health checks; they apply to EC2 instance
 * and Elastic IP endpoints.
 */
export interface VipHealthCheckOptions {
  /**
   * Seconds between checks: 10 or 30.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;

  /**
   * Consecutive checks that change an endpoint's health, 1 to 10.
   * @default 3
   */
  readonly threshold?: number;

  /**
   * Path of an HTTP(S) check: starts with "/", at most 255 characters.
   * @default "/"
   */
  readonly path?: string;

  /**
   * Port of the check, 1 to 65535.
   * @default - the listener's port
   */
  readonly port?: number;
}

/**
 * Settings of a `VipFailover`, everything but the primary load balancer (what
 * HighlyAvailableService takes as `vip`).
 */
export interface VipFailoverOptions {
  /**
   * Settings of the primary's endpoint.
   * @default - dial 100 %, weight 128, the client's address preserved on an ALB
   */
  readonly primaryOptions?: VipEndpointOptions;

  /** The standby region's load balancer, where traffic goes when the primary has no healthy endpoint. */
  readonly standby: VipEndpoint;

  /**
   * More regions, each with its own endpoint group. One endpoint group per region.
   * @default - none
   */
  readonly additionalRegions?: VipEndpoint[];

  /**
   * The accelerator's name: at most 64 letters, digits and "-", not starting or ending with "-".
   * @default - a name derived from the construct path
   */
  readonly acceleratorName?: string;

  /**
   * IPv4 only, or IPv4 and IPv6.
   * @default ga.IpAddressType.IPV4
   */
  readonly ipAddressType?: ga.IpAddressType;

  /**
   * Your own IPv4 addresses (BYOIP) for the accelerator: one or two.
   * @default - two static addresses from Amazon's pool
   */
  readonly ipAddresses?: string[];

  /**
   * Keep a client on one endpoint: `SOURCE_IP` or `NONE`.
   * @default ga.ClientAffinity.NONE
   */
  readonly clientAffinity?: ga.ClientAffinity;

  /**
   * Health-check settings of the endpoint groups. Ignored for load-balancer endpoints (a warning
   * says so), which are judged by the load balancer's own health checks.
   * @default - none
   */
  readonly healthCheck?: VipHealthCheckOptions;

  /**
   * A measured reaction time of the accelerator, with where it was measured. It replaces the
   * assumed 30 s in `failoverTime`: AWS documents no failover figure, so measure it.
   * @default - 30 s, assumed from the Developer Guide's figure for routing to return
   */
  readonly acceleratorReaction?: MeasuredFailoverTime;

  /**
   * The alarms: in a us-west-2 stack, where Global Accelerator publishes its metrics, and with a
   * standby at a traffic dial of 0, one that goes off while new flows reach the standby.
   * @default - named from the construct path; 1 of 1 period (a flow to a passive standby means
   * the primary is out); no actions (HighlyAvailableService gives its alarm topic)
   */
  readonly alarms?: AlarmOptions;

  /**
   * Actions on ALARM and on OK of every alarm this construct creates, added to `alarms.actions`.
   * @default - none
   * @deprecated use `alarms.actions`
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
}

/**
 * Props of a `VipFailover`.
 */
export interface VipFailoverProps extends VipFailoverOptions {
  /** The primary region's load balancer: its listener ports become the accelerator's. */
  readonly primary: HaLoadBalancer;
}

/**
 * A virtual IP in front of both regions: an AWS Global Accelerator with one listener on the
 * primary load balancer's ports and one endpoint group per region. Traffic goes to the nearest
 * region with a healthy endpoint; when the primary has none, new flows go to the standby, with
 * the traffic dial ignored during that failover. When no region has a healthy endpoint, the
 * accelerator fails open: it sends traffic to the endpoints of the nearest group anyway.
 *
 * Worst-case failover (`failoverTime`): the primary load balancer's detection (its targets are
 * all unhealthy, so it reports no healthy endpoint) plus the accelerator's reaction. No DNS
 * propagation and no TTL: clients keep the same two addresses.
 */
export class VipFailover extends Construct {
  /** The accelerator. */
  public readonly accelerator: ga.Accelerator;

  /** The listener, on the primary load balancer's ports. */
  public readonly listener: ga.Listener;

  /** The endpoint groups: the primary's region first, then the standby's, then the others. */
  public readonly endpointGroups: ga.EndpointGroup[];

  /** The primary region's endpoint: its load balancer and settings. */
  public readonly primaryEndpoint: VipEndpoint;

  /** The primary region's load balancer. */
  public readonly primaryLoadBalancer: HaLoadBalancer;

  /** Worst-case failover, step by step. */
  public readonly failoverTime: FailoverTimeBreakdown;

  /** The alias records added with `addFriendlyName`. */
  public readonly friendlyNames: route53.RecordSet[] = [];

  /**
   * The alarms: in a us-west-2 stack, where Global Accelerator publishes its metrics, and with a
   * standby at a traffic dial of 0, one that goes off while new flows reach the standby (the
   * primary is failed over).
   */
  public readonly alarms: cloudwatch.Alarm[];

  /** Prefix of the created alarms' names. */
  public readonly alarmNamePrefix: string;

  private readonly dualStack: boolean;

  constructor(scope: Construct, id: string, props: VipFailoverProps) {
    super(scope, id);
    const primary = VipEndpoint.loadBalancer(props.primary, props.primaryOptions);
    this.primaryEndpoint = primary;
    this.primaryLoadBalancer = props.primary;
    const endpoints = [primary, props.standby, ...(props.additionalRegions ?? [])];
    this.validate(props, endpoints);
    this.dualStack = props.ipAddressType === ga.IpAddressType.DUAL_STACK;

    this.accelerator = new ga.Accelerator(this, 'Accelerator', {
      acceleratorName: props.acceleratorName,
      ipAddressType: props.ipAddressType ?? ga.IpAddressType.IPV4,
      ipAddresses: props.ipAddresses,
    });
    const ports = [props.primary.listenerPort, ...(props.primary.redirectListener ? [props.primary.redirectListener.port] : [])];
    this.listener = this.accelerator.addListener('Listener', {
      portRanges: ports.map((port) => ({ fromPort: port, toPort: port })),
      protocol: props.primary.listenerProtocol === elbv2.Protocol.UDP ? ga.ConnectionProtocol.UDP : ga.ConnectionProtocol.TCP,
      clientAffinity: props.clientAffinity ?? ga.ClientAffinity.NONE,
    });
    const check = props.healthCheck;
    this.endpointGroups = endpoints.map((endpoint, i) => this.listener.addEndpointGroup(i === 0 ? 'Primary' : i === 1 ? 'Standby' : `Region${i - 1}`, {
      region: endpoint.region,
      trafficDialPercentage: endpoint.options.trafficDialPercentage ?? 100,
      healthCheckInterval: check?.interval,
      healthCheckThreshold: check?.threshold,
      healthCheckPath: check?.path,
      healthCheckPort: check?.port,
      endpoints: [new ga.RawEndpoint({
        endpointId: endpoint.loadBalancerArn,
        region: endpoint.region,
        weight: endpoint.options.weight ?? DEFAULT_ENDPOINT_WEIGHT,
        preserveClientIp: endpoint.clientIpPreservation,
      })],
    }));
    if (check !== undefined) {
      Annotations.of(this).addWarningV2('cdk-ha-kit:acceleratorHealthCheckIgnored',
        'healthCheck is ignored for load-balancer endpoints: Global Accelerator judges a load balancer by its own health checks (set them on the HaLoadBalancer\'s target groups).');
    }

    const alarms = new AlarmFactory(this, withActions(props.alarms, props.alarmActions ?? []), VIP_ALARM_EVALUATION);
    this.alarmNamePrefix = alarms.prefix;
    this.alarms = alarms.alarms;
    this.createStandbyAlarm(props.standby, alarms);

    const detection = props.primary.worstCaseDetectionTime;
    this.failoverTime = new FailoverTimeBreakdown([
      {
        name: 'load balancer detection',
        duration: detection,
        explanation: 'the primary load balancer marks its last target unhealthy, and with it the endpoint',
        kind: FigureKind.CONFIGURED,
        source: 'the target groups\' health checks',
      },
      props.acceleratorReaction ? props.acceleratorReaction.asStep(ACCELERATOR_REACTION.name, ACCELERATOR_REACTION) : ACCELERATOR_REACTION,
    ]);
  }

  /** Worst case from the primary failing to new flows reaching the standby: the sum of `failoverTime`. */
  public get worstCaseFailoverTime(): Duration {
    return this.failoverTime.total;
  }

  /** The two static IPv4 addresses. */
  public get ipv4Addresses(): string[] {
    return this.accelerator.ipv4Addresses ?? [];
  }

  /** The accelerator's DNS name, for an alias or a CNAME of a friendly name. */
  public get dnsName(): string {
    return this.accelerator.dnsName;
  }

  /**
   * A friendly name for the accelerator: an alias A record (and AAAA, dual-stack) in `zone`. The
   * name never changes its answer, so its TTL plays no part in a failover.
   * @param zone the hosted zone
   * @param recordName relative to the zone (`api`) or fully qualified
   */
  public addFriendlyName(zone: route53.IHostedZone, recordName: string): route53.RecordSet[] {
    const problem = dnsNameProblem(Token.isUnresolved(zone.zoneName) || recordName.endsWith('.') ? recordName : `${recordName}.${zone.zoneName}`);
    if (problem !== undefined) throw new HaValidationError(this.node.path, [{ prop: 'recordName', value: problem, allowed: DNS_NAME_ALLOWED }], 'arguments');
    const target = route53.RecordTarget.fromAlias(new targets.GlobalAcceleratorTarget(this.accelerator));
    const id = `Name${this.friendlyNames.length}`;
    const records: route53.RecordSet[] = [new route53.ARecord(this, id, { zone, recordName, target })];
    if (this.dualStack) records.push(new route53.AaaaRecord(this, `${id}Ipv6`, { zone, recordName, target }));
    this.friendlyNames.push(...records);
    return records;
  }

  /** New TCP and UDP flows the accelerator accepted. Default: sum over 1 minute. */
  public metricNewFlowCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('NewFlowCount', props);
  }

  /** Bytes the accelerator received from clients. Default: sum over 1 minute. */
  public metricProcessedBytesIn(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ProcessedBytesIn', props);
  }

  /**
   * New flows the accelerator sent to one region's endpoint group (the group's region, e.g.
   * `eu-central-1`). Default: sum over 1 minute.
   */
  public metricNewFlowCountOf(endpointGroupRegion: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('NewFlowCount', props, this.endpointGroupDimensions(endpointGroupRegion));
  }

  /** Bytes the accelerator received for one region's endpoint group. Default: sum over 1 minute. */
  public metricProcessedBytesInOf(endpointGroupRegion: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ProcessedBytesIn', props, this.endpointGroupDimensions(endpointGroupRegion));
  }

  /** An endpoint group's dimensions: the listener's id (the last part of its ARN) and the group's region. */
  private endpointGroupDimensions(endpointGroupRegion: string): Record<string, string> {
    return { Listener: Fn.select(3, Fn.split('/', this.listener.listenerArn)), EndpointGroup: endpointGroupRegion };
  }

  /**
   * With a passive standby (dial 0), new flows reach it only while the accelerator fails over to
   * it: the alarm says the primary is out. An alarm watches metrics of its own region, and Global
   * Accelerator publishes them in us-west-2 only, so it is created in a us-west-2 stack only.
   */
  private createStandbyAlarm(standby: VipEndpoint, alarms: AlarmFactory): void {
    const dial = standby.options.trafficDialPercentage;
    if (dial !== 0 || !alarms.enabled) return;
    const region = Stack.of(this).region;
    if (region !== METRICS_REGION) {
      Annotations.of(this).addInfo(`Global Accelerator publishes its metrics in ${METRICS_REGION} only: no standby-traffic alarm is created in a stack in ${Token.isUnresolved(region) ? 'an unknown region' : region}. Alarm on metricNewFlowCountOf() of the standby's region from a ${METRICS_REGION} stack.`);
      return;
    }
    alarms.create({
      id: 'StandbyServingAlarm',
      nameSuffix: 'standby-serving',
      description: `New flows reach the standby of ${this.node.path} in ${standby.region}: the primary is failed over.`,
      metric: this.metricNewFlowCountOf(standby.region),
      threshold: 0,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No flows, no data points: Global Accelerator reports a metric only while traffic flows.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private metric(metricName: string, props?: cloudwatch.MetricOptions, dimensions: Record<string, string> = {}): cloudwatch.Metric {
    // Dimensions: the accelerator's id, the last part of its ARN; for one endpoint group, the
    // listener's id and the group's region.
    // https://docs.aws.amazon.com/global-accelerator/latest/dg/cloudwatch-monitoring.html
    return new cloudwatch.Metric({
      namespace: 'AWS/GlobalAccelerator',
      metricName,
      dimensionsMap: { Accelerator: Stack.of(this).splitArn(this.accelerator.acceleratorArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!, ...dimensions },
      statistic: 'Sum',
      period: Duration.minutes(1),
      region: METRICS_REGION,
      ...props,
    });
  }

  private validate(props: VipFailoverProps, endpoints: VipEndpoint[]): void {
    const v = new Validator();
    // AWS Global Accelerator API Reference: CreateAccelerator `Name`, `IpAddresses`;
    // CreateEndpointGroup `TrafficDialPercentage`, `HealthCheckIntervalSeconds`, `ThresholdCount`,
    // `HealthCheckPath`, `HealthCheckPort`; EndpointConfiguration `Weight`.
    // https://docs.aws.amazon.com/global-accelerator/latest/api/API_CreateAccelerator.html
    // https://docs.aws.amazon.com/global-accelerator/latest/api/API_CreateEndpointGroup.html
    // The API also takes "." in a name; CloudFormation's schema for AWS::GlobalAccelerator::Accelerator
    // does not (pattern ^[a-zA-Z0-9_-]{0,64}$), so a name holds what both take.
    v.matches('acceleratorName', props.acceleratorName, /^(?!-)[A-Za-z0-9-]{1,64}(?<!-)$/,
      'at most 64 letters, digits and "-", not starting or ending with "-"');
    AlarmFactory.validate(v, props.alarms ?? {}, 'alarms', VIP_ALARM_EVALUATION);
    const addresses = props.ipAddresses ?? [];
    if (props.ipAddresses !== undefined && (addresses.length < 1 || addresses.length > 2)) {
      v.add('ipAddresses', `${addresses.length} addresses`, 'one or two IPv4 addresses of your own (BYOIP)');
    }
    addresses.forEach((a, i) => {
      if (Token.isUnresolved(a)) return;
      // BYOIP: a public range you own, advertised by Global Accelerator; nothing private, shared,
      // special-use or multicast can be advertised on the internet.
      // https://docs.aws.amazon.com/global-accelerator/latest/dg/using-byoip.html
      if (isIP(a) !== 4) v.add(`ipAddresses[${i}]`, JSON.stringify(a), 'an IPv4 address');
      else if (isUnroutable(a)) v.add(`ipAddresses[${i}]`, a, 'a public IPv4 address from a range you brought to AWS (BYOIP): private, shared, loopback, link-local, documentation and multicast addresses cannot be advertised');
      else if (addresses.indexOf(a) !== i) v.add(`ipAddresses[${i}]`, a, 'an address other than ipAddresses[0]: the accelerator has two different static addresses');
    });
    const names = ['primaryOptions', 'standby', ...(props.additionalRegions ?? []).map((_, i) => `additionalRegions[${i}]`)];
    const seen = new Map<string, string>();
    endpoints.forEach((e, i) => {
      const o = e.options;
      v.integer(`${names[i]}.trafficDialPercentage`, o.trafficDialPercentage, 0, 100);
      v.integer(`${names[i]}.weight`, o.weight, 0, 255);
      if (o.preserveClientIp !== undefined && !e.isApplication) {
        v.add(`${names[i]}.preserveClientIp`, String(o.preserveClientIp), 'only for an Application Load Balancer (a Network Load Balancer endpoint does not take the setting)');
      }
      validateEndpointFacts(v, i === 0 ? 'primary' : names[i], e);
      if (!Token.isUnresolved(e.region)) {
        const other = seen.get(e.region);
        if (other !== undefined) v.add(names[i], `a second endpoint in ${e.region} (${other} is there)`, 'one endpoint group per region');
        seen.set(e.region, names[i]);
      } else if (i === 0) {
        v.add('primary', 'a load balancer in a stack without a region', 'a stack with an explicit region: each endpoint group names its region');
      }
    });
    // The endpoint traffic fails over to must be able to take it: weight 0 takes it out of its
    // group for good (EndpointConfiguration `Weight`).
    // https://docs.aws.amazon.com/global-accelerator/latest/api/API_EndpointConfiguration.html
    if (props.standby.options.weight === 0) {
      v.add('standby.weight', '0', '1 to 255: a standby of weight 0 never takes traffic, so the accelerator would have nowhere to fail over to');
    }
    const check = props.healthCheck;
    if (check?.interval !== undefined && !check.interval.isUnresolved() && ![10, 30].includes(check.interval.toSeconds({ integral: false }))) {
      v.add('healthCheck.interval', formatSeconds(check.interval), '10 s or 30 s');
    }
    v.integer('healthCheck.threshold', check?.threshold, 1, 10);
    v.matches('healthCheck.path', check?.path, /^\/[-a-zA-Z0-9@:%_+.~#?&/=]{0,254}$/, 'a path starting with "/", at most 255 characters');
    v.integer('healthCheck.port', check?.port, 1, 65535);
    v.throwIfAny(this);
  }
}

/**
 * An endpoint's region must exist, and a load balancer known by its ARN must be one Global
 * Accelerator takes (an Application or Network Load Balancer; not a Classic or Gateway Load
 * Balancer, nor a target group) in the region its endpoint group is given.
 * https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints.html
 */
function validateEndpointFacts(v: Validator, prop: string, e: VipEndpoint): void {
  if (!Token.isUnresolved(e.region) && !isKnownRegion(e.region)) {
    v.add(`${prop}.region`, JSON.stringify(e.region), 'a region AWS has (as aws-cdk-lib knows them: a newer region needs a newer aws-cdk-lib)');
  }
  if (e.haLoadBalancer !== undefined) {
    // "If the Application Load Balancer is the target of a Network Load Balancer or Global
    // Accelerator, do not configure a threshold for DNS failover." (ELB User Guide, Target group health)
    const groups = e.isApplication ? e.haLoadBalancer.groupsWithDnsFailover() : [];
    if (groups.length > 0) {
      v.add(prop, `${e.haLoadBalancer.node.path}, whose group(s) ${groups.join(', ')} have a DNS failover threshold`,
        'an Application Load Balancer without DNS failover thresholds (healthThresholds.dns*: 0 or unset): ELB says not to set them behind an accelerator');
    }
    return;
  }
  const arn = arnParts(e.loadBalancerArn);
  if (Token.isUnresolved(e.loadBalancerArn)) return;
  if (arn === undefined || arn.service !== 'elasticloadbalancing' || !/^loadbalancer\/(app|net)\/[^/]+\/[^/]+$/.test(arn.resource)) {
    v.add(`${prop}.loadBalancerArn`, JSON.stringify(e.loadBalancerArn), 'the ARN of an Application or Network Load Balancer (arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/app|net/<name>/<id>)');
  } else if (!Token.isUnresolved(e.region) && arn.region !== e.region) {
    v.add(`${prop}.region`, `${e.region} for a load balancer in ${arn.region}`, 'the region in the load balancer\'s ARN: an endpoint group serves endpoints of its own region');
  }
}
