import { parseConfig } from '../../lambda/health-monitor/config';
import { VipEndpoint, VipFailover } from '../../lib';
import { MonitorFixture, buildMonitor, deployedConfig } from './monitor-stack';

/** The monitor with an accelerator to fail over: the fixture's ALB as the primary, a standby by ARN. */
const STANDBY = 'arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/standby/50dc6c495c0c9188';

function accelerator(f: MonitorFixture, weight?: number): VipFailover {
  return new VipFailover(f.stack, 'Vip', { primary: f.lb, primaryOptions: { weight }, standby: VipEndpoint.arn(STANDBY, 'eu-central-1', { trafficDialPercentage: 0 }) });
}

interface Statement { Sid?: string; Action: string | string[]; Resource: unknown }

function statements(template: ReturnType<typeof buildMonitor>['template']): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe('LeaderHealthMonitor with an accelerator', () => {
  test('the function is configured with the primary endpoint, its deployed weight and its trigger groups', () => {
    const { template } = buildMonitor((f) => ({ vipFailover: accelerator(f, 200) }));
    const config = deployedConfig(template);
    expect(parseConfig(JSON.stringify(config))).toEqual(config);
    expect(config.vip).toEqual({
      endpointGroupArn: expect.stringMatching(/^<VipAcceleratorListenerPrimary\w+\.EndpointGroupArn>$/),
      endpointId: expect.stringMatching(/^<Ref ApiLoadBalancer\w+>$/),
      weight: 200,
      clientIpPreservation: true,
      triggerGroups: ['Api', 'Web'],
    });
    expect(config.actions).toMatchObject({ vipFailover: true, dnsFailover: false });
  });

  test('the endpoint is put back at the weight Global Accelerator gives by default, 128, when none is set', () => {
    const { template } = buildMonitor((f) => ({ vipFailover: accelerator(f), vipFailoverTriggerGroups: ['Api'] }));
    expect(deployedConfig(template).vip).toMatchObject({ weight: 128, triggerGroups: ['Api'] });
  });

  test('least privilege: read and update that one endpoint group, nothing else of Global Accelerator', () => {
    const { template } = buildMonitor((f) => ({ vipFailover: accelerator(f) }));
    const found = statements(template).filter((s) => JSON.stringify(s.Action).includes('globalaccelerator:'));
    expect(found).toEqual([{
      Sid: 'MoveTheAcceleratorEndpoint',
      Effect: 'Allow',
      Action: ['globalaccelerator:DescribeEndpointGroup', 'globalaccelerator:UpdateEndpointGroup'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^VipAcceleratorListenerPrimary/), 'EndpointGroupArn'] },
    }]);
    expect(statements(buildMonitor().template).filter((s) => JSON.stringify(s.Action).includes('globalaccelerator:'))).toEqual([]);
  });

  test('the endpoint is taken out once ELB\'s own checks agree: the same bound as the name\'s', () => {
    expect(buildMonitor().monitor.worstCaseVipFailoverTime).toBeUndefined();
    // Api is FAST (12 s), Web STANDARD (35 s); seen at the next 1 s listing, then a read and an update of 0.6 s each.
    expect(buildMonitor((f) => ({ vipFailover: accelerator(f) })).monitor.worstCaseVipFailoverTime!.toMilliseconds()).toBe(35_000 + 1000 + 1200);
    expect(buildMonitor((f) => ({ vipFailover: accelerator(f), vipFailoverTriggerGroups: ['Api'] })).monitor.worstCaseVipFailoverTime!.toMilliseconds()).toBe(12_000 + 1000 + 1200);
  });

  test('the valid edges synthesize: a primary weight of 1 and of 255', () => {
    for (const weight of [1, 255]) {
      const { template } = buildMonitor((f) => ({ vipFailover: accelerator(f, weight) }));
      expect(deployedConfig(template).vip!.weight).toBe(weight);
    }
  });
});
