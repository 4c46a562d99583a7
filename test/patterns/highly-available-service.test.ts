import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  DatabaseEngine, DnsHealthCheck, FailoverTarget, FigureKind, HealthCheckPreset, HealthCheckProfile, HighlyAvailableService, HighlyAvailableServiceProps,
  GlobalDatabase, MeasuredFailoverTime, ReplicatedDatabase, ServiceFailure, VipEndpoint,
} from '../../lib';
import { HaValidationError } from '../../lib/core/errors';
import { deployedConfig } from '../monitoring/monitor-stack';
import { dataStack } from '../support/data-stack';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { testApp } from '../support/stacks';

const STANDBY = FailoverTarget.remoteLoadBalancer('standby-123.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5');
const ipGroup = (name: string, port: number, preset = HealthCheckPreset.FAST) => ({
  name, port, targetType: elbv2.TargetType.IP, healthCheck: HealthCheckProfile.http({ path: '/health', preset }),
});

type Overrides = (ctx: ReturnType<typeof dataStack> & { zone: route53.PublicHostedZone }) => Partial<HighlyAvailableServiceProps>;

function build(overrides: Overrides = () => ({})) {
  const ctx = dataStack();
  const zone = new route53.PublicHostedZone(ctx.stack, 'Zone', { zoneName: 'example.com' });
  const service = new HighlyAvailableService(ctx.stack, 'Shop', {
    vpc: ctx.vpc,
    loadBalancer: { internetFacing: true, allowPlaintext: true, targetGroups: [ipGroup('Api', 8080)], defaultTargetGroup: 'Api' },
    ...overrides({ ...ctx, zone }),
  });
  return { ...ctx, zone, service, get template() { return Template.fromStack(ctx.stack); } };
}

const fullTiers: Overrides = ({ zone }) => ({
  dns: { zone, recordName: 'shop', secondary: STANDBY, primaryHealthCheck: DnsHealthCheck.endpoint({ requestInterval: Duration.seconds(10), failureThreshold: 2 }) },
  cache: { nodeType: 'cache.t4g.medium' },
  database: {
    engine: DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 })),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
  },
});

describe('composition', () => {
  test('the load balancer reaches the service\'s security group on its target ports only', () => {
    const { template, service } = build();
    // Outbound: HTTPS only (image pulls, logs, AWS APIs); the data tiers add their own ports.
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Data/Shop service tasks or instances',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS: image pulls, logs and AWS APIs' }],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ShopServiceSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ShopLoadBalancerSecurityGroup'), 'GroupId'] },
    });
    expect(service.cache).toBeUndefined();
    expect(service.database).toBeUndefined();
    expect(service.dns).toBeUndefined();
  });

  test('every tier: the data tier admits the service only, the name fails over from this load balancer, the monitor watches and probes', () => {
    const { template, service } = build(fullTiers);
    for (const [port, store] of [[6380, 'ShopCache'], [5433, 'ShopDatabase']] as const) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: port, ToPort: port,
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp(store), 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ShopServiceSecurityGroup'), 'GroupId'] },
      });
    }
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'shop.example.com.', Failover: 'PRIMARY',
      AliasTarget: Match.objectLike({ DNSName: { 'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [Match.stringLikeRegexp('ShopLoadBalancer'), 'DNSName'] }]] } }),
    });
    const config = deployedConfig(template);
    expect(config.targetGroups.map((g) => g.name)).toEqual(['Api']);
    expect(config.dns?.triggerGroups).toEqual(['Api']);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080, ToPort: 8080,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ShopServiceSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ShopMonitorSecurityGroup'), 'GroupId'] },
    });
    expect(service.alarms.length).toBe(service.loadBalancer.alarms.length + service.dns!.alarms.length + service.cache!.alarms.length + service.database!.alarms.length + service.monitor!.alarms.length);
  });

  test('targets of any kind: IP addresses, a Lambda function', () => {
    const { service, stack } = build(() => ({
      loadBalancer: { targetGroups: [ipGroup('Api', 8080), { name: 'Fn', targetType: elbv2.TargetType.LAMBDA }], defaultTargetGroup: 'Api', routes: [{ priority: 1, pathPatterns: ['/fn'], targetGroup: 'Fn' }] },
    }));
    service.addTargets('Api', [new targets.IpTarget('10.0.1.10'), new targets.IpTarget('10.0.1.11')]);
    const fn = new lambda.Function(stack, 'Handler', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })'),
    });
    service.addTargets('Fn', [new targets.LambdaTarget(fn)]);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip', Targets: [{ Id: '10.0.1.10' }, { Id: '10.0.1.11' }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda', HealthCheckEnabled: false, Port: Match.absent(), Protocol: Match.absent(),
      Targets: [{ Id: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Handler'), 'Arn'] } }],
    });
    // Only the IP group is probed.
    expect(deployedConfig(template).targetGroups.map((g) => g.name)).toEqual(['Api']);
  });

  test('a service security group of one\'s own is used, and let in', () => {
    const { template, service } = build(({ stack, vpc }) => ({ serviceSecurityGroup: new ec2.SecurityGroup(stack, 'Tasks', { vpc, allowAllOutbound: false }) }));
    expect(service.serviceSecurityGroup.node.id).toBe('Tasks');
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Tasks'), 'GroupId'] }, FromPort: 8080 });
  });

  test('no monitor, with a warning, when no target group holds IP targets', () => {
    const { service, stack } = build(() => ({ loadBalancer: { targetGroups: [{ name: 'Web', port: 80 }], defaultTargetGroup: 'Web' } }));
    expect(service.monitor).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('/Data/Shop', Match.stringLikeRegexp('^No health monitor: no target group is declared with targetType IP'));
  });

  test('the monitor can be turned off', () => {
    const { service, template } = build(() => ({ monitorEnabled: false }));
    expect(service.monitor).toBeUndefined();
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
  });
});

