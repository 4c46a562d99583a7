import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import {
  DatabaseEngine, DnsHealthCheck, FailoverTarget, FeatureFlags, FlagRollout, HaLoadBalancer, HealthCheckPreset, HealthCheckProfile, HighlyAvailableService,
  GlobalDatabase, GlobalDatastore, RegionSwitchRegion, ServiceRegistry, VipEndpoint, ZoneCapacity,
} from '../lib';
import { acknowledgeAppDecisions } from './compliance';

/** The public image the reference API runs: nginx, answering on port 80. */
export const API_IMAGE = 'public.ecr.aws/nginx/nginx:stable-alpine';
const CONTAINER_PORT = 80;
/** The tasks the reference API's load needs: two of its three, so that it survives a zone's loss. */
const REQUIRED_TASKS = 2;
/** Fail open below half the targets healthy (ELB's routing failover), see the target groups. */
const FAIL_OPEN_BELOW_HALF = { routingMinimumHealthyTargetPercentage: 50 };

/**
 * The external name of the reference backend.
 */
export interface ReferenceDnsProps {
  /** The domain, e.g. `example.com`. */
  readonly domainName: string;

  /** An existing public hosted zone of `domainName`; without it the stack creates one. */
  readonly hostedZoneId?: string;

  /** The name that fails over, relative to the domain. */
  readonly recordName: string;

  /** The standby region's load balancer, where the name fails over to. */
  readonly standby: HaLoadBalancer;

  /**
   * The ID of the health check the region switch plan keeps for this region, once the plan
   * exists: the name's PRIMARY record then follows the plan's traffic step too.
   * @default - none: the name follows health alone
   */
  readonly regionSwitchHealthCheckId?: string;
}

/**
 * Props of the reference backend in one region.
 */
export interface ReferenceStackProps extends StackProps {
  /** Availability Zones of the VPC. */
  readonly availabilityZones: string[];

  /** ACM certificate for the public listener; without it the API listens on HTTP only. */
  readonly certificateArn?: string;

  /**
   * Create the replicated cache and database. The standby region's backend goes without until
   * the data tier replicates across regions.
   * @default true
   */
  readonly dataTier?: boolean;

  /**
   * The external name failing over from this region to the standby.
   * @default - no name (the standby region)
   */
  readonly dns?: ReferenceDnsProps;

  /**
   * Run the leader-elected health monitor.
   * @default true
   */
  readonly monitor?: boolean;

  /**
   * Take part in an ARC Region switch plan: this region's side (its database, cache and tasks).
   * @default false
   */
  readonly regionSwitch?: boolean;

  /**
   * Longest acceptable failover of the whole service.
   * @default - not checked
   */
  readonly failoverBudget?: Duration;

  /**
   * Most data the service may lose in any failure.
   * @default - not checked
   */
  readonly dataLossBudget?: Duration;
}

/**
 * The database's instances: memory-optimized, as a global database requires (Aurora User Guide,
 * "Configuration requirements of an Amazon Aurora global database").
 */
export const DATABASE_INSTANCE_TYPE = ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE);

/**
 * The cache's nodes: a family and size a Global Datastore supports (ElastiCache User Guide,
 * "Prerequisites and limitations").
 */
export const CACHE_NODE_TYPE = 'cache.r7g.large';

/**
 * The reference highly available backend in one region: a VPC over three zones, a small
 * containerized API (three Fargate tasks, one per zone) behind an internet-facing ALB that routes
 * `/api/*` and everything else to two target groups, a replicated cache and database that only
 * the API reaches, the leader-elected health monitor, and the external name failing over to the
 * standby region, all through one HighlyAvailableService.
 */
