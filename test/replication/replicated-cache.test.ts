import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CacheAuthentication, CacheEngine, FigureKind, MeasuredFailoverTime, ReplicatedCache, ReplicatedCacheProps } from '../../lib';
import { dataStack } from '../support/data-stack';
import { checkTemplateAgainstSpec } from '../support/resource-spec';

function build(props: Partial<ReplicatedCacheProps> = {}) {
  const { app, stack, vpc } = dataStack();
  const cache = new ReplicatedCache(stack, 'Cache', { vpc, ...props });
  return { app, stack, vpc, cache, get template() { return Template.fromStack(stack); } };
}

describe('defaults', () => {
  test('a Valkey replication group, Multi-AZ with automatic failover, a primary and two replicas, zones left to ElastiCache', () => {
    const { template, cache } = build();
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      EngineVersion: '8.1',
      CacheNodeType: 'cache.r7g.large',
      ClusterMode: 'disabled',
      NumCacheClusters: 3,
      PreferredCacheClusterAZs: Match.absent(),
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
      Port: 6380,
      AutoMinorVersionUpgrade: true,
    });
    expect([cache.replicasPerShard, cache.shards, cache.clusterMode]).toEqual([2, 1, false]);
  });

  test('encrypted at rest and in transit, with an AUTH token from a retained secret', () => {
    const { template, cache } = build();
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
      AuthToken: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: Match.stringLikeRegexp('CacheAuthToken') }, ':SecretString:::}}']] },
      KmsKeyId: Match.absent(),
    });
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: { GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true } },
    });
    expect(cache.authTokenSecret).toBeDefined();
  });

  test('in isolated subnets of at least two zones, behind its own security group that lets nothing in by default', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: [{ Ref: Match.stringLikeRegexp('VpcDataSubnet1') }, { Ref: Match.stringLikeRegexp('VpcDataSubnet2') }, { Ref: Match.stringLikeRegexp('VpcDataSubnet3') }],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Data/Cache: cache nodes',
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  test('ElastiCache may publish to the TLS-only events topic, under the statement it documents', () => {
    const { template } = build();
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      {
        Sid: 'AllowElastiCachePublish', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'SNS:Publish',
        Resource: { Ref: expect.stringMatching(/^CacheEvents/) }, Condition: { StringEquals: { 'AWS:SourceOwner': '111111111111' } },
      },
    ]));
    // aws:SourceAccount, which SNS puts in new topics' policies, is what ElastiCache does not support.
    expect(JSON.stringify(statements)).not.toContain('aws:SourceAccount');
  });

  test('snapshots kept 7 days, a snapshot when removed, logs and events delivered', () => {
    const { template, cache } = build();
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: Match.objectLike({
        SnapshotRetentionLimit: 7,
        NotificationTopicArn: { Ref: Match.stringLikeRegexp('CacheEvents') },
        LogDeliveryConfigurations: [
          { DestinationType: 'cloudwatch-logs', LogFormat: 'json', LogType: 'slow-log', DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: Match.stringLikeRegexp('CacheSlowLog') } } } },
          { DestinationType: 'cloudwatch-logs', LogFormat: 'json', LogType: 'engine-log', DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: Match.stringLikeRegexp('CacheEngineLog') } } } },
        ],
      }),
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    expect(cache.logGroups).toHaveLength(2);
  });

  test('fails over in the user guide\'s "few minutes", taken as 3 minutes and marked as a typical figure', () => {
    const { cache } = build();
    expect(cache.worstCaseFailoverTime?.toSeconds()).toBe(180);
    expect(cache.failoverTime?.steps[0].kind).toBe(FigureKind.AWS_TYPICAL);
    expect(cache.failoverTime?.render()).toMatch(/^failover: 180 s \(.*\) \[AWS typical: Amazon ElastiCache User Guide, .*"typically just a few minutes", taken as 3 minutes\]$/m);
  });

  test('a measured failover time replaces the documented one, with its source beside the number', () => {
    const { cache } = build({ measuredFailoverTime: MeasuredFailoverTime.of(Duration.seconds(42), 'game day 2026-11-04, 20 TestFailover runs, worst') });
    expect(cache.worstCaseFailoverTime?.toSeconds()).toBe(42);
    expect(cache.failoverTime?.render()).toMatch(/^failover: 42 s \(measured; replaces 180 s \(AWS typical, Amazon ElastiCache User Guide.*\)\) \[measured: game day 2026-11-04, 20 TestFailover runs, worst\]$/m);
  });
});

