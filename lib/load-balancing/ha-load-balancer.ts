/**
 * The HaLoadBalancer construct: what both kinds of load balancer share. `alb.ts` and `nlb.ts`
 * hold what only one kind has, `props.ts` its props.
 */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as arczonalshift from 'aws-cdk-lib/aws-arczonalshift';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { AlarmFactory } from '../core/alarms';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { securityGroupDescription } from '../core/descriptions';
import { HaValidationError } from '../core/errors';
import { MeasuredFailoverTime } from '../core/failover-time';
import { HealthCheckProfile } from '../core/health-check-profile';
import { LoadBalancerType, describeType } from '../core/load-balancer-type';
import { Validator } from '../core/validation';
import { accessLogsWanted, createAccessLogBucket, validateAccessLogs } from './access-logs';
import { createApplicationListeners, validateApplicationProps } from './alb';
import { createNetworkListeners, hasTlsListener, portsFor, validateNetworkListeners } from './nlb';
import { DEFAULT_SSL_POLICY, HaLoadBalancerAlarmOptions, HaLoadBalancerProps } from './props';
import { HaTargetGroupOptions, createTargetGroup, targetGroupHealthCheck, targetGroupProtocol, validateTargetGroup } from './target-group';
import { hasDnsFailoverThreshold } from './target-group-health';
import { createAutoshift, validateZonalShift, zonalShiftSupported } from './zonal-shift';

/**
 * An Application or Network Load Balancer set up for high availability: target groups with
 * validated health checks, routing, secure defaults and alarms.
 *
 * Every prop is checked at synth against the AWS limits of the chosen load balancer type; a
 * rejected value raises an `HaValidationError` naming this construct's path, the prop, the value
 * and what is allowed.
 */
export class HaLoadBalancer extends Construct implements ec2.IConnectable {
  /** TLS policy used when `sslPolicy` is not given. */
  public static readonly DEFAULT_SSL_POLICY = DEFAULT_SSL_POLICY;

  /** Application or Network. */
  public readonly loadBalancerType: LoadBalancerType;

  /** Reachable from the internet (or only from the VPC and connected networks). */
  public readonly internetFacing: boolean;

  /** The load balancer, whatever its type. */
  public readonly loadBalancer: elbv2.BaseLoadBalancer;

  /** The load balancer when it is an Application Load Balancer. */
  public readonly applicationLoadBalancer?: elbv2.ApplicationLoadBalancer;

  /** The load balancer when it is a Network Load Balancer. */
  public readonly networkLoadBalancer?: elbv2.NetworkLoadBalancer;

  /** The load balancer's security group. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** Traffic rules of the load balancer's security group. */
  public readonly connections: ec2.Connections;

  /** Listeners forwarding to target groups (one for an ALB, one per group for an NLB). */
  public readonly listeners: elbv2.BaseListener[];

  /** The port-80 listener that redirects to HTTPS, when there is one. */
  public readonly redirectListener?: elbv2.ApplicationListener;

  /** Target groups, in the order given. */
  public readonly targetGroups: elbv2.TargetGroupBase[];

  /** The target groups' names, as given, in the order of `targetGroups`. */
  public readonly targetGroupNames: string[];

  /** Port clients connect to: the main listener's (ALB) or the first group's listener's (NLB). */
  public readonly listenerPort: number;

  /** Protocol clients speak on `listenerPort`: HTTP or HTTPS (ALB); TCP, TLS, UDP or TCP_UDP (NLB). */
  public readonly listenerProtocol: elbv2.Protocol;

  /** The group that serves what no rule matches (ALB) or that is behind `listenerPort` (NLB). */
  public readonly defaultTargetGroupName?: string;

  /** The bucket access logs go to, when enabled. */
  public readonly accessLogsBucket?: s3.IBucket;

  /** Alarms created: one per target group on unhealthy hosts, and the 5XX-rate alarm of an ALB. */
  public readonly alarms: cloudwatch.Alarm[];

  /** Prefix of every alarm name. */
  public readonly alarmNamePrefix: string;

  private readonly groupsByName = new Map<string, elbv2.TargetGroupBase>();
  private readonly optionsByName = new Map<string, HaTargetGroupOptions>();

