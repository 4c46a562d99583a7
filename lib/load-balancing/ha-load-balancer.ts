import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { AlarmFactory, AlarmOptions } from '../core/alarms';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { securityGroupDescription } from '../core/descriptions';
import { HaValidationError } from '../core/errors';
import { HealthCheckProfile } from '../core/health-check-profile';
import { LoadBalancerType, describeType } from '../core/load-balancer-type';
import { Validator } from '../core/validation';
import { AccessLogSettings, createAccessLogBucket, validateAccessLogs } from './access-logs';
import {
  DEFAULT_FIXED_RESPONSE, FixedResponse, RoutingRule, fixedResponseAction, ruleAction, ruleConditions, validateFixedResponse,
  validateRoutes,
} from './routing';
import { HaTargetGroupOptions, createTargetGroup, targetGroupHealthCheck, targetGroupProtocol, validateTargetGroup } from './target-group';

/**
 * The alarms an {@link HaLoadBalancer} creates.
 */
export interface HaLoadBalancerAlarmOptions extends AlarmOptions {
  /**
   * Unhealthy targets in one group that raise its alarm. At least 1.
   * @default 1
   */
  readonly unhealthyHostThreshold?: number;

  /**
   * Application Load Balancer: share of requests answered 5XX by targets, in percent, that raises
   * the alarm. Above 0, at most 100.
   * @default 5
   */
  readonly target5xxRatePercent?: number;
}

/**
 * Settings of an {@link HaLoadBalancer} other than its VPC, for constructs that create one in a VPC of their
 * own choosing.
 */
export interface HaLoadBalancerOptions {
  /**
   * Application (layer 7) or Network (layer 4) Load Balancer.
   * @default LoadBalancerType.APPLICATION
   */
  readonly loadBalancerType?: LoadBalancerType;

  /**
   * Reachable from the internet, or only from inside the VPC and connected networks.
   * @default false
   */
  readonly internetFacing?: boolean;

  /**
   * Subnets for the load balancer's nodes, in at least two Availability Zones.
   * @default - public subnets when internet-facing, private subnets otherwise
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Who may connect to the listeners.
   * @default - any IPv4 address when internet-facing, the VPC's CIDR block when internal
   */
  readonly allowedClients?: ec2.IPeer[];

  /**
   * The target groups, at least one, names unique.
   */
  readonly targetGroups: HaTargetGroupOptions[];

  /**
   * Application Load Balancer: path- and host-based rules, evaluated by priority.
   * @default - no rules
   */
  readonly routes?: RoutingRule[];

  /**
   * Application Load Balancer: the target group for requests no rule matches.
   * @default - answer with `defaultResponse`
   */
  readonly defaultTargetGroup?: string;

  /**
   * Application Load Balancer: the answer to requests no rule matches, when there is no
   * `defaultTargetGroup`.
   * @default - 404, text/plain, "Not Found"
   */
  readonly defaultResponse?: FixedResponse;

  /**
   * Server certificates. With them, an Application Load Balancer listens with HTTPS and a Network
   * Load Balancer terminates TLS for its TCP groups.
   * @default - no TLS: HTTP / TCP listeners
   */
  readonly certificates?: elbv2.IListenerCertificate[];

  /**
   * Lets an internet-facing Application Load Balancer without `certificates` serve plain HTTP.
   * Without it such a load balancer is refused at synth: traffic from the internet in plaintext
   * is a choice to make, not a default.
   * @default false
   */
  readonly allowPlaintext?: boolean;

  /**
   * Application Load Balancer: the ARN of an AWS WAF web ACL (regional scope, in the load
   * balancer's region) to associate with it.
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * TLS policy of the TLS listeners. The default allows TLS 1.2 and 1.3 with forward-secret
   * AES-GCM ciphers only, and hybrid post-quantum key exchange for clients that offer it; it is
   * AWS's recommended policy. CloudFormation's own default, `ELBSecurityPolicy-2016-08`, still
   * accepts TLS 1.0.
   * @default elbv2.SslPolicy.TLS13_12_RES_PQ
   */
  readonly sslPolicy?: elbv2.SslPolicy;

  /**
   * Application Load Balancer: port of the main listener. 1 to 65535.
   * @default - 443 with certificates, 80 without
   */
  readonly listenerPort?: number;

  /**
   * Application Load Balancer with certificates: also listen on port 80 and redirect to HTTPS
   * (301).
   * @default - true when certificates are given
   */
  readonly redirectHttpToHttps?: boolean;

  /**
   * Access logs.
   * @default - enabled, to a new encrypted bucket that keeps logs 90 days
   */
  readonly accessLogs?: AccessLogSettings;

  /**
   * Application Load Balancer: drop HTTP headers whose names are not valid, instead of passing
   * them to targets (request smuggling hardening).
   * @default true
   */
  readonly dropInvalidHeaderFields?: boolean;

