/**
 * How every construct of the library makes its alarms: the shared `AlarmOptions` (names,
 * evaluation, actions), the factory that applies them, and the warning for alarms nobody hears.
 */
import { Annotations, Names, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { ALARM_DESCRIPTION, fitDescription } from './descriptions';
import { Validator } from './validation';

/** Metrics one alarm on metric math may read (CloudWatch's hard limit). */
export const MAX_ALARM_METRICS = 10;

/**
 * Settings every construct of this library applies to the alarms it creates.
 */
export interface AlarmOptions {
  /**
   * Create the alarms.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Start of every alarm name, e.g. `shop-prod` gives `shop-prod-<what>`. At most 200 characters.
   * @default - a name unique in the app, derived from the construct path
   */
  readonly namePrefix?: string;

  /**
   * One-minute periods each alarm looks at. 1 to 1440.
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * Breaching periods among `evaluationPeriods` that raise an alarm. 1 to `evaluationPeriods`.
   * @default 2
   */
  readonly datapointsToAlarm?: number;

  /**
   * Actions on ALARM and on OK, e.g. an SNS topic.
   * @default - none; add them to the returned alarms later
   */
  readonly actions?: cloudwatch.IAlarmAction[];
}

/** One alarm to create. */
export interface AlarmSpec {
  readonly id: string;
  /** Appended to the prefix: `<prefix>-<nameSuffix>`. */
  readonly nameSuffix: string;
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparison: cloudwatch.ComparisonOperator;
  /** @default NOT_BREACHING */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
  /**
   * A health check follows this alarm, so it is created even with alarms disabled, and its
   * evaluation stays at one period of one minute whatever the options say: the failover time
   * counts on it.
   * @default false
   */
  readonly drivesFailover?: boolean;
}

/** How many periods an alarm looks at, where a construct's alarms differ from the library's. */
export interface AlarmEvaluation {
  readonly evaluationPeriods: number;
  /** @default - CloudWatch's: all of `evaluationPeriods` */
  readonly datapointsToAlarm?: number;
}

/** The library's evaluation: 2 of 3 one-minute periods, so one stray data point does not alarm. */
const DEFAULT_EVALUATION: AlarmEvaluation = { evaluationPeriods: 3, datapointsToAlarm: 2 };

/** One one-minute period: for alarms whose metric has already been debounced, or whose first breach means the failover happened. */
export const ONE_PERIOD: AlarmEvaluation = { evaluationPeriods: 1 };

/** `options` with `actions` added to its own. */
export function withActions(options: AlarmOptions | undefined, actions: readonly cloudwatch.IAlarmAction[]): AlarmOptions {
  return { ...options, actions: [...(options?.actions ?? []), ...actions] };
}

/**
 * Creates a construct's alarms with the shared naming, evaluation and actions.
 */
export class AlarmFactory {
  public static validate(v: Validator, options: AlarmOptions, prop = 'alarms', defaults: AlarmEvaluation = DEFAULT_EVALUATION): void {
    // Checked even with alarms disabled: alarms a health check follows are created all the same.
    const prefix = options.namePrefix;
    if (prefix !== undefined && !Token.isUnresolved(prefix) && (prefix.length < 1 || prefix.length > 200)) {
      v.add(`${prop}.namePrefix`, JSON.stringify(prefix), '1 to 200 characters');
    }
    if (options.enabled === false) return;
    const periods = options.evaluationPeriods ?? defaults.evaluationPeriods;
    v.integer(`${prop}.evaluationPeriods`, options.evaluationPeriods, 1, 1440);
    v.integer(`${prop}.datapointsToAlarm`, options.datapointsToAlarm, 1, periods, `an integer from 1 to evaluationPeriods (${periods})`);
  }

  /** Prefix of the alarm names. */
  public readonly prefix: string;

  /** Every alarm created so far. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(private readonly scope: Construct, private readonly options: AlarmOptions, private readonly defaults: AlarmEvaluation = DEFAULT_EVALUATION) {
    this.prefix = options.namePrefix ?? Names.uniqueResourceName(scope, { maxLength: 128, separator: '-' });
  }

  public get enabled(): boolean {
    return this.options.enabled !== false;
  }

  /** Creates the alarm (unless alarms are disabled) and returns it. */
  public create(spec: AlarmSpec): cloudwatch.Alarm | undefined {
    if (!this.enabled && !spec.drivesFailover) return undefined;
    const evaluation = spec.drivesFailover ? ONE_PERIOD : {
      evaluationPeriods: this.options.evaluationPeriods ?? this.defaults.evaluationPeriods,
      datapointsToAlarm: this.options.datapointsToAlarm ?? this.defaults.datapointsToAlarm,
    };
    const alarm = new cloudwatch.Alarm(this.scope, spec.id, {
      alarmName: `${this.prefix}-${spec.nameSuffix}`,
      alarmDescription: fitDescription(ALARM_DESCRIPTION, spec.description),
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison,
      ...evaluation,
      treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyOnAlarmAndOk(alarm, this.options.actions ?? []);
    if (this.alarms.length === 0 && (this.options.actions ?? []).length === 0) warnAlarmsWithoutActions(this.scope, 'alarms.actions');
    this.alarms.push(alarm);
    return alarm;
  }
}

/** Makes `alarm` notify each of `actions` when it goes to ALARM and when it goes back to OK. */
export function notifyOnAlarmAndOk(alarm: cloudwatch.AlarmBase, actions: cloudwatch.IAlarmAction[]): void {
  for (const action of actions) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}

/**
 * Says, once per construct, that its alarms notify no one: `prop` names where to give actions.
 * HighlyAvailableService gives every tier its alarm topic.
 */
export function warnAlarmsWithoutActions(scope: Construct, prop: string): void {
  Annotations.of(scope).addWarningV2('cdk-ha-kit:alarmsWithoutActions',
    `The alarms of this construct have no action: give ${prop} (an SNS topic, e.g. an AlarmTopic) so that an alarm reaches someone, or use HighlyAvailableService, which routes every alarm to its alarm topic.`);
}

/**
 * The longest rule PutCompositeAlarm takes (`AlarmRule`: 1 to 10240 characters), and the most
 * alarms one rule may name ("as many as 100 children alarms").
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
 */
export const MAX_ALARM_RULE_LENGTH = 10_240;
export const MAX_RULE_CHILDREN = 100;

/**
 * The longest an alarm ARN can be when synth does not know it: the longest partition
 * (`aws-iso-b`) and a region name of up to 20 characters, a 12-digit account, and an alarm name
 * of 255 characters (PutMetricAlarm's `AlarmName`).
 */
const LONGEST_ALARM_ARN = 'arn:aws-iso-b:cloudwatch:'.length + 20 + ':111111111111:alarm:'.length + 255;

/** Characters `alarm` adds to an `anyOf` rule: `ALARM("<arn>")` and the ` OR ` before the next. */
function ruleTermLength(alarm: cloudwatch.IAlarm): number {
  const arn = alarm.alarmArn;
  return 'ALARM("")'.length + (Token.isUnresolved(arn) ? LONGEST_ALARM_ARN : arn.length) + ' OR '.length;
}

/**
 * `alarms` in order, cut into groups whose `AlarmRule.anyOf` rule stays within PutCompositeAlarm's
 * limits however long the ARNs synth cannot see turn out to be.
 */
export function anyOfGroups(alarms: readonly cloudwatch.IAlarm[]): cloudwatch.IAlarm[][] {
  const groups: cloudwatch.IAlarm[][] = [];
  let length = 0;
  for (const alarm of alarms) {
    const term = ruleTermLength(alarm);
    const last = groups[groups.length - 1];
    // The two parentheses around the rule, less the ` OR ` the last term does not take.
    if (last === undefined || length + term - 2 > MAX_ALARM_RULE_LENGTH || last.length === MAX_RULE_CHILDREN) {
      groups.push([alarm]);
      length = 2 + term;
    } else {
      last.push(alarm);
      length += term;
    }
  }
  return groups;
}
