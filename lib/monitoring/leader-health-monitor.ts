import { isIPv4 as isIpv4 } from 'net';
import * as path from 'path';
import { Aws, Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MonitorConfig, ProbeRequest } from '../../lambda/health-monitor/config';
import { REGISTERED_BY, endReserveMs, skewToleranceMs } from '../../lambda/health-monitor/config';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { AlarmFactory, AlarmOptions } from '../core/alarms';
import { Validator, formatSeconds } from '../core/validation';
import { NamespaceKind, RegistryHealthCheckType, ServiceRegistry } from '../discovery/service-registry';
import { DnsFailover } from '../dns/dns-failover';
import { FailoverTargetKind } from '../dns/failover-target';
import { failoverRecordSets } from '../dns/record-sets';
import { FeatureFlags } from '../flags/feature-flags';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';
import { HealthCheckPreset, HealthCheckProfile, HealthCheckProtocol } from '../load-balancing/health-check-profile';
import { createMonitorDashboard } from './dashboard';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metrics';

/**
 * A target group of an HaLoadBalancer whose targets the monitor probes, as its load balancer
 * does: the group's own health check says what to ask (protocol, path, success codes, port).
 */
export interface MonitoredTargetGroup {
  /** The load balancer. */
  readonly loadBalancer: HaLoadBalancer;

  /**
   * The target group's name in the load balancer. Its targets must be IP targets: the monitor
   * probes the addresses ELB lists.
   */
  readonly targetGroupName: string;

  /**
   * HTTP(S) only: the body must contain this text within its first `maxBodyBytes`.
   * @default - the status code decides
   */
  readonly bodyContains?: string;

  /**
   * HTTP(S) only: the body must match this regular expression (JavaScript syntax) within its
   * first `maxBodyBytes`.
   * @default - the status code decides
   */
  readonly bodyMatches?: string;
}

/**
 * An endpoint the monitor probes that is not in a target group: a database proxy, a service in a
 * peered network. The monitor alerts on it; it has no target group to take it out of.
 */
export interface MonitoredEndpoint {
  /** Name in alerts, logs and the table. Letters, digits, `.`, `_` and `-`; at most 64 characters. */
  readonly name: string;

  /** Address or DNS name. */
  readonly host: string;

  /** Port probed. 1 to 65535. */
  readonly port: number;

  /**
   * Group the endpoint is counted in: one incident and one alert per group. Letters, digits,
   * `.`, `_` and `-`; not the name of a monitored target group.
   * @default 'endpoints'
   */
  readonly group?: string;

  /**
   * How the endpoint is probed.
   * @default HealthCheckProtocol.TCP - a TCP connection opens
   */
  readonly protocol?: HealthCheckProtocol;

  /**
   * HTTP(S): the path requested.
   * @default '/'
   */
  readonly path?: string;

  /**
   * HTTP(S): the status codes that count as healthy (`200`, `200,204`, `200-299`).
   * @default '200'
   */
  readonly successCodes?: string;

  /**
   * HTTP(S): the body must contain this text.
   * @default - the status code decides
   */
  readonly bodyContains?: string;

  /**
   * HTTP(S): the body must match this regular expression.
   * @default - the status code decides
   */
  readonly bodyMatches?: string;
}

/**
 * The lease that elects the leader. The relation `duration > renewDeadline > 1.2 × retryPeriod`
 * must hold, and `duration − renewDeadline − callTimeout` is the clock skew between contenders
 * that the monitor tolerates.
 */
export interface MonitorLeaseOptions {
  /**
   * How long a lease lasts after its last renewal: the longest a crashed leader keeps the others
   * waiting. 2 to 60 seconds.
   * @default Duration.seconds(15)
   */
  readonly duration?: Duration;

  /**
   * A leader that could not renew for this long stops acting.
   * @default Duration.seconds(10)
   */
  readonly renewDeadline?: Duration;

  /**
   * How often the leader renews and standbys try to take over. At least 0.2 seconds.
   * @default Duration.seconds(2)
   */
  readonly retryPeriod?: Duration;
}

/**
 * The circuit breaker the monitor puts around each AWS API it calls: it opens on consecutive
 * failures or on a failure rate, refuses calls while open, then lets trial calls through.
 */
export interface CircuitBreakerOptions {
  /**
   * Consecutive failed calls to one API that open its circuit. 1 to 100.
   * @default 3
   */
  readonly consecutiveFailures?: number;

  /**
   * Share of failed calls among the last `window`, in percent, that opens the circuit. 1 to 100.
   * @default 50
   */
  readonly failureRatePercent?: number;

  /**
   * Calls the failure rate is taken over; it is judged once this many were made. 2 to 1000.
   * @default 10
   */
  readonly window?: number;

  /**
   * How long an open circuit refuses calls before letting trial calls through. 1 s to 10 minutes,
   * and at least the call timeout.
   * @default Duration.seconds(30)
   */
  readonly openTimeout?: Duration;

  /**
   * Trial calls let through while half-open; all must succeed to close the circuit. 1 to 10.
   * @default 1
   */
  readonly halfOpenTrials?: number;
}

/**
 * A service of a {@link ServiceRegistry} whose instances the monitor registers and keeps in step.
 */
export interface RegistryMembership {
  /** The registry. */
  readonly registry: ServiceRegistry;

  /** The service: one with custom health checks. */
  readonly serviceName: string;

  /**
   * The monitor's groups whose targets are the service's instances: names of watched target
   * groups (IP targets: for A or SRV records), or `group`s of endpoints (DNS names: for CNAME
   * records; IP addresses: for A or SRV records).
   */
  readonly groups: string[];

  /**
   * Attributes every instance is registered with, besides its address and port (at most 25,
   * keys not starting with `AWS_`).
   * @default - none
   */
  readonly attributes?: { [key: string]: string };
}

/**
 * Settings of a {@link LeaderHealthMonitor} other than what it watches and where it runs: its
 * timing, lease, actions and resources.
 */
