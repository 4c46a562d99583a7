import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FeatureFlags, FeatureFlagsProps, FlagRollout } from '../../lib';
import { expectRejected } from '../support/rejected';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { testApp } from '../support/stacks';

function build(props: (stack: Stack) => FeatureFlagsProps = () => ({ flags: [{ name: 'newCheckout' }] })) {
  const app = testApp();
  const stack = new Stack(app, 'Fl', { env: { region: 'eu-west-1', account: '111111111111' } });
  const flags = new FeatureFlags(stack, 'Flags', props(stack));
  return { stack, flags, template: () => Template.fromStack(stack) };
}

const alarm = (stack: Stack, id: string) => new cloudwatch.Alarm(stack, id, {
  metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: id }), threshold: 1, evaluationPeriods: 1,
});

describe('FeatureFlags', () => {
  test('an application, an environment and a feature-flags profile deployed with a gradual strategy and bake time', () => {
    const { template } = build();
    template().hasResourceProperties('AWS::AppConfig::Environment', { Name: 'live', Monitors: Match.absent() });
    template().hasResourceProperties('AWS::AppConfig::ConfigurationProfile', { Type: 'AWS.AppConfig.FeatureFlags', LocationUri: 'hosted' });
    template().hasResourceProperties('AWS::AppConfig::DeploymentStrategy', { GrowthType: 'LINEAR', GrowthFactor: 20, DeploymentDurationInMinutes: 10, FinalBakeTimeInMinutes: 10 });
    template().hasResourceProperties('AWS::AppConfig::Deployment', {
      ConfigurationVersion: { Ref: Match.stringLikeRegexp('^Flags') },
      DeploymentStrategyId: { Ref: Match.stringLikeRegexp('^FlagsDeploymentStrategy') },
    });
    expect(template().toJSON()).toMatchSnapshot();
  });

  test('the profile holds every flag in the AWS.AppConfig.FeatureFlags format, the monitor\'s switches off', () => {
    const { template } = build(() => ({ flags: [{ name: 'newCheckout', enabled: true, description: 'The new checkout' }], monitorSwitches: true }));
    const version = Object.values(template().findResources('AWS::AppConfig::HostedConfigurationVersion'))[0] as { Properties: { Content: string }; DeletionPolicy: string };
    expect(JSON.parse(version.Properties.Content)).toEqual({
      version: '1',
      flags: {
        newCheckout: { name: 'newCheckout', description: 'The new checkout' },
        monitorPaused: { name: 'monitorPaused', description: 'Pauses the health monitor: it probes and tracks, but takes no action.' },
        monitorDryRun: { name: 'monitorDryRun', description: 'Puts the health monitor in dry-run: it logs the AWS calls it would make.' },
      },
      values: { newCheckout: { enabled: true }, monitorPaused: { enabled: false }, monitorDryRun: { enabled: false } },
    });
    expect(version.DeletionPolicy).toBe('Retain');
  });

  test('the rollback alarm notifies the actions given, on ALARM and on OK', () => {
    const { template } = build((stack) => ({
      flags: [{ name: 'newCheckout' }], rollbackAlarms: [alarm(stack, 'Errors')],
      rollbackAlarmActions: [new cwActions.SnsAction(new sns.Topic(stack, 'Oncall', { enforceSSL: true }))],
    }));
    template().hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Oncall') }], OKActions: [{ Ref: Match.stringLikeRegexp('^Oncall') }],
    });
  });

  test('rollback alarms become one composite alarm that AppConfig reads with a role scoped to it', () => {
    const { template } = build((stack) => ({ flags: [{ name: 'newCheckout' }], rollbackAlarms: [alarm(stack, 'Errors'), alarm(stack, 'Latency')] }));
    template().hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmActions: Match.absent(),
      AlarmRule: { 'Fn::Join': ['', ['(ALARM("', { 'Fn::GetAtt': [Match.stringLikeRegexp('^Errors'), 'Arn'] }, '") OR ALARM("', { 'Fn::GetAtt': [Match.stringLikeRegexp('^Latency'), 'Arn'] }, '"))']] },
    });
    template().hasResourceProperties('AWS::AppConfig::Environment', {
      Monitors: [{ AlarmArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FlagsRollbackAlarm'), 'Arn'] }, AlarmRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FlagsRollbackRole'), 'Arn'] } }],
    });
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'cloudwatch:DescribeAlarms', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FlagsRollbackAlarm'), 'Arn'] } }] },
    });
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'appconfig.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }] },
    });
  });

  test('all at once, for switches that must act now', () => {
    const { template, flags } = build(() => ({ monitorSwitches: true, rollout: FlagRollout.allAtOnce() }));
    template().hasResourceProperties('AWS::AppConfig::DeploymentStrategy', { GrowthFactor: 100, DeploymentDurationInMinutes: 0, FinalBakeTimeInMinutes: 0 });
    expect(flags.rollout.totalTime.toSeconds()).toBe(0);
    expect(FlagRollout.gradual({ duration: Duration.minutes(20), bakeTime: Duration.minutes(5) }).totalTime.toMinutes()).toBe(25);
  });

  test('grantRead allows the data plane on this environment\'s profile only', () => {
    const { stack, flags, template } = build();
    flags.grantRead(new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
          Resource: {
            'Fn::Join': ['', [
              'arn:', { Ref: 'AWS::Partition' }, ':appconfig:eu-west-1:111111111111:application/', { Ref: Match.stringLikeRegexp('^FlagsApplication') },
              '/environment/', { Ref: Match.stringLikeRegexp('^FlagsEnvironment') }, '/configuration/', { Ref: Match.stringLikeRegexp('^FlagsConfigurationProfile') },
            ]],
          },
        }],
      },
    });
  });
});

