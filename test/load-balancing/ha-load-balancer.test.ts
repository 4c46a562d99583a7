import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  HaLoadBalancer, HaLoadBalancerProps, HealthCheckPreset, HealthCheckProfile, LoadBalancerType, LoadBalancingAlgorithm, Stickiness,
} from '../../lib';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { stackWithVpc } from '../support/stacks';

const CERT = elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/abc');

function build(props: Partial<HaLoadBalancerProps> = {}) {
  const { stack, vpc } = stackWithVpc();
  const lb = new HaLoadBalancer(stack, 'Lb', {
    vpc,
    targetGroups: [{ name: 'App', port: 8080 }],
    defaultTargetGroup: props.loadBalancerType === LoadBalancerType.NETWORK ? undefined : 'App',
    ...props,
  });
  return {
    stack, vpc, lb,
    /** Synthesizes on first use, so a test may add constructs before. */
    get template() { return Template.fromStack(stack); },
  };
}

function buildNlb(props: Partial<HaLoadBalancerProps> = {}) {
  return build({ loadBalancerType: LoadBalancerType.NETWORK, targetGroups: [{ name: 'Tcp', port: 5432 }], ...props });
}

const attribute = (Key: string, Value: string) => Match.objectLike({ Key, Value });

describe('Application Load Balancer defaults', () => {
  test('is internal, deletion-protected, drops invalid headers and mitigates desync defensively', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      Scheme: 'internal',
      LoadBalancerAttributes: Match.arrayWith([
        attribute('deletion_protection.enabled', 'true'),
        attribute('routing.http.drop_invalid_header_fields.enabled', 'true'),
        attribute('routing.http.desync_mitigation_mode', 'defensive'),
        attribute('access_logs.s3.enabled', 'true'),
      ]),
    });
  });

  test('spans the two zones of the VPC', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Subnets: [{ Ref: Match.stringLikeRegexp('PrivateSubnet1') }, { Ref: Match.stringLikeRegexp('PrivateSubnet2') }],
    });
  });

  test('writes access logs to an encrypted, TLS-only, private, retained bucket that expires logs after 90 days', () => {
    const { template } = build();
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('accepts clients from the VPC only and reaches targets in the VPC only', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.0.0.0/16', FromPort: 80, ToPort: 80 })],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '10.0.0.0/16', FromPort: 8080, ToPort: 8080 })],
    });
  });

  test('an imported VPC\'s CIDR is used as given', () => {
    const { stack } = stackWithVpc();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0', vpcCidrBlock: Token.asString({ 'Fn::ImportValue': 'VpcCidr' }), availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    });
    new HaLoadBalancer(stack, 'Lb', { vpc, targetGroups: [{ name: 'App', port: 80 }], defaultTargetGroup: 'App' });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: { 'Fn::ImportValue': 'VpcCidr' } })],
    });
  });

  test('answers 404 where no rule matches and there is no default target group', () => {
    const { template } = build({ defaultTargetGroup: undefined, routes: [{ priority: 1, pathPatterns: ['/app/*'], targetGroup: 'App' }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not Found' } }],
    });
  });

  test('forwards to the default target group and drains targets for 30 s', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('LbAppTargetGroup') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetGroupAttributes: Match.arrayWith([attribute('deregistration_delay.timeout_seconds', '30')]),
    });
  });

  test('renders the standard HTTP health check explicitly', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Protocol: 'HTTP',
      HealthCheckEnabled: true,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200' },
      HealthCheckIntervalSeconds: 10,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 3,
    });
  });
});

