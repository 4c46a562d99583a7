/** `ReplicatedDatabase`: RDS Multi-AZ with read replicas, or Aurora with readers; encrypted, with alarms, endpoints and grants. */
import { Duration, Names, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AlarmFactory, MAX_ALARM_METRICS } from '../core/alarms';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { ConnectionEndpoint } from '../core/connection-endpoint';
import { securityGroupDescription } from '../core/descriptions';
import { FailoverTimeBreakdown } from '../core/failover-time';
import { Validator, formatSeconds } from '../core/validation';
import { createAuroraCluster } from './aurora-cluster';
import {
  DatabaseAvailability, DatabaseDataLoss, DatabaseEngine, DatabaseKind, GlobalDatabasePrimaryOptions, GlobalDatabaseRole, IGlobalDatabasePrimary, ReplicatedDatabaseProps,
} from './database-props';
import { AURORA_FAILOVER, AURORA_GLOBAL_LAG, IN_REGION_DATA_LOSS, RDS_MULTI_AZ_FAILOVER, failoverStep, managedRpo } from './failover-figures';
import { createGlobalLagAlarm, globalFailover, secondaryKey, setUpGlobal, validateGlobal } from './global-database';
import { InternalDnsNames, validateInternalDns } from './internal-dns';
import { createLogGroups } from './log-groups';
import { SharedDatabaseSettings, createRdsInstance } from './rds-instance';
import {
  defaultInstanceType, defaultLogExports, defaultPort, maxStorageGiB, supportsIamAuthentication, supportsMultiAz,
  validateDatabaseName, validateInstanceClass, validateLogExports, validateMonitoring, validatePort, validateUsername } from './rds-rules';
import { checkGivenParameterGroup, tlsParameterGroup } from './tls-rules';

/**
 * A replicated relational database: an RDS instance with a Multi-AZ standby and read replicas in
 * other zones, or an Aurora cluster with a writer and readers spread over the zones with
 * promotion tiers. Credentials in a rotated secret, encrypted storage, deletion protection,
 * backups, snapshot on removal, IAM authentication, logs, its own security group and alarms.
 */
export class ReplicatedDatabase extends Construct implements ec2.IConnectable, IGlobalDatabasePrimary {
  /** RDS or Aurora. */
  public readonly kind: DatabaseKind;

  /** The engine. */
  public readonly engine: DatabaseEngine;

  /** The global cluster's identifier, with `global` (primary or secondary). */
  public readonly globalClusterIdentifier?: string;

  /** On the primary of a global database, its data-loss bound (`global.recoveryPointObjective`). */
  public readonly recoveryPointObjective?: Duration;

  /** The global cluster, on the primary of a global database. */
  public readonly globalCluster?: rds.CfnGlobalCluster;


  /** The RDS instance, for `RDS_INSTANCE`. */
  public readonly instance?: rds.DatabaseInstance;

  /** The RDS read replicas, for `RDS_INSTANCE`. */
  public readonly replicas: rds.DatabaseInstanceReadReplica[] = [];

  /** The Aurora cluster, for `AURORA_CLUSTER`. */
  public readonly cluster?: rds.DatabaseCluster;

  /** The master credentials; none on a secondary of a global database, which takes the primary's. */
  public readonly secret?: secretsmanager.ISecret;

  /**
   * The password-rotation function's security group: out to HTTPS (Secrets Manager) and the
   * database port only.
   * @default - none when `rotation` is false
   */
  public readonly rotationSecurityGroup?: ec2.ISecurityGroup;

  /** The security group: only sources allowed on `connections` reach the port. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** Traffic rules; `connections.allowDefaultPortFrom(service)` lets a client in. */
  public readonly connections: ec2.Connections;

  /**
   * Where writes go: the instance endpoint (follows Multi-AZ failover) or the cluster endpoint. A
   * secondary's is its own cluster endpoint, read-only until promoted.
   */
  public readonly writerEndpoint: ConnectionEndpoint;

  /**
   * Where reads go: Aurora's reader endpoint; for RDS, `reader.<zone>` of `internalDns`, spread
   * over the replicas; undefined for RDS without internal DNS (use `replicaEndpoints`).
   */
  public readonly readerEndpoint?: ConnectionEndpoint;

  /** The RDS read replicas' endpoints. */
  public readonly replicaEndpoints: ConnectionEndpoint[];

