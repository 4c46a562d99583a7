/**
 * Integration test: a HighlyAvailableService with every tier, Fargate tasks of a public image
 * behind its load balancer, and a standby load balancer to fail the name over to. Deployed, it
 * checks that the monitor elected a leader and that the cache and database replicate across
 * zones. Its synthesized snapshot (integ.highly-available-service.ts.snapshot/) is compared in
 * `npm test`; `npm run integ:snapshot` rewrites it.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DatabaseEngine, FailoverTarget, HaLoadBalancer, HealthCheckPreset, HealthCheckProfile, HighlyAvailableService } from '../lib';

const app = new App();
// Deployed where the CLI points; the snapshot is synthesized for eu-west-1.
const env = { region: process.env.CDK_DEFAULT_REGION ?? 'eu-west-1', account: process.env.CDK_DEFAULT_ACCOUNT };
const stack = new Stack(app, 'HaKitIntegService', { env });
const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 3,
  natGateways: 1,
  subnetConfiguration: [
    { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
    { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  ],
});
const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'ha-kit-integ.example.com' });
const health = HealthCheckProfile.http({ path: '/', preset: HealthCheckPreset.FAST });
const standby = new HaLoadBalancer(stack, 'Standby', {
  vpc, internetFacing: true, allowPlaintext: true, deletionProtection: false,
  targetGroups: [{ name: 'Api', port: 80, targetType: elbv2.TargetType.IP, healthCheck: health }], defaultTargetGroup: 'Api',
});
const service = new HighlyAvailableService(stack, 'Service', {
  vpc,
  loadBalancer: {
    internetFacing: true, allowPlaintext: true, deletionProtection: false,
    targetGroups: [{ name: 'Api', port: 80, targetType: elbv2.TargetType.IP, healthCheck: health }], defaultTargetGroup: 'Api',
  },
  dns: { zone, recordName: 'api', secondary: FailoverTarget.loadBalancer(standby) },
  cache: { removalPolicy: RemovalPolicy.DESTROY },
  database: {
    engine: DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 })),
    deletionProtection: false, removalPolicy: RemovalPolicy.DESTROY,
  },
  monitor: { removalPolicy: RemovalPolicy.DESTROY },
});
const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENHANCED });
const task = new ecs.FargateTaskDefinition(stack, 'Task', { cpu: 256, memoryLimitMiB: 512, runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64 } });
task.addContainer('api', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable-alpine'), portMappings: [{ containerPort: 80 }] });
service.serviceSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'image pulls');
const tasks = new ecs.FargateService(stack, 'Tasks', { cluster, taskDefinition: task, desiredCount: 3, securityGroups: [service.serviceSecurityGroup] });
service.addTargets('Api', [tasks]);

const integ = new IntegTest(app, 'HighlyAvailableService', {
  testCases: [stack],
  diffAssets: false,
  // The assertions read the stack's resources, so they run in its region.
  assertionStack: new Stack(app, 'HaKitIntegServiceAssertions', { env }),
});
// A contender holds the lease within a few minutes of the first schedule.
integ.assertions.awsApiCall('DynamoDB', 'getItem', {
  TableName: service.monitor!.table.tableName,
  Key: { pk: { S: service.monitor!.monitorId }, sk: { S: 'lease' } },
}).expect(ExpectedResult.objectLike({ Item: { pk: { S: service.monitor!.monitorId } } }))
  .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(30) });
integ.assertions.awsApiCall('ElastiCache', 'describeReplicationGroups', { ReplicationGroupId: service.cache!.replicationGroup.ref })
  .expect(ExpectedResult.objectLike({ ReplicationGroups: [{ MultiAZ: 'enabled', AutomaticFailover: 'enabled' }] }));
app.synth();
