/**
 * The props of a `DnsFailover`: the zone and name, both targets, their health checks, the TTL
 * policy, the failover budget and the alarms' settings.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AlarmOptions } from '../core/alarms';
import { TtlPolicy } from '../core/ttl-policy';
import { DnsHealthCheck } from './dns-health-check';
import { FailoverTarget } from './failover-target';

/**
 * Settings of a `DnsFailover` other than its primary, for constructs that put their own
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
   * The health check an ARC Region switch plan's traffic step turns for the primary's region
   * (`RegionSwitchPlan` with `dnsFailover`), attached to the PRIMARY record together with the
   * primary's own health: the name answers with the primary only while both are healthy. The
   * plan moves traffic to the standby by turning it unhealthy, and back on failback; the
   * primary's own health still fails the name over by itself, so the two never pull against
   * each other. ARC creates the check with the plan: read its ID with `aws arc-region-switch
   * list-route53-health-checks --arn <plan ARN>` once the plan shows it healthy, then deploy
   * with it. At most 64 characters (Route 53's `HealthCheckId`).
   * @default - none: the name follows health alone, and the plan's traffic step moves nothing
   */
  readonly regionSwitchHealthCheckId?: string;

  /**
   * Longest acceptable worst-case failover time. Synth fails when the configuration cannot meet
   * it, with the breakdown and the cheapest change that would.
   * @default - not checked
   */
  readonly failoverBudget?: Duration;

  /**
   * The alarms: the primary-unhealthy alarm (us-east-1 stacks, where Route 53 publishes its
   * health-check metrics), and in a private zone the healthy-host alarms the primary's health
   * check follows. Those are created even with `enabled: false`, at one one-minute period each,
   * since the failover time counts on them; `evaluationPeriods` and `datapointsToAlarm` apply to
   * the primary-unhealthy alarm.
   * @default - named from the construct path; the primary-unhealthy alarm at 1 of 1 period (the
   * health check already counts its failures); no actions (HighlyAvailableService gives its alarm topic)
   */
  readonly alarms?: AlarmOptions;

  /**
   * Start of the names of the alarms this construct creates. At most 200 characters.
   * @default - a name unique in the app, derived from the construct path
   * @deprecated use `alarms.namePrefix`
   */
  readonly alarmNamePrefix?: string;

  /**
   * Actions on ALARM and on OK of every alarm this construct creates, added to `alarms.actions`.
   * @default - none
   * @deprecated use `alarms.actions`
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
}

/**
 * Props of a `DnsFailover`.
 */
export interface DnsFailoverProps extends DnsFailoverOptions {
  /** Where the name points while the primary is healthy. */
  readonly primary: FailoverTarget;
}