  /** Alarms created. */
  public readonly alarms: cloudwatch.Alarm[];

  /** Stable private names, when `internalDns` is set. */
  public readonly internalDns?: InternalDnsNames;

  /** Read replicas (RDS) or readers (Aurora). */
  public readonly readReplicas: number;

  /**
   * Identifier of the cluster (Aurora) or instance (RDS; replicas add `-replica-<n>`). Fixed, so
   * that the log groups exist before the database writes to them, and so that a change
   * CloudFormation could only make by replacing the database fails instead of creating an empty
   * one.
   */
  public readonly identifier: string;

  /** Log groups of the exported logs, with their retention. */
  public readonly logGroups: logs.LogGroup[] = [];

  /**
   * How long a writer's failure interrupts writes: the Multi-AZ or Aurora failover. Undefined
   * without a standby.
   */
  public readonly failoverTime?: FailoverTimeBreakdown;

  /**
   * On the primary of a global database: how long the failover to a secondary region takes when
   * the primary's region is lost; with headless secondaries only, creating an instance first.
   * Read it once every secondary is built.
   */
  public get globalFailoverTime(): FailoverTimeBreakdown | undefined {
    return this.globalPrimaryOptions ? globalFailover(this, this.globalPrimaryOptions) : undefined;
  }

  /**
   * In a global database: the global writer endpoint, which Aurora keeps on the writer of the
   * current primary across switchovers and failovers. Give it to applications for writes, from
   * either region; read from the regional `readerEndpoint`.
   */
  public readonly globalWriterEndpoint?: ConnectionEndpoint;

  /** A secondary with no DB instance (`readReplicas: 0` with `GlobalDatabase.secondaryOf`). */
  public readonly headless: boolean;

  /**
   * How much data each failure loses, as durations of writes: `writer` (0 s with a standby: it has
   * every committed write) and, on the primary of a global database, `region`.
   */
  public readonly dataLoss: DatabaseDataLoss;

  private readonly iamAuthentication: boolean;
  private readonly globalPrimaryOptions?: GlobalDatabasePrimaryOptions;
  private readonly username: string;

