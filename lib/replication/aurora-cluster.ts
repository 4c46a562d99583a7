/**
 * The Aurora half of a `ReplicatedDatabase`: a cluster with a writer and readers spread over the
 * zones, the readers in promotion order.
 */
import { Duration } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { GlobalDatabaseRole } from './database-props';
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
  // A secondary of a global database has no writer: the first of its read-only instances takes
  // the writer's place in the cluster's layout.
  const secondary = props.global?.role === GlobalDatabaseRole.SECONDARY;
  const readers = secondary ? layout.readReplicas - 1 : layout.readReplicas;
  // A secondary's VPC may be another stack's: its instances are left to RDS to spread over the
  // subnet group's zones rather than named by zones that stack holds.
  const zoneOf = (i: number): string | undefined => (secondary ? undefined : zones[i % zones.length]);
  const cluster = new rds.DatabaseCluster(scope, 'Resource', {
    ...shared,
    clusterIdentifier: layout.identifier,
    engine: props.engine.clusterEngine!,
    writer: rds.ClusterInstance.provisioned('Writer', { instanceType, availabilityZone: zoneOf(0), enablePerformanceInsights: performanceInsights }),
    readers: Array.from({ length: readers }, (_, i) => rds.ClusterInstance.provisioned(`Reader${i + 1}`, {
      instanceType,
      availabilityZone: zoneOf(i + 1),
      promotionTier: Math.min(i + 1, LAST_PROMOTION_TIER),
      enablePerformanceInsights: performanceInsights })),
    defaultDatabaseName: props.databaseName,
    backup: { retention: props.backupRetention ?? Duration.days(7) },
    // Backtrack is not available in a global database.
    backtrackWindow: props.backtrackWindow ?? (engineType === 'aurora-mysql' && props.global === undefined ? Duration.hours(24) : undefined) });
  // A headless secondary: storage without a DB instance, which the L2 cannot build without a
  // writer. The cluster is created without one, as the Aurora User Guide has it for Aurora
  // PostgreSQL ("skip the step" of creating a reader): "Creating a headless Aurora DB cluster in a
  // secondary Region",
  // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-attach.console.headless.html
  if (secondary && layout.readReplicas === 0) cluster.node.tryRemoveChild('Writer');
  return cluster;
}
