/** The props of a ReplicatedDatabase, and the engines, kinds and availability it takes. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { AlarmOptions } from '../core/alarms';
import { FailoverTimeBreakdown, MeasuredFailoverTime } from '../core/failover-time';
import { InternalDnsOptions } from './internal-dns';

/**
 * Which kind of database a `DatabaseEngine` makes.
 */
export enum DatabaseKind {
  /** An RDS DB instance with a Multi-AZ standby, plus read replicas. */
  RDS_INSTANCE = 'RDS_INSTANCE',
  /** An Aurora DB cluster: a writer and readers on shared storage. */
  AURORA_CLUSTER = 'AURORA_CLUSTER' }

/**
 * The engine of a `ReplicatedDatabase`, and with it the kind of database.
 */
export class DatabaseEngine {
  /** An RDS instance engine, e.g. `rds.DatabaseInstanceEngine.postgres({ version })`. */
  public static rds(engine: rds.IInstanceEngine): DatabaseEngine {
    return new DatabaseEngine(DatabaseKind.RDS_INSTANCE, engine, undefined);
  }

  /** An Aurora engine, e.g. `rds.DatabaseClusterEngine.auroraPostgres({ version })`. */
  public static aurora(engine: rds.IClusterEngine): DatabaseEngine {
    return new DatabaseEngine(DatabaseKind.AURORA_CLUSTER, undefined, engine);
  }

  /** RDS instances or an Aurora cluster. */
  public readonly kind: DatabaseKind;
  /** The engine of an RDS instance and its replicas. */
  public readonly instanceEngine?: rds.IInstanceEngine;
  /** The engine of an Aurora cluster. */
  public readonly clusterEngine?: rds.IClusterEngine;

  private constructor(kind: DatabaseKind, instanceEngine?: rds.IInstanceEngine, clusterEngine?: rds.IClusterEngine) {
    this.kind = kind;
    this.instanceEngine = instanceEngine;
    this.clusterEngine = clusterEngine;
  }

  /** `postgres`, `mysql`, `mariadb`, `oracle-ee`, `sqlserver-ee`, `aurora-postgresql`, `aurora-mysql`... */
  public get engineType(): string {
    return (this.instanceEngine ?? this.clusterEngine)!.engineType;
  }
}

/** A database's part in an Aurora global database. */
export enum GlobalDatabaseRole {
  /** The writer's region: the global cluster is made from this database. */
  PRIMARY = 'PRIMARY',
  /** A read-only copy in another region, which a switchover or failover can promote. */
  SECONDARY = 'SECONDARY',
}

/** The primary of a global database, as a secondary in another region's stack sees it. */
export interface IGlobalDatabasePrimary extends IConstruct {
  /** The global cluster's identifier, a plain name: a secondary joins by it, with no cross-stack reference. */
  readonly globalClusterIdentifier?: string;
  /** The primary's engine: a secondary runs the same engine and version. */
  readonly engine: DatabaseEngine;
  /** The primary's data-loss bound, when it sets one: a secondary's lag alarm goes off past it. */
  readonly recoveryPointObjective?: Duration;
  /** The primary's readers: with its secondaries, at most 15 (a global database's limit). */
  readonly readReplicas: number;
}

/** Settings of the primary of a global database. */
export interface GlobalDatabasePrimaryOptions {
  /**
   * The global cluster's identifier: 1 to 63 letters, digits and hyphens, starting with a letter,
   * with no two hyphens in a row and none at the end. Unique in the account across regions.
   * @default - the primary cluster's identifier followed by `-global`
   */
  readonly identifier?: string;

  /**
   * Aurora PostgreSQL only: the data-loss bound (`rds.global_db_rpo`). Aurora holds the primary's
   * commits back while no secondary is within it, so a failover loses at most this much. At least
   * 20 s, in whole seconds.
   * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html#aurora-global-database-manage-recovery
   * @default - no bound: the typical lag, "typically under a second"
   */
  readonly recoveryPointObjective?: Duration;

  /**
   * A cross-region failover time the team measured (a switchover or failover in a game day), with
   * where it was measured. It replaces the user guide's "in the order of minutes" (taken as 5
   * minutes) in the region-loss chain.
   * @default - 5 minutes, typical
   */
  readonly measuredFailoverTime?: MeasuredFailoverTime;
}

/** Settings of a secondary of a global database. */
export interface GlobalDatabaseSecondaryOptions {
  /**
   * Headless secondaries only (`readReplicas: 0`): how long adding a DB instance took when the
   * team measured it, with where. A headless secondary cannot be promoted before it has one.
   * @default - 15 minutes, assumed: AWS documents no figure
   */
  readonly measuredInstanceCreationTime?: MeasuredFailoverTime;
}

/**
 * How a `ReplicatedDatabase` takes part in an Aurora global database.
 */