  constructor(scope: Construct, id: string, props: ReplicatedDatabaseProps) {
    super(scope, id);
    this.kind = props.engine.kind;
    this.engine = props.engine;
    this.globalPrimaryOptions = props.global?.role === GlobalDatabaseRole.PRIMARY ? props.global.primaryOptions : undefined;
    this.recoveryPointObjective = this.globalPrimaryOptions?.recoveryPointObjective;
    const engineType = props.engine.engineType;
    const secondary = props.global?.role === GlobalDatabaseRole.SECONDARY;
    const ha = (props.availability ?? DatabaseAvailability.HIGHLY_AVAILABLE) === DatabaseAvailability.HIGHLY_AVAILABLE;
    this.readReplicas = props.readReplicas ?? (ha ? 1 : 0);
    this.headless = secondary && this.readReplicas === 0;
    const multiAz = this.kind === DatabaseKind.RDS_INSTANCE && (props.multiAz ?? ha);
    this.iamAuthentication = props.iamAuthentication ?? supportsIamAuthentication(engineType);
    this.username = props.username ?? 'dbadmin';
    const subnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const instanceType = props.instanceType ?? defaultInstanceType(engineType);
    this.validate(props, ha, multiAz, subnets, instanceType);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: securityGroupDescription(`${this.node.path}: database`) });
    const port = props.port ?? defaultPort(engineType);
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup], defaultPort: ec2.Port.tcp(port) });

    const zones = props.vpc.selectSubnets(subnets).availabilityZones;
    // Retained: snapshots kept after the database is removed are useless without their password.
    // A secondary has none: its users are the primary's.
    const secret = secondary ? undefined : new rds.DatabaseSecret(this, 'Secret', { username: this.username });
    secret?.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const logExports = props.cloudwatchLogsExports ?? defaultLogExports(engineType);
    this.identifier = physicalIdentifier(this);
    const monitoringRole = props.monitoringInterval ? this.createMonitoringRole() : undefined;
    const engine: rds.IEngine = props.engine.instanceEngine ?? props.engine.clusterEngine!;
    const parameterGroup = tlsParameterGroup(this, engine, props.parameterGroup);
    const rpo = props.global?.primaryOptions.recoveryPointObjective;
    if (rpo !== undefined && parameterGroup instanceof rds.ParameterGroup) parameterGroup.addParameter('rds.global_db_rpo', String(rpo.toSeconds()));
    const shared: SharedDatabaseSettings = {
      vpc: props.vpc,
      vpcSubnets: subnets,
      securityGroups: [this.securityGroup],
      port,
      // A secondary's cluster takes no credentials: the properties are removed once it is built.
      credentials: secret ? rds.Credentials.fromSecret(secret) : rds.Credentials.fromPassword(this.username, SecretValue.unsafePlainText('unused')),
      storageEncrypted: true,
      storageEncryptionKey: props.storageEncryptionKey ?? (secondary ? secondaryKey(this) : undefined),
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.SNAPSHOT,
      iamAuthentication: this.iamAuthentication,
      parameterGroup,
      cloudwatchLogsExports: logExports,
      monitoringInterval: props.monitoringInterval,
      monitoringRole,
      autoMinorVersionUpgrade: true };
    const layout = { props, shared, identifier: this.identifier, engineType, instanceType, multiAz, readReplicas: this.readReplicas, zones };
    let rotationTarget: rds.DatabaseInstance | rds.DatabaseCluster;
    if (this.kind === DatabaseKind.RDS_INSTANCE) {
      const { instance, replicas } = createRdsInstance(this, layout);
      this.instance = instance;
      this.replicas.push(...replicas);
      this.writerEndpoint = { hostname: instance.dbInstanceEndpointAddress, port };
      rotationTarget = instance;
    } else {
      const cluster = createAuroraCluster(this, layout);
      this.cluster = cluster;
      if (props.global) {
        const global = setUpGlobal(this, cluster, props.global, this.headless);
        this.globalClusterIdentifier = global.identifier;
        this.globalCluster = global.globalCluster;
        this.globalWriterEndpoint = { hostname: global.writerHostname, port };
      }
      this.writerEndpoint = { hostname: cluster.clusterEndpoint.hostname, port };
      this.readerEndpoint = { hostname: cluster.clusterReadEndpoint.hostname, port };
      rotationTarget = cluster;
    }
    this.secret = secret;
    const owners = this.cluster
      ? [{ path: `/aws/rds/cluster/${this.identifier}`, resource: this.cluster as Construct }]
      : [this.instance!, ...this.replicas].map((inst, i) => ({ path: `/aws/rds/instance/${i === 0 ? this.identifier : `${this.identifier}-replica-${i}`}`, resource: inst as Construct }));
    this.logGroups.push(...createLogGroups(this, owners, logExports, props.cloudwatchLogsRetention ?? logs.RetentionDays.ONE_MONTH));
    this.replicaEndpoints = this.replicas.map((r) => ({ hostname: r.dbInstanceEndpointAddress, port }));
    if (props.parameterGroup) checkGivenParameterGroup(this, engine, props.parameterGroup);
    if (secret) {
      this.rotationSecurityGroup = this.configureRotation(props, secret, rotationTarget);
      acknowledgeDecision(secret, DECISIONS.SECRET_AWS_MANAGED_KEY);
    }
    for (const db of [this.cluster ?? this.instance!, ...this.replicas]) {
      acknowledgeDecision(db, DECISIONS.DATABASE_BACKUPS);
      if (props.monitoringInterval === undefined) acknowledgeDecision(db, DECISIONS.ENHANCED_MONITORING_OPTIONAL);
    }

    if (!secondary && (multiAz || (this.kind === DatabaseKind.AURORA_CLUSTER && this.readReplicas > 0))) {
      const documented = this.kind === DatabaseKind.RDS_INSTANCE ? RDS_MULTI_AZ_FAILOVER : AURORA_FAILOVER;
      this.failoverTime = new FailoverTimeBreakdown([failoverStep(documented, props.measuredFailoverTime)]);
    }
    const global = this.globalPrimaryOptions;
    this.dataLoss = {
      writer: this.failoverTime ? new FailoverTimeBreakdown([IN_REGION_DATA_LOSS]) : undefined,
      region: global ? new FailoverTimeBreakdown([global.recoveryPointObjective ? managedRpo(global.recoveryPointObjective) : AURORA_GLOBAL_LAG]) : undefined,
    };

    const factory = new AlarmFactory(this, props.alarms ?? {});
    // A headless secondary has no instance to publish CPU, storage or connections.
    if (!this.headless) this.createAlarms(factory, props);
    if (secondary) createGlobalLagAlarm(factory, this, props.global!.primaryDatabase!, props.alarms?.globalReplicationLag);
    this.alarms = factory.alarms;

    if (props.internalDns) {
      const readers = this.kind === DatabaseKind.AURORA_CLUSTER || this.replicas.length === 0
        ? [{ hostname: (this.readerEndpoint ?? this.writerEndpoint).hostname, setIdentifier: 'reader' }]
        : this.replicaEndpoints.map((e, i) => ({ hostname: e.hostname, setIdentifier: `replica-${i + 1}` }));
      // In a global database, the writer's name follows the writer across regions.
      const writer = (this.globalWriterEndpoint ?? this.writerEndpoint).hostname;
      this.internalDns = new InternalDnsNames(this, 'InternalDns', { vpc: props.vpc, options: props.internalDns, writer, readers });
      if (this.readerEndpoint === undefined) this.readerEndpoint = { hostname: this.internalDns.readerName, port };
    }
  }

  /** Worst case from the writer failing to writes being accepted again; undefined without a standby. */
  public get worstCaseFailoverTime(): Duration | undefined {
    return this.failoverTime?.total;
  }

  /**
   * Lets `grantee` connect: `rds-db:connect` as `dbUser` with IAM authentication, read access to
   * the master secret without it. Network access is separate:
   * `connections.allowDefaultPortFrom(grantee)`.
   * @param dbUser the database user to connect as (IAM authentication)
   */
  public grantConnect(grantee: iam.IGrantable, dbUser?: string): iam.Grant {
    if (!this.iamAuthentication) {
      if (!this.secret) {
        const v = new Validator();
        v.add('grantConnect', 'a grant of the master secret on a secondary of a global database', 'IAM authentication (dbUser), or a grant on the primary\'s secret: a secondary has none of its own');
        v.throwIfAny(this);
      }
      return this.secret!.grantRead(grantee);
    }
    const user = dbUser ?? this.username;
    return this.instance ? this.instance.grantConnect(grantee, user) : this.cluster!.grantConnect(grantee, user);
  }

  /** A metric of the writer (RDS instance) or of the cluster (Aurora). Default: maximum over 1 minute. */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const options = { statistic: 'Maximum', period: Duration.minutes(1), ...props };
    return this.instance ? this.instance.metric(metricName, options) : this.cluster!.metric(metricName, options);
  }

  /** Replica lag in seconds, maximum over the replicas or readers. */
  public metricReplicaLag(props?: cloudwatch.MathExpressionOptions): cloudwatch.IMetric {
    if (this.cluster) {
      return new cloudwatch.MathExpression({
        expression: 'lag / 1000',
        usingMetrics: { lag: this.cluster.metric('AuroraReplicaLagMaximum', { statistic: 'Maximum', period: Duration.minutes(1) }) },
        label: 'Replica lag (s)',
        period: Duration.minutes(1),
        ...props });
    }
    return this.maximumOver('ReplicaLag', this.replicas, 'MAX', props);
  }

  /** CPU percent, maximum over all instances. */
  public metricCpuUtilization(props?: cloudwatch.MathExpressionOptions): cloudwatch.IMetric {
    if (this.cluster) return this.metric('CPUUtilization', props);
    return this.maximumOver('CPUUtilization', [this.instance!, ...this.replicas], 'MAX', props);
  }

  /** Free storage in bytes, minimum over all instances (Aurora: free local storage). */
  public metricFreeStorage(props?: cloudwatch.MathExpressionOptions): cloudwatch.IMetric {
    if (this.cluster) return this.metric('FreeLocalStorage', { statistic: 'Minimum', ...props });
    return this.maximumOver('FreeStorageSpace', [this.instance!, ...this.replicas], 'MIN', props, 'Minimum');
  }

  /** Connections to the writer. */
  public metricConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DatabaseConnections', props);
  }

  private maximumOver(metricName: string, instances: rds.DatabaseInstanceBase[], fn: 'MAX' | 'MIN', props?: cloudwatch.MathExpressionOptions, statistic = 'Maximum'): cloudwatch.MathExpression {
    const usingMetrics = Object.fromEntries(instances.map((inst, i) => [`i${i}`, inst.metric(metricName, { statistic, period: Duration.minutes(1) })]));
    return new cloudwatch.MathExpression({
      expression: `${fn}([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      label: `${metricName} (${fn === 'MAX' ? 'maximum' : 'minimum'} over instances)`,
      period: Duration.minutes(1),
      ...props });
  }

  /** One enhanced-monitoring role for every instance, with the policy AWS documents for it. */
  private createMonitoringRole(): iam.Role {
    const role = new iam.Role(this, 'MonitoringRole', {
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')] });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      reason: 'AmazonRDSEnhancedMonitoringRole is the policy AWS documents for the enhanced-monitoring role: it only writes the RDSOSMetrics log group, and AWS keeps it in step with what the monitoring agent needs.' });
    return role;
  }

  private configureRotation(props: ReplicatedDatabaseProps, secret: secretsmanager.ISecret, target: rds.DatabaseInstance | rds.DatabaseCluster): ec2.ISecurityGroup | undefined {
    if (props.rotation === false) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Rotation of the master password was switched off explicitly with `rotation: false`.' });
      return undefined;
    }
    // The rotation function's own group, so that its description is one EC2 accepts and its
    // egress is what rotation needs: HTTPS to Secrets Manager, and the database port, which
    // SecretRotation opens from this group to the database (an egress rule here, an ingress rule there).
    const securityGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: securityGroupDescription(`${this.node.path}: password rotation`) });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: Secrets Manager');
    // Opened here first, with a description EC2 accepts: SecretRotation's own rule has the same
    // construct id and is skipped, where its description (`from <unique id>:<port>`) can pass 255 characters.
    target.connections.allowDefaultPortFrom(securityGroup, securityGroupDescription(`${this.node.path}: password rotation`));
    acknowledgeDecision(this.securityGroup, DECISIONS.ROTATION_DATABASE_PORT);
    target.addRotationSingleUser({
      automaticallyAfter: props.rotationInterval ?? Duration.days(30),
      vpcSubnets: props.rotationSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup });
    return securityGroup;
  }

  private createAlarms(factory: AlarmFactory, props: ReplicatedDatabaseProps): void {
    const options = props.alarms ?? {};
    const gt = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
    const aurora = this.kind === DatabaseKind.AURORA_CLUSTER;
    const freeGiB = options.freeStorageGiB ?? (aurora ? 2 : (props.allocatedStorage ?? 100) / 10);
    const lag = options.replicaLag ?? Duration.seconds(aurora ? 1 : 30);
    const instances = aurora ? [] : [this.instance!, ...this.replicas];
    // An alarm on metric math reads at most 10 metrics, a hard limit (CloudWatch User Guide,
    // "Limits that apply to alarms based on metric math expressions",
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html): from 10
    // instances up, one alarm per 10 of them, each with the same threshold and actions.
    const perAlarm = (id: string, suffix: string, over: rds.DatabaseInstanceBase[], whole: () => cloudwatch.IMetric,
      one: (group: rds.DatabaseInstanceBase[]) => cloudwatch.IMetric, alarm: { description: string; threshold: number; comparison: cloudwatch.ComparisonOperator }) => {
      const groups = aurora || over.length <= MAX_ALARM_METRICS ? [undefined] : chunk(over, MAX_ALARM_METRICS);
      groups.forEach((group, i) => factory.create({
        id: i === 0 ? id : `${id}${i + 1}`,
        nameSuffix: i === 0 ? suffix : `${suffix}-${i + 1}`,
        metric: group ? one(group) : whole(),
        ...alarm }));
    };
    if (this.readReplicas > 0) {
      perAlarm('ReplicaLagAlarm', 'replica-lag', this.replicas, () => this.metricReplicaLag(), (g) => this.maximumOver('ReplicaLag', g, 'MAX'),
        { description: `A replica of ${this.node.path} lags more than ${formatSeconds(lag)} behind the writer.`, threshold: lag.toSeconds({ integral: false }), comparison: gt });
    }
    perAlarm('CpuAlarm', 'cpu', instances, () => this.metricCpuUtilization(), (g) => this.maximumOver('CPUUtilization', g, 'MAX'),
      { description: `An instance of ${this.node.path} is busy.`, threshold: options.cpuPercent ?? 80, comparison: gt });
    perAlarm('FreeStorageAlarm', 'free-storage', instances, () => this.metricFreeStorage(), (g) => this.maximumOver('FreeStorageSpace', g, 'MIN', undefined, 'Minimum'),
      { description: `An instance of ${this.node.path} has less than ${freeGiB} GiB of free storage.`, threshold: freeGiB * 1024 ** 3, comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD });
    factory.create({ id: 'ConnectionsAlarm', nameSuffix: 'connections', description: `The writer of ${this.node.path} holds many connections.`,
      metric: this.metricConnections(), threshold: options.connections ?? 500, comparison: gt });
  }

  private validate(props: ReplicatedDatabaseProps, ha: boolean, multiAz: boolean, subnets: ec2.SubnetSelection, instanceType: ec2.InstanceType): void {
    const v = new Validator();
    const engineType = props.engine.engineType;
    const aurora = this.kind === DatabaseKind.AURORA_CLUSTER;
    // A secondary of a global database has up to 16 read-only instances ("Configuration
    // requirements of an Amazon Aurora global database").
    const maxReplicas = engineType.startsWith('oracle') ? 5 : props.global?.role === GlobalDatabaseRole.SECONDARY ? 16 : 15;
    // "You can only use KMS keys in the same AWS Region" as the database (RDS User Guide,
    // "AWS KMS key management"). https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html
    v.sameRegion('storageEncryptionKey', this, props.storageEncryptionKey, 'KMS keys are regional, and RDS encrypts with a key of the database\'s region');
    v.integer('readReplicas', props.readReplicas, 0, maxReplicas, `an integer from 0 to ${maxReplicas}${maxReplicas === 5 ? ' (Oracle)' : ''}`);
    if (!aurora && this.readReplicas > 0 && /^(oracle-se2|sqlserver-(se|ex|web))/.test(engineType)) {
      v.add('readReplicas', `${this.readReplicas} on ${engineType}`, 'no read replicas on this edition: RDS offers them for Oracle and SQL Server Enterprise Edition only');
    }
    if (aurora && props.multiAz !== undefined) {
      v.add('multiAz', String(props.multiAz), 'unset for Aurora: readers in other zones are its standbys (readReplicas)');
    }
    if (ha && !aurora && !multiAz) {
      v.add('multiAz', 'false with DatabaseAvailability.HIGHLY_AVAILABLE', 'true, or availability: DatabaseAvailability.SINGLE_AZ: read replicas are asynchronous and do not take over by themselves');
    }
    // A secondary of a global database has no writer to fail over: 0 makes it headless.
    if (ha && aurora && this.readReplicas === 0 && props.global?.role !== GlobalDatabaseRole.SECONDARY) {
      v.add('readReplicas', '0 with DatabaseAvailability.HIGHLY_AVAILABLE', 'at least 1 reader to promote, or availability: DatabaseAvailability.SINGLE_AZ (without one, Aurora recreates the writer)');
    }
    if (props.iamAuthentication === true && !supportsIamAuthentication(engineType)) {
      v.add('iamAuthentication', `true on ${engineType}`, 'IAM authentication on MySQL, MariaDB, PostgreSQL and Aurora only');
    }
    if (props.backtrackWindow !== undefined && engineType !== 'aurora-mysql') {
      v.add('backtrackWindow', `${formatSeconds(props.backtrackWindow)} on ${engineType}`, 'backtrack on Aurora MySQL only');
    }
    if (props.backtrackWindow !== undefined && engineType === 'aurora-mysql') {
      v.seconds('backtrackWindow', props.backtrackWindow, 0, 72 * 3600, 'at most 72 hours');
    }
    validateMonitoring(v, props.performanceInsights, props.monitoringInterval, instanceType);
    const retention = props.backupRetention;
    if (retention !== undefined && !retention.isUnresolved()) {
      const days = retention.toDays({ integral: false });
      if (!Number.isInteger(days) || days < 1 || days > 35) v.add('backupRetention', `${days} days`, 'whole days from 1 to 35: replicas and point-in-time recovery need backups');
    }
    const rotationDays = props.rotationInterval?.isUnresolved() ? undefined : props.rotationInterval?.toDays({ integral: false });
    if (rotationDays !== undefined && (!Number.isInteger(rotationDays) || rotationDays < 1 || rotationDays > 1000)) {
      v.add('rotationInterval', `${rotationDays} days`, 'whole days from 1 to 1000');
    }
    if (!aurora) v.integer('allocatedStorage', props.allocatedStorage, 20, maxStorageGiB(engineType), `an integer from 20 to ${maxStorageGiB(engineType)} GiB (gp3 on ${engineType})`);
    if (aurora && props.allocatedStorage !== undefined) v.add('allocatedStorage', String(props.allocatedStorage), 'unset for Aurora: its storage grows by itself');
    validatePort(v, engineType, props.port);
    validateUsername(v, engineType, props.username);
    validateDatabaseName(v, engineType, props.databaseName);
    validateLogExports(v, engineType, props.cloudwatchLogsExports);
    validateInstanceClass(v, engineType, instanceType, aurora);
    if (!aurora && multiAz && !supportsMultiAz(engineType)) {
      v.add('multiAz', `true on ${engineType}`, 'false with availability: DatabaseAvailability.SINGLE_AZ: RDS runs SQL Server Express and Web in one zone only (Multi-AZ is for Standard and Enterprise)');
    }
    v.subnetsInTwoZones('vpcSubnets', props.vpc, subnets, 'as RDS requires for a subnet group');
    // A secondary of a global database has no password of its own to rotate.
    if (props.rotation !== false && props.global?.role !== GlobalDatabaseRole.SECONDARY) this.validateRotationSubnets(v, props.vpc, props.rotationSubnets);
    validateInternalDns(v, props.internalDns);
    validateGlobal(v, props.global, {
      scope: this, engine: props.engine, instanceType, backtrackWindow: props.backtrackWindow, username: props.username,
      databaseName: props.databaseName, rotation: props.rotation, readReplicas: this.readReplicas });
    if (props.global?.primaryOptions.recoveryPointObjective !== undefined && props.parameterGroup !== undefined) {
      v.add('global.recoveryPointObjective', formatSeconds(props.global.primaryOptions.recoveryPointObjective), 'unset with a parameterGroup of your own: set rds.global_db_rpo in it');
    }
    const alarms = props.alarms ?? {};
    AlarmFactory.validate(v, alarms);
    v.aboveZero('alarms.replicaLag', alarms.replicaLag);
    v.aboveZero('alarms.globalReplicationLag', alarms.globalReplicationLag);
    if (alarms.globalReplicationLag !== undefined && props.global?.role !== GlobalDatabaseRole.SECONDARY) {
      v.add('alarms.globalReplicationLag', formatSeconds(alarms.globalReplicationLag), 'unset outside a secondary of a global database, where the lag is published');
    }
    if (alarms.cpuPercent !== undefined && !(alarms.cpuPercent > 0 && alarms.cpuPercent <= 100)) v.add('alarms.cpuPercent', String(alarms.cpuPercent), 'above 0 and at most 100');
    if (alarms.freeStorageGiB !== undefined && !(alarms.freeStorageGiB > 0)) v.add('alarms.freeStorageGiB', String(alarms.freeStorageGiB), 'above 0');
    if (alarms.connections !== undefined && !(alarms.connections > 0)) v.add('alarms.connections', String(alarms.connections), 'above 0');
    v.throwIfAny(this);
  }

  private validateRotationSubnets(v: Validator, vpc: ec2.IVpc, subnets: ec2.SubnetSelection | undefined): void {
    try {
      vpc.selectSubnets(subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    } catch {
      v.add('rotationSubnets', subnets ? JSON.stringify(subnets) : 'private subnets with egress, which the VPC lacks',
        'subnets from which the rotation function reaches the Secrets Manager API (with egress, or with a Secrets Manager interface endpoint), or rotation: false');
    }
  }
}

/** A DB identifier unique in the app: letters, digits and single hyphens, at most 48 characters (room for `-replica-15`). */
function physicalIdentifier(scope: Construct): string {
  return Names.uniqueResourceName(scope, { maxLength: 48, separator: '-' }).toLowerCase().replace(/[^a-z0-9-]/g, '').replace(/-+/g, '-').replace(/^[^a-z]+/, 'db-');
}

/** Splits `items` into groups of at most `size`. */
function chunk<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}
