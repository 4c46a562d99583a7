import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildApp } from '../../bin/app';
import { API_IMAGE, ReferenceStack } from '../../bin/reference-stack';
import { FigureKind, ServiceFailure } from '../../lib';
import { deployedConfig } from '../monitoring/monitor-stack';
import { ControlTowerControls } from '../support/control-tower';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { testApp } from '../support/stacks';

const ROOT = path.join(__dirname, '..', '..');
const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));

/** The reference app as `cdk synth` builds it: cdk.json's feature flags plus the given context. */
function referenceApp(context: Record<string, string> = {}): App {
  return buildApp(testApp({ ...cdkJson.context, ...context }));
}

/** Certificates in context: HTTPS in both regions. */
const CERTIFICATES = {
  'ha-kit:certificateArn': 'arn:aws:acm:eu-west-1:111111111111:certificate/ref',
  'ha-kit:standbyCertificateArn': 'arn:aws:acm:eu-central-1:111111111111:certificate/ref',
};

/**
 * The reference app with AWS Control Tower's proactive controls too, run by
 * @cdklabs/cdk-validator-cfnguard (its cfn-guard binary and rules, offline) as a policy validation
 * plugin: every finding fails the synth unless acknowledged, on the construct it concerns, with a
 * reason (lib/core/compliance.ts and bin/compliance.ts).
 */
function appWithControls(context: Record<string, string> = {}): App {
  const app = referenceApp(context);
  Validations.of(app).addPlugins(new ControlTowerControls());
  return app;
}

let failed: string | undefined;
/**
 * Why the synth fails once the reference app gets three resources the rule packs refuse (a bucket
 * without access logs, an unencrypted log group, an untraced function): one synth for every pack.
 */
