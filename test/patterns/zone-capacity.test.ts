/**
 * Capacity for the loss of a zone: the service's compute read from its ECS service or Auto
 * Scaling group, refused with the numbers when losing the largest zone leaves less than the load.
 */
import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { FigureKind, HighlyAvailableService, MeasuredFailoverTime, ServiceFailure, ZoneCapacity } from '../../lib';
import { dataStack } from '../support/data-stack';

function build() {
  const ctx = dataStack();
  const service = new HighlyAvailableService(ctx.stack, 'Shop', {
    vpc: ctx.vpc, monitorEnabled: false,
    loadBalancer: { internetFacing: true, allowPlaintext: true, targetGroups: [{ name: 'Api', port: 8080, targetType: elbv2.TargetType.IP }], defaultTargetGroup: 'Api' },
  });
  const tasks = (desiredCount: number | undefined, zones = 3) => {
    const task = new ecs.FargateTaskDefinition(ctx.stack, `Task${desiredCount}x${zones}`);
    task.addContainer('api', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable-alpine'), memoryLimitMiB: 512, logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'api' }) });
    const cluster = new ecs.Cluster(ctx.stack, `Cluster${desiredCount}x${zones}`, { vpc: ctx.vpc });
    return new ecs.FargateService(ctx.stack, `Tasks${desiredCount}x${zones}`, {
      cluster, taskDefinition: task, desiredCount, minHealthyPercent: 100,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: ctx.vpc.availabilityZones.slice(0, zones) },
    });
  };
  return { ...ctx, service, tasks };
}

describe('capacity for the loss of a zone', () => {
  test('6 tasks over 3 zones carry a load of 4 when a zone is lost', () => {
    const { service, tasks } = build();
    const capacity = ZoneCapacity.ecsService(tasks(6), 4);
    expect([capacity.total, capacity.zones, capacity.perZone, capacity.afterZoneLoss]).toEqual([6, 3, [2, 2, 2], 4]);
    expect(() => service.addZoneCapacity(capacity)).not.toThrow();
    expect(service.zoneCapacity).toBe(capacity);
  });

  test('3 tasks over 3 zones for a load of 3 are refused, with the count that fixes it', () => {
    const { service, tasks } = build();
    expect(() => service.addZoneCapacity(ZoneCapacity.ecsService(tasks(3), 3))).toThrow(
      /Invalid arguments for Data\/Shop:\s+zoneCapacity: got 3 tasks over 3 zones \(1 \+ 1 \+ 1\): 2 left when the largest zone \(1\) is lost; allowed: at least 3 left, the load stated: run 5 tasks spread evenly over the 3 zones \(N\+1 per zone\), or add a zone/);
  });

  test('uneven placement is refused with the even spread that would do', () => {
    const { service } = build();
    expect(() => service.addZoneCapacity(ZoneCapacity.placed([4, 1, 1], 3))).toThrow(
      /zoneCapacity: got 6 targets over 3 zones \(4 \+ 1 \+ 1\): 2 left when the largest zone \(4\) is lost; allowed: at least 3 left, the load stated: spread these 6 evenly \(at most 2 a zone\)/);
    expect(() => service.addZoneCapacity(ZoneCapacity.placed([2, 2, 2], 4))).not.toThrow();
  });

  test('an Auto Scaling group: its minimum capacity over its zones', () => {
    const { stack, vpc, service } = build();
    const group = new autoscaling.AutoScalingGroup(stack, 'Group', {
      vpc, minCapacity: 4, maxCapacity: 8, instanceType: new ec2.InstanceType('t4g.small'), machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: vpc.availabilityZones.slice(0, 2) },
    });
    const capacity = ZoneCapacity.autoScalingGroup(group, 2);
    expect([capacity.total, capacity.zones, capacity.afterZoneLoss]).toEqual([4, 2, 2]);
    expect(() => service.addZoneCapacity(capacity)).not.toThrow();
    expect(() => service.addZoneCapacity(ZoneCapacity.autoScalingGroup(group, 3))).toThrow(/zoneCapacity: got 4 instances over 2 zones \(2 \+ 2\): 2 left when the largest zone \(2\) is lost; allowed: at least 3 left[\s\S]*run 6 instances/);
  });

  test.each<[string, (b: ReturnType<typeof build>) => ZoneCapacity, RegExp]>([
    ['one zone', (b) => ZoneCapacity.ecsService(b.tasks(4, 1), 1), /zoneCapacity: got Data\/Tasks4x1, in 1 zone\(s\); allowed: targets in two zones at least/],
    ['a service with no desiredCount', (b) => ZoneCapacity.ecsService(b.tasks(undefined), 1), /zoneCapacity: got Data\/Tasksundefinedx3, whose tasks this library cannot read; allowed: a desiredCount/],
    ['a load of 0', () => ZoneCapacity.placed([1, 1], 0), /zoneCapacity\.required: got 0; allowed: an integer of at least 1/],
    ['a negative zone', () => ZoneCapacity.placed([2, -1], 1), /zoneCapacity\.perZone: got \[2,-1\]; allowed: whole numbers of targets/],
  ])('%s is refused', (_name, capacity, message) => {
    const b = build();
    expect(() => b.service.addZoneCapacity(capacity(b))).toThrow(message);
  });

  test('the edge: exactly the load left synthesizes', () => {
    const { service } = build();
    expect(() => service.addZoneCapacity(ZoneCapacity.placed([1, 1], 1))).not.toThrow();
  });
});

describe('an impaired zone in the failover budget', () => {
  const zoneChain = (loadBalancer: object) => {
    const ctx = dataStack();
    const service = new HighlyAvailableService(ctx.stack, 'Shop', {
      vpc: ctx.vpc, monitorEnabled: false,
      loadBalancer: { internetFacing: true, allowPlaintext: true, targetGroups: [{ name: 'Api', port: 8080, targetType: elbv2.TargetType.IP }], defaultTargetGroup: 'Api', ...loadBalancer },
    });
    return service.failoverTime.of(ServiceFailure.ZONE)!.breakdown.steps.map((s) => [s.name, s.duration.toSeconds(), s.kind]);
  };

  test('with autoshift and its reaction measured: the measured time, then ELB\'s 60 s DNS TTL', () => {
    expect(zoneChain({ zonalAutoshift: {}, measuredZonalShiftTime: MeasuredFailoverTime.of(Duration.minutes(3), 'game day 2026-11: practice run to traffic gone') })).toEqual([
      ['load balancer: detection', 35, FigureKind.CONFIGURED],
      ['ARC zonal autoshift starts a zonal shift', 180, FigureKind.MEASURED],
      ['load balancer DNS: the zone\'s address leaves the answers', 60, FigureKind.AWS_BOUND],
      ['clients: DNS cache beyond the TTL', 0, FigureKind.NOT_STATED],
    ]);
  });

  test('with zonal shift off, nothing takes the zone out: said so', () => {
    expect(zoneChain({ zonalShift: false })[1]).toEqual(['zonal shift', 0, FigureKind.NOT_STATED]);
  });
});
