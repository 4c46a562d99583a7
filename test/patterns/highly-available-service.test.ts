import { Duration, Validations } from 'aws-cdk-lib';
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
  DatabaseEngine, DnsHealthCheck, FailoverTarget, HealthCheckPreset, HealthCheckProfile, HighlyAvailableService, HighlyAvailableServiceProps, ReplicatedDatabase, VipEndpoint,
} from '../../lib';
import { HaValidationError } from '../../lib/core/errors';
import { deployedConfig } from '../monitoring/monitor-stack';
import { dataStack } from '../support/data-stack';
import { checkTemplateAgainstSpec } from '../support/resource-spec';

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

describe('failover budget', () => {
  test('the breakdown per tier, as data', () => {
    const { service } = build(fullTiers);
    expect(service.failoverTime.steps.map((s) => [s.name, s.duration.toSeconds({ integral: false })])).toEqual([
      ['load balancer: detection', 12],
      ['dns: detection', 26],
      ['dns: propagation', 60],
      ['dns: ttl', 60],
      ['data tier: failover', 180],
      ['monitor: detection', 3.6],
      ['monitor: leader takeover', 4.4],
    ]);
    expect(service.worstCaseFailoverTime.toSeconds({ integral: false })).toBe(346);
  });

  test('a budget the tiers meet synthesizes', () => {
    expect(() => build((ctx) => ({ ...fullTiers(ctx), failoverBudget: Duration.seconds(346) }))).not.toThrow();
  });

  test('a budget the tiers miss fails with the breakdown and the cheapest change', () => {
    const error = (() => {
      try {
        build((ctx) => ({ ...fullTiers(ctx), failoverBudget: Duration.seconds(340) }));
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(HaValidationError);
    expect(error!.message).toBe([
      'Invalid props for Data/Shop:',
      '  failoverBudget: got 340 s; allowed: at least 346 s for these tiers:',
      '    load balancer: detection: 12 s (the slowest target group\'s health check: interval × unhealthy threshold + timeout) [configured]',
      '    dns: detection: 26 s (Route 53 HTTP health check: 10 s interval × 2 failures + 6 s checker timeout) [configured: checker timeouts: Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy"]',
      '    dns: propagation: 60 s (Route 53 name servers answer with the secondary, documented as within 60 s) [AWS typical: Route 53 Developer Guide, "Editing records": "generally propagate ... within 60 seconds"]',
      '    dns: ttl: 60 s (resolvers keep the cached primary answer: alias records carry the target\'s fixed 60 s TTL) [configured]',
      '    data tier: failover: 180 s (the slower of the cache (180 s) and the database (60 s), which fail over side by side) [AWS typical: Amazon ElastiCache User Guide, "Minimizing downtime in ElastiCache by using Multi-AZ", failure scenarios: "typically just a few minutes", taken as 3 minutes]',
      '    monitor: detection: 3.6 s (1 s interval × 3 failures + 0.5 s timeout + jitter) [configured]',
      '    monitor: leader takeover: 4.4 s (if the leader is lost at the same moment: a standby sees its last renewal, waits a whole lease by its own clock, and takes over (two retry periods and three calls at most)) [configured]',
      '    total: 346 s',
      '    cheapest change that meets it: DNS: lower the Route 53 failure threshold from 2 to 1 (free; one failed probe weighs more), for a total of 336 s',
    ].join('\n'));
  });

  test('slow tiers: free changes first, then DNS, then Aurora', () => {
    const slow: Overrides = ({ zone }) => ({
      loadBalancer: { internetFacing: true, allowPlaintext: true, targetGroups: [ipGroup('Api', 8080, HealthCheckPreset.CONSERVATIVE)], defaultTargetGroup: 'Api' },
      dns: { zone, recordName: 'shop', secondary: STANDBY },
      database: { engine: DatabaseEngine.rds(rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 })), instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM) },
      monitor: { healthCheck: HealthCheckProfile.tcp({ preset: HealthCheckPreset.STANDARD }) },
      failoverBudget: Duration.seconds(240),
    });
    expect(() => build(slow)).toThrow(/cheapest change that meets it: use HealthCheckPreset\.FAST on the load balancer's target groups \(free; detection 100 s → 12 s\); and use the monitor's default healthCheck \(free; detection 36 s → 3\.6 s\); and DNS: use the fast 10 s Route 53 request interval \(\+\$1\.00\/month\).*; and use DatabaseEngine\.aurora\(\) \(writer failover 120 s → 60 s; Aurora instances cost more than RDS ones\), for a total of \d+(\.\d)? s$/);
  });

  test('a budget nothing can meet says so', () => {
    expect(() => build((ctx) => ({ ...fullTiers(ctx), failoverBudget: Duration.seconds(60) }))).toThrow(
      /total: 346 s\n {4}no change this library knows of meets it: split the budget per failure instead, or give a tier a faster setting of your own$/);
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
    const names = service.failoverTime.steps.map((s) => s.name);
    expect(names).toContain('vip: accelerator reaction');
    expect(names.some((n) => n.startsWith('dns:'))).toBe(false);
    expect(service.vip!.worstCaseFailoverTime.toSeconds()).toBeLessThanOrEqual(60);
  });

  test('with a DNS name too, the slower path counts: the DNS one', () => {
    const { service } = build((ctx) => ({ ...fullTiers(ctx), vip }));
    const names = service.failoverTime.steps.map((s) => s.name);
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