function unacknowledged(): string {
  if (failed === undefined) {
    const app = referenceApp();
    const stack = referenceStack(app);
    new s3.Bucket(stack, 'Unlogged');
    new logs.LogGroup(stack, 'Unencrypted', { removalPolicy: RemovalPolicy.RETAIN });
    new lambda.Function(stack, 'Untraced', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
    try {
      app.synth();
      failed = '';
    } catch (e) {
      failed = (e as Error).message;
    }
  }
  return failed;
}

let shared: App | undefined;
/** The default reference app (plain HTTP, opted into), built and checked once for the tests that only read it. */
function sharedApp(): App {
  shared ??= appWithControls();
  return shared;
}

let secure: App | undefined;
/** The reference app with certificates in both regions, built and checked once. */
function secureApp(): App {
  secure ??= appWithControls(CERTIFICATES);
  return secure;
}

function referenceStack(app: App): Stack {
  return app.node.findChild('HaKitReference') as Stack;
}

const attribute = (Key: string, Value: string) => Match.objectLike({ Key, Value });

describe('reference app', () => {
  test('synthesizes with cdk-nag\'s AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1 and Serverless packs and AWS Control Tower\'s controls, and no unacknowledged finding, over HTTP (opted into) and over HTTPS', () => {
    expect(() => sharedApp().synth()).not.toThrow();
    expect(() => secureApp().synth()).not.toThrow();
  });

  test('every template passes the CloudFormation resource-specification check', () => {
    const assembly = sharedApp().synth();
    expect(assembly.stacks.length).toBeGreaterThan(0);
    for (const stack of assembly.stacks) {
      expect(checkTemplateAgainstSpec(stack.stackName, stack.template)).toEqual([]);
    }
  });

  test('keeps the public hosted zone it creates, and hands out no public addresses', () => {
    const template = Template.fromStack(referenceStack(sharedApp()));
    template.hasResource('AWS::Route53::HostedZone', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    expect(subnets.length).toBeGreaterThanOrEqual(9);
    for (const subnet of subnets) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
  });

  test('every alarm of every stack notifies someone, on ALARM and on OK', () => {
    const assembly = sharedApp().synth();
    let count = 0;
    for (const stack of assembly.stacks) {
      const resources = Object.entries(stack.template.Resources as Record<string, { Type: string; Properties: Record<string, unknown[] | undefined> }>);
      for (const [id, alarm] of resources.filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm')) {
        count++;
        expect({ id, actions: (alarm.Properties.AlarmActions ?? []).length > 0, ok: (alarm.Properties.OKActions ?? []).length > 0 }).toEqual({ id, actions: true, ok: true });
      }
    }
    expect(count).toBeGreaterThan(20);
  });

  test('has an internet-facing ALB with access logs, invalid headers dropped and deletion protection', () => {
    const template = Template.fromStack(referenceStack(sharedApp()));
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        attribute('deletion_protection.enabled', 'true'),
        attribute('routing.http.drop_invalid_header_fields.enabled', 'true'),
        attribute('access_logs.s3.enabled', 'true'),
      ]),
    });
  });

  test('routes by path to two target groups, each with explicit health-check settings', () => {
    const template = Template.fromStack(referenceStack(sharedApp()));
    const groups = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(Object.keys(groups)).toHaveLength(2);
    for (const group of Object.values(groups)) {
      expect(group.Properties).toEqual(expect.objectContaining({
        HealthCheckProtocol: 'HTTP',
        HealthCheckPath: expect.stringMatching(/^\//),
        HealthCheckIntervalSeconds: expect.any(Number),
        HealthCheckTimeoutSeconds: expect.any(Number),
        HealthyThresholdCount: expect.any(Number),
        UnhealthyThresholdCount: expect.any(Number),
        Matcher: { HttpCode: expect.any(String) },
      }));
    }
    const [apiGroup] = Object.entries(groups).find(([id]) => id.includes('ApiTargetGroup'))!;
    const [webGroup] = Object.entries(groups).find(([id]) => id.includes('WebTargetGroup'))!;
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: apiGroup } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: webGroup } }],
    });
  });

  test('spreads over three zones of the region given in context', () => {
    const stack = referenceStack(referenceApp({ 'ha-kit:region': 'us-west-2' }));
    expect(stack.region).toBe('us-west-2');
    const zones = Object.values(Template.fromStack(stack).findResources('AWS::EC2::Subnet')).map((s) => s.Properties.AvailabilityZone);
    expect(new Set(zones)).toEqual(new Set(['us-west-2a', 'us-west-2b', 'us-west-2c']));
  });

  test('with certificates in context: HTTPS, HTTP redirected', () => {
    const template = Template.fromStack(referenceStack(secureApp()));
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', Port: 443 });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, DefaultActions: [Match.objectLike({ Type: 'redirect' })],
    });
  });

  test('no warning, with or without certificates (plain HTTP is opted into without them)', () => {
    // Read from the apps' assemblies as synthesized (Annotations.fromStack would synthesize them
    // again, with every rule pack and control).
    for (const app of [sharedApp(), secureApp()]) {
      const stacks = app.synth().stacks;
      expect(stacks.map((a) => a.stackName).sort()).toEqual(['HaKitReference', 'HaKitRoute53Alarms', 'HaKitStandby', 'HaKitStandbyData']);
      expect(stacks.flatMap((a) => a.messages).filter((m) => m.level === 'warning').map((m) => `${m.id}: ${String(m.entry.data)}`)).toEqual([]);
    }
    Template.fromStack(referenceStack(secureApp())).hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ Type: 'HTTPS', Port: 443, EnableSNI: true }),
    });
  });

  test.each([
    ['AwsSolutions', 'HaKitReference/Unlogged/Resource', 'AwsSolutions-S1'],
    ['NIST 800-53 R5', 'HaKitReference/Unencrypted/Resource', 'NIST.800.53.R5-CloudWatchLogGroupEncrypted'],
    ['HIPAA Security', 'HaKitReference/Unencrypted/Resource', 'HIPAA.Security-CloudWatchLogGroupEncrypted'],
    ['PCI DSS 3.2.1', 'HaKitReference/Unencrypted/Resource', 'PCI.DSS.321-CloudWatchLogGroupEncrypted'],
    ['Serverless', 'HaKitReference/Untraced/Resource', 'Serverless-LambdaTracing'],
  ])('cdk-nag %s is live: an unacknowledged finding fails synth', (_pack, constructPath, rule) => {
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(unacknowledged()).toMatch(new RegExp(`${escape(constructPath)} \\S+\\n\\s*Acknowledge with '[^']*::${escape(rule)}'`));
  });

  test('the Control Tower controls are live beside the app\'s acknowledged findings: a task definition running as root fails the synth', () => {
    // The reference app acknowledges some controls (its own task definition's among them); a
    // finding only the controls report (no cdk-nag pack checks the container's user) still fails.
    const app = appWithControls();
    const task = new ecs.FargateTaskDefinition(referenceStack(app), 'RootTask');
    task.addContainer('app', { image: ecs.ContainerImage.fromRegistry(API_IMAGE), logging: new ecs.GenericLogDriver({ logDriver: 'splunk', options: { 'splunk-url': 'https://splunk.example.com' } }) });
    expect(() => app.synth()).toThrow(/\[CT\.ECS\.PR\.3\][\s\S]*HaKitReference\/RootTask\/Resource/);
  });
});

