import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  DnsFailover, DnsFailoverProps, DnsHealthCheck, EndpointKind, FailoverTarget, HaLoadBalancer, HaLoadBalancerProps, HealthCheckPreset,
  HealthCheckProfile, TtlPolicy,
} from '../../lib';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { testApp } from '../support/stacks';

const CERT = elbv2.ListenerCertificate.fromArn('arn:aws:acm:us-east-1:111111111111:certificate/abc');
const STANDBY = FailoverTarget.remoteLoadBalancer('standby-123.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5');

function setup(region = 'us-east-1') {
  const app = testApp();
  const stack = new Stack(app, 'Dns', { env: { region } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
  const lb = (props: Partial<HaLoadBalancerProps> = {}, id = 'Lb') => new HaLoadBalancer(stack, id, {
    vpc,
    internetFacing: true,
    allowPlaintext: props.certificates === undefined,
    targetGroups: [{ name: 'Web', port: 8080, healthCheck: HealthCheckProfile.http({ path: '/health', preset: HealthCheckPreset.FAST }) }],
    defaultTargetGroup: 'Web',
    ...props,
  });
  const failover = (props: Partial<DnsFailoverProps> & Pick<DnsFailoverProps, 'primary'>, id = 'Api') =>
    new DnsFailover(stack, id, { zone, recordName: 'api', secondary: STANDBY, ...props });
  return { app, stack, vpc, zone, lb, failover, template: () => Template.fromStack(stack) };
}

describe('a public name failing over from an HaLoadBalancer', () => {
  test('creates a PRIMARY and a SECONDARY alias record with deterministic set identifiers', () => {
    const { lb, failover, template } = setup();
    const dns = failover({ primary: FailoverTarget.loadBalancer(lb()) });
    expect(dns.recordName).toBe('api.example.com');
    expect(dns.recordType).toBe(route53.RecordType.A);
    template().hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'api.example.com.',
      Type: 'A',
      Failover: 'PRIMARY',
      SetIdentifier: 'primary',
      HealthCheckId: { Ref: Match.stringLikeRegexp('ApiPrimaryHealthCheck') },
      AliasTarget: {
        DNSName: { 'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [Match.stringLikeRegexp('LbLoadBalancer'), 'DNSName'] }]] },
        HostedZoneId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LbLoadBalancer'), 'CanonicalHostedZoneID'] },
        EvaluateTargetHealth: true,
      },
    });
    template().hasResourceProperties('AWS::Route53::RecordSet', {
      Failover: 'SECONDARY',
      SetIdentifier: 'secondary',
      HealthCheckId: Match.absent(),
      AliasTarget: { DNSName: 'standby-123.eu-central-1.elb.amazonaws.com', HostedZoneId: 'Z215JYRZR1TBD5', EvaluateTargetHealth: true },
    });
  });

  test('health-checks the load balancer itself on its listener and the default group\'s health path, 30 s × 3 by default', () => {
    const { lb, failover, template } = setup();
    const dns = failover({ primary: FailoverTarget.loadBalancer(lb()) });
    template().hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'HTTP',
        FullyQualifiedDomainName: { 'Fn::GetAtt': [Match.stringLikeRegexp('LbLoadBalancer'), 'DNSName'] },
        Port: 80,
        ResourcePath: '/health',
        RequestInterval: 30,
        FailureThreshold: 3,
      },
    });
    expect(dns.worstCaseFailoverTime.toSeconds()).toBe(216);
    expect(dns.healthCheckCosts).toEqual([{ name: 'primary', endpoint: EndpointKind.AWS, features: [], monthlyUsd: 0.5 }]);
  });

  test('an HTTPS load balancer is checked over HTTPS with SNI on 443, billed as a feature', () => {
    const { lb, failover, template } = setup();
    const dns = failover({ primary: FailoverTarget.loadBalancer(lb({ certificates: [CERT] })) });
    template().hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ Type: 'HTTPS', Port: 443, EnableSNI: true }),
    });
    expect(dns.monthlyHealthCheckCost).toBe(1.5);
  });

  test('a profile sets protocol, path, fast interval and threshold; string matching, regions and latency are options', () => {
    const { lb, failover, template } = setup();
    const dns = failover({
      primary: FailoverTarget.loadBalancer(lb()),
      primaryHealthCheck: DnsHealthCheck.endpoint({
        profile: HealthCheckProfile.http({ path: '/deep-health', interval: Duration.seconds(10), unhealthyThreshold: 2, port: 8080 }),
        searchString: '"status":"ok"',
        regions: ['us-east-1', 'eu-west-1', 'ap-southeast-1'],
        measureLatency: true,
      }),
    });
    template().hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({
        Type: 'HTTP_STR_MATCH', ResourcePath: '/deep-health', Port: 8080, RequestInterval: 10, FailureThreshold: 2,
        SearchString: '"status":"ok"', Regions: ['us-east-1', 'eu-west-1', 'ap-southeast-1'], MeasureLatency: true,
      }),
    });
    expect(dns.failoverTime.steps[0].duration.toSeconds()).toBe(10 * 2 + 8);
    expect(dns.healthCheckCosts[0]).toEqual({ name: 'primary', endpoint: EndpointKind.AWS, features: ['string matching', 'fast interval', 'latency measurement'], monthlyUsd: 3.5 });
  });

  test('requestInterval and failureThreshold speed up the derived check and keep its protocol, port and path', () => {
    const { lb, failover, template } = setup();
    const dns = failover({ primary: FailoverTarget.loadBalancer(lb({ certificates: [CERT] })), primaryHealthCheck: DnsHealthCheck.endpoint({ requestInterval: Duration.seconds(10), failureThreshold: 2 }) });
    template().hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ Type: 'HTTPS', Port: 443, ResourcePath: '/health', RequestInterval: 10, FailureThreshold: 2 }),
    });
    expect(dns.worstCaseFailoverTime.toSeconds()).toBe(10 * 2 + 6 + 60 + 60);
    expect(dns.healthCheckCosts[0].features).toEqual(['HTTPS', 'fast interval']);
  });

  test('SNI can be turned off and a TCP check needs only a port', () => {
    const { lb, failover, template } = setup();
    failover({
      primary: FailoverTarget.loadBalancer(lb()),
      primaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.https({ interval: Duration.seconds(30) }), enableSni: false }),
    });
    failover({ recordName: 'tcp', primary: FailoverTarget.loadBalancer(lb({}, 'Lb2')), primaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.tcp({ interval: Duration.seconds(30), port: 5432 }) }) }, 'Tcp');
    template().hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ Type: 'HTTPS', EnableSNI: false }) });
    template().hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ Type: 'TCP', Port: 5432, ResourcePath: Match.absent() }) });
  });

  test('in us-east-1, an alarm fires while the primary is unhealthy', () => {
    const { lb, failover, template } = setup();
    const dns = failover({ primary: FailoverTarget.loadBalancer(lb()), alarmNamePrefix: 'shop' });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-primary-unhealthy',
      Namespace: 'AWS/Route53',
      MetricName: 'HealthCheckStatus',
      Dimensions: [{ Name: 'HealthCheckId', Value: { Ref: Match.stringLikeRegexp('ApiPrimaryHealthCheck') } }],
      Statistic: 'Minimum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
    });
    expect(dns.primaryUnhealthyAlarm).toBeDefined();
    expect(dns.alarms).toEqual([dns.primaryUnhealthyAlarm]);
  });

  test('its alarms notify the actions given; without any, a warning says they reach no one', () => {
    const { lb, failover, template, stack } = setup();
    const topic = new sns.Topic(stack, 'Oncall', { enforceSSL: true });
    failover({ primary: FailoverTarget.loadBalancer(lb()), alarmNamePrefix: 'shop', alarmActions: [new cwActions.SnsAction(topic)] });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-primary-unhealthy', AlarmActions: [{ Ref: Match.stringLikeRegexp('^Oncall') }], OKActions: [{ Ref: Match.stringLikeRegexp('^Oncall') }],
    });
    Annotations.fromStack(stack).hasNoWarning('/Dns/Api', Match.stringLikeRegexp('alarmsWithoutActions'));
    failover({ recordName: 'quiet', primary: FailoverTarget.loadBalancer(lb({}, 'Lb2')) }, 'Quiet');
    Annotations.fromStack(stack).hasWarning('/Dns/Quiet', Match.stringLikeRegexp('The alarms of this construct have no action: give alarms.actions .*cdk-ha-kit:alarmsWithoutActions'));
  });

  test('alarms takes the options every tier takes: name prefix, actions and evaluation of the primary-unhealthy alarm', () => {
    const { lb, failover, template, stack } = setup();
    const topic = new sns.Topic(stack, 'Oncall', { enforceSSL: true });
    const old = new sns.Topic(stack, 'Old', { enforceSSL: true });
    const dns = failover({
      primary: FailoverTarget.loadBalancer(lb()),
      alarms: { namePrefix: 'shop', actions: [new cwActions.SnsAction(topic)], evaluationPeriods: 3, datapointsToAlarm: 2 },
      alarmActions: [new cwActions.SnsAction(old)],
    });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-primary-unhealthy', EvaluationPeriods: 3, DatapointsToAlarm: 2,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Oncall') }, { Ref: Match.stringLikeRegexp('^Old') }],
    });
    expect(dns.alarmNamePrefix).toBe('shop');
  });

  test('by default the primary-unhealthy alarm raises on the first unhealthy minute; alarms.enabled false leaves it out', () => {
    const { lb, failover, template } = setup();
    failover({ primary: FailoverTarget.loadBalancer(lb()) });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('-primary-unhealthy$'), EvaluationPeriods: 1, DatapointsToAlarm: Match.absent() });
    const dns = failover({ recordName: 'off', primary: FailoverTarget.loadBalancer(lb({}, 'Lb2')), alarms: { enabled: false } }, 'Off');
    expect(dns.primaryUnhealthyAlarm).toBeUndefined();
    expect(dns.alarms).toEqual([]);
  });

  test('outside us-east-1 there is no alarm, and an info annotation says why', () => {
    const { lb, failover, template, stack } = setup('eu-west-1');
    const dns = failover({ primary: FailoverTarget.loadBalancer(lb()) });
    expect(dns.primaryUnhealthyAlarm).toBeUndefined();
    template().resourceCountIs('AWS::CloudWatch::Alarm', 2); // the load balancer's own alarms
    Annotations.fromStack(stack).hasInfo('/Dns/Api', Match.stringLikeRegexp('health-check metrics in us-east-1 only'));
  });

  test('the health-check status metric is a us-east-1 metric of the health check', () => {
    const { lb, failover, stack } = setup('eu-west-1');
    const dns = failover({ primary: FailoverTarget.loadBalancer(lb()) });
    const metric = dns.metricPrimaryHealthCheckStatus();
    expect(metric).toMatchObject({ namespace: 'AWS/Route53', metricName: 'HealthCheckStatus', statistic: 'Minimum', region: 'us-east-1' });
    expect(stack.resolve(metric.dimensions)).toEqual({ HealthCheckId: { Ref: expect.stringMatching(/ApiPrimaryHealthCheck/) } });
    expect(() => dns.metricSecondaryHealthCheckStatus()).toThrow('Invalid arguments for Dns/Api:\n  metricSecondaryHealthCheckStatus(): got a secondary record without a Route 53 health check; allowed: a record with a health check: without one there is no health-check status to measure');
  });
});