const rejected: Array<[string, (stack: Stack) => FeatureFlagsProps, RegExp]> = [
  ['a flag key with a capital first letter', () => ({ flags: [{ name: 'NewCheckout' }] }), /flags\[0\]\.name: got "NewCheckout"; allowed: a lowercase letter, then letters, digits, "_" or "-"; at most 64 characters/],
  ['a flag key of 65 characters', () => ({ flags: [{ name: `a${'b'.repeat(64)}` }] }), /flags\[0\]\.name: got "ab+"; allowed: a lowercase letter/],
  ['two flags of one key', () => ({ flags: [{ name: 'x' }, { name: 'x' }] }), /flags\[1\]\.name: got "x"; allowed: a name no other flag has/],
  ['a flag that clashes with the monitor\'s switches', () => ({ flags: [{ name: 'monitorPaused' }], monitorSwitches: true }), /monitorSwitches: got "monitorPaused"; allowed: a name no other flag has/],
  ['a growth factor of 0', () => ({ rollout: FlagRollout.gradual({ growthFactor: 0 }) }), /rollout\.growthFactor: got 0; allowed: a number from 1 to 100 \(decimals allowed\)/],
  ['a growth factor of 100.5', () => ({ rollout: FlagRollout.gradual({ growthFactor: 100.5 }) }), /rollout\.growthFactor: got 100\.5; allowed: a number from 1 to 100/],
  ['a rollout over 30 s', () => ({ rollout: FlagRollout.gradual({ duration: Duration.seconds(30) }) }), /rollout\.duration: got 30 s; allowed: whole minutes from 0 to 24 hours/],
  ['a bake time of two days', () => ({ rollout: FlagRollout.gradual({ bakeTime: Duration.days(2) }) }), /rollout\.bakeTime: got 172800 s; allowed: whole minutes from 0 to 24 hours/],
  // 32 alarms of 255-character names fit one 10240-character rule; 100 such rules, 3200 alarms.
  ['more alarms than 100 composite alarms hold', (stack) => ({ rollbackAlarms: longNamed(stack, 3201) }),
    /rollbackAlarms: got 3201 alarms, 101 composite alarms of them; allowed: as many as 100 composite alarms hold, each rule within 10240 characters and 100 alarms \(PutCompositeAlarm\)/],
  ['an empty environment name', () => ({ environmentName: '' }), /environmentName: got ""; allowed: 1 to 64 characters/],
  ['rollback alarm actions without rollback alarms', (stack) => ({ rollbackAlarmActions: [new cwActions.SnsAction(new sns.Topic(stack, 'Oncall'))] }),
    /rollbackAlarmActions: got 1 actions; allowed: none without rollbackAlarms: there is no rollback alarm to act on/],
  ['an application name of 65 characters', () => ({ applicationName: 'a'.repeat(65) }), /applicationName: got "a{65}"; allowed: 1 to 64 characters/],
  ['an empty application name', () => ({ applicationName: '' }), /applicationName: got ""; allowed: 1 to 64 characters/],
  ['a flag description of 1025 characters', () => ({ flags: [{ name: 'x', description: 'd'.repeat(1025) }] }), /flags\[0\]\.description: got 1025 characters; allowed: at most 1024 characters/],
];

