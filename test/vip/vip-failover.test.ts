import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as ga from 'aws-cdk-lib/aws-globalaccelerator';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FigureKind, HaLoadBalancer, HealthCheckPreset, HealthCheckProfile, MeasuredFailoverTime, VipEndpoint, VipFailover, VipFailoverProps } from '../../lib';
import { expectRejected } from '../support/rejected';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { testApp } from '../support/stacks';

const STANDBY_ALB = 'arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/shop-standby/50dc6c495c0c9188';
const STANDBY_NLB = 'arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/ledger-standby/50dc6c495c0c9188';
const CERT = elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/abc');

function primaryStack(lbProps: object = {}, region = 'eu-west-1') {
  const app = testApp();
  const stack = new Stack(app, 'Vip', { env: { region, account: '111111111111' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const lb = new HaLoadBalancer(stack, 'Lb', {
    vpc, internetFacing: true, certificates: [CERT], defaultTargetGroup: 'Api',
    targetGroups: [{ name: 'Api', port: 8080, targetType: elbv2.TargetType.IP, healthCheck: HealthCheckProfile.http({ path: '/health', preset: HealthCheckPreset.FAST }) }],
    ...lbProps,
  });
  return { app, stack, vpc, lb };
}

function build(overrides: (ctx: ReturnType<typeof primaryStack>) => Partial<VipFailoverProps> = () => ({})) {
  const ctx = primaryStack();
  const vip = new VipFailover(ctx.stack, 'Vip', { primary: ctx.lb, standby: VipEndpoint.arn(STANDBY_ALB, 'eu-central-1'), ...overrides(ctx) });
  return { ...ctx, vip, template: Template.fromStack(ctx.stack) };
}

describe('VipFailover', () => {
  test('an accelerator on the load balancer\'s ports, one endpoint group per region, client addresses preserved', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::GlobalAccelerator::Accelerator', { IpAddressType: 'IPV4', Enabled: true });
    template.hasResourceProperties('AWS::GlobalAccelerator::Listener', {
      Protocol: 'TCP', ClientAffinity: 'NONE', PortRanges: [{ FromPort: 443, ToPort: 443 }, { FromPort: 80, ToPort: 80 }],
    });
    template.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', {
      EndpointGroupRegion: 'eu-west-1', TrafficDialPercentage: 100,
      EndpointConfigurations: [{ EndpointId: { Ref: Match.stringLikeRegexp('^Lb') }, Weight: 128, ClientIPPreservationEnabled: true }],
    });
    template.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', {
      EndpointGroupRegion: 'eu-central-1', TrafficDialPercentage: 100,
      EndpointConfigurations: [{ EndpointId: STANDBY_ALB, Weight: 128, ClientIPPreservationEnabled: true }],
    });
    template.resourceCountIs('AWS::GlobalAccelerator::EndpointGroup', 2);
  });

  test('fails over in the load balancer\'s detection plus the accelerator\'s documented typical reaction: no propagation, no TTL', () => {
    const { vip, lb } = build();
    expect(vip.failoverTime.steps.map((s) => [s.name, s.kind])).toEqual([['load balancer detection', FigureKind.CONFIGURED], ['accelerator reaction', FigureKind.ASSUMED]]);
    expect(vip.worstCaseFailoverTime.toSeconds()).toBe(lb.worstCaseDetectionTime.toSeconds() + 30);
    expect(vip.worstCaseFailoverTime.toSeconds()).toBeLessThanOrEqual(60);
    expect(vip.failoverTime.render()).toMatch(/accelerator reaction: 30 s .*\[assumed, no AWS figure: AWS Global Accelerator Developer Guide, .*documents no failover figure.*approximately 30 seconds/);
  });

  test('a measured reaction replaces the documented one, with its source', () => {
    const { vip } = build(() => ({ acceleratorReaction: MeasuredFailoverTime.of(Duration.seconds(12), 'game day 2026-11-04') }));
    expect(vip.failoverTime.steps[1]).toMatchObject({ kind: FigureKind.MEASURED, source: 'game day 2026-11-04' });
    expect(vip.failoverTime.steps[1].duration.toSeconds()).toBe(12);
  });

  test('health-check settings are passed on, with a warning that load-balancer endpoints ignore them', () => {
    const { template, stack } = build(() => ({ healthCheck: { interval: Duration.seconds(10), threshold: 2, path: '/health', port: 8080 } }));
    template.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', { HealthCheckIntervalSeconds: 10, ThresholdCount: 2, HealthCheckPath: '/health', HealthCheckPort: 8080 });
    Annotations.fromStack(stack).hasWarning('/Vip/Vip', Match.stringLikeRegexp('healthCheck is ignored for load-balancer endpoints.*cdk-ha-kit:acceleratorHealthCheckIgnored'));
  });

  test('a UDP Network Load Balancer gets a UDP listener; NLB endpoints carry no client-address setting', () => {
    const ctx = primaryStack({ loadBalancerType: 'network', certificates: undefined, defaultTargetGroup: undefined, targetGroups: [{ name: 'Dns', port: 53, protocol: elbv2.Protocol.UDP, healthCheck: HealthCheckProfile.tcp({ port: 8053 }) }] });
    new VipFailover(ctx.stack, 'Vip', { primary: ctx.lb, standby: VipEndpoint.arn(STANDBY_NLB, 'eu-central-1') });
    const template = Template.fromStack(ctx.stack);
    template.hasResourceProperties('AWS::GlobalAccelerator::Listener', { Protocol: 'UDP', PortRanges: [{ FromPort: 53, ToPort: 53 }] });
    template.hasResourceProperties('AWS::GlobalAccelerator::EndpointGroup', { EndpointConfigurations: [{ EndpointId: STANDBY_NLB, Weight: 128, ClientIPPreservationEnabled: Match.absent() }] });
  });

  test('a friendly name is an alias of the accelerator: A, and AAAA when dual-stack', () => {
    const { stack, lb } = primaryStack();
    const vip = new VipFailover(stack, 'Vip', { primary: lb, standby: VipEndpoint.arn(STANDBY_ALB, 'eu-central-1'), ipAddressType: ga.IpAddressType.DUAL_STACK });
    const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
    expect(vip.addFriendlyName(zone, 'shop')).toHaveLength(2);
    const template = Template.fromStack(stack);
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'shop.example.com.', Type: type,
        AliasTarget: { DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VipAccelerator'), 'DnsName'] }, HostedZoneId: 'Z2BJ6XQ5FK7U4H' },
      });
    }
    expect(() => vip.addFriendlyName(zone, 'x'.repeat(64))).toThrow(/Invalid arguments for Vip\/Vip:\n {2}recordName: got "x{64}\.example\.com", with a label of 64 characters; allowed: a domain name of at most 255 characters/);
  });

  test('metrics are read in us-west-2, by the accelerator\'s id', () => {
    const { vip, stack } = build();
    const metric = vip.metricNewFlowCount();
    expect(metric).toMatchObject({ namespace: 'AWS/GlobalAccelerator', metricName: 'NewFlowCount', statistic: 'Sum', region: 'us-west-2' });
    expect(JSON.stringify(stack.resolve(metric.dimensions))).toContain('AcceleratorArn');
    expect(vip.metricProcessedBytesIn().metricName).toBe('ProcessedBytesIn');
  });
});