describe('reference app: the region switch plan (ha-kit:regionSwitch)', () => {
  let switched: App | undefined;
  /** The reference app with the plan, checked by every pack and control, built once. */
  const app = () => (switched ??= appWithControls({ 'ha-kit:regionSwitch': 'true' }));

  test('synthesizes clean, with the plan over both regions: approval, capacity, then the global database and the cache in parallel', () => {
    const assembly = app().synth();
    for (const stack of assembly.stacks) expect(checkTemplateAgainstSpec(stack.stackName, stack.template)).toEqual([]);
    const data = Template.fromStack(app().node.findChild('HaKitStandbyData') as Stack);
    const plan = Object.values(data.findResources('AWS::ARCRegionSwitch::Plan'))[0].Properties;
    expect(plan).toMatchObject({ Name: 'ha-kit-reference', RecoveryApproach: 'activePassive', PrimaryRegion: 'eu-west-1', Regions: ['eu-west-1', 'eu-central-1'] });
    const activate = plan.Workflows[0];
    expect(activate.Steps.map((s: { ExecutionBlockType: string }) => s.ExecutionBlockType)).toEqual(['ManualApproval', 'ECSServiceScaling', 'Parallel', 'Route53HealthCheck']);
    // The traffic step, last, turns the primary's own name.
    expect(activate.Steps[3].ExecutionBlockConfiguration.Route53HealthCheckConfig).toMatchObject({ RecordName: 'api.example.com', RecordSets: [{ RecordSetIdentifier: 'primary', Region: 'eu-west-1' }, { RecordSetIdentifier: 'secondary', Region: 'eu-central-1' }] });
    expect(activate.Steps[2].ExecutionBlockConfiguration.ParallelConfig.Steps.map((s: { ExecutionBlockType: string }) => s.ExecutionBlockType)).toEqual(['AuroraGlobalDatabase', 'CustomActionLambda']);
    const role = Object.values(data.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p.Properties.Roles).includes('RegionSwitchPlanExecutionRole'))!;
    for (const statement of role.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>) {
      const actions = [statement.Action].flat();
      if (actions.some((a) => /^(rds:(Failover|Switchover)|ecs:UpdateService|lambda:InvokeFunction)/.test(a))) expect(JSON.stringify(statement.Resource)).not.toContain('"*"');
    }
    // Each region has the cache step's function, and tells its alarm topic of the plan's executions.
    for (const id of ['HaKitReference', 'HaKitStandbyData']) {
      const template = Template.fromStack(app().node.findChild(id) as Stack);
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      expect(functions.filter((f) => f.Properties.Environment?.Variables?.HA_KIT_REGION_SWITCH_STEP)).toHaveLength(1);
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { 'source': ['aws.arc-region-switch'], 'detail-type': ['ARC Region Switch Plan Execution', 'ARC Region Switch Plan Evaluation'] },
        Targets: [Match.objectLike({ RoleArn: Match.anyValue() })],
      });
    }
  });

  test('with the plan\'s health check ID, the name\'s PRIMARY record follows both its health and the plan; clean, spec-valid', () => {
    const id = 'abcdef11-2222-3333-4444-555555fedcba';
    const withId = appWithControls({ 'ha-kit:regionSwitch': 'true', 'ha-kit:regionSwitchHealthCheckId': id });
    const assembly = withId.synth();
    for (const stack of assembly.stacks) expect(checkTemplateAgainstSpec(stack.stackName, stack.template)).toEqual([]);
    const primary = Template.fromStack(withId.node.findChild('HaKitReference') as Stack);
    const calculated = Object.entries(primary.findResources('AWS::Route53::HealthCheck')).find(([, c]) => JSON.stringify(c.Properties.HealthCheckConfig.ChildHealthChecks ?? []).includes(id))!;
    expect(calculated[1].Properties.HealthCheckConfig).toMatchObject({ Type: 'CALCULATED', HealthThreshold: 2 });
    primary.hasResourceProperties('AWS::Route53::RecordSet', { Failover: 'PRIMARY', HealthCheckId: { Ref: calculated[0] } });
  });

  test('without the context key, no plan', () => {
    expect(Template.fromStack(sharedApp().node.findChild('HaKitStandbyData') as Stack).findResources('AWS::ARCRegionSwitch::Plan')).toEqual({});
  });
});

