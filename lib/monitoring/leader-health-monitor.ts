/**
 * LeaderHealthMonitor: contenders on a schedule, a DynamoDB lease that elects one leader, and
 * the leader's role, alarms, dashboard and metrics. Its props, their checks, what they resolve
 * to and its permissions live beside it.
 */
import { CfnOutput, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MetricName, MonitorConfig } from '../../lambda/health-monitor/contract';
import { CONFIG_ENV, METRIC_NAMES, MONITOR_OUTPUT_MARK, detectionBoundMs, landingMarginMs, takeoverBoundMs } from '../../lambda/health-monitor/contract';
import { createEncryptedTopic } from '../core/alarm-topic';
import { AlarmFactory } from '../core/alarms';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { securityGroupDescription } from '../core/descriptions';
import { HaValidationError } from '../core/errors';
import { HealthCheckProfile } from '../core/health-check-profile';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../core/metrics';
import { createMonitorDashboard } from './dashboard';
import { handlerCode } from './handler-code';
import { MonitorMetrics } from './metrics';
import { grantMonitorPermissions, grantOperatorPermissions } from './permissions';
import type { LeaderHealthMonitorProps } from './props';
import { DEFAULT_HEALTH_CHECK, Settings, failoverBoundMs, leaseSettings, monitorConfig, resolveSettings } from './settings';
import { validateEnvironmentSize, validateMonitorProps } from './validation';

/**
 * A health monitor with one leader: contenders start every minute, elect a leader through a
 * conditional write on a DynamoDB lease, and the leader alone probes the targets every
 * `interval`, takes unhealthy ones out of their target group, fails a DNS name over and sends one
 * alert per incident. Every action is claimed first under the leader's epoch (its fencing token),
 * so a leader that lost its lease without noticing is refused by DynamoDB.
 *
 * Worst-case detection = interval × unhealthyThreshold + timeout + jitter. When the leader
 * itself dies, a standby takes over within the lease duration plus one retry period.
 */
export class LeaderHealthMonitor extends Construct implements ec2.IConnectable {
  /** CloudWatch namespace of the monitor's metrics (dimensions `Monitor` and `service`). */
  public static readonly METRICS_NAMESPACE = METRICS_NAMESPACE;

  /** Names of the metrics the monitor emits, each with a `metric*` method or through `metric(name)`. */
  public static readonly METRIC_NAMES: string[] = [...METRIC_NAMES];

  /** Lease, target state and action ledger. */
  public readonly table: dynamodb.Table;

  /** The contenders' function. */
  public readonly contenderFunction: lambda.Function;

  /** Its role: least privilege on the resources passed in. */
  public readonly role: iam.Role;

  /** Its security group. Let it reach the targets with `connections`. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** Network access of the contenders. */
  public readonly connections: ec2.Connections;

  /** Where alerts go. */
  public readonly alertTopic: sns.ITopic;

  /** The key of the alert topic, when this construct created the topic. */
  public readonly alertTopicKey?: kms.Key;

  /** The schedule that starts the contenders every minute. */
  public readonly schedule: events.Rule;

  /** Invocations that failed, and schedule events that could not be delivered. */
  public readonly deadLetterQueue: sqs.Queue;

  /** The function's logs. */
  public readonly logGroup: logs.LogGroup;

  /** Leader and epoch, targets, actions and probe latency. */
  public readonly dashboard: cloudwatch.Dashboard;

  /** The alarms created. */
  public readonly alarms: cloudwatch.Alarm[];

  /** The monitor's name in its table, metrics and alerts. */
  public readonly monitorId: string;

  /** Timing of the probes. */
  public readonly healthCheck: HealthCheckProfile;

  /** Worst case from a target failing to the monitor acting: interval × unhealthyThreshold + timeout + jitter. */
  public readonly worstCaseDetectionTime: Duration;

  /**
   * With `dnsFailover`: worst case from every trigger target failing to the name answering with
   * the secondary (before DNS propagation and caches). The monitor fails a name over only once
   * ELB's own health checks agree, so this is the later of the monitor's detection and ELB's
   * (the target group's interval × unhealthy threshold + timeout, seen at the next listing), plus
   * a read of the name and one change batch.
   */
  public readonly worstCaseNameFailoverTime?: Duration;

  /**
   * With `vipFailover`: worst case from every trigger target failing to the accelerator's primary
   * endpoint at weight 0 (before the accelerator moves new flows). As for the name, the later of
   * the monitor's detection and ELB's, plus a read of the endpoint group and one update.
   */
  public readonly worstCaseVipFailoverTime?: Duration;

  /**
   * Worst case from the leader dying to a standby leading: lease duration + two retry periods
   * (with their jitter) + three calls. The lease passes on by each standby's own clock, so clock
   * skew does not enter.
   */
  public readonly worstCaseTakeoverTime: Duration;

  /**
   * How late past its timeout an ELB call of a leader may land and still end before the next
   * leader can start: duration − renewDeadline − callTimeout. Later ones are settled by reading ELB back.
   */
  public readonly landingMargin: Duration;

  /** The configuration the function runs with. */
  private readonly config: MonitorConfig;

