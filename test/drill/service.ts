import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { MonitorConfig } from '../../lambda/health-monitor/contract';
import { FailoverTarget, HealthCheckPreset, HealthCheckProfile, HighlyAvailableService, VipEndpoint } from '../../lib';
import { deployedConfig } from '../monitoring/monitor-stack';
import type { ElbCheck } from './recorders';

/** The names a deployment would resolve, given local values for the drill. */
export const DRILL_NAMES = {
  account: '111111111111',
  region: 'eu-west-1',
  targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/shop-api/0123456789abcdef',
  hostedZoneId: 'Z0DRILLEXAMPLE',
  primaryHealthCheckId: '0f1e2d3c-drill-primary',
  primaryDnsName: 'shop-primary-1234.eu-west-1.elb.amazonaws.com',
  primaryAliasZoneId: 'Z32O12XQLNTSW2',
  standbyDnsName: 'shop-standby-5678.eu-central-1.elb.amazonaws.com',
  standbyAliasZoneId: 'Z215JYRZR1TBD5',
  alertTopicArn: 'arn:aws:sns:eu-west-1:111111111111:shop-alerts',
  primaryLoadBalancerArn: 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/shop-primary/50dc6c495c0c9188',
  standbyLoadBalancerArn: 'arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/shop-standby/6c495c0c918850dc',
  endpointGroupArn: 'arn:aws:globalaccelerator::111111111111:accelerator/0a1b2c3d-drill/listener/0f1e2d3c/endpoint-group/4b5a6978',
} as const;

export interface DrillService {
  /** The monitor's configuration, as the construct deploys it, with local names. */
  readonly config: MonitorConfig;
  /** The external name that fails over. */
  readonly recordName: string;
  /** The monitor's worst cases, as the construct computes them. */
  readonly worstCaseDetectionMs: number;
  readonly worstCaseNameFailoverMs: number;
  /** To the accelerator's primary endpoint at weight 0. */
  readonly worstCaseVipFailoverMs: number;
  /** Global Accelerator's own reaction to that, as the service's failover time states it (not run by the drill). */
  readonly acceleratorReactionMs: number;
  readonly worstCaseTakeoverMs: number;
  /** Worst case from a DOWN target answering again to UP: dead interval × healthy threshold + timeout + jitter. */
  readonly worstCaseRecoveryMs: number;
  /** ELB's own health check of the target group, which the drill's ELB runs. */
  readonly elbCheck: ElbCheck;
}

/**
 * A HighlyAvailableService as a user would declare it, with the monitor's timing shortened so
 * that the drill fits in a minute: probes every second, a 3-second lease, three contenders. The
 * drill runs the monitor with the configuration this synthesizes, not with one of its own.
 */
export function drillService(): DrillService {
  // The drill runs the function's modules directly, with the configuration synthesized here.
  const app = new App();
  const stack = new Stack(app, 'Drill', { env: { account: DRILL_NAMES.account, region: DRILL_NAMES.region } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
  const service = new HighlyAvailableService(stack, 'Shop', {
    vpc,
    loadBalancer: {
      internetFacing: false,
      targetGroups: [{ name: 'Api', port: 8080, targetType: elbv2.TargetType.IP, healthCheck: HealthCheckProfile.http({ path: '/health', preset: HealthCheckPreset.FAST }) }],
      defaultTargetGroup: 'Api',
    },
    dns: { zone, recordName: 'api', secondary: FailoverTarget.remoteLoadBalancer(DRILL_NAMES.standbyDnsName, DRILL_NAMES.standbyAliasZoneId) },
    vip: { standby: VipEndpoint.arn(DRILL_NAMES.standbyLoadBalancerArn, 'eu-central-1', { trafficDialPercentage: 0 }) },
    monitor: {
      healthCheck: HealthCheckProfile.http({ interval: Duration.seconds(1), timeout: Duration.millis(500), healthyThreshold: 2, unhealthyThreshold: 2 }),
      lease: { duration: Duration.seconds(3), renewDeadline: Duration.seconds(2), retryPeriod: Duration.millis(500) },
      callTimeout: Duration.millis(500),
      contenders: 3,
    },
  });
  const monitor = service.monitor!;
  const elbCheck = service.loadBalancer.healthCheck('Api');
  const config = withLocalNames(deployedConfig(Template.fromStack(stack)));
  return {
    config,
    recordName: 'api.example.com',
    worstCaseDetectionMs: monitor.worstCaseDetectionTime.toMilliseconds(),
    worstCaseNameFailoverMs: monitor.worstCaseNameFailoverTime!.toMilliseconds(),
    worstCaseVipFailoverMs: monitor.worstCaseVipFailoverTime!.toMilliseconds(),
    acceleratorReactionMs: service.vip!.failoverTime.steps[1].duration.toMilliseconds(),
    worstCaseTakeoverMs: monitor.worstCaseTakeoverTime.toMilliseconds(),
    worstCaseRecoveryMs: config.probe.downIntervalMs * config.probe.healthyThreshold + config.probe.timeoutMs + config.probe.jitterMs,
    elbCheck: {
      intervalMs: elbCheck.interval.toMilliseconds(), timeoutMs: elbCheck.timeout.toMilliseconds(),
      healthyThreshold: elbCheck.healthyThreshold, unhealthyThreshold: elbCheck.unhealthyThreshold,
    },
  };
}

/** Replaces each reference a deployment would resolve (rendered `<Ref X>`, `<X.Attr>`) with a local name. */
function withLocalNames(config: MonitorConfig): MonitorConfig {
  const names: Array<[RegExp, string]> = [
    [/<Ref \w*Table\w*>/g, 'drill-monitor'],
    [/<Ref \w*TargetGroup\w*>/g, DRILL_NAMES.targetGroupArn],
    [/<Ref Zone\w*>/g, DRILL_NAMES.hostedZoneId],
    [/<Ref \w*HealthCheck\w*>/g, DRILL_NAMES.primaryHealthCheckId],
    [/<\w*LoadBalancer\w*\.CanonicalHostedZoneID>/g, DRILL_NAMES.primaryAliasZoneId],
    [/<\w*LoadBalancer\w*\.DNSName>/g, DRILL_NAMES.primaryDnsName],
    [/<Ref \w*(Alerts|Alarms)\w*>/g, DRILL_NAMES.alertTopicArn],
    [/<Ref \w*LoadBalancer\w*>/g, DRILL_NAMES.primaryLoadBalancerArn],
    [/<\w*Vip\w*\.EndpointGroupArn>/g, DRILL_NAMES.endpointGroupArn],
  ];
  const json = names.reduce((text, [pattern, name]) => text.replace(pattern, name), JSON.stringify(config));
  const left = json.match(/<[^>]+>/);
  if (left) throw new Error(`the drill has no local name for ${left[0]}`);
  return JSON.parse(json) as MonitorConfig;
}
