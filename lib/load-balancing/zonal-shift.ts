/**
 * ARC zonal shift and zonal autoshift for an `HaLoadBalancer`: the load balancer attribute, the
 * prerequisites each type has, and the practice-run configuration autoshift requires, validated
 * from the ELB and ARC documentation.
 */
import { Token } from 'aws-cdk-lib';
import * as arczonalshift from 'aws-cdk-lib/aws-arczonalshift';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { notifyOnAlarmAndOk } from '../core/alarms';
import { ALARM_DESCRIPTION, fitDescription } from '../core/descriptions';
import { LoadBalancerType } from '../core/load-balancer-type';
import { Validator } from '../core/validation';
import { HaTargetGroupOptions, targetGroupProtocol } from './target-group';

/**
 * Zonal autoshift: AWS shifts the load balancer's traffic out of a zone it finds impaired, and
 * practises it weekly, ending a practice run when an outcome alarm goes off.
 */
export interface ZonalAutoshiftOptions {
  /**
   * Alarms that end a practice run when one is in ALARM: 1 to 10, as ARC's API takes them.
   * CloudFormation's resource takes exactly one outcome alarm, so two or more are combined into
   * one composite alarm (in ALARM when any of them is): `HaLoadBalancer.practiceRunOutcomeAlarm`.
   * @default - the load balancer's own alarms (unhealthy hosts, 5XX rate and the rest)
   */
  readonly outcomeAlarms?: cloudwatch.IAlarm[];

  /**
   * Alarms that keep a practice run from starting while one is in ALARM: at most 10, combined
   * into one composite alarm when there are two or more (CloudFormation takes one).
   * @default - none
   */
  readonly blockingAlarms?: cloudwatch.IAlarm[];

  /**
   * Weekly windows, in UTC, when no practice run starts: `Day:HH:MM-Day:HH:MM`, starting and
   * ending on the same day, e.g. `Mon:21:00-Mon:23:00`; at most 15.
   * @default - none
   */
  readonly blockedWindows?: string[];

  /**
   * Dates, in UTC, when no practice run starts: `YYYY-MM-DD`; at most 15.
   * @default - none
   */
  readonly blockedDates?: string[];
}

const DAY = '(Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const TIME = '((?:[01]\\d|2[0-3]):[0-5]\\d)';
// CloudFormation's pattern is case-sensitive: `Mon`, not `MON`.
const WINDOW = new RegExp(`^${DAY}:${TIME}-${DAY}:${TIME}$`);

/** A window of one day ("have to start and end on the same day"), its end after its start. */
function isWindow(value: string): boolean {
  const m = WINDOW.exec(value);
  return m !== null && m[1] === m[3] && m[2] < m[4];
}
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date: `2026-02-30` is not one. */
function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/**
 * What keeps one target group of a cross-zone Network Load Balancer from zonal shift: a protocol
 * other than TCP or TLS, or cross-zone turned off on the group.
 */
function crossZoneGroupProblems(g: HaTargetGroupOptions): Array<{ prop: string; value: string; allowed: string }> {
  const problems = [];
  const protocol = targetGroupProtocol(g, LoadBalancerType.NETWORK);
  if (protocol !== elbv2.Protocol.TCP && protocol !== elbv2.Protocol.TLS) {
    problems.push({ prop: 'protocol', value: `${protocol} with zonal shift and cross-zone load balancing`,
      allowed: 'TCP or TLS, or zonalShift: false, or crossZoneEnabled: false: a cross-zone Network Load Balancer takes zonal shift with TCP and TLS target groups only' });
  }
  if (g.crossZoneEnabled === false) {
    problems.push({ prop: 'crossZoneEnabled', value: 'false with zonal shift on a cross-zone Network Load Balancer',
      allowed: 'true or unset: zonal shift needs each target group to follow the load balancer\'s cross-zone setting' });
  }
  return problems;
}

/** Whether ELB takes zonal shift as the load balancer is configured (see `validateZonalShift`). */
export function zonalShiftSupported(type: LoadBalancerType, crossZone: boolean, groups: readonly HaTargetGroupOptions[]): boolean {
  return type !== LoadBalancerType.NETWORK || !crossZone || groups.every((g) => crossZoneGroupProblems(g).length === 0);
}

/**
 * The rules of zonal shift and autoshift:
 * - A Network Load Balancer with cross-zone load balancing takes zonal shift only if every target
 *   group is TCP or TLS, keeps cross-zone on, and does not terminate connections to unhealthy
 *   targets ("Enable zonal shift for your Network Load Balancer", Prerequisites,
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/network/enable-zonal-shift.html).
 * - Autoshift needs zonal shift on the resource and a practice-run configuration: 1 to 10 outcome
 *   alarms, up to 10 blocking alarms, up to 15 blocked windows (each within one day: "The
 *   blockedWindows have to start and end on the same day") and 15 blocked dates (ARC Zonal Shift
 *   API Reference, PracticeRunConfiguration,
 *   https://docs.aws.amazon.com/arc-zonal-shift/latest/api/API_PracticeRunConfiguration.html).
 *   CloudFormation's schema of AWS::ARCZonalShift::ZonalAutoshiftConfiguration takes one outcome
 *   alarm and one blocking alarm: `createAutoshift` combines several into a composite alarm.
 */
