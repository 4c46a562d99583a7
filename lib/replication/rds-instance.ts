/**
 * The RDS half of a `ReplicatedDatabase`: a Multi-AZ instance and its read replicas, spread over
 * the zones, in one subnet group.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { ReplicatedDatabaseProps } from './database-props';
import { storageCeilingGiB } from './rds-rules';

/** The settings an RDS instance and an Aurora cluster take alike. */
export interface SharedDatabaseSettings {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: ec2.ISecurityGroup[];
  readonly port: number;
  readonly credentials: rds.Credentials;
  readonly storageEncrypted: boolean;
  readonly storageEncryptionKey?: ReplicatedDatabaseProps['storageEncryptionKey'];
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly iamAuthentication: boolean;
  readonly parameterGroup?: rds.IParameterGroup;
  readonly cloudwatchLogsExports: string[];
  readonly monitoringInterval?: Duration;
  readonly monitoringRole?: iam.IRole;
  readonly autoMinorVersionUpgrade: boolean;
}

/** What the construct decided before either half is built. */
export interface DatabaseLayout {
  readonly props: ReplicatedDatabaseProps;
  readonly shared: SharedDatabaseSettings;
  /** The cluster's or the instance's identifier; replicas add `-replica-<n>`. */
  readonly identifier: string;
  readonly engineType: string;
  readonly instanceType: ec2.InstanceType;
  readonly multiAz: boolean;
  readonly readReplicas: number;
  /** The zones of the subnets, in order: the writer in the first, readers round the rest. */
  readonly zones: string[];
}

export interface RdsInstanceParts {
  readonly instance: rds.DatabaseInstance;
  readonly replicas: rds.DatabaseInstanceReadReplica[];
}

/** The writer instance and its read replicas, each replica in the next zone round. */
export function createRdsInstance(scope: Construct, layout: DatabaseLayout): RdsInstanceParts {
  const { props, shared, identifier, engineType, instanceType } = layout;
  const subnetGroup = new rds.SubnetGroup(scope, 'SubnetGroup', {
    vpc: shared.vpc,
    vpcSubnets: shared.vpcSubnets,
    description: `${scope.node.path}: database subnets` });
  const instance = new rds.DatabaseInstance(scope, 'Resource', {
    ...shared,
    instanceIdentifier: identifier,
    subnetGroup,
    engine: props.engine.instanceEngine!,
    instanceType,
    multiAz: layout.multiAz,
    allocatedStorage: props.allocatedStorage ?? 100,
    maxAllocatedStorage: storageCeilingGiB(engineType, props.allocatedStorage ?? 100),
    storageType: rds.StorageType.GP3,
    databaseName: props.databaseName,
    backupRetention: props.backupRetention ?? Duration.days(7),
    enablePerformanceInsights: props.performanceInsights ?? false,
    publiclyAccessible: false });
  const replicas = Array.from({ length: layout.readReplicas }, (_, i) => {
    // A replica inherits engine, credentials and storage encryption from its source.
    const replica = new rds.DatabaseInstanceReadReplica(scope, `Replica${i + 1}`, {
      sourceDatabaseInstance: instance,
      instanceIdentifier: `${identifier}-replica-${i + 1}`,
      instanceType,
      vpc: shared.vpc,
      subnetGroup,
      securityGroups: shared.securityGroups,
      availabilityZone: layout.zones[(i + 1) % layout.zones.length],
      port: shared.port,
      deletionProtection: shared.deletionProtection,
      // Replicas hold no data of their own: they are rebuilt from the source.
      removalPolicy: RemovalPolicy.DESTROY,
      iamAuthentication: shared.iamAuthentication,
      parameterGroup: shared.parameterGroup,
      cloudwatchLogsExports: shared.cloudwatchLogsExports,
      monitoringInterval: shared.monitoringInterval,
      monitoringRole: shared.monitoringRole,
      autoMinorVersionUpgrade: true,
      backupRetention: replicaBackupRetention(engineType),
      storageType: rds.StorageType.GP3,
      enablePerformanceInsights: props.performanceInsights ?? false,
      publiclyAccessible: false });
    // A replica listens on its source's port; CDK leaves the property out, so state it.
    (replica.node.defaultChild as rds.CfnDBInstance).port = String(shared.port);
    Validations.of(replica).acknowledge(
      {
        id: 'AwsSolutions-RDS2',
        reason: 'A read replica inherits the storage encryption of its encrypted source; CloudFormation refuses StorageEncrypted together with SourceDBInstanceIdentifier.' },
      {
        id: 'AwsSolutions-RDS11',
        reason: 'The replica listens on its source\'s non-default port (its Port property says so), but a read replica has no Engine property, which this rule requires to tell default ports apart.' },
      {
        id: 'AwsSolutions-RDS3',
        reason: 'Read replicas are spread over the Availability Zones: losing a zone loses one replica while the reader name answers with the others. A Multi-AZ standby per replica would double their cost without adding read availability; the writer is Multi-AZ.' },
    );
    return replica;
  });
  return { instance, replicas };
}

/** Automated backups on a replica: MySQL and MariaDB replicas keep them (so that they can be promoted and chained); others cannot. */
function replicaBackupRetention(engineType: string): Duration | undefined {
  return /^(mysql|mariadb)$/.test(engineType) ? Duration.days(1) : undefined;
}
