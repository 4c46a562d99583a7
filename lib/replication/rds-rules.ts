/**
 * What RDS and Aurora accept, per engine and edition, from AWS's documentation (read 2026-12).
 * Each rule cites its page; the engine type is the `Engine` value: `postgres`, `mysql`, `mariadb`,
 * `oracle-ee`, `oracle-se2`, `sqlserver-ee|se|ex|web`, `aurora-mysql`, `aurora-postgresql`.
 */
import { Duration, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Validator, formatSeconds } from '../core/validation';

const isPostgres = (e: string) => e === 'postgres' || e === 'aurora-postgresql';
const isMysqlFamily = (e: string) => e === 'mysql' || e === 'mariadb' || e === 'aurora-mysql';
const isOracle = (e: string) => e.startsWith('oracle');
const isSqlServer = (e: string) => e.startsWith('sqlserver');

/**
 * Ports RDS for SQL Server refuses (CreateDBInstance, `Port`: "For RDS for Microsoft SQL Server,
 * the value can't be 1234, 1434, 3260, 3343, 3389, 47001, or 49152-49156").
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
 */
const SQL_SERVER_FORBIDDEN_PORTS = [1234, 1434, 3260, 3343, 3389, 47001, 49152, 49153, 49154, 49155, 49156];

/** Port used when none is given: next to the engine's well-known port, never one it refuses. */
export function defaultPort(engineType: string): number {
  if (isPostgres(engineType)) return 5433;
  if (isOracle(engineType)) return 1522;
  // 1433 is SQL Server's well-known port and 1434 one RDS refuses for it.
  if (isSqlServer(engineType)) return 1435;
  return 3307;
}

/** `Port`: 1150 to 65535 for every engine, minus SQL Server's reserved ports (CreateDBInstance). */
export function validatePort(v: Validator, engineType: string, port: number | undefined): void {
  v.integer('port', port, 1150, 65535, 'an integer from 1150 to 65535 (RDS)');
  if (port !== undefined && !Token.isUnresolved(port) && isSqlServer(engineType) && SQL_SERVER_FORBIDDEN_PORTS.includes(port)) {
    v.add('port', `${port} on ${engineType}`, 'a port RDS for SQL Server accepts: not 1234, 1434, 3260, 3343, 3389, 47001 or 49152-49156');
  }
}

/**
 * General Purpose SSD (gp3) storage: 20 GiB to 64 TiB, except SQL Server, 20 GiB to 16 TiB
 * (RDS User Guide, "Amazon RDS DB instance storage", General Purpose SSD storage).
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html
 */
export function maxStorageGiB(engineType: string): number {
  return isSqlServer(engineType) ? 16384 : 65536;
}

/**
 * The storage-autoscaling ceiling: four times the allocation, at most the engine's maximum, and
 * none when that leaves less than the 10 % headroom RDS requires of a maximum storage threshold
 * (RDS User Guide, "Managing capacity automatically with Amazon RDS storage autoscaling").
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html
 */
export function storageCeilingGiB(engineType: string, allocated: number): number | undefined {
  if (Token.isUnresolved(allocated)) return undefined;
  const ceiling = Math.min(allocated * 4, maxStorageGiB(engineType));
  return ceiling >= Math.ceil(allocated * 1.1) ? ceiling : undefined;
}

/**
 * Multi-AZ DB instances: every engine and edition but SQL Server Express and Web, which RDS runs
 * in one zone only (RDS User Guide, "Multi-AZ deployments for Amazon RDS for Microsoft SQL
 * Server": Standard and Enterprise Editions).
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_SQLServerMultiAZ.html
 */
export function supportsMultiAz(engineType: string): boolean {
  return !/^sqlserver-(ex|web)$/.test(engineType);
}

/**
 * `DBName` (CreateDBInstance) and `DatabaseName` (CreateDBCluster), per engine: MySQL, MariaDB
 * and Aurora MySQL 1 to 64, PostgreSQL and Aurora PostgreSQL 1 to 63 characters, a letter then
 * letters, digits or underscores; Oracle's SID 1 to 8 alphanumeric characters starting with a
 * letter; SQL Server none ("Not applicable. Must be null").
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
 */
