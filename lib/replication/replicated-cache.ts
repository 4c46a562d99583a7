/**
 * `ReplicatedCache`: a Valkey or Redis OSS replication group across zones, encrypted, with its
 * alarms, endpoints, grants and failover time.
 */
import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmFactory, MAX_ALARM_METRICS } from '../core/alarms';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { ConnectionEndpoint } from '../core/connection-endpoint';
import { REPLICATION_GROUP_DESCRIPTION, SECRET_DESCRIPTION, fitDescription, securityGroupDescription, validateDescription } from '../core/descriptions';
import { HaValidationError } from '../core/errors';
import { FailoverTimeBreakdown } from '../core/failover-time';
import { Validator, formatSeconds } from '../core/validation';
import { CacheAuthentication, CacheAuthenticationType, CacheEngine, IGlobalDatastorePrimary, ReplicatedCacheAlarmOptions, ReplicatedCacheProps } from './cache-props';
import {
  KNOWN_NODE_FAMILIES, PREVIOUS_GENERATION, compareVersions, isDataTieringNode, validateDataTiering, validateEngineVersion, validateNodeSize,
} from './elasticache-rules';
import { ELASTICACHE_FAILOVER, GLOBAL_DATASTORE_PROMOTION, failoverStep } from './failover-figures';
import { createDatastoreLagAlarm, createGlobalDatastore, joinGlobalDatastore, recordDatastoreSecondary, validateGlobalDatastore } from './global-datastore';
import { InternalDnsNames, validateInternalDns } from './internal-dns';

const DEFAULT_VERSIONS: Record<CacheEngine, string> = { [CacheEngine.VALKEY]: '8.1', [CacheEngine.REDIS]: '7.1' };
const NODE_TYPE = /^cache\.[a-z0-9]+\.[a-z0-9]+$/;
const SNAPSHOT_WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
const MAINTENANCE_WINDOW = /^(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)-(sun|mon|tue|wed|thu|fri|sat):([01]\d|2[0-3]):([0-5]\d)$/;
/** Shards up to which each shard has alarms of its own. */
const MAX_SHARDS_WITH_OWN_ALARMS = 10;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * A Valkey or Redis OSS replication group: Multi-AZ with automatic failover, replicas spread
 * over the zones, encrypted at rest and in transit, authenticated, snapshotted, with its own
 * security group, logs, events and alarms.
 */
export class ReplicatedCache extends Construct implements ec2.IConnectable, IGlobalDatastorePrimary {
  /** The Global Datastore's id, with `global` (primary or secondary). */
  public readonly globalReplicationGroupId?: string;

  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;

  /** Its subnet group. */
  public readonly subnetGroup: elasticache.CfnSubnetGroup;

  /** Its security group: only sources allowed on `connections` reach the port. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** Traffic rules; `connections.allowDefaultPortFrom(service)` lets a client in. */
  public readonly connections: ec2.Connections;

  /**
   * Where writes go: the replication group's primary endpoint, or its configuration endpoint in
   * cluster mode. Named like ReplicatedDatabase's `writerEndpoint`.
   */
  public readonly writerEndpoint: ConnectionEndpoint;


  /** Where reads go: the reader endpoint (spread over replicas), or the configuration endpoint in cluster mode. */
  public readonly readerEndpoint: ConnectionEndpoint;

  /** The AUTH token's secret, with AUTH token authentication. */
  public readonly authTokenSecret?: secretsmanager.ISecret;

  /** The event topic. */
  public readonly notificationTopic: sns.ITopic;

  /** Log groups of the delivered logs. */
  public readonly logGroups: logs.LogGroup[] = [];

  /** Alarms created. */
  public readonly alarms: cloudwatch.Alarm[];

  /** Stable private names, when `internalDns` is set. */
  public readonly internalDns?: InternalDnsNames;

  /** The engine used. */
  public readonly engine: CacheEngine;
  /** The engine version used. */
  public readonly engineVersion: string;
  /** The node type of every node. */
  public readonly nodeType: string;

