import { Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import * as rds from 'aws-cdk-lib/aws-rds';
import {
  DatabaseEngine, HaLoadBalancer, HealthCheckPreset, HealthCheckProfile, ReplicatedCache, ReplicatedDatabase,
} from '../lib';

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

  /**
   * Create the replicated cache and database. The standby region's backend goes without until
   * the data tier replicates across regions.
   * @default true
   */
  readonly dataTier?: boolean;
}

/**
 * The reference highly available backend: a VPC over several zones, an internet-facing
 * Application Load Balancer routing by path to two target groups, and a replicated cache and
 * database in isolated subnets that only the service reaches.
 */
export class ReferenceStack extends Stack {
  public readonly vpc: ec2.Vpc;
  public readonly api: HaLoadBalancer;
  /** The API service's security group: its tasks, the only clients of the data tier. */
  public readonly service: ec2.SecurityGroup;
  public readonly cache?: ReplicatedCache;
  public readonly database?: ReplicatedDatabase;

  constructor(scope: Construct, id: string, props: ReferenceStackProps) {
    super(scope, id, props);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: props.availabilityZones,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
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

    this.service = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc: this.vpc,
      description: 'API service tasks',
      allowAllOutbound: false,
    });
    this.api.allowTargetTraffic('Api', this.service);
    this.api.allowTargetTraffic('Web', this.service);
    if (props.dataTier === false) return;

    this.cache = new ReplicatedCache(this, 'Cache', {
      vpc: this.vpc,
      nodeType: 'cache.t4g.medium',
      internalDns: { zoneName: 'cache.internal' },
    });
    this.database = new ReplicatedDatabase(this, 'Database', {
      vpc: this.vpc,
      engine: DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 })),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
      databaseName: 'app',
      internalDns: { zoneName: 'db.internal' },
    });
    for (const store of [this.cache, this.database]) {
      store.connections.allowDefaultPortFrom(this.service, 'API service');
    }
  }
}