export function validateDatabaseName(v: Validator, engineType: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) return;
  if (isSqlServer(engineType)) {
    v.add('databaseName', `${JSON.stringify(name)} on ${engineType}`, 'unset for SQL Server: RDS creates no database at launch (create it with CREATE DATABASE)');
  } else if (isOracle(engineType)) {
    v.matches('databaseName', name, /^[A-Za-z][A-Za-z0-9]{0,7}$/, 'an Oracle SID: a letter, then letters or digits, at most 8 characters');
    if (/^null$/i.test(name)) v.add('databaseName', JSON.stringify(name), 'a SID that is not a word reserved by Oracle');
  } else {
    const max = isPostgres(engineType) ? 63 : 64;
    v.matches('databaseName', name, new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${max - 1}}$`), `a letter, then letters, digits or underscores, at most ${max} characters (${engineType})`);
  }
}

/**
 * `MasterUsername`: 1 to 16 letters, digits or underscores, starting with a letter, and not a
 * word the engine reserves (CreateDBInstance). RDS's own administrative account, `rdsadmin`, is
 * reserved on every engine that has one; Oracle reserves its built-in `SYS` and `SYSTEM`. The
 * names RDS's console suggests (`admin`, `postgres`) are valid.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
 */
export function validateUsername(v: Validator, engineType: string, username: string | undefined): void {
  v.matches('username', username, /^[A-Za-z][A-Za-z0-9_]{0,15}$/, 'a letter, then letters, digits or underscores, at most 16 characters');
  if (username === undefined || Token.isUnresolved(username)) return;
  const reserved = ['rdsadmin', ...(isOracle(engineType) ? ['sys', 'system'] : [])];
  if (reserved.includes(username.toLowerCase())) {
    v.add('username', `${JSON.stringify(username)} on ${engineType}`, `a name the engine does not reserve (${reserved.join(', ')})`);
  }
}

/**
 * Log types each engine exports to CloudWatch Logs (`ExportableLogTypes` of
 * DescribeDBEngineVersions; RDS User Guide, "Publishing database logs to Amazon CloudWatch Logs",
 * and the Aurora User Guide's equivalent).
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
 */
export function exportableLogTypes(engineType: string): string[] {
  if (engineType === 'aurora-postgresql') return ['postgresql', 'instance', 'iam-db-auth-error'];
  if (engineType === 'postgres') return ['postgresql', 'upgrade', 'iam-db-auth-error'];
  if (engineType === 'aurora-mysql') return ['audit', 'error', 'general', 'slowquery', 'instance', 'iam-db-auth-error'];
  if (isMysqlFamily(engineType)) return ['audit', 'error', 'general', 'slowquery', 'iam-db-auth-error'];
  if (isOracle(engineType)) return ['alert', 'audit', 'listener', 'trace', 'oemagent'];
  if (isSqlServer(engineType)) return ['agent', 'error'];
  return [];
}

/** The engine's main logs, exported when none are named. */
export function defaultLogExports(engineType: string): string[] {
  if (isPostgres(engineType)) return ['postgresql'];
  if (engineType === 'aurora-mysql') return ['audit', 'error', 'general', 'slowquery'];
  if (isOracle(engineType)) return ['alert', 'listener'];
  if (isSqlServer(engineType)) return ['error', 'agent'];
  return ['error', 'general', 'slowquery'];
}

export function validateLogExports(v: Validator, engineType: string, types: string[] | undefined): void {
  const exportable = exportableLogTypes(engineType);
  for (const [i, type] of (types ?? []).entries()) {
    if (Token.isUnresolved(type) || exportable.length === 0) continue;
    if (!exportable.includes(type)) v.add(`cloudwatchLogsExports[${i}]`, `${JSON.stringify(type)} on ${engineType}`, `one of ${exportable.join(', ')}`);
  }
}

/** IAM database authentication: MySQL, MariaDB, PostgreSQL and both Aurora engines. */
export function supportsIamAuthentication(engineType: string): boolean {
  return isPostgres(engineType) || isMysqlFamily(engineType);
}

/** Graviton where the engine runs on it, which Oracle and SQL Server do not. */
export function defaultInstanceType(engineType: string): ec2.InstanceType {
  const intel = isOracle(engineType) || isSqlServer(engineType);
  return ec2.InstanceType.of(intel ? ec2.InstanceClass.R6I : ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE);
}

/**
 * Instance classes per engine (RDS User Guide, "Supported DB engines for DB instance classes";
 * Aurora User Guide, "Supported DB engines for DB instance classes"):
 * - Graviton classes (a `g` after the generation: t4g, m6g, r7g, x2g, ...) run MySQL, MariaDB,
 *   PostgreSQL and Aurora, not Oracle or SQL Server.
 * - Aurora offers memory-optimized classes (db.r*, db.x2g) and the burstable db.t3 and db.t4g
 *   from medium up, not the general-purpose (db.m*) or compute (db.c*) ones.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.SupportAurora.html
 */
export function validateInstanceClass(v: Validator, engineType: string, instanceType: ec2.InstanceType, aurora: boolean): void {
  const name = instanceType.toString();
  if (Token.isUnresolved(name)) return;
  const [family, size] = name.split('.');
  const graviton = /^[a-z]\d+g/.test(family);
  if (graviton && (isOracle(engineType) || isSqlServer(engineType))) {
    v.add('instanceType', `db.${name} on ${engineType}`, 'an Intel or AMD class (e.g. db.r6i.large): RDS runs Oracle and SQL Server on no Graviton class');
  }
  if (aurora && (/^[mc]\d/.test(family) || (/^t\d/.test(family) && /^(nano|micro|small)$/.test(size)))) {
    v.add('instanceType', `db.${name} on Aurora`, 'a class Aurora offers: memory-optimized (db.r*, db.x2g) or burstable db.t3/db.t4g from medium up');
  }
}

const NO_PERFORMANCE_INSIGHTS = /^(t2|t3|t4g)\.(micro|small)$/;
const MONITORING_INTERVALS = [1, 5, 10, 15, 30, 60];

/** Performance Insights only on classes that support it; Enhanced Monitoring at one of its intervals. */
export function validateMonitoring(v: Validator, performanceInsights: boolean | undefined, monitoringInterval: Duration | undefined, instanceType: ec2.InstanceType): void {
  if (performanceInsights && NO_PERFORMANCE_INSIGHTS.test(instanceType.toString())) {
    v.add('performanceInsights', `true on db.${instanceType.toString()}`, 'an instance class that supports Performance Insights (not the micro and small burstable classes)');
  }
  if (monitoringInterval !== undefined && !monitoringInterval.isUnresolved() && !MONITORING_INTERVALS.includes(monitoringInterval.toSeconds({ integral: false }))) {
    v.add('monitoringInterval', formatSeconds(monitoringInterval), 'one of 1, 5, 10, 15, 30, 60 s');
  }
}
