/**
 * The plan's traffic step: ARC's Route 53 health check block on the name's failover pair, after
 * the data; and the pair's PRIMARY record carrying ARC's check for the primary region beside its
 * own health, so that the plan and health each take traffic off the primary and neither holds it.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DnsFailover, DnsHealthCheck, FailoverTarget, FigureKind, HaLoadBalancer, RegionSwitchPlan, RegionSwitchPlanProps, RegionSwitchRegion } from '../../lib';
import { regionStack } from '../support/region-stack';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { testApp } from '../support/stacks';

const STANDBY_LB = FailoverTarget.remoteLoadBalancer('standby-123.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5');

function service(stack: Stack, vpc: import('aws-cdk-lib/aws-ec2').IVpc): ecs.FargateService {
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('api', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable-alpine'), memoryLimitMiB: 512, logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'api' }) });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  return new ecs.FargateService(stack, 'Tasks', { cluster, taskDefinition: task, desiredCount: 3, minHealthyPercent: 100 });
}

/** The name in the primary's stack; the plan in a stack of the standby region deployed after it. */
function build(options: { plan?: Partial<RegionSwitchPlanProps>; primaryInStandby?: boolean; secondaryInPrimary?: boolean; regionSwitchHealthCheckId?: string } = {}) {
  const app = testApp();
  const one = regionStack(app, 'Primary', 'eu-west-1', { egress: true });
  const two = regionStack(app, 'Standby', 'eu-central-1', { egress: true });
  const site = options.primaryInStandby ? two : one;
  const lb = new HaLoadBalancer(site.stack, 'Lb', { vpc: site.vpc, internetFacing: true, allowPlaintext: true, targetGroups: [{ name: 'App', port: 8080 }], defaultTargetGroup: 'App', alarms: { actions: [] } });
  const zone = new route53.PublicHostedZone(one.stack, 'Zone', { zoneName: 'example.com' });
  const secondary = options.secondaryInPrimary
    ? FailoverTarget.loadBalancer(new HaLoadBalancer(one.stack, 'Lb2', { vpc: one.vpc, internetFacing: true, allowPlaintext: true, targetGroups: [{ name: 'App', port: 8080 }], defaultTargetGroup: 'App', alarms: { actions: [] } }))
    : STANDBY_LB;
  const dns = new DnsFailover(one.stack, 'Api', { zone, recordName: 'api', primary: FailoverTarget.loadBalancer(lb), secondary, regionSwitchHealthCheckId: options.regionSwitchHealthCheckId });
  const primary = new RegionSwitchRegion(one.stack, 'Switch', { ecsServices: [service(one.stack, one.vpc)] });
  const standby = new RegionSwitchRegion(two.stack, 'Switch', { ecsServices: [service(two.stack, two.vpc)] });
  // Open to the internet on purpose: it is the name's target.
  Validations.of(lb).acknowledge({ id: 'AwsSolutions-EC23', reason: 'an internet-facing test load balancer' });
  const data = new Stack(app, 'Data', { env: { region: 'eu-central-1', account: '111111111111' }, crossRegionReferences: true });
  const plan = () => new RegionSwitchPlan(data, 'Plan', { primary, standby, dnsFailover: dns, ...options.plan });
  return { app, one, data, zone, dns, plan };
}

const planProps = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::ARCRegionSwitch::Plan'))[0].Properties;