export class GlobalDatabase {
  /** This database is the primary: the global cluster is created from it. */
  public static primary(options: GlobalDatabasePrimaryOptions = {}): GlobalDatabase {
    return new GlobalDatabase(GlobalDatabaseRole.PRIMARY, options, undefined);
  }

  /**
   * This database is a secondary of `primary`, a `ReplicatedDatabase` with `GlobalDatabase.primary()`
   * in another region's stack: it joins by the global cluster's name, with no master credentials
   * of its own, and its stack deploys after the primary's (and is deleted before it).
   *
   * With `readReplicas` of 1 or more the secondary is warm: its instances are ready to take the
   * writes. With `readReplicas: 0` it is headless: storage only, the cheapest copy, and the
   * slowest to take over, since an instance must be created before it is promoted.
   */
  public static secondaryOf(primary: IGlobalDatabasePrimary, options: GlobalDatabaseSecondaryOptions = {}): GlobalDatabase {
    return new GlobalDatabase(GlobalDatabaseRole.SECONDARY, {}, primary, options);
  }

  /** Primary or secondary. */
  public readonly role: GlobalDatabaseRole;
  /** The primary's settings. */
  public readonly primaryOptions: GlobalDatabasePrimaryOptions;
  /** A secondary's primary. */
  public readonly primaryDatabase?: IGlobalDatabasePrimary;
  /** A secondary's settings. */
  public readonly secondaryOptions: GlobalDatabaseSecondaryOptions;

  private constructor(role: GlobalDatabaseRole, options: GlobalDatabasePrimaryOptions, primary: IGlobalDatabasePrimary | undefined,
    secondary: GlobalDatabaseSecondaryOptions = {}) {
    this.role = role;
    this.primaryOptions = options;
    this.primaryDatabase = primary;
    this.secondaryOptions = secondary;
  }
}

/**
 * How much data a database's failures lose, as durations of writes, each with its kind and source.
 */
export interface DatabaseDataLoss {
  /**
   * When the writer fails within its region.
   * @default - not known: no standby
   */
  readonly writer?: FailoverTimeBreakdown;

  /**
   * When the primary's region is lost: the lag of the global database's secondaries.
   * @default - not known: the data has no copy outside the region
   */
  readonly region?: FailoverTimeBreakdown;
}

/**
 * How much availability a `ReplicatedDatabase` must have.
 */
export enum DatabaseAvailability {
  /** A standby to fail over to: RDS Multi-AZ, or at least one Aurora reader. The default. */
  HIGHLY_AVAILABLE = 'HIGHLY_AVAILABLE',
  /** One zone, no standby: for development and tests. */
  SINGLE_AZ = 'SINGLE_AZ' }

/**
 * The alarms of a `ReplicatedDatabase`.
 */
export interface ReplicatedDatabaseAlarmOptions extends AlarmOptions {
  /**
   * Replica lag that raises the alarm (RDS's `ReplicaLag` or Aurora's `AuroraReplicaLag`). Above 0.
   * @default - 30 s for RDS read replicas, 1 s for Aurora readers
   */
  readonly replicaLag?: Duration;

  /**
   * On a secondary of a global database: alarm when it lags the primary by more than this
   * (`AuroraGlobalDBReplicationLag`, published in the secondary's region).
   * @default - the primary's recoveryPointObjective, or 1 s ("typically under a second")
   */
  readonly globalReplicationLag?: Duration;

  /**
   * CPU of any instance, percent.
   * @default 80
   */
  readonly cpuPercent?: number;

  /**
   * Free storage below which the alarm fires, GiB: RDS free storage space; Aurora free local
   * (temporary) storage.
   * @default - 10% of the allocated storage for RDS, 2 GiB for Aurora
   */
  readonly freeStorageGiB?: number;

  /**
   * Connections to the writer. Tune to the engine's `max_connections`.
   * @default 500
   */
  readonly connections?: number;
}

/**
 * Settings of a `ReplicatedDatabase` other than its VPC, for constructs that create one in a VPC of their
 * own choosing.
 */
export interface ReplicatedDatabaseOptions {
  /**
   * Subnets of the instances, in at least two Availability Zones.
   * @default - the VPC's isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** The engine: `DatabaseEngine.rds(...)` or `DatabaseEngine.aurora(...)`. */
  readonly engine: DatabaseEngine;

  /**
   * A standby to fail over to (RDS Multi-AZ, Aurora readers), or one zone for development.
   * @default DatabaseAvailability.HIGHLY_AVAILABLE
   */
  readonly availability?: DatabaseAvailability;

  /**
   * Instance type of every instance.
   * @default - db.r7g.large (Graviton), or db.r6i.large for Oracle and SQL Server, which RDS does
   * not run on Graviton
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Read replicas (RDS, 0 to 15, 5 for Oracle) or readers (Aurora, 0 to 15), spread over the
   * zones of the subnets. On the primary of a global database, at most 15 less the number of
   * secondaries. On a secondary, its read-only instances, 0 to 16: 0 makes it headless.
   * @default - 1 when highly available, 0 otherwise
   */
  readonly readReplicas?: number;

