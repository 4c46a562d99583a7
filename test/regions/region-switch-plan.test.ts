/**
 * The ARC Region switch plan generated from both regions' parts: its workflows and steps, its
 * execution role, its recovery time, and its rules.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  DatabaseEngine, FigureKind, GlobalDatabase, GlobalDatastore, MeasuredFailoverTime, PlanApproval, PlanTrigger, RegionSwitchPlan, RegionSwitchPlanProps, RegionSwitchRegion, RegionSwitchRegionProps,
  ReplicatedCache, ReplicatedDatabase,
} from '../../lib';
import { regionStack } from '../support/region-stack';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { testApp } from '../support/stacks';

const POSTGRES = DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }));
const R7G = ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE);

function service(stack: Stack, vpc: ec2.IVpc): ecs.FargateService {
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('api', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable-alpine'), memoryLimitMiB: 512, logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'api' }) });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  return new ecs.FargateService(stack, 'Tasks', { cluster, taskDefinition: task, desiredCount: 3, minHealthyPercent: 100 });
}

type Overrides = {
  plan?: Partial<RegionSwitchPlanProps>;
  primary?: Partial<RegionSwitchRegionProps>;
  standby?: Partial<RegionSwitchRegionProps>;
  /** The standby's database headless. */
  headless?: boolean;
  /** The global database's managed RPO. */
  rpo?: Duration;
};

function build(overrides: Overrides = {}) {
  const app = testApp({ '@aws-cdk/core:defaultCrossStackReferences': 'weak' });
  const one = regionStack(app, 'Primary', 'eu-west-1', { egress: true });
  const two = regionStack(app, 'Standby', 'eu-central-1', { egress: true });
  const db = new ReplicatedDatabase(one.stack, 'Orders', { vpc: one.vpc, engine: POSTGRES, instanceType: R7G, global: GlobalDatabase.primary({ recoveryPointObjective: overrides.rpo }) });
  const db2 = new ReplicatedDatabase(two.stack, 'Orders', {
    vpc: two.vpc, engine: POSTGRES, instanceType: R7G, readReplicas: overrides.headless ? 0 : undefined, global: GlobalDatabase.secondaryOf(db) });
  const cache = new ReplicatedCache(one.stack, 'Sessions', { vpc: one.vpc, nodeType: 'cache.r7g.large', global: GlobalDatastore.primary(), alarms: { actions: [] } });
  const cache2 = new ReplicatedCache(two.stack, 'Sessions', { vpc: two.vpc, replicasPerShard: 1, global: GlobalDatastore.secondaryOf(cache), alarms: { actions: [] } });
  const primary = new RegionSwitchRegion(one.stack, 'Switch', { database: db, cache, ecsServices: [service(one.stack, one.vpc)], ...overrides.primary });
  const standby = new RegionSwitchRegion(two.stack, 'Switch', { database: db2, cache: cache2, ecsServices: [service(two.stack, two.vpc)], ...overrides.standby });
  const plan = new RegionSwitchPlan(two.stack, 'Plan', { primary, standby, ...overrides.plan });
  return { app, one, two, db, db2, cache, cache2, primary, standby, plan };
}

const steps = (workflow: { Steps: Array<{ Name: string; ExecutionBlockType: string; ExecutionBlockConfiguration: Record<string, { Steps?: unknown[] }> }> }) =>
  workflow.Steps.map((s) => [s.Name, s.ExecutionBlockType]);

