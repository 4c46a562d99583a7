/**
 * Aurora global databases: the rules of the Aurora User Guide's Global Database pages, the global
 * cluster, and a secondary's joining it.
 */
import { CfnResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { limitGrantsToAwsServices } from '../core/alarm-topic';
import { AlarmFactory } from '../core/alarms';
import { KMS_KEY_DESCRIPTION, fitDescription } from '../core/descriptions';
import { Validator, formatSeconds } from '../core/validation';
import { DatabaseEngine, DatabaseKind, GlobalDatabase, GlobalDatabasePrimaryOptions, GlobalDatabaseRole, IGlobalDatabasePrimary } from './database-props';

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
  if (m.readReplicas < 1) v.add('readReplicas', String(m.readReplicas), 'at least 1 on a secondary: this version builds warm secondaries, with a reader to promote');
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
