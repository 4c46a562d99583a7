/** The props of an `HaLoadBalancer`, and the TLS policy it uses unless told otherwise. */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { AlarmOptions } from '../core/alarms';
import { MeasuredFailoverTime } from '../core/failover-time';
import { LoadBalancerType } from '../core/load-balancer-type';
import { AccessLogSettings } from './access-logs';
import { FixedResponse, RoutingRule } from './routing';
import { HaTargetGroupOptions } from './target-group';
import type { ZonalAutoshiftOptions } from './zonal-shift';

/** TLS policy of every TLS listener whose `sslPolicy` is not given. */
export const DEFAULT_SSL_POLICY = elbv2.SslPolicy.TLS13_12_RES_PQ;

/**
 * The alarms an `HaLoadBalancer` creates.
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
 * Settings of an `HaLoadBalancer` other than its VPC, for constructs that create one in a VPC of their
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

  /**
   * ARC zonal shift: lets you (or autoshift) move the load balancer's traffic out of an impaired
   * Availability Zone for a while (the `zonal_shift.config.enabled` attribute; ELB leaves it off
   * by default). On a Network Load Balancer with cross-zone load balancing, the target groups
   * must then be TCP or TLS and keep connections to unhealthy targets open: the library sets
   * `target_health_state.unhealthy.connection_termination.enabled` to false on them, as ELB's
   * prerequisites ask. Zonal shift costs nothing.
   * @default - true wherever ELB takes it: false on a cross-zone Network Load Balancer with a UDP
   * or TCP_UDP target group, or one that turns cross-zone off
   */
  readonly zonalShift?: boolean;

  /**
   * ARC zonal autoshift: AWS shifts the traffic out of a zone it finds impaired, and practises it
   * weekly, ended by outcome alarms.
   * @default - off
   */
  readonly zonalAutoshift?: ZonalAutoshiftOptions;

  /**
   * How long it took, in a game day or an incident, from a zone's impairment to a zonal shift in
   * effect: autoshift's reaction, or your operator's. AWS documents no figure for either.
   * @default - not stated: the zone's failure counts it as 0 s, and its figure is not a bound
   */
  readonly measuredZonalShiftTime?: MeasuredFailoverTime;
}

/**
 * Props of an `HaLoadBalancer`.
 */
export interface HaLoadBalancerProps extends HaLoadBalancerOptions {
  /**
   * The VPC. The load balancer's subnets must span at least two Availability Zones.
   */
  readonly vpc: ec2.IVpc;
}