  /**
   * Application Load Balancer: how requests that could be used for HTTP desync are handled.
   * @default elbv2.DesyncMitigationMode.DEFENSIVE
   */
  readonly desyncMitigationMode?: elbv2.DesyncMitigationMode;

  /**
   * Refuse deletion of the load balancer (and so of its DNS name) until this is turned off.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Cross-zone load balancing: every node sends to targets in every zone, so a zone with few
   * healthy targets is not overloaded. Always on for an Application Load Balancer (turn it off per
   * target group instead).
   * @default true
   */
  readonly crossZoneEnabled?: boolean;

  /**
   * Alarms on unhealthy hosts and on the 5XX rate.
   * @default - created, with the defaults of HaLoadBalancerAlarmOptions
   */
  readonly alarms?: HaLoadBalancerAlarmOptions;
}

/**
 * Props of an {@link HaLoadBalancer}.
 */
export interface HaLoadBalancerProps extends HaLoadBalancerOptions {
  /**
   * The VPC. The load balancer's subnets must span at least two Availability Zones.
   */
  readonly vpc: ec2.IVpc;
}

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
  public static readonly DEFAULT_SSL_POLICY = elbv2.SslPolicy.TLS13_12_RES_PQ;

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
      const { listener, redirect } = this.createApplicationListeners(alb, props);
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
      this.listeners = this.createNetworkListeners(this.networkLoadBalancer!, props, clients);
    }

    const logs = props.accessLogs ?? {};
    if (logs.enabled !== false) {
      this.accessLogsBucket = logs.bucket ?? createAccessLogBucket(this, logs);
      this.loadBalancer.logAccessLogs(this.accessLogsBucket, logs.prefix);
    }

    const alarmOptions = props.alarms ?? {};
    const factory = new AlarmFactory(this, alarmOptions);
    this.alarmNamePrefix = factory.prefix;
    this.createAlarms(factory, alarmOptions);
    this.alarms = factory.alarms;
  }

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
    if (props.targetGroups.length === 0) v.add('targetGroups', '[]', 'at least one target group');
    props.targetGroups.forEach((g, i) => {
      validateTargetGroup(v, `targetGroups[${i}]`, g, type);
      if (names.indexOf(g.name) !== i) v.add(`targetGroups[${i}].name`, JSON.stringify(g.name), 'a name not used by another target group');
    });

    const hasCerts = (props.certificates?.length ?? 0) > 0;
    if (props.sslPolicy !== undefined && !hasCerts) v.add('sslPolicy', props.sslPolicy, 'only with certificates (there is no TLS listener without them)');
    if (isAlb) {
      this.validateApplicationProps(v, props, names, hasCerts);
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
      this.validateNetworkListeners(v, props, hasCerts);
    }
    validateAccessLogs(v, this, props.accessLogs ?? {}, type);
    this.validateAlarms(v, props.alarms ?? {});
    v.throwIfAny(this);
  }



  private validateApplicationProps(v: Validator, props: HaLoadBalancerProps, names: string[], hasCerts: boolean): void {
    const routes = props.routes ?? [];
    validateRoutes(v, routes, names);
    if (props.defaultTargetGroup !== undefined && !names.includes(props.defaultTargetGroup)) {
      v.add('defaultTargetGroup', JSON.stringify(props.defaultTargetGroup), `the name of a target group: ${names.join(', ')}`);
    }
    if (props.defaultTargetGroup !== undefined && props.defaultResponse !== undefined) {
      v.add('defaultResponse', 'set together with defaultTargetGroup', 'one default: defaultTargetGroup or defaultResponse');
    }
    if (props.defaultResponse !== undefined) validateFixedResponse(v, 'defaultResponse', props.defaultResponse);
    if (props.crossZoneEnabled === false) {
      v.add('crossZoneEnabled', 'false', 'true or unset on an Application Load Balancer (always cross-zone); set targetGroups[i].crossZoneEnabled instead');
    }
    v.integer('listenerPort', props.listenerPort, 1, 65535);
    if (props.internetFacing && !hasCerts && props.allowPlaintext !== true) {
      v.add('certificates', 'none on an internet-facing Application Load Balancer', 'certificates, to serve HTTPS; or allowPlaintext: true, to serve plain HTTP to the internet on purpose');
    }
    if (props.allowPlaintext === true && hasCerts) v.add('allowPlaintext', 'true with certificates', 'only without certificates: with them the load balancer serves HTTPS');
    if (props.redirectHttpToHttps === true && !hasCerts) {
      v.add('redirectHttpToHttps', 'true without certificates', 'only with certificates (there is no HTTPS listener to redirect to)');
    }
    const redirects = hasCerts && props.redirectHttpToHttps !== false;
    if (redirects && props.listenerPort === 80) {
      v.add('listenerPort', '80 with the HTTP-to-HTTPS redirect', 'a port other than 80, or redirectHttpToHttps: false');
    }

    const routed = new Set<string>(props.defaultTargetGroup ? [props.defaultTargetGroup] : []);
    for (const r of routes) {
      if (r.targetGroup) routed.add(r.targetGroup);
      for (const w of r.weightedTargetGroups ?? []) routed.add(w.targetGroup);
    }
    names.forEach((name, i) => {
      if (!routed.has(name)) {
        v.add(`targetGroups[${i}]`, `${JSON.stringify(name)}, which nothing routes to`, 'a group named by defaultTargetGroup or by a route');
      }
    });
  }

  private validateNetworkListeners(v: Validator, props: HaLoadBalancerProps, hasCerts: boolean): void {
    const ports = new Map<number, number>();
    props.targetGroups.forEach((g, i) => {
      const port = g.listenerPort ?? g.port;
      if (port === undefined) return;
      const earlier = ports.get(port);
      if (earlier !== undefined && !Token.isUnresolved(port)) {
        v.add(`targetGroups[${i}].listenerPort`, String(port), `a listener port not used by targetGroups[${earlier}]`);
      }
      ports.set(port, i);
      if (targetGroupProtocol(g, LoadBalancerType.NETWORK) === elbv2.Protocol.TLS && !hasCerts) {
        v.add(`targetGroups[${i}].protocol`, 'TLS without certificates', 'TLS only with certificates (the TLS listener needs one)');
      }
    });
  }

  private validateAlarms(v: Validator, alarms: HaLoadBalancerAlarmOptions): void {
    if (alarms.enabled === false) return;
    AlarmFactory.validate(v, alarms);
    v.integer('alarms.unhealthyHostThreshold', alarms.unhealthyHostThreshold, 1, Number.MAX_SAFE_INTEGER, 'an integer of at least 1');
    const rate = alarms.target5xxRatePercent;
    if (rate !== undefined && !(rate > 0 && rate <= 100)) v.add('alarms.target5xxRatePercent', String(rate), 'above 0 and at most 100');
  }

  private createApplicationListeners(alb: elbv2.ApplicationLoadBalancer, props: HaLoadBalancerProps) {
    const hasCerts = (props.certificates?.length ?? 0) > 0;
    const group = (name: string) => this.targetGroup(name) as elbv2.ApplicationTargetGroup;
    const defaultAction = props.defaultTargetGroup !== undefined
      ? elbv2.ListenerAction.forward([group(props.defaultTargetGroup)])
      : fixedResponseAction(props.defaultResponse ?? DEFAULT_FIXED_RESPONSE);
    const port = this.listenerPort;
    const listener = alb.addListener('Listener', {
      port,
      protocol: hasCerts ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      certificates: hasCerts ? props.certificates : undefined,
      sslPolicy: hasCerts ? props.sslPolicy ?? HaLoadBalancer.DEFAULT_SSL_POLICY : undefined,
      open: false,
      defaultAction,
    });
    for (const rule of props.routes ?? []) {
      listener.addAction(`Route${rule.priority}`, {
        priority: rule.priority,
        conditions: ruleConditions(rule),
        action: ruleAction(rule, group),
      });
    }
    let redirect: elbv2.ApplicationListener | undefined;
    if (hasCerts && props.redirectHttpToHttps !== false) {
      redirect = alb.addListener('HttpRedirect', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: String(port), permanent: true }),
      });
    }
    return { listener, redirect };
  }

  private createNetworkListeners(nlb: elbv2.NetworkLoadBalancer, props: HaLoadBalancerProps, clients: ec2.IPeer[]): elbv2.NetworkListener[] {
    const hasCerts = (props.certificates?.length ?? 0) > 0;
    return props.targetGroups.map((options) => {
      const groupProtocol = targetGroupProtocol(options, LoadBalancerType.NETWORK);
      const terminatesTls = hasCerts && (groupProtocol === elbv2.Protocol.TCP || groupProtocol === elbv2.Protocol.TLS);
      const port = options.listenerPort ?? options.port!;
      const listener = nlb.addListener(`${options.name}Listener`, {
        port,
        protocol: terminatesTls ? elbv2.Protocol.TLS : groupProtocol,
        certificates: terminatesTls ? props.certificates : undefined,
        sslPolicy: terminatesTls ? props.sslPolicy ?? HaLoadBalancer.DEFAULT_SSL_POLICY : undefined,
        defaultTargetGroups: [this.targetGroup(options.name) as elbv2.NetworkTargetGroup],
      });
      for (const peer of clients) {
        for (const p of portsFor(groupProtocol, port)) this.connections.allowFrom(peer, p, `clients to listener ${port}`);
      }
      return listener;
    });
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

function portsFor(protocol: elbv2.Protocol, port: number): ec2.Port[] {
  switch (protocol) {
    case elbv2.Protocol.UDP: return [ec2.Port.udp(port)];
    case elbv2.Protocol.TCP_UDP: return [ec2.Port.tcp(port), ec2.Port.udp(port)];
    default: return [ec2.Port.tcp(port)];
  }
}