describe('other targets', () => {
  test('IP addresses make A records with the external TTL, billed as non-AWS endpoints', () => {
    const { failover, template } = setup();
    const dns = failover({
      primary: FailoverTarget.ipAddress('52.95.110.10'),
      secondary: FailoverTarget.ipAddress('52.95.120.10'),
      primaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.http({ interval: Duration.seconds(30), unhealthyThreshold: 2 }) }),
      secondaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.http({ interval: Duration.seconds(30) }) }),
    });
    template().hasResourceProperties('AWS::Route53::RecordSet', { Type: 'A', Failover: 'PRIMARY', ResourceRecords: ['52.95.110.10'], TTL: '60' });
    template().hasResourceProperties('AWS::Route53::RecordSet', { Type: 'A', Failover: 'SECONDARY', ResourceRecords: ['52.95.120.10'], HealthCheckId: Match.anyValue() });
    template().hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ IPAddress: '52.95.110.10', Port: 80, FailureThreshold: 2 }) });
    expect(dns.monthlyHealthCheckCost).toBe(1.5);
    expect(dns.failoverTime.steps[2].explanation).toMatch(/record TTL, external policy/);
  });

  test('IPv6 addresses make AAAA records; host names make CNAME records with the TTL asked', () => {
    const { failover, template } = setup();
    const check = DnsHealthCheck.endpoint({ profile: HealthCheckProfile.https({ interval: Duration.seconds(30) }) });
    expect(failover({ primary: FailoverTarget.ipAddress('2600:1f18::1'), secondary: FailoverTarget.ipAddress('2600:1f18::2'), primaryHealthCheck: check }).recordType).toBe(route53.RecordType.AAAA);
    failover({ recordName: 'www', primary: FailoverTarget.hostname('primary.example.net'), secondary: FailoverTarget.hostname('backup.example.net'), primaryHealthCheck: check, ttl: Duration.seconds(30) }, 'Www');
    template().hasResourceProperties('AWS::Route53::RecordSet', { Name: 'www.example.com.', Type: 'CNAME', ResourceRecords: ['primary.example.net'], TTL: '30' });
    template().hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ FullyQualifiedDomainName: 'primary.example.net', Type: 'HTTPS' }) });
  });

  test('an S3 static website serves as the maintenance page', () => {
    const { lb, failover, stack, template } = setup();
    const page = new s3.Bucket(stack, 'Maintenance', { bucketName: 'api.example.com', websiteIndexDocument: 'index.html' });
    failover({ primary: FailoverTarget.loadBalancer(lb()), secondary: FailoverTarget.s3Website(page) });
    template().hasResourceProperties('AWS::Route53::RecordSet', {
      Failover: 'SECONDARY',
      AliasTarget: { DNSName: 's3-website-us-east-1.amazonaws.com', HostedZoneId: 'Z3AQBSTGFYJSTF', EvaluateTargetHealth: true },
    });
  });

  test.each([
    ['any ELB', (stack: Stack, vpc: ec2.Vpc) => FailoverTarget.elb(new elbv2.ApplicationLoadBalancer(stack, 'Plain', { vpc, internetFacing: true })),
      { 'Fn::GetAtt': [Match.stringLikeRegexp('^Plain'), 'DNSName'] }],
    ['a remote load balancer', () => FailoverTarget.remoteLoadBalancer('primary-456.eu-west-1.elb.amazonaws.com', 'Z32O12XQLNTSW2'), 'primary-456.eu-west-1.elb.amazonaws.com'],
    ['an S3 website', (stack: Stack) => FailoverTarget.s3Website(new s3.Bucket(stack, 'Site', { bucketName: 'api.example.com', websiteIndexDocument: 'index.html' })),
      Match.objectLike({ 'Fn::Select': Match.anyValue() })],
  ])('an endpoint check of %s probes its DNS name, priced as an AWS endpoint', (_name, target, fqdn) => {
    const { stack, vpc, failover, template } = setup();
    const dns = failover({ primary: target(stack, vpc), primaryHealthCheck: DnsHealthCheck.endpoint() });
    template().hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ Type: 'HTTP', FullyQualifiedDomainName: fqdn, Port: 80, ResourcePath: '/', RequestInterval: 30, FailureThreshold: 3 }),
    });
    expect(dns.healthCheckCosts[0].endpoint).toBe(EndpointKind.AWS);
  });

  test('any ELB: target health alone, with its detection time', () => {
    const { vpc, stack, failover, template } = setup();
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Plain', { vpc, internetFacing: true });
    const dns = failover({ primary: FailoverTarget.elb(alb) });
    const custom = failover({ recordName: 'fast', primary: FailoverTarget.elb(alb, { detectionTime: Duration.seconds(20) }) }, 'Fast');
    expect(dns.primaryHealthCheck).toBeUndefined();
    template().resourceCountIs('AWS::Route53::HealthCheck', 0);
    expect(dns.failoverTime.steps[0].duration.toSeconds()).toBe(70);
    expect(custom.worstCaseFailoverTime.toSeconds()).toBe(20 + 60 + 60);
    expect(dns.monthlyHealthCheckCost).toBe(0);
  });

  test('target health alone for an HaLoadBalancer uses its own detection time', () => {
    const { lb, failover } = setup();
    const dns = failover({ primary: FailoverTarget.loadBalancer(lb()), primaryHealthCheck: DnsHealthCheck.targetHealthOnly() });
    expect(dns.primaryHealthCheck).toBeUndefined();
    expect(dns.failoverTime.steps[0]).toMatchObject({ explanation: 'load balancer health check 12 s (slowest target group), then Route 53 follows the target health' });
    expect(dns.worstCaseFailoverTime.toSeconds()).toBe(12 + 60 + 60);
  });

  test('a calculated health check combines children', () => {
    const { stack, failover, template } = setup();
    const children = ['a', 'b', 'c'].map((n) => new route53.HealthCheck(stack, `Child${n}`, { type: route53.HealthCheckType.TCP, fqdn: `${n}.example.net`, port: 443 }));
    const dns = failover({
      primary: FailoverTarget.hostname('edge.example.net'),
      secondary: FailoverTarget.hostname('backup.example.net'),
      primaryHealthCheck: DnsHealthCheck.calculated({ children, healthThreshold: 2, detectionTime: Duration.seconds(40) }),
    });
    template().hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'CALCULATED', HealthThreshold: 2, ChildHealthChecks: children.map(() => ({ Ref: Match.stringLikeRegexp('Child') })) },
    });
    expect(dns.failoverTime.steps[0].duration.toSeconds()).toBe(40);
    expect(dns.healthCheckCosts).toEqual([{ name: 'primary', endpoint: EndpointKind.NONE, features: [], monthlyUsd: 0.5 }]);
  });

  test('a health check driven by a CloudWatch alarm', () => {
    const { stack, failover, template } = setup();
    const alarm = new cloudwatch.Alarm(stack, 'Errors', {
      metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Errors', statistic: 'Sum', period: Duration.minutes(1) }),
      threshold: 10, evaluationPeriods: 2,
    });
    failover({
      primary: FailoverTarget.ipAddress('52.95.110.10'),
      secondary: FailoverTarget.ipAddress('52.95.110.20'),
      primaryHealthCheck: DnsHealthCheck.alarm({ alarm, detectionTime: Duration.minutes(3), insufficientDataStatus: route53.InsufficientDataHealthStatusEnum.HEALTHY }),
    });
    template().hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: { Ref: Match.stringLikeRegexp('Errors') }, Region: 'us-east-1' }, InsufficientDataHealthStatus: 'Healthy' },
    });
  });
});