  /** Replicas of each shard's primary. */
  public readonly replicasPerShard: number;
  /** Shards (node groups): 1 unless cluster mode is on. */
  public readonly shards: number;
  /** Whether cluster mode (sharding) is on. */
  public readonly clusterMode: boolean;

  /**
   * How long a primary's failure interrupts writes: the promotion of a replica. Undefined without
   * automatic failover, where a primary is recovered by replacing it.
   */
  public readonly failoverTime?: FailoverTimeBreakdown;

  /**
   * On the primary of a Global Datastore: how long promoting a secondary in another region takes
   * when the primary's region is lost.
   */
  public readonly globalPromotionTime?: FailoverTimeBreakdown;

  private readonly authentication: CacheAuthentication;

  constructor(scope: Construct, id: string, props: ReplicatedCacheProps) {
    super(scope, id);
    this.engine = props.engine ?? CacheEngine.VALKEY;
    this.engineVersion = props.engineVersion ?? DEFAULT_VERSIONS[this.engine];
    this.nodeType = props.nodeType ?? 'cache.r7g.large';
    this.replicasPerShard = props.replicasPerShard ?? 2;
    this.shards = props.shards ?? 1;
    this.clusterMode = props.clusterMode ?? false;
    this.authentication = props.authentication ?? CacheAuthentication.authToken();
    const subnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    // Without a replica there is nothing to promote, except that cluster mode always has
    // automatic failover on (a shard's replicas can be added later).
    const automaticFailover = props.automaticFailover ?? (this.replicasPerShard > 0 || this.clusterMode);
    const multiAz = props.multiAz ?? this.replicasPerShard > 0;
    const port = props.port ?? 6380;
    this.validate(props, subnets, automaticFailover, multiAz);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: securityGroupDescription(`${this.node.path}: cache nodes`) });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(port) });

    const selected = props.vpc.selectSubnets(subnets);
    this.subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `${this.node.path}: cache subnets`,
      subnetIds: selected.subnetIds });

    this.notificationTopic = props.notificationTopic ?? this.createEventsTopic();
    // A secondary of a Global Datastore takes the primary's AUTH: no token of its own.
    const secondary = props.global?.primaryCache !== undefined;
    const tokenSecret = this.authentication.type === CacheAuthenticationType.AUTH_TOKEN && !secondary
      ? this.authentication.secret ?? this.createAuthTokenSecret()
      : undefined;
    this.authTokenSecret = tokenSecret;

    const nodes = this.clusterMode ? undefined : 1 + this.replicasPerShard;
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Resource', {
      replicationGroupDescription: props.description ?? fitDescription(REPLICATION_GROUP_DESCRIPTION, this.node.path),
      engine: this.engine,
      engineVersion: this.engineVersion,
      cacheNodeType: this.nodeType,
      clusterMode: this.clusterMode ? 'enabled' : 'disabled',
      // No PreferredCacheClusterAZs: pinning zones would make every change of the replica count
      // replace the group (the property requires replacement); with Multi-AZ, ElastiCache spreads
      // the nodes over the subnet group's zones by itself.
      numCacheClusters: nodes,
      numNodeGroups: this.clusterMode ? this.shards : undefined,
      replicasPerNodeGroup: this.clusterMode ? this.replicasPerShard : undefined,
      automaticFailoverEnabled: automaticFailover,
      multiAzEnabled: multiAz,
      dataTieringEnabled: isDataTieringNode(this.nodeType) ? true : undefined,
      cacheParameterGroupName: props.parameterGroupName,
      cacheSubnetGroupName: this.subnetGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      port,
      atRestEncryptionEnabled: true,
      kmsKeyId: props.encryptionKey?.keyArn,
      transitEncryptionEnabled: true,
      authToken: tokenSecret?.secretValue.unsafeUnwrap(),
      userGroupIds: this.authentication.userGroupId ? [this.authentication.userGroupId] : undefined,
      snapshotRetentionLimit: (props.snapshotRetention ?? Duration.days(7)).toDays(),
      snapshotWindow: props.snapshotWindow,
      preferredMaintenanceWindow: props.maintenanceWindow,
      notificationTopicArn: this.notificationTopic.topicArn,
      autoMinorVersionUpgrade: true,
      logDeliveryConfigurations: props.logDelivery === false ? undefined : this.logDelivery(props.logRetention ?? logs.RetentionDays.ONE_MONTH) });
    this.replicationGroup.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.SNAPSHOT);
    acknowledgeDecision(this.replicationGroup, DECISIONS.CACHE_SNAPSHOTS);
    if (this.authentication.type === CacheAuthenticationType.USER_GROUP) {
      Validations.of(this.replicationGroup).acknowledge({
        id: 'AwsSolutions-AEC6',
        reason: 'Clients authenticate as users of the RBAC user group (UserGroupIds), which takes the place of the AUTH token; the rule recognises AUTH tokens only.' });
    }

    const rg = this.replicationGroup;
    if (props.global && !secondary) {
      this.globalReplicationGroupId = createGlobalDatastore(this, rg, props.global.primaryOptions.suffix).ref;
      this.globalPromotionTime = new FailoverTimeBreakdown([failoverStep(GLOBAL_DATASTORE_PROMOTION, props.global.primaryOptions.measuredPromotionTime)]);
    }
    if (secondary) {
      this.globalReplicationGroupId = props.global!.primaryCache!.globalReplicationGroupId!;
      joinGlobalDatastore(rg, this.globalReplicationGroupId);
      recordDatastoreSecondary(props.global!.primaryCache!, this);
    }
    if (this.clusterMode) {
      this.writerEndpoint = { hostname: rg.attrConfigurationEndPointAddress, port };
      this.readerEndpoint = this.writerEndpoint;
    } else {
      this.writerEndpoint = { hostname: rg.attrPrimaryEndPointAddress, port };
      this.readerEndpoint = { hostname: rg.attrReaderEndPointAddress, port };
    }

    if (automaticFailover && this.replicasPerShard > 0) {
      this.failoverTime = new FailoverTimeBreakdown([failoverStep(ELASTICACHE_FAILOVER, props.measuredFailoverTime)]);
    }

    const factory = new AlarmFactory(this, props.alarms ?? {});
    this.createAlarms(factory, props.alarms ?? {});
    if (secondary) createDatastoreLagAlarm(factory, this.node.path, `${rg.ref}-${this.nodeSuffixes()[0]}`, props.alarms?.globalReplicationLag);
    this.alarms = factory.alarms;

    if (props.internalDns) {
      this.internalDns = new InternalDnsNames(this, 'InternalDns', {
        vpc: props.vpc,
        options: props.internalDns,
        writer: this.writerEndpoint.hostname,
        readers: [{ hostname: this.readerEndpoint.hostname, setIdentifier: 'reader' }] });
    }
  }

  /**
   * Where writes go.
   * @deprecated use `writerEndpoint`
   */
  public get primaryEndpoint(): ConnectionEndpoint {
    return this.writerEndpoint;
  }

  /** Worst case from a primary failing to writes being accepted again; undefined without automatic failover. */
  public get worstCaseFailoverTime(): Duration | undefined {
    return this.failoverTime?.total;
  }

  /**
   * Lets `grantee` authenticate: read access to the AUTH token's secret, or `elasticache:Connect`
   * on the replication group as the group's IAM users. Network access is separate:
   * `connections.allowDefaultPortFrom(grantee)`.
   */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    if (this.authTokenSecret) return this.authTokenSecret.grantRead(grantee);
    const userIds = this.authentication.userIds;
    if (userIds.length === 0) {
      throw new HaValidationError(this.node.path, [{
        prop: 'grantConnect()', value: 'a cache whose user group names no IAM users',
        allowed: 'a cache authenticated with CacheAuthentication.userGroup(groupId, [userIds]), whose users are granted' }], 'arguments');
    }
    const stack = Stack.of(this);
    const arn = (resource: string, name: string) => stack.formatArn({ service: 'elasticache', resource, resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['elasticache:Connect'],
      resourceArns: [arn('replicationgroup', this.replicationGroup.ref), ...userIds.map((u) => arn('user', u))] });
  }

  /** A metric of one node, e.g. `metric('EngineCPUUtilization', '001')`. Default: maximum over 1 minute. */
  public metric(metricName: string, nodeSuffix: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ElastiCache',
      metricName,
      dimensionsMap: { CacheClusterId: `${this.replicationGroup.ref}-${nodeSuffix}` },
      statistic: 'Maximum',
      period: Duration.minutes(1),
      ...props });
  }

  /** Node-id suffixes of one shard: `001`... in cluster mode disabled, `0001-001`... in cluster mode. */
  public nodeSuffixes(shard: number = 1): string[] {
    const nodes = Array.from({ length: 1 + this.replicasPerShard }, (_, i) => String(i + 1).padStart(3, '0'));
    return this.clusterMode ? nodes.map((n) => `${String(shard).padStart(4, '0')}-${n}`) : nodes;
  }

  /** Replication lag of the shard's replicas, maximum over the nodes, seconds. */
  public metricReplicationLag(shard: number = 1, props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return this.shardMaximum('ReplicationLag', shard, props);
  }

  /** Engine CPU, maximum over the shard's nodes, percent. */
  public metricEngineCpuUtilization(shard: number = 1, props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return this.shardMaximum('EngineCPUUtilization', shard, props);
  }

  /** Memory used by data, maximum over the shard's nodes, percent. */
  public metricMemoryUsagePercentage(shard: number = 1, props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return this.shardMaximum('DatabaseMemoryUsagePercentage', shard, props);
  }

  /** Evictions per minute, maximum over the shard's nodes. */
  public metricEvictions(shard: number = 1, props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return this.shardMaximum('Evictions', shard, props, 'Sum');
  }

  /** Client connections, maximum over the shard's nodes. */
  public metricCurrentConnections(shard: number = 1, props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return this.shardMaximum('CurrConnections', shard, props);
  }

  private shardMaximum(metricName: string, shard: number, props?: cloudwatch.MathExpressionOptions, statistic = 'Maximum'): cloudwatch.MathExpression {
    return this.maximumOverNodes(metricName, this.nodeSuffixes(shard), `shard ${shard}`, statistic, props);
  }

  private maximumOverNodes(metricName: string, nodes: string[], title: string, statistic = 'Maximum', props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    const usingMetrics = Object.fromEntries(nodes.map((suffix, i) => [`n${i}`, this.metric(metricName, suffix, { statistic })]));
    return new cloudwatch.MathExpression({
      expression: `MAX([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      label: `${metricName} (max over ${title})`,
      period: Duration.minutes(1),
      ...props });
  }

  /**
   * The events topic, TLS only. `enforceSSL` replaces the topic's default policy, whose statement
   * is what ElastiCache publishes under; the statement ElastiCache documents is given back: any
   * principal, `SNS:Publish`, on condition `AWS:SourceOwner` is this account (ElastiCache does not
   * support `aws:SourceAccount` here, and marks a topic it cannot publish to inactive).
   * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ECEvents.SNS.html
   */
  private createEventsTopic(): sns.Topic {
    const topic = new sns.Topic(this, 'Events', { enforceSSL: true });
    acknowledgeDecision(topic, DECISIONS.EVENTS_TOPIC_UNENCRYPTED);
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowElastiCachePublish',
      principals: [new iam.AnyPrincipal()],
      actions: ['SNS:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'AWS:SourceOwner': Stack.of(this).account } } }));
    return topic;
  }

  private createAuthTokenSecret(): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'AuthToken', {
      description: fitDescription(SECRET_DESCRIPTION, `${this.node.path}: AUTH token`),
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN });
    acknowledgeDecision(secret, DECISIONS.CACHE_TOKEN_ROTATION);
    acknowledgeDecision(secret, DECISIONS.SECRET_AWS_MANAGED_KEY);
    return secret;
  }

  private logDelivery(retention: logs.RetentionDays): elasticache.CfnReplicationGroup.LogDeliveryConfigurationRequestProperty[] {
    return (['slow-log', 'engine-log'] as const).map((logType) => {
      const group = new logs.LogGroup(this, logType === 'slow-log' ? 'SlowLog' : 'EngineLog', { retention, removalPolicy: RemovalPolicy.RETAIN });
      this.logGroups.push(group);
      acknowledgeDecision(group, DECISIONS.LOG_GROUPS_SERVICE_ENCRYPTED);
      acknowledgeDecision(group, DECISIONS.LOG_RETENTION);
      return {
        destinationType: 'cloudwatch-logs',
        destinationDetails: { cloudWatchLogsDetails: { logGroup: group.logGroupName } },
        logFormat: 'json',
        logType };
    });
  }

  private createAlarms(factory: AlarmFactory, options: ReplicatedCacheAlarmOptions): void {
    const gt = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
    const alarms: Array<{ id: string; suffix: string; metric: string; statistic?: string; what: string; threshold: number }> = [
      ...(this.replicasPerShard > 0 ? [{ id: 'ReplicationLagAlarm', suffix: 'replication-lag', metric: 'ReplicationLag', what: 'A replica of {} lags behind its primary.', threshold: options.replicationLag?.toSeconds({ integral: false }) ?? options.replicationLagSeconds ?? 5 }] : []),
      { id: 'EngineCpuAlarm', suffix: 'engine-cpu', metric: 'EngineCPUUtilization', what: 'The engine thread of a node of {} is busy.', threshold: options.engineCpuPercent ?? 90 },
      { id: 'MemoryAlarm', suffix: 'memory', metric: 'DatabaseMemoryUsagePercentage', what: 'A node of {} is running out of memory.', threshold: options.memoryPercent ?? 80 },
      { id: 'EvictionsAlarm', suffix: 'evictions', metric: 'Evictions', statistic: 'Sum', what: 'A node of {} evicts keys: its working set does not fit.', threshold: options.evictionsPerMinute ?? 1000 },
      { id: 'ConnectionsAlarm', suffix: 'connections', metric: 'CurrConnections', what: 'A node of {} holds many client connections.', threshold: options.connections ?? 50000 },
    ];
    for (const group of this.alarmGroups()) {
      for (const a of alarms) {
        factory.create({ id: `${group.label}${a.id}`, nameSuffix: `${a.suffix}${group.suffix}`, description: a.what.replace('{}', group.where),
          metric: this.maximumOverNodes(a.metric, group.nodes, group.title, a.statistic), threshold: a.threshold, comparison: gt });
      }
    }
  }

  /**
   * The nodes each set of alarms watches. Up to 10 shards, one set per shard (ids `Shard<n>...` in
   * cluster mode). Beyond, per-shard alarms would pass CloudFormation's 500 resources per stack
   * (5 alarms × 500 shards), so nodes are grouped 10 to an alarm, the most a metric-math alarm
   * reads (CloudWatch User Guide, "Limits that apply to alarms based on metric math expressions",
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html; CloudFormation
   * quotas, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
   * 500 nodes make 50 alarms per metric.
   */
  private alarmGroups(): Array<{ label: string; suffix: string; where: string; title: string; nodes: string[] }> {
    if (this.shards <= MAX_SHARDS_WITH_OWN_ALARMS) {
      return Array.from({ length: this.shards }, (_, i) => {
        const shard = i + 1;
        const one = this.shards === 1;
        return { label: one ? '' : `Shard${shard}`, suffix: one ? '' : `-shard-${shard}`, where: `${this.node.path}${one ? '' : ` shard ${shard}`}`, title: `shard ${shard}`, nodes: this.nodeSuffixes(shard) };
      });
    }
    const all = Array.from({ length: this.shards }, (_, i) => this.nodeSuffixes(i + 1)).flat();
    return Array.from({ length: Math.ceil(all.length / MAX_ALARM_METRICS) }, (_, i) => {
      const nodes = all.slice(i * MAX_ALARM_METRICS, (i + 1) * MAX_ALARM_METRICS);
      const title = `nodes ${nodes[0]} to ${nodes[nodes.length - 1]}`;
      return { label: `Nodes${i + 1}`, suffix: `-nodes-${i + 1}`, where: `${this.node.path} (${title})`, title, nodes };
    });
  }

  private validate(props: ReplicatedCacheProps, subnets: ec2.SubnetSelection, automaticFailover: boolean, multiAz: boolean): void {
    const v = new Validator();
    const replicas = this.replicasPerShard;
    validateGlobalDatastore(v, props.global, { scope: this, nodeType: this.nodeType, engine: this.engine, engineVersion: this.engineVersion, shards: this.shards,
      clusterMode: this.clusterMode, authentication: props.global?.primaryCache ? props.authentication : undefined });
    if (props.alarms?.globalReplicationLag !== undefined && !props.global?.primaryCache) {
      v.add('alarms.globalReplicationLag', formatSeconds(props.alarms.globalReplicationLag), 'unset outside a secondary of a Global Datastore, where the lag is published');
    }
    v.integer('replicasPerShard', props.replicasPerShard, 0, 5);
    v.integer('shards', props.shards, 1, 500);
    if (!this.clusterMode && this.shards > 1) v.add('shards', String(this.shards), '1 without cluster mode: partitioning over shards needs clusterMode: true');
    const maxNodes = this.engine === CacheEngine.REDIS && compareVersions(this.engineVersion, '5.0.6') < 0 ? 90 : 500;
    const total = this.shards * (replicas + 1);
    if (Number.isInteger(total) && total > maxNodes) {
      v.add('shards', `${this.shards} shards × ${replicas + 1} nodes = ${total} nodes`, `at most ${maxNodes} nodes in a replication group of ${this.engine} ${this.engineVersion}`);
    }
    if (replicas === 0 && automaticFailover && !this.clusterMode) v.add('automaticFailover', 'true with no replica', 'a replica to promote (replicasPerShard ≥ 1), or automaticFailover: false');
    if (replicas === 0 && multiAz) v.add('multiAz', 'true with no replica', 'a replica in another zone (replicasPerShard ≥ 1), or multiAz: false');
    if (multiAz && !automaticFailover) v.add('multiAz', 'true with automaticFailover false', 'Multi-AZ only with automatic failover');
    if (this.clusterMode && !automaticFailover) v.add('automaticFailover', 'false in cluster mode', 'automatic failover on: cluster mode requires it');

    v.matches('engineVersion', this.engineVersion, /^\d+\.\d+(\.\d+)?$/, 'a version like 8.1 or 7.1');
    validateEngineVersion(v, this.engine, this.engineVersion);
    validateDataTiering(v, this.engine, this.engineVersion, this.nodeType);
    if (this.authentication.type === CacheAuthenticationType.USER_GROUP && this.engine === CacheEngine.REDIS && compareVersions(this.engineVersion, '6.0') < 0) {
      v.add('authentication', `a user group with Redis OSS ${this.engineVersion}`, 'Redis OSS 6.0 or later, or Valkey, for RBAC user groups');
    }
    if (props.logDelivery !== false && this.engine === CacheEngine.REDIS && compareVersions(this.engineVersion, '6.2') < 0) {
      v.add('logDelivery', `slow and engine logs with Redis OSS ${this.engineVersion}`, 'Redis OSS 6.2 or later (engine log), or logDelivery: false');
    }
    v.matches('nodeType', this.nodeType, NODE_TYPE, 'a node type like cache.r7g.large');
    validateNodeSize(v, this.nodeType);
    if (!Token.isUnresolved(this.nodeType) && PREVIOUS_GENERATION.test(this.nodeType)) {
      v.add('nodeType', JSON.stringify(this.nodeType), 'a current-generation node type: previous generations (t1, m1, m2, c1) support neither Multi-AZ, encryption nor snapshots');
    } else if (!Token.isUnresolved(this.nodeType) && NODE_TYPE.test(this.nodeType) && !KNOWN_NODE_FAMILIES.includes(this.nodeType.split('.')[1])) {
      Annotations.of(this).addWarningV2('cdk-ha-kit:unknownNodeFamily',
        `nodeType ${this.nodeType} is not among the node families this library knows (${KNOWN_NODE_FAMILIES.join(', ')}): if ElastiCache offers it in your region, acknowledge this warning; if not, the deployment fails.`);
    }
    // "The key must be in the same AWS Region as the cache" (ElastiCache at-rest encryption with
    // a customer managed key). https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html
    v.sameRegion('encryptionKey', this, props.encryptionKey, 'KMS keys are regional, and ElastiCache encrypts with a key of the cache\'s region');
    v.integer('port', props.port, 1, 65535);
    const retention = props.snapshotRetention;
    if (retention !== undefined && !retention.isUnresolved()) {
      const days = retention.toDays({ integral: false });
      if (!Number.isInteger(days) || days < 0 || days > 35) v.add('snapshotRetention', `${days} days`, 'whole days from 0 to 35');
    }
    checkWindow(v, 'snapshotWindow', props.snapshotWindow, SNAPSHOT_WINDOW, 'hh:mm-hh:mm (UTC)');
    checkWindow(v, 'maintenanceWindow', props.maintenanceWindow, MAINTENANCE_WINDOW, 'ddd:hh:mm-ddd:hh:mm (UTC), e.g. sun:05:00-sun:06:00');
    v.subnetsInTwoZones('vpcSubnets', props.vpc, subnets, 'for Multi-AZ');
    validateInternalDns(v, props.internalDns);
    const alarms = props.alarms ?? {};
    AlarmFactory.validate(v, alarms);
    v.aboveZero('alarms.replicationLag', alarms.replicationLag);
    v.deprecatedBeside('alarms.replicationLagSeconds', alarms.replicationLagSeconds, 'alarms.replicationLag', alarms.replicationLag);
    for (const [prop, value, max] of [
      ['replicationLagSeconds', alarms.replicationLagSeconds, Number.MAX_SAFE_INTEGER], ['engineCpuPercent', alarms.engineCpuPercent, 100],
      ['memoryPercent', alarms.memoryPercent, 100], ['evictionsPerMinute', alarms.evictionsPerMinute, Number.MAX_SAFE_INTEGER],
      ['connections', alarms.connections, 65000],
    ] as const) {
      if (value !== undefined && !(value > 0 && value <= max)) v.add(`alarms.${prop}`, String(value), `above 0${max < Number.MAX_SAFE_INTEGER ? ` and at most ${max}` : ''}`);
    }
    validateDescription(v, 'description', REPLICATION_GROUP_DESCRIPTION, props.description);
    v.throwIfAny(this);
  }


}


/** A window of at least 60 minutes in the given format. */
function checkWindow(v: Validator, prop: string, window: string | undefined, pattern: RegExp, format: string): void {
  if (window === undefined || Token.isUnresolved(window)) return;
  const m = pattern.exec(window.toLowerCase());
  const allowed = `${format}, at least 60 minutes long`;
  if (!m) {
    v.add(prop, JSON.stringify(window), allowed);
    return;
  }
  const toMinutes = (day: string | undefined, h: string, min: string) => (day ? DAYS.indexOf(day) * 1440 : 0) + Number(h) * 60 + Number(min);
  const weekly = m.length === 7;
  const start = weekly ? toMinutes(m[1], m[2], m[3]) : toMinutes(undefined, m[1], m[2]);
  const end = weekly ? toMinutes(m[4], m[5], m[6]) : toMinutes(undefined, m[3], m[4]);
  const period = weekly ? 7 * 1440 : 1440;
  const length = (end - start + period) % period;
  if (length < 60) v.add(prop, JSON.stringify(window), allowed);
}