export interface LeaderHealthMonitorOptions {
  /**
   * Subnets of the contenders. They need a route to DynamoDB, Elastic Load Balancing, Route 53,
   * SNS and CloudWatch Logs: a NAT gateway or VPC endpoints.
   * @default - private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** Endpoints probed besides the target groups. */
  readonly endpoints?: MonitoredEndpoint[];

  /**
   * Timing of every probe: interval (1 to 60 s), timeout (0.1 s to below the interval),
   * healthy and unhealthy thresholds (1 to 10). What each probe asks comes from the target
   * group's own health check or the endpoint.
   * @default - HealthCheckPreset.FAST: 5 s interval, 2 s timeout, 2 and 2 (detection 12 s)
   */
  readonly healthCheck?: HealthCheckProfile;

  /**
   * The dead interval: how often a DOWN target is probed. From the interval to 300 seconds.
   * @default - the interval
   */
  readonly downInterval?: Duration;

  /**
   * Probes in flight at once. 1 to 256.
   * @default 32
   */
  readonly probeConcurrency?: number;

  /**
   * Each probe starts after a random delay up to this, so that targets are not probed in
   * bursts. From 0 to the interval minus the timeout.
   * @default - a tenth of the interval, at most the interval minus the timeout
   */
  readonly probeJitter?: Duration;

  /**
   * Bytes of a body read for `bodyContains` and `bodyMatches`. 1 to 65536.
   * @default 5120 - what Route 53 string matching reads
   */
  readonly maxBodyBytes?: number;

  /**
   * Take DOWN targets out of their target group (never the last healthy one) and put them back
   * when they are UP again.
   * @default true
   */
  readonly deregisterUnhealthyTargets?: boolean;

  /**
   * Where alerts go: one per incident, one per recovery.
   * @default - a new topic, encrypted with a new KMS key that CloudWatch alarms may also use
   */
  readonly alertTopic?: sns.ITopic;

  /**
   * Cap on target-group and DNS changes per `actionWindow` (alerts are not counted).
   * 1 to 1000.
   * @default 10
   */
  readonly maxActionsPerWindow?: number;

  /**
   * The window of `maxActionsPerWindow`. 1 minute to 1 day.
   * @default Duration.minutes(10)
   */
  readonly actionWindow?: Duration;

  /**
   * Decide and record actions, but only log the AWS calls. Also switchable at run time in the
   * table (item `pk = monitorId, sk = "switches"`, attribute `dryRun`).
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * Contenders started each minute. 1 to 5 (EventBridge allows 5 targets per rule).
   * @default 2
   */
  readonly contenders?: number;

  /**
   * The leader lease.
   * @default - 15 s duration, 10 s renew deadline, 2 s retry period
   */
  readonly lease?: MonitorLeaseOptions;

  /**
   * Timeout of every AWS call the monitor makes, retries included: below the lease's margin.
   * 0.5 seconds or more, and below `lease.duration − lease.renewDeadline`.
   * @default Duration.seconds(3)
   */
  readonly callTimeout?: Duration;

  /**
   * How long one invocation contends before it releases the lease. Invocations start every
   * minute, so at least 60 s; the overlap lets the next one take over at once. 60 to 840 seconds.
   * @default Duration.seconds(70)
   */
  readonly invocationDuration?: Duration;

  /**
   * Memory of the function, in MiB. 128 to 10240.
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * How long the table keeps the outcome of each action (its TTL).
   * @default Duration.days(90)
   */
  readonly ledgerRetention?: Duration;

  /**
   * Key of the table's encryption.
   * @default - the AWS managed key for DynamoDB
   */
  readonly tableEncryptionKey?: kms.IKey;

  /**
   * What happens to the table and the log group when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Alarms on the monitor itself.
   * @default - the shared alarm settings, with the alert topic as the action on ALARM and OK
   */
  readonly alarms?: AlarmOptions;

  /**
   * The monitor's name in its table, its metrics and its alerts. Letters, digits, `.`, `_` and
   * `-`; at most 64 characters. Changing it starts from an empty state.
   * @default - a name unique in the app, derived from the construct path
   */
  readonly monitorId?: string;

  /**
   * The circuit breaker around each AWS API the monitor calls (ELB, Route 53, SNS, Cloud Map,
   * AppConfig).
   * @default - 3 consecutive failures or 50 % of the last 10 calls open it for 30 s; one trial call
   */
  readonly circuitBreaker?: CircuitBreakerOptions;

  /**
   * Feature flags the pause and dry-run switches are read from, besides the monitor's table: a
   * FeatureFlags with `monitorSwitches`. Either source can pause or put the monitor in dry-run.
   * @default - the table only
   */
  readonly switches?: FeatureFlags;

  /**
   * How often the flags are polled. At least 15 s (AppConfig's minimum), in whole seconds. A
   * change is seen within one poll interval, and acted on at the next probe cycle.
   * @default - the probe interval, or 15 s if that is shorter
   */
  readonly switchPollInterval?: Duration;

  /**
   * Cloud Map services the monitor keeps in step with its verdicts: it registers the targets of
   * the groups as instances once UP, reports them HEALTHY or UNHEALTHY, and deregisters those it
   * registered once their target is gone.
   * @default - none
   */
  readonly membership?: RegistryMembership[];
}

/**
 * Props of a {@link LeaderHealthMonitor}.
 */
export interface LeaderHealthMonitorProps extends LeaderHealthMonitorOptions {
  /** The VPC the contenders run in, to reach private targets. */
  readonly vpc: ec2.IVpc;

  /** Target groups whose targets are probed, and taken out while unhealthy. */
  readonly targetGroups?: MonitoredTargetGroup[];

  /**
   * A failover pair the monitor fails over at once when every target of `dnsFailoverTriggerGroups`
   * is DOWN, and restores when one is UP. Route 53's own health checks stay as the safety net.
   * @default - no DNS action
   */
  readonly dnsFailover?: DnsFailover;