describe('the traffic step', () => {
  test('comes last in both workflows, after the data: ARC\'s Route 53 health check block on the pair, each record set named with its region', () => {
    const { data, dns, plan } = build();
    plan();
    const [activate, failback] = planProps(data).Workflows;
    for (const workflow of [activate, failback]) {
      const last = workflow.Steps[workflow.Steps.length - 1];
      expect(last).toMatchObject({
        Name: 'move-traffic', ExecutionBlockType: 'Route53HealthCheck',
        ExecutionBlockConfiguration: { Route53HealthCheckConfig: {
          RecordName: 'api.example.com', TimeoutMinutes: 15,
          RecordSets: [{ RecordSetIdentifier: 'primary', Region: 'eu-west-1' }, { RecordSetIdentifier: 'secondary', Region: 'eu-central-1' }],
        } },
      });
      expect(workflow.Steps.map((s: { Name: string }) => s.Name).indexOf('move-traffic')).toBeGreaterThan(workflow.Steps.map((s: { Name: string }) => s.Name).indexOf('scale-1'));
    }
    // The record sets the step names are the pair's own.
    const records = Object.values(Template.fromStack(Stack.of(dns)).findResources('AWS::Route53::RecordSet')).map((r) => [r.Properties.SetIdentifier, r.Properties.Failover]);
    expect(records).toEqual(expect.arrayContaining([['primary', 'PRIMARY'], ['secondary', 'SECONDARY']]));
    expect(checkTemplateAgainstSpec('Data', Template.fromStack(data).toJSON())).toEqual([]);
  });

  test('its role reads the name\'s record sets in that zone only', () => {
    const { data, plan } = build();
    plan();
    const statements = Object.values(Template.fromStack(data).findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>);
    const read = statements.filter((s) => JSON.stringify(s.Action).includes('route53:'));
    expect(read).toHaveLength(1);
    expect(read[0].Action).toBe('route53:ListResourceRecordSets');
    expect(JSON.stringify(read[0].Resource)).toMatch(/hostedzone\/|HostedZone|Zone/);
    expect(JSON.stringify(read[0].Resource)).not.toContain('"*"');
  });

  test('counts in the recovery time: ARC turning its checks (assumed), then the pair\'s propagation and TTL', () => {
    const { plan } = build();
    const traffic = plan().recoveryTime.steps.filter((s) => s.name.startsWith('traffic'));
    expect(traffic.map((s) => [s.name, s.duration.toSeconds(), s.kind])).toEqual([
      ['traffic: ARC turns its health checks', 60, FigureKind.ASSUMED],
      ['traffic: propagation', 60, FigureKind.AWS_TYPICAL],
      ['traffic: ttl', 60, FigureKind.CONFIGURED],
    ]);
  });

  test('a timeout of 1 minute synthesizes; 30 s is refused', () => {
    expect(() => build({ plan: { stepTimeouts: { traffic: Duration.minutes(1) } } }).plan()).not.toThrow();
    expect(() => build({ plan: { stepTimeouts: { traffic: Duration.seconds(30) } } }).plan()).toThrow(/stepTimeouts\.traffic: got 30 s; allowed: whole minutes, at least 1/);
  });

  test('a pair whose primary is in the standby\'s region is refused', () => {
    expect(() => build({ primaryInStandby: true }).plan()).toThrow(
      /dnsFailover: got Primary\/Api, its primary a load balancer in eu-central-1; allowed: a failover pair whose primary is in eu-west-1, the plan's primary region/);
  });

  test('a pair whose secondary is in the primary\'s region is refused', () => {
    expect(() => build({ secondaryInPrimary: true }).plan()).toThrow(
      /dnsFailover: got Primary\/Api, its secondary a load balancer in eu-west-1; allowed: a failover pair whose secondary is in eu-central-1, the plan's standby region/);
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    const { app, plan } = build();
    plan();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});

describe('the PRIMARY record with the plan\'s health check', () => {
  const ID = 'abcdef11-2222-3333-4444-555555fedcba';

  test('carries a calculated check healthy only while both its own check and the plan\'s are; the SECONDARY is left to its health', () => {
    const { one, dns, plan } = build({ regionSwitchHealthCheckId: ID });
    plan();
    const t = Template.fromStack(one.stack);
    const checks = t.findResources('AWS::Route53::HealthCheck');
    const calculated = Object.entries(checks).find(([, c]) => c.Properties.HealthCheckConfig.Type === 'CALCULATED')!;
    const own = one.stack.getLogicalId(dns.primaryHealthCheck!.node.defaultChild as route53.CfnHealthCheck);
    expect(calculated[1].Properties.HealthCheckConfig).toMatchObject({ HealthThreshold: 2, ChildHealthChecks: [{ Ref: own }, ID] });
    const records = Object.values(t.findResources('AWS::Route53::RecordSet'));
    expect(records.find((r) => r.Properties.Failover === 'PRIMARY')!.Properties.HealthCheckId).toEqual({ Ref: calculated[0] });
    expect(records.find((r) => r.Properties.Failover === 'SECONDARY')!.Properties.HealthCheckId).toBeUndefined();
    expect(dns.healthCheckCosts.map((c) => c.name)).toContain('primary and region switch');
    expect(checkTemplateAgainstSpec('Primary', t.toJSON())).toEqual([]);
  });

  test('with target health alone, the record carries the plan\'s check itself (an alias adds its target\'s health)', () => {
    const app = testApp();
    const one = regionStack(app, 'Primary', 'eu-west-1', { egress: true });
    const lb = new HaLoadBalancer(one.stack, 'Lb', { vpc: one.vpc, internetFacing: true, allowPlaintext: true, targetGroups: [{ name: 'App', port: 8080 }], defaultTargetGroup: 'App', alarms: { actions: [] } });
    const zone = new route53.PublicHostedZone(one.stack, 'Zone', { zoneName: 'example.com' });
    new DnsFailover(one.stack, 'Api', { zone, recordName: 'api', primary: FailoverTarget.loadBalancer(lb), secondary: STANDBY_LB, primaryHealthCheck: DnsHealthCheck.targetHealthOnly(), regionSwitchHealthCheckId: ID });
    const primary = Object.values(Template.fromStack(one.stack).findResources('AWS::Route53::RecordSet')).find((r) => r.Properties.Failover === 'PRIMARY')!;
    expect(primary.Properties).toMatchObject({ HealthCheckId: ID, AliasTarget: { EvaluateTargetHealth: true } });
  });

  test.each([
    ['an empty ID', ''],
    ['an ID of 65 characters', 'a'.repeat(65)],
    ['an ID with a space', 'abc def'],
  ])('%s is refused at synth', (_name, id) => {
    expect(() => build({ regionSwitchHealthCheckId: id })).toThrow(/regionSwitchHealthCheckId: got ".*"; allowed: a Route 53 health check ID, 1 to 64 printable characters/);
  });

  test('an ID of 64 characters synthesizes', () => {
    expect(() => build({ regionSwitchHealthCheckId: 'a'.repeat(64) })).not.toThrow();
  });
});