export class ReferenceStack extends Stack {
  public readonly vpc: ec2.Vpc;
  public readonly service: HighlyAvailableService;
  /** The load balancer (the service's). */
  public readonly api: HaLoadBalancer;
  /** The API's tasks. */
  public readonly tasks: ecs.FargateService;
  /** The hosted zone of the external name, in the region that has it. */
  public readonly zone?: route53.IHostedZone;
  /** Cloud Map: `api.service.internal` resolves to the API tasks the monitor sees healthy (with the monitor). */
  public readonly registry?: ServiceRegistry;
  /** The monitor's pause and dry-run switches (with the monitor). */
  public readonly monitorSwitches?: FeatureFlags;
  /** The API's own feature flags, rolled back by the service's alarms. */
  public readonly flags: FeatureFlags;
  /** This region's side of the region switch plan (with `regionSwitch`). */
  public readonly switchRegion?: RegionSwitchRegion;

  constructor(scope: Construct, id: string, props: ReferenceStackProps) {
    super(scope, id, props);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: props.availabilityZones,
      subnetConfiguration: [
        // Only the load balancer and the NAT gateways (with their own Elastic IPs) live here:
        // nothing launched in them gets a public address.
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
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

    if (props.dns) {
      this.zone = props.dns.hostedZoneId
        ? route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.dns.hostedZoneId, zoneName: props.dns.domainName })
        : new route53.PublicHostedZone(this, 'Zone', { zoneName: props.dns.domainName });
      // A deleted or replaced zone has new name servers, which breaks the domain's delegation.
      if (!props.dns.hostedZoneId) (this.zone as route53.PublicHostedZone).applyRemovalPolicy(RemovalPolicy.RETAIN);
    }