  /**
   * Monitored target groups (by `targetGroupName`) or endpoint groups whose failure fails the
   * name over.
   * @default - the monitored target groups of the pair's primary load balancer
   */
  readonly dnsFailoverTriggerGroups?: string[];
}

const NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const DEFAULT_ENDPOINT_GROUP = 'endpoints';
/** Lambda's limit on a function's environment. */
const ENVIRONMENT_LIMIT = 4096;
/** Room a token may take once resolved (an ARN, a DNS name). */
const TOKEN_ROOM = 120;

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

  /** Lease, target state and action ledger. */
  public readonly table: dynamodb.Table;

  /** The contenders' function. */
  public readonly contenderFunction: nodejs.NodejsFunction;

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

  /** Worst case from the leader dying to a standby leading: lease duration + one retry period (with its jitter) + one call. */
  public readonly worstCaseTakeoverTime: Duration;

  /** Clock skew between contenders the lease tolerates: duration − renewDeadline − callTimeout. */
  public readonly clockSkewTolerance: Duration;

  /** The configuration the function runs with. */
  private readonly config: MonitorConfig;

  constructor(scope: Construct, id: string, props: LeaderHealthMonitorProps) {
    super(scope, id);
    this.monitorId = props.monitorId ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    this.healthCheck = props.healthCheck ?? HealthCheckProfile.tcp({ preset: HealthCheckPreset.FAST });
    this.validate(props, leaseSettings(props));
    const settings = resolveSettings(props, this.healthCheck);

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
      this.alertTopicKey = new kms.Key(this, 'AlertsKey', {
        description: `Encrypts the alerts of ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.DESTROY,
        pendingWindow: Duration.days(7),
      });
      // CloudWatch alarms may publish to the topic too (an AWS managed key would not let them).
      this.alertTopicKey.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }));
      this.alertTopic = new sns.Topic(this, 'Alerts', { masterKey: this.alertTopicKey, enforceSSL: true });
      // The TLS-only policy replaces the topic's default policy, which is what let alarms of this account publish.
      this.alertTopic.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alertTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }));
    }

    this.deadLetterQueue = new sqs.Queue(this, 'FailedInvocations', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the monitor\'s invocations and schedule; a dead-letter queue of its own would only move the same messages again.',
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Health monitor ${this.monitorId}: AWS APIs and probes`,
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
    this.grantLeastPrivilege(props, settings);

    this.config = {
      monitorId: this.monitorId,
      tableName: this.table.tableName,
      probe: { ...settings.defaultRequest, ...settings.timing },
      lease: settings.lease,
      callTimeoutMs: settings.callTimeoutMs,
      invocationMs: settings.invocationMs,
      functionTimeoutMs: settings.functionTimeoutMs,
      ledgerRetentionMs: (props.ledgerRetention ?? Duration.days(90)).toMilliseconds(),
      discoveryIntervalMs: 30_000,
      targetGroups: settings.groups.map((g) => ({ name: g.name, arn: g.arn, probe: g.request })),
      endpoints: settings.endpoints,
      dns: settings.dns,
      actions: {
        deregister: props.deregisterUnhealthyTargets ?? true,
        dnsFailover: settings.dns !== undefined,
        alertTopicArn: this.alertTopic.topicArn,
        maxActions: props.maxActionsPerWindow ?? 10,
        windowMs: (props.actionWindow ?? Duration.minutes(10)).toMilliseconds(),
        dryRun: props.dryRun ?? false,
      },
      breaker: {
        failureThreshold: props.circuitBreaker?.consecutiveFailures ?? 3,
        failureRatePercent: props.circuitBreaker?.failureRatePercent ?? 50,
        windowSize: props.circuitBreaker?.window ?? 10,
        openMs: (props.circuitBreaker?.openTimeout ?? Duration.seconds(30)).toMilliseconds(),
        halfOpenTrials: props.circuitBreaker?.halfOpenTrials ?? 1,
      },
      flags: props.switches ? {
        applicationId: props.switches.application.applicationId,
        environmentId: props.switches.environment.environmentId,
        profileId: props.switches.configuration.configurationProfileId,
        pollIntervalSeconds: (props.switchPollInterval ?? Duration.seconds(Math.max(15, Math.ceil(settings.timing.intervalMs / 1000)))).toSeconds(),
        pausedFlag: FeatureFlags.MONITOR_PAUSED,
        dryRunFlag: FeatureFlags.MONITOR_DRY_RUN,
      } : undefined,
      registry: props.membership?.map((m) => ({
        serviceId: m.registry.service(m.serviceName).serviceId,
        name: m.registry.metricDimension(m.serviceName),
        groups: m.groups,
        attributes: m.attributes ?? {},
      })),
    };
    this.validateEnvironmentSize();

    this.contenderFunction = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(__dirname, '..', '..', 'lambda', 'health-monitor', 'index.ts'),
      handler: 'handler',
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
      reservedConcurrentExecutions: 2 * settings.contenders,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
      environment: {
        MONITOR_CONFIG: Stack.of(this).toJsonString(this.config),
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      // The AWS SDK is bundled too, not taken from the runtime: the call timeouts the lease's
      // safety relies on need the pinned SDK's request-timeout behaviour. Names are kept, so that
      // logged errors say what they are.
      bundling: { minify: true, keepNames: true, sourceMap: true, sourcesContent: false, target: 'node24', externalModules: [] },
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

    const timing = this.healthCheck;
    this.worstCaseDetectionTime = Duration.millis(timing.interval.toMilliseconds() * timing.unhealthyThreshold + timing.timeout.toMilliseconds() + settings.timing.jitterMs);
    this.worstCaseTakeoverTime = Duration.millis(settings.lease.durationMs + Math.ceil(settings.lease.retryPeriodMs * 1.2) + settings.callTimeoutMs);
    this.clockSkewTolerance = Duration.millis(skewToleranceMs(this.config));

    // The monitor's own alarms go where its alerts go, unless told otherwise.
    const alarmOptions = { ...props.alarms, actions: props.alarms?.actions ?? [new cwActions.SnsAction(this.alertTopic)] };
    const factory = new AlarmFactory(this, alarmOptions);
    this.createAlarms(factory);
    this.alarms = factory.alarms;
    this.dashboard = createMonitorDashboard(this, this.contenderFunction, settings.groups.map((g) => g.name));
  }

  /** Leader heartbeats: one per leader cycle. Default: sum over 1 minute. */
  public metricLeaderHeartbeat(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('LeaderHeartbeat', 'Sum', props);
  }

  /** The leader's epoch (its fencing token): a step up is a change of leader. Default: maximum over 1 minute. */
  public metricLeaderEpoch(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('LeaderEpoch', 'Maximum', props);
  }

  /** Targets UP. Default: minimum over 1 minute. */
  public metricTargetsUp(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TargetsUp', 'Minimum', props);
  }

  /** Targets DOWN. Default: maximum over 1 minute. */
  public metricTargetsDown(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TargetsDown', 'Maximum', props);
  }

  /** Target-group and DNS changes taken. Default: sum over 1 minute. */
  public metricActions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Actions', 'Sum', props);
  }

  /** Alerts sent. Default: sum over 1 minute. */
  public metricAlerts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Alerts', 'Sum', props);
  }

  /** Actions whose AWS call failed. Default: sum over 1 minute. */
  public metricActionFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ActionFailures', 'Sum', props);
  }

  /** Actions a deposed leader tried and DynamoDB refused. Default: sum over 1 minute. */
  public metricRefusedStaleActions(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('RefusedStaleActions', 'Sum', props);
  }

  /** Leader cycles that failed. Default: sum over 1 minute. */
  public metricCycleErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CycleErrors', 'Sum', props);
  }

  /** Probe latency. Default: p99 over 1 minute. */
  public metricProbeLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ProbeLatency', 'p99', props);
  }

  /** Time of one leader cycle (probe, track, act). Default: maximum over 1 minute. */
  public metricProbeCycleTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ProbeCycleTime', 'Maximum', props);
  }

  /** Circuits not closed (open or half-open) at the end of a leader cycle. Default: maximum over 1 minute. */
  public metricCircuitsOpen(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CircuitsOpen', 'Maximum', props);
  }

  /** Calls refused by open circuits. Default: sum over 1 minute. */
  public metricCallsRefused(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CallsRefused', 'Sum', props);
  }

  /** 1 while the monitor is paused (by its table or its feature flags), else 0. Default: maximum over 1 minute. */
  public metricPaused(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Paused', 'Maximum', props);
  }

  /** A metric the monitor emits, by name. */
  public metric(metricName: string, statistic: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { Monitor: this.monitorId, service: SERVICE_NAME },
      statistic,
      period: Duration.minutes(1),
      ...props,
    });
  }

  private validate(props: LeaderHealthMonitorProps, s: LeaseSettings): void {
    const v = new Validator();
    const t = this.healthCheck;
    const prefix = props.healthCheck ? 'healthCheck' : 'healthCheck (default)';
    if (!t.interval.isUnresolved()) {
      const interval = t.interval.toSeconds({ integral: false });
      if (interval < 1 || interval > 60) v.add(`${prefix}.interval`, formatSeconds(t.interval), '1 to 60 seconds: the monitor probes from inside one invocation');
    }
    if (!t.timeout.isUnresolved() && !t.interval.isUnresolved()) {
      const timeout = t.timeout.toMilliseconds();
      if (timeout < 100 || timeout >= t.interval.toMilliseconds()) {
        v.add(`${prefix}.timeout`, formatSeconds(t.timeout), `0.1 s to below the interval (${formatSeconds(t.interval)}), so that a probe ends before the next is due`);
      }
    }
    v.integer(`${prefix}.healthyThreshold`, t.healthyThreshold, 1, 10);
    v.integer(`${prefix}.unhealthyThreshold`, t.unhealthyThreshold, 1, 10);
    if (t.port !== undefined) v.add(`${prefix}.port`, String(t.port), 'no port: the monitor probes each target group on its health check\'s port and each endpoint on its own');
    if (props.downInterval && !props.downInterval.isUnresolved()) {
      const down = props.downInterval.toMilliseconds();
      if (down < t.interval.toMilliseconds() || down > 300_000) v.add('downInterval', formatSeconds(props.downInterval), `from the interval (${formatSeconds(t.interval)}) to 300 s`);
    }
    v.integer('probeConcurrency', props.probeConcurrency, 1, 256);
    if (props.probeJitter && !props.probeJitter.isUnresolved()) {
      const room = t.interval.toMilliseconds() - t.timeout.toMilliseconds();
      if (props.probeJitter.toMilliseconds() < 0 || props.probeJitter.toMilliseconds() > room) {
        v.add('probeJitter', formatSeconds(props.probeJitter), `0 to the interval minus the timeout (${room / 1000} s)`);
      }
    }
    v.integer('maxBodyBytes', props.maxBodyBytes, 1, 65536);
    v.integer('contenders', props.contenders, 1, 5, 'an integer from 1 to 5 (targets of one EventBridge rule)');
    v.integer('maxActionsPerWindow', props.maxActionsPerWindow, 1, 1000);
    if (props.actionWindow && !props.actionWindow.isUnresolved()) {
      const ms = props.actionWindow.toMilliseconds();
      if (ms < 60_000 || ms > 86_400_000) v.add('actionWindow', formatSeconds(props.actionWindow), '1 minute to 1 day');
    }
    v.integer('memorySize', props.memorySize, 128, 10240);
    this.validateLease(v, props, s);
    this.validateTargets(v, props);
    this.validateDns(v, props);
    this.validateBreaker(v, props, s);
    this.validateSwitches(v, props);
    (props.membership ?? []).forEach((m, i) => this.validateMembership(v, `membership[${i}]`, m, props));
    v.throwIfAny(this);
  }

  private validateBreaker(v: Validator, props: LeaderHealthMonitorProps, s: LeaseSettings): void {
    const b = props.circuitBreaker;
    if (!b) return;
    v.integer('circuitBreaker.consecutiveFailures', b.consecutiveFailures, 1, 100);
    v.integer('circuitBreaker.failureRatePercent', b.failureRatePercent, 1, 100);
    v.integer('circuitBreaker.window', b.window, 2, 1000);
    v.integer('circuitBreaker.halfOpenTrials', b.halfOpenTrials, 1, 10);
    if (b.openTimeout && !b.openTimeout.isUnresolved()) {
      const ms = b.openTimeout.toMilliseconds();
      const min = Math.max(1000, s.callTimeoutMs);
      if (ms < min || ms > 600_000) v.add('circuitBreaker.openTimeout', formatSeconds(b.openTimeout), `${min / 1000} s (at least the call timeout) to 600 s`);
    }
  }

  private validateSwitches(v: Validator, props: LeaderHealthMonitorProps): void {
    const flags = props.switches;
    if (flags) {
      const missing = [FeatureFlags.MONITOR_PAUSED, FeatureFlags.MONITOR_DRY_RUN].filter((f) => !flags.hasFlag(f));
      if (missing.length > 0) v.add('switches', `${flags.node.path} without ${missing.join(' and ')}`, 'FeatureFlags with monitorSwitches: true');
    }
    const poll = props.switchPollInterval;
    if (poll && !flags) v.add('switchPollInterval', formatSeconds(poll), 'only with switches');
    if (poll && flags) v.seconds('switchPollInterval', poll, 15, 3600, 'whole seconds from 15 (AppConfig\'s minimum poll interval) to 3600');
  }

  private validateMembership(v: Validator, prop: string, m: RegistryMembership, props: LeaderHealthMonitorProps): void {
    if (!m.registry.serviceNames.includes(m.serviceName)) {
      v.add(`${prop}.serviceName`, JSON.stringify(m.serviceName), `a service of ${m.registry.node.path}: ${m.registry.serviceNames.join(', ')}`);
      return;
    }
    if (m.registry.healthCheckType(m.serviceName) !== RegistryHealthCheckType.CUSTOM) {
      v.add(`${prop}.serviceName`, `${JSON.stringify(m.serviceName)} with ${m.registry.healthCheckType(m.serviceName)} health checks`,
        'a service with custom health checks: the monitor reports health only to those');
    }
    const recordType = m.registry.dnsRecordType(m.serviceName);
    const targetGroups = new Set((props.targetGroups ?? []).map((g) => g.targetGroupName));
    const endpoints = props.endpoints ?? [];
    if (m.groups.length === 0) v.add(`${prop}.groups`, '[]', 'at least one group');
    for (const group of m.groups) {
      const members = endpoints.filter((e) => (e.group ?? DEFAULT_ENDPOINT_GROUP) === group);
      if (!targetGroups.has(group) && members.length === 0) {
        v.add(`${prop}.groups`, JSON.stringify(group), `a watched target group or endpoint group: ${[...targetGroups, ...new Set(endpoints.map((e) => e.group ?? DEFAULT_ENDPOINT_GROUP))].join(', ') || 'none'}`);
        continue;
      }
      const byName = members.filter((e) => Token.isUnresolved(e.host) || !isIpv4(e.host));
      if (recordType === servicediscovery.DnsRecordType.CNAME && targetGroups.has(group)) {
        v.add(`${prop}.groups`, JSON.stringify(group), `endpoint groups known by DNS name: ${m.serviceName} has CNAME records, and targets of a target group are IP addresses`);
      } else if (recordType !== undefined && recordType !== servicediscovery.DnsRecordType.CNAME && byName.length > 0) {
        v.add(`${prop}.groups`, `${JSON.stringify(group)} with ${byName.length} endpoint(s) known by DNS name`,
          `IP addresses only: ${m.serviceName} has ${recordType} records; give the service CNAME records for DNS names`);
      }
      for (const e of members) {
        const id = `${group}/${e.name}`;
        if (id.length > 64 || !/^[0-9a-zA-Z_/:.@-]+$/.test(id)) v.add(`${prop}.groups`, `endpoint ${JSON.stringify(id)}`, 'an instance ID (group/name) of at most 64 letters, digits and _/:.@-');
      }
    }
    const attributes = Object.entries(m.attributes ?? {});
    if (attributes.length > 25) v.add(`${prop}.attributes`, `${attributes.length} attributes`, 'at most 25');
    for (const [key, value] of attributes) {
      if (key.startsWith('AWS_') || key === REGISTERED_BY || !/^[!-~]{1,255}$/.test(key)) {
        v.add(`${prop}.attributes`, JSON.stringify(key), `a key of 1 to 255 printable characters, not starting with AWS_ and not ${REGISTERED_BY}`);
      }
      if (!Token.isUnresolved(value) && value.length > 1024) v.add(`${prop}.attributes.${key}`, `${value.length} characters`, 'at most 1024 characters');
    }
  }

  private validateLease(v: Validator, props: LeaderHealthMonitorProps, s: LeaseSettings): void {
    const { durationMs, renewDeadlineMs, retryPeriodMs } = s.lease;
    const given = (name: keyof MonitorLeaseOptions) => props.lease?.[name] !== undefined ? `lease.${name}` : `lease.${name} (default)`;
    if (durationMs < 2000 || durationMs > 60_000) v.add(given('duration'), `${durationMs / 1000} s`, '2 to 60 seconds');
    if (retryPeriodMs < 200) v.add(given('retryPeriod'), `${retryPeriodMs / 1000} s`, 'at least 0.2 s');
    if (!(durationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs * 1.2)) {
      v.add('lease', `duration ${durationMs / 1000} s, renewDeadline ${renewDeadlineMs / 1000} s, retryPeriod ${retryPeriodMs / 1000} s`,
        'duration > renewDeadline > 1.2 × retryPeriod: a leader renews several times before it stops acting, and stops before its lease ends');
    }
    const callName = props.callTimeout ? 'callTimeout' : 'callTimeout (default)';
    if (s.callTimeoutMs < 500) v.add(callName, `${s.callTimeoutMs / 1000} s`, 'at least 0.5 s');
    else if (s.callTimeoutMs >= durationMs - renewDeadlineMs) {
      v.add(callName, `${s.callTimeoutMs / 1000} s`, `below lease.duration − lease.renewDeadline (${(durationMs - renewDeadlineMs) / 1000} s): a leader's last call must end before its lease can pass on, with room for clock skew`);
    }
    const invocationName = props.invocationDuration ? 'invocationDuration' : 'invocationDuration (default)';
    if (s.invocationMs < 60_000 || s.invocationMs > 840_000) {
      v.add(invocationName, `${s.invocationMs / 1000} s`, '60 to 840 seconds: contenders start every minute, and a function runs at most 900 s');
    } else if (durationMs * 2 > s.invocationMs) {
      v.add(given('duration'), `${durationMs / 1000} s`, `at most half the invocation duration (${s.invocationMs / 1000} s)`);
    }
  }

  private validateTargets(v: Validator, props: LeaderHealthMonitorProps): void {
    const groups = props.targetGroups ?? [];
    const endpoints = props.endpoints ?? [];
    if (groups.length + endpoints.length === 0) {
      v.add('targetGroups', 'no target groups and no endpoints', 'at least one target group or endpoint to probe');
    }
    const names = new Map<string, string>();
    groups.forEach((g, i) => {
      const prop = `targetGroups[${i}]`;
      let group: elbv2.TargetGroupBase;
      try {
        group = g.loadBalancer.targetGroup(g.targetGroupName);
      } catch {
        v.add(`${prop}.targetGroupName`, JSON.stringify(g.targetGroupName), `a target group of ${g.loadBalancer.node.path}: ${g.loadBalancer.targetGroups.map((tg) => tg.node.id.replace(/TargetGroup$/, '')).join(', ')}`);
        return;
      }
      const lbRegion = Stack.of(g.loadBalancer).region;
      const region = Stack.of(this).region;
      if (!Token.isUnresolved(lbRegion) && !Token.isUnresolved(region) && lbRegion !== region) {
        v.add(`${prop}.loadBalancer`, `a load balancer in ${lbRegion}, watched from ${region}`, 'a load balancer of the monitor\'s region: the contenders list and change targets through that region\'s ELB API, and probe from its VPC');
      }
      const other = names.get(g.targetGroupName);
      if (other !== undefined) v.add(`${prop}.targetGroupName`, JSON.stringify(g.targetGroupName), `a name not watched already (${other} has it): groups are named by it in alerts and the table`);
      names.set(g.targetGroupName, prop);
      v.matches(`${prop}.targetGroupName`, g.targetGroupName, NAME_PATTERN, 'letters, digits, ".", "_" and "-"; at most 64 characters');
      const type = g.loadBalancer.targetGroupOptions(g.targetGroupName).targetType;
      if (type !== undefined && type !== elbv2.TargetType.IP) {
        v.add(`${prop}.targetGroupName`, `${JSON.stringify(g.targetGroupName)}, a target group of ${type} targets`, 'a target group of IP targets: the monitor probes the addresses ELB lists');
      }
      if (type === undefined) {
        const cfn = group.node.defaultChild as elbv2.CfnTargetGroup;
        this.node.addValidation({
          validate: () => cfn.targetType === undefined || cfn.targetType === elbv2.TargetType.IP ? [] : [
            `${this.node.path}: ${prop}.targetGroupName: got ${JSON.stringify(g.targetGroupName)}, a target group of ${cfn.targetType} targets; allowed: a target group of IP targets: the monitor probes the addresses ELB lists`,
          ],
        });
      }
      this.validateBody(v, prop, g.loadBalancer.healthCheck(g.targetGroupName).protocol, g.bodyContains, g.bodyMatches);
    });
    endpoints.forEach((e, i) => {
      const prop = `endpoints[${i}]`;
      v.matches(`${prop}.name`, e.name, NAME_PATTERN, 'letters, digits, ".", "_" and "-"; at most 64 characters');
      const group = e.group ?? DEFAULT_ENDPOINT_GROUP;
      v.matches(`${prop}.group`, group, NAME_PATTERN, 'letters, digits, ".", "_" and "-"; at most 64 characters');
      if (names.has(group) && names.get(group)!.startsWith('targetGroups')) v.add(`${prop}.group`, JSON.stringify(group), 'a name that is not a monitored target group\'s');
      if (!Token.isUnresolved(e.host) && e.host.trim() === '') v.add(`${prop}.host`, '""', 'an address or DNS name');
      v.integer(`${prop}.port`, e.port, 1, 65535);
      const protocol = e.protocol ?? HealthCheckProtocol.TCP;
      if (protocol === HealthCheckProtocol.TCP && (e.path !== undefined || e.successCodes !== undefined)) {
        v.add(prop, 'a path or success codes for a TCP probe', 'path and successCodes only with HealthCheckProtocol.HTTP or HTTPS');
      }
      if (e.path !== undefined) v.matches(`${prop}.path`, e.path, /^\/.{0,1023}$/, 'a path starting with "/", at most 1024 characters');
      if (e.successCodes !== undefined) v.matches(`${prop}.successCodes`, e.successCodes, /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, 'codes like 200, 200,204 or 200-299');
      this.validateBody(v, prop, protocol, e.bodyContains, e.bodyMatches);
    });
  }

  private validateBody(v: Validator, prop: string, protocol: HealthCheckProtocol, contains?: string, matches?: string): void {
    if (contains === undefined && matches === undefined) return;
    if (protocol === HealthCheckProtocol.TCP) {
      v.add(prop, 'a body match on a TCP probe', 'bodyContains and bodyMatches only on HTTP(S) probes, which read a body');
      return;
    }
    if (contains !== undefined && matches !== undefined) v.add(prop, 'both bodyContains and bodyMatches', 'one of them');
    if (contains !== undefined && !Token.isUnresolved(contains) && contains.length === 0) v.add(`${prop}.bodyContains`, '""', 'text to find, at least one character');
    if (matches !== undefined && !Token.isUnresolved(matches)) {
      try {
        new RegExp(matches);
      } catch (e) {
        v.add(`${prop}.bodyMatches`, JSON.stringify(matches), `a JavaScript regular expression (${(e as Error).message})`);
      }
    }
  }

  private validateDns(v: Validator, props: LeaderHealthMonitorProps): void {
    const triggers = props.dnsFailoverTriggerGroups;
    if (!props.dnsFailover) {
      if (triggers !== undefined) v.add('dnsFailoverTriggerGroups', JSON.stringify(triggers), 'none without dnsFailover');
      return;
    }
    const monitored = new Set([
      ...(props.targetGroups ?? []).map((g) => g.targetGroupName),
      ...(props.endpoints ?? []).map((e) => e.group ?? DEFAULT_ENDPOINT_GROUP),
    ]);
    if (triggers === undefined) {
      if (defaultTriggerGroups(props).length === 0) {
        v.add('dnsFailoverTriggerGroups', 'none, and the pair\'s primary is not an HaLoadBalancer watched by this monitor',
          'the monitored groups whose failure fails the name over');
      }
      return;
    }
    if (triggers.length === 0) v.add('dnsFailoverTriggerGroups', '[]', 'at least one monitored group');
    triggers.forEach((name, i) => {
      if (!monitored.has(name)) v.add(`dnsFailoverTriggerGroups[${i}]`, JSON.stringify(name), `a group this monitor watches: ${[...monitored].join(', ')}`);
    });
  }

  /** The function's environment is at most 4 KB; tokens are counted at the room an ARN takes. */
  private validateEnvironmentSize(): void {
    const json = JSON.stringify(this.config);
    const tokens = (json.match(/\$\{Token\[[^\]]+\]\}/g) ?? []);
    const estimate = json.length - tokens.join('').length + tokens.length * TOKEN_ROOM + 200;
    if (estimate > ENVIRONMENT_LIMIT) {
      const v = new Validator();
      v.add('endpoints', `a configuration of about ${estimate} bytes`, `at most ${ENVIRONMENT_LIMIT} bytes, Lambda's limit on a function's environment: watch fewer endpoints or groups per monitor`);
      v.throwIfAny(this);
    }
  }

  private grantLeastPrivilege(props: LeaderHealthMonitorProps, s: Settings): void {
    const role = this.role;
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'Logs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.logGroupArn],
    }));
    // Lambda attaches the function to the VPC through network interfaces; these EC2 actions have
    // no resource-level permissions (Describe*) or are used by Lambda on interfaces it names at
    // run time: AWS documents them on "*" (AWSLambdaVPCAccessExecutionRole).
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'VpcNetworkInterfaces',
      actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: ['*'],
    }));
    this.table.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query');
    props.tableEncryptionKey?.grant(role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    if (s.groups.length > 0) {
      // DescribeTargetHealth has no resource-level permissions: it is allowed on "*" only.
      role.addToPolicy(new iam.PolicyStatement({
        sid: 'ListTargets',
        actions: ['elasticloadbalancing:DescribeTargetHealth'],
        resources: ['*'],
      }));
      if (props.deregisterUnhealthyTargets ?? true) {
        role.addToPolicy(new iam.PolicyStatement({
          sid: 'TakeTargetsOutAndBack',
          actions: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'],
          resources: s.groups.map((g) => g.arn),
        }));
      }
    }
    if (props.dnsFailover && s.dns) {
      const pair = props.dnsFailover;
      role.addToPolicy(new iam.PolicyStatement({
        sid: 'FailOverOneRecord',
        actions: ['route53:ChangeResourceRecordSets'],
        resources: [this.hostedZoneArn(pair.zone.hostedZoneId)],
        conditions: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': [Token.isUnresolved(pair.recordName) ? pair.recordName : pair.recordName.toLowerCase()],
            'route53:ChangeResourceRecordSetsRecordTypes': [pair.recordType],
            'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
          },
        },
      }));
    }
    this.grantMembership(props.membership ?? []);
    props.switches?.grantRead(role);
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'Alert',
      actions: ['sns:Publish'],
      resources: [this.alertTopic.topicArn],
    }));
    this.alertTopic.masterKey?.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Only the actions that have no resource-level permissions are allowed on "*": the EC2 network-interface actions Lambda needs in a VPC, and elasticloadbalancing:DescribeTargetHealth. Every other statement names the table, log group, target groups, hosted zones, registry services, feature flags and topic passed in.',
    });
  }

  /**
   * Cloud Map calls on the services kept in step, and for DNS namespaces the Route 53 changes
   * Cloud Map makes in the namespace's hosted zone on the caller's behalf.
   */
  private grantMembership(membership: RegistryMembership[]): void {
    if (membership.length === 0) return;
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'KeepRegistryInStep',
      actions: ['servicediscovery:ListInstances', 'servicediscovery:GetInstancesHealthStatus', 'servicediscovery:RegisterInstance',
        'servicediscovery:DeregisterInstance', 'servicediscovery:UpdateInstanceCustomHealthStatus'],
      resources: [...new Set(membership.map((m) => m.registry.service(m.serviceName).serviceArn))],
    }));
    const zones = [...new Set(membership.flatMap((m) => {
      const namespace = m.registry.namespace;
      if (m.registry.kind === NamespaceKind.HTTP) return [];
      return [(namespace as servicediscovery.PrivateDnsNamespace | servicediscovery.PublicDnsNamespace).namespaceHostedZoneId];
    }))];
    if (zones.length === 0) return;
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'RegistryRecords',
      actions: ['route53:GetHostedZone', 'route53:ChangeResourceRecordSets'],
      resources: zones.map((zone) => this.hostedZoneArn(zone)),
    }));
  }

  private hostedZoneArn(hostedZoneId: string): string {
    return Stack.of(this).formatArn({ service: 'route53', region: '', account: '', resource: 'hostedzone', resourceName: hostedZoneId });
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
      description: `A deposed leader of the health monitor ${this.monitorId} tried to act and DynamoDB refused it: look for paused invocations or clock skew.`,
      metric: this.metricRefusedStaleActions(),
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

/** The lease and call timing, in the runtime's units. */
interface LeaseSettings {
  readonly lease: MonitorConfig['lease'];
  readonly callTimeoutMs: number;
  readonly invocationMs: number;
}

function leaseSettings(props: LeaderHealthMonitorProps): LeaseSettings {
  return {
    lease: {
      durationMs: (props.lease?.duration ?? Duration.seconds(15)).toMilliseconds(),
      renewDeadlineMs: (props.lease?.renewDeadline ?? Duration.seconds(10)).toMilliseconds(),
      retryPeriodMs: (props.lease?.retryPeriod ?? Duration.seconds(2)).toMilliseconds(),
    },
    callTimeoutMs: (props.callTimeout ?? Duration.seconds(3)).toMilliseconds(),
    invocationMs: (props.invocationDuration ?? Duration.seconds(70)).toMilliseconds(),
  };
}

/** Everything the props resolve to, in the runtime's units. */
interface Settings extends LeaseSettings {
  readonly timing: Omit<MonitorConfig['probe'], keyof ProbeRequest>;
  readonly defaultRequest: ProbeRequest;
  readonly functionTimeoutMs: number;
  readonly contenders: number;
  readonly groups: Array<{ readonly name: string; readonly arn: string; readonly request: ProbeRequest }>;
  readonly endpoints: MonitorConfig['endpoints'];
  readonly dns?: MonitorConfig['dns'];
  readonly vpcProbePorts: number[];
  readonly endpointPorts: number[];
}

function resolveSettings(props: LeaderHealthMonitorProps, timing: HealthCheckProfile): Settings {
  const intervalMs = timing.interval.toMilliseconds();
  const timeoutMs = timing.timeout.toMilliseconds();
  const maxBodyBytes = props.maxBodyBytes ?? 5120;
  const { lease, callTimeoutMs, invocationMs } = leaseSettings(props);
  const reserve = endReserveMs({ probe: { timeoutMs } as MonitorConfig['probe'], callTimeoutMs });
  const groups = (props.targetGroups ?? []).map((g) => {
    const check = g.loadBalancer.healthCheck(g.targetGroupName);
    const options = g.loadBalancer.targetGroupOptions(g.targetGroupName);
    return {
      name: g.targetGroupName,
      arn: g.loadBalancer.targetGroup(g.targetGroupName).targetGroupArn,
      request: probeRequest(check.protocol, check.path, check.successCodes, check.port, g.bodyContains, g.bodyMatches, maxBodyBytes),
      // Watched groups hold IP targets, which have a port.
      port: check.port ?? options.port!,
    };
  });
  const endpoints = (props.endpoints ?? []).map((e) => ({
    name: e.name,
    group: e.group ?? DEFAULT_ENDPOINT_GROUP,
    host: e.host,
    port: e.port,
    probe: probeRequest(e.protocol ?? HealthCheckProtocol.TCP, e.path, e.successCodes, undefined, e.bodyContains, e.bodyMatches, maxBodyBytes),
  }));
  return {
    timing: {
      intervalMs,
      timeoutMs,
      healthyThreshold: timing.healthyThreshold,
      unhealthyThreshold: timing.unhealthyThreshold,
      downIntervalMs: (props.downInterval ?? timing.interval).toMilliseconds(),
      concurrency: props.probeConcurrency ?? 32,
      jitterMs: props.probeJitter?.toMilliseconds() ?? Math.max(0, Math.min(Math.round(intervalMs / 10), intervalMs - timeoutMs)),
    },
    defaultRequest: { protocol: 'TCP' },
    lease,
    callTimeoutMs,
    invocationMs,
    // The function outlives its invocation's deadline by the time kept to end a cycle and release.
    functionTimeoutMs: Math.ceil((invocationMs + reserve) / 1000) * 1000 + 5000,
    contenders: props.contenders ?? 2,
    groups: groups.map(({ port: _port, ...g }) => g),
    endpoints,
    dns: props.dnsFailover ? dnsSettings(props) : undefined,
    vpcProbePorts: [...new Set(groups.map((g) => g.port))],
    endpointPorts: [...new Set(endpoints.map((e) => e.port))],
  };
}

function probeRequest(protocol: HealthCheckProtocol, pathName: string | undefined, successCodes: string | undefined, port: number | undefined,
  bodyContains: string | undefined, bodyMatches: string | undefined, maxBodyBytes: number): ProbeRequest {
  if (protocol === HealthCheckProtocol.TCP) return { protocol: 'TCP', port };
  return {
    protocol,
    path: pathName ?? '/',
    successCodes: successCodes ?? '200',
    port,
    bodySubstring: bodyContains,
    bodyRegex: bodyMatches,
    maxBodyBytes: bodyContains !== undefined || bodyMatches !== undefined ? maxBodyBytes : undefined,
  };
}

function defaultTriggerGroups(props: LeaderHealthMonitorProps): string[] {
  const primary = props.dnsFailover?.primaryTarget;
  if (primary?.kind !== FailoverTargetKind.HA_LOAD_BALANCER) return [];
  return (props.targetGroups ?? []).filter((g) => g.loadBalancer === primary.haLoadBalancer).map((g) => g.targetGroupName);
}

function dnsSettings(props: LeaderHealthMonitorProps): MonitorConfig['dns'] {
  const records = failoverRecordSets(props.dnsFailover!);
  return {
    hostedZoneId: records.hostedZoneId,
    triggerGroups: props.dnsFailoverTriggerGroups ?? defaultTriggerGroups(props),
    primaryRecord: records.primary,
    failoverRecord: records.failover,
  };
}
