/**
 * The Aurora half of a `ReplicatedDatabase`: a cluster with a writer and readers spread over the
 * zones, the readers in promotion order.
 */
import { Duration } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { DatabaseLayout } from './rds-instance';

/**
 * The last promotion tier: 0 to 15 (RDS API Reference, CreateDBInstance `PromotionTier`,
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
 */
const LAST_PROMOTION_TIER = 15;

/** The cluster: its writer in the first zone, each reader in the next zone round. */
export function createAuroraCluster(scope: Construct, layout: DatabaseLayout): rds.DatabaseCluster {
  const { props, shared, engineType, instanceType, zones } = layout;
  const performanceInsights = props.performanceInsights ?? false;
  return new rds.DatabaseCluster(scope, 'Resource', {
    ...shared,
    clusterIdentifier: layout.identifier,
    engine: props.engine.clusterEngine!,
    writer: rds.ClusterInstance.provisioned('Writer', { instanceType, availabilityZone: zones[0], enablePerformanceInsights: performanceInsights }),
    readers: Array.from({ length: layout.readReplicas }, (_, i) => rds.ClusterInstance.provisioned(`Reader${i + 1}`, {
      instanceType,
      availabilityZone: zones[(i + 1) % zones.length],
      promotionTier: Math.min(i + 1, LAST_PROMOTION_TIER),
      enablePerformanceInsights: performanceInsights })),
    defaultDatabaseName: props.databaseName,
    backup: { retention: props.backupRetention ?? Duration.days(7) },
    backtrackWindow: props.backtrackWindow ?? (engineType === 'aurora-mysql' ? Duration.hours(24) : undefined) });
}
