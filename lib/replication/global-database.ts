/**
 * Aurora global databases: the rules of the Aurora User Guide's Global Database pages, the global
 * cluster, and a secondary's joining it.
 */
import { ArnFormat, CfnResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IDependable } from 'constructs';
import { limitGrantsToAwsServices } from '../core/alarm-topic';
import { AlarmFactory } from '../core/alarms';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { KMS_KEY_DESCRIPTION, fitDescription } from '../core/descriptions';
import { FailoverTimeBreakdown } from '../core/failover-time';
import { Validator, formatSeconds } from '../core/validation';
import {
  DatabaseEngine, DatabaseKind, GlobalDatabase, GlobalDatabasePrimaryOptions, GlobalDatabaseRole, GlobalDatabaseSecondaryOptions, IGlobalDatabasePrimary,
} from './database-props';
import { AURORA_GLOBAL_FAILOVER, HEADLESS_INSTANCE_CREATION, failoverStep } from './failover-figures';

/** What the rules need of the database being built. */
export interface GlobalMember {
  readonly scope: Construct;
  readonly engine: DatabaseEngine;
  readonly instanceType: ec2.InstanceType;
  readonly backtrackWindow?: Duration;
  readonly username?: string;
  readonly databaseName?: string;
  readonly rotation?: boolean;
  readonly readReplicas: number;
}