  /** What `grantOperate` scopes its grant to. */
  private readonly operated: { readonly props: LeaderHealthMonitorProps; readonly settings: Settings };

  /** The metrics its handler emits. */
  private readonly metrics: MonitorMetrics;

  constructor(scope: Construct, id: string, props: LeaderHealthMonitorProps) {
    super(scope, id);
    this.monitorId = props.monitorId ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    this.healthCheck = props.healthCheck ?? DEFAULT_HEALTH_CHECK;
    this.metrics = new MonitorMetrics(this.monitorId);
    const lease = leaseSettings(props);
    validateMonitorProps(this, props, this.healthCheck, lease);
    const settings = resolveSettings(props, this.healthCheck, lease);
    this.operated = { props, settings };

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: props.tableEncryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: props.tableEncryptionKey,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy,
    });

    if (props.alertTopic) {
      this.alertTopic = props.alertTopic;
    } else {
      const { topic, key } = createEncryptedTopic(this, 'AlertsKey', 'Alerts', `the alerts of ${this.node.path}`);
      this.alertTopic = topic;
      this.alertTopicKey = key;
    }

    this.deadLetterQueue = new sqs.Queue(this, 'FailedInvocations', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeDecision(this.deadLetterQueue, DECISIONS.DEAD_LETTER_QUEUE);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: securityGroupDescription(`Health monitor ${this.monitorId}: AWS APIs and probes`),
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs (DynamoDB, ELB, Route 53, SNS, CloudWatch Logs)');
    for (const port of settings.vpcProbePorts) {
      this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(port), 'Probes to targets in the VPC');
    }
    for (const port of settings.endpointPorts) {
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), 'Probes to endpoints');
    }
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup] });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Contenders of the health monitor ${this.monitorId}`,
    });
    grantMonitorPermissions({ role: this.role, logGroup: this.logGroup, table: this.table, alertTopic: this.alertTopic }, props, settings);

    this.config = monitorConfig(props, settings, { monitorId: this.monitorId, tableName: this.table.tableName, alertTopicArn: this.alertTopic.topicArn });
    validateEnvironmentSize(this, this.config);

    // The handler ships pre-bundled with this library, the AWS SDK included rather than taken from
    // the runtime: the call timeouts the lease's safety relies on need the pinned SDK's
    // request-timeout behaviour.
    this.contenderFunction = new lambda.Function(this, 'Function', {
      code: handlerCode(this),
      handler: 'index.handler',
      description: `Contender of the leader-elected health monitor ${this.monitorId}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: Duration.millis(settings.functionTimeoutMs),
      role: this.role,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      logGroup: this.logGroup,
      // Each contender's invocations overlap by at most one: two per contender at any time.
      reservedConcurrentExecutions: props.reserveConcurrency === false ? undefined : 2 * settings.contenders,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      environment: {
        [CONFIG_ENV]: Stack.of(this).toJsonString(this.config),
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      },
    });

    // The operator command finds the monitor by this output (`npx cdk-ha-kit status --stack <name>`).
    new CfnOutput(this, 'FunctionName', {
      description: `${MONITOR_OUTPUT_MARK} ${this.node.path}: its function, which npx cdk-ha-kit reads`,
      value: this.contenderFunction.functionName,
    });

    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Starts the contenders of the health monitor ${this.monitorId}`,
      schedule: events.Schedule.rate(Duration.minutes(1)),
    });
    for (let i = 1; i <= settings.contenders; i++) {
      this.schedule.addTarget(new eventTargets.LambdaFunction(this.contenderFunction, {
        event: events.RuleTargetInput.fromObject({ contender: `c${i}` }),
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
        deadLetterQueue: this.deadLetterQueue,
      }));
    }

    this.worstCaseDetectionTime = Duration.millis(detectionBoundMs(settings.timing));
    this.worstCaseTakeoverTime = Duration.millis(takeoverBoundMs(this.config));
    const { dns, vip } = this.config;
    this.worstCaseNameFailoverTime = dns ? Duration.millis(failoverBoundMs(settings, this.config, dns.triggerGroups)) : undefined;
    this.worstCaseVipFailoverTime = vip ? Duration.millis(failoverBoundMs(settings, this.config, vip.triggerGroups)) : undefined;
    this.landingMargin = Duration.millis(landingMarginMs(this.config));

    // The monitor's own alarms go where its alerts go, unless told otherwise.
    const alarmOptions = { ...props.alarms, actions: props.alarms?.actions ?? [new cwActions.SnsAction(this.alertTopic)] };
    const factory = new AlarmFactory(this, alarmOptions);
    this.createAlarms(factory);
    this.alarms = factory.alarms;
    acknowledgeDecision(this.logGroup, DECISIONS.LOG_GROUPS_SERVICE_ENCRYPTED);
    acknowledgeDecision(this.logGroup, DECISIONS.LOG_RETENTION);
    acknowledgeDecision(this.table, DECISIONS.LEASE_TABLE);
    acknowledgeDecision(this.role, DECISIONS.ROLE_POLICY);
    acknowledgeDecision(this.contenderFunction, DECISIONS.MONITOR_FAILURE_DESTINATION);
    acknowledgeDecision(this.contenderFunction, DECISIONS.MONITOR_TRACING);
    this.dashboard = createMonitorDashboard(this, { metrics: this.metrics, fn: this.contenderFunction, groups: settings.groups.map((g) => g.name) });
  }

  /**
   * Lets `grantee` (an on-call role) run `npx cdk-ha-kit` on this monitor: find it from the
   * stack, read its table, set its switches, and fail back by hand. Scoped to this monitor's
   * stack, function, table, name, accelerator endpoint and switches.
   */
  public grantOperate(grantee: iam.IGrantable): iam.Grant {
    return grantOperatorPermissions(grantee, { table: this.table, contenderFunction: this.contenderFunction }, this.operated.props, this.operated.settings);
  }

  /** Leader heartbeats: one per leader cycle. Default: sum over 1 minute. */
  public metricLeaderHeartbeat(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('LeaderHeartbeat', props);
  }

  /** The leader's epoch (its fencing token): a step up is a change of leader. Default: maximum over 1 minute. */
  public metricLeaderEpoch(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('LeaderEpoch', props);
  }

  /** Targets UP. Default: minimum over 1 minute. */
  public metricTargetsUp(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('TargetsUp', props);
  }

  /** Targets DOWN. Default: maximum over 1 minute. */
  public metricTargetsDown(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('TargetsDown', props);
  }

  /** Target-group and DNS changes taken. Default: sum over 1 minute. */
  public metricActions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('Actions', props);
  }

  /** Alerts sent. Default: sum over 1 minute. */
  public metricAlerts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('Alerts', props);
  }

  /** Actions whose AWS call failed. Default: sum over 1 minute. */
  public metricActionFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('ActionFailures', props);
  }

  /** Actions a deposed leader tried and DynamoDB refused. Default: sum over 1 minute. */
  public metricRefusedStaleActions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('RefusedStaleActions', props);
  }

  /** Leader cycles that failed. Default: sum over 1 minute. */
  public metricCycleErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('CycleErrors', props);
  }

  /** Probe latency. Default: p99 over 1 minute. */
  public metricProbeLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('ProbeLatency', props);
  }

  /** Time of one leader cycle (probe, track, act). Default: maximum over 1 minute. */
  public metricProbeCycleTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('ProbeCycleTime', props);
  }

  /** Circuits not closed (open or half-open) at the end of a leader cycle. Default: maximum over 1 minute. */
  public metricCircuitsOpen(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('CircuitsOpen', props);
  }

  /** Calls refused by open circuits. Default: sum over 1 minute. */
  public metricCallsRefused(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('CallsRefused', props);
  }

  /** 1 while the monitor is paused (by its table or its feature flags), else 0. Default: maximum over 1 minute. */
  public metricPaused(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.of('Paused', props);
  }

  /**
   * A metric the monitor emits, by name (one of `LeaderHealthMonitor.METRIC_NAMES`), read with
   * its natural statistic unless `props` says otherwise.
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!(METRIC_NAMES as readonly string[]).includes(metricName)) {
      throw new HaValidationError(this.node.path, [{ prop: 'metricName', value: JSON.stringify(metricName), allowed: `a metric the monitor emits: ${METRIC_NAMES.join(', ')}` }], 'arguments');
    }
    return this.metrics.of(metricName as MetricName, props);
  }

  private createAlarms(factory: AlarmFactory): void {
    const leaseSeconds = this.config.lease.durationMs / 1000;
    factory.create({
      id: 'NoLeaderAlarm',
      nameSuffix: 'no-leader',
      description: `No leader of the health monitor ${this.monitorId} reported for whole minutes (more than ${Math.floor(60 / leaseSeconds)} leases each): targets go unwatched.`,
      metric: this.metricLeaderHeartbeat(),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    factory.create({
      id: 'ErrorsAlarm',
      nameSuffix: 'errors',
      description: `Invocations or leader cycles of the health monitor ${this.monitorId} failed.`,
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(invocationErrors, 0) + FILL(cycleErrors, 0)',
        usingMetrics: { invocationErrors: this.contenderFunction.metricErrors({ period: Duration.minutes(1) }), cycleErrors: this.metricCycleErrors() },
        period: Duration.minutes(1),
        label: 'Monitor errors',
      }),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    factory.create({
      id: 'RefusedActionsAlarm',
      nameSuffix: 'refused-actions',
      description: `A deposed leader of the health monitor ${this.monitorId} tried to act and DynamoDB refused it: look for paused invocations or calls that landed late.`,
      metric: this.metricRefusedStaleActions(),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    factory.create({
      id: 'BlindAlarm',
      nameSuffix: 'blind',
      description: `The leader of the health monitor ${this.monitorId} could not list its target groups for several intervals: it probes only the targets it knew, and sees no new ones.`,
      metric: this.metric('Blind'),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    factory.create({
      id: 'ActionFailuresAlarm',
      nameSuffix: 'action-failures',
      description: `An action of the health monitor ${this.monitorId} (target group, DNS or alert) failed.`,
      metric: this.metricActionFailures(),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
  }
}
