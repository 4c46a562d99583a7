/** The props of a ReplicatedCache, and the engines and authentication it takes. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { AlarmOptions } from '../core/alarms';
import { MeasuredFailoverTime } from '../core/failover-time';
import { InternalDnsOptions } from './internal-dns';

/**
 * The in-memory engine of a replication group.
 */
export enum CacheEngine {
  /** Valkey: the open-source continuation of Redis, at a lower ElastiCache price. */
  VALKEY = 'valkey',
  /** Redis OSS. */
  REDIS = 'redis' }

/**
 * How clients authenticate.
 */
export enum CacheAuthenticationType {
  /** One shared AUTH token, kept in Secrets Manager. */
  AUTH_TOKEN = 'AUTH_TOKEN',
  /** Role-based access control: an ElastiCache user group (password or IAM users). */
  USER_GROUP = 'USER_GROUP' }

/**
 * Client authentication of a replication group.
 */
export class CacheAuthentication {
  /**
   * An AUTH token from Secrets Manager. The secret's value is the token: 16 to 128 printable
   * characters without spaces, `"`, `/` or `@`.
   * @param secret an existing secret; by default a new one with a 64-character alphanumeric token
   */
  public static authToken(secret?: secretsmanager.ISecret): CacheAuthentication {
    return new CacheAuthentication(CacheAuthenticationType.AUTH_TOKEN, secret);
  }

  /**
   * An RBAC user group (Redis OSS 6.0 or later, or Valkey).
   * @param userGroupId the user group's id
   * @param userIds users that `grantConnect` lets IAM principals connect as (IAM-authenticated users)
   */
  public static userGroup(userGroupId: string, userIds: string[] = []): CacheAuthentication {
    return new CacheAuthentication(CacheAuthenticationType.USER_GROUP, undefined, userGroupId, userIds);
  }

  /** How clients authenticate. */
  public readonly type: CacheAuthenticationType;
  /** The token's secret, for an AUTH token given as an existing secret. */
  public readonly secret?: secretsmanager.ISecret;
  /** The user group, for RBAC. */
  public readonly userGroupId?: string;
  /** IAM-authenticated users of the group. */
  public readonly userIds: string[];

  private constructor(type: CacheAuthenticationType, secret?: secretsmanager.ISecret, userGroupId?: string, userIds: string[] = []) {
    this.type = type;
    this.secret = secret;
    this.userGroupId = userGroupId;
    this.userIds = userIds;
  }
}

/**
 * The alarms of a `ReplicatedCache`, each the maximum over the nodes of a shard.
 */
export interface ReplicatedCacheAlarmOptions extends AlarmOptions {
  /**
   * Replication lag that raises the alarm (ElastiCache's `ReplicationLag`, in seconds). Above 0.
   * @default Duration.seconds(5)
   */
  readonly replicationLag?: Duration;

  /**
   * Seconds a replica may lag behind its primary.
   * @default 5
   * @deprecated use `replicationLag`
   */
  readonly replicationLagSeconds?: number;

  /**
   * On a secondary of a Global Datastore: alarm when it lags the primary by more than this
   * (`GlobalDatastoreReplicationLag`, published in the secondary's region).
   * @default Duration.seconds(1)
   */
  readonly globalReplicationLag?: Duration;

  /**
   * Engine CPU (the Valkey/Redis thread), percent.
   * @default 90
   */
  readonly engineCpuPercent?: number;

  /**
   * Share of the node's memory used by data, percent.
   * @default 80
   */
  readonly memoryPercent?: number;

  /**
   * Keys evicted per minute. Evictions mean the cache is too small for its working set.
   * @default 1000
   */
  readonly evictionsPerMinute?: number;

  /**
   * Client connections on one node (the engine accepts 65,000).
   * @default 50000
   */
  readonly connections?: number;
}

/** The primary of a Global Datastore, as a secondary in another region's stack sees it. */
export interface IGlobalDatastorePrimary extends IConstruct {
  /** The Global Datastore's id (AWS prefixes the suffix given): a secondary joins by it. */
  readonly globalReplicationGroupId?: string;
  /** The node type: a secondary has the same. */
  readonly nodeType: string;
  /** The engine: a secondary has the same. */
  readonly engine: CacheEngine;
  /** The engine version: a secondary has the same. */
  readonly engineVersion: string;
  /** The number of shards: a secondary has the same. */
  readonly shards: number;
  /** Whether cluster mode is on: a secondary has the same. */
  readonly clusterMode: boolean;
}

/** Settings of the primary of a Global Datastore. */
export interface GlobalDatastorePrimaryOptions {
  /**
   * The Global Datastore's name, which AWS prefixes: letters, digits and hyphens.
   * @default - the construct's unique id
   */
  readonly suffix?: string;

  /**
   * How long promoting a secondary to primary took when the team measured it (a failover in a
   * game day), with where. It replaces the assumed minute in the region-loss chain.
   * @default - 1 minute, assumed: the ElastiCache User Guide gives no figure
   */
  readonly measuredPromotionTime?: MeasuredFailoverTime;
}

/** How a `ReplicatedCache` takes part in an ElastiCache Global Datastore. */
export class GlobalDatastore {
  /** This cache is the primary: the Global Datastore is created from it. */
  public static primary(options: GlobalDatastorePrimaryOptions = {}): GlobalDatastore {
    return new GlobalDatastore(options, undefined);
  }

  /**
   * This cache is a secondary of `primary`, a `ReplicatedCache` with `GlobalDatastore.primary()`
   * in another region's stack: created empty, it takes the primary's data, engine, version, node
   * type, encryption and AUTH, and its stack deploys after the primary's.
   */
  public static secondaryOf(primary: IGlobalDatastorePrimary): GlobalDatastore {
    return new GlobalDatastore({}, primary);
  }