describe('the plan', () => {
  test('active/passive over both regions: approve, scale, then the database and the cache in parallel; the failback only switches over', () => {
    const { two, plan, db } = build();
    const template = Template.fromStack(two.stack);
    const props = Object.values(template.findResources('AWS::ARCRegionSwitch::Plan'))[0].Properties;
    expect(props).toMatchObject({ Name: plan.planName, RecoveryApproach: 'activePassive', PrimaryRegion: 'eu-west-1', Regions: ['eu-west-1', 'eu-central-1'] });
    const [activate, failback] = props.Workflows;
    expect([activate.WorkflowTargetAction, activate.WorkflowTargetRegion, failback.WorkflowTargetRegion]).toEqual(['activate', 'eu-central-1', 'eu-west-1']);
    expect(steps(activate)).toEqual([['approve', 'ManualApproval'], ['scale-1', 'ECSServiceScaling'], ['promote-data', 'Parallel']]);
    const [database, cache] = activate.Steps[2].ExecutionBlockConfiguration.ParallelConfig.Steps;
    expect(database).toMatchObject({
      Name: 'promote-database', ExecutionBlockType: 'AuroraGlobalDatabase',
      ExecutionBlockConfiguration: { GlobalAuroraConfig: {
        Behavior: 'switchoverOnly', Ungraceful: { Ungraceful: 'failover' }, GlobalClusterIdentifier: db.globalClusterIdentifier, TimeoutMinutes: 60,
      } },
    });
    const arns = JSON.stringify(database.ExecutionBlockConfiguration.GlobalAuroraConfig.DatabaseClusterArns);
    expect(arns).toContain(`:rds:eu-west-1:111111111111:cluster:${db.identifier}`);
    expect(arns).toContain(':rds:eu-central-1:111111111111:cluster:');
    expect(cache).toMatchObject({
      Name: 'promote-cache', ExecutionBlockType: 'CustomActionLambda',
      ExecutionBlockConfiguration: { CustomActionLambdaConfig: { RegionToRun: 'activatingRegion', RetryIntervalMinutes: 1, TimeoutMinutes: 15 } },
    });
    expect(cache.ExecutionBlockConfiguration.CustomActionLambdaConfig.Lambdas).toHaveLength(2);
    // The failback: a switchover, never a failover.
    const failbackDb = failback.Steps[2].ExecutionBlockConfiguration.ParallelConfig.Steps[0].ExecutionBlockConfiguration.GlobalAuroraConfig;
    expect(failbackDb.Behavior).toBe('switchoverOnly');
    expect(failbackDb.Ungraceful).toBeUndefined();
    expect(checkTemplateAgainstSpec('Standby', template.toJSON())).toEqual([]);
  });

  test('its recovery time objective is the model\'s: the approval (not stated), the compute (assumed), the longer data step', () => {
    const { plan, two } = build();
    expect(plan.recoveryTime.steps.map((s) => [s.name, s.duration.toSeconds(), s.kind])).toEqual([
      ['approval', 0, FigureKind.NOT_STATED],
      ['compute: scale to the other region', 300, FigureKind.ASSUMED],
      ['database: global failover', 300, FigureKind.AWS_TYPICAL],
    ]);
    Template.fromStack(two.stack).hasResourceProperties('AWS::ARCRegionSwitch::Plan', { RecoveryTimeObjectiveMinutes: 10 });
  });

  test('its execution role is trusted by ARC only, and promotes and scales exactly the resources passed in', () => {
    const { two, plan } = build();
    const template = Template.fromStack(two.stack);
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'arc-region-switch.amazonaws.com' } }] } });
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p.Properties.Roles).includes('PlanExecutionRole'))!;
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>;
    const of = (action: string) => statements.find((s) => [s.Action].flat().includes(action))!;
    for (const action of ['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster', 'ecs:UpdateService', 'lambda:InvokeFunction']) {
      expect(JSON.stringify(of(action).Resource)).not.toContain('"*"');
    }
    expect(JSON.stringify(of('rds:FailoverGlobalCluster').Resource)).toContain(':global-cluster:');
    expect([of('ecs:ListServices').Resource]).toEqual(['*']);
    expect(plan.approvalRole).toBeDefined();
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{ Action: 'arc-region-switch:ApprovePlanExecutionStep', Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:arc-region-switch::111111111111:plan/${plan.planName}:*`]] } }] } });
  });

  test('each region\'s cache step runs the shipped function, allowed on its own Global Datastore member only', () => {
    const { one, cache } = build();
    const template = Template.fromStack(one.stack);
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Environment?.Variables?.HA_KIT_REGION_SWITCH_STEP);
    expect(fn.Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    const config = JSON.stringify(fn.Properties.Environment.Variables.HA_KIT_REGION_SWITCH_STEP);
    for (const part of ['\\"action\\":\\"promote-cache\\"', '\\"region\\":\\"eu-west-1\\"', `"Ref":"${one.stack.getLogicalId(cache.replicationGroup)}"`]) {
      expect(config).toContain(part);
    }
    // Its role: the promotion on this Global Datastore and this member only.
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p.Properties.PolicyDocument).includes('FailoverGlobalReplicationGroup'))!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).not.toContain('"*"');
    expect(checkTemplateAgainstSpec('Primary', template.toJSON())).toEqual([]);
  });

  test('with PlanApproval.automatic(), no approval step and no approval role', () => {
    const { plan, two } = build({ plan: { approval: PlanApproval.automatic() } });
    expect(plan.approvalRole).toBeUndefined();
    const props = Object.values(Template.fromStack(two.stack).findResources('AWS::ARCRegionSwitch::Plan'))[0].Properties;
    expect(props.Workflows[0].Steps[0].Name).toBe('scale-1');
  });

  test('an approval role of your own is the one approvers assume; a cache step may be skipped when ungraceful', () => {
    const app = build({ plan: { skipCacheWhenUngraceful: true } });
    const role = iam.Role.fromRoleArn(app.two.stack, 'OnCall', 'arn:aws:iam::111111111111:role/on-call');
    const plan = new RegionSwitchPlan(app.two.stack, 'Plan2', { primary: app.primary, standby: app.standby, approval: PlanApproval.byRole(role, Duration.minutes(30)) });
    expect(plan.approvalRole).toBe(role);
    const props = Object.values(Template.fromStack(app.two.stack).findResources('AWS::ARCRegionSwitch::Plan')).map((p) => p.Properties);
    expect(props[1].Workflows[0].Steps[0].ExecutionBlockConfiguration.ExecutionApprovalConfig).toEqual({ ApprovalRole: 'arn:aws:iam::111111111111:role/on-call', TimeoutMinutes: 30 });
    expect(props[0].Workflows[0].Steps[2].ExecutionBlockConfiguration.ParallelConfig.Steps[1].ExecutionBlockConfiguration.CustomActionLambdaConfig.Ungraceful).toEqual({ Behavior: 'skip' });
  });

  test('a quorum of alarms starts the standby\'s activation, never the failback; the role reads exactly those alarms', () => {
    const app = build();
    const alarm = (id: string) => new cloudwatch.Alarm(app.two.stack, id, { metric: new cloudwatch.Metric({ namespace: 'Test', metricName: id }), threshold: 1, evaluationPeriods: 1 });
    const [a, b] = [alarm('PrimaryCheck'), alarm('StandbyView')];
    new RegionSwitchPlan(app.two.stack, 'Triggered', { primary: app.primary, standby: app.standby, trigger: PlanTrigger.quorum([a, b], Duration.minutes(30)) });
    const template = Template.fromStack(app.two.stack);
    const plan = Object.values(template.findResources('AWS::ARCRegionSwitch::Plan')).map((p) => p.Properties).find((p) => p.Triggers)!;
    expect(plan.Triggers).toEqual([{
      Description: 'Activate eu-central-1 when all 2 alarms are in ALARM', TargetRegion: 'eu-central-1', Action: 'activate', MinDelayMinutesBetweenExecutions: 30,
      Conditions: [{ AssociatedAlarmName: 'quorum-1', Condition: 'red' }, { AssociatedAlarmName: 'quorum-2', Condition: 'red' }],
    }]);
    expect(plan.AssociatedAlarms['quorum-1']).toEqual({ AlarmType: 'trigger', ResourceIdentifier: { 'Fn::GetAtt': [app.two.stack.getLogicalId(a.node.defaultChild as cloudwatch.CfnAlarm), 'Arn'] } });
    expect(JSON.stringify(template.toJSON())).toContain('"cloudwatch:DescribeAlarms"');
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged in either region', () => {
    const { app } = build();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});

describe('budgets', () => {
  test('a recovery-time budget at the model synthesizes; under it, it is refused with the steps and the changes that may meet it', () => {
    expect(() => build({ plan: { recoveryTimeBudget: Duration.minutes(10) } })).not.toThrow();
    expect(() => build({ plan: { recoveryTimeBudget: Duration.minutes(9) } })).toThrow(new RegExp([
      'recoveryTimeBudget: got 540 s; allowed: at least 600 s to activate eu-central-1 \\(typical\\):',
      '[\\s\\S]*compute: scale to the other region: 300 s[\\s\\S]*database: global failover: 300 s',
      '[\\s\\S]*changes that may meet it: measure "compute: scale to the other region" in a game day',
    ].join('')));
  });

  test('with a headless standby, the change that meets it is an instance there', () => {
    expect(() => build({ plan: { recoveryTimeBudget: Duration.minutes(10) }, headless: true })).toThrow(
      /recoveryTimeBudget: got 600 s; allowed: at least 1500 s[\s\S]*changes that may meet it: give the standby's database an instance \(readReplicas: 1\)/);
  });

  test('a data-loss budget at the managed RPO synthesizes; under it, it is refused with the RPO that meets it', () => {
    expect(() => build({ plan: { dataLossBudget: Duration.minutes(1) }, rpo: Duration.minutes(1) })).not.toThrow();
    expect(() => build({ plan: { dataLossBudget: Duration.seconds(30) }, rpo: Duration.minutes(1) })).toThrow(
      /dataLossBudget: got 30 s; allowed: at least 60 s of writes when eu-west-1 is lost \(a bound\)[\s\S]*GlobalDatabase\.primary\(\{ recoveryPointObjective: Duration\.seconds\(30\) \}\)/);
  });

  test('the trigger\'s alarms and a measured approval count in the recovery time', () => {
    const app = build();
    const alarm = (id: string, periods: number) => new cloudwatch.Alarm(app.two.stack, id, {
      metric: new cloudwatch.Metric({ namespace: 'Test', metricName: id, period: Duration.minutes(1) }), threshold: 1, evaluationPeriods: periods });
    const plan = new RegionSwitchPlan(app.two.stack, 'Triggered', {
      primary: app.primary, standby: app.standby, trigger: PlanTrigger.quorum([alarm('A', 2), alarm('B', 3)]),
      measuredApprovalTime: MeasuredFailoverTime.of(Duration.minutes(4), 'game day 2026-11: page to approval, p100'),
    });
    expect(plan.recoveryTime.steps.slice(0, 2).map((s) => [s.name, s.duration.toSeconds(), s.kind])).toEqual([
      ['trigger: its alarms reach ALARM', 180, FigureKind.CONFIGURED],
      ['approval', 240, FigureKind.MEASURED],
    ]);
  });
});

describe('rules', () => {
  test.each<[string, Overrides, RegExp]>([
    ['a name of 33 characters', { plan: { planName: 'a'.repeat(33) } }, /planName: got "a{33}"; allowed: 1 to 32 letters, digits and hyphens/],
    ['a name ending with a hyphen', { plan: { planName: 'orders-' } }, /planName: got "orders-"; allowed: 1 to 32 letters/],
    ['an approval timeout of 90 s', { plan: { approval: PlanApproval.manual(Duration.seconds(90)) } }, /approval\.timeout: got 90 s; allowed: whole minutes, at least 1/],
    ['a database step timeout of 30 s', { plan: { stepTimeouts: { database: Duration.seconds(30) } } }, /stepTimeouts\.database: got 30 s; allowed: whole minutes, at least 1/],
    ['a cache step timeout of 90 s', { plan: { stepTimeouts: { cache: Duration.seconds(90) } } }, /stepTimeouts\.cache: got 90 s; allowed: whole minutes, at least 1/],
    ['a capacity step timeout of 0 s', { plan: { stepTimeouts: { capacity: Duration.seconds(0) } } }, /stepTimeouts\.capacity: got 0 s; allowed: whole minutes, at least 1/],
    ['a capacity of 0 %', { plan: { capacityPercent: 0 } }, /capacityPercent: got 0; allowed: an integer from 1 to 100/],
    ['a capacity of 101 %', { plan: { capacityPercent: 101 } }, /capacityPercent: got 101; allowed: an integer from 1 to 100/],
    ['a standby with no ECS service against the primary\'s one', { standby: { ecsServices: [] } }, /standby\.ecsServices: got 0 service\(s\) against the primary's 1; allowed: as many as the primary/],
    ['a database on one side only', { standby: { database: undefined } }, /standby\.database: got none; allowed: a database in both regions: Primary\/Orders has no counterpart/],
  ])('%s is refused at synth', (_name, overrides, message) => {
    expect(() => build(overrides)).toThrow(message);
  });

  test.each<[string, Overrides]>([
    ['a name of 32 characters', { plan: { planName: `a${'-b'.repeat(15)}c` } }],
    ['an approval timeout of 1 minute', { plan: { approval: PlanApproval.manual(Duration.minutes(1)) } }],
    ['a capacity of 1 %', { plan: { capacityPercent: 1 } }],
    ['a capacity of 100 %', { plan: { capacityPercent: 100 } }],
    ['step timeouts of 1 minute', { plan: { stepTimeouts: { database: Duration.minutes(1), cache: Duration.minutes(1), capacity: Duration.minutes(1) } } }],
  ])('%s synthesizes', (_name, overrides) => {
    expect(() => build(overrides)).not.toThrow();
  });

  test('a trigger of one alarm, of eleven, of the same alarm twice, or with a delay in seconds is refused; two alarms and ten synthesize', () => {
    const quorum = (count: number, delay = Duration.hours(1), same = false) => {
      const app = build();
      const alarms = Array.from({ length: count }, (_, i) => new cloudwatch.Alarm(app.two.stack, `A${i}`, { metric: new cloudwatch.Metric({ namespace: 'Test', metricName: `m${i}` }), threshold: 1, evaluationPeriods: 1 }));
      return () => new RegionSwitchPlan(app.two.stack, 'Triggered', { primary: app.primary, standby: app.standby, trigger: PlanTrigger.quorum(same ? [alarms[0], alarms[0]] : alarms, delay) });
    };
    expect(quorum(1)).toThrow(/trigger\.alarms: got 1 alarm\(s\); allowed: 2 to 10 alarms, each from a vantage point of its own/);
    expect(quorum(11)).toThrow(/trigger\.alarms: got 11 alarm\(s\)/);
    expect(quorum(2, Duration.hours(1), true)).toThrow(/trigger\.alarms: got the same alarm twice; allowed: distinct alarms/);
    expect(quorum(2, Duration.seconds(90))).toThrow(/trigger\.minDelayBetweenExecutions: got 90 s; allowed: whole minutes/);
    expect(quorum(2)).not.toThrow();
    expect(quorum(10)).not.toThrow();
  });

  test('both regions in one region is refused', () => {
    const app = testApp();
    const one = regionStack(app, 'One', 'eu-west-1', { egress: true });
    const two = regionStack(app, 'Two', 'eu-west-1', { egress: true });
    const a = new RegionSwitchRegion(one.stack, 'Switch', { ecsServices: [service(one.stack, one.vpc)] });
    const b = new RegionSwitchRegion(two.stack, 'Switch', { ecsServices: [service(two.stack, two.vpc)] });
    expect(() => new RegionSwitchPlan(two.stack, 'Plan', { primary: a, standby: b })).toThrow(/standby: got Two\/Switch, in eu-west-1, the primary's region; allowed: a region of its own/);
  });

  test('a region\'s side with a part of another region, or a regional database, is refused', () => {
    const { app, db } = build();
    const three = regionStack(app, 'Third', 'us-east-1');
    expect(() => new RegionSwitchRegion(three.stack, 'Switch', { database: db })).toThrow(/database: got Primary\/Orders, in eu-west-1; allowed: a resource of this region's stack \(us-east-1\)/);
    const regional = new ReplicatedDatabase(three.stack, 'Local', { vpc: three.vpc, engine: POSTGRES, instanceType: R7G, rotation: false });
    expect(() => new RegionSwitchRegion(three.stack, 'Switch2', { database: regional })).toThrow(/database: got Third\/Local, a regional database; allowed: a member of an Aurora global database/);
  });

  test('a side with nothing to act on is refused', () => {
    const app = testApp();
    const one = regionStack(app, 'One', 'eu-west-1');
    const two = regionStack(app, 'Two', 'eu-central-1');
    const a = new RegionSwitchRegion(one.stack, 'Switch', {});
    const b = new RegionSwitchRegion(two.stack, 'Switch', {});
    expect(() => new RegionSwitchPlan(two.stack, 'Plan', { primary: a, standby: b })).toThrow(/primary: got One\/Switch, with no database, cache or ECS service; allowed: at least one part for the plan to act on/);
  });
});