describe('reference app: data tier', () => {
  const stack = () => referenceStack(sharedApp()) as ReferenceStack;

  test('a replicated cache and an Aurora database in the isolated subnets', () => {
    const reference = stack();
    const template = Template.fromStack(reference);
    const isolated = reference.vpc.isolatedSubnets.map((s) => ({ Ref: reference.resolve((s.node.defaultChild as never as { ref: string }).ref).Ref }));
    expect(isolated).toHaveLength(3);
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: isolated });
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: isolated });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { MultiAZEnabled: true, AutomaticFailoverEnabled: true, NumCacheClusters: 3, TransitEncryptionEnabled: true, AtRestEncryptionEnabled: true });
    template.hasResourceProperties('AWS::RDS::DBCluster', { Engine: 'aurora-postgresql', StorageEncrypted: true, DeletionProtection: true });
    template.resourcePropertiesCountIs('AWS::RDS::DBInstance', { DBClusterIdentifier: Match.anyValue() }, 2);
  });

  test('reachable only from the service\'s security group (and, for the database, its password-rotation function)', () => {
    const reference = stack();
    const template = Template.fromStack(reference);
    const service = reference.resolve(reference.service.serviceSecurityGroup.securityGroupId);
    const rotation = reference.resolve(reference.service.database!.rotationSecurityGroup!.securityGroupId);
    for (const [store, description, others] of [[reference.service.cache!, 'HaKitReference/Api/Cache: cache nodes', []], [reference.service.database!, 'HaKitReference/Api/Database: database', [rotation]]] as const) {
      template.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: description, SecurityGroupIngress: Match.absent() });
      const group = JSON.stringify(reference.resolve(store.securityGroup.securityGroupId));
      const sources = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .filter((r) => JSON.stringify(r.Properties.GroupId) === group)
        .map((r) => r.Properties.SourceSecurityGroupId);
      expect(sources).toEqual(expect.arrayContaining([service, ...others]));
      expect(sources).toHaveLength(1 + others.length);
    }
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: service, DestinationSecurityGroupId: reference.resolve(reference.service.database!.securityGroup.securityGroupId), FromPort: 5433,
    });
  });

  test('with replication-lag alarms on both', () => {
    const template = Template.fromStack(stack());
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('Cache.*-replication-lag$') });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('Database.*-replica-lag$') });
  });

  test('stable writer and reader names in private zones', () => {
    const template = Template.fromStack(stack());
    for (const name of ['writer.cache.internal.', 'reader.cache.internal.', 'writer.db.internal.', 'reader.db.internal.']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: name, Type: 'CNAME', TTL: '10' });
    }
  });

  test('the database is global: its secondary in the standby region joins by name, with no credentials, its own key, and a lag alarm that notifies', () => {
    const app = sharedApp();
    const primary = Template.fromStack(referenceStack(app));
    const data = app.node.findChild('HaKitStandbyData') as Stack;
    const secondary = Template.fromStack(data);
    const identifier = Object.values(primary.findResources('AWS::RDS::GlobalCluster'))[0].Properties.GlobalClusterIdentifier;
    primary.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: Match.objectLike({ 'rds.global_db_rpo': '60' }) });
    const cluster = Object.values(secondary.findResources('AWS::RDS::DBCluster'))[0].Properties;
    expect(cluster).toMatchObject({ GlobalClusterIdentifier: identifier, StorageEncrypted: true, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/StorageKey/), 'Arn'] } });
    expect(cluster.MasterUsername).toBeUndefined();
    expect(data.region).toBe('eu-central-1');
    expect(data.dependencies.map((s) => s.stackName).sort()).toEqual(['HaKitReference', 'HaKitStandby']);
    const lag = Object.values(secondary.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.MetricName === 'AuroraGlobalDBReplicationLag')!;
    expect(lag.Properties.Threshold).toBe(60_000);
    expect(lag.Properties.AlarmActions).toHaveLength(1);
  });

  test('both regions write through writer.db.internal, the global writer endpoint, which follows the writer to either region', () => {
    const app = sharedApp();
    for (const stack of [referenceStack(app), app.node.findChild('HaKitStandbyData') as Stack]) {
      const template = Template.fromStack(stack);
      const [read] = Object.entries(template.findResources('Custom::GlobalWriterEndpoint'));
      expect(read[1].Properties.Update).toContain('describeGlobalClusters');
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'writer.db.internal.', Type: 'CNAME', ResourceRecords: [{ 'Fn::GetAtt': [read[0], 'GlobalClusters.0.Endpoint'] }],
      });
    }
  });

  test('the cache is a Global Datastore: its secondary in the standby region joins it, with a lag alarm that notifies', () => {
    const app = sharedApp();
    const primary = Template.fromStack(referenceStack(app));
    const secondary = Template.fromStack(app.node.findChild('HaKitStandbyData') as Stack);
    const datastore = Object.values(primary.findResources('AWS::ElastiCache::GlobalReplicationGroup'))[0].Properties;
    expect(datastore.Members).toEqual([expect.objectContaining({ ReplicationGroupRegion: 'eu-west-1', Role: 'PRIMARY' })]);
    const group = Object.values(secondary.findResources('AWS::ElastiCache::ReplicationGroup'))[0].Properties;
    // The id crosses regions as an output of the primary's stack.
    expect(group.GlobalReplicationGroupId).toEqual({ 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'HaKitReference', Region: 'eu-west-1' }) });
    expect(group.AuthToken).toBeUndefined();
    const lag = Object.values(secondary.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.MetricName === 'GlobalDatastoreReplicationLag')!;
    expect(lag.Properties.AlarmActions).toHaveLength(1);
  });

  test('the standby stack holds no data tier of its own: its database is the global one\'s secondary, in HaKitStandbyData', () => {
    const standby = sharedApp().node.findChild('HaKitStandby') as ReferenceStack;
    expect([standby.service.cache, standby.service.database]).toEqual([undefined, undefined]);
    Template.fromStack(standby).resourceCountIs('AWS::ElastiCache::ReplicationGroup', 0);
  });
});

