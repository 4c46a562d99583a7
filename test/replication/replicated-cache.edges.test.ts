import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CacheEngine, ReplicatedCache, ReplicatedCacheProps } from '../../lib';
import { dataStack } from '../support/data-stack';
import { checkTemplateAgainstSpec } from '../support/resource-spec';

function synth(props: Partial<ReplicatedCacheProps>): { cache: ReplicatedCache; template: Template } {
  const { stack, vpc } = dataStack();
  const cache = new ReplicatedCache(stack, 'Cache', { vpc, ...props });
  const template = Template.fromStack(stack);
  expect(checkTemplateAgainstSpec('Data', template.toJSON())).toEqual([]);
  return { cache, template };
}

type Resource = { Type: string; Properties: Record<string, unknown> };
const group = (t: Template) => Object.values(t.toJSON().Resources as Record<string, Resource>).find((r) => r.Type === 'AWS::ElastiCache::ReplicationGroup')!.Properties;

/** Values exactly at AWS's documented bounds, and values AWS documents as valid: each synthesizes into a template the specification accepts. */
describe('ReplicatedCache accepts what AWS documents as valid', () => {
  test.each<[string, Partial<ReplicatedCacheProps>, (t: Template, c: ReplicatedCache) => void]>([
    ['Valkey 7.2, its first version on ElastiCache', { engineVersion: '7.2' }, (t) => expect(group(t).EngineVersion).toBe('7.2')],
    ['Redis OSS 7.1, its last', { engine: CacheEngine.REDIS, engineVersion: '7.1' }, (t) => expect(group(t).EngineVersion).toBe('7.1')],
    ['Redis OSS 3.2.6, the first with in-transit encryption', { engine: CacheEngine.REDIS, engineVersion: '3.2.6', logDelivery: false }, (t) => expect(group(t).TransitEncryptionEnabled).toBe(true)],
    ['Redis OSS 4.0.10', { engine: CacheEngine.REDIS, engineVersion: '4.0.10', logDelivery: false }, (t) => expect(group(t).EngineVersion).toBe('4.0.10')],
    ['a data-tiering node turns data tiering on', { nodeType: 'cache.r6gd.xlarge' }, (t) => expect(group(t).DataTieringEnabled).toBe(true)],
    ['cluster mode with no replica: automatic failover on, as cluster mode requires, and no failover time', { clusterMode: true, shards: 3, replicasPerShard: 0 }, (t, c) => {
      expect(group(t)).toMatchObject({ AutomaticFailoverEnabled: true, MultiAZEnabled: false, ReplicasPerNodeGroup: 0 });
      expect(c.failoverTime).toBeUndefined();
    }],
    ['a single node without cluster mode: no failover, no Multi-AZ', { replicasPerShard: 0 }, (t) => expect(group(t)).toMatchObject({ AutomaticFailoverEnabled: false, MultiAZEnabled: false, NumCacheClusters: 1 })],
    ['5 replicas per shard', { replicasPerShard: 5 }, (t) => expect(group(t).NumCacheClusters).toBe(6)],
    ['a KMS key of the cache\'s region, made elsewhere', { encryptionKey: kms.Key.fromKeyArn(new Stack(), 'Key', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab') },
      (t) => expect(group(t).KmsKeyId).toBe('arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab')],
    ...[['cache.t4g.micro'], ['cache.t3.medium'], ['cache.m5.24xlarge'], ['cache.m4.10xlarge'], ['cache.r5.24xlarge'], ['cache.r4.16xlarge'], ['cache.r7g.16xlarge'],
      ['cache.r6gd.16xlarge'], ['cache.c7gn.large'], ['cache.m7g.12xlarge']].map(([nodeType]): [string, Partial<ReplicatedCacheProps>, (t: Template) => void] =>
      [`node type ${nodeType}`, { nodeType }, (t) => expect(group(t).CacheNodeType).toBe(nodeType)]),
    ['snapshots kept 35 days', { snapshotRetention: Duration.days(35) }, (t) => expect(group(t).SnapshotRetentionLimit).toBe(35)],
    ['no snapshots', { snapshotRetention: Duration.days(0) }, (t) => expect(group(t).SnapshotRetentionLimit).toBe(0)],
    ['port 1 and a 60-minute window', { port: 1, snapshotWindow: '23:30-00:30' }, (t) => expect(group(t).Port).toBe(1)],
    ['port 65535', { port: 65535 }, (t) => expect(group(t).Port).toBe(65535)],
    ['a description of 255 characters', { description: 'd'.repeat(255) }, (t) => expect(group(t).ReplicationGroupDescription).toHaveLength(255)],
    ['internal names of 255 characters, labels of 63', { internalDns: { zoneName: `${'z'.repeat(63)}.${'z'.repeat(63)}.${'z'.repeat(56)}`, label: 'l'.repeat(63) } },
      (_t, c) => expect(c.internalDns!.writerName).toHaveLength(255)],
  ])('%s', (_name, props, check) => {
    const { cache, template } = synth(props);
    check(template, cache);
  });

  test.each([
    ['500 shards of one node', 500, 0],
    ['83 shards of six nodes (498 nodes)', 83, 5],
  ])('%s: within CloudFormation\'s 500 resources, no alarm reads more than 10 metrics, and every node is watched', (_name, shards, replicasPerShard) => {
    const { template } = synth({ clusterMode: true, shards, replicasPerShard });
    const resources = Object.values(template.toJSON().Resources as Record<string, Resource>);
    expect(resources.length).toBeLessThanOrEqual(500);
    const alarms = resources.filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const nodesOf = (a: Resource) => (a.Properties.Metrics as Array<{ MetricStat?: { Metric: { MetricName: string; Dimensions: Array<{ Value: unknown }> } } }>)
      .filter((m) => m.MetricStat).map((m) => JSON.stringify(m.MetricStat!.Metric.Dimensions[0].Value));
    for (const alarm of alarms) expect(nodesOf(alarm).length).toBeLessThanOrEqual(10);
    const cpu = alarms.filter((a) => JSON.stringify(a.Properties.Metrics).includes('"MetricName":"EngineCPUUtilization"'));
    expect(new Set(cpu.flatMap(nodesOf)).size).toBe(shards * (replicasPerShard + 1));
  });

  test('a node family this library does not know is warned about, not refused', () => {
    const { stack, vpc } = dataStack();
    new ReplicatedCache(stack, 'Cache', { vpc, nodeType: 'cache.r9g.large' });
    Annotations.fromStack(stack).hasWarning('/Data/Cache', Match.stringLikeRegexp('nodeType cache.r9g.large is not among the node families this library knows.*cdk-ha-kit:unknownNodeFamily'));
  });
});