describe('switching secure defaults off explicitly', () => {
  test('deletion protection, header dropping, desync mode and access logs', () => {
    const { template, lb } = build({
      deletionProtection: false,
      dropInvalidHeaderFields: false,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
      accessLogs: { enabled: false },
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        attribute('deletion_protection.enabled', 'false'),
        attribute('routing.http.drop_invalid_header_fields.enabled', 'false'),
        attribute('routing.http.desync_mitigation_mode', 'strictest'),
      ]),
    });
    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(lb.accessLogsBucket).toBeUndefined();
  });

  test('access logs go to an existing bucket under a prefix', () => {
    const { stack, vpc } = stackWithVpc();
    const archive = new s3.Bucket(stack, 'Archive', { encryption: s3.BucketEncryption.S3_MANAGED });
    const lb = new HaLoadBalancer(stack, 'Lb', { vpc, targetGroups: [{ name: 'App', port: 80 }], defaultTargetGroup: 'App', accessLogs: { bucket: archive, prefix: 'alb/api' } });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    expect(lb.accessLogsBucket).toBe(archive);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([attribute('access_logs.s3.prefix', 'alb/api')]),
    });
  });

  test.each<[string, Partial<HaLoadBalancerProps>, number]>([
    ['an NLB with a TLS listener logs to a new bucket', { certificates: [CERT] }, 1],
    ['an NLB with TCP listeners only writes no access logs: it would log nothing', {}, 0],
  ])('%s', (_name, props, buckets) => {
    const { template } = buildNlb(props);
    template.resourceCountIs('AWS::S3::Bucket', buckets);
    const logs = buckets > 0 ? [attribute('access_logs.s3.enabled', 'true')] : [];
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: buckets > 0 ? Match.arrayWith(logs) : Match.not(Match.arrayWith([attribute('access_logs.s3.enabled', 'true')])),
    });
  });

  test('the created bucket keeps logs for the retention asked', () => {
    const { template } = build({ accessLogs: { retention: Duration.days(400) } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 400 })] },
    });
  });
});

describe('the internet edge', () => {
  test('a web ACL is associated with the Application Load Balancer', () => {
    const arn = 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/shop/abc';
    const { template } = build({ internetFacing: true, allowPlaintext: true, webAclArn: arn });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: arn, ResourceArn: { Ref: Match.stringLikeRegexp('^Lb') } });
  });

  test('an internal Application Load Balancer serves plain HTTP without the opt-in', () => {
    const { template } = build({ internetFacing: false });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTP', Port: 80 });
  });
});

describe('listeners and TLS', () => {
  test('internet-facing and plain HTTP on purpose: public subnets, any IPv4 client', () => {
    const { template } = build({ internetFacing: true, allowPlaintext: true });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Subnets: [{ Ref: Match.stringLikeRegexp('PublicSubnet1') }, { Ref: Match.stringLikeRegexp('PublicSubnet2') }],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80 })],
    });
  });

  test('vpcSubnets places the nodes in the subnets chosen', () => {
    const { template } = build({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Subnets: [{ Ref: Match.stringLikeRegexp('PublicSubnet1') }, { Ref: Match.stringLikeRegexp('PublicSubnet2') }],
    });
  });

  test('allowedClients replaces the default client range', () => {
    const { template } = build({ allowedClients: [ec2.Peer.ipv4('203.0.113.0/24'), ec2.Peer.prefixList('pl-12345')] });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '203.0.113.0/24', FromPort: 80 })],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourcePrefixListId: 'pl-12345', FromPort: 80 });
  });

  test('with a certificate: HTTPS on 443 with a recent TLS policy, and port 80 redirects to it', () => {
    const { template, lb } = build({ certificates: [CERT], internetFacing: true });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
      Certificates: [{ CertificateArn: CERT.certificateArn }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    expect(lb.redirectListener).toBeDefined();
    Annotations.fromStack(lb.node.scope as Stack).hasNoWarning('/Test/Lb', Match.stringLikeRegexp('plain HTTP'));
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ FromPort: 443 }), Match.objectLike({ FromPort: 80 })],
    });
  });

  test('the redirect can be left out and the policy and port chosen', () => {
    const { template, lb } = build({ certificates: [CERT], redirectHttpToHttps: false, sslPolicy: elbv2.SslPolicy.TLS13_13, listenerPort: 8443 });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8443, SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06' });
    expect(lb.redirectListener).toBeUndefined();
  });
});