describe('private endpoints', () => {
  test('a private zone follows alarms on each target group\'s healthy host count, combined, and says so', () => {
    const { vpc, lb, stack, template } = setup();
    const zone = new route53.PrivateHostedZone(stack, 'Internal', { zoneName: 'corp.internal', vpc });
    const balancer = lb({ internetFacing: false, targetGroups: [{ name: 'Web', port: 80 }, { name: 'Api', port: 81 }], routes: [{ priority: 1, pathPatterns: ['/api/*'], targetGroup: 'Api' }] });
    const dns = new DnsFailover(stack, 'Svc', { zone, recordName: 'svc', primary: FailoverTarget.loadBalancer(balancer), secondary: STANDBY, alarmNamePrefix: 'svc' });
    expect(dns.privateZone).toBe(true);
    expect(dns.ttlPolicy).toBe(TtlPolicy.INTERNAL);
    for (const group of ['Web', 'Api']) {
      template().hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `svc-${group}-no-healthy-hosts`, MetricName: 'HealthyHostCount', Statistic: 'Minimum', Period: 60,
        Threshold: 1, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'breaching',
      });
      template().hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Name: { Ref: Match.stringLikeRegexp(`Svc${group}NoHealthyHostsAlarm`) }, Region: 'us-east-1' }, InsufficientDataHealthStatus: 'Unhealthy' },
      });
    }
    template().hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: { Type: 'CALCULATED', HealthThreshold: 2, ChildHealthChecks: [{ Ref: Match.stringLikeRegexp('SvcWebHostsHealthCheck') }, { Ref: Match.stringLikeRegexp('SvcApiHostsHealthCheck') }] } });
    expect(dns.healthCheckCosts).toHaveLength(3);
    expect(dns.worstCaseFailoverTime.toSeconds()).toBe(35 + 120 + 60 + 60);
    Annotations.fromStack(stack).hasInfo('/Dns/Svc', Match.stringLikeRegexp('This zone is private and Route 53 checkers cannot reach private endpoints'));
  });

  test('the healthy-host alarms the health check follows stay, at one period, with alarms disabled or evaluated over more periods', () => {
    const { vpc, lb, stack, template } = setup();
    const zone = new route53.PrivateHostedZone(stack, 'Internal', { zoneName: 'corp.internal', vpc });
    const balancer = lb({ internetFacing: false });
    const on = new DnsFailover(stack, 'Slow', { zone, recordName: 'slow', primary: FailoverTarget.loadBalancer(balancer), secondary: STANDBY, alarms: { namePrefix: 'slow', evaluationPeriods: 5, datapointsToAlarm: 3 } });
    const off = new DnsFailover(stack, 'Off', { zone, recordName: 'off', primary: FailoverTarget.loadBalancer(balancer), secondary: STANDBY, alarms: { namePrefix: 'off', enabled: false } });
    for (const prefix of ['slow', 'off']) {
      template().hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: `${prefix}-Web-no-healthy-hosts`, EvaluationPeriods: 1, DatapointsToAlarm: Match.absent() });
    }
    expect(off.alarms).toHaveLength(1);
    expect(on.worstCaseFailoverTime.toSeconds()).toBe(off.worstCaseFailoverTime.toSeconds());
  });

  test('an internal load balancer behind a public name is watched the same way, one group without a calculated check', () => {
    const { lb, failover, template, stack } = setup();
    const dns = failover({ primary: FailoverTarget.loadBalancer(lb({ internetFacing: false })) });
    template().resourcePropertiesCountIs('AWS::Route53::HealthCheck', { HealthCheckConfig: { Type: 'CALCULATED' } }, 0);
    template().hasResourceProperties('AWS::Route53::RecordSet', { Failover: 'PRIMARY', HealthCheckId: { Ref: Match.stringLikeRegexp('ApiPrimaryHealthCheck') } });
    expect(dns.healthCheckCosts).toHaveLength(1);
    Annotations.fromStack(stack).hasInfo('/Dns/Api', Match.stringLikeRegexp('The primary load balancer is internal'));
  });
});

