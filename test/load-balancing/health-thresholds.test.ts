/**
 * Target group health thresholds: rendered as ELB's attributes, validated from the ELB User
 * Guide's "Target group health" page, and kept off an Application Load Balancer behind an
 * accelerator.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { HaLoadBalancer, HaTargetGroupOptions, LoadBalancerType, VipEndpoint, VipFailover } from '../../lib';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { stackWithVpc } from '../support/stacks';

function lb(group: Partial<HaTargetGroupOptions>, type = LoadBalancerType.APPLICATION) {
  const { stack, vpc } = stackWithVpc();
  const balancer = new HaLoadBalancer(stack, 'Lb', {
    vpc, loadBalancerType: type, alarms: { actions: [] },
    targetGroups: [{ name: 'App', port: 8080, ...group } as HaTargetGroupOptions], defaultTargetGroup: type === LoadBalancerType.APPLICATION ? 'App' : undefined,
  });
  return { stack, balancer };
}

const attributes = (stack: Stack) => Object.fromEntries((Object.values(Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))[0]
  .Properties.TargetGroupAttributes as Array<{ Key: string; Value: string }>).map((a) => [a.Key, a.Value]));

describe('health thresholds', () => {
  test('become the group\'s target_group_health attributes, 0 as off; the template is spec-valid', () => {
    const { stack } = lb({ healthThresholds: { dnsMinimumHealthyTargetCount: 2, dnsMinimumHealthyTargetPercentage: 0, routingMinimumHealthyTargetCount: 1, routingMinimumHealthyTargetPercentage: 50 } });
    expect(attributes(stack)).toMatchObject({
      'target_group_health.dns_failover.minimum_healthy_targets.count': '2',
      'target_group_health.dns_failover.minimum_healthy_targets.percentage': 'off',
      'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': '1',
      'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': '50',
    });
    expect(checkTemplateAgainstSpec('t', Template.fromStack(stack).toJSON())).toEqual([]);
  });

  test('none by default: ELB routes to every target only when none is healthy, and never fails a zone out of its DNS', () => {
    const { stack } = lb({});
    expect(Object.keys(attributes(stack)).filter((k) => k.startsWith('target_group_health'))).toEqual([]);
  });

  test.each<[string, elbv2.TargetGroupHealth]>([
    ['1 % and 100 %', { dnsMinimumHealthyTargetPercentage: 100, routingMinimumHealthyTargetPercentage: 1 }],
    ['DNS failover equal to routing failover', { dnsMinimumHealthyTargetCount: 3, routingMinimumHealthyTargetCount: 3 }],
    ['DNS failover off under a routing threshold', { dnsMinimumHealthyTargetPercentage: 0, routingMinimumHealthyTargetPercentage: 100 }],
  ])('%s synthesizes', (_name, healthThresholds) => {
    expect(() => Template.fromStack(lb({ healthThresholds }).stack)).not.toThrow();
  });

  test('on a Network Load Balancer too', () => {
    const { stack } = lb({ healthThresholds: { dnsMinimumHealthyTargetPercentage: 50 } }, LoadBalancerType.NETWORK);
    expect(attributes(stack)['target_group_health.dns_failover.minimum_healthy_targets.percentage']).toBe('50');
  });

  test.each<[string, Partial<HaTargetGroupOptions>, RegExp]>([
    ['a routing count of 0', { healthThresholds: { routingMinimumHealthyTargetCount: 0 } }, /targetGroups\[0\]\.healthThresholds\.routingMinimumHealthyTargetCount: got 0; allowed: an integer of at least 1 \(routing failover cannot be off\)/],
    ['a DNS count of 1.5', { healthThresholds: { dnsMinimumHealthyTargetCount: 1.5 } }, /healthThresholds\.dnsMinimumHealthyTargetCount: got 1\.5; allowed: an integer of at least 1, or 0 for off/],
    ['101 %', { healthThresholds: { routingMinimumHealthyTargetPercentage: 101 } }, /healthThresholds\.routingMinimumHealthyTargetPercentage: got 101; allowed: an integer from 1 to 100, or 0 for off/],
    ['-1 %', { healthThresholds: { dnsMinimumHealthyTargetPercentage: -1 } }, /healthThresholds\.dnsMinimumHealthyTargetPercentage: got -1; allowed: an integer from 1 to 100, or 0 for off/],
    ['DNS failover under routing failover', { healthThresholds: { dnsMinimumHealthyTargetPercentage: 30, routingMinimumHealthyTargetPercentage: 50 } },
      /healthThresholds\.dnsMinimumHealthyTargetPercentage: got 30, under routingMinimumHealthyTargetPercentage 50; allowed: at least 50: DNS failover must happen no later than routing failover/],
    ['a DNS count under the routing count', { healthThresholds: { dnsMinimumHealthyTargetCount: 1, routingMinimumHealthyTargetCount: 2 } }, /healthThresholds\.dnsMinimumHealthyTargetCount: got 1, under routingMinimumHealthyTargetCount 2/],
    ['thresholds on Lambda targets', { port: undefined, targetType: elbv2.TargetType.LAMBDA, healthThresholds: { routingMinimumHealthyTargetCount: 1 } },
      /targetGroups\[0\]\.healthThresholds: got set on a group of Lambda targets; allowed: unset: ELB takes no health thresholds for Lambda targets/],
  ])('%s is refused at synth', (_name, group, message) => {
    expect(() => lb(group)).toThrow(message);
  });

  test('an Application Load Balancer with a DNS failover threshold behind an accelerator is refused; a routing threshold is not', () => {
    const standby = VipEndpoint.arn('arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/standby/50dc6c495c0c9188', 'eu-central-1');
    const withDns = lb({ healthThresholds: { dnsMinimumHealthyTargetPercentage: 50 } });
    expect(() => new VipFailover(withDns.stack, 'Vip', { primary: withDns.balancer, standby })).toThrow(
      /primary: got Test\/Lb, whose group\(s\) App have a DNS failover threshold; allowed: an Application Load Balancer without DNS failover thresholds/);
    const routing = lb({ healthThresholds: { routingMinimumHealthyTargetPercentage: 50 } });
    expect(() => new VipFailover(routing.stack, 'Vip', { primary: routing.balancer, standby })).not.toThrow();
  });
});