/** `8.0.mysql_aurora.3.04.0` → [3, 4, 0]. */
function auroraMysqlVersion(fullVersion: string): number[] | undefined {
  const m = /mysql_aurora\.(\d+)\.(\d+)\.(\d+)/.exec(fullVersion);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/**
 * "An Aurora global database can have up to 10 secondary AWS Regions", and the primary cluster
 * "15 - s" read-only instances, s being the number of secondaries: "Configuration requirements of
 * an Amazon Aurora global database",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
 */
const MAX_SECONDARIES = 10;
const MAX_PRIMARY_READERS_AND_SECONDARIES = 15;

/** A secondary that joined a primary in this app. */
export interface JoinedSecondary {
  readonly path: string;
  readonly region: string;
  readonly headless: boolean;
  readonly options: GlobalDatabaseSecondaryOptions;
}

/** The secondaries each primary has in this app, in the order they were built. */
const SECONDARIES = new WeakMap<IGlobalDatabasePrimary, JoinedSecondary[]>();

/** The secondaries of `primary` built so far in its app. */
export function secondariesOf(primary: IGlobalDatabasePrimary): readonly JoinedSecondary[] {
  return SECONDARIES.get(primary) ?? [];
}

/** Records a secondary once it is built: later secondaries are counted against the limits with it. */
export function recordSecondary(primary: IGlobalDatabasePrimary, secondary: JoinedSecondary): void {
  SECONDARIES.set(primary, [...secondariesOf(primary), secondary]);
}

/**
 * The cross-region failover of a primary, to the secondaries it has: a warm one is promoted as it
 * is; with headless ones only, an instance is created first. With none yet, a warm one is assumed.
 */
export function globalFailover(primary: IGlobalDatabasePrimary, options: GlobalDatabasePrimaryOptions): FailoverTimeBreakdown {
  const failover = failoverStep(AURORA_GLOBAL_FAILOVER, options.measuredFailoverTime);
  const joined = secondariesOf(primary);
  if (joined.length === 0 || joined.some((s) => !s.headless)) return new FailoverTimeBreakdown([failover]);
  const creation = joined
    .map((s) => failoverStep(HEADLESS_INSTANCE_CREATION, s.options.measuredInstanceCreationTime))
    .reduce((a, b) => (b.duration.toSeconds() < a.duration.toSeconds() ? b : a));
  return new FailoverTimeBreakdown([creation, failover]);
}

const atLeast = (v: number[], min: number[]) => v[0] !== min[0] ? v[0] > min[0] : v[1] !== min[1] ? v[1] > min[1] : v[2] >= min[2];

/**
 * The rules every member follows, from the Aurora User Guide:
 * - "An Aurora global database requires DB instance classes that are optimized for
 *   memory-intensive applications" (db.r*, db.x*): "Configuration requirements of an Amazon
 *   Aurora global database",
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
 * - Aurora MySQL from version 2.07.0 (MySQL 5.7) or 3.01.0 (MySQL 8.0): "Supported Regions and DB
 *   engines for Aurora global databases",
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature.GlobalDatabase.html
 * - Backtrack is not available to a cluster of a global database: "Limitations of Amazon Aurora
 *   Global Database", https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html#aurora-global-database.limitations
 * - Every member runs the same engine version, so the version is pinned, not left to a default
 *   that could differ between the day the primary and the day a secondary was created.
 */
function validateMember(v: Validator, global: GlobalDatabase, m: GlobalMember): void {
  const engine = m.engine;
  if (engine.kind !== DatabaseKind.AURORA_CLUSTER) {
    v.add('global', `${global.role.toLowerCase()} of a global database on ${engine.engineType}`, 'an Aurora engine (DatabaseEngine.aurora()): global databases are Aurora\'s');
    return;
  }
  const version = engine.clusterEngine!.engineVersion?.fullVersion;
  if (version === undefined) {
    v.add('engine', 'no engine version', 'a pinned version (e.g. AuroraPostgresEngineVersion.VER_16_4): every member of a global database runs the same one');
  } else if (engine.engineType === 'aurora-mysql') {
    const parsed = auroraMysqlVersion(version);
    if (parsed === undefined || (parsed[0] === 2 ? !atLeast(parsed, [2, 7, 0]) : parsed[0] === 3 ? !atLeast(parsed, [3, 1, 0]) : parsed[0] < 2)) {
      v.add('engine', `Aurora MySQL ${version}`, 'Aurora MySQL 2.07.0 or later (MySQL 5.7), or 3.01.0 or later (MySQL 8.0), for a global database');
    }
  }
  const family = m.instanceType.toString().split('.')[0];
  if (!/^[rx]/.test(family)) {
    v.add('instanceType', `db.${m.instanceType.toString()}`, 'a memory-optimized class (db.r5 and later, db.x2g): a global database requires one');
  }
  if (m.backtrackWindow !== undefined) {
    v.add('backtrackWindow', formatSeconds(m.backtrackWindow), 'unset: backtrack is not available to a cluster of a global database');
  }
}

const IDENTIFIER = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$/;

/** Checks a database's part in a global database. */
export function validateGlobal(v: Validator, global: GlobalDatabase | undefined, m: GlobalMember): void {
  if (global === undefined) return;
  validateMember(v, global, m);
  if (global.role === GlobalDatabaseRole.PRIMARY) {
    const { identifier, recoveryPointObjective: rpo } = global.primaryOptions;
    if (identifier !== undefined && !Token.isUnresolved(identifier) && !IDENTIFIER.test(identifier)) {
      v.add('global.identifier', JSON.stringify(identifier), '1 to 63 letters, digits and hyphens, starting with a letter, no two hyphens in a row, none at the end');
    }
    if (rpo !== undefined && m.engine.engineType !== 'aurora-postgresql') {
      v.add('global.recoveryPointObjective', `${formatSeconds(rpo)} on ${m.engine.engineType}`, 'Aurora PostgreSQL only: Aurora MySQL has no managed RPO (rds.global_db_rpo)');
    } else if (rpo !== undefined) {
      v.seconds('global.recoveryPointObjective', rpo, 20, 2_147_483_647, 'whole seconds, at least 20 (rds.global_db_rpo)');
    }
    if (m.readReplicas > MAX_PRIMARY_READERS_AND_SECONDARIES - 1) {
      v.add('readReplicas', String(m.readReplicas), `at most ${MAX_PRIMARY_READERS_AND_SECONDARIES - 1} on the primary of a global database: its readers and its secondaries number at most ${MAX_PRIMARY_READERS_AND_SECONDARIES}, and it has one secondary at least`);
    }
    return;
  }
  const primary = global.primaryDatabase!;
  if (primary.globalClusterIdentifier === undefined) {
    v.add('global', `a secondary of ${primary.node.path}`, 'a secondary of a ReplicatedDatabase created with global: GlobalDatabase.primary()');
  }
  const primaryVersion = primary.engine.clusterEngine?.engineVersion?.fullVersion;
  const version = m.engine.clusterEngine?.engineVersion?.fullVersion;
  if (primary.engine.engineType !== m.engine.engineType || primaryVersion !== version) {
    v.add('engine', `${m.engine.engineType} ${version ?? '(no version)'}`, `the primary's engine and version, ${primary.engine.engineType} ${primaryVersion ?? '(no version)'}`);
  }
  const here = Stack.of(m.scope).region;
  const there = Stack.of(primary).region;
  if (!Token.isUnresolved(here) && !Token.isUnresolved(there) && here === there) {
    v.add('global', `a secondary in ${here}, the primary's region`, 'a stack in another region: each member of a global database is in a region of its own');
  }
  // The secondary takes the primary's users and data: CloudFormation refuses a secondary with
  // master credentials ("Invalid master password"), and its database is the primary's.
  if (m.username !== undefined) v.add('username', JSON.stringify(m.username), 'unset on a secondary: it has no master credentials of its own, it takes the primary\'s');
  if (m.databaseName !== undefined) v.add('databaseName', JSON.stringify(m.databaseName), 'unset on a secondary: its databases are the primary\'s');
  if (m.rotation === true) v.add('rotation', 'true', 'unset on a secondary: the master password is the primary\'s, rotated there');
  validateCount(v, primary, here);
  if (m.readReplicas > 0 && global.secondaryOptions.measuredInstanceCreationTime !== undefined) {
    v.add('global.measuredInstanceCreationTime', formatSeconds(global.secondaryOptions.measuredInstanceCreationTime.duration),
      `unset on a warm secondary (readReplicas ${m.readReplicas}): it has instances to promote; give it with readReplicas: 0`);
  }
}

/** The limits a new secondary is counted against: ten secondaries, one per region, 15 instances with the primary's readers. */
function validateCount(v: Validator, primary: IGlobalDatabasePrimary, here: string): void {
  const joined = secondariesOf(primary);
  if (joined.length >= MAX_SECONDARIES) {
    v.add('global', `secondary number ${joined.length + 1} of ${primary.node.path}`, `at most ${MAX_SECONDARIES} secondaries in a global database`);
  }
  const sameRegion = Token.isUnresolved(here) ? undefined : joined.find((s) => s.region === here);
  if (sameRegion) {
    v.add('global', `a second secondary in ${here} (${sameRegion.path} is there)`, 'one secondary per region: no two clusters of a global database are in the same region');
  }
  if (primary.readReplicas + joined.length + 1 > MAX_PRIMARY_READERS_AND_SECONDARIES) {
    v.add('global', `secondary number ${joined.length + 1} of ${primary.node.path}, which has ${primary.readReplicas} readers`,
      `at most ${MAX_PRIMARY_READERS_AND_SECONDARIES} readers of the primary and secondaries together (the primary may have 15 - s readers)`);
  }
}

/** A member's part of a global database, once set up. */
export interface GlobalSetUp {
  readonly identifier: string;
  readonly globalCluster?: rds.CfnGlobalCluster;
  readonly writerHostname: string;
}

/**
 * Makes `cluster` the primary of a global database (the global cluster is made from it) or a
 * secondary (it joins by name, in a stack deployed after the primary's), and reads the global
 * writer endpoint on either side.
 */
export function setUpGlobal(db: Construct & { readonly identifier: string }, cluster: rds.DatabaseCluster, global: GlobalDatabase, headless: boolean): GlobalSetUp {
  if (global.role === GlobalDatabaseRole.PRIMARY) {
    const identifier = globalIdentifier(db.identifier, global.primaryOptions);
    const globalCluster = createGlobalCluster(db, cluster, identifier);
    return { identifier, globalCluster, writerHostname: readGlobalWriterEndpoint(db, identifier, globalCluster) };
  }
  const primary = global.primaryDatabase!;
  const identifier = primary.globalClusterIdentifier!;
  joinGlobalCluster(cluster, identifier);
  // The primary's global cluster must exist first, and outlive this member.
  if (Stack.of(primary) !== Stack.of(db)) Stack.of(db).addStackDependency(Stack.of(primary), 'a secondary joins the primary\'s global database');
  recordSecondary(primary, { path: db.node.path, region: Stack.of(db).region, headless, options: global.secondaryOptions });
  return { identifier, writerHostname: readGlobalWriterEndpoint(db, identifier, cluster) };
}

/** The global cluster's default name: the primary cluster's, followed by `-global`. */
export function globalIdentifier(clusterIdentifier: string, options: GlobalDatabasePrimaryOptions): string {
  return options.identifier ?? `${clusterIdentifier.slice(0, 56)}-global`;
}

/**
 * The global cluster, made from the primary cluster (`SourceDBClusterIdentifier`): it takes the
 * cluster's engine, version and encryption.
 */
export function createGlobalCluster(scope: Construct, cluster: rds.DatabaseCluster, identifier: string): rds.CfnGlobalCluster {
  return new rds.CfnGlobalCluster(scope, 'GlobalCluster', {
    globalClusterIdentifier: identifier,
    sourceDbClusterIdentifier: cluster.clusterArn,
    deletionProtection: (cluster.node.defaultChild as rds.CfnDBCluster).deletionProtection as boolean | undefined,
  });
}

/** Makes a cluster a secondary: it joins the global cluster by name, with no master credentials. */
export function joinGlobalCluster(cluster: rds.DatabaseCluster, identifier: string): void {
  const cfn = cluster.node.defaultChild as rds.CfnDBCluster;
  cfn.globalClusterIdentifier = identifier;
  (cfn as CfnResource).addPropertyDeletionOverride('MasterUsername');
  (cfn as CfnResource).addPropertyDeletionOverride('MasterUserPassword');
}

/**
 * A secondary's storage key, in its own region: KMS keys are regional, and a secondary of an
 * encrypted global database is encrypted with a key of the region it is in.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-getting-started.html
 */
export function secondaryKey(scope: Construct): kms.Key {
  const key = new kms.Key(scope, 'StorageKey', {
    description: fitDescription(KMS_KEY_DESCRIPTION, `Storage of ${scope.node.path}, a secondary of a global database`),
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // RDS makes its grants for the cluster, an AWS resource; no one else may.
  limitGrantsToAwsServices(key);
  return key;
}

/**
 * The secondary's lag behind the primary, `AuroraGlobalDBReplicationLag` (milliseconds), which
 * Aurora publishes for the secondary cluster in its region: "Amazon CloudWatch metrics for Amazon
 * Aurora", https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
 */
export function createGlobalLagAlarm(factory: AlarmFactory, secondary: { readonly identifier: string; readonly node: Construct['node'] }, primary: IGlobalDatabasePrimary,
  given: Duration | undefined): void {
  const lag = given ?? primary.recoveryPointObjective ?? Duration.seconds(1);
  factory.create({
    id: 'GlobalReplicationLagAlarm',
    nameSuffix: 'global-replication-lag',
    description: `${secondary.node.path} lags its global database's primary by more than ${formatSeconds(lag)}: a failover now would lose that much.`,
    metric: new cloudwatch.Metric({
      namespace: 'AWS/RDS',
      metricName: 'AuroraGlobalDBReplicationLag',
      dimensionsMap: { DBClusterIdentifier: secondary.identifier },
      statistic: 'Maximum',
      period: Duration.minutes(1),
    }),
    threshold: lag.toMilliseconds(),
    comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  });
}

/**
 * The global writer endpoint: Aurora keeps it on the writer of the current primary cluster, across
 * switchovers and failovers ("Connecting to Amazon Aurora Global Database",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-connecting.html).
 * CloudFormation does not return it (`AWS::RDS::GlobalCluster` has no such attribute:
 * cloudformation-coverage-roadmap#2364), so it is read once, at deploy, with `DescribeGlobalClusters`
 * (its `Endpoint`), allowed on this global cluster only. The name never changes after.
 */
export function readGlobalWriterEndpoint(scope: Construct, identifier: string, after: IDependable): string {
  const globalClusterArn = Stack.of(scope).formatArn({ service: 'rds', region: '', resource: 'global-cluster', resourceName: identifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const logGroup = new logs.LogGroup(scope, 'GlobalWriterEndpointLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN });
  acknowledgeDecision(logGroup, DECISIONS.LOG_GROUPS_SERVICE_ENCRYPTED);
  acknowledgeDecision(logGroup, DECISIONS.LOG_RETENTION);
  const read = new cr.AwsCustomResource(scope, 'GlobalWriterEndpoint', {
    resourceType: 'Custom::GlobalWriterEndpoint',
    onUpdate: {
      service: 'RDS',
      action: 'describeGlobalClusters',
      parameters: { GlobalClusterIdentifier: identifier },
      physicalResourceId: cr.PhysicalResourceId.of(identifier),
      outputPaths: ['GlobalClusters.0.Endpoint'],
    },
    policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['rds:DescribeGlobalClusters'], resources: [globalClusterArn] })]),
    installLatestAwsSdk: false,
    logGroup,
  });
  read.node.addDependency(after);
  // The function is the stack's one AwsCustomResource provider, a child of the stack.
  const provider = Stack.of(scope).node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
  for (const part of [read, provider]) if (part) acknowledgeDecision(part, DECISIONS.DEPLOY_TIME_READ);
  return read.getResponseField('GlobalClusters.0.Endpoint');
}