describe('settings Route 53 cannot honour are reported', () => {
  test('success codes beyond 3xx in the profile', () => {
    const { lb, failover, stack } = setup();
    failover({ primary: FailoverTarget.loadBalancer(lb()), primaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.http({ interval: Duration.seconds(30), successCodes: '200-404' }) }) });
    Annotations.fromStack(stack).hasWarning('/Dns/Api', Match.stringLikeRegexp('successCodes 200-404 .* Route 53 counts only 2xx and 3xx answers as healthy.*cdk-ha-kit:route53SuccessCodes'));
  });

  test('no warning for codes Route 53 agrees with', () => {
    const { lb, failover, stack } = setup();
    failover({ primary: FailoverTarget.loadBalancer(lb()), primaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.http({ interval: Duration.seconds(30), successCodes: '200-399' }) }) });
    Annotations.fromStack(stack).hasNoWarning('/Dns/Api', Match.stringLikeRegexp('route53SuccessCodes'));
  });
});

describe('TTL', () => {
  test('an alias pair ignores a TTL, with a warning instead of silence', () => {
    const { lb, failover, template, stack } = setup();
    failover({ primary: FailoverTarget.loadBalancer(lb()), ttl: Duration.seconds(30) });
    template().allResourcesProperties('AWS::Route53::RecordSet', { TTL: Match.absent() });
    Annotations.fromStack(stack).hasWarning('/Dns/Api', Match.stringLikeRegexp('ttl 30 s is not applied: both records are aliases.*cdk-ha-kit:aliasTtlIgnored'));
  });

  test('a custom policy sets the default TTL', () => {
    const { failover, template } = setup();
    const policy = TtlPolicy.custom('partner', Duration.seconds(120), Duration.seconds(60), Duration.seconds(300));
    failover({
      primary: FailoverTarget.ipAddress('52.95.110.10'), secondary: FailoverTarget.ipAddress('52.95.110.20'), ttlPolicy: policy,
      primaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.http({ interval: Duration.seconds(30) }) }),
    });
    template().allResourcesProperties('AWS::Route53::RecordSet', { TTL: '120' });
  });

  test.each([
    [TtlPolicy.INTERNAL, 10, 10, 30],
    [TtlPolicy.EXTERNAL, 60, 30, 60],
  ])('policy %s: default %i s, %i to %i s', (policy, def, min, max) => {
    expect([policy.defaultTtl, policy.minTtl, policy.maxTtl].map((d) => d.toSeconds())).toEqual([def, min, max]);
  });
});

