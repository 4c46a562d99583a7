import { Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AlarmTopic, DnsFailover } from '../lib';

/**
 * Props of the reference app's Route 53 alarms.
 */
export interface Route53AlarmsStackProps extends StackProps {
  /** The failover pair whose primary health check is watched. */
  readonly failover: DnsFailover;
}

/**
 * Route 53 publishes health-check metrics in us-east-1 only: the alarm on the external name's
 * primary health check lives in a us-east-1 stack of its own.
 */
export class Route53AlarmsStack extends Stack {
  public readonly primaryUnhealthy: cloudwatch.Alarm;
  /** Where the alarm goes: alarm actions must be in the alarm's region. */
  public readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: Route53AlarmsStackProps) {
    super(scope, id, props);
    this.primaryUnhealthy = new cloudwatch.Alarm(this, 'PrimaryUnhealthy', {
      alarmName: `${props.failover.alarmNamePrefix}-primary-unhealthy`,
      alarmDescription: `The primary of ${props.failover.recordName} is unhealthy: Route 53 answers with the standby region.`,
      metric: props.failover.metricPrimaryHealthCheckStatus(),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarmTopic = new AlarmTopic(this, 'Alarms');
    this.primaryUnhealthy.addAlarmAction(this.alarmTopic.action);
    this.primaryUnhealthy.addOkAction(this.alarmTopic.action);
  }
}