describe('reference app: DNS failover', () => {
  test('the external name fails over from the primary ALB (health-checked) to the standby region\'s ALB', () => {
    const app = sharedApp();
    const template = Template.fromStack(referenceStack(app));
    const standby = app.node.findChild('HaKitStandby') as ReferenceStack;
    expect(standby.region).toBe('eu-central-1');
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.example.com.', Failover: 'PRIMARY', HealthCheckId: { Ref: Match.stringLikeRegexp('PrimaryHealthCheck') },
      AliasTarget: Match.objectLike({ EvaluateTargetHealth: true, DNSName: { 'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiLoadBalancer'), 'DNSName'] }]] } }),
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.example.com.', Failover: 'SECONDARY',
      AliasTarget: Match.objectLike({ EvaluateTargetHealth: true, DNSName: { 'Fn::Join': ['', ['dualstack.', { 'Fn::GetStackOutput': Match.objectLike({ StackName: 'HaKitStandby', Region: 'eu-central-1' }) }]] } }),
    });
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ Type: 'HTTP', ResourcePath: '/', RequestInterval: 10, FailureThreshold: 2 }),
    });
  });

  test('the alarm on the primary\'s health check is in us-east-1, where Route 53 publishes the metric', () => {
    const alarms = sharedApp().node.findChild('HaKitRoute53Alarms') as Stack;
    expect(alarms.region).toBe('us-east-1');
    Template.fromStack(alarms).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HealthCheckStatus', Namespace: 'AWS/Route53', ComparisonOperator: 'LessThanThreshold', Threshold: 1,
      Dimensions: [{ Name: 'HealthCheckId', Value: { 'Fn::GetStackOutput': Match.objectLike({ StackName: 'HaKitReference', Region: 'eu-west-1' }) } }],
    });
  });

  test('an existing hosted zone and another name come from context', () => {
    const template = Template.fromStack(referenceStack(referenceApp({ 'ha-kit:hostedZoneId': 'Z0123456789ABCDEFGHIJ', 'ha-kit:domainName': 'shop.example.org', 'ha-kit:recordName': 'www' })));
    template.resourceCountIs('AWS::Route53::HostedZone', 2); // the cache's and the database's private zones
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'www.shop.example.org.', HostedZoneId: 'Z0123456789ABCDEFGHIJ' });
  });
});

describe('reference app: an impaired zone', () => {
  test('zonal shift on, autoshift with practice runs ended by the load balancer\'s own alarms, health thresholds on both target groups, capacity for a zone\'s loss', () => {
    const reference = referenceStack(sharedApp()) as ReferenceStack;
    const template = Template.fromStack(reference);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { LoadBalancerAttributes: Match.arrayWith([{ Key: 'zonal_shift.config.enabled', Value: 'true' }]) });
    const [config] = Object.values(template.findResources('AWS::ARCZonalShift::ZonalAutoshiftConfiguration')).map((r) => r.Properties);
    expect(config).toMatchObject({ ZonalAutoshiftStatus: 'ENABLED', ResourceIdentifier: reference.resolve(reference.service.loadBalancer.loadBalancer.loadBalancerArn), PracticeRunConfiguration: { BlockedWindows: ['Fri:16:00-Fri:23:59'] } });
    const outcome = reference.service.loadBalancer.practiceRunOutcomeAlarm!;
    expect(config.PracticeRunConfiguration.OutcomeAlarms).toEqual([{ AlarmIdentifier: reference.resolve(outcome.alarmArn), Type: 'CLOUDWATCH' }]);
    const groups = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).filter((g) => g.Properties.TargetType === 'ip' && JSON.stringify(g.Properties.TargetGroupAttributes ?? []).includes('target_group_health'));
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(g.Properties.TargetGroupAttributes).toEqual(expect.arrayContaining([{ Key: 'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage', Value: '50' }]));
    expect(reference.service.zoneCapacity).toMatchObject({ total: 3, zones: 3, required: 2, afterZoneLoss: 2 });
    template.hasResourceProperties('AWS::ECS::Service', { AvailabilityZoneRebalancing: 'ENABLED' });
  });
});