describe('failover budget per failure', () => {
  const chain = (service: HighlyAvailableService, failure: ServiceFailure) =>
    service.failoverTime.of(failure)!.breakdown.steps.map((s) => [s.name, s.duration.toSeconds({ integral: false })]);
  const errorOf = (overrides: Overrides) => {
    try {
      build(overrides);
    } catch (e) {
      return e as Error;
    }
    return undefined;
  };

  test('each failure has its own chain: no failure goes through every tier', () => {
    const { service } = build(fullTiers);
    expect(service.failoverTime.failures.map((f) => f.failure)).toEqual([
      ServiceFailure.TARGET, ServiceFailure.ZONE, ServiceFailure.DATABASE_WRITER, ServiceFailure.CACHE_PRIMARY, ServiceFailure.PRIMARY_REGION,
    ]);
    expect(chain(service, ServiceFailure.TARGET)).toEqual([['load balancer: detection', 12]]);
    // Zonal shift is on by default; without autoshift, an operator starts it.
    expect(chain(service, ServiceFailure.ZONE)).toEqual([
      ['load balancer: detection', 12], ['an operator starts a zonal shift', 0], ['load balancer DNS: the zone\'s address leaves the answers', 60], ['clients: DNS cache beyond the TTL', 0],
    ]);
    expect(chain(service, ServiceFailure.DATABASE_WRITER)).toEqual([['database: failover', 60], ['clients: reconnect to the new writer', 0]]);
    expect(chain(service, ServiceFailure.CACHE_PRIMARY)).toEqual([['cache: failover', 180], ['clients: reconnect to the new primary', 0]]);
    expect(chain(service, ServiceFailure.PRIMARY_REGION)).toEqual([
      ['load balancer: detection', 12], ['dns: detection', 26], ['dns: propagation', 60], ['dns: ttl', 60],
      ['clients: DNS cache beyond the TTL', 0], ['clients: connection reuse', 0],
    ]);
    // The target's chain is the load balancer's own arithmetic: a bound. The others rest on
    // typical figures or on client delays nobody stated.
    expect(service.failoverTime.failures.map((f) => f.isBound)).toEqual([true, false, false, false, false]);
    expect(service.failoverTime.headline()).toBe('worst failure: the cache primary fails: 180 s, typical, not a bound (cache: failover, clients: reconnect to the new primary)');
    expect(service.worstCaseFailoverTime.toSeconds()).toBe(180);
  });

  test('client delays, once stated, count in each failure that goes through them, as stated figures', () => {
    const { service } = build((ctx) => ({
      ...fullTiers(ctx),
      clientDelays: { dnsCacheBeyondTtl: Duration.seconds(30), connectionReuse: Duration.seconds(60), databaseReconnect: Duration.seconds(10), cacheReconnect: Duration.seconds(5) },
    }));
    expect(chain(service, ServiceFailure.PRIMARY_REGION).slice(-2)).toEqual([['clients: DNS cache beyond the TTL', 30], ['clients: connection reuse', 60]]);
    expect(chain(service, ServiceFailure.DATABASE_WRITER)).toEqual([['database: failover', 60], ['clients: reconnect to the new writer', 10]]);
    expect(chain(service, ServiceFailure.CACHE_PRIMARY)).toEqual([['cache: failover', 180], ['clients: reconnect to the new primary', 5]]);
    expect(service.failoverTime.worst.failure).toBe(ServiceFailure.PRIMARY_REGION);
    expect(service.failoverTime.worst.total.toSeconds()).toBe(248);
    expect(service.failoverTime.worst.breakdown.steps.slice(-1)[0].kind).toBe(FigureKind.CLIENT_STATED);
    // Propagation is still AWS's typical figure.
    expect(service.failoverTime.worst.breakdown.unboundSteps).toEqual(['dns: propagation']);
  });

  test('a budget that only the sum of every tier exceeded synthesizes: each failure fits', () => {
    // The tiers add up to 346 s; no failure takes more than 180 s.
    expect(() => build((ctx) => ({ ...fullTiers(ctx), failoverBudget: Duration.seconds(180) }))).not.toThrow();
  });

  test('a budget below one failure\'s chain is refused with that failure named, its steps and what would meet it', () => {
    const error = errorOf((ctx) => ({ ...fullTiers(ctx), failoverBudget: Duration.seconds(170) }));
    expect(error).toBeInstanceOf(HaValidationError);
    expect(error!.message).toBe([
      'Invalid props for Data/Shop:',
      '  failoverBudget: got 170 s; allowed: at least 180 s when the cache primary fails (typical):',
      '    cache: failover: 180 s (ElastiCache promotes the replica with the least lag and repoints the primary endpoint) [AWS typical: Amazon ElastiCache User Guide, "Minimizing downtime in ElastiCache by using Multi-AZ", failure scenarios: "typically just a few minutes", taken as 3 minutes]',
      '    clients: reconnect to the new primary: 0 s (cache clients drop their connections to the old primary and connect again; state it as clientDelays.cacheReconnect) [not stated: counted as 0 s]',
      '    total: 180 s',
      '    no change this library knows of meets it: give the tier a measured failover time (measuredFailoverTime), shorten the client delays, or raise the budget',
    ].join('\n'));
  });

  test('the region\'s chain over budget: DNS\'s cheapest change', () => {
    const error = errorOf((ctx) => ({ ...fullTiers(ctx), cache: undefined, failoverBudget: Duration.seconds(150) }));
    expect(error!.message).toMatch(/^ {2}failoverBudget: got 150 s; allowed: at least 158 s when the primary region is lost \(typical\):\n {4}load balancer: detection: 12 s/m);
    expect(error!.message).toMatch(/cheapest change that meets it: DNS: lower the Route 53 failure threshold from 2 to 1 \(free; one failed probe weighs more\), for a total of 148 s$/);
    // The database's 60 s fit: it is not named.
    expect(error!.message).not.toMatch(/database writer/);
  });

  test('slow tiers: each failure gets its own advice', () => {
    const slow: Overrides = ({ zone }) => ({
      loadBalancer: { internetFacing: true, allowPlaintext: true, targetGroups: [ipGroup('Api', 8080, HealthCheckPreset.CONSERVATIVE)], defaultTargetGroup: 'Api' },
      dns: { zone, recordName: 'shop', secondary: STANDBY },
      database: { engine: DatabaseEngine.rds(rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 })), instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM) },
      failoverBudget: Duration.seconds(90),
    });
    const message = errorOf(slow)!.message;
    expect(message).toMatch(/at least 100 s when a target fails \(a bound\):[^]*cheapest change that meets it: use HealthCheckPreset\.FAST on the load balancer's target groups \(free; detection 100 s → 12 s\), for a total of 12 s\n/);
    expect(message).toMatch(/at least 120 s when the database writer fails \(typical\):[^]*cheapest change that meets it: use DatabaseEngine\.aurora\(\) \(writer failover 120 s → 60 s; Aurora instances cost more than RDS ones\), for a total of 60 s\n/);
    // No setting brings the region within 90 s: Route 53 alone takes longer.
    expect(message).toMatch(/at least 316 s when the primary region is lost \(typical\):[^]*total: 316 s\n {4}no change this library knows of meets it/);
    const region = errorOf((ctx) => ({ ...slow(ctx), failoverBudget: Duration.seconds(160) }))!.message;
    expect(region).not.toMatch(/when a target fails|database writer/);
    expect(region).toMatch(/cheapest change that meets it: use HealthCheckPreset\.FAST on the load balancer's target groups \(free; detection 100 s → 12 s\); and DNS: use the fast 10 s Route 53 request interval \(\+\$1\.00\/month\); and DNS: lower the Route 53 failure threshold from 3 to \d[^,]*, for a total of \d+ s$/);
  });

  test('a budget nothing can meet says so, for the failure that misses it', () => {
    expect(errorOf((ctx) => ({ ...fullTiers(ctx), failoverBudget: Duration.seconds(60) }))!.message).toMatch(
      /at least 158 s when the primary region is lost \(typical\):[^]*total: 158 s\n {4}no change this library knows of meets it: give the tier a measured failover time \(measuredFailoverTime\), shorten the client delays, or raise the budget$/);
  });

  test('a measured cache failover replaces AWS\'s typical figure in that failure only', () => {
    const { service } = build((ctx) => ({
      ...fullTiers(ctx),
      cache: { nodeType: 'cache.t4g.medium', measuredFailoverTime: MeasuredFailoverTime.of(Duration.seconds(40), 'game day, 20 TestFailover runs, p100') },
      failoverBudget: Duration.seconds(160),
    }));
    expect(chain(service, ServiceFailure.CACHE_PRIMARY)).toEqual([['cache: failover', 40], ['clients: reconnect to the new primary', 0]]);
    expect(service.failoverTime.worst.failure).toBe(ServiceFailure.PRIMARY_REGION);
  });
});

