import * as fs from 'fs';
import * as path from 'path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseConfig } from '../../lambda/health-monitor/config';
import { METRIC_NAMES } from '../../lambda/health-monitor/contract';
import { FeatureFlags, FlagRollout, HealthCheckProfile, HealthCheckProtocol, LeaderHealthMonitor } from '../../lib';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { buildMonitor, deployedConfig } from './monitor-stack';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };

function statements(template: Template): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^MonitorRole') }] } });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe('the table', () => {
  test('pk/sk, on demand, point-in-time recovery, encrypted, TTL on expiresAt, retained, with a pinned logical id', () => {
    const { template } = buildMonitor();
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toEqual(['MonitorTable589C0E27']);
  });
});

describe('the contenders', () => {
  test('a Node.js 24 function on arm64, running the pre-built handler, in private subnets, bounded to two invocations per contender', () => {
    const { template, monitor } = buildMonitor();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 79,
      ReservedConcurrentExecutions: 4,
      VpcConfig: {
        SubnetIds: [{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('VpcPrivateSubnet2') }],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('MonitorSecurityGroup'), 'GroupId'] }],
      },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('MonitorLogs') } },
      Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'CdkHaKit/HealthMonitor', POWERTOOLS_SERVICE_NAME: 'cdk-ha-kit-health-monitor' }) },
    });
    expect(monitor.contenderFunction.runtime.name).toBe('nodejs24.x');
  });

  test('failed invocations go to an encrypted, TLS-only queue; no async retries of a stale contender', () => {
    const { template } = buildMonitor();
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('MonitorFailedInvocations'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('every minute the schedule starts each contender with its own name', () => {
    const { template } = buildMonitor(() => ({ contenders: 3 }));
    const targets = template.findResources('AWS::Events::Rule')[Object.keys(template.findResources('AWS::Events::Rule'))[0]].Properties.Targets;
    expect(template.findResources('AWS::Events::Rule')).toEqual({
      [Object.keys(template.findResources('AWS::Events::Rule'))[0]]: expect.objectContaining({ Properties: expect.objectContaining({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' }) }),
    });
    expect(targets.map((t: { Input: string }) => JSON.parse(t.Input))).toEqual([{ contender: 'c1' }, { contender: 'c2' }, { contender: 'c3' }]);
    for (const t of targets) {
      expect(t.RetryPolicy).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
      expect(t.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toMatch(/^MonitorFailedInvocations/);
    }
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 6 });
  });

  test('the reservation can be left out, for accounts whose concurrency quota cannot spare it', () => {
    const { template } = buildMonitor(() => ({ reserveConcurrency: false }));
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  test('the function runs with the configuration the runtime accepts', () => {
    const { template, monitor } = buildMonitor((f) => ({ dnsFailover: f.dns }));
    const config = deployedConfig(template);
    // The runtime checks it against the contract, in shape and in values.
    expect(parseConfig(JSON.stringify(config))).toEqual(config);
    expect(config).toMatchObject({
      monitorId: monitor.monitorId,
      tableName: '<Ref MonitorTable589C0E27>',
      probe: { protocol: 'TCP', intervalMs: 1000, timeoutMs: 500, healthyThreshold: 3, unhealthyThreshold: 3, downIntervalMs: 1000, concurrency: 32, jitterMs: 100 },
      lease: { durationMs: 2000, renewDeadlineMs: 1200, retryPeriodMs: 250 },
      callTimeoutMs: 600,
      invocationMs: 70000,
      // 70 s + (0.5 s probe + 3 × 0.6 s calls + 1 s) to end the last cycle and release, rounded up, + 5 s
      functionTimeoutMs: 79000,
      targetGroups: [
        { name: 'Api', arn: expect.stringMatching(/^<Ref ApiApiTargetGroup/), probe: { protocol: 'HTTP', path: '/api/health', successCodes: '200' } },
        { name: 'Web', arn: expect.stringMatching(/^<Ref ApiWebTargetGroup/), probe: { protocol: 'HTTP', path: '/health', successCodes: '200-299' } },
      ],
      endpoints: [],
      actions: {
        deregister: true, dnsFailover: true, alertTopicArn: expect.stringMatching(/^<Ref MonitorAlerts/), maxActions: 10, maxFailovers: 4, windowMs: 600000,
        maxEjectPercent: 50, removedRetentionMs: 900000, dryRun: false,
      },
    });
    // A 2 s lease, a 1.2 s renew deadline and 0.6 s calls leave 0.2 s for a late call to land.
    expect(monitor.landingMargin.toMilliseconds()).toBe(200);
  });

  test('the DNS failover swaps the PRIMARY record\'s answer for the secondary\'s, and keeps its health check', () => {
    const { template } = buildMonitor((f) => ({ dnsFailover: f.dns }));
    const dns = deployedConfig(template).dns!;
    expect(dns.hostedZoneId).toMatch(/^<Ref Zone/);
    expect(dns.triggerGroups).toEqual(['Api', 'Web']);
    const identity = { Name: 'api.example.com.', Type: 'A', SetIdentifier: 'primary', Failover: 'PRIMARY', HealthCheckId: expect.stringMatching(/^<Ref DnsPrimaryHealthCheck/) };
    expect(dns.primaryRecord).toEqual({
      ...identity,
      AliasTarget: { DNSName: expect.stringMatching(/^dualstack\.<ApiLoadBalancer\w+\.DNSName>$/), HostedZoneId: expect.stringMatching(/^<ApiLoadBalancer\w+\.CanonicalHostedZoneID>$/), EvaluateTargetHealth: true },
    });
    expect(dns.failoverRecord).toEqual({
      ...identity,
      AliasTarget: { DNSName: 'standby-123.eu-central-1.elb.amazonaws.com', HostedZoneId: 'Z215JYRZR1TBD5', EvaluateTargetHealth: true },
    });
  });

  test('timings at the defaults: detection and takeover within 5 s, and the landing margin', () => {
    const { monitor } = buildMonitor();
    expect(monitor.worstCaseDetectionTime.toMilliseconds()).toBe(1000 * 3 + 500 + 100);
    expect(monitor.worstCaseTakeoverTime.toMilliseconds()).toBe(2000 + 2 * 300 + 3 * 600);
    expect(monitor.worstCaseTakeoverTime.toMilliseconds()).toBeLessThanOrEqual(5000);
    expect(monitor.landingMargin.toMilliseconds()).toBe(200);
  });

  test('the name fails over once ELB\'s own checks agree: the slower of the monitor\'s detection and the trigger groups\' own', () => {
    expect(buildMonitor().monitor.worstCaseNameFailoverTime).toBeUndefined();
    // Api is FAST (5 s × 2 + 2 s = 12 s), Web STANDARD (10 s × 3 + 5 s = 35 s); seen at the next 1 s listing, then a read and a change of 0.6 s each.
    expect(buildMonitor((f) => ({ dnsFailover: f.dns })).monitor.worstCaseNameFailoverTime!.toMilliseconds()).toBe(35_000 + 1000 + 1200);
    expect(buildMonitor((f) => ({ dnsFailover: f.dns, dnsFailoverTriggerGroups: ['Api'] })).monitor.worstCaseNameFailoverTime!.toMilliseconds()).toBe(12_000 + 1000 + 1200);
  });

  test('timing, probes, lease, actions and endpoints as given', () => {
    const { template, monitor } = buildMonitor(() => ({
      healthCheck: HealthCheckProfile.tcp({ interval: Duration.seconds(2), timeout: Duration.millis(500), healthyThreshold: 3, unhealthyThreshold: 2 }),
      downInterval: Duration.seconds(10),
      probeConcurrency: 100,
      probeJitter: Duration.millis(200),
      lease: { duration: Duration.seconds(20), renewDeadline: Duration.seconds(12), retryPeriod: Duration.seconds(3) },
      callTimeout: Duration.seconds(2),
      invocationDuration: Duration.seconds(120),
      maxActionsPerWindow: 3,
      maxFailoversPerWindow: 2,
      maxEjectPercent: 34,
      removedTargetRetention: Duration.hours(2),
      actionWindow: Duration.hours(1),
      dryRun: true,
      deregisterUnhealthyTargets: false,
      endpoints: [
        { name: 'db-proxy', host: '10.0.5.5', port: 5432 },
        { name: 'billing', group: 'partners', host: 'billing.partner.example', port: 443, protocol: HealthCheckProtocol.HTTPS, path: '/ping', bodyContains: 'pong' },
      ],
    }));
    const config = deployedConfig(template);
    // The runtime checks it against the contract, in shape and in values.
    expect(parseConfig(JSON.stringify(config))).toEqual(config);
    expect(config).toMatchObject({
      probe: { intervalMs: 2000, timeoutMs: 500, healthyThreshold: 3, unhealthyThreshold: 2, downIntervalMs: 10000, concurrency: 100, jitterMs: 200 },
      lease: { durationMs: 20000, renewDeadlineMs: 12000, retryPeriodMs: 3000 },
      callTimeoutMs: 2000,
      invocationMs: 120000,
      // 120 s + (0.5 s probe + 3 × 2 s calls + 1 s) to end the last cycle and release, rounded up, + 5 s
      functionTimeoutMs: 133000,
      endpoints: [
        { name: 'db-proxy', group: 'endpoints', host: '10.0.5.5', port: 5432, probe: { protocol: 'TCP' } },
        { name: 'billing', group: 'partners', host: 'billing.partner.example', port: 443, probe: { protocol: 'HTTPS', path: '/ping', successCodes: '200', bodySubstring: 'pong', maxBodyBytes: 5120 } },
      ],
      actions: { deregister: false, maxActions: 3, maxFailovers: 2, maxEjectPercent: 34, removedRetentionMs: 7_200_000, windowMs: 3600000, dryRun: true },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 133 });
    expect(monitor.landingMargin.toMilliseconds()).toBe(6000);
  });
});

describe('least privilege', () => {
  test('each statement names the resources passed in; "*" only for the actions without resource-level permissions', () => {
    const { template } = buildMonitor((f) => ({ dnsFailover: f.dns }));
    const byId = Object.fromEntries(statements(template).map((s) => [s.Sid ?? [s.Action].flat().join(','), s]));
    expect(Object.keys(byId).sort()).toEqual([
      'Alert', 'DescribeVpcNetworkInterfaces', 'FailOverOneRecord', 'ListTargets', 'Logs', 'ReadTheRecordBack', 'TakeTargetsOutAndBack', 'VpcNetworkInterfaces',
      'dynamodb:GetItem,dynamodb:PutItem,dynamodb:UpdateItem,dynamodb:Query',
      'kms:Decrypt,kms:GenerateDataKey',
      'sqs:SendMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl',
    ].sort());
    const wildcard = statements(template).filter((s) => JSON.stringify(s.Resource).includes('"*"'));
    expect(wildcard.map((s) => s.Sid).sort()).toEqual(['DescribeVpcNetworkInterfaces', 'ListTargets']);
    expect(byId.DescribeVpcNetworkInterfaces.Action).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);
    // The four network-interface actions with resource-level permissions: this account and region only.
    expect(byId.VpcNetworkInterfaces.Action).toEqual(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses']);
    expect(byId.VpcNetworkInterfaces.Resource).toEqual(['network-interface', 'subnet', 'security-group']
      .map((type) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ec2:eu-west-1:111111111111:${type}/*`]] })));
    expect(byId.ListTargets.Action).toBe('elasticloadbalancing:DescribeTargetHealth');
    expect(byId.TakeTargetsOutAndBack).toMatchObject({
      Action: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'],
      Resource: [{ Ref: expect.stringMatching(/^ApiApiTargetGroup/) }, { Ref: expect.stringMatching(/^ApiWebTargetGroup/) }],
    });
    expect(byId['dynamodb:GetItem,dynamodb:PutItem,dynamodb:UpdateItem,dynamodb:Query'].Resource).toEqual([{ 'Fn::GetAtt': ['MonitorTable589C0E27', 'Arn'] }]);
    expect(byId.Logs.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MonitorLogs/), 'Arn'] });
    expect(byId.Alert.Resource).toEqual({ Ref: expect.stringMatching(/^MonitorAlerts/) });
    expect(byId.FailOverOneRecord).toEqual({
      Sid: 'FailOverOneRecord',
      Effect: 'Allow',
      Action: 'route53:ChangeResourceRecordSets',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':route53:::hostedzone/', { Ref: expect.stringMatching(/^Zone/) }]] },
      Condition: {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['api.example.com', '_fence.api.example.com'],
          'route53:ChangeResourceRecordSetsRecordTypes': ['A', 'TXT'],
          'route53:ChangeResourceRecordSetsActions': ['UPSERT', 'CREATE', 'DELETE'],
        },
      },
    });
    expect(byId.ReadTheRecordBack).toMatchObject({ Action: 'route53:ListResourceRecordSets', Resource: byId.FailOverOneRecord.Resource });
  });

  test('grantOperate: what `npx cdk-ha-kit` calls, on this monitor\'s resources only', () => {
    const { monitor, stack } = buildMonitor((f) => {
      const switches = new FeatureFlags(f.stack, 'Switches', { monitorSwitches: true, rollout: FlagRollout.allAtOnce() });
      return { dnsFailover: f.dns, switches };
    });
    const oncall = new iam.Role(stack, 'OnCall', { assumedBy: new iam.AccountRootPrincipal() });
    monitor.grantOperate(oncall);
    const template = Template.fromStack(stack);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^OnCall') }] } });
    const granted = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const byAction = Object.fromEntries(granted.map((s) => [[s.Action].flat().join(','), s]));
    expect(Object.keys(byAction).sort()).toEqual([
      'appconfig:ListDeployments,appconfig:GetDeployment',
      'appconfig:ListHostedConfigurationVersions,appconfig:GetHostedConfigurationVersion,appconfig:CreateHostedConfigurationVersion',
      'appconfig:StartConfigurationSession,appconfig:GetLatestConfiguration',
      'appconfig:StartDeployment',
      'cloudformation:DescribeStacks',
      'dynamodb:GetItem,dynamodb:Query,dynamodb:UpdateItem',
      'elasticloadbalancing:DescribeTargetHealth',
      'lambda:GetFunctionConfiguration',
      'route53:ChangeResourceRecordSets',
      'route53:ListResourceRecordSets',
    ].sort());
    expect(byAction['cloudformation:DescribeStacks'].Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudformation:eu-west-1:111111111111:stack/Mon/*']] });
    expect(byAction['lambda:GetFunctionConfiguration'].Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MonitorFunction/), 'Arn'] });
    expect(byAction['dynamodb:GetItem,dynamodb:Query,dynamodb:UpdateItem'].Resource).toEqual([{ 'Fn::GetAtt': ['MonitorTable589C0E27', 'Arn'] }]);
    // The name's change, with the monitor's own conditions: that name and its token only.
    expect(byAction['route53:ChangeResourceRecordSets'].Condition).toEqual(statements(template).find((s) => s.Sid === 'FailOverOneRecord')!.Condition);
    // The switches' profile, its versions, and a deployment of it to its environment with its strategy.
    const resources = (action: string) => JSON.stringify(byAction[action].Resource);
    expect(resources('appconfig:StartDeployment')).toMatch(/application\/.*environment\/.*configurationprofile\/.*deploymentstrategy\//s);
    expect(resources('appconfig:ListHostedConfigurationVersions,appconfig:GetHostedConfigurationVersion,appconfig:CreateHostedConfigurationVersion')).toContain('/hostedconfigurationversion/*');
    // "*" only where the action has no resource-level permissions.
    expect(granted.filter((s) => JSON.stringify(s.Resource).includes('"*"')).map((s) => s.Action)).toEqual(['elasticloadbalancing:DescribeTargetHealth']);
  });

  test('no target-group permissions without deregistration; no Route 53 without a failover pair', () => {
    const { template } = buildMonitor(() => ({ deregisterUnhealthyTargets: false }));
    const sids = statements(template).map((s) => s.Sid);
    expect(sids).not.toContain('TakeTargetsOutAndBack');
    expect(sids).not.toContain('FailOverOneRecord');
    expect(sids).toContain('ListTargets');
  });

  test('endpoints only: no ELB permissions at all', () => {
    const { template } = buildMonitor(() => ({ targetGroups: [], endpoints: [{ name: 'db', host: '10.0.5.5', port: 5432 }] }));
    expect(statements(template).flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('elasticloadbalancing:'))).toEqual([]);
  });

  test('the security group lets nothing in, and out only to AWS APIs and the probe ports', () => {
    const { template } = buildMonitor(() => ({ endpoints: [{ name: 'db', host: '10.9.5.5', port: 5432 }] }));
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Health monitor'),
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [
        { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.stringLikeRegexp('^AWS APIs') },
        { CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] }, IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, Description: 'Probes to targets in the VPC' },
        { CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] }, IpProtocol: 'tcp', FromPort: 8081, ToPort: 8081, Description: 'Probes to targets in the VPC' },
        { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, Description: 'Probes to endpoints' },
      ],
    });
  });
});

describe('alerts', () => {
  test('a topic encrypted with a rotated key that CloudWatch alarms may use too, TLS only', () => {
    const { template, monitor } = buildMonitor();
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      })]) },
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('MonitorAlertsKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [
        Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        // The TLS-only policy replaces the default one, so alarms of this account need their own allowance.
        Match.objectLike({
          Sid: 'AllowAlarmsOfThisAccount',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
          },
        }),
      ] },
    });
    expect(monitor.alertTopicKey).toBeDefined();
  });

  test('a topic of one\'s own: published to, nothing created', () => {
    const { template, stack } = buildMonitor((f) => ({ alertTopic: sns.Topic.fromTopicArn(f.stack, 'Ops', 'arn:aws:sns:eu-west-1:111111111111:ops') }));
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(statements(template).find((s) => s.Sid === 'Alert')?.Resource).toBe('arn:aws:sns:eu-west-1:111111111111:ops');
    expect(stack).toBeDefined();
  });
});

describe('alarms and dashboard', () => {
  test('no leader, errors, refused actions, blindness and action failures', () => {
    const { template, monitor, stack } = buildMonitor(() => ({ alarms: { namePrefix: 'mon' } }));
    expect(monitor.alarms.map((a) => a.node.id)).toEqual(['NoLeaderAlarm', 'ErrorsAlarm', 'RefusedActionsAlarm', 'BlindAlarm', 'ActionFailuresAlarm']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'mon-no-leader',
      Namespace: 'CdkHaKit/HealthMonitor',
      MetricName: 'LeaderHeartbeat',
      Dimensions: [{ Name: 'Monitor', Value: monitor.monitorId }, { Name: 'service', Value: 'cdk-ha-kit-health-monitor' }],
      Statistic: 'Sum',
      Period: 60,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'mon-errors',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(invocationErrors, 0) + FILL(cycleErrors, 0)' })]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'mon-refused-actions', MetricName: 'RefusedStaleActions', Threshold: 1 });
    // By default each alarm notifies the alert topic, on ALARM and on OK.
    const topic = { Ref: expect.stringMatching(/^MonitorAlerts/) };
    for (const alarm of monitor.alarms) {
      const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
      expect([stack.resolve(cfn.alarmActions), stack.resolve(cfn.okActions)]).toEqual([[topic], [topic]]);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'mon-action-failures', MetricName: 'ActionFailures', Threshold: 1 });
    // A leader that cannot list its target groups for several intervals in a row.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'mon-blind', MetricName: 'Blind', Statistic: 'Maximum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  test('alarms can be turned off', () => {
    const { template, monitor } = buildMonitor(() => ({ alarms: { enabled: false } }));
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) => id.startsWith('Monitor'))).toEqual([]);
    expect(monitor.alarms).toEqual([]);
  });

  test('a dashboard of leader and epoch, targets, actions and probe latency', () => {
    const { template, stack, monitor } = buildMonitor();
    const body = JSON.stringify(stack.resolve(template.findResources('AWS::CloudWatch::Dashboard')[Object.keys(template.findResources('AWS::CloudWatch::Dashboard'))[0]].Properties.DashboardBody));
    for (const title of ['Leader and epoch', 'Targets', 'Actions', 'Probe latency']) expect(body).toContain(`\\"title\\":\\"${title}\\"`);
    for (const metric of ['LeaderEpoch', 'TargetsDown', 'RefusedStaleActions', 'ProbeLatency']) expect(body).toContain(metric);
    expect(monitor.dashboard).toBeDefined();
  });

  test('metrics carry the monitor and service dimensions Powertools emits', () => {
    const { monitor, stack } = buildMonitor();
    expect(stack.resolve(monitor.metricTargetsDown().toMetricConfig().metricStat)).toMatchObject({
      namespace: LeaderHealthMonitor.METRICS_NAMESPACE, metricName: 'TargetsDown', statistic: 'Maximum',
      dimensions: [{ name: 'Monitor', value: monitor.monitorId }, { name: 'service', value: 'cdk-ha-kit-health-monitor' }],
    });
  });

  test('every metric the handler emits is readable by name, with its own statistic; a name it does not emit is refused', () => {
    const { monitor } = buildMonitor();
    // The names the handler's code emits (`telemetry.metric('<name>', …)`), read from its source.
    const emitted = new Set<string>();
    const units = new Set(['Count', 'Milliseconds', 'Seconds', 'None', 'Percent']);
    for (const file of fs.readdirSync(path.join(__dirname, '..', '..', 'lambda', 'health-monitor'))) {
      const source = fs.readFileSync(path.join(__dirname, '..', '..', 'lambda', 'health-monitor', file), 'utf8');
      for (const call of source.matchAll(/\.metric\(([^;]*?)\)/g)) {
        for (const [, name] of call[1].matchAll(/'([A-Z][A-Za-z]+)'/g)) if (!units.has(name)) emitted.add(name);
      }
    }
    expect([...LeaderHealthMonitor.METRIC_NAMES].sort()).toEqual([...emitted].sort());
    const statistics = Object.fromEntries(LeaderHealthMonitor.METRIC_NAMES.map((name) => [name, monitor.metric(name).statistic]));
    expect(statistics).toMatchObject({ TargetsUnknown: 'Maximum', CappedActions: 'Sum', ProbeLatency: 'p99', TargetsUp: 'Minimum', DryRun: 'Maximum' });
    expect(monitor.metric('TargetsDown', { statistic: 'Average' }).statistic).toBe('Average');
    expect(() => monitor.metric('TargetsHealthy')).toThrow(
      `Invalid arguments for Mon/Monitor:\n  metricName: got "TargetsHealthy"; allowed: a metric the monitor emits: ${METRIC_NAMES.join(', ')}`);
  });

  test('the code deployed is the handler bundled with the library, staged as it was built', () => {
    const { app, stack } = buildMonitor();
    const assembly = app.synth();
    const fn = Object.values(assembly.getStackByName(stack.stackName).template.Resources as Record<string, { Type: string; Properties: { Code: { S3Key?: string } } }>)
      .find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Code.S3Key !== undefined)!;
    const staged = path.join(assembly.directory, `asset.${fn.Properties.Code.S3Key!.replace(/\.zip$/, '')}`);
    expect(fs.readdirSync(staged)).toEqual(['index.js']);
    expect(fs.readFileSync(path.join(staged, 'index.js'))).toEqual(fs.readFileSync(path.join(__dirname, '..', '..', 'dist', 'assets', 'health-monitor', 'index.js')));
  });
});

describe('checks', () => {
  test('removal policy given: the table and the logs go with the stack', () => {
    const { template } = buildMonitor(() => ({ removalPolicy: RemovalPolicy.DESTROY }));
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', Properties: { RetentionInDays: 90 } });
  });

  test('the template passes the CloudFormation resource specification', () => {
    const { template } = buildMonitor((f) => ({ dnsFailover: f.dns, endpoints: [{ name: 'db', host: '10.0.5.5', port: 5432 }] }));
    expect(checkTemplateAgainstSpec('monitor', template.toJSON())).toEqual([]);
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
    const { app, vpc, lb } = buildMonitor((f) => ({ dnsFailover: f.dns }));
    vpc.addFlowLog('FlowLog');
    Validations.of(lb.securityGroup).acknowledge({ id: 'AwsSolutions-EC23', reason: 'The fixture\'s load balancer is internet-facing.' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('snapshot', () => {
    const { template } = buildMonitor((f) => ({ dnsFailover: f.dns, monitorId: 'snap', alarms: { namePrefix: 'snap' } }));
    const json = JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}\.zip/g, '<bundle>.zip');
    expect(JSON.parse(json)).toMatchSnapshot();
  });

  test('the role can be extended by its users (it is a real role)', () => {
    const { monitor } = buildMonitor();
    expect(monitor.role).toBeInstanceOf(iam.Role);
  });
});