describe('reference app: the service', () => {
  test('three Fargate tasks of a public image, one per zone, in private subnets, registered in both target groups', () => {
    const reference = referenceStack(sharedApp()) as ReferenceStack;
    const template = Template.fromStack(reference);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      ContainerDefinitions: [Match.objectLike({ Image: API_IMAGE, PortMappings: [{ ContainerPort: 80, Protocol: 'tcp' }], LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }) })],
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 3,
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 100, DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED', SecurityGroups: [reference.resolve(reference.service.serviceSecurityGroup.securityGroupId)] }) },
      LoadBalancers: [
        { ContainerName: 'api', ContainerPort: 80, TargetGroupArn: { Ref: Match.stringLikeRegexp('ApiTargetGroup') } },
        { ContainerName: 'api', ContainerPort: 80, TargetGroupArn: { Ref: Match.stringLikeRegexp('WebTargetGroup') } },
      ],
    });
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }] });
  });

  test('a failover budget of 9 minutes per failure, met: the region\'s loss, with the database\'s and the cache\'s cross-region promotions, is the worst, each figure with its kind', () => {
    const service = (referenceStack(sharedApp()) as ReferenceStack).service;
    const failures = service.failoverTime.failures.map((f) => [f.failure, f.total.toSeconds({ integral: false }), f.isBound]);
    expect(failures).toEqual([
      [ServiceFailure.TARGET, 12, true],
      [ServiceFailure.ZONE, 72, false],
      [ServiceFailure.DATABASE_WRITER, 60, false],
      [ServiceFailure.CACHE_PRIMARY, 180, false],
      [ServiceFailure.PRIMARY_REGION, 518, false],
    ]);
    const region = service.failoverTime.of(ServiceFailure.PRIMARY_REGION)!.breakdown.steps;
    expect(region.map((s) => s.kind)).toEqual([
      FigureKind.CONFIGURED, FigureKind.CONFIGURED, FigureKind.AWS_TYPICAL, FigureKind.CONFIGURED, FigureKind.NOT_STATED, FigureKind.NOT_STATED, FigureKind.AWS_TYPICAL, FigureKind.ASSUMED,
    ]);
    expect(region.slice(-2)[0].source).toMatch(/Aurora User Guide.*"in the order of minutes", taken as 5 minutes/);
    expect(region.slice(-1)[0]).toMatchObject({ name: 'cache: Global Datastore promotion', source: expect.stringMatching(/Disaster Recovery workshop.*"RTO: 1 minute"/) });
    // At most a minute of writes lost with the region: Aurora PostgreSQL's managed RPO, a bound.
    const data = service.failoverTime.of(ServiceFailure.PRIMARY_REGION)!.dataLoss!;
    expect([data.total.toSeconds(), data.isBound]).toEqual([60, true]);
    expect(service.dns!.monthlyHealthCheckCost).toBe(1.5);
  });

  test('the same failover by a virtual IP: an accelerator over both regions\' load balancers, 42 s against the DNS path\'s 158 s', () => {
    const app = sharedApp();
    const reference = referenceStack(app) as ReferenceStack;
    const standby = app.node.findChild('HaKitStandby') as ReferenceStack;
    const template = Template.fromStack(reference);
    template.resourceCountIs('AWS::GlobalAccelerator::Accelerator', 1);
    const groups = Object.values(template.findResources('AWS::GlobalAccelerator::EndpointGroup')).map((g) => g.Properties);
    expect(groups.map((g) => g.EndpointGroupRegion)).toEqual(['eu-west-1', 'eu-central-1']);
    expect(groups[0].EndpointConfigurations[0].EndpointId).toEqual(reference.resolve(reference.api.loadBalancer.loadBalancerArn));
    // The standby's ARN crosses regions as an output of the standby's stack.
    expect(groups[1].EndpointConfigurations[0].EndpointId).toEqual({ 'Fn::GetStackOutput': expect.objectContaining({ StackName: standby.stackName, Region: 'eu-central-1' }) });
    const vip = reference.service.vip!;
    expect(vip.worstCaseFailoverTime.toSeconds()).toBe(42);
    const dnsPath = reference.service.dns!.failoverTime.total.toSeconds() + reference.api.worstCaseDetectionTime.toSeconds();
    expect(dnsPath).toBe(158);
    // The region's chain adds the database's cross-region failover and the cache's promotion to the name's path.
    expect(reference.service.failoverTime.of(ServiceFailure.PRIMARY_REGION)!.total.toSeconds()).toBe(158 + 300 + 60);
  });
});