  /**
   * RDS: a synchronous standby in another zone.
   * @default - true when highly available
   */
  readonly multiAz?: boolean;

  /**
   * RDS: storage in GiB, 20 to 65536 (16384 for SQL Server); it grows automatically up to four
   * times this, at most to the engine's maximum.
   * @default 100
   */
  readonly allocatedStorage?: number;

  /**
   * Name of a database to create.
   * @default - none
   */
  readonly databaseName?: string;

  /**
   * Master user name; its password is generated into a secret.
   * @default 'dbadmin'
   */
  readonly username?: string;

  /**
   * Port. Defaults away from the engine's well-known port, so that scanners of that port pass it
   * by; clients read it from the endpoints.
   * @default - 5433 for PostgreSQL, 3307 for MySQL and MariaDB, 1522 for Oracle, 1435 for SQL Server (RDS refuses 1434 for it)
   */
  readonly port?: number;

  /**
   * Rotate the master password.
   * @default true
   */
  readonly rotation?: boolean;

  /**
   * Days between rotations, 1 to 1000.
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;

  /**
   * Where the rotation function runs: it needs the database and the Secrets Manager API.
   * @default - the VPC's private subnets with egress
   */
  readonly rotationSubnets?: ec2.SubnetSelection;

  /**
   * Customer managed key for storage encryption (always on).
   * @default - the AWS managed key for RDS
   */
  readonly storageEncryptionKey?: kms.IKey;

  /**
   * Refuse deletion until turned off.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Days of automated backups, 1 to 35.
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;

  /**
   * What happens to the data when the database leaves the stack.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * IAM database authentication (MySQL, MariaDB, PostgreSQL and Aurora).
   * @default - true where the engine supports it
   */
  readonly iamAuthentication?: boolean;

  /**
   * A DB parameter group (RDS) or cluster parameter group (Aurora). Give it the engine's TLS
   * parameter (`rds.force_ssl` or `require_secure_transport`): a group that is not seen to set it
   * is warned about (`cdk-ha-kit:tlsNotEnforced`).
   * @default - a group that refuses connections without TLS, with the engine's defaults otherwise;
   * none for Oracle and MariaDB before 10.5, which have no TLS parameter (warned about)
   */
  readonly parameterGroup?: rds.IParameterGroup;

  /**
   * Logs exported to CloudWatch Logs.
   * @default - the engine's main logs: `postgresql`; `error`, `general`, `slowquery` (and `audit`
   * on Aurora MySQL); `alert`, `listener` (Oracle); `error`, `agent` (SQL Server)
   */
  readonly cloudwatchLogsExports?: string[];

  /**
   * Retention of the exported logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly cloudwatchLogsRetention?: logs.RetentionDays;

  /**
   * Performance Insights. Not available on the micro and small burstable classes.
   * @default false
   */
  readonly performanceInsights?: boolean;

  /**
   * Enhanced monitoring interval: 1, 5, 10, 15, 30 or 60 s.
   * @default - no enhanced monitoring
   */
  readonly monitoringInterval?: Duration;

  /**
   * Aurora MySQL: how far back the cluster can be rewound in place, up to 72 hours.
   * @default - 24 hours on Aurora MySQL, none in a global database
   */
  readonly backtrackWindow?: Duration;

  /**
   * Aurora only: make this database part of an Aurora global database, as its primary
   * (`GlobalDatabase.primary()`) or as a secondary in another region's stack
   * (`GlobalDatabase.secondaryOf(primaryDatabase)`).
   * @default - a database of this region only
   */
  readonly global?: GlobalDatabase;

  /**
   * Alarms on replica lag, CPU, free storage and connections.
   * @default - created with the defaults of ReplicatedDatabaseAlarmOptions
   */
  readonly alarms?: ReplicatedDatabaseAlarmOptions;

  /**
   * Stable `writer.` and `reader.` names in a private hosted zone.
   * @default - none
   */
  readonly internalDns?: InternalDnsOptions;

  /**
   * A failover time the team measured (for example by rebooting the writer with failover in a game
   * day), with where it was measured. It replaces the documented typical figure in `failoverTime`
   * and in every budget built on it.
   * @default - the user guide's figure: 120 s for RDS Multi-AZ ("typically 60–120 seconds"), 60 s
   * for Aurora ("typically restored in less than 60 seconds")
   */
  readonly measuredFailoverTime?: MeasuredFailoverTime;
}

/**
 * Props of a `ReplicatedDatabase`.
 */
export interface ReplicatedDatabaseProps extends ReplicatedDatabaseOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
}
