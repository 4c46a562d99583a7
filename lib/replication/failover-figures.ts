/**
 * The data tiers' failover figures, each from the service's own user guide, with whether AWS
 * states it as a bound or as a typical value. AWS states none of them as a bound: each is the
 * upper end of what the guide calls typical. A team that measured its own replaces the figure with
 * `measuredFailoverTime` on the construct.
 */
import { Duration } from 'aws-cdk-lib';
import { FailoverStep, FigureKind, MeasuredFailoverTime } from '../core/failover-time';

/**
 * RDS Multi-AZ DB instance: "Failovers, as defined by the interval between the detection of the
 * failure on the primary and the resumption of transactions on the standby, typically complete
 * within 60–120 seconds." The upper end, 120 s.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html
 */
export const RDS_MULTI_AZ_FAILOVER: FailoverStep = {
  name: 'failover',
  duration: Duration.seconds(120),
  kind: FigureKind.AWS_TYPICAL,
  source: 'Amazon RDS User Guide, "Failing over a Multi-AZ DB instance": "typically complete within 60–120 seconds"',
  explanation: 'RDS fails over to the Multi-AZ standby and repoints the instance endpoint',
};

/**
 * Aurora with at least one reader: "service is typically restored in less than 60 seconds, and
 * often less than 30 seconds". The typical bound, 60 s (the Aurora FAQs' "within 30 seconds" is
 * the often case, not the typical one).
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html#Aurora.Managing.FaultTolerance
 */
export const AURORA_FAILOVER: FailoverStep = {
  name: 'failover',
  duration: Duration.seconds(60),
  kind: FigureKind.AWS_TYPICAL,
  source: 'Amazon Aurora User Guide, "Fault tolerance for an Aurora DB cluster": "typically restored in less than 60 seconds"',
  explanation: 'Aurora promotes a reader and repoints the cluster endpoint',
};

/**
 * ElastiCache (Valkey, Redis OSS) with Multi-AZ: after a primary fails, a replica is promoted and
 * writes resume "typically [in] just a few minutes". The library reads "a few minutes" as 3
 * minutes: the plain reading of "a few", and above RDS Multi-AZ's "60–120 seconds", which the
 * guides state in seconds when they mean seconds. Teams that need a tighter figure measure it (the
 * TestFailover API forces one) and give it as `measuredFailoverTime`.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
 */
export const ELASTICACHE_FAILOVER: FailoverStep = {
  name: 'failover',
  duration: Duration.minutes(3),
  kind: FigureKind.AWS_TYPICAL,
  source: 'Amazon ElastiCache User Guide, "Minimizing downtime in ElastiCache by using Multi-AZ", failure scenarios: "typically just a few minutes", taken as 3 minutes',
  explanation: 'ElastiCache promotes the replica with the least lag and repoints the primary endpoint',
};

/**
 * The step a tier reports: its documented figure, or the team's measurement in its place.
 */
export function failoverStep(documented: FailoverStep, measured: MeasuredFailoverTime | undefined): FailoverStep {
  return measured ? measured.asStep(documented.name, documented) : documented;
}

/**
 * Aurora global database, a failover to a secondary region when the primary's is lost: the
 * Aurora User Guide gives its recovery time as "in the order of minutes". The library reads it as
 * 5 minutes, typical; measure yours (a switchover or failover in a game day) and give it as
 * `global.measuredFailoverTime`.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html
 */
export const AURORA_GLOBAL_FAILOVER: FailoverStep = {
  name: 'global failover',
  duration: Duration.minutes(5),
  kind: FigureKind.AWS_TYPICAL,
  source: 'Amazon Aurora User Guide, "Using switchover or failover in an Amazon Aurora global database": recovery time "in the order of minutes", taken as 5 minutes',
  explanation: 'Aurora promotes the standby region\'s secondary to the writer, once an operator or a region switch starts it',
};

/**
 * What a region's loss costs in data, without a bound: Aurora replicates to the secondary
 * regions "with typical latency of under a second", taken as 1 s, typical.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html
 */
export const AURORA_GLOBAL_LAG: FailoverStep = {
  name: 'global replication lag',
  duration: Duration.seconds(1),
  kind: FigureKind.AWS_TYPICAL,
  source: 'Amazon Aurora User Guide, "Using Amazon Aurora Global Database": replication "with typical latency of under a second", taken as 1 s',
  explanation: 'writes the secondary region had not received when the primary\'s was lost',
};

/**
 * With Aurora PostgreSQL's managed RPO (`rds.global_db_rpo`), Aurora holds commits on the primary
 * while no secondary is within the bound, so a failover loses at most that much: a bound.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html#aurora-global-database-manage-recovery
 */
export function managedRpo(rpo: Duration): FailoverStep {
  return {
    name: 'global replication lag',
    duration: rpo,
    kind: FigureKind.AWS_BOUND,
    source: 'Amazon Aurora User Guide, "Managing RPOs for Aurora PostgreSQL–based global databases" (rds.global_db_rpo)',
    explanation: `at most ${rpo.toSeconds()} s of writes: Aurora holds the primary's commits while no secondary is within it`,
  };
}

/**
 * A writer's failure within the region loses no committed write: RDS Multi-AZ replicates to its
 * standby synchronously, and Aurora's storage keeps six copies over three zones.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html
 */
export const IN_REGION_DATA_LOSS: FailoverStep = {
  name: 'committed writes lost',
  duration: Duration.seconds(0),
  kind: FigureKind.AWS_BOUND,
  source: 'RDS User Guide, "Multi-AZ DB instance deployments" (synchronous standby); Aurora User Guide, "High availability for Amazon Aurora" (six copies across three zones)',
  explanation: 'the standby or the new writer has every committed write',
};

/**
 * A headless secondary of an Aurora global database (a cluster with no DB instance) cannot be
 * promoted until it has one. The Aurora User Guide ("Creating a headless Aurora DB cluster in a
 * secondary Region",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-attach.console.headless.html)
 * gives no time for adding it; the library assumes 15 minutes and says so. Measure yours and give
 * it as `GlobalDatabase.secondaryOf(primary, { measuredInstanceCreationTime })`.
 */
export const HEADLESS_INSTANCE_CREATION: FailoverStep = {
  name: 'headless secondary: create a DB instance',
  duration: Duration.minutes(15),
  kind: FigureKind.ASSUMED,
  source: 'the Aurora User Guide, "Creating a headless Aurora DB cluster in a secondary Region", gives no time for adding a DB instance to a headless secondary',
  explanation: 'a headless secondary has no instance to promote: one is created first, then the failover runs',
};

/**
 * An ElastiCache Global Datastore, a secondary promoted to primary when the primary's region is
 * lost. The ElastiCache User Guide gives no figure; AWS's Disaster Recovery workshop gives an RTO
 * of 1 minute for it, which the library takes as an assumption, not a documented figure.
 * https://disaster-recovery.workshop.aws/en/services/databases/elasticache/global-datastore.html
 */
export const GLOBAL_DATASTORE_PROMOTION: FailoverStep = {
  name: 'Global Datastore promotion',
  duration: Duration.minutes(1),
  kind: FigureKind.ASSUMED,
  source: 'AWS\'s Disaster Recovery workshop, "ElastiCache - Global Datastore": "RTO: 1 minute"; the ElastiCache User Guide gives no figure',
  explanation: 'the secondary in the standby region is promoted to primary (FailoverGlobalReplicationGroup) and accepts writes',
};