describe('VipFailover alarms', () => {
  const CERT_USW2 = elbv2.ListenerCertificate.fromArn('arn:aws:acm:us-west-2:111111111111:certificate/abc');
  const passive = (actions = true) => {
    const ctx = primaryStack({ certificates: [CERT_USW2] }, 'us-west-2');
    const topic = new sns.Topic(ctx.stack, 'Alarms');
    const vip = new VipFailover(ctx.stack, 'Vip', {
      primary: ctx.lb, standby: VipEndpoint.arn(STANDBY_ALB, 'eu-central-1', { trafficDialPercentage: 0 }), alarmActions: actions ? [new cwActions.SnsAction(topic)] : [],
    });
    return { ...ctx, vip, topic };
  };

  test('a passive standby taking new flows is an alarm, notified on ALARM and OK: by the accelerator, its listener and the standby\'s region', () => {
    const { stack, vip } = passive();
    expect(vip.alarms).toHaveLength(1);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/GlobalAccelerator', MetricName: 'NewFlowCount', Statistic: 'Sum', Period: 60,
      Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching',
      Dimensions: [Match.objectLike({ Name: 'Accelerator' }), { Name: 'EndpointGroup', Value: 'eu-central-1' }, Match.objectLike({ Name: 'Listener' })],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }], OKActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
    });
    Annotations.fromStack(stack).hasNoWarning('/Vip/Vip', Match.anyValue());
  });

  test('without actions the alarm is there, with a warning that it reaches no one', () => {
    const { stack } = passive(false);
    Annotations.fromStack(stack).hasWarning('/Vip/Vip', Match.stringLikeRegexp('give alarms.actions'));
  });

  test('none outside us-west-2, where the metrics are not (an info says where to alarm), and none for an active standby', () => {
    const outside = build(() => ({ standby: VipEndpoint.arn(STANDBY_ALB, 'eu-central-1', { trafficDialPercentage: 0 }) }));
    expect(outside.vip.alarms).toEqual([]);
    Annotations.fromStack(outside.stack).hasInfo('/Vip/Vip', Match.stringLikeRegexp('publishes its metrics in us-west-2 only'));
    expect(build().vip.alarms).toEqual([]);
  });

  test('alarms takes the options every tier takes: name prefix, evaluation, actions (the deprecated alarmActions added), or none at all', () => {
    const ctx = primaryStack({ certificates: [CERT_USW2] }, 'us-west-2');
    const topic = new sns.Topic(ctx.stack, 'Alarms');
    const old = new sns.Topic(ctx.stack, 'Old');
    const standby = VipEndpoint.arn(STANDBY_ALB, 'eu-central-1', { trafficDialPercentage: 0 });
    const vip = new VipFailover(ctx.stack, 'Vip', {
      primary: ctx.lb, standby, alarms: { namePrefix: 'shop', evaluationPeriods: 3, datapointsToAlarm: 2, actions: [new cwActions.SnsAction(topic)] }, alarmActions: [new cwActions.SnsAction(old)],
    });
    expect(vip.alarmNamePrefix).toBe('shop');
    Template.fromStack(ctx.stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-standby-serving', EvaluationPeriods: 3, DatapointsToAlarm: 2,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }, { Ref: Match.stringLikeRegexp('^Old') }],
    });
    expect(new VipFailover(ctx.stack, 'Quiet', { primary: ctx.lb, standby, alarms: { enabled: false } }).alarms).toEqual([]);
  });

  test('per endpoint group metrics name the group by its region', () => {
    const { vip, stack } = passive();
    const metric = vip.metricProcessedBytesInOf('us-west-2');
    expect(metric).toMatchObject({ metricName: 'ProcessedBytesIn', region: 'us-west-2' });
    expect(stack.resolve(metric.dimensions)).toMatchObject({
      EndpointGroup: 'us-west-2', Listener: { 'Fn::Select': [3, { 'Fn::Split': ['/', { 'Fn::GetAtt': [expect.stringMatching(/^VipAcceleratorListener/), 'ListenerArn'] }] }] },
    });
  });
});