describe('data-loss budget', () => {
  const globalTiers = (rpo?: Duration): Overrides => (ctx) => ({
    ...fullTiers(ctx),
    database: {
      engine: DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 })),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE),
      global: GlobalDatabase.primary({ recoveryPointObjective: rpo }),
    },
  });

  test('a global database: the region\'s chain ends with its cross-region failover, and its data loss is the managed RPO, a bound', () => {
    const { service } = build(globalTiers(Duration.minutes(1)));
    const region = service.failoverTime.of(ServiceFailure.PRIMARY_REGION)!;
    expect(region.breakdown.steps.slice(-1)[0]).toMatchObject({ name: 'database: global failover', kind: FigureKind.AWS_TYPICAL });
    expect(region.total.toSeconds()).toBe(158 + 300);
    expect(region.dataLoss!.steps.map((s) => [s.name, s.duration.toSeconds(), s.kind])).toEqual([['database: global replication lag', 60, FigureKind.AWS_BOUND]]);
    expect(region.summary()).toMatch(/; data loss 60 s of writes, a bound$/);
    // The writer's failure within the region loses no committed write.
    expect(service.failoverTime.of(ServiceFailure.DATABASE_WRITER)!.dataLoss!.total.toSeconds()).toBe(0);
  });

  test('a data-loss budget at the managed RPO synthesizes; below it, it is refused with the failure named and the change that meets it', () => {
    expect(() => build((ctx) => ({ ...globalTiers(Duration.minutes(1))(ctx), dataLossBudget: Duration.minutes(1) }))).not.toThrow();
    expect(() => build((ctx) => ({ ...globalTiers(Duration.minutes(1))(ctx), dataLossBudget: Duration.seconds(30) }))).toThrow([
      '  dataLossBudget: got 30 s; allowed: at least 60 s of writes when the primary region is lost (a bound):',
      '    database: global replication lag: 60 s (at most 60 s of writes: Aurora holds the primary\'s commits while no secondary is within it) [AWS bound: Amazon Aurora User Guide, "Managing RPOs for Aurora PostgreSQL–based global databases" (rds.global_db_rpo)]',
      '    total: 60 s',
      '    cheapest change that meets it: database.global: GlobalDatabase.primary({ recoveryPointObjective: Duration.seconds(30) }) (Aurora PostgreSQL\'s managed RPO; commits wait while no secondary is within it)',
    ].join('\n'));
  });

  test('without a bound, the lag is AWS\'s typical figure', () => {
    const { service } = build(globalTiers());
    expect(service.failoverTime.of(ServiceFailure.PRIMARY_REGION)!.dataLoss!.steps[0]).toMatchObject({ duration: Duration.seconds(1), kind: FigureKind.AWS_TYPICAL });
  });

  test('a data-loss budget with a database that has no copy outside the region is refused', () => {
    expect(() => build((ctx) => ({ ...fullTiers(ctx), dataLossBudget: Duration.minutes(5) }))).toThrow(
      /dataLossBudget: got 300 s; allowed: a database with a copy outside the primary region: when the primary region is lost, its data has none\. Make it global/);
  });
});

