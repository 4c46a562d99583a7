import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CacheAuthentication, CacheEngine, ReplicatedCache, ReplicatedCacheProps } from '../../lib';
import { HaValidationError } from '../../lib/core/errors';
import { dataStack } from '../support/data-stack';

type Overrides = (vpc: ec2.Vpc) => Partial<ReplicatedCacheProps>;

function attempt(overrides: Overrides): void {
  const { stack, vpc } = dataStack();
  new ReplicatedCache(stack, 'Cache', { vpc, ...overrides(vpc) });
}

/** [what, props, the message line: prop, value and what is allowed] */
const rejected: Array<[string, Overrides, RegExp]> = [
  ['6 replicas per shard', () => ({ replicasPerShard: 6 }), /replicasPerShard: got 6; allowed: an integer from 0 to 5/],
  ['0 shards', () => ({ clusterMode: true, shards: 0 }), /shards: got 0; allowed: an integer from 1 to 500/],
  ['several shards without cluster mode', () => ({ shards: 2 }), /shards: got 2; allowed: 1 without cluster mode: partitioning over shards needs clusterMode: true/],
  ['more nodes than the engine allows', () => ({ clusterMode: true, shards: 100, replicasPerShard: 5 }),
    /shards: got 100 shards × 6 nodes = 600 nodes; allowed: at most 500 nodes in a replication group of valkey 8.1/],
  ['more nodes than an old Redis allows', () => ({ engine: CacheEngine.REDIS, engineVersion: '5.0.5', clusterMode: true, shards: 20, replicasPerShard: 4, logDelivery: false }),
    /shards: got 20 shards × 5 nodes = 100 nodes; allowed: at most 90 nodes in a replication group of redis 5.0.5/],
  ['automatic failover without a replica', () => ({ replicasPerShard: 0, automaticFailover: true }),
    /automaticFailover: got true with no replica; allowed: a replica to promote \(replicasPerShard ≥ 1\), or automaticFailover: false/],
  ['Multi-AZ without a replica', () => ({ replicasPerShard: 0, multiAz: true, automaticFailover: false }),
    /multiAz: got true with no replica; allowed: a replica in another zone \(replicasPerShard ≥ 1\), or multiAz: false/],
  ['Multi-AZ without automatic failover', () => ({ automaticFailover: false }), /multiAz: got true with automaticFailover false; allowed: Multi-AZ only with automatic failover/],
  ['cluster mode without automatic failover', () => ({ clusterMode: true, automaticFailover: false, multiAz: false }),
    /automaticFailover: got false in cluster mode; allowed: automatic failover on: cluster mode requires it/],
  ['a Valkey version before Valkey 7.2', () => ({ engineVersion: '7.1' }), /engineVersion: got 7.1 with valkey; allowed: Valkey 7.2 or later: ElastiCache offers no earlier Valkey/],
  ['a Redis OSS version after 7.1', () => ({ engine: CacheEngine.REDIS, engineVersion: '7.2' }), /engineVersion: got 7.2 with redis; allowed: Redis OSS up to 7.1, the last ElastiCache offers; for later versions use CacheEngine.VALKEY/],
  ['Redis OSS 4.0.9, before in-transit encryption', () => ({ engine: CacheEngine.REDIS, engineVersion: '4.0.9', logDelivery: false }),
    /engineVersion: got 4.0.9 with redis; allowed: Redis OSS 3.2.6, or 4.0.10 and later: earlier versions do not encrypt in transit, which this construct always does/],
  ['Redis OSS 3.2.10, which has no in-transit encryption', () => ({ engine: CacheEngine.REDIS, engineVersion: '3.2.10', logDelivery: false }), /engineVersion: got 3.2.10 with redis; allowed: Redis OSS 3.2.6, or 4.0.10 and later/],
  ['a data-tiering node with Redis OSS 6.0', () => ({ engine: CacheEngine.REDIS, engineVersion: '6.0', nodeType: 'cache.r6gd.xlarge', logDelivery: false }),
    /nodeType: got "cache.r6gd.xlarge" with redis 6.0; allowed: data tiering \(r6gd nodes\) from Redis OSS 6.2/],
  ['an engine version that is not one', () => ({ engineVersion: 'latest' }), /engineVersion: got "latest"; allowed: a version like 8.1 or 7.1/],
  ['RBAC on Redis OSS 5', () => ({ engine: CacheEngine.REDIS, engineVersion: '5.0.6', authentication: CacheAuthentication.userGroup('g'), logDelivery: false }),
    /authentication: got a user group with Redis OSS 5.0.6; allowed: Redis OSS 6.0 or later, or Valkey, for RBAC user groups/],
  ['log delivery on Redis OSS 6.0', () => ({ engine: CacheEngine.REDIS, engineVersion: '6.0' }),
    /logDelivery: got slow and engine logs with Redis OSS 6.0; allowed: Redis OSS 6.2 or later \(engine log\), or logDelivery: false/],
  ['a node type that is not one', () => ({ nodeType: 'r7g.large' }), /nodeType: got "r7g.large"; allowed: a node type like cache.r7g.large/],
  ['a previous-generation node type', () => ({ nodeType: 'cache.t1.micro' }),
    /nodeType: got "cache.t1.micro"; allowed: a current-generation node type: previous generations \(t1, m1, m2, c1\) support neither Multi-AZ, encryption nor snapshots/],
  // A family is not every size (ElastiCache's supported node types, per family).
  ['a burstable node of a size its family lacks', () => ({ nodeType: 'cache.t4g.large' }), /nodeType: got "cache.t4g.large"; allowed: a size cache.t4g comes in: micro, small, medium/],
  ['a data-tiering node smaller than xlarge', () => ({ nodeType: 'cache.r6gd.large' }), /nodeType: got "cache.r6gd.large"; allowed: a size cache.r6gd comes in: xlarge, 2xlarge, 4xlarge, 8xlarge, 12xlarge, 16xlarge/],
  ['an m5 size that exists only on EC2', () => ({ nodeType: 'cache.m5.8xlarge' }), /nodeType: got "cache.m5.8xlarge"; allowed: a size cache.m5 comes in: large, xlarge, 2xlarge, 4xlarge, 12xlarge, 24xlarge/],
  ['a metal r7g', () => ({ nodeType: 'cache.r7g.metal' }), /nodeType: got "cache.r7g.metal"; allowed: a size cache.r7g comes in:/],
  ['a KMS key of another region', (vpc) => ({ encryptionKey: kms.Key.fromKeyArn(vpc, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab') }),
    /encryptionKey: got one in us-east-1 for eu-west-1; allowed: one in eu-west-1: KMS keys are regional, and ElastiCache encrypts with a key of the cache's region/],
  ['port 0', () => ({ port: 0 }), /port: got 0; allowed: an integer from 1 to 65535/],
  ['snapshots kept 36 days', () => ({ snapshotRetention: Duration.days(36) }), /snapshotRetention: got 36 days; allowed: whole days from 0 to 35/],
  ['a snapshot window shorter than an hour', () => ({ snapshotWindow: '03:00-03:30' }), /snapshotWindow: got "03:00-03:30"; allowed: hh:mm-hh:mm \(UTC\), at least 60 minutes long/],
  ['a snapshot window that is not one', () => ({ snapshotWindow: '3am' }), /snapshotWindow: got "3am"; allowed: hh:mm-hh:mm/],
  ['a maintenance window shorter than an hour', () => ({ maintenanceWindow: 'sun:23:30-mon:00:10' }), /maintenanceWindow: got "sun:23:30-mon:00:10"; allowed: ddd:hh:mm-ddd:hh:mm/],
  ['a maintenance window without days', () => ({ maintenanceWindow: '05:00-06:00' }), /maintenanceWindow: got "05:00-06:00"; allowed: ddd:hh:mm-ddd:hh:mm \(UTC\), e.g. sun:05:00-sun:06:00/],
  ['subnets in one zone', (vpc) => ({ vpcSubnets: { subnets: [vpc.isolatedSubnets[0]] } }), /vpcSubnets: got subnets in 1 Availability Zone\(s\); allowed: subnets in at least two Availability Zones, for Multi-AZ/],
  ['internal DNS without a zone', () => ({ internalDns: {} }), /internalDns: got neither zone nor zoneName; allowed: an existing private zone \(`zone`\) or the name of one to create \(`zoneName`\)/],
  ['an internal TTL of 60 s', () => ({ internalDns: { zoneName: 'c.internal', ttl: Duration.seconds(60) } }), /internalDns\.ttl: got 60 s; allowed: whole seconds from 10 s to 30 s \(the internal TTL policy\)/],
  ['a DNS label with a dot', () => ({ internalDns: { zoneName: 'c.internal', label: 'a.b' } }), /internalDns\.label: got "a.b"; allowed: a DNS label/],
  ['a zone name with a label of 64 characters', () => ({ internalDns: { zoneName: `${'z'.repeat(64)}.internal` } }),
    /internalDns\.zoneName: got "z{64}\.internal", with a label of 64 characters; allowed: a domain name of at most 255 characters in labels of at most 63/],
  ['names past 255 characters in the zone', () => ({ internalDns: { zoneName: `${'z'.repeat(63)}.${'z'.repeat(63)}.${'z'.repeat(57)}`, label: 'l'.repeat(63) } }),
    /internalDns\.zoneName: got names such as "writer\.l{63}\.z[z.]+" \(256 characters\); allowed: a domain name of at most 255 characters/],
  ['a description of 256 characters', () => ({ description: 'd'.repeat(256) }), /description: got 256 characters; allowed: at most 255 characters/],
  ['a memory threshold above 100 %', () => ({ alarms: { memoryPercent: 120 } }), /alarms\.memoryPercent: got 120; allowed: above 0 and at most 100/],
  ['a connections threshold above the engine limit', () => ({ alarms: { connections: 70000 } }), /alarms\.connections: got 70000; allowed: above 0 and at most 65000/],
  ['a lag threshold of 0', () => ({ alarms: { replicationLagSeconds: 0 } }), /alarms\.replicationLagSeconds: got 0; allowed: above 0$/m],
  ['a lag of 0 s', () => ({ alarms: { replicationLag: Duration.seconds(0) } }), /alarms\.replicationLag: got 0 s; allowed: above 0 s$/m],
  ['both lag thresholds', () => ({ alarms: { replicationLag: Duration.seconds(2), replicationLagSeconds: 3 } }),
    /alarms\.replicationLagSeconds: got 3; allowed: no value beside alarms\.replicationLag \(2 s\): alarms\.replicationLagSeconds is its deprecated name/],
  ['more datapoints than periods', () => ({ alarms: { evaluationPeriods: 1, datapointsToAlarm: 2 } }), /alarms\.datapointsToAlarm: got 2; allowed: an integer from 1 to evaluationPeriods \(1\)/],
];

describe('ReplicatedCache rejects at synth', () => {
  test.each(rejected)('%s', (_name, overrides, message) => {
    expect(() => attempt(overrides)).toThrow(HaValidationError);
    expect(() => attempt(overrides)).toThrow(message);
  });

  test('the error starts with the construct path', () => {
    expect(() => attempt(() => ({ replicasPerShard: 9, port: -1 }))).toThrow(/^Invalid props for Data\/Cache:\n {2}replicasPerShard: got 9;.*\n {2}port: got -1;/);
  });
});
