/**
 * Aurora global databases: a primary in one region's stack, a secondary in another's, joined by
 * the global cluster's name; and the rules of the Aurora User Guide's Global Database pages.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  DatabaseAvailability, DatabaseEngine, FigureKind, GlobalDatabase, GlobalDatabaseSecondaryOptions, MeasuredFailoverTime, ReplicatedDatabase, ReplicatedDatabaseProps,
} from '../../lib';
import { regionStack } from '../support/region-stack';
import { checkTemplateAgainstSpec } from '../support/resource-spec';
import { testApp } from '../support/stacks';

const POSTGRES = DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }));
const MEMORY_OPTIMIZED = ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE);

type Partial2 = {
  primary?: Partial<ReplicatedDatabaseProps>;
  secondary?: Partial<ReplicatedDatabaseProps>;
  secondaryOptions?: GlobalDatabaseSecondaryOptions;
  secondaryRegion?: string;
};

const MEASURED_CREATION = MeasuredFailoverTime.of(Duration.minutes(10), 'game day: a db.r7g.large added to the headless secondary');

function build(overrides: Partial2 = {}) {
  const app = testApp();
  const one = regionStack(app, 'Primary', 'eu-west-1', { egress: true });
  const two = regionStack(app, 'Standby', overrides.secondaryRegion ?? 'eu-central-1', { egress: true });
  const primary = new ReplicatedDatabase(one.stack, 'Orders', {
    vpc: one.vpc, engine: POSTGRES, instanceType: MEMORY_OPTIMIZED, global: GlobalDatabase.primary({ recoveryPointObjective: Duration.minutes(1) }), ...overrides.primary,
  });
  const secondary = new ReplicatedDatabase(two.stack, 'Orders', {
    vpc: two.vpc, engine: POSTGRES, instanceType: MEMORY_OPTIMIZED, global: GlobalDatabase.secondaryOf(primary, overrides.secondaryOptions), ...overrides.secondary,
  });
  return { app, primary, secondary, one, two };
}

describe('a primary and a secondary in two regions', () => {
  test('the global cluster is made from the primary; the secondary joins it by name, with no credentials, with a key of its own region', () => {
    const { primary, secondary, one, two } = build();
    const first = Template.fromStack(one.stack);
    const second = Template.fromStack(two.stack);
    expect(primary.globalClusterIdentifier).toMatch(/-global$/);
    first.hasResourceProperties('AWS::RDS::GlobalCluster', {
      GlobalClusterIdentifier: primary.globalClusterIdentifier,
      SourceDBClusterIdentifier: Match.anyValue(),
      DeletionProtection: true,
    });
    // The data-loss bound, in the primary's cluster parameter group beside TLS.
    first.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'rds.force_ssl': '1', 'rds.global_db_rpo': '60' } });
    const cluster = Object.values(second.findResources('AWS::RDS::DBCluster'))[0].Properties;
    expect(cluster.GlobalClusterIdentifier).toBe(primary.globalClusterIdentifier);
    expect(cluster.MasterUsername).toBeUndefined();
    expect(cluster.MasterUserPassword).toBeUndefined();
    expect(cluster.DatabaseName).toBeUndefined();
    expect(cluster.StorageEncrypted).toBe(true);
    expect(cluster.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^OrdersStorageKey/), 'Arn'] });
    expect(cluster.EngineVersion).toBe(Object.values(first.findResources('AWS::RDS::DBCluster'))[0].Properties.EngineVersion);
    second.resourceCountIs('AWS::SecretsManager::Secret', 0);
    second.resourceCountIs('AWS::RDS::DBInstance', 1);
    second.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    // Grants on it for AWS services acting for AWS resources only (Control Tower CT.KMS.PR.3).
    second.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'kms:CreateGrant' })]) } });
    expect(secondary.secret).toBeUndefined();
    expect(secondary.failoverTime).toBeUndefined();
    // Deployed after the primary, deleted before it.
    expect(two.stack.dependencies).toContain(one.stack);
    for (const stack of [one.stack, two.stack]) expect(checkTemplateAgainstSpec(stack.stackName, Template.fromStack(stack).toJSON())).toEqual([]);
  });

  test('cdk-nag AwsSolutions finds nothing unacknowledged in either region', () => {
    const { app } = build();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('a secondary in a VPC with isolated subnets only synthesizes: it has no password to rotate', () => {
    const app = testApp();
    const one = regionStack(app, 'Primary', 'eu-west-1', { egress: true });
    const stack = new Stack(app, 'Isolated', { env: { region: 'eu-central-1', account: '111111111111' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-central-1a', 'eu-central-1b'], natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const primary = new ReplicatedDatabase(one.stack, 'Orders', { vpc: one.vpc, engine: POSTGRES, instanceType: MEMORY_OPTIMIZED, global: GlobalDatabase.primary() });
    expect(() => new ReplicatedDatabase(stack, 'Orders', { vpc, engine: POSTGRES, instanceType: MEMORY_OPTIMIZED, global: GlobalDatabase.secondaryOf(primary) })).not.toThrow();
  });

  test('the secondary alarms when it lags past the primary\'s data-loss bound', () => {
    const { two } = build();
    Template.fromStack(two.stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AuroraGlobalDBReplicationLag', Namespace: 'AWS/RDS', Threshold: 60_000, ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  test('Aurora MySQL 3.01.0, the earliest version 3 a global database takes, synthesizes; backtrack is off by default there', () => {
    const mysql = DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_01_0 }));
    const { one } = build({ primary: { engine: mysql, global: GlobalDatabase.primary() }, secondary: { engine: mysql } });
    const cluster = Object.values(Template.fromStack(one.stack).findResources('AWS::RDS::DBCluster'))[0].Properties;
    expect(cluster.BacktrackWindow).toBeUndefined();
  });

  test('an identifier of 63 characters, the most a global cluster takes, synthesizes', () => {
    const identifier = `o${'-x'.repeat(31)}`;
    expect(identifier).toHaveLength(63);
    expect(build({ primary: { global: GlobalDatabase.primary({ identifier }) } }).primary.globalClusterIdentifier).toBe(identifier);
  });

  test('a data-loss bound of 20 s, the least rds.global_db_rpo takes, synthesizes', () => {
    expect(() => build({ primary: { global: GlobalDatabase.primary({ recoveryPointObjective: Duration.seconds(20) }) } })).not.toThrow();
  });
});

describe('rules', () => {
  const mysql = (version: rds.AuroraMysqlEngineVersion) => DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraMysql({ version }));
  test.each<[string, Partial2, RegExp]>([
    ['an RDS engine', { primary: { engine: DatabaseEngine.rds(rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 })), availability: DatabaseAvailability.HIGHLY_AVAILABLE } },
      /Orders:\n {2}global: got primary of a global database on postgres; allowed: an Aurora engine \(DatabaseEngine\.aurora\(\)\)/],
    ['a burstable class', { primary: { instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM) } },
      /instanceType: got db\.t4g\.medium; allowed: a memory-optimized class \(db\.r5 and later, db\.x2g\): a global database requires one/],
    ['Aurora MySQL before 2.07.0', { primary: { engine: mysql(rds.AuroraMysqlEngineVersion.VER_2_04_9), global: GlobalDatabase.primary() }, secondary: { engine: mysql(rds.AuroraMysqlEngineVersion.VER_2_04_9) } },
      /engine: got Aurora MySQL 5\.7\.mysql_aurora\.2\.04\.9; allowed: Aurora MySQL 2\.07\.0 or later \(MySQL 5\.7\), or 3\.01\.0 or later \(MySQL 8\.0\)/],
    ['no engine version', { primary: { engine: DatabaseEngine.aurora(rds.DatabaseClusterEngine.AURORA_POSTGRESQL) } },
      /engine: got no engine version; allowed: a pinned version/],
    ['backtrack', { primary: { engine: mysql(rds.AuroraMysqlEngineVersion.VER_3_04_0), global: GlobalDatabase.primary(), backtrackWindow: Duration.hours(1) }, secondary: { engine: mysql(rds.AuroraMysqlEngineVersion.VER_3_04_0) } },
      /backtrackWindow: got 3600 s; allowed: unset: backtrack is not available to a cluster of a global database/],
    ['a data-loss bound on Aurora MySQL', { primary: { engine: mysql(rds.AuroraMysqlEngineVersion.VER_3_04_0) }, secondary: { engine: mysql(rds.AuroraMysqlEngineVersion.VER_3_04_0) } },
      /global\.recoveryPointObjective: got 60 s on aurora-mysql; allowed: Aurora PostgreSQL only/],
    ['a data-loss bound under 20 s', { primary: { global: GlobalDatabase.primary({ recoveryPointObjective: Duration.seconds(19) }) } },
      /global\.recoveryPointObjective: got 19 s; allowed: whole seconds, at least 20 \(rds\.global_db_rpo\)/],
    ['an identifier with a double hyphen', { primary: { global: GlobalDatabase.primary({ identifier: 'orders--global' }) } },
      /global\.identifier: got "orders--global"; allowed: 1 to 63 letters, digits and hyphens/],
    ['a secondary in the primary\'s region', { secondaryRegion: 'eu-west-1' },
      /global: got a secondary in eu-west-1, the primary's region; allowed: a stack in another region/],
    ['a secondary with master credentials', { secondary: { username: 'admin' } },
      /username: got "admin"; allowed: unset on a secondary: it has no master credentials of its own, it takes the primary's/],
    ['a secondary with a database name', { secondary: { databaseName: 'orders' } },
      /databaseName: got "orders"; allowed: unset on a secondary/],
    ['a measured instance creation on a warm secondary', { secondaryOptions: { measuredInstanceCreationTime: MEASURED_CREATION } },
      /global\.measuredInstanceCreationTime: got 600 s; allowed: unset on a warm secondary \(readReplicas 1\)/],
    ['15 readers on the primary', { primary: { readReplicas: 15 } },
      /readReplicas: got 15; allowed: at most 14 on the primary of a global database/],
    ['17 instances on a secondary', { secondary: { readReplicas: 17 } },
      /readReplicas: got 17; allowed: an integer from 0 to 16/],
    ['a secondary of another engine version', { secondary: { engine: DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_1 })) } },
      /engine: got aurora-postgresql 16\.1; allowed: the primary's engine and version, aurora-postgresql 16\.4/],
    ['a secondary of a regional database', { primary: { global: undefined } },
      /global: got a secondary of Primary\/Orders; allowed: a secondary of a ReplicatedDatabase created with global: GlobalDatabase\.primary\(\)/],
    ['a lag alarm on the primary', { primary: { alarms: { globalReplicationLag: Duration.seconds(5) } } },
      /alarms\.globalReplicationLag: got 5 s; allowed: unset outside a secondary of a global database/],
  ])('%s is refused at synth', (_name, overrides, message) => {
    expect(() => build(overrides)).toThrow(message);
  });
});

describe('headless and warm secondaries', () => {
  test('a headless secondary (readReplicas: 0) is storage only: no instance, no instance alarms, its lag alarm; the region failover creates an instance first', () => {
    const { primary, secondary, two } = build({ secondary: { readReplicas: 0 } });
    const second = Template.fromStack(two.stack);
    second.resourceCountIs('AWS::RDS::DBCluster', 1);
    second.resourceCountIs('AWS::RDS::DBInstance', 0);
    expect(secondary.headless).toBe(true);
    const metrics = Object.values(second.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.MetricName);
    expect(metrics).toEqual(['AuroraGlobalDBReplicationLag']);
    const steps = primary.globalFailoverTime!.steps;
    expect(steps.map((s) => [s.name, s.duration.toSeconds(), s.kind])).toEqual([
      ['headless secondary: create a DB instance', 900, FigureKind.ASSUMED],
      ['global failover', 300, FigureKind.AWS_TYPICAL],
    ]);
    expect(checkTemplateAgainstSpec('Standby', second.toJSON())).toEqual([]);
  });

  test('a headless secondary\'s measured instance creation replaces the assumed 15 minutes', () => {
    const { primary } = build({ secondary: { readReplicas: 0 }, secondaryOptions: { measuredInstanceCreationTime: MEASURED_CREATION } });
    const creation = primary.globalFailoverTime!.steps[0];
    expect([creation.duration.toSeconds(), creation.kind, creation.source]).toEqual([600, FigureKind.MEASURED, MEASURED_CREATION.source]);
  });

  test('with a warm secondary beside a headless one, the failover goes to the warm one: no instance to create', () => {
    const { app, primary } = build({ secondary: { readReplicas: 0 } });
    const third = regionStack(app, 'Third', 'us-east-1', { egress: true });
    new ReplicatedDatabase(third.stack, 'Orders', { vpc: third.vpc, engine: POSTGRES, instanceType: MEMORY_OPTIMIZED, global: GlobalDatabase.secondaryOf(primary) });
    expect(primary.globalFailoverTime!.steps.map((s) => s.name)).toEqual(['global failover']);
  });

  test('a secondary takes up to 16 instances', () => {
    const { two } = build({ secondary: { readReplicas: 16 } });
    Template.fromStack(two.stack).resourceCountIs('AWS::RDS::DBInstance', 16);
  });
});

describe('the limits of a global database', () => {
  const REGIONS = ['eu-central-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ap-south-1', 'ap-northeast-1', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'sa-east-1'];
  function secondaries(count: number, primaryReaders = 1) {
    const app = testApp();
    const one = regionStack(app, 'Primary', 'eu-west-1', { egress: true });
    const primary = new ReplicatedDatabase(one.stack, 'Orders', { vpc: one.vpc, engine: POSTGRES, instanceType: MEMORY_OPTIMIZED, readReplicas: primaryReaders, global: GlobalDatabase.primary() });
    REGIONS.slice(0, count).forEach((region, i) => {
      const there = regionStack(app, `Secondary${i + 1}`, region);
      new ReplicatedDatabase(there.stack, 'Orders', { vpc: there.vpc, engine: POSTGRES, instanceType: MEMORY_OPTIMIZED, readReplicas: 0, global: GlobalDatabase.secondaryOf(primary) });
    });
    return primary;
  }

  test('ten secondaries, the most a global database has, synthesize; an eleventh is refused', () => {
    expect(() => secondaries(10)).not.toThrow();
    expect(() => secondaries(11)).toThrow(/Secondary11\/Orders:\n {2}global: got secondary number 11 of Primary\/Orders; allowed: at most 10 secondaries in a global database/);
  });

  test('the primary\'s readers and the secondaries number 15 at most: 13 readers and 2 secondaries synthesize, a third is refused', () => {
    expect(() => secondaries(2, 13)).not.toThrow();
    expect(() => secondaries(3, 13)).toThrow(/global: got secondary number 3 of Primary\/Orders, which has 13 readers; allowed: at most 15 readers of the primary and secondaries together/);
  });

  test('14 readers on the primary, with its one secondary, synthesize', () => {
    expect(() => secondaries(1, 14)).not.toThrow();
  });

  test('a second secondary in a region that has one is refused', () => {
    const { app, primary } = build();
    const again = regionStack(app, 'Again', 'eu-central-1');
    expect(() => new ReplicatedDatabase(again.stack, 'Orders', { vpc: again.vpc, engine: POSTGRES, instanceType: MEMORY_OPTIMIZED, readReplicas: 0, global: GlobalDatabase.secondaryOf(primary) }))
      .toThrow(/global: got a second secondary in eu-central-1 \(Standby\/Orders is there\); allowed: one secondary per region/);
  });
});

describe('the global writer endpoint', () => {
  test('is read at deploy with DescribeGlobalClusters, allowed on this global cluster only, on both sides; the writer\'s private name follows it', () => {
    const { primary, secondary, one, two } = build({ primary: { internalDns: { zoneName: 'db.internal' } }, secondary: { internalDns: { zoneName: 'db.internal' } } });
    for (const [db, stack] of [[primary, one.stack], [secondary, two.stack]] as const) {
      const template = Template.fromStack(stack);
      const read = Object.values(template.findResources('Custom::GlobalWriterEndpoint'));
      expect(read).toHaveLength(1);
      const call = JSON.stringify(read[0].Properties.Update);
      expect(call).toContain('"action\\":\\"describeGlobalClusters\\"');
      expect(call).toContain(`"GlobalClusterIdentifier\\":\\"${primary.globalClusterIdentifier}\\"`);
      template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{
        Action: 'rds:DescribeGlobalClusters', Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:rds::111111111111:global-cluster:${primary.globalClusterIdentifier}`]] },
      }] } });
      expect(stack.resolve(db.globalWriterEndpoint!.hostname)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/GlobalWriterEndpoint/), 'GlobalClusters.0.Endpoint'] });
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'writer.db.internal.', Type: 'CNAME', ResourceRecords: [stack.resolve(db.globalWriterEndpoint!.hostname)] });
      expect(checkTemplateAgainstSpec(stack.stackName, template.toJSON())).toEqual([]);
    }
  });
});