    const dataTier = props.dataTier !== false;
    const monitored = props.monitor !== false;
    if (monitored) {
      this.registry = new ServiceRegistry(this, 'Registry', {
        vpc: this.vpc,
        namespaceName: 'service.internal',
        services: [{ name: 'api', description: 'The API tasks, for callers inside the VPC that balance on their own' }],
      });
      // A pause is deployed during an incident, when the service's alarms fire: no rollback alarm here.
      this.monitorSwitches = new FeatureFlags(this, 'MonitorSwitches', { monitorSwitches: true, rollout: FlagRollout.allAtOnce() });
    }
    const health = HealthCheckProfile.http({ path: '/', preset: HealthCheckPreset.FAST });
    this.service = new HighlyAvailableService(this, 'Api', {
      vpc: this.vpc,
      loadBalancer: {
        internetFacing: true,
        certificates: props.certificateArn ? [elbv2.ListenerCertificate.fromArn(props.certificateArn)] : undefined,
        // Without a certificate the reference API serves plain HTTP, on purpose: give
        // `ha-kit:certificateArn` to serve HTTPS.
        allowPlaintext: props.certificateArn === undefined,
        // Below half its targets healthy, a group fails open (ELB routes to all of them): the
        // line past which the monitor, at its 50 % cap, stops taking targets out too. No DNS
        // failover threshold: the load balancer is behind the accelerator.
        targetGroups: [
          { name: 'Api', port: CONTAINER_PORT, targetType: elbv2.TargetType.IP, healthCheck: health, healthThresholds: FAIL_OPEN_BELOW_HALF },
          { name: 'Web', port: CONTAINER_PORT, targetType: elbv2.TargetType.IP, healthCheck: health, healthThresholds: FAIL_OPEN_BELOW_HALF },
        ],
        routes: [{ priority: 10, pathPatterns: ['/api/*'], targetGroup: 'Api' }],
        defaultTargetGroup: 'Web',
        // Zonal shift is on by default; autoshift too here, its weekly practice runs ended by the
        // load balancer's own alarms, and none on Friday evenings (UTC).
        zonalAutoshift: { blockedWindows: ['Fri:16:00-Fri:23:59'] },
      },
      dns: props.dns && this.zone ? {
        zone: this.zone,
        recordName: props.dns.recordName,
        secondary: FailoverTarget.loadBalancer(props.dns.standby),
        primaryHealthCheck: DnsHealthCheck.endpoint({ requestInterval: Duration.seconds(10), failureThreshold: 2 }),
        regionSwitchHealthCheckId: props.dns.regionSwitchHealthCheckId,
      } : undefined,
      // The same failover by a virtual IP: two static addresses, no resolver cache in the path.
      // The standby is passive, as the name's SECONDARY is: at a traffic dial of 0 it takes
      // traffic only while the accelerator fails over to it, which ignores the dial.
      vip: props.dns ? { standby: VipEndpoint.loadBalancer(props.dns.standby, { trafficDialPercentage: 0 }) } : undefined,
      // The primary of a Global Datastore: large nodes of a family it supports; the standby
      // region holds its secondary (StandbyDataStack).
      cache: dataTier ? { nodeType: CACHE_NODE_TYPE, internalDns: { zoneName: 'cache.internal' }, global: GlobalDatastore.primary() } : undefined,
      database: dataTier ? {
        engine: DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 })),
        instanceType: DATABASE_INSTANCE_TYPE,
        // The primary of a global database: the standby region holds its secondary
        // (StandbyDataStack), at most a minute of writes behind.
        global: GlobalDatabase.primary({ recoveryPointObjective: Duration.minutes(1) }),
        databaseName: 'app',
        internalDns: { zoneName: 'db.internal' },
      } : undefined,
      monitorEnabled: monitored,
      monitor: monitored ? {
        switches: this.monitorSwitches,
        membership: [{ registry: this.registry!, serviceName: 'api', groups: ['Api'], attributes: { tier: 'api' } }],
      } : undefined,
      failoverBudget: props.failoverBudget,
      dataLossBudget: props.dataLossBudget,
    });
    this.flags = new FeatureFlags(this, 'ApiFlags', {
      flags: [{ name: 'newCheckout', description: 'The new checkout flow' }],
      rollbackAlarms: this.service.alarms,
      rollbackAlarmActions: [new cwActions.SnsAction(this.service.alarmTopic)],
    });
    this.api = this.service.loadBalancer;

    this.tasks = this.createTasks();
    // Three tasks over three zones: the two left when a zone is lost carry the load.
    this.service.addZoneCapacity(ZoneCapacity.ecsService(this.tasks, REQUIRED_TASKS));
    if (props.regionSwitch && dataTier) {
      this.switchRegion = new RegionSwitchRegion(this, 'RegionSwitch', {
        database: this.service.database, cache: this.service.cache, ecsServices: [this.tasks], notify: this.service.alarmTopic });
    }
    for (const group of ['Api', 'Web']) {
      this.service.addTargets(group, [this.tasks.loadBalancerTarget({ containerName: 'api', containerPort: CONTAINER_PORT })]);
    }
    acknowledgeAppDecisions({
      vpc: this.vpc,
      logGroups: [this.node.findChild('FlowLogs'), this.node.findChild('ApiLogs')],
      roles: [this.tasks.taskDefinition.obtainExecutionRole(), this.vpc.node.findChild('FlowLog').node.findChild('IAMRole')],
      publicLoadBalancer: this.api.securityGroup,
      cluster: this.tasks.cluster,
      taskDefinition: this.tasks.taskDefinition,
      defaultSecurityGroupProvider: this.node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider'),
    });
  }

  /** Three tasks of the public image, one per zone, in the private subnets, replaced on a failed deployment. */
  private createTasks(): ecs.FargateService {
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc: this.vpc, containerInsightsV2: ecs.ContainerInsights.ENHANCED });
    const task = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    task.addContainer('api', {
      image: ecs.ContainerImage.fromRegistry(API_IMAGE),
      portMappings: [{ containerPort: CONTAINER_PORT }],
      // The container's own hard limit: the task's memory, so that it cannot take more.
      memoryLimitMiB: 512,
      logging: ecs.LogDrivers.awsLogs({
        streamPrefix: 'api',
        logGroup: new logs.LogGroup(this, 'ApiLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.RETAIN }),
      }),
      readonlyRootFilesystem: false,
    });
    const tasks = new ecs.FargateService(this, 'Tasks', {
      cluster,
      taskDefinition: task,
      desiredCount: 3,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.service.serviceSecurityGroup],
      healthCheckGracePeriod: Duration.seconds(30),
    });
    // ECS keeps the tasks spread evenly over the zones, as the zone capacity check counts them.
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html
    (tasks.node.defaultChild as ecs.CfnService).availabilityZoneRebalancing = 'ENABLED';
    return tasks;
  }
}
