/**
 * Integration test: a name failing over between two load balancers, the primary health-checked
 * by Route 53. Deployed, it checks that Route 53 serves the PRIMARY and SECONDARY records. Its
 * synthesized snapshot (integ.dns-failover.ts.snapshot/) is compared in `npm test`;
 * `npm run integ:snapshot` rewrites it.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { DnsFailover, DnsHealthCheck, FailoverTarget, HaLoadBalancer, HealthCheckPreset, HealthCheckProfile } from '../lib';

const app = new App();
// Deployed where the CLI points; the snapshot is synthesized for eu-west-1.
const env = { region: process.env.CDK_DEFAULT_REGION ?? 'eu-west-1', account: process.env.CDK_DEFAULT_ACCOUNT };
const stack = new Stack(app, 'HaKitIntegDnsFailover', { env });
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
const balancer = (id: string) => new HaLoadBalancer(stack, id, {
  vpc, internetFacing: true, allowPlaintext: true, deletionProtection: false,
  targetGroups: [{ name: 'Api', port: 80, targetType: elbv2.TargetType.IP, healthCheck: HealthCheckProfile.http({ path: '/', preset: HealthCheckPreset.FAST }) }],
  defaultTargetGroup: 'Api',
});
const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'ha-kit-integ.example.com' });
new DnsFailover(stack, 'Dns', {
  zone,
  recordName: 'api',
  primary: FailoverTarget.loadBalancer(balancer('Primary')),
  secondary: FailoverTarget.loadBalancer(balancer('Secondary')),
  primaryHealthCheck: DnsHealthCheck.endpoint({ requestInterval: Duration.seconds(10), failureThreshold: 2 }),
});

const integ = new IntegTest(app, 'DnsFailover', {
  testCases: [stack],
  diffAssets: false,
  // The assertions read the stack's resources, so they run in its region.
  assertionStack: new Stack(app, 'HaKitIntegDnsFailoverAssertions', { env }),
});
integ.assertions.awsApiCall('Route53', 'listResourceRecordSets', { HostedZoneId: zone.hostedZoneId, StartRecordName: `api.${zone.zoneName}`, StartRecordType: 'A' })
  .expect(ExpectedResult.objectLike({
    ResourceRecordSets: Match.arrayWith([
      Match.objectLike({ Name: `api.${zone.zoneName}.`, Failover: 'PRIMARY', HealthCheckId: Match.stringLikeRegexp('.+') }),
      Match.objectLike({ Name: `api.${zone.zoneName}.`, Failover: 'SECONDARY' }),
    ]),
  }));
app.synth();