describe('validation', () => {
  test.each<[string, Overrides, RegExp]>([
    ['monitor settings with the monitor off', () => ({ monitorEnabled: false, monitor: { contenders: 3 } }),
      /monitor: got settings for a monitor while monitorEnabled is false; allowed: monitor settings only with the monitor enabled/],
    ['a budget of 0 s', () => ({ failoverBudget: Duration.seconds(0) }), /failoverBudget: got 0 s; allowed: a positive duration/],
    ['a tier\'s own invalid setting, named by the tier\'s path', () => ({ cache: { replicasPerShard: 9 } }), /Invalid props for Data\/Shop\/Cache:\n {2}replicasPerShard: got 9/],
  ])('%s', (_, overrides, message) => {
    expect(() => build(overrides)).toThrow(message);
  });
});

describe('the virtual IP path', () => {
  const vip = { standby: VipEndpoint.arn('arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/shop-standby/50dc6c495c0c9188', 'eu-central-1') };

  test('a VIP in front of the service\'s load balancer: its reaction is the name path of the budget, with no propagation and no TTL', () => {
    const { service, template } = build(() => ({ vip }));
    template.resourceCountIs('AWS::GlobalAccelerator::Accelerator', 1);
    template.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', {
      EndpointGroupRegion: 'eu-west-1', EndpointConfigurations: [Match.objectLike({ EndpointId: { Ref: Match.stringLikeRegexp('^ShopLoadBalancer') } })],
    });
    const names = service.failoverTime.of(ServiceFailure.PRIMARY_REGION)!.breakdown.steps.map((s) => s.name);
    expect(names).toContain('vip: accelerator reaction');
    expect(names.some((n) => n.startsWith('dns:'))).toBe(false);
    expect(service.vip!.worstCaseFailoverTime.toSeconds()).toBeLessThanOrEqual(60);
  });

  test('with a DNS name too, the slower path counts: the DNS one', () => {
    const { service } = build((ctx) => ({ ...fullTiers(ctx), vip }));
    const names = service.failoverTime.of(ServiceFailure.PRIMARY_REGION)!.breakdown.steps.map((s) => s.name);
    expect(names.filter((n) => n.startsWith('dns:')).length).toBeGreaterThan(0);
    expect(names).not.toContain('vip: accelerator reaction');
    const dnsPath = service.dns!.failoverTime.total.toSeconds();
    const vipPath = service.vip!.failoverTime.steps[1].duration.toSeconds();
    expect(dnsPath).toBeGreaterThan(vipPath);
  });
});