  /** The primary's settings. */
  public readonly primaryOptions: GlobalDatastorePrimaryOptions;
  /** A secondary's primary. */
  public readonly primaryCache?: IGlobalDatastorePrimary;

  private constructor(options: GlobalDatastorePrimaryOptions, primary: IGlobalDatastorePrimary | undefined) {
    this.primaryOptions = options;
    this.primaryCache = primary;
  }
}

/**
 * Settings of a `ReplicatedCache` other than its VPC, for constructs that create one in a VPC of their
 * own choosing.
 */
export interface ReplicatedCacheOptions {
  /**
   * Subnets of the nodes, in at least two Availability Zones.
   * @default - the VPC's isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The engine: Valkey or Redis OSS.
   * @default CacheEngine.VALKEY
   */
  readonly engine?: CacheEngine;

  /**
   * Engine version, e.g. `8.1` (Valkey) or `7.1` (Redis OSS): Valkey from 7.2, Redis OSS 3.2.6 or
   * 4.0.10 to 7.1 (the versions that encrypt in transit).
   * @default - 8.1 for Valkey, 7.1 for Redis OSS
   */
  readonly engineVersion?: string;

  /**
   * Node type, e.g. `cache.r7g.large`. Previous-generation types (`cache.t1`, `cache.m1`,
   * `cache.m2`, `cache.c1`) support neither Multi-AZ, encryption nor snapshots and are refused.
   * Data-tiering types (`cache.r6gd`) get data tiering turned on.
   * @default 'cache.r7g.large'
   */
  readonly nodeType?: string;

  /**
   * Replicas per shard, 0 to 5. Two keep one replica serving reads while the other is promoted
   * and a replacement syncs. ElastiCache spreads the nodes over the subnets' zones.
   * @default 2
   */
  readonly replicasPerShard?: number;

  /**
   * Cluster mode: data partitioned over `shards`, clients use the configuration endpoint.
   * @default false
   */
  readonly clusterMode?: boolean;

  /**
   * Shards (node groups), 1 to 500, more than 1 only in cluster mode.
   * @default 1
   */
  readonly shards?: number;

  /**
   * Replicas in other Availability Zones than their primary; needs automatic failover and a replica.
   * @default - true with a replica, false without
   */
  readonly multiAz?: boolean;

  /**
   * Promote a replica when a primary fails; needs a replica, except in cluster mode, which always
   * has it on.
   * @default - true with a replica or in cluster mode, false otherwise
   */
  readonly automaticFailover?: boolean;

  /**
   * Name of a cache parameter group.
   * @default - the engine's default group
   */
  readonly parameterGroupName?: string;

  /**
   * Port, 1 to 65535. Defaults away from 6379 so that scanners of the well-known port pass it by;
   * clients read it from the endpoints.
   * @default 6380
   */
  readonly port?: number;

  /**
   * Customer managed key for encryption at rest (always on).
   * @default - an AWS owned key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How clients authenticate. Encryption in transit is always on.
   * @default - an AUTH token in a new secret
   */
  readonly authentication?: CacheAuthentication;

  /**
   * Days automatic snapshots are kept, 0 to 35 (0 turns them off).
   * @default Duration.days(7)
   */
  readonly snapshotRetention?: Duration;

  /**
   * Daily snapshot window, `hh:mm-hh:mm` in UTC, at least 60 minutes.
   * @default - chosen by ElastiCache
   */
  readonly snapshotWindow?: string;

  /**
   * Weekly maintenance window, `ddd:hh:mm-ddd:hh:mm` in UTC, at least 60 minutes.
   * @default - chosen by ElastiCache
   */
  readonly maintenanceWindow?: string;

  /**
   * Deliver the slow log and the engine log to CloudWatch Logs.
   * @default true
   */
  readonly logDelivery?: boolean;

  /**
   * Retention of the delivered logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Topic for ElastiCache events (failovers, node replacements). Its policy must let ElastiCache
   * publish with the condition `AWS:SourceOwner` (not `aws:SourceAccount`), as the ElastiCache
   * User Guide shows; otherwise ElastiCache marks the topic inactive.
   * @default - a new topic that accepts TLS publishing only, with that statement
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * What happens to the data when the replication group leaves the stack.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Alarms on replication lag, engine CPU, memory, evictions and connections.
   * @default - created with the defaults of ReplicatedCacheAlarmOptions
   */
  readonly alarms?: ReplicatedCacheAlarmOptions;

  /**
   * Stable `writer.` and `reader.` names in a private hosted zone.
   * @default - none
   */
  readonly internalDns?: InternalDnsOptions;

  /**
   * Description of the replication group: at most 255 characters.
   * @default - the construct path
   */
  readonly description?: string;

  /**
   * A failover time the team measured (for example with the TestFailover API in a game day), with
   * where it was measured. It replaces ElastiCache's documented typical figure in `failoverTime`
   * and in every budget built on it.
   * @default - ElastiCache's documented figure, "typically just a few minutes", taken as 3 minutes
   */
  readonly measuredFailoverTime?: MeasuredFailoverTime;

  /**
   * Make this cache part of an ElastiCache Global Datastore: its primary
   * (`GlobalDatastore.primary()`), or a secondary in another region's stack
   * (`GlobalDatastore.secondaryOf(primaryCache)`), which takes the primary's engine, version,
   * node type, encryption and AUTH.
   * @default - a cache of this region only
   */
  readonly global?: GlobalDatastore;
}

/**
 * Props of a `ReplicatedCache`.
 */
export interface ReplicatedCacheProps extends ReplicatedCacheOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
}