describe('reference app: health monitor', () => {
  const primary = () => referenceStack(sharedApp()) as ReferenceStack;

  test('in the primary region, watching both target groups of the ALB and failing the external name over', () => {
    const reference = primary();
    const config = deployedConfig(Template.fromStack(reference));
    expect(config.targetGroups.map((g) => [g.name, g.probe])).toEqual([
      ['Api', { protocol: 'HTTP', path: '/', successCodes: '200' }],
      ['Web', { protocol: 'HTTP', path: '/', successCodes: '200' }],
    ]);
    expect(config.dns).toMatchObject({
      triggerGroups: ['Api', 'Web'],
      primaryRecord: { Name: 'api.example.com.', SetIdentifier: 'primary', Failover: 'PRIMARY' },
      failoverRecord: { Name: 'api.example.com.', SetIdentifier: 'primary', Failover: 'PRIMARY' },
    });
    expect(reference.service.monitor!.worstCaseDetectionTime.toMilliseconds()).toBe(3600);
    // The name fails over once ELB's own FAST checks agree (12 s, seen at the next 1 s listing), plus a read and a change of 0.6 s each.
    expect(reference.service.monitor!.worstCaseNameFailoverTime!.toMilliseconds()).toBe(14_200);
  });

  test('in the standby region too, watching its own targets; the name and the accelerator are the primary monitor\'s alone', () => {
    const standby = sharedApp().node.findChild('HaKitStandby') as ReferenceStack;
    expect(standby.service.monitor).toBeDefined();
    const template = Template.fromStack(standby);
    const config = deployedConfig(template);
    expect(config.targetGroups.map((g) => g.name)).toEqual(['Api', 'Web']);
    expect([config.dns, config.vip]).toEqual([undefined, undefined]);
    // Only one monitor may change the shared name and accelerator: the standby's cannot.
    type Statement = { Sid?: string; Action: string | string[] };
    const statements = (t: Template) => Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const changing = (t: Template, action: string) => statements(t).filter((st) => [st.Action].flat().includes(action)).map((st) => st.Sid);
    // The standby's monitor changes records of its own Cloud Map namespace only.
    expect(changing(template, 'route53:ChangeResourceRecordSets')).toEqual(['RegistryRecords']);
    expect(changing(template, 'globalaccelerator:UpdateEndpointGroup')).toEqual([]);
    const primaryTemplate = Template.fromStack(primary());
    expect(changing(primaryTemplate, 'route53:ChangeResourceRecordSets').filter((sid) => sid !== 'RegistryRecords')).not.toEqual([]);
    expect(changing(primaryTemplate, 'globalaccelerator:UpdateEndpointGroup')).not.toEqual([]);
  });

  test('the tasks let the probes in, from the monitor\'s security group only, once for their port', () => {
    const reference = primary();
    const template = Template.fromStack(reference);
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => JSON.stringify(r.Properties.SourceSecurityGroupId).includes('ApiMonitorSecurityGroup'));
    expect(rules.map((r) => r.Properties)).toEqual([{
      GroupId: reference.resolve(reference.service.serviceSecurityGroup.securityGroupId),
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^ApiMonitorSecurityGroup/), 'GroupId'] },
      IpProtocol: 'tcp', FromPort: 80, ToPort: 80,
      Description: 'HaKitReference/Api/Monitor health probes',
    }]);
  });

  test('its alerts and its alarms go to the service\'s alarm topic', () => {
    const reference = primary();
    const template = Template.fromStack(reference);
    const topic = reference.resolve(reference.service.alarmTopic.topicArn);
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('ApiMonitor'));
    expect(alarms).toHaveLength(5);
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([topic]);
    expect(reference.service.monitor!.alertTopic).toBe(reference.service.alarmTopic);
  });

  test('registers the API tasks in a Cloud Map namespace and keeps their health in step', () => {
    const reference = primary();
    const template = Template.fromStack(reference);
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'service.internal', Vpc: { Ref: Match.stringLikeRegexp('^Vpc') } });
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', {
      Name: 'api', HealthCheckCustomConfig: { FailureThreshold: 1 }, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }], RoutingPolicy: 'MULTIVALUE' },
    });
    const api = reference.resolve(reference.registry!.service('api').serviceId)['Fn::GetAtt'].join('.');
    expect(deployedConfig(template).registry).toEqual([{ serviceId: `<${api}>`, name: 'service.internal/api', groups: ['Api'], attributes: { tier: 'api' } }]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'KeepRegistryInStep',
          Action: ['servicediscovery:DeregisterInstance', 'servicediscovery:GetInstancesHealthStatus', 'servicediscovery:ListInstances',
            'servicediscovery:RegisterInstance', 'servicediscovery:UpdateInstanceCustomHealthStatus'],
          Resource: reference.resolve(reference.registry!.service('api').serviceArn),
        }), Match.objectLike({
          // Cloud Map writes the instances' A records in the namespace's zone on the monitor's behalf.
          Sid: 'RegistryRecords',
          Action: ['route53:ChangeResourceRecordSets', 'route53:GetHostedZone'],
          Resource: { 'Fn::Join': ['', ['arn:aws:route53:::hostedzone/', { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegistryNamespace'), 'HostedZoneId'] }]] },
        })]),
      },
    });
  });

  test('reads its pause and dry-run switches from AppConfig, deployed all at once and never rolled back by the service\'s alarms', () => {
    const reference = primary();
    const template = Template.fromStack(reference);
    const switches = reference.monitorSwitches!;
    const ref = (token: string) => `<Ref ${reference.resolve(token).Ref}>`;
    expect(deployedConfig(template).flags).toEqual({
      applicationId: ref(switches.application.applicationId),
      environmentId: ref(switches.environment.environmentId),
      profileId: ref(switches.configuration.configurationProfileId),
      pollIntervalSeconds: 15,
      pausedFlag: 'monitorPaused',
      dryRunFlag: 'monitorDryRun',
    });
    expect(switches.rollbackAlarm).toBeUndefined();
    expect(switches.rollout.totalTime.toSeconds()).toBe(0);
    // The API's own flags roll back on any of the service's alarms.
    const rollback = Object.entries(template.findResources('AWS::CloudWatch::CompositeAlarm')).filter(([id]) => !id.includes('PracticeRun'));
    expect(rollback.map(([id]) => id)).toEqual([expect.stringMatching(/^ApiFlagsRollbackAlarm/)]);
    const rule = JSON.stringify(rollback[0][1].Properties.AlarmRule);
    for (const alarm of reference.service.alarms) expect(rule).toContain(reference.getLogicalId(alarm.node.defaultChild as cdk.CfnElement));
    template.hasResourceProperties('AWS::AppConfig::Environment', { Monitors: [Match.objectLike({ AlarmArn: { 'Fn::GetAtt': [rollback[0][0], 'Arn'] } })] });
  });

  test('across the app, IAM allows Resource "*" only in the two statements named for it, in each region\'s monitor', () => {
    const wildcard: string[] = [];
    for (const stack of sharedApp().synth().stacks) {
      for (const [id, resource] of Object.entries(stack.template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>)) {
        const documents = resource.Type === 'AWS::IAM::Policy' ? [resource.Properties.PolicyDocument]
          : resource.Type === 'AWS::IAM::Role' ? ((resource.Properties.Policies ?? []) as Array<{ PolicyDocument: unknown }>).map((p) => p.PolicyDocument) : [];
        for (const document of documents as Array<{ Statement: Array<{ Sid?: string; Resource: unknown }> }>) {
          for (const statement of document.Statement) {
            if ([statement.Resource].flat().includes('*')) wildcard.push(`${stack.stackName}/${id}/${statement.Sid}`);
          }
        }
      }
    }
    expect(wildcard.map((w) => w.replace(/[0-9A-F]{8}\//, '/')).sort()).toEqual([
      'HaKitReference/ApiMonitorRoleDefaultPolicy/DescribeVpcNetworkInterfaces',
      'HaKitReference/ApiMonitorRoleDefaultPolicy/ListTargets',
      'HaKitStandby/ApiMonitorRoleDefaultPolicy/DescribeVpcNetworkInterfaces',
      'HaKitStandby/ApiMonitorRoleDefaultPolicy/ListTargets',
    ]);
  });
});