describe('alarms', () => {
  type Resource = { Type: string; Properties: Record<string, unknown> };
  const alarmsOf = (template: Template) => Object.entries(template.toJSON().Resources as Record<string, Resource>)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');

  test('every alarm of every tier notifies one encrypted alarm topic, on ALARM and on OK; the monitor alerts there too', () => {
    const { template, service, stack } = build(fullTiers);
    const topic = stack.resolve(service.alarmTopic.topicArn);
    const alarms = alarmsOf(template);
    expect(alarms.length).toBe(service.alarms.length);
    for (const [id, alarm] of alarms) {
      expect({ id, alarm: alarm.Properties.AlarmActions, ok: alarm.Properties.OKActions }).toEqual({ id, alarm: [topic], ok: [topic] });
    }
    // Every tier is there: the load balancer, the cache, the database and the monitor (the DNS alarm lives in us-east-1).
    for (const tier of ['ShopLoadBalancer', 'ShopCache', 'ShopDatabase', 'ShopMonitor']) expect(alarms.some(([id]) => id.startsWith(tier))).toBe(true);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(service.alarmTopicKey!.node.defaultChild as never), 'Arn'] } });
    expect(service.monitor!.alertTopic).toBe(service.alarmTopic);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('alarmsWithoutActions'))).toEqual([]);
    // The topic's key: CloudWatch may use it; grants only for AWS services on AWS resources (Control Tower CT.KMS.PR.3).
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([
        Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
        {
          Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:CreateGrant', Resource: '*',
          Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        },
      ]) },
    });
  });

  test('the accelerator\'s alarms are among the service\'s, so a flag rollback wired to them sees a failover', () => {
    const app = testApp();
    const stack = new Stack(app, 'Oregon', { env: { region: 'us-west-2', account: '111111111111' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const service = new HighlyAvailableService(stack, 'Shop', {
      vpc,
      loadBalancer: { internetFacing: true, allowPlaintext: true, targetGroups: [ipGroup('Api', 8080)], defaultTargetGroup: 'Api' },
      vip: { standby: VipEndpoint.arn('arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/shop-standby/50dc6c495c0c9188', 'eu-central-1', { trafficDialPercentage: 0 }) },
    });
    expect(service.vip!.alarms.length).toBeGreaterThan(0);
    for (const alarm of service.vip!.alarms) expect(service.alarms).toContain(alarm);
    expect(alarmsOf(Template.fromStack(stack)).length).toBe(service.alarms.length);
  });

  test('a topic of your own takes every alarm, besides the actions a tier names', () => {
    const { template, stack } = build((ctx) => {
      const incidents = new sns.Topic(ctx.stack, 'Incidents', { enforceSSL: true });
      return { ...fullTiers(ctx), alarmTopic: incidents, cache: { nodeType: 'cache.t4g.medium', alarms: { actions: [new cwActions.SnsAction(new sns.Topic(ctx.stack, 'CacheTeam', { enforceSSL: true }))] } } };
    });
    for (const [id, alarm] of alarmsOf(template)) {
      const actions = JSON.stringify(alarm.Properties.AlarmActions);
      expect({ id, incidents: actions.includes('"Incidents') }).toEqual({ id, incidents: true });
      if (id.startsWith('ShopCache')) expect(actions).toContain('"CacheTeam');
    }
    expect(Object.keys(template.findResources('AWS::SNS::Topic')).filter((id) => id.startsWith('ShopAlarms'))).toEqual([]);
    expect(stack.node.tryFindChild('Shop')!.node.tryFindChild('AlarmsKey')).toBeUndefined();
  });

  test('a construct used alone whose alarms have no action says so', () => {
    const { stack, vpc } = dataStack();
    new ReplicatedDatabase(stack, 'Db', { vpc, engine: DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 })), rotation: false });
    Annotations.fromStack(stack).hasWarning('/Data/Db', Match.stringLikeRegexp('The alarms of this construct have no action: give alarms.actions .*cdk-ha-kit:alarmsWithoutActions'));
  });
});

describe('checks', () => {
  test('cdk-nag AwsSolutions finds nothing unacknowledged, with every tier and a virtual IP', () => {
    const { app, vpc, service } = build((ctx) => ({ ...fullTiers(ctx), vip: { standby: VipEndpoint.arn('arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/shop-standby/50dc6c495c0c9188', 'eu-central-1') } }));
    vpc.addFlowLog('FlowLog');
    Validations.of(service.loadBalancer.securityGroup).acknowledge({ id: 'AwsSolutions-EC23', reason: 'The test service is internet-facing.' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('the template passes the CloudFormation resource specification', () => {
    expect(checkTemplateAgainstSpec('service', build(fullTiers).template.toJSON())).toEqual([]);
  });

  test('snapshot', () => {
    const json = JSON.stringify(build(fullTiers).template.toJSON()).replace(/[0-9a-f]{64}\.zip/g, '<bundle>.zip');
    expect(JSON.parse(json)).toMatchSnapshot();
  });
});
