import { Stack, StackProps } from 'aws-cdk-lib';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { DnsFailover, HaLoadBalancer, LeaderHealthMonitor } from '../lib';

/**
 * Props of the reference app's health monitor.
 */
export interface MonitorStackProps extends StackProps {
  /** The primary region's VPC. */
  readonly vpc: ec2.IVpc;

  /** The primary region's load balancer; every target group is watched. */
  readonly api: HaLoadBalancer;

  /** The security group of the service behind it: it lets the probes in. */
  readonly service: ec2.ISecurityGroup;

  /** The external name, failed over at once when every target of the primary is down. */
  readonly failover: DnsFailover;
}

/**
 * The leader-elected health monitor of the reference backend, in the primary region next to its
 * targets. It is a stack of its own because it needs the DNS stack (the failover pair's health
 * check), which itself needs the backend.
 */
export class MonitorStack extends Stack {
  public readonly monitor: LeaderHealthMonitor;

  constructor(scope: Construct, id: string, props: MonitorStackProps) {
    super(scope, id, props);
    this.monitor = new LeaderHealthMonitor(this, 'HealthMonitor', {
      vpc: props.vpc,
      targetGroups: props.api.targetGroups.map((group) => ({
        loadBalancer: props.api,
        targetGroupName: group.node.id.replace(/TargetGroup$/, ''),
      })),
      dnsFailover: props.failover,
    });
    // The monitor's own alarms go to its alert topic, whose key lets CloudWatch publish.
    for (const alarm of this.monitor.alarms) {
      alarm.addAlarmAction(new cwActions.SnsAction(this.monitor.alertTopic));
      alarm.addOkAction(new cwActions.SnsAction(this.monitor.alertTopic));
    }
    // The rules live here, so that the backend stack does not depend on this one.
    const ports = new Set(props.api.targetGroups.map((group) => props.api.targetGroupOptions(group.node.id.replace(/TargetGroup$/, '')).port!));
    for (const port of ports) {
      new ec2.CfnSecurityGroupIngress(this, `ProbesToServicePort${port}`, {
        groupId: props.service.securityGroupId,
        sourceSecurityGroupId: this.monitor.securityGroup.securityGroupId,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: `Health probes from ${this.monitor.node.path}`,
      });
    }
  }
}