describe('cdk.json', () => {
  test('carries exactly the recommended feature flags of the pinned aws-cdk-lib', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CURRENTLY_RECOMMENDED_FLAGS } = require('aws-cdk-lib/cx-api');
    expect(cdkJson.context).toEqual(CURRENTLY_RECOMMENDED_FLAGS);
  });

  test('`npx cdk synth` synthesizes the reference app offline', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-kit-synth-'));
    execFileSync('npx', ['cdk', 'synth', '--quiet', '--output', out], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, CI: 'true' } });
    const template = JSON.parse(fs.readFileSync(path.join(out, 'HaKitReference.template.json'), 'utf8'));
    expect(Object.values(template.Resources).map((r) => (r as { Type: string }).Type)).toContain('AWS::ElasticLoadBalancingV2::LoadBalancer');
    // The monitor's function is bundled by the local esbuild, with its dependencies.
    const monitor = JSON.parse(fs.readFileSync(path.join(out, 'HaKitReference.template.json'), 'utf8'));
    const fn = Object.values(monitor.Resources as Record<string, { Type: string; Metadata: Record<string, string>; Properties: { Handler?: string } }>)
      .find((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata['aws:cdk:path'].includes('/Monitor/'))!;
    const bundle = fs.readFileSync(path.join(out, fn.Metadata['aws:asset:path'], 'index.js'), 'utf8');
    expect(bundle).toContain('epoch = :seenEpoch AND leaseExpiresAt = :seenExpiry AND ');
    expect(bundle).toContain('"LeaseHeldError"'); // class names kept, for the logs
  });
});