describe('across regions', () => {
  test.each([
    ['custom-resource exports (CDK\'s default without the recommended flags)', {}, 'ExportsReader'],
    ['Fn::GetStackOutput (the recommended "weak" references)', { '@aws-cdk/core:defaultCrossStackReferences': 'weak' }, 'Fn::GetStackOutput'],
  ])('the secondary can be an HaLoadBalancer of a stack in another region, through %s', (_name, context, mechanism) => {
    const app = testApp(context);
    const standbyStack = new Stack(app, 'Standby', { env: { region: 'eu-central-1', account: '111111111111' }, crossRegionReferences: true });
    const standbyVpc = new ec2.Vpc(standbyStack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const standby = new HaLoadBalancer(standbyStack, 'Lb', { vpc: standbyVpc, internetFacing: true, allowPlaintext: true, targetGroups: [{ name: 'Web', port: 80 }], defaultTargetGroup: 'Web' });
    const dnsStack = new Stack(app, 'Global', { env: { region: 'us-east-1', account: '111111111111' }, crossRegionReferences: true });
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(dnsStack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
    new DnsFailover(dnsStack, 'Api', {
      zone, recordName: 'api', primary: FailoverTarget.ipAddress('52.95.110.10'), secondary: FailoverTarget.loadBalancer(standby),
      primaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.http({ interval: Duration.seconds(30) }) }),
    });
    const [secondary] = Object.values(Template.fromStack(dnsStack).findResources('AWS::Route53::RecordSet', { Properties: { Failover: 'SECONDARY' } }));
    expect(secondary.Properties.AliasTarget.EvaluateTargetHealth).toBe(true);
    expect(JSON.stringify(secondary.Properties.AliasTarget.HostedZoneId)).toContain(mechanism);
  });
});

