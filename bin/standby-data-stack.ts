/**
 * The reference app's data in the standby region: the secondaries of the primary's Aurora global
 * database and ElastiCache Global Datastore, in the standby's VPC, reachable from the standby's
 * tasks only. A stack of its own,
 * deployed after the primary (whose global cluster it joins) and the standby (whose VPC it uses).
 */
import { Stack, StackProps } from 'aws-cdk-lib';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { GlobalDatabase, GlobalDatastore, RegionSwitchPlan, RegionSwitchRegion, ReplicatedCache, ReplicatedDatabase } from '../lib';
import { CACHE_NODE_TYPE, DATABASE_INSTANCE_TYPE, ReferenceStack } from './reference-stack';

/**
 * Props of the standby region's data.
 */
export interface StandbyDataStackProps extends StackProps {
  /** The primary region's stack, whose database is the global database's primary. */
  readonly primary: ReferenceStack;
  /** The standby region's stack: its VPC and its tasks. */
  readonly standby: ReferenceStack;
}

/** The secondary database in the standby region. */
export class StandbyDataStack extends Stack {
  public readonly database: ReplicatedDatabase;
  public readonly cache: ReplicatedCache;
  /** The region switch plan between the two regions, when the primary takes part in one. */
  public readonly plan?: RegionSwitchPlan;

  constructor(scope: Construct, id: string, props: StandbyDataStackProps) {
    super(scope, id, props);
    const primary = props.primary.service.database!;
    this.database = new ReplicatedDatabase(this, 'Database', {
      vpc: props.standby.vpc,
      engine: primary.engine,
      instanceType: DATABASE_INSTANCE_TYPE,
      global: GlobalDatabase.secondaryOf(primary),
      // The standby's tasks write through writer.db.internal, the global writer endpoint, as the
      // primary's do: it follows the writer to whichever region holds it.
      internalDns: { zoneName: 'db.internal' },
      // The standby region's alarms go to the standby service's topic.
      alarms: { actions: [new cwActions.SnsAction(props.standby.service.alarmTopic)] },
    });
    this.database.connections.allowDefaultPortFrom(props.standby.service.serviceSecurityGroup, 'API tasks of the standby region');
    // The cache's secondary: the primary's engine, nodes, encryption and AUTH; one replica here.
    this.cache = new ReplicatedCache(this, 'Cache', {
      vpc: props.standby.vpc,
      nodeType: CACHE_NODE_TYPE,
      replicasPerShard: 1,
      global: GlobalDatastore.secondaryOf(props.primary.service.cache!),
      internalDns: { zoneName: 'cache.internal' },
      alarms: { actions: [new cwActions.SnsAction(props.standby.service.alarmTopic)] },
    });
    this.cache.connections.allowDefaultPortFrom(props.standby.service.serviceSecurityGroup, 'API tasks of the standby region');
    if (props.primary.switchRegion) {
      // The plan lives here, in the standby region, whose stack stays deployable while the
      // primary's region is lost; ARC keeps it in both regions and runs it from the one it activates.
      const standby = new RegionSwitchRegion(this, 'RegionSwitch', {
        database: this.database, cache: this.cache, ecsServices: [props.standby.tasks], notify: props.standby.service.alarmTopic });
      // Its last step turns the name, after the data: the primary's PRIMARY record carries the
      // health check the plan keeps for the primary region (ha-kit:regionSwitchHealthCheckId).
      this.plan = new RegionSwitchPlan(this, 'RegionSwitchPlan', {
        primary: props.primary.switchRegion, standby, planName: 'ha-kit-reference', dnsFailover: props.primary.service.dns,
      });
    }
  }
}