describe('FeatureFlags accepts what AWS documents as valid', () => {
  test.each([1, 2.5, 100])('a growth factor of %s (AppConfig takes decimals from 1.0 to 100.0)', (growthFactor) => {
    const { template } = build(() => ({ flags: [{ name: 'newCheckout' }], rollout: FlagRollout.gradual({ growthFactor }) }));
    template().hasResourceProperties('AWS::AppConfig::DeploymentStrategy', { GrowthFactor: growthFactor });
  });
});

/** `count` alarms of other stacks, known by ARN, each with a name of 255 characters (PutMetricAlarm's longest). */
function longNamed(stack: Stack, count: number): cloudwatch.IAlarm[] {
  return Array.from({ length: count }, (_, i) => cloudwatch.Alarm.fromAlarmArn(stack, `L${i}`,
    `arn:aws:cloudwatch:eu-west-1:111111111111:alarm:${String(i).padStart(5, '0')}${'n'.repeat(250)}`));
}

describe('rollback rules within CloudWatch\'s 10240 characters, however many alarms', () => {
  type Resource = { Type: string; Properties: { AlarmRule: unknown; AlarmDescription: string } };
  const composites = (t: ReturnType<ReturnType<typeof build>['template']>) => Object.entries(t.toJSON().Resources as Record<string, Resource>)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::CompositeAlarm');

  test('32 alarms of the longest names: one composite alarm, its rule within the limit', () => {
    const { template } = build((stack) => ({ rollbackAlarms: longNamed(stack, 32) }));
    const [[, only], ...rest] = composites(template());
    expect(rest).toEqual([]);
    expect(typeof only.Properties.AlarmRule).toBe('string');
    expect((only.Properties.AlarmRule as string).length).toBeLessThanOrEqual(10_240);
    expect((only.Properties.AlarmRule as string).match(/ALARM\(/g)).toHaveLength(32);
  });

  test('33 of them: two composite alarms under the one AppConfig watches, every alarm named once', () => {
    const { template } = build((stack) => ({ rollbackAlarms: longNamed(stack, 33) }));
    const all = composites(template());
    const isPart = ([, r]: [string, Resource]) => r.Properties.AlarmDescription.startsWith('Part ');
    const parts = all.filter(isPart);
    expect(parts).toHaveLength(2);
    const rules = parts.map(([, r]) => r.Properties.AlarmRule as string);
    rules.forEach((rule) => expect(rule.length).toBeLessThanOrEqual(10_240));
    expect(rules.flatMap((rule) => rule.match(/alarm:\d{5}/g) ?? []).sort()).toEqual(Array.from({ length: 33 }, (_, i) => `alarm:${String(i).padStart(5, '0')}`));
    const top = all.find((c) => !isPart(c))!;
    expect(JSON.stringify(top[1].Properties.AlarmRule).match(/ALARM\(/g)).toHaveLength(2);
  });

  test('100 alarms whose ARNs synth cannot see: groups sized for the longest ARN', () => {
    const { template } = build((stack) => ({ rollbackAlarms: Array.from({ length: 100 }, (_, i) => alarm(stack, `A${i}`)) }));
    expect(composites(template()).filter(([, r]) => r.Properties.AlarmDescription.startsWith('Part '))).toHaveLength(4);
  });

  test('3200 alarms of the longest names, the most 100 rules hold, synthesize', () => {
    const { template } = build((stack) => ({ rollbackAlarms: longNamed(stack, 3200) }));
    expect(composites(template())).toHaveLength(101);
  });
});

describe('FeatureFlags accepts names and descriptions at their bounds', () => {
  test('application and environment names of 64 characters, a flag description of 1024', () => {
    const { template } = build(() => ({ applicationName: 'a'.repeat(64), environmentName: 'é'.repeat(64), flags: [{ name: 'x', description: 'd'.repeat(1024) }] }));
    template().hasResourceProperties('AWS::AppConfig::Application', { Name: 'a'.repeat(64) });
    template().hasResourceProperties('AWS::AppConfig::Environment', { Name: 'é'.repeat(64) });
    expect(checkTemplateAgainstSpec('flags', template().toJSON())).toEqual([]);
  });
});

describe('FeatureFlags rejects at synth', () => {
  test.each(rejected)('%s', (_name, props, message) => {
    expectRejected(() => build(props), 'Fl/Flags', message);
  });
});
