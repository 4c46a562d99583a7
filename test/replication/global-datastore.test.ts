/**
 * ElastiCache Global Datastores: a primary in one region's stack, a secondary in another's that
 * takes what every member shares; and the rules of the ElastiCache User Guide's "Prerequisites
 * and limitations" page.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CacheAuthentication, GlobalDatastore, ReplicatedCache, ReplicatedCacheProps } from '../../lib';
import { regionStack } from '../support/region-stack';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { testApp } from '../support/stacks';

type Sides = { primary?: Partial<ReplicatedCacheProps>; secondary?: Partial<ReplicatedCacheProps>; secondaryRegion?: string };

function build(overrides: Sides = {}) {
  const app = testApp({ '@aws-cdk/core:defaultCrossStackReferences': 'weak' });
  const one = regionStack(app, 'Primary', 'eu-west-1');
  const two = regionStack(app, 'Standby', overrides.secondaryRegion ?? 'eu-central-1');
  const primary = new ReplicatedCache(one.stack, 'Sessions', { vpc: one.vpc, global: GlobalDatastore.primary(), alarms: { actions: [] }, ...overrides.primary });
  const secondary = new ReplicatedCache(two.stack, 'Sessions', { vpc: two.vpc, global: GlobalDatastore.secondaryOf(primary), replicasPerShard: 1, ...overrides.secondary });
  return { app, primary, secondary, one, two };
}

describe('a primary and a secondary in two regions', () => {
  test('the Global Datastore is made from the primary; the secondary joins it and takes engine, node type, encryption and AUTH from it', () => {
    const { primary, secondary, one, two } = build();
    const first = Template.fromStack(one.stack);
    const second = Template.fromStack(two.stack);
    const datastore = Object.values(first.findResources('AWS::ElastiCache::GlobalReplicationGroup'))[0].Properties;
    expect(datastore.Members).toEqual([{ ReplicationGroupId: { Ref: expect.stringMatching(/^Sessions/) }, ReplicationGroupRegion: 'eu-west-1', Role: 'PRIMARY' }]);
    const group = Object.values(second.findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties;
    expect(group.GlobalReplicationGroupId).toBeDefined();
    for (const inherited of ['Engine', 'EngineVersion', 'CacheNodeType', 'AuthToken', 'TransitEncryptionEnabled', 'AtRestEncryptionEnabled', 'Port']) expect(group[inherited]).toBeUndefined();
    expect(group.NumCacheClusters).toBe(2);
    second.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(secondary.authTokenSecret).toBeUndefined();
    expect(primary.globalReplicationGroupId).toBeDefined();
    // The id crosses regions as an output of the primary's stack.
    expect(two.stack.dependencies).toContain(one.stack);
    for (const stack of [one.stack, two.stack]) expect(checkTemplateAgainstSpec(stack.stackName, Template.fromStack(stack).toJSON())).toEqual([]);
  });

  test('the secondary alarms when it lags the primary', () => {
    const { two } = build({ secondary: { alarms: { actions: [], globalReplicationLag: Duration.seconds(5) } } });
    Template.fromStack(two.stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'GlobalDatastoreReplicationLag', Namespace: 'AWS/ElastiCache', Threshold: 5 });
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged in either region', () => {
    const { app } = build({ secondary: { alarms: { actions: [] } } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('a suffix of 40 characters synthesizes', () => {
    expect(() => build({ primary: { global: GlobalDatastore.primary({ suffix: 's'.repeat(40) }) } })).not.toThrow();
  });

  test('the smallest node a Global Datastore takes, large, synthesizes', () => {
    expect(() => build({ primary: { nodeType: 'cache.m6g.large' }, secondary: { nodeType: 'cache.m6g.large' } })).not.toThrow();
  });
});

describe('rules', () => {
  test.each<[string, Sides, RegExp]>([
    ['a burstable node', { primary: { nodeType: 'cache.t4g.medium' }, secondary: { nodeType: 'cache.t4g.medium' } },
      /nodeType: got "cache\.t4g\.medium"; allowed: a node type a Global Datastore supports: m5, m6g, m7g, r5, r6g, r6gd, r7g, c7gn, size large and above/],
    ['a node below large', { primary: { nodeType: 'cache.r7g.medium' }, secondary: { nodeType: 'cache.r7g.medium' } }, /nodeType: got "cache\.r7g\.medium"/],
    ['a secondary of another node type', { secondary: { nodeType: 'cache.r7g.xlarge' } },
      /Standby\/Sessions:\n {2}nodeType: got "cache\.r7g\.xlarge"; allowed: the primary's, "cache\.r7g\.large": every member of a Global Datastore has the same/],
    ['a secondary of another shard count', { primary: { clusterMode: true, shards: 2 }, secondary: { clusterMode: true, shards: 3 } }, /shards: got 3; allowed: the primary's, 2/],
    ['a secondary in the primary\'s region', { secondaryRegion: 'eu-west-1' }, /global: got a secondary in eu-west-1, the primary's region/],
    ['a secondary with AUTH of its own', { secondary: { authentication: CacheAuthentication.authToken() } }, /authentication: got AUTH_TOKEN; allowed: unset on a secondary: it takes the primary's AUTH/],
    ['a secondary of a regional cache', { primary: { global: undefined } }, /global: got a secondary of Primary\/Sessions; allowed: a secondary of a ReplicatedCache created with global: GlobalDatastore\.primary\(\)/],
    ['a suffix with a dot', { primary: { global: GlobalDatastore.primary({ suffix: 'sessions.eu' }) } }, /global\.suffix: got "sessions\.eu"; allowed: letters, digits and hyphens, at most 40/],
    ['a lag alarm on the primary', { primary: { alarms: { actions: [], globalReplicationLag: Duration.seconds(5) } } },
      /alarms\.globalReplicationLag: got 5 s; allowed: unset outside a secondary of a Global Datastore/],
  ])('%s is refused at synth', (_name, overrides, message) => {
    expect(() => build(overrides)).toThrow(message);
  });
});

describe('the limits of a Global Datastore', () => {
  test('two secondaries, the most a Global Datastore has, synthesize; a third is refused', () => {
    const { app, primary } = build({ secondary: { alarms: { actions: [] } } });
    const join = (id: string, region: string) => {
      const there = regionStack(app, id, region);
      return new ReplicatedCache(there.stack, 'Sessions', { vpc: there.vpc, global: GlobalDatastore.secondaryOf(primary), replicasPerShard: 1, alarms: { actions: [] } });
    };
    expect(() => join('Second', 'us-east-1')).not.toThrow();
    expect(() => join('Third', 'us-west-2')).toThrow(/Third\/Sessions:\n {2}global: got secondary number 3 of Primary\/Sessions; allowed: at most 2 secondaries in a Global Datastore, each in a region of its own/);
  });

  test('a second secondary in a region that has one is refused', () => {
    const { app, primary } = build({ secondary: { alarms: { actions: [] } } });
    const again = regionStack(app, 'Again', 'eu-central-1');
    expect(() => new ReplicatedCache(again.stack, 'Sessions', { vpc: again.vpc, global: GlobalDatastore.secondaryOf(primary), replicasPerShard: 1, alarms: { actions: [] } }))
      .toThrow(/global: got a second secondary in eu-central-1 \(Standby\/Sessions is there\); allowed: one secondary per region/);
  });
});
