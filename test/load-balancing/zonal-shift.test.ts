/**
 * ARC zonal shift and zonal autoshift on an HaLoadBalancer: on by default wherever ELB takes it,
 * a cross-zone NLB's prerequisites met, and autoshift's practice runs configured and validated.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { HaLoadBalancer, HaLoadBalancerProps, LoadBalancerType } from '../../lib';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { stackWithVpc } from '../support/stacks';

function build(props: Partial<HaLoadBalancerProps> = {}) {
  const { stack, vpc } = stackWithVpc();
  const lb = new HaLoadBalancer(stack, 'Lb', {
    vpc, targetGroups: [{ name: 'App', port: 8080 }], defaultTargetGroup: props.loadBalancerType === LoadBalancerType.NETWORK ? undefined : 'App', alarms: { actions: [] }, ...props,
  });
  return { stack, lb, template: () => Template.fromStack(stack) };
}
const nlb = (props: Partial<HaLoadBalancerProps> = {}) => build({ loadBalancerType: LoadBalancerType.NETWORK, targetGroups: [{ name: 'Tcp', port: 5432 }], ...props });

type Attributes = Array<{ Key: string; Value: string }>;
const lbAttributes = (t: Template): Attributes => Object.values(t.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0].Properties.LoadBalancerAttributes;
const groupAttributes = (t: Template): Attributes[] => Object.values(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).map((g) => g.Properties.TargetGroupAttributes ?? []);
const value = (attributes: Attributes, key: string) => attributes.find((a) => a.Key === key)?.Value;

describe('zonal shift', () => {
  test('on by default on an Application Load Balancer', () => {
    expect(value(lbAttributes(build().template()), 'zonal_shift.config.enabled')).toBe('true');
  });

  test('off with zonalShift: false', () => {
    expect(value(lbAttributes(build({ zonalShift: false }).template()), 'zonal_shift.config.enabled')).toBeUndefined();
  });

  test('on a cross-zone NLB of TCP groups, with connections to unhealthy targets kept open, as ELB\'s prerequisites ask', () => {
    const t = nlb().template();
    expect(value(lbAttributes(t), 'zonal_shift.config.enabled')).toBe('true');
    for (const attributes of groupAttributes(t)) expect(value(attributes, 'target_health_state.unhealthy.connection_termination.enabled')).toBe('false');
    expect(checkTemplateAgainstSpec('t', t.toJSON())).toEqual([]);
  });

  test('off by default on a cross-zone NLB with a UDP group, which ELB does not take; on with cross-zone off, terminations left as they are', () => {
    const udp = [{ name: 'Dns', port: 53, protocol: elbv2.Protocol.UDP }];
    expect(value(lbAttributes(nlb({ targetGroups: udp }).template()), 'zonal_shift.config.enabled')).toBeUndefined();
    const t = nlb({ targetGroups: udp, crossZoneEnabled: false }).template();
    expect(value(lbAttributes(t), 'zonal_shift.config.enabled')).toBe('true');
    for (const attributes of groupAttributes(t)) expect(value(attributes, 'target_health_state.unhealthy.connection_termination.enabled')).toBeUndefined();
  });

  test.each<[string, Partial<HaLoadBalancerProps>, RegExp]>([
    ['a UDP group', { zonalShift: true, targetGroups: [{ name: 'Dns', port: 53, protocol: elbv2.Protocol.UDP }] },
      /targetGroups\[0\]\.protocol: got UDP with zonal shift and cross-zone load balancing; allowed: TCP or TLS, or zonalShift: false, or crossZoneEnabled: false/],
    ['a group with cross-zone off', { zonalShift: true, targetGroups: [{ name: 'Tcp', port: 5432, crossZoneEnabled: false }] },
      /targetGroups\[0\]\.crossZoneEnabled: got false with zonal shift on a cross-zone Network Load Balancer; allowed: true or unset/],
  ])('asked on a cross-zone NLB with %s, it is refused', (_name, props, message) => {
    expect(() => nlb(props)).toThrow(message);
  });
});

describe('zonal autoshift', () => {
  const alarms = (stack: import('aws-cdk-lib').Stack, n: number) => Array.from({ length: n }, (_, i) => new cloudwatch.Alarm(stack, `A${i}`, {
    metric: new cloudwatch.Metric({ namespace: 'Test', metricName: `m${i}` }), threshold: 1, evaluationPeriods: 1 }));

  test('practice runs ended by the load balancer\'s own alarms, by default', () => {
    const { lb, stack, template } = build({ zonalAutoshift: { blockedWindows: ['Mon:21:00-Mon:23:00'], blockedDates: ['2026-12-24'] } });
    const config = Object.values(template().findResources('AWS::ARCZonalShift::ZonalAutoshiftConfiguration'))[0].Properties;
    expect(config.ZonalAutoshiftStatus).toBe('ENABLED');
    expect(config.ResourceIdentifier).toEqual(stack.resolve(lb.loadBalancer.loadBalancerArn));
    // CloudFormation takes one outcome alarm: the load balancer's own, combined.
    expect(config.PracticeRunConfiguration.OutcomeAlarms).toEqual([{ AlarmIdentifier: stack.resolve(lb.practiceRunOutcomeAlarm!.alarmArn), Type: 'CLOUDWATCH' }]);
    const rule = JSON.stringify(stack.resolve((lb.practiceRunOutcomeAlarm!.node.defaultChild as cloudwatch.CfnCompositeAlarm).alarmRule));
    expect(lb.alarms.length).toBeGreaterThan(1);
    for (const alarm of lb.alarms) expect(rule).toContain(JSON.stringify(stack.resolve(alarm.alarmArn)).slice(1, -1));
    expect(config.PracticeRunConfiguration).toMatchObject({ BlockedWindows: ['Mon:21:00-Mon:23:00'], BlockedDates: ['2026-12-24'] });
    expect(checkTemplateAgainstSpec('t', template().toJSON())).toEqual([]);
  });

  test('ten outcome alarms of your own, ten blocking alarms, fifteen windows and dates, synthesize, each set of alarms one composite', () => {
    const { stack, vpc } = stackWithVpc();
    const own = alarms(stack, 20);
    const lb = new HaLoadBalancer(stack, 'Lb', {
      vpc, targetGroups: [{ name: 'App', port: 8080 }], defaultTargetGroup: 'App', alarms: { actions: [] },
      zonalAutoshift: {
        outcomeAlarms: own.slice(0, 10), blockingAlarms: own.slice(10),
        blockedWindows: ['Sun:23:00-Sun:23:59', 'Mon:00:00-Mon:00:01', ...Array.from({ length: 13 }, () => 'Wed:10:00-Wed:12:30')],
        blockedDates: ['2028-02-29', ...Array.from({ length: 14 }, (_, i) => `2027-01-${String(i + 1).padStart(2, '0')}`)],
      },
    });
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources('AWS::CloudWatch::CompositeAlarm'))).toHaveLength(2);
    const config = Object.values(t.findResources('AWS::ARCZonalShift::ZonalAutoshiftConfiguration'))[0].Properties.PracticeRunConfiguration;
    expect(config.OutcomeAlarms).toEqual([{ AlarmIdentifier: stack.resolve(lb.practiceRunOutcomeAlarm!.alarmArn), Type: 'CLOUDWATCH' }]);
    expect(config.BlockingAlarms).toHaveLength(1);
    expect(checkTemplateAgainstSpec('t', t.toJSON())).toEqual([]);
  });

  test('one outcome alarm of your own is used as it is', () => {
    const { stack, vpc } = stackWithVpc();
    const [own] = alarms(stack, 1);
    const lb = new HaLoadBalancer(stack, 'Lb', { vpc, targetGroups: [{ name: 'App', port: 8080 }], defaultTargetGroup: 'App', alarms: { actions: [] }, zonalAutoshift: { outcomeAlarms: [own] } });
    expect(lb.practiceRunOutcomeAlarm).toBe(own);
    expect(Template.fromStack(stack).findResources('AWS::CloudWatch::CompositeAlarm')).toEqual({});
  });

  test.each<[string, (stack: import('aws-cdk-lib').Stack) => Partial<HaLoadBalancerProps>, RegExp]>([
    ['with zonal shift off', () => ({ zonalShift: false, zonalAutoshift: {} }), /zonalAutoshift: got set with zonalShift: false; allowed: zonalShift on/],
    ['eleven outcome alarms', (s) => ({ zonalAutoshift: { outcomeAlarms: alarms(s, 11) } }), /zonalAutoshift\.outcomeAlarms: got 11 alarm\(s\); allowed: 1 to 10 alarms/],
    ['no outcome alarm', () => ({ zonalAutoshift: { outcomeAlarms: [] } }), /zonalAutoshift\.outcomeAlarms: got 0 alarm\(s\)/],
    ['eleven blocking alarms', (s) => ({ zonalAutoshift: { blockingAlarms: alarms(s, 11) } }), /zonalAutoshift\.blockingAlarms: got 11 alarms; allowed: at most 10/],
    ['a window at 25:00', () => ({ zonalAutoshift: { blockedWindows: ['Mon:25:00-Mon:26:00'] } }), /zonalAutoshift\.blockedWindows: got "Mon:25:00-Mon:26:00"; allowed: a weekly window in UTC within one day, Day:HH:MM-Day:HH:MM/],
    ['a day in capitals', () => ({ zonalAutoshift: { blockedWindows: ['MON:21:00-MON:23:00'] } }), /zonalAutoshift\.blockedWindows: got "MON:21:00-MON:23:00"; allowed: .*Mon to Sun as written/],
    ['a window over two days', () => ({ zonalAutoshift: { blockedWindows: ['Sun:23:00-Mon:01:00'] } }), /zonalAutoshift\.blockedWindows: got "Sun:23:00-Mon:01:00"; allowed: a weekly window in UTC within one day/],
    ['a window that ends before it starts', () => ({ zonalAutoshift: { blockedWindows: ['Tue:12:00-Tue:11:00'] } }), /zonalAutoshift\.blockedWindows: got "Tue:12:00-Tue:11:00"/],
    ['the same outcome alarm twice', (s) => { const [a] = alarms(s, 1); return { zonalAutoshift: { outcomeAlarms: [a, a] } }; }, /zonalAutoshift\.outcomeAlarms: got the same alarm twice; allowed: distinct alarms/],
    ['outcome alarms with alarms disabled', () => ({ alarms: { enabled: false }, zonalAutoshift: {} }), /zonalAutoshift\.outcomeAlarms: got 0 alarm\(s\) \(the load balancer's own\); allowed: 1 to 10/],
    ['a window on a day that is not one', () => ({ zonalAutoshift: { blockedWindows: ['Monday:21:00-Monday:23:00'] } }), /zonalAutoshift\.blockedWindows: got "Monday:21:00-Monday:23:00"/],
    ['sixteen windows', () => ({ zonalAutoshift: { blockedWindows: Array.from({ length: 16 }, () => 'Mon:01:00-Mon:02:00') } }), /zonalAutoshift\.blockedWindows: got 16 entries; allowed: at most 15/],
    ['the 30th of February', () => ({ zonalAutoshift: { blockedDates: ['2027-02-30'] } }), /zonalAutoshift\.blockedDates: got "2027-02-30"; allowed: a date in UTC, YYYY-MM-DD/],
    ['sixteen dates', () => ({ zonalAutoshift: { blockedDates: Array.from({ length: 16 }, (_, i) => `2027-03-${String(i + 1).padStart(2, '0')}`) } }), /zonalAutoshift\.blockedDates: got 16 entries; allowed: at most 15/],
  ])('%s is refused at synth', (_name, props, message) => {
    const { stack, vpc } = stackWithVpc();
    expect(() => new HaLoadBalancer(stack, 'Lb', { vpc, targetGroups: [{ name: 'App', port: 8080 }], defaultTargetGroup: 'App', alarms: { actions: [] }, ...props(stack) })).toThrow(message);
  });
});
