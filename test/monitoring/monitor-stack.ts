import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { CONFIG_ENV, MonitorConfig } from '../../lambda/health-monitor/contract';
import { DnsFailover, FailoverTarget, HaLoadBalancer, HealthCheckPreset, HealthCheckProfile, LeaderHealthMonitor, LeaderHealthMonitorProps } from '../../lib';
import { testApp } from '../support/stacks';

export interface MonitorFixture {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly lb: HaLoadBalancer;
  readonly zone: route53.IHostedZone;
  /** A failover pair: the load balancer, then a load balancer in another region. */
  readonly dns: DnsFailover;
}

/** A stack with a VPC, an ALB with two IP target groups, and a failover pair in a public zone. */
export function monitorFixture(): MonitorFixture {
  const app = testApp();
  const stack = new Stack(app, 'Mon', { env: { region: 'eu-west-1', account: '111111111111' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const lb = new HaLoadBalancer(stack, 'Api', {
    vpc,
    internetFacing: true,
    allowPlaintext: true,
    targetGroups: [
      { name: 'Api', port: 8080, targetType: elbv2.TargetType.IP, healthCheck: HealthCheckProfile.http({ path: '/api/health', preset: HealthCheckPreset.FAST }) },
      { name: 'Web', port: 8081, targetType: elbv2.TargetType.IP, healthCheck: HealthCheckProfile.http({ path: '/health', successCodes: '200-299' }) },
    ],
    routes: [{ priority: 10, pathPatterns: ['/api/*'], targetGroup: 'Api' }],
    defaultTargetGroup: 'Web',
  });
  const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
  const dns = new DnsFailover(stack, 'Dns', {
    zone,
    recordName: 'api',
    primary: FailoverTarget.loadBalancer(lb),
    secondary: FailoverTarget.remoteLoadBalancer('standby-123.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5'),
  });
  return { app, stack, vpc, lb, zone, dns };
}

export function buildMonitor(props: (f: MonitorFixture) => Partial<LeaderHealthMonitorProps> = () => ({})) {
  const f = monitorFixture();
  const monitor = new LeaderHealthMonitor(f.stack, 'Monitor', {
    vpc: f.vpc,
    targetGroups: [{ loadBalancer: f.lb, targetGroupName: 'Api' }, { loadBalancer: f.lb, targetGroupName: 'Web' }],
    ...props(f),
  });
  return { ...f, monitor, get template() { return Template.fromStack(f.stack); } };
}

/** Renders a CloudFormation value with its references as `<Ref X>` and `<X.Attr>`. */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v.Ref) return `<Ref ${v.Ref}>`;
  if (v['Fn::GetAtt']) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if (v['Fn::Join']) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(renderValue).join(separator);
  }
  if (v['Fn::GetStackOutput']) {
    const output = v['Fn::GetStackOutput'] as { StackName: string; OutputName: string };
    return `<${output.StackName}.${output.OutputName}>`;
  }
  return `<${Object.keys(v)[0]}>`;
}

/** The configuration the monitor's function is deployed with, references rendered. */
export function deployedConfig(template: Template): MonitorConfig {
  const functions = template.findResources('AWS::Lambda::Function');
  const fn = Object.values(functions).find((f) => f.Properties?.Environment?.Variables?.[CONFIG_ENV]);
  return JSON.parse(renderValue(fn!.Properties.Environment.Variables[CONFIG_ENV])) as MonitorConfig;
}