  constructor(scope: Construct, id: string, props: HaLoadBalancerProps) {
    super(scope, id);
    this.loadBalancerType = props.loadBalancerType ?? LoadBalancerType.APPLICATION;
    this.internetFacing = props.internetFacing ?? false;
    const isAlb = this.loadBalancerType === LoadBalancerType.APPLICATION;
    const subnets = props.vpcSubnets ?? { subnetType: props.internetFacing ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS };
    this.validate(props, subnets);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: securityGroupDescription(`${this.node.path}: load balancer`),
    });
    const common = {
      vpc: props.vpc,
      internetFacing: this.internetFacing,
      vpcSubnets: subnets,
      deletionProtection: props.deletionProtection ?? true,
    };
    if (isAlb) {
      this.applicationLoadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
        ...common,
        securityGroup: this.securityGroup,
        dropInvalidHeaderFields: props.dropInvalidHeaderFields ?? true,
        desyncMitigationMode: props.desyncMitigationMode ?? elbv2.DesyncMitigationMode.DEFENSIVE,
      });
      this.loadBalancer = this.applicationLoadBalancer;
    } else {
      this.networkLoadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
        ...common,
        securityGroups: [this.securityGroup],
        crossZoneEnabled: props.crossZoneEnabled ?? true,
      });
      this.loadBalancer = this.networkLoadBalancer;
    }
    this.connections = this.securityGroup.connections;

    this.targetGroupNames = props.targetGroups.map((options) => options.name);
    this.targetGroups = props.targetGroups.map((options) => {
      const group = createTargetGroup(this, props.vpc, options, this.loadBalancerType);
      this.groupsByName.set(options.name, group);
      this.optionsByName.set(options.name, options);
      this.allowEgressToTargets(props.vpc, options);
      return group;
    });

    const clients = props.allowedClients ?? [props.internetFacing ? ec2.Peer.anyIpv4() : ec2.Peer.ipv4(vpcCidrBlock(props.vpc))];
    const hasCerts = (props.certificates?.length ?? 0) > 0;
    if (isAlb) {
      this.listenerPort = props.listenerPort ?? (hasCerts ? 443 : 80);
      this.listenerProtocol = hasCerts ? elbv2.Protocol.HTTPS : elbv2.Protocol.HTTP;
      this.defaultTargetGroupName = props.defaultTargetGroup;
    } else {
      const first = props.targetGroups[0];
      const protocol = targetGroupProtocol(first, LoadBalancerType.NETWORK);
      // Validated: every group of a Network Load Balancer has a port.
      this.listenerPort = first.listenerPort ?? first.port!;
      this.listenerProtocol = hasCerts && (protocol === elbv2.Protocol.TCP || protocol === elbv2.Protocol.TLS) ? elbv2.Protocol.TLS : protocol;
      this.defaultTargetGroupName = first.name;
    }
    if (isAlb) {
      const alb = this.applicationLoadBalancer!;
      const { listener, redirect } = createApplicationListeners(alb, props, this.listenerPort, (name) => this.applicationTargetGroup(name));
      this.listeners = [listener];
      this.redirectListener = redirect;
      if (props.webAclArn !== undefined) {
        // https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html
        new wafv2.CfnWebACLAssociation(this, 'WebAcl', { resourceArn: alb.loadBalancerArn, webAclArn: props.webAclArn });
      } else {
        acknowledgeDecision(alb, DECISIONS.WEB_ACL_OPTIONAL);
      }
      if (props.allowPlaintext === true) acknowledgeDecision(listener, DECISIONS.PLAINTEXT_OPTED_IN);
      if (redirect) acknowledgeDecision(redirect, DECISIONS.REDIRECT_LISTENER);
      for (const l of [listener, ...(redirect ? [redirect] : [])]) {
        for (const peer of clients) this.connections.allowFrom(peer, ec2.Port.tcp(l.port), `clients to listener ${l.port}`);
      }
    } else {
      this.listeners = createNetworkListeners(this.networkLoadBalancer!, props, clients, this.connections, (name) => this.networkTargetGroup(name));
    }

    const logs = props.accessLogs ?? {};
    if (accessLogsWanted(logs, this.loadBalancerType, isAlb || hasTlsListener(props))) {
      this.accessLogsBucket = logs.bucket ?? createAccessLogBucket(this, logs);
      this.loadBalancer.logAccessLogs(this.accessLogsBucket, logs.prefix);
    } else if (logs.enabled === undefined) {
      acknowledgeDecision(this.loadBalancer, DECISIONS.NLB_LOGS_TLS_ONLY);
    }

    const alarmOptions = props.alarms ?? {};
    const factory = new AlarmFactory(this, alarmOptions);
    this.alarmNamePrefix = factory.prefix;
    this.createAlarms(factory, alarmOptions);
    this.alarms = factory.alarms;
    this.measuredZonalShiftTime = props.measuredZonalShiftTime;
    const crossZone = props.crossZoneEnabled ?? true;
    // On by default wherever ELB takes it as configured: a cross-zone NLB with a UDP group does not.
    this.zonalShiftEnabled = props.zonalShift ?? zonalShiftSupported(this.loadBalancerType, crossZone, props.targetGroups);
    const autoshift = this.configureZonalShift(props, crossZone);
    this.zonalAutoshift = autoshift?.configuration;
    this.practiceRunOutcomeAlarm = autoshift?.outcomeAlarm;
  }

  /** Zonal shift on (with a cross-zone NLB's prerequisites), and autoshift when asked. */
  private configureZonalShift(props: HaLoadBalancerProps, crossZone: boolean): ReturnType<typeof createAutoshift> | undefined {
    const v = new Validator();
    validateZonalShift(v, this.loadBalancerType, crossZone, this.zonalShiftEnabled, props.targetGroups, props.zonalAutoshift, this.alarms.length);
    v.throwIfAny(this);
    if (!this.zonalShiftEnabled) return undefined;
    this.loadBalancer.setAttribute('zonal_shift.config.enabled', 'true');
    if (this.loadBalancerType === LoadBalancerType.NETWORK && crossZone) {
      for (const group of this.targetGroups) group.setAttribute('target_health_state.unhealthy.connection_termination.enabled', 'false');
    }
    return props.zonalAutoshift ? createAutoshift(this, this.loadBalancer, props.zonalAutoshift, this.alarms, props.alarms?.actions ?? []) : undefined;
  }

  /**
   * The target groups with a DNS failover threshold (`healthThresholds`), which ELB says not to
   * set on an Application Load Balancer behind an accelerator or a Network Load Balancer.
   */
  public groupsWithDnsFailover(): string[] {
    return [...this.optionsByName.values()].filter((o) => hasDnsFailoverThreshold(o.healthThresholds)).map((o) => o.name);
  }

  /** Whether ARC zonal shift is on for the load balancer. */
  public readonly zonalShiftEnabled: boolean;

  /** The measured time from a zone's impairment to a zonal shift in effect, when given. */
  public readonly measuredZonalShiftTime?: MeasuredFailoverTime;

  /** The zonal autoshift configuration, with `zonalAutoshift`. */
  public readonly zonalAutoshift?: arczonalshift.CfnZonalAutoshiftConfiguration;

  /** The alarm that ends autoshift's practice runs (a composite of several), with `zonalAutoshift`. */
  public readonly practiceRunOutcomeAlarm?: cloudwatch.IAlarm;

  /**
   * Worst case from a target failing to the load balancer no longer sending it new requests: the
   * slowest health check among the target groups (see `HealthCheckProfile.detectionTime`).
   */
  public get worstCaseDetectionTime(): Duration {
    // Lambda targets without a health check are not checked: Lambda itself replaces failed environments.
    const seconds = Array.from(this.optionsByName.values())
      .map((o) => targetGroupHealthCheck(o, this.loadBalancerType, 'none')?.detectionTime.toSeconds({ integral: false }) ?? 0);
    return Duration.seconds(Math.max(...seconds));
  }

  /**
   * Worst case from a target failing to its traffic being served by the other targets. Equal to
   * `worstCaseDetectionTime`: once a target is marked unhealthy, the load balancer routes new
   * requests (ALB) or new flows (NLB) to the healthy ones; requests in flight on the failed target
   * are lost, as they would be without a load balancer.
   */
  public get worstCaseFailoverTime(): Duration {
    return this.worstCaseDetectionTime;
  }

  /** The target group called `name`. */
  public targetGroup(name: string): elbv2.TargetGroupBase {
    const group = this.groupsByName.get(name);
    if (group === undefined) {
      throw new HaValidationError(this.node.path, [{ prop: 'name', value: JSON.stringify(name), allowed: `a target group of this load balancer: ${Array.from(this.groupsByName.keys()).join(', ')}` }], 'arguments');
    }
    return group;
  }

  /** The options the target group called `name` was created with. */
  public targetGroupOptions(name: string): HaTargetGroupOptions {
    this.targetGroup(name);
    return this.optionsByName.get(name)!;
  }

  /** The health check of the target group called `name`. */
  public healthCheck(name: string): HealthCheckProfile {
    this.targetGroup(name);
    return targetGroupHealthCheck(this.optionsByName.get(name)!, this.loadBalancerType);
  }

  /** The target group called `name` of an Application Load Balancer, to add targets to. */
  public applicationTargetGroup(name: string): elbv2.ApplicationTargetGroup {
    this.requireType(LoadBalancerType.APPLICATION, 'applicationTargetGroup()');
    return this.targetGroup(name) as elbv2.ApplicationTargetGroup;
  }

  /** The target group called `name` of a Network Load Balancer, to add targets to. */
  public networkTargetGroup(name: string): elbv2.NetworkTargetGroup {
    this.requireType(LoadBalancerType.NETWORK, 'networkTargetGroup()');
    return this.targetGroup(name) as elbv2.NetworkTargetGroup;
  }

  /**
   * Lets the load balancer reach `target` on the group's traffic and health-check ports, with an
   * ingress rule on the target's security group whose source is the load balancer's security
   * group: the target then accepts that traffic from the load balancer only.
   */
  public allowTargetTraffic(targetGroupName: string, target: ec2.IConnectable): void {
    this.targetGroup(targetGroupName);
    for (const port of this.targetPorts(this.optionsByName.get(targetGroupName)!)) {
      this.connections.allowTo(target, port, securityGroupDescription(`${this.node.path} to ${targetGroupName} targets`));
    }
  }

  /** Healthy targets in a group. Default: minimum over 1 minute. */
  public metricHealthyHostCount(targetGroupName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const options = { period: Duration.minutes(1), statistic: 'Minimum', ...props };
    const group = this.targetGroup(targetGroupName);
    return group instanceof elbv2.ApplicationTargetGroup
      ? group.metrics.healthyHostCount(options)
      : (group as elbv2.NetworkTargetGroup).metrics.healthyHostCount(options);
  }

  /** Unhealthy targets in a group. Default: maximum over 1 minute. */
  public metricUnhealthyHostCount(targetGroupName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const options = { period: Duration.minutes(1), statistic: 'Maximum', ...props };
    const group = this.targetGroup(targetGroupName);
    return group instanceof elbv2.ApplicationTargetGroup
      ? group.metrics.unhealthyHostCount(options)
      : (group as elbv2.NetworkTargetGroup).metrics.unHealthyHostCount(options);
  }

  /** Application Load Balancer: requests, all targets. Default: sum over 1 minute. */
  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const alb = this.requireApplication('metricRequestCount()');
    return alb.metrics.requestCount({ period: Duration.minutes(1), statistic: 'Sum', ...props });
  }

  /** Application Load Balancer: 5XX answers from targets. Default: sum over 1 minute. */
  public metricTarget5xxCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const alb = this.requireApplication('metricTarget5xxCount()');
    return alb.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1), statistic: 'Sum', ...props });
  }

  /**
   * Application Load Balancer: percentage of requests answered 5XX by targets, per minute
   * (0 when there were no requests).
   */
  public metricTarget5xxRate(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)',
      usingMetrics: { errors: this.metricTarget5xxCount(), requests: this.metricRequestCount() },
      label: 'Target 5XX rate (%)',
      period: Duration.minutes(1),
      ...props,
    });
  }

  /**
   * Application Load Balancer: seconds from the request leaving the load balancer to the target's
   * response. Default: p99 over 1 minute, the tail users notice.
   */
  public metricTargetResponseTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const alb = this.requireApplication('metricTargetResponseTime()');
    return alb.metrics.targetResponseTime({ period: Duration.minutes(1), statistic: 'p99', ...props });
  }

  private validate(props: HaLoadBalancerProps, subnets: ec2.SubnetSelection): void {
    const v = new Validator();
    const type = this.loadBalancerType;
    const isAlb = type === LoadBalancerType.APPLICATION;
    const lb = describeType(type);
    const names = props.targetGroups.map((g) => g.name);

    v.subnetsInTwoZones('vpcSubnets', props.vpc, subnets, 'so that one zone failing leaves the load balancer up');
    if (this.internetFacing) v.publicSubnets('vpcSubnets', props.vpc, subnets);
    if (props.targetGroups.length === 0) v.add('targetGroups', '[]', 'at least one target group');
    props.targetGroups.forEach((g, i) => {
      validateTargetGroup(v, `targetGroups[${i}]`, g, type);
      if (names.indexOf(g.name) !== i) v.add(`targetGroups[${i}].name`, JSON.stringify(g.name), 'a name not used by another target group');
    });

    const hasCerts = (props.certificates?.length ?? 0) > 0;
    if (props.sslPolicy !== undefined && !hasCerts) v.add('sslPolicy', props.sslPolicy, 'only with certificates (there is no TLS listener without them)');
    if (isAlb) {
      validateApplicationProps(v, props, names, hasCerts, Stack.of(this).region);
    } else {
      const albOnly: Array<[string, unknown]> = [
        ['routes', props.routes], ['defaultTargetGroup', props.defaultTargetGroup], ['defaultResponse', props.defaultResponse],
        ['listenerPort', props.listenerPort], ['redirectHttpToHttps', props.redirectHttpToHttps],
        ['dropInvalidHeaderFields', props.dropInvalidHeaderFields], ['desyncMitigationMode', props.desyncMitigationMode],
        ['allowPlaintext', props.allowPlaintext], ['webAclArn', props.webAclArn],
      ];
      for (const [prop, value] of albOnly) {
        if (value !== undefined) v.add(prop, JSON.stringify(value), `unset on ${lb}: this is an Application Load Balancer setting`);
      }
      validateNetworkListeners(v, props, hasCerts);
    }
    validateAccessLogs(v, this, props.accessLogs ?? {}, type, !isAlb && hasTlsListener(props));
    this.validateAlarms(v, props.alarms ?? {});
    v.throwIfAny(this);
  }



  private validateAlarms(v: Validator, alarms: HaLoadBalancerAlarmOptions): void {
    if (alarms.enabled === false) return;
    AlarmFactory.validate(v, alarms);
    v.integer('alarms.unhealthyHostThreshold', alarms.unhealthyHostThreshold, 1, Number.MAX_SAFE_INTEGER, 'an integer of at least 1');
    const rate = alarms.target5xxRatePercent;
    if (rate !== undefined && !(rate > 0 && rate <= 100)) v.add('alarms.target5xxRatePercent', String(rate), 'above 0 and at most 100');
  }

  /** Egress from the load balancer to the VPC on a group's ports: IP targets have no security group to allow it. */
  private allowEgressToTargets(vpc: ec2.IVpc, options: HaTargetGroupOptions): void {
    for (const port of this.targetPorts(options)) {
      this.securityGroup.addEgressRule(ec2.Peer.ipv4(vpcCidrBlock(vpc)), port, `to ${options.name} targets`);
    }
  }

  private targetPorts(options: HaTargetGroupOptions): ec2.Port[] {
    // The load balancer invokes Lambda targets through their API, not over the network.
    if (options.port === undefined) return [];
    const protocol = targetGroupProtocol(options, this.loadBalancerType);
    const ports = portsFor(protocol, options.port);
    const checkPort = targetGroupHealthCheck(options, this.loadBalancerType).port;
    if (checkPort !== undefined && checkPort !== options.port) ports.push(ec2.Port.tcp(checkPort));
    return ports;
  }

  private createAlarms(factory: AlarmFactory, options: HaLoadBalancerAlarmOptions): void {
    for (const name of this.groupsByName.keys()) {
      factory.create({
        id: `${name}UnhealthyHostsAlarm`,
        nameSuffix: `${name}-unhealthy-hosts`,
        description: `Targets of ${name} behind ${this.node.path} fail their health check.`,
        metric: this.metricUnhealthyHostCount(name),
        threshold: options.unhealthyHostThreshold ?? 1,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }
    if (this.loadBalancerType === LoadBalancerType.APPLICATION) {
      factory.create({
        id: 'Target5xxRateAlarm',
        nameSuffix: 'target-5xx-rate',
        description: `Targets behind ${this.node.path} answer too many requests with 5XX.`,
        metric: this.metricTarget5xxRate(),
        threshold: options.target5xxRatePercent ?? 5,
        comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
  }

  private requireType(type: LoadBalancerType, what: string): void {
    if (this.loadBalancerType !== type) {
      throw new HaValidationError(this.node.path, [{ prop: what, value: `called on ${describeType(this.loadBalancerType)}`, allowed: `only on ${describeType(type)}` }], 'arguments');
    }
  }

  private requireApplication(what: string): elbv2.ApplicationLoadBalancer {
    this.requireType(LoadBalancerType.APPLICATION, what);
    return this.applicationLoadBalancer!;
  }
}

/**
 * The VPC's primary CIDR block, as a literal where the VPC construct was given one: static checks
 * (cdk-nag's open-ingress rule among them) cannot read a `Fn::GetAtt`.
 */
function vpcCidrBlock(vpc: ec2.IVpc): string {
  const cfn = vpc.node.defaultChild;
  if (cfn instanceof ec2.CfnVPC && cfn.cidrBlock !== undefined && !Token.isUnresolved(cfn.cidrBlock)) {
    return cfn.cidrBlock;
  }
  return vpc.vpcCidrBlock;
}
