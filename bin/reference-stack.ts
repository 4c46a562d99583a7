import { Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HaLoadBalancer, HealthCheckPreset, HealthCheckProfile } from '../lib';

/**
 * Props of the reference backend.
 */
export interface ReferenceStackProps extends StackProps {
  /**
   * Availability Zones of the VPC.
   */
  readonly availabilityZones: string[];

  /**
   * ACM certificate for the public listener; without it the API listens on HTTP only.
   */
  readonly certificateArn?: string;
}

/**
 * The reference highly available backend: a VPC over several zones and an internet-facing
 * Application Load Balancer routing by path to two target groups.
 */
export class ReferenceStack extends Stack {
  public readonly vpc: ec2.Vpc;
  public readonly api: HaLoadBalancer;

  constructor(scope: Construct, id: string, props: ReferenceStackProps) {
    super(scope, id, props);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: props.availabilityZones,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', {
        retention: logs.RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
      })),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    this.api = new HaLoadBalancer(this, 'Api', {
      vpc: this.vpc,
      internetFacing: true,
      certificates: props.certificateArn ? [elbv2.ListenerCertificate.fromArn(props.certificateArn)] : undefined,
      targetGroups: [
        {
          name: 'Api',
          port: 8080,
          targetType: elbv2.TargetType.IP,
          healthCheck: HealthCheckProfile.http({ path: '/api/health', preset: HealthCheckPreset.FAST }),
        },
        {
          name: 'Web',
          port: 8080,
          targetType: elbv2.TargetType.IP,
          healthCheck: HealthCheckProfile.http({ path: '/health', interval: Duration.seconds(10), timeout: Duration.seconds(4), healthyThreshold: 3, unhealthyThreshold: 2 }),
        },
      ],
      routes: [{ priority: 10, pathPatterns: ['/api/*'], targetGroup: 'Api' }],
      defaultTargetGroup: 'Web',
    });
    Validations.of(this.api.securityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'The public API is internet-facing: its listeners accept clients from any IPv4 address. Only the listener ports are open.',
    });
  }
}
