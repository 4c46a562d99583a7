/**
 * The primary region's loss with global data: the database's secondary (warm or headless) and the
 * cache's Global Datastore in the region's chain, and the budget checked again once the
 * secondaries, built in another region's stack, are known.
 */
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import {
  DatabaseEngine, DnsHealthCheck, FailoverTarget, FigureKind, GlobalDatabase, GlobalDatastore, HealthCheckPreset, HealthCheckProfile, HighlyAvailableService,
  HighlyAvailableServiceProps, MeasuredFailoverTime, ReplicatedDatabase, ServiceFailure,
} from '../../lib';
import { regionStack } from '../support/region-stack';
import { testApp } from '../support/stacks';

const POSTGRES = DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }));
const R7G = ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE);
const STANDBY = FailoverTarget.remoteLoadBalancer('standby-123.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5');

function build(props: Partial<HighlyAvailableServiceProps> = {}, promotion?: MeasuredFailoverTime) {
  const app = testApp();
  const one = regionStack(app, 'Primary', 'eu-west-1', { egress: true });
  const two = regionStack(app, 'Standby', 'eu-central-1');
  const zone = new route53.PublicHostedZone(one.stack, 'Zone', { zoneName: 'example.com' });
  const service = new HighlyAvailableService(one.stack, 'Shop', {
    vpc: one.vpc,
    loadBalancer: {
      internetFacing: true, allowPlaintext: true, defaultTargetGroup: 'Api',
      targetGroups: [{ name: 'Api', port: 8080, targetType: elbv2.TargetType.IP, healthCheck: HealthCheckProfile.http({ path: '/health', preset: HealthCheckPreset.FAST }) }],
    },
    dns: { zone, recordName: 'shop', secondary: STANDBY, primaryHealthCheck: DnsHealthCheck.endpoint({ requestInterval: Duration.seconds(10), failureThreshold: 2 }) },
    cache: { nodeType: 'cache.r7g.large', global: GlobalDatastore.primary({ measuredPromotionTime: promotion }) },
    database: { engine: POSTGRES, instanceType: R7G, global: GlobalDatabase.primary() },
    ...props,
  });
  const secondary = (readReplicas: number) => new ReplicatedDatabase(two.stack, 'Orders', {
    vpc: two.vpc, engine: POSTGRES, instanceType: R7G, readReplicas, global: GlobalDatabase.secondaryOf(service.database!),
  });
  return { app, service, secondary };
}

const region = (service: HighlyAvailableService) => service.failoverTime.of(ServiceFailure.PRIMARY_REGION)!;

describe('the primary region\'s loss with global data', () => {
  test('the chain ends with the database\'s failover, then the cache\'s promotion (assumed: AWS documents none)', () => {
    const { service, secondary } = build();
    secondary(1);
    const steps = region(service).breakdown.steps.slice(-2);
    expect(steps.map((s) => [s.name, s.duration.toSeconds(), s.kind])).toEqual([
      ['database: global failover', 300, FigureKind.AWS_TYPICAL],
      ['cache: Global Datastore promotion', 60, FigureKind.ASSUMED],
    ]);
    expect(region(service).total.toSeconds()).toBe(158 + 300 + 60);
  });

  test('a measured promotion of the Global Datastore replaces the assumed minute', () => {
    const { service } = build({}, MeasuredFailoverTime.of(Duration.seconds(45), 'game day: FailoverGlobalReplicationGroup, 5 runs, p100'));
    expect(region(service).breakdown.steps.slice(-1)[0]).toMatchObject({ name: 'cache: Global Datastore promotion', kind: FigureKind.MEASURED });
    expect(region(service).breakdown.steps.slice(-1)[0].duration.toSeconds()).toBe(45);
  });

  test('a headless secondary adds the instance it must create first', () => {
    const { service, secondary } = build();
    secondary(0);
    expect(region(service).breakdown.steps.map((s) => s.name).slice(-3)).toEqual([
      'database: headless secondary: create a DB instance', 'database: global failover', 'cache: Global Datastore promotion',
    ]);
    expect(region(service).total.toSeconds()).toBe(158 + 900 + 300 + 60);
  });
});

describe('the budget, once the secondaries are built', () => {
  test('a budget the warm secondary meets synthesizes', () => {
    const { app, secondary } = build({ failoverBudget: Duration.minutes(9) });
    secondary(1);
    expect(() => app.synth()).not.toThrow();
  });

  test('the same budget with a headless secondary, built after the service in the standby\'s stack, fails the synth, with the warm secondary as the change that meets it', () => {
    const { app, secondary } = build({ failoverBudget: Duration.minutes(9) });
    secondary(0);
    expect(() => app.synth()).toThrow(/\[Primary\/Shop\] failoverBudget: got 540 s; allowed: at least 1418 s when the primary region is lost \(typical\):[\s\S]*database: headless secondary: create a DB instance: 900 s[\s\S]*cheapest change that meets it: give the database's secondary an instance \(readReplicas: 1 with GlobalDatabase\.secondaryOf; it costs an instance\): none to create first \(900 s less\), for a total of 518 s/);
  });

  test('the advice counts the data\'s promotions: no change to the name brings the region under them', () => {
    // 158 s by the name plus 360 s of promotions: a budget of 6 minutes is out of reach of the
    // name's knobs alone, which could take it to far less than 360 s.
    expect(() => build({ failoverBudget: Duration.minutes(6) })).toThrow(/failoverBudget: got 360 s; allowed: at least 518 s when the primary region is lost[\s\S]*no change this library knows of meets it/);
  });
});