export function validateZonalShift(v: Validator, type: LoadBalancerType, crossZone: boolean, zonalShift: boolean, groups: readonly HaTargetGroupOptions[],
  autoshift: ZonalAutoshiftOptions | undefined, ownAlarms: number): void {
  if (zonalShift && type === LoadBalancerType.NETWORK && crossZone) {
    groups.forEach((g, i) => crossZoneGroupProblems(g).forEach((p) => v.add(`targetGroups[${i}].${p.prop}`, p.value, p.allowed)));
  }
  if (autoshift === undefined) return;
  if (!zonalShift) v.add('zonalAutoshift', 'set with zonalShift: false', 'zonalShift on (the default): autoshift shifts with zonal shift');
  const outcome = autoshift.outcomeAlarms?.length ?? ownAlarms;
  if (outcome < 1 || outcome > 10) {
    v.add('zonalAutoshift.outcomeAlarms', `${outcome} alarm(s)${autoshift.outcomeAlarms ? '' : ' (the load balancer\'s own)'}`, '1 to 10 alarms that end a practice run when one goes off');
  }
  if ((autoshift.blockingAlarms?.length ?? 0) > 10) v.add('zonalAutoshift.blockingAlarms', `${autoshift.blockingAlarms!.length} alarms`, 'at most 10');
  for (const prop of ['outcomeAlarms', 'blockingAlarms'] as const) {
    const given = autoshift[prop] ?? [];
    if (new Set(given).size !== given.length) v.add(`zonalAutoshift.${prop}`, 'the same alarm twice', 'distinct alarms');
  }
  const list = (prop: string, values: string[] | undefined, valid: (s: string) => boolean, allowed: string) => {
    if (values === undefined) return;
    if (values.length > 15) v.add(prop, `${values.length} entries`, 'at most 15');
    for (const value of values) if (!Token.isUnresolved(value) && !valid(value)) v.add(prop, JSON.stringify(value), allowed);
  };
  list('zonalAutoshift.blockedWindows', autoshift.blockedWindows, isWindow,
    'a weekly window in UTC within one day, Day:HH:MM-Day:HH:MM (Mon to Sun as written, 24-hour, the end after the start), e.g. Mon:21:00-Mon:23:00');
  list('zonalAutoshift.blockedDates', autoshift.blockedDates, isDate, 'a date in UTC, YYYY-MM-DD');
}

/**
 * The practice runs' alarm: the one given, or a composite alarm in ALARM when any of them is,
 * notifying the load balancer's alarm actions (a practice run that ends on it is news).
 */
function combined(scope: Construct, id: string, what: string, alarms: readonly cloudwatch.IAlarm[], actions: cloudwatch.IAlarmAction[]): cloudwatch.IAlarm {
  if (alarms.length === 1) return alarms[0];
  const alarm = new cloudwatch.CompositeAlarm(scope, id, {
    alarmRule: cloudwatch.AlarmRule.anyOf(...alarms),
    alarmDescription: fitDescription(ALARM_DESCRIPTION, `${what} of ARC zonal autoshift for ${scope.node.path}: in ALARM when any of ${alarms.length} alarms is.`),
  });
  notifyOnAlarmAndOk(alarm, actions);
  return alarm;
}

/** The autoshift configuration of `loadBalancer`, and the outcome alarm that ends its practice runs. */
export function createAutoshift(scope: Construct, loadBalancer: elbv2.ILoadBalancerV2 & { readonly loadBalancerArn: string }, autoshift: ZonalAutoshiftOptions,
  ownAlarms: readonly cloudwatch.IAlarm[], actions: cloudwatch.IAlarmAction[]): { configuration: arczonalshift.CfnZonalAutoshiftConfiguration; outcomeAlarm: cloudwatch.IAlarm } {
  const condition = (alarm: cloudwatch.IAlarm) => ({ alarmIdentifier: alarm.alarmArn, type: 'CLOUDWATCH' });
  const outcomeAlarm = combined(scope, 'PracticeRunOutcomeAlarm', 'Ends the practice runs', autoshift.outcomeAlarms ?? ownAlarms, actions);
  const blocking = autoshift.blockingAlarms?.length ? combined(scope, 'PracticeRunBlockingAlarm', 'Blocks the practice runs', autoshift.blockingAlarms, actions) : undefined;
  const configuration = new arczonalshift.CfnZonalAutoshiftConfiguration(scope, 'ZonalAutoshift', {
    resourceIdentifier: loadBalancer.loadBalancerArn,
    zonalAutoshiftStatus: 'ENABLED',
    practiceRunConfiguration: {
      outcomeAlarms: [condition(outcomeAlarm)],
      blockingAlarms: blocking ? [condition(blocking)] : undefined,
      blockedWindows: autoshift.blockedWindows,
      blockedDates: autoshift.blockedDates,
    },
  });
  return { configuration, outcomeAlarm };
}