describe('options', () => {
  test('writes go to writerEndpoint, the primary endpoint, and reads to readerEndpoint, as on ReplicatedDatabase', () => {
    const { cache, stack } = build();
    expect(stack.resolve(cache.writerEndpoint.hostname)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Cache/), 'PrimaryEndPoint.Address'] });
    expect(stack.resolve(cache.readerEndpoint.hostname)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Cache/), 'ReaderEndPoint.Address'] });
    expect(cache.primaryEndpoint).toBe(cache.writerEndpoint);
  });

  test('Redis OSS, cluster mode with shards, a node type, a parameter group, a port and windows', () => {
    const { template, cache } = build({
      engine: CacheEngine.REDIS, engineVersion: '7.1', clusterMode: true, shards: 3, replicasPerShard: 1, nodeType: 'cache.m7g.xlarge',
      parameterGroupName: 'default.redis7.cluster.on', port: 6390, snapshotWindow: '03:00-04:00', maintenanceWindow: 'sun:05:00-sun:06:30',
      snapshotRetention: Duration.days(35),
    });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis', EngineVersion: '7.1', CacheNodeType: 'cache.m7g.xlarge', ClusterMode: 'enabled',
      NumNodeGroups: 3, ReplicasPerNodeGroup: 1, NumCacheClusters: Match.absent(), PreferredCacheClusterAZs: Match.absent(),
      CacheParameterGroupName: 'default.redis7.cluster.on', Port: 6390,
      SnapshotWindow: '03:00-04:00', PreferredMaintenanceWindow: 'sun:05:00-sun:06:30', SnapshotRetentionLimit: 35,
    });
    expect(cache.primaryEndpoint).toEqual(cache.readerEndpoint);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('replication-lag-shard-3$') });
  });

  test('a customer key, an RBAC user group, an existing topic, no log delivery, and a retain policy', () => {
    const { stack, vpc } = dataStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Ops', { enforceSSL: true });
    const cache = new ReplicatedCache(stack, 'Cache', {
      vpc, encryptionKey: key, authentication: CacheAuthentication.userGroup('app-users', ['app-iam-user']), notificationTopic: topic,
      logDelivery: false, removalPolicy: RemovalPolicy.RETAIN,
    });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] }, UserGroupIds: ['app-users'], AuthToken: Match.absent(),
        NotificationTopicArn: { Ref: Match.stringLikeRegexp('^Ops') }, LogDeliveryConfigurations: Match.absent(),
      }),
    });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(cache.authTokenSecret).toBeUndefined();
  });

  test('an existing AUTH token secret and a log retention', () => {
    const { stack, vpc } = dataStack();
    const secret = new secretsmanager.Secret(stack, 'Token');
    const cache = new ReplicatedCache(stack, 'Cache', { vpc, authentication: CacheAuthentication.authToken(secret), logRetention: logs.RetentionDays.ONE_YEAR });
    expect(cache.authTokenSecret).toBe(secret);
    Template.fromStack(stack).allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('no replica and no failover for a disposable cache: no failover time', () => {
    const { template, cache } = build({ replicasPerShard: 0, multiAz: false, automaticFailover: false });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { NumCacheClusters: 1, AutomaticFailoverEnabled: false, MultiAZEnabled: false });
    expect(cache.worstCaseFailoverTime).toBeUndefined();
    expect(cache.alarms.map((a) => a.node.id)).not.toContain('ReplicationLagAlarm');
  });

  test('internal DNS: writer. and reader. names on the primary and reader endpoints', () => {
    const { template, cache } = build({ internalDns: { zoneName: 'cache.internal', label: 'sessions', ttl: Duration.seconds(15) } });
    template.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'cache.internal.', VPCs: [Match.objectLike({ VPCRegion: 'eu-west-1' })] });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'writer.sessions.cache.internal.', Type: 'CNAME', TTL: '15',
      ResourceRecords: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Cache'), 'PrimaryEndPoint.Address'] }],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'reader.sessions.cache.internal.', Type: 'CNAME', ResourceRecords: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Cache'), 'ReaderEndPoint.Address'] }],
    });
    expect(cache.internalDns?.writerName).toBe('writer.sessions.cache.internal');
  });
});

describe('access', () => {
  test('only granted clients reach the port', () => {
    const { stack, vpc, cache } = build();
    const service = new ec2.SecurityGroup(stack, 'Service', { vpc });
    cache.connections.allowDefaultPortFrom(service);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('CacheSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Service'), 'GroupId'] },
      FromPort: 6380, ToPort: 6380,
    });
  });

  test('grantConnect gives read access to the AUTH token', () => {
    const { stack, cache } = build();
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    cache.grantConnect(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: Match.stringLikeRegexp('CacheAuthToken') } })] },
    });
  });

  test('grantConnect with RBAC allows elasticache:Connect on the group and its IAM users only', () => {
    const { stack, cache } = build({ authentication: CacheAuthentication.userGroup('app-users', ['app-iam-user']) });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    cache.grantConnect(role);
    const prefix = ['arn:', { Ref: 'AWS::Partition' }];
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'elasticache:Connect',
          Resource: [
            { 'Fn::Join': ['', [...prefix, ':elasticache:eu-west-1:111111111111:replicationgroup:', { Ref: Match.stringLikeRegexp('^Cache') }]] },
            { 'Fn::Join': ['', [...prefix, ':elasticache:eu-west-1:111111111111:user:app-iam-user']] },
          ],
        }],
      },
    });
  });

  test('grantConnect with RBAC and no IAM users says what is missing', () => {
    const { stack, cache } = build({ authentication: CacheAuthentication.userGroup('app-users') });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    expect(() => cache.grantConnect(role)).toThrow('Invalid arguments for Data/Cache:\n  grantConnect(): got a cache whose user group names no IAM users; allowed: a cache authenticated with CacheAuthentication.userGroup(groupId, [userIds]), whose users are granted');
  });
});

