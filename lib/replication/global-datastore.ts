/**
 * ElastiCache Global Datastores: the rules of the ElastiCache User Guide's "Prerequisites and
 * limitations" page, the Global Datastore made from a primary replication group, a secondary's
 * joining it, and the secondary's lag alarm.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Getting-Started.html
 */
import { CfnResource, Duration, Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { AlarmFactory } from '../core/alarms';
import { Validator, formatSeconds } from '../core/validation';
import { CacheAuthentication, CacheEngine, GlobalDatastore, IGlobalDatastorePrimary } from './cache-props';

/** "Global datastores are supported on the following instance families in size large and above". */
const FAMILIES = ['m5', 'm6g', 'm7g', 'r5', 'r6g', 'r6gd', 'r7g', 'c7gn'];
const BELOW_LARGE = ['micro', 'small', 'medium'];
const SUFFIX = /^[a-zA-Z0-9-]{1,40}$/;

/**
 * "Add up to two secondary clusters in different AWS Regions": "Using global datastores
 * (console)", https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Clusters-Console.html
 */
const MAX_SECONDARIES = 2;

/** The secondaries each primary has in this app: their paths and regions. */
const SECONDARIES = new WeakMap<IGlobalDatastorePrimary, Array<{ path: string; region: string }>>();

/** Records a secondary once it is built: later ones are counted against the limits with it. */
export function recordDatastoreSecondary(primary: IGlobalDatastorePrimary, secondary: Construct): void {
  SECONDARIES.set(primary, [...(SECONDARIES.get(primary) ?? []), { path: secondary.node.path, region: Stack.of(secondary).region }]);
}

/** What the rules need of the cache being built. */
export interface DatastoreMember {
  readonly scope: Construct;
  readonly nodeType: string;
  readonly engine: CacheEngine;
  readonly engineVersion: string;
  readonly shards: number;
  readonly clusterMode: boolean;
  readonly authentication?: CacheAuthentication;
}

/** Checks a cache's part in a Global Datastore. */
export function validateGlobalDatastore(v: Validator, global: GlobalDatastore | undefined, m: DatastoreMember): void {
  if (global === undefined) return;
  const [, family, size] = m.nodeType.split('.');
  if (!Token.isUnresolved(m.nodeType) && (!FAMILIES.includes(family) || BELOW_LARGE.includes(size))) {
    v.add('nodeType', JSON.stringify(m.nodeType), `a node type a Global Datastore supports: ${FAMILIES.join(', ')}, size large and above`);
  }
  const suffix = global.primaryOptions.suffix;
  if (suffix !== undefined && !SUFFIX.test(suffix)) v.add('global.suffix', JSON.stringify(suffix), 'letters, digits and hyphens, at most 40');
  const primary = global.primaryCache;
  if (primary === undefined) return;
  if (primary.globalReplicationGroupId === undefined) {
    v.add('global', `a secondary of ${primary.node.path}`, 'a secondary of a ReplicatedCache created with global: GlobalDatastore.primary()');
  }
  // "All clusters—primary and secondary—in your global datastore should have the same number of
  // primary nodes, node type, engine version, and number of shards".
  const same: Array<[string, unknown, unknown]> = [['nodeType', m.nodeType, primary.nodeType], ['engine', m.engine, primary.engine],
    ['engineVersion', m.engineVersion, primary.engineVersion], ['shards', m.shards, primary.shards], ['clusterMode', m.clusterMode, primary.clusterMode]];
  for (const [prop, mine, theirs] of same) {
    if (mine !== theirs) v.add(prop, JSON.stringify(mine), `the primary's, ${JSON.stringify(theirs)}: every member of a Global Datastore has the same`);
  }
  const here = Stack.of(m.scope).region;
  const there = Stack.of(primary).region;
  if (!Token.isUnresolved(here) && !Token.isUnresolved(there) && here === there) {
    v.add('global', `a secondary in ${here}, the primary's region`, 'a stack in another region: a Global Datastore replicates across regions');
  }
  if (m.authentication !== undefined) v.add('authentication', m.authentication.type, 'unset on a secondary: it takes the primary\'s AUTH');
  const joined = SECONDARIES.get(primary) ?? [];
  if (joined.length >= MAX_SECONDARIES) {
    v.add('global', `secondary number ${joined.length + 1} of ${primary.node.path}`, `at most ${MAX_SECONDARIES} secondaries in a Global Datastore, each in a region of its own`);
  }
  const sameRegion = Token.isUnresolved(here) ? undefined : joined.find((s) => s.region === here);
  if (sameRegion) v.add('global', `a second secondary in ${here} (${sameRegion.path} is there)`, 'one secondary per region: a Global Datastore\'s secondaries are in different regions');
}

/** The Global Datastore, made from the primary replication group; returns its id. */
export function createGlobalDatastore(scope: Construct, group: elasticache.CfnReplicationGroup, suffix: string | undefined): elasticache.CfnGlobalReplicationGroup {
  return new elasticache.CfnGlobalReplicationGroup(scope, 'GlobalDatastore', {
    globalReplicationGroupIdSuffix: suffix ?? Names.uniqueResourceName(scope, { maxLength: 40, separator: '-' }).toLowerCase().replace(/[^a-z0-9-]/g, ''),
    globalReplicationGroupDescription: `The Global Datastore of ${scope.node.path}`,
    members: [{ replicationGroupId: group.ref, replicationGroupRegion: Stack.of(scope).region, role: 'PRIMARY' }],
  });
}

/**
 * Makes a replication group a secondary: it joins the Global Datastore and takes from it what
 * every member shares (engine and version, node type, port, encryption, AUTH, shards, Multi-AZ and
 * automatic failover, which "the secondary cluster inherits ... from the primary cluster").
 */
export function joinGlobalDatastore(group: elasticache.CfnReplicationGroup, id: string): void {
  group.globalReplicationGroupId = id;
  Validations.of(group).acknowledge({
    id: 'AwsSolutions-AEC6',
    reason: 'A secondary of a Global Datastore takes the primary\'s AUTH: it has no AuthToken of its own, which the rule looks for.' });
  for (const inherited of ['Engine', 'EngineVersion', 'CacheNodeType', 'Port', 'AtRestEncryptionEnabled', 'TransitEncryptionEnabled', 'AuthToken', 'UserGroupIds',
    'CacheParameterGroupName', 'ClusterMode', 'NumNodeGroups', 'MultiAZEnabled', 'AutomaticFailoverEnabled', 'DataTieringEnabled']) {
    (group as CfnResource).addPropertyDeletionOverride(inherited);
  }
}

/**
 * The secondary's lag behind the primary, `GlobalDatastoreReplicationLag` (seconds), which
 * ElastiCache publishes for the secondary's primary node in its region ("Metrics for Valkey and
 * Redis OSS", https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html).
 */
export function createDatastoreLagAlarm(factory: AlarmFactory, path: string, primaryNode: string, given: Duration | undefined): void {
  const lag = given ?? Duration.seconds(1);
  factory.create({
    id: 'GlobalReplicationLagAlarm',
    nameSuffix: 'global-replication-lag',
    description: `${path} lags its Global Datastore's primary by more than ${formatSeconds(lag)}: a promotion now would lose that much.`,
    metric: new cloudwatch.Metric({
      namespace: 'AWS/ElastiCache', metricName: 'GlobalDatastoreReplicationLag', dimensionsMap: { CacheClusterId: primaryNode },
      statistic: 'Maximum', period: Duration.minutes(1),
    }),
    threshold: lag.toSeconds({ integral: false }),
    comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  });
}