describe('VipFailover accepts the documented bounds', () => {
  test.each<[string, Partial<VipFailoverProps>]>([
    ['dials of 0 and 100, weights of 0, 1 and 255: a standby of weight 1 still takes the traffic', {
      primaryOptions: { trafficDialPercentage: 100, weight: 255 }, standby: VipEndpoint.arn(STANDBY_ALB, 'eu-central-1', { trafficDialPercentage: 0, weight: 1 }),
      additionalRegions: [VipEndpoint.arn(STANDBY_ALB.replace(/eu-central-1/g, 'us-east-1'), 'us-east-1', { weight: 0 })],
    }],
    ['a name of 64 characters', { acceleratorName: `a${'bc-'.repeat(20)}def` }],
    ['two public addresses of your own, dual stack, source-IP affinity', { ipAddresses: ['44.192.0.10', '44.192.0.11'], ipAddressType: ga.IpAddressType.DUAL_STACK, clientAffinity: ga.ClientAffinity.SOURCE_IP }],
    ['a 30 s interval, thresholds 1 and a 255-character path', { healthCheck: { interval: Duration.seconds(30), threshold: 1, path: `/${'p'.repeat(254)}`, port: 65535 } }],
    ['alarms over 1440 periods, all alarming, and a 200-character prefix', { alarms: { evaluationPeriods: 1440, datapointsToAlarm: 1440, namePrefix: 'p'.repeat(200) } }],
    ['a third region', { additionalRegions: [VipEndpoint.arn(STANDBY_ALB.replace(/eu-central-1/g, 'us-east-1'), 'us-east-1')] }],
  ])('%s', (_name, props) => {
    const { template } = build(() => props);
    expect(checkTemplateAgainstSpec('vip', template.toJSON())).toEqual([]);
  });
});