describe('metrics and alarms', () => {
  test('node metrics name the node by replication group and suffix', () => {
    const { cache, stack } = build();
    expect(cache.nodeSuffixes()).toEqual(['001', '002', '003']);
    expect(stack.resolve(cache.metric('EngineCPUUtilization', '002').dimensions)).toEqual({ CacheClusterId: { 'Fn::Join': ['', [{ Ref: expect.stringMatching(/^Cache/) }, '-002']] } });
    expect(cache.metricReplicationLag().expression).toBe('MAX([n0, n1, n2])');
  });

  test('cluster-mode node ids carry the shard', () => {
    const { cache } = build({ clusterMode: true, shards: 2, replicasPerShard: 1 });
    expect(cache.nodeSuffixes(2)).toEqual(['0002-001', '0002-002']);
  });

  test('five alarms, each the maximum over the shard\'s nodes, named from the prefix', () => {
    const { template, cache } = build({ alarms: { namePrefix: 'sessions' } });
    expect(cache.alarms).toHaveLength(5);
    for (const [name, threshold] of [['replication-lag', 5], ['engine-cpu', 90], ['memory', 80], ['evictions', 1000], ['connections', 50000]] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `sessions-${name}`, Threshold: threshold, ComparisonOperator: 'GreaterThanThreshold',
        Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([n0, n1, n2])' })]),
      });
    }
  });

  test('per-shard alarms in cluster mode, thresholds and actions configurable', () => {
    const { stack, vpc } = dataStack();
    const topic = new sns.Topic(stack, 'Pager');
    const cache = new ReplicatedCache(stack, 'Cache', {
      vpc, clusterMode: true, shards: 2, replicasPerShard: 1,
      alarms: { namePrefix: 'c', replicationLagSeconds: 2, engineCpuPercent: 70, memoryPercent: 60, evictionsPerMinute: 10, connections: 1000, actions: [new cwActions.SnsAction(topic)] },
    });
    expect(cache.alarms).toHaveLength(10);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'c-replication-lag-shard-2', Threshold: 2, AlarmActions: [{ Ref: Match.stringLikeRegexp('Pager') }] });
  });

  test('the lag threshold is a Duration, fractions of a second allowed (ReplicationLag is reported in seconds)', () => {
    const { template } = build({ alarms: { namePrefix: 'c', replicationLag: Duration.millis(500) } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'c-replication-lag', Threshold: 0.5 });
  });

  test('alarms can be switched off', () => {
    expect(build({ alarms: { enabled: false } }).cache.alarms).toEqual([]);
  });
});

describe('stable identity, specification and cdk-nag', () => {
  test('logical ids of the replication group and its secret are pinned', () => {
    const { template } = build();
    const ids = Object.entries(template.toJSON().Resources as Record<string, { Type: string }>)
      .filter(([, r]) => ['AWS::ElastiCache::ReplicationGroup', 'AWS::SecretsManager::Secret', 'AWS::ElastiCache::SubnetGroup'].includes(r.Type))
      .map(([id, r]) => `${r.Type} ${id}`).sort();
    expect(ids).toEqual([
      'AWS::ElastiCache::ReplicationGroup Cache18F6EE16',
      'AWS::ElastiCache::SubnetGroup CacheSubnetGroup355C216D',
      'AWS::SecretsManager::Secret CacheAuthToken04672416',
    ]);
  });

  test('snapshot', () => {
    const { template } = build({ internalDns: { zoneName: 'cache.internal' }, alarms: { namePrefix: 'snap' } });
    expect(template.toJSON()).toMatchSnapshot();
  });

  test.each([
    ['the defaults', {}],
    ['cluster mode with RBAC and a key', { clusterMode: true, shards: 2, authentication: CacheAuthentication.userGroup('g') }],
  ])('%s pass the resource-specification check', (name, props) => {
    expect(checkTemplateAgainstSpec(name, build(props as Partial<ReplicatedCacheProps>).template.toJSON())).toEqual([]);
  });

  test.each([
    ['an AUTH token', {}],
    ['an RBAC user group in cluster mode', { clusterMode: true, shards: 2, authentication: CacheAuthentication.userGroup('users') }],
  ])('cdk-nag AwsSolutions finds nothing unacknowledged with %s', (_name, props) => {
    const { app, vpc } = build(props as Partial<ReplicatedCacheProps>);
    vpc.addFlowLog('FlowLog');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
