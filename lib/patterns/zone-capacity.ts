/**
 * Capacity for the loss of a zone: how a service's targets sit in its Availability Zones, and the
 * check that losing the largest zone leaves at least the load the service states (N+1 per zone).
 */
import { Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Validator } from '../core/validation';

/**
 * Where a service's targets run, zone by zone, and how many it needs to carry its load.
 */
export class ZoneCapacity {
  /**
   * An ECS service: its `desiredCount` tasks, spread evenly over the zones of its subnets, as ECS
   * spreads a service's tasks across Availability Zones and rebalances them
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html).
   * @param service the service
   * @param requiredTasks tasks the load needs
   */
  public static ecsService(service: ecs.BaseService, requiredTasks: number): ZoneCapacity {
    const cfn = service.node.defaultChild as ecs.CfnService;
    const network = Stack.of(service).resolve(cfn.networkConfiguration) as { awsvpcConfiguration?: { subnets?: unknown[] } } | undefined;
    const zones = network?.awsvpcConfiguration?.subnets?.length;
    const desired = cfn.desiredCount;
    return new ZoneCapacity(service.node.path, 'tasks', requiredTasks, typeof desired === 'number' && !Token.isUnresolved(desired) ? desired : undefined, zones);
  }

  /**
   * An Auto Scaling group: its minimum capacity, spread evenly over its zones, as EC2 Auto Scaling
   * balances instances across Availability Zones
   * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-benefits.html#arch-AutoScalingMultiAZ).
   * @param group the group
   * @param requiredInstances instances the load needs
   */
  public static autoScalingGroup(group: autoscaling.AutoScalingGroup, requiredInstances: number): ZoneCapacity {
    const cfn = group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    const subnets = Stack.of(group).resolve(cfn.vpcZoneIdentifier) as unknown[] | undefined;
    const zones = Array.isArray(subnets) ? subnets.length : undefined;
    const min = Number(cfn.minSize);
    return new ZoneCapacity(group.node.path, 'instances', requiredInstances, Token.isUnresolved(cfn.minSize) || !Number.isInteger(min) ? undefined : min, zones);
  }

  /**
   * Targets as you place them, zone by zone (for placement the library cannot read).
   * @param perZone targets in each zone, e.g. `[2, 2, 1]`
   * @param required targets the load needs
   */
  public static placed(perZone: number[], required: number): ZoneCapacity {
    const total = perZone.reduce((a, b) => a + b, 0);
    return new ZoneCapacity('placed', 'targets', required, total, perZone.length, perZone);
  }

  /** What the capacity is read from: a construct path, or `placed`. */
  public readonly source: string;
  /** What a target is: tasks, instances or targets. */
  public readonly unit: string;
  /** Targets the load needs. */
  public readonly required: number;
  /** Targets running, when the library can read it. */
  public readonly total?: number;
  /** Zones the targets run in, when the library can read them. */
  public readonly zones?: number;
  /** Targets in each zone: as placed, or the most even spread of `total` over `zones`. */
  public readonly perZone?: number[];

  private constructor(source: string, unit: string, required: number, total: number | undefined, zones: number | undefined, perZone?: number[]) {
    this.source = source;
    this.unit = unit;
    this.required = required;
    this.total = total;
    this.zones = zones;
    this.perZone = perZone ?? (total !== undefined && zones !== undefined && zones > 0
      ? Array.from({ length: zones }, (_, i) => Math.floor(total / zones) + (i < total % zones ? 1 : 0)) : undefined);
  }

  /** Targets left when the largest zone is lost, when known. */
  public get afterZoneLoss(): number | undefined {
    if (this.perZone === undefined || this.total === undefined) return undefined;
    return this.total - Math.max(...this.perZone);
  }

  /** @internal The rules, under `prop`. */
  public _validate(v: Validator, prop: string): void {
    v.integer(`${prop}.required`, this.required, 1, 100_000, 'an integer of at least 1: the targets the load needs');
    if (this.perZone?.some((n) => !Number.isInteger(n) || n < 0)) v.add(`${prop}.perZone`, JSON.stringify(this.perZone), 'whole numbers of targets, 0 or more, one per zone');
    if (this.total === undefined) {
      v.add(prop, `${this.source}, whose ${this.unit} this library cannot read`, `a desiredCount (ECS) or a minCapacity (Auto Scaling) given as a number, or ZoneCapacity.placed([...])`);
      return;
    }
    if (this.zones === undefined) {
      v.add(prop, `${this.source}, whose zones this library cannot read`, 'subnets given as a list, one per zone, or ZoneCapacity.placed([...])');
      return;
    }
    if (this.zones < 2) {
      v.add(prop, `${this.source}, in ${this.zones} zone(s)`, 'targets in two zones at least: in one zone, the loss of that zone takes them all');
      return;
    }
    const left = this.afterZoneLoss!;
    if (left >= this.required) return;
    const largest = Math.max(...this.perZone!);
    // The fewest targets, spread evenly, that leave `required` after losing a zone: T - ceil(T / Z) >= required.
    let enough = this.required;
    while (enough - Math.ceil(enough / this.zones) < this.required) enough++;
    const evenLeft = this.total - Math.ceil(this.total / this.zones);
    const spread = evenLeft >= this.required
      ? `spread these ${this.total} evenly (at most ${Math.ceil(this.total / this.zones)} a zone): uneven placement is what loses the most with one zone; or `
      : '';
    v.add(prop, `${this.total} ${this.unit} over ${this.zones} zones (${this.perZone!.join(' + ')}): ${left} left when the largest zone (${largest}) is lost`,
      `at least ${this.required} left, the load stated: ${spread}run ${enough} ${this.unit} spread evenly over the ${this.zones} zones (N+1 per zone), or add a zone`);
  }
}