describe('VipFailover rejects at synth', () => {
  test.each<[string, (ctx: ReturnType<typeof primaryStack>) => Partial<VipFailoverProps>, RegExp]>([
    ['a name that ends with a hyphen', () => ({ acceleratorName: 'shop-' }), /acceleratorName: got "shop-"; allowed: at most 64 letters, digits and "-", not starting or ending with "-"/],
    ['a name with a period, which CloudFormation refuses', () => ({ acceleratorName: 'shop.prod' }), /acceleratorName: got "shop.prod"; allowed: at most 64 letters, digits and "-"/],
    ['a name of 65 characters', () => ({ acceleratorName: 'a'.repeat(65) }), /acceleratorName: got "a{65}"; allowed: at most 64/],
    ['three addresses of your own', () => ({ ipAddresses: ['44.192.0.10', '44.192.0.11', '44.192.0.12'] }), /ipAddresses: got 3 addresses; allowed: one or two IPv4 addresses of your own \(BYOIP\)/],
    ['an address that is not IPv4', () => ({ ipAddresses: ['2001:db8::1'] }), /ipAddresses\[0\]: got "2001:db8::1"; allowed: an IPv4 address/],
    ['an address that is not one', () => ({ ipAddresses: ['300.1.1.1'] }), /ipAddresses\[0\]: got "300.1.1.1"; allowed: an IPv4 address/],
    // BYOIP: addresses the internet routes, two different ones.
    ['a private address as your own', () => ({ ipAddresses: ['10.0.0.10'] }),
      /ipAddresses\[0\]: got 10.0.0.10; allowed: a public IPv4 address from a range you brought to AWS \(BYOIP\): private, shared, loopback, link-local, documentation and multicast addresses cannot be advertised/],
    ['a documentation address as your own', () => ({ ipAddresses: ['44.192.0.10', '198.51.100.10'] }), /ipAddresses\[1\]: got 198.51.100.10; allowed: a public IPv4 address/],
    ['one address twice', () => ({ ipAddresses: ['44.192.0.10', '44.192.0.10'] }), /ipAddresses\[1\]: got 44.192.0.10; allowed: an address other than ipAddresses\[0\]: the accelerator has two different static addresses/],
    // What an ARN says of itself, and the failover target able to take traffic.
    ['a standby whose ARN is in another region than its endpoint group', () => ({ standby: VipEndpoint.arn(STANDBY_ALB, 'eu-west-3') }),
      /standby\.region: got eu-west-3 for a load balancer in eu-central-1; allowed: the region in the load balancer's ARN: an endpoint group serves endpoints of its own region/],
    ['a target group\'s ARN as a standby', () => ({ standby: VipEndpoint.arn('arn:aws:elasticloadbalancing:eu-central-1:111111111111:targetgroup/shop/50dc6c495c0c9188', 'eu-central-1') }),
      /standby\.loadBalancerArn: got "arn:aws:elasticloadbalancing:eu-central-1:111111111111:targetgroup\/shop\/50dc6c495c0c9188"; allowed: the ARN of an Application or Network Load Balancer/],
    ['a Gateway Load Balancer as a standby', () => ({ standby: VipEndpoint.arn('arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/gwy/fw/50dc6c495c0c9188', 'eu-central-1') }),
      /standby\.loadBalancerArn: got .*loadbalancer\/gwy\/.*; allowed: the ARN of an Application or Network Load Balancer/],
    ['a Classic Load Balancer as a standby', () => ({ standby: VipEndpoint.arn('arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/classic-shop', 'eu-central-1') }),
      /standby\.loadBalancerArn: got .*loadbalancer\/classic-shop"; allowed: the ARN of an Application or Network Load Balancer/],
    ['a name where an ARN belongs', () => ({ standby: VipEndpoint.arn('shop-standby', 'eu-central-1') }), /standby\.loadBalancerArn: got "shop-standby"; allowed: the ARN of an Application or Network Load Balancer/],
    ['a region that does not exist', () => ({ additionalRegions: [VipEndpoint.arn(STANDBY_ALB.replace(/eu-central-1/g, 'eu-central-9'), 'eu-central-9')] }),
      /additionalRegions\[0\]\.region: got "eu-central-9"; allowed: a region AWS has \(as aws-cdk-lib knows them: a newer region needs a newer aws-cdk-lib\)/],
    ['a standby of weight 0, which never takes traffic', () => ({ standby: VipEndpoint.arn(STANDBY_ALB, 'eu-central-1', { weight: 0 }) }),
      /standby\.weight: got 0; allowed: 1 to 255: a standby of weight 0 never takes traffic, so the accelerator would have nowhere to fail over to/],
    ['a dial of 101 %', () => ({ primaryOptions: { trafficDialPercentage: 101 } }), /primaryOptions\.trafficDialPercentage: got 101; allowed: an integer from 0 to 100/],
    ['a weight of 256', () => ({ standby: VipEndpoint.arn(STANDBY_ALB, 'eu-central-1', { weight: 256 }) }), /standby\.weight: got 256; allowed: an integer from 0 to 255/],
    ['client-address preservation on a Network Load Balancer', () => ({ standby: VipEndpoint.arn(STANDBY_NLB, 'eu-central-1', { preserveClientIp: true }) }),
      /standby\.preserveClientIp: got true; allowed: only for an Application Load Balancer/],
    ['two endpoints in one region', () => ({ standby: VipEndpoint.arn(STANDBY_ALB.replace(/eu-central-1/g, 'eu-west-1'), 'eu-west-1') }),
      /standby: got a second endpoint in eu-west-1 \(primaryOptions is there\); allowed: one endpoint group per region/],
    ['a 20 s health-check interval', () => ({ healthCheck: { interval: Duration.seconds(20) } }), /healthCheck\.interval: got 20 s; allowed: 10 s or 30 s/],
    ['a threshold of 11', () => ({ healthCheck: { threshold: 11 } }), /healthCheck\.threshold: got 11; allowed: an integer from 1 to 10/],
    ['a path without a slash', () => ({ healthCheck: { path: 'health' } }), /healthCheck\.path: got "health"; allowed: a path starting with "\/", at most 255 characters/],
    ['port 0', () => ({ healthCheck: { port: 0 } }), /healthCheck\.port: got 0; allowed: an integer from 1 to 65535/],
    ['more alarming data points than the default one period', () => ({ alarms: { datapointsToAlarm: 2 } }), /alarms\.datapointsToAlarm: got 2; allowed: an integer from 1 to evaluationPeriods \(1\)/],
    ['an alarm name prefix of 201 characters', () => ({ alarms: { namePrefix: 'p'.repeat(201) } }), /alarms\.namePrefix: got "p{201}"; allowed: 1 to 200 characters/],
  ])('%s', (_name, overrides, message) => {
    expectRejected(() => build(overrides), 'Vip/Vip', message);
  });

  test('a primary in a stack without a region', () => {
    const app = testApp();
    const stack = new Stack(app, 'Vip');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', vpcCidrBlock: '10.0.0.0/16', availabilityZones: ['a', 'b'], publicSubnetIds: ['s-1', 's-2'], privateSubnetIds: ['s-3', 's-4'] });
    const lb = new HaLoadBalancer(stack, 'Lb', { vpc, internetFacing: true, allowPlaintext: true, targetGroups: [{ name: 'Api', port: 80 }], defaultTargetGroup: 'Api', accessLogs: { enabled: false } });
    expectRejected(() => new VipFailover(stack, 'Vip', { primary: lb, standby: VipEndpoint.arn(STANDBY_ALB, 'eu-central-1') }), 'Vip/Vip',
      /primary: got a load balancer in a stack without a region; allowed: a stack with an explicit region/);
  });
});

describe('stable identity', () => {
  test('snapshot', () => {
    expect(build().template.toJSON()).toMatchSnapshot();
  });
});