describe('stable identity and the CloudFormation specification', () => {
  test('logical ids of the records and health checks are pinned', () => {
    const { lb, failover, template } = setup();
    failover({ primary: FailoverTarget.loadBalancer(lb()) });
    const ids = Object.entries(template().toJSON().Resources as Record<string, { Type: string }>)
      .filter(([, r]) => r.Type.startsWith('AWS::Route53::') && r.Type !== 'AWS::Route53::HostedZone')
      .map(([id, r]) => `${r.Type} ${id}`).sort();
    expect(ids).toEqual([
      'AWS::Route53::HealthCheck ApiPrimaryHealthCheckA67AAE20',
      'AWS::Route53::RecordSet ApiPrimaryRecordD021E9EE',
      'AWS::Route53::RecordSet ApiSecondaryRecord1DEFDC73',
    ]);
  });

  test('snapshot', () => {
    const { lb, failover, template } = setup();
    failover({
      primary: FailoverTarget.loadBalancer(lb({ certificates: [CERT] })),
      primaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.https({ path: '/health', interval: Duration.seconds(10), unhealthyThreshold: 2 }) }),
      failoverBudget: Duration.minutes(3),
      alarmNamePrefix: 'snap',
    });
    const dns = template().toJSON();
    const route53Only = Object.fromEntries(Object.entries(dns.Resources as Record<string, { Type: string }>).filter(([, r]) => r.Type.startsWith('AWS::Route53') || r.Type === 'AWS::CloudWatch::Alarm'));
    expect(route53Only).toMatchSnapshot();
  });

  test.each([
    ['public zone, HTTPS load balancer, S3 maintenance page', () => {
      const { lb, failover, stack, template } = setup();
      const page = new s3.Bucket(stack, 'Page', { bucketName: 'api.example.com', websiteIndexDocument: 'index.html' });
      failover({ primary: FailoverTarget.loadBalancer(lb({ certificates: [CERT] })), secondary: FailoverTarget.s3Website(page), secondaryHealthCheck: DnsHealthCheck.targetHealthOnly() });
      return template();
    }],
    ['private zone with alarm-driven checks', () => {
      const { lb, vpc, stack, template } = setup();
      const zone = new route53.PrivateHostedZone(stack, 'Internal', { zoneName: 'corp.internal', vpc });
      new DnsFailover(stack, 'Svc', { zone, recordName: 'svc', primary: FailoverTarget.loadBalancer(lb({ internetFacing: false })), secondary: STANDBY });
      return template();
    }],
    ['host names with string matching in three regions', () => {
      const { failover, template } = setup();
      failover({
        primary: FailoverTarget.hostname('a.example.net'), secondary: FailoverTarget.hostname('b.example.net'),
        primaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.https({ interval: Duration.seconds(10) }), searchString: 'ok', regions: ['us-west-2', 'eu-west-1', 'sa-east-1'] }),
      });
      return template();
    }],
  ])('%s passes the resource-specification check', (name, build) => {
    expect(checkTemplateAgainstSpec(name, build().toJSON())).toEqual([]);
  });

  test('cdk-nag AwsSolutions finds nothing in a DNS failover stack', () => {
    const app = testApp();
    const stack = new Stack(app, 'Global', { env: { region: 'us-east-1' } });
    const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
    new DnsFailover(stack, 'Api', {
      zone, recordName: 'api', primary: FailoverTarget.ipAddress('52.95.110.10'), secondary: STANDBY,
      primaryHealthCheck: DnsHealthCheck.endpoint({ profile: HealthCheckProfile.https({ interval: Duration.seconds(10), unhealthyThreshold: 2 }) }),
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