describe('routing', () => {
  const groups = [{ name: 'Api', port: 8080 }, { name: 'Web', port: 3000 }, { name: 'Canary', port: 8080 }];

  test('path-based and host-based rules forward to their target groups by priority', () => {
    const { template } = build({
      targetGroups: groups,
      defaultTargetGroup: 'Web',
      routes: [
        { priority: 10, pathPatterns: ['/api/*'], targetGroup: 'Api' },
        { priority: 20, hostHeaders: ['admin.example.com'], pathPatterns: ['/admin/*'], targetGroup: 'Canary' },
      ],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 10,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('LbApiTargetGroup') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 20,
      Conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: ['admin.example.com'] } },
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/admin/*'] } },
      ],
    });
  });

  test('weighted forwarding splits traffic for a canary, with group stickiness', () => {
    const { template } = build({
      targetGroups: groups,
      defaultTargetGroup: 'Web',
      routes: [{
        priority: 5,
        pathPatterns: ['/api/*'],
        weightedTargetGroups: [{ targetGroup: 'Api', weight: 90 }, { targetGroup: 'Canary', weight: 10 }],
        groupStickiness: Duration.minutes(5),
      }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Actions: [{
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: { Ref: Match.stringLikeRegexp('LbApiTargetGroup') }, Weight: 90 },
            { TargetGroupArn: { Ref: Match.stringLikeRegexp('LbCanaryTargetGroup') }, Weight: 10 },
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
        },
      }],
    });
  });

  test('a custom fixed response answers unmatched requests', () => {
    const { template } = build({
      defaultTargetGroup: undefined,
      defaultResponse: { statusCode: 503, contentType: 'application/json', messageBody: '{"error":"maintenance"}' },
      routes: [{ priority: 1, pathPatterns: ['/*'], targetGroup: 'App' }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'application/json', MessageBody: '{"error":"maintenance"}' } }],
    });
  });
});

describe('target group algorithms, stickiness and draining', () => {
  const group = (extra: object) => build({ targetGroups: [{ name: 'App', port: 8080, ...extra }] }).template;
  const hasAttributes = (template: Template, ...pairs: Array<[string, string]>) => {
    const [group] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    const attributes = Object.fromEntries(group.Properties.TargetGroupAttributes.map((a: { Key: string; Value: string }) => [a.Key, a.Value]));
    expect(attributes).toMatchObject(Object.fromEntries(pairs));
  };

  test.each([
    [LoadBalancingAlgorithm.ROUND_ROBIN, 'round_robin'],
    [LoadBalancingAlgorithm.LEAST_OUTSTANDING_REQUESTS, 'least_outstanding_requests'],
    [LoadBalancingAlgorithm.WEIGHTED_RANDOM, 'weighted_random'],
  ])('algorithm %s', (algorithm, value) => {
    hasAttributes(group({ algorithm }), ['load_balancing.algorithm.type', value]);
  });

  test('weighted random with automatic target weights (anomaly mitigation)', () => {
    hasAttributes(group({ algorithm: LoadBalancingAlgorithm.WEIGHTED_RANDOM, anomalyMitigation: true }),
      ['load_balancing.algorithm.type', 'weighted_random'], ['load_balancing.algorithm.anomaly_mitigation', 'on']);
  });

  test('load balancer cookie stickiness with its duration', () => {
    hasAttributes(group({ stickiness: Stickiness.loadBalancerCookie(Duration.hours(2)) }),
      ['stickiness.enabled', 'true'], ['stickiness.type', 'lb_cookie'], ['stickiness.lb_cookie.duration_seconds', '7200']);
  });

  test('load balancer cookie stickiness lasts one day by default', () => {
    hasAttributes(group({ stickiness: Stickiness.loadBalancerCookie() }), ['stickiness.lb_cookie.duration_seconds', '86400']);
  });

  test('application cookie stickiness', () => {
    hasAttributes(group({ stickiness: Stickiness.applicationCookie('SESSION', Duration.minutes(30)) }),
      ['stickiness.type', 'app_cookie'], ['stickiness.app_cookie.cookie_name', 'SESSION'], ['stickiness.app_cookie.duration_seconds', '1800']);
  });

  test('slow start, draining time and cross-zone per group', () => {
    hasAttributes(group({ slowStart: Duration.seconds(60), deregistrationDelay: Duration.seconds(120), crossZoneEnabled: false }),
      ['slow_start.duration_seconds', '60'], ['deregistration_delay.timeout_seconds', '120'], ['load_balancing.cross_zone.enabled', 'false']);
  });

  test.each([elbv2.TargetType.IP, elbv2.TargetType.INSTANCE])('target type %s', (targetType) => {
    group({ targetType }).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: targetType });
  });

  test('HTTPS to the targets with an HTTPS health check', () => {
    const template = group({ protocol: elbv2.Protocol.HTTPS, healthCheck: HealthCheckProfile.https({ path: '/ready', preset: HealthCheckPreset.FAST }) });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Protocol: 'HTTPS', HealthCheckProtocol: 'HTTPS', HealthCheckPath: '/ready', HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 2,
    });
  });
});

describe('Lambda targets', () => {
  const withFunction = (healthCheck?: HealthCheckProfile) => build({
    targetGroups: [{ name: 'App', port: 8080 }, { name: 'Fn', targetType: elbv2.TargetType.LAMBDA, healthCheck }],
    routes: [{ priority: 10, pathPatterns: ['/fn/*'], targetGroup: 'Fn' }],
  });

  test('a group without port, protocol or draining, not health-checked unless asked, and no network path to it', () => {
    const { template, lb } = withFunction();
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda', HealthCheckEnabled: false, Port: Match.absent(), Protocol: Match.absent(), TargetGroupAttributes: Match.absent(),
    });
    const sg = Object.values(template.findResources('AWS::EC2::SecurityGroup'))[0];
    expect(sg.Properties.SecurityGroupEgress.map((e: { Description: string }) => e.Description)).toEqual(['to App targets']);
    // Only the App group's check counts: STANDARD, 10 s × 3 + 5 s.
    expect(lb.worstCaseDetectionTime.toSeconds()).toBe(35);
  });

  test('an HTTP health check when given, which counts in the detection time', () => {
    const { template, lb } = withFunction(HealthCheckProfile.http({ path: '/ping', interval: Duration.seconds(60), timeout: Duration.seconds(30) }));
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda', HealthCheckEnabled: true, HealthCheckPath: '/ping', HealthCheckIntervalSeconds: 60,
    });
    expect(lb.worstCaseDetectionTime.toSeconds()).toBe(60 * 3 + 30);
  });
});

describe('Network Load Balancer', () => {
  test('one TCP listener per group, a security group, cross-zone on, deletion-protected', () => {
    const { template, lb } = buildNlb({ targetGroups: [{ name: 'Tcp', port: 5432 }, { name: 'Dns', port: 53, protocol: elbv2.Protocol.UDP, listenerPort: 5353 }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('LbSecurityGroup'), 'GroupId'] }],
      LoadBalancerAttributes: Match.arrayWith([attribute('deletion_protection.enabled', 'true'), attribute('load_balancing.cross_zone.enabled', 'true')]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 5432, Protocol: 'TCP' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 5353, Protocol: 'UDP' });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ IpProtocol: 'tcp', FromPort: 5432 }), Match.objectLike({ IpProtocol: 'udp', FromPort: 5353 })],
      SecurityGroupEgress: [Match.objectLike({ IpProtocol: 'tcp', FromPort: 5432 }), Match.objectLike({ IpProtocol: 'udp', FromPort: 53 })],
    });
    expect(lb.listeners).toHaveLength(2);
    expect(lb.networkLoadBalancer).toBeDefined();
    expect(lb.applicationLoadBalancer).toBeUndefined();
  });

  test('TCP health check by default, TCP_UDP opens both protocols', () => {
    const { template } = buildNlb({ targetGroups: [{ name: 'Both', port: 7000, protocol: elbv2.Protocol.TCP_UDP }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Protocol: 'TCP_UDP', HealthCheckProtocol: 'TCP', HealthCheckIntervalSeconds: 10 });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ IpProtocol: 'tcp', FromPort: 7000 }), Match.objectLike({ IpProtocol: 'udp', FromPort: 7000 })],
    });
  });

  test('terminates TLS for TCP groups when certificates are given', () => {
    const { template } = buildNlb({ certificates: [CERT] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 5432, Protocol: 'TLS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09', Certificates: [{ CertificateArn: CERT.certificateArn }],
    });
  });

  test('source-IP affinity and an HTTP health check up to code 599', () => {
    const { template } = buildNlb({
      targetGroups: [{ name: 'Tcp', port: 80, stickiness: Stickiness.sourceIp(), healthCheck: HealthCheckProfile.http({ successCodes: '200-599' }) }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckProtocol: 'HTTP',
      Matcher: { HttpCode: '200-599' },
      TargetGroupAttributes: Match.arrayWith([attribute('stickiness.enabled', 'true'), attribute('stickiness.type', 'source_ip')]),
    });
  });

  test('cross-zone can be turned off', () => {
    const { template } = buildNlb({ crossZoneEnabled: false });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([attribute('load_balancing.cross_zone.enabled', 'false')]),
    });
  });

  test('with a TLS listener, writes access logs without needing the stack region', () => {
    const { template } = buildNlb({ certificates: [CERT] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([attribute('access_logs.s3.enabled', 'true')]),
    });
  });

  test('refuses ALB-only accessors and metrics with a clear message', () => {
    const { lb } = buildNlb();
    expect(() => lb.applicationTargetGroup('Tcp')).toThrow('Invalid arguments for Test/Lb:\n  applicationTargetGroup(): got called on a Network Load Balancer; allowed: only on an Application Load Balancer');
    expect(() => lb.metricTarget5xxCount()).toThrow('metricTarget5xxCount(): got called on a Network Load Balancer; allowed: only on an Application Load Balancer');
    expect(() => lb.metricTargetResponseTime()).toThrow('metricTargetResponseTime(): got called on a Network Load Balancer; allowed: only on an Application Load Balancer');
    expect(() => lb.metricRequestCount()).toThrow('metricRequestCount(): got called on a Network Load Balancer; allowed: only on an Application Load Balancer');
    expect(lb.networkTargetGroup('Tcp')).toBe(lb.targetGroups[0]);
  });
});

describe('exposed resources', () => {
  test.each([
    ['an HTTP ALB', {}, 80, elbv2.Protocol.HTTP, 'App', false],
    ['an HTTPS ALB on 8443, internet-facing', { certificates: [CERT], listenerPort: 8443, internetFacing: true }, 8443, elbv2.Protocol.HTTPS, 'App', true],
    ['an ALB answering unmatched requests itself', { defaultTargetGroup: undefined, routes: [{ priority: 1, pathPatterns: ['/*'], targetGroup: 'App' }] }, 80, elbv2.Protocol.HTTP, undefined, false],
    ['a TCP NLB', { loadBalancerType: LoadBalancerType.NETWORK, defaultTargetGroup: undefined, targetGroups: [{ name: 'Db', port: 5432, listenerPort: 15432 }] }, 15432, elbv2.Protocol.TCP, 'Db', false],
    ['a TLS-terminating NLB', { loadBalancerType: LoadBalancerType.NETWORK, defaultTargetGroup: undefined, certificates: [CERT], targetGroups: [{ name: 'Web', port: 443 }] }, 443, elbv2.Protocol.TLS, 'Web', false],
  ])('%s exposes its front door: port, protocol, default group, scheme', (_name, props, port, protocol, group, internetFacing) => {
    const { lb } = build(props as Partial<HaLoadBalancerProps>);
    expect([lb.listenerPort, lb.listenerProtocol, lb.defaultTargetGroupName, lb.internetFacing]).toEqual([port, protocol, group, internetFacing]);
  });

  test('target groups by name, in order, and their health checks', () => {
    const profile = HealthCheckProfile.http({ preset: HealthCheckPreset.FAST });
    const { lb } = build({ targetGroups: [{ name: 'A', port: 80, healthCheck: profile }, { name: 'B', port: 81 }], routes: [{ priority: 1, pathPatterns: ['/b'], targetGroup: 'B' }], defaultTargetGroup: 'A' });
    expect(lb.targetGroups).toEqual([lb.targetGroup('A'), lb.targetGroup('B')]);
    expect(lb.targetGroupNames).toEqual(['A', 'B']);
    expect(lb.applicationTargetGroup('B')).toBeInstanceOf(elbv2.ApplicationTargetGroup);
    expect(lb.healthCheck('A')).toBe(profile);
    expect(lb.healthCheck('B').preset).toBe(HealthCheckPreset.STANDARD);
    expect(() => lb.targetGroup('C')).toThrow('Invalid arguments for Test/Lb:\n  name: got "C"; allowed: a target group of this load balancer: A, B');
    expect(() => networkOnly(lb)).toThrow('networkTargetGroup(): got called on an Application Load Balancer; allowed: only on a Network Load Balancer');
  });

  test('worst-case detection and failover time is the slowest group\'s health check', () => {
    const { lb } = build({
      targetGroups: [
        { name: 'Fast', port: 80, healthCheck: HealthCheckProfile.http({ preset: HealthCheckPreset.FAST }) },
        { name: 'Slow', port: 81, healthCheck: HealthCheckProfile.http({ preset: HealthCheckPreset.CONSERVATIVE }) },
      ],
      defaultTargetGroup: 'Fast',
      routes: [{ priority: 1, pathPatterns: ['/slow/*'], targetGroup: 'Slow' }],
    });
    expect(lb.worstCaseDetectionTime.toSeconds()).toBe(100);
    expect(lb.worstCaseFailoverTime.toSeconds()).toBe(100);
  });

  test('allowTargetTraffic lets a target accept the group\'s ports from the load balancer\'s security group only', () => {
    const { stack, vpc, lb } = build({ targetGroups: [{ name: 'App', port: 8080, healthCheck: HealthCheckProfile.http({ port: 9090 }) }] });
    const service = new ec2.SecurityGroup(stack, 'Service', { vpc });
    lb.allowTargetTraffic('App', service);
    const template = Template.fromStack(stack);
    for (const port of [8080, 9090]) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Service'), 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LbSecurityGroup'), 'GroupId'] },
        FromPort: port,
        ToPort: port,
      });
    }
    expect(lb.connections.securityGroups).toEqual([lb.securityGroup]);
  });

  test('targets added through CDK get an ingress rule from the load balancer only', () => {
    const { stack, vpc, lb } = build();
    const asgLike = new ec2.SecurityGroup(stack, 'Fleet', { vpc });
    lb.applicationTargetGroup('App').registerConnectable(asgLike);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Fleet'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LbSecurityGroup'), 'GroupId'] },
      FromPort: 8080,
    });
  });
});

function networkOnly(lb: HaLoadBalancer) {
  return lb.networkTargetGroup('A');
}

describe('metrics', () => {
  test('per-group host counts carry the group and load balancer dimensions', () => {
    const { lb, stack } = build();
    const healthy = stack.resolve(lb.metricHealthyHostCount('App').toMetricConfig().metricStat);
    expect(healthy).toMatchObject({ namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount', statistic: 'Minimum' });
    expect(Object.keys(healthy.dimensions.reduce((a: object, d: { name: string }) => ({ ...a, [d.name]: 1 }), {}))).toEqual(['LoadBalancer', 'TargetGroup']);
    const unhealthy = lb.metricUnhealthyHostCount('App', { period: Duration.minutes(5) });
    expect(unhealthy.metricName).toBe('UnHealthyHostCount');
    expect(unhealthy.statistic).toBe('Maximum');
    expect(unhealthy.period.toMinutes()).toBe(5);
  });

  test('load balancer metrics default to useful statistics', () => {
    const { lb } = build();
    expect(lb.metricTarget5xxCount()).toMatchObject({ metricName: 'HTTPCode_Target_5XX_Count', statistic: 'Sum' });
    expect(lb.metricRequestCount()).toMatchObject({ metricName: 'RequestCount', statistic: 'Sum' });
    expect(lb.metricTargetResponseTime()).toMatchObject({ metricName: 'TargetResponseTime', statistic: 'p99' });
    expect(lb.metricTargetResponseTime({ statistic: 'Average' }).statistic).toBe('Average');
    expect(lb.metricTarget5xxRate().expression).toBe('IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)');
  });

  test('NLB host counts use the NetworkELB namespace', () => {
    const { lb } = buildNlb();
    expect(lb.metricHealthyHostCount('Tcp').namespace).toBe('AWS/NetworkELB');
    expect(lb.metricUnhealthyHostCount('Tcp').metricName).toBe('UnHealthyHostCount');
  });
});

describe('alarms', () => {
  test('one unhealthy-hosts alarm per group and a 5XX-rate alarm, with names derived from the prefix', () => {
    const { template, lb } = build({
      targetGroups: [{ name: 'Api', port: 80 }, { name: 'Web', port: 81 }],
      defaultTargetGroup: 'Web',
      routes: [{ priority: 1, pathPatterns: ['/api/*'], targetGroup: 'Api' }],
      alarms: { namePrefix: 'shop-prod' },
    });
    expect(lb.alarms).toHaveLength(3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-prod-Api-unhealthy-hosts',
      MetricName: 'UnHealthyHostCount',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'shop-prod-Web-unhealthy-hosts' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-prod-target-5xx-rate',
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)' })]),
    });
  });

  test('the default prefix is unique in the app and derived from the construct path', () => {
    const { lb, template } = build();
    expect(lb.alarmNamePrefix).toMatch(/^Test-Lb-[A-Z0-9]{8}$/);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: `${lb.alarmNamePrefix}-App-unhealthy-hosts` });
  });

  test('thresholds, periods and actions are configurable', () => {
    const { stack, vpc } = stackWithVpc();
    const topic = new sns.Topic(stack, 'Pager');
    new HaLoadBalancer(stack, 'Lb', {
      vpc, targetGroups: [{ name: 'App', port: 80 }], defaultTargetGroup: 'App',
      alarms: { unhealthyHostThreshold: 2, target5xxRatePercent: 1, evaluationPeriods: 5, datapointsToAlarm: 5, actions: [new cwActions.SnsAction(topic)] },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'UnHealthyHostCount', Threshold: 2, EvaluationPeriods: 5, DatapointsToAlarm: 5,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('Pager') }], OKActions: [{ Ref: Match.stringLikeRegexp('Pager') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, Metrics: Match.anyValue() });
  });

  test('NLB has no 5XX alarm; alarms can be switched off', () => {
    expect(buildNlb().lb.alarms.map((a) => a.node.id)).toEqual(['TcpUnhealthyHostsAlarm']);
    const { template, lb } = build({ alarms: { enabled: false } });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(lb.alarms).toEqual([]);
  });

  test('alarms are real CloudWatch alarms a caller can extend', () => {
    const { lb } = build();
    expect(lb.alarms.every((a) => a instanceof cloudwatch.Alarm)).toBe(true);
  });
});

describe('stable identity', () => {
  test('logical ids of the stateful resources are pinned', () => {
    const { stack } = build();
    const ids = Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>)
      .filter(([, r]) => ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::S3::Bucket', 'AWS::ElasticLoadBalancingV2::TargetGroup'].includes(r.Type))
      .map(([id, r]) => `${r.Type} ${id}`)
      .sort();
    expect(ids).toEqual([
      'AWS::ElasticLoadBalancingV2::LoadBalancer LbLoadBalancer17BE23E0',
      'AWS::ElasticLoadBalancingV2::TargetGroup LbAppTargetGroup18AD0102',
      'AWS::S3::Bucket LbAccessLogs5F446E20',
    ]);
  });

  test('snapshot', () => {
    const { template } = build({
      internetFacing: true,
      certificates: [CERT],
      targetGroups: [
        { name: 'Api', port: 8080, healthCheck: HealthCheckProfile.http({ path: '/health', preset: HealthCheckPreset.FAST }), algorithm: LoadBalancingAlgorithm.LEAST_OUTSTANDING_REQUESTS },
        { name: 'Web', port: 3000, stickiness: Stickiness.loadBalancerCookie(Duration.hours(1)) },
      ],
      defaultTargetGroup: 'Web',
      routes: [{ priority: 10, pathPatterns: ['/api/*'], targetGroup: 'Api' }],
      alarms: { namePrefix: 'snap' },
    });
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('resource specification', () => {
  test.each([
    ['a full ALB', () => build({
      internetFacing: true,
      certificates: [CERT],
      targetGroups: [
        { name: 'Api', port: 8080, algorithm: LoadBalancingAlgorithm.WEIGHTED_RANDOM, anomalyMitigation: true },
        { name: 'Web', port: 3000, protocol: elbv2.Protocol.HTTPS, healthCheck: HealthCheckProfile.https(), stickiness: Stickiness.applicationCookie('SID'), slowStart: Duration.seconds(60) },
      ],
      defaultTargetGroup: undefined,
      defaultResponse: { statusCode: 404 },
      routes: [
        { priority: 1, hostHeaders: ['api.example.com'], weightedTargetGroups: [{ targetGroup: 'Api', weight: 9 }, { targetGroup: 'Web', weight: 1 }], groupStickiness: Duration.minutes(1) },
        { priority: 2, pathPatterns: ['/*'], targetGroup: 'Web' },
      ],
    }).template],
    ['a full NLB', () => buildNlb({
      certificates: [CERT],
      targetGroups: [{ name: 'Tcp', port: 443, stickiness: Stickiness.sourceIp() }, { name: 'Udp', port: 53, protocol: elbv2.Protocol.UDP }],
    }).template],
  ])('%s synthesizes a template the CloudFormation specification accepts', (name, template) => {
    expect(checkTemplateAgainstSpec(name, template().toJSON())).toEqual([]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  test.each([LoadBalancerType.APPLICATION, LoadBalancerType.NETWORK])('an internal %s load balancer has no finding', (loadBalancerType) => {
    const { app, stack, vpc } = stackWithVpc();
    vpc.addFlowLog('FlowLog');
    new HaLoadBalancer(stack, 'Lb', {
      vpc,
      loadBalancerType,
      targetGroups: [{ name: 'App', port: 8080 }],
      defaultTargetGroup: loadBalancerType === LoadBalancerType.APPLICATION ? 'App' : undefined,
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
