import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DatabaseAvailability, DatabaseEngine, DatabaseKind, FigureKind, MeasuredFailoverTime, ReplicatedDatabase, ReplicatedDatabaseProps } from '../../lib';
import { dataStack } from '../support/data-stack';
import { checkTemplateAgainstSpec } from '../support/resource-spec';

const POSTGRES = DatabaseEngine.rds(rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }));
const MYSQL = DatabaseEngine.rds(rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_39 }));
const AURORA_PG = DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }));
const AURORA_MYSQL = DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 }));

function build(props: Partial<ReplicatedDatabaseProps> = {}) {
  const { app, stack, vpc } = dataStack();
  const db = new ReplicatedDatabase(stack, 'Db', { vpc, engine: AURORA_PG, ...props });
  return { app, stack, vpc, db, get template() { return Template.fromStack(stack); } };
}

describe('Aurora', () => {
  test('a writer and a reader in another zone with a promotion tier, behind cluster and reader endpoints', () => {
    const { template, db } = build();
    expect(db.kind).toBe(DatabaseKind.AURORA_CLUSTER);
    template.hasResourceProperties('AWS::RDS::DBInstance', { AvailabilityZone: 'eu-west-1a', DBInstanceClass: 'db.r7g.large', PubliclyAccessible: false });
    template.hasResourceProperties('AWS::RDS::DBInstance', { AvailabilityZone: 'eu-west-1b', PromotionTier: 1 });
    expect(db.writerEndpoint.port).toBe(5433);
    expect(Stack.of(db).resolve(db.readerEndpoint!.hostname)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Db/), 'ReadEndpoint.Address'] });
    expect(db.worstCaseFailoverTime?.toSeconds()).toBe(60);
    expect(db.failoverTime?.render()).toMatch(/\[AWS typical: Amazon Aurora User Guide, "Fault tolerance for an Aurora DB cluster": "typically restored in less than 60 seconds"\]/);
  });

  test('a measured failover time replaces the documented one', () => {
    const { db } = build({ measuredFailoverTime: MeasuredFailoverTime.of(Duration.seconds(18), 'FailoverDBCluster drill, 2026-10') });
    expect(db.worstCaseFailoverTime?.toSeconds()).toBe(18);
    expect(db.failoverTime?.steps[0]).toMatchObject({ kind: FigureKind.MEASURED, source: 'FailoverDBCluster drill, 2026-10' });
  });

  test('encrypted, deletion-protected, backed up 7 days, snapshot on removal, IAM auth, logs exported, on a non-default port', () => {
    const { template } = build();
    template.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: Match.objectLike({
        StorageEncrypted: true, DeletionProtection: true, BackupRetentionPeriod: 7, EnableIAMDatabaseAuthentication: true,
        EnableCloudwatchLogsExports: ['postgresql'], Port: 5433,
      }),
    });
  });

  test('readers spread over the zones with increasing promotion tiers', () => {
    const { template } = build({ readReplicas: 3 });
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance')).map((r) => [r.Properties.AvailabilityZone, r.Properties.PromotionTier]);
    expect(instances).toEqual([['eu-west-1a', 0], ['eu-west-1b', 1], ['eu-west-1c', 2], ['eu-west-1a', 3]]);
  });

  test('Aurora MySQL: all four logs and a 24-hour backtrack window', () => {
    const { template, db } = build({ engine: AURORA_MYSQL });
    template.hasResourceProperties('AWS::RDS::DBCluster', { EnableCloudwatchLogsExports: ['audit', 'error', 'general', 'slowquery'], BacktrackWindow: 86400, Port: 3307 });
    expect(db.writerEndpoint.port).toBe(3307);
  });

  test('the master secret is retained and rotated every 30 days from subnets with egress', () => {
    const { template, db } = build();
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' } });
    const [rotation] = Object.values(template.findResources('AWS::Serverless::Application'));
    const subnets = JSON.stringify(rotation.Properties.Parameters.vpcSubnetIds);
    for (const subnet of ['VpcAppSubnet1', 'VpcAppSubnet2', 'VpcAppSubnet3']) expect(subnets).toContain(subnet);
    expect(subnets).not.toContain('VpcData');
    expect(db.secret).toBeDefined();
  });

  test('the rotation function reaches Secrets Manager over HTTPS and the database on its port, nothing else', () => {
    const { template, db, stack } = build();
    const rotation = stack.resolve(db.rotationSecurityGroup!.securityGroupId);
    expect(JSON.stringify(template.findResources('AWS::Serverless::Application'))).toContain(JSON.stringify(rotation));
    const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: 'Data/Db: password rotation' } }));
    expect(group.Properties.SecurityGroupEgress).toEqual([{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS: Secrets Manager' }]);
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).filter((r) => JSON.stringify(r.Properties.GroupId) === JSON.stringify(rotation));
    // The database's port, as the cluster reports it.
    const port = { 'Fn::GetAtt': [stack.getLogicalId(db.cluster!.node.defaultChild as never), 'Endpoint.Port'] };
    expect(egress.map((r) => r.Properties)).toEqual([expect.objectContaining({
      IpProtocol: 'tcp', FromPort: port, ToPort: port,
      DestinationSecurityGroupId: stack.resolve(db.securityGroup.securityGroupId), Description: 'Data/Db: password rotation',
    })]);
  });
});

describe('RDS instance', () => {
  test('a Multi-AZ instance with read replicas in other zones, sharing one subnet group', () => {
    const { template, db } = build({ engine: POSTGRES, readReplicas: 2 });
    expect(db.kind).toBe(DatabaseKind.RDS_INSTANCE);
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres', MultiAZ: true, StorageEncrypted: true, DeletionProtection: true, BackupRetentionPeriod: 7, AllocatedStorage: '100',
      MaxAllocatedStorage: 400, StorageType: 'gp3', EnableIAMDatabaseAuthentication: true, Port: '5433', PubliclyAccessible: false,
      DBSubnetGroupName: { Ref: Match.stringLikeRegexp('DbSubnetGroup') },
    });
    for (const zone of ['eu-west-1b', 'eu-west-1c']) {
      template.hasResourceProperties('AWS::RDS::DBInstance', {
        SourceDBInstanceIdentifier: Match.anyValue(), AvailabilityZone: zone, StorageEncrypted: Match.absent(), DeletionProtection: true,
        DBSubnetGroupName: { Ref: Match.stringLikeRegexp('DbSubnetGroup') }, Port: '5433', StorageType: 'gp3',
      });
    }
    template.resourceCountIs('AWS::RDS::DBSubnetGroup', 1);
    expect(db.replicaEndpoints).toHaveLength(2);
    expect(db.readerEndpoint).toBeUndefined();
    expect(db.worstCaseFailoverTime?.toSeconds()).toBe(120);
  });

  test('the primary is snapshotted on removal, replicas are rebuilt', () => {
    const { template } = build({ engine: POSTGRES });
    template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', Properties: Match.objectLike({ MultiAZ: true }) });
    template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ SourceDBInstanceIdentifier: Match.anyValue() }) });
  });

  test('MySQL replicas keep a day of backups (so that they can be promoted); PostgreSQL ones cannot have any', () => {
    const mysql = build({ engine: MYSQL }).template;
    mysql.hasResourceProperties('AWS::RDS::DBInstance', { SourceDBInstanceIdentifier: Match.anyValue(), BackupRetentionPeriod: 1 });
    mysql.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'mysql', EnableCloudwatchLogsExports: ['error', 'general', 'slowquery'], Port: '3307' });
    build({ engine: POSTGRES }).template.hasResourceProperties('AWS::RDS::DBInstance', { SourceDBInstanceIdentifier: Match.anyValue(), BackupRetentionPeriod: Match.absent() });
  });

  test('internal DNS: reader. spreads over the replicas with equal weights', () => {
    const { template, db } = build({ engine: POSTGRES, readReplicas: 2, internalDns: { zoneName: 'db.internal' } });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'writer.db.internal.', Type: 'CNAME', TTL: '10', ResourceRecords: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Db'), 'Endpoint.Address'] }],
    });
    for (const [i, id] of [[1, 'replica-1'], [2, 'replica-2']] as const) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'reader.db.internal.', Type: 'CNAME', Weight: 1, SetIdentifier: id,
        ResourceRecords: [{ 'Fn::GetAtt': [Match.stringLikeRegexp(`^DbReplica${i}`), 'Endpoint.Address'] }],
      });
    }
    expect(db.readerEndpoint).toEqual({ hostname: 'reader.db.internal', port: 5433 });
  });

  test('single-AZ for development: no standby, no replica, no failover time', () => {
    const { template, db } = build({ engine: POSTGRES, availability: DatabaseAvailability.SINGLE_AZ });
    template.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: false });
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    expect(db.worstCaseFailoverTime).toBeUndefined();
  });

  test('options: instance type, storage, database, user, port, retention, parameters, logs, insights, monitoring, deletion protection off, retain', () => {
    const { stack, vpc } = dataStack();
    const parameterGroup = new rds.ParameterGroup(stack, 'Params', { engine: POSTGRES.instanceEngine!, parameters: { 'rds.force_ssl': '1' } });
    new ReplicatedDatabase(stack, 'Db', {
      vpc, engine: POSTGRES, instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.XLARGE), allocatedStorage: 500,
      databaseName: 'orders', username: 'owner', port: 6432, backupRetention: Duration.days(14), parameterGroup,
      cloudwatchLogsExports: ['postgresql', 'upgrade'], performanceInsights: true, monitoringInterval: Duration.seconds(30),
      deletionProtection: false, removalPolicy: RemovalPolicy.RETAIN, rotationInterval: Duration.days(7), readReplicas: 0,
    });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        DBInstanceClass: 'db.m7g.xlarge', AllocatedStorage: '500', DBName: 'orders', Port: '6432', BackupRetentionPeriod: 14,
        DBParameterGroupName: { Ref: Match.stringLikeRegexp('Params') }, EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
        EnablePerformanceInsights: true, MonitoringInterval: 30, DeletionProtection: false,
      }),
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"owner"}' }) });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
  });

  test('one enhanced-monitoring role serves the instance and its replicas', () => {
    const { template } = build({ engine: POSTGRES, readReplicas: 2, monitoringInterval: Duration.seconds(10) });
    template.resourcePropertiesCountIs('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'monitoring.rds.amazonaws.com' } })] } }, 1);
    template.allResourcesProperties('AWS::RDS::DBInstance', { MonitoringInterval: 10, MonitoringRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DbMonitoringRole'), 'Arn'] } });
  });

  test('rotation can be switched off, and the construct says why in its cdk-nag acknowledgement', () => {
    const { template } = build({ rotation: false });
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });
});

describe('defaults by engine family', () => {
  test.each([
    ['PostgreSQL', POSTGRES, 5433, ['postgresql'], true],
    ['MySQL', MYSQL, 3307, ['error', 'general', 'slowquery'], true],
    ['MariaDB', DatabaseEngine.rds(rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_11_9 })), 3307, ['error', 'general', 'slowquery'], true],
    ['Oracle EE', DatabaseEngine.rds(rds.DatabaseInstanceEngine.oracleEe({ version: rds.OracleEngineVersion.VER_19_0_0_0_2025_07_R1 })), 1522, ['alert', 'listener'], false],
    ['SQL Server EE', DatabaseEngine.rds(rds.DatabaseInstanceEngine.sqlServerEe({ version: rds.SqlServerEngineVersion.VER_16_00_4230_2_V1 })), 1435, ['error', 'agent'], false],
    ['Aurora PostgreSQL', AURORA_PG, 5433, ['postgresql'], true],
    ['Aurora MySQL', AURORA_MYSQL, 3307, ['audit', 'error', 'general', 'slowquery'], true],
  ])('%s: port %i, logs %j, IAM authentication %s', (_name, engine, port, exports, iam) => {
    const { template, db } = build({ engine, readReplicas: 0, availability: engine.kind === DatabaseKind.AURORA_CLUSTER ? DatabaseAvailability.SINGLE_AZ : undefined });
    const type = engine.kind === DatabaseKind.AURORA_CLUSTER ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance';
    const [resource] = Object.values(template.findResources(type, { Properties: { EnableCloudwatchLogsExports: Match.anyValue() } }));
    expect(resource.Properties.EnableCloudwatchLogsExports).toEqual(exports);
    expect(Number(resource.Properties.Port)).toBe(port);
    expect(resource.Properties.EnableIAMDatabaseAuthentication ?? false).toBe(iam);
    expect(db.writerEndpoint.port).toBe(port);
  });
});

describe('identity and logs', () => {
  test('a fixed identifier, unique in the app, with log groups created first with their retention', () => {
    const { template, db } = build();
    expect(db.identifier).toMatch(/^data-db-[0-9a-f]{8}$/);
    template.hasResourceProperties('AWS::RDS::DBCluster', { DBClusterIdentifier: db.identifier });
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { LogGroupName: `/aws/rds/cluster/${db.identifier}/postgresql`, RetentionInDays: 30 },
    });
    const [clusterId] = Object.keys(template.findResources('AWS::RDS::DBCluster'));
    expect(template.toJSON().Resources[clusterId].DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^DbLogsPostgresql/)]));
    template.resourceCountIs('Custom::LogRetention', 0);
  });

  test('RDS: one log group per instance and log type, replicas included', () => {
    const { template, db } = build({ engine: MYSQL, readReplicas: 1, cloudwatchLogsRetention: 365 });
    const names = Object.values(template.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties.LogGroupName).sort();
    expect(names).toEqual(['error', 'general', 'slowquery'].flatMap((t) => [`/aws/rds/instance/${db.identifier}-replica-1/${t}`, `/aws/rds/instance/${db.identifier}/${t}`]).sort());
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceIdentifier: `${db.identifier}-replica-1` });
  });
});

describe('access', () => {
  test('only granted clients reach the port', () => {
    const { stack, vpc, db } = build();
    const service = new ec2.SecurityGroup(stack, 'Service', { vpc });
    db.connections.allowDefaultPortFrom(service);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DbSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Service'), 'GroupId'] },
      FromPort: 5433,
    });
  });

  test.each([
    ['Aurora', AURORA_PG, 'dbuser:', 'cluster-'],
    ['RDS', POSTGRES, 'dbuser:', 'db-'],
  ])('%s: grantConnect allows rds-db:connect as a database user', (_name, engine, resource) => {
    const { stack, db } = build({ engine });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    db.grantConnect(role, 'app');
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const statements = Object.entries(policies).find(([id]) => id.startsWith('AppDefaultPolicy'))![1].Properties.PolicyDocument.Statement;
    expect(statements).toEqual([expect.objectContaining({ Action: 'rds-db:connect', Effect: 'Allow' })]);
    expect(JSON.stringify(statements[0].Resource)).toContain(resource);
    expect(JSON.stringify(statements[0].Resource)).toContain('/app');
  });

  test('without IAM authentication, grantConnect gives read access to the master secret', () => {
    const { stack, db } = build({ iamAuthentication: false });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    db.grantConnect(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] })] },
    });
  });
});

describe('alarms', () => {
  test('Aurora: replica lag (1 s), CPU, free local storage and connections, named from the prefix', () => {
    const { template, db } = build({ alarms: { namePrefix: 'orders' } });
    expect(db.alarms.map((a) => a.node.id)).toEqual(['ReplicaLagAlarm', 'CpuAlarm', 'FreeStorageAlarm', 'ConnectionsAlarm']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-replica-lag', Threshold: 1, Metrics: Match.arrayWith([Match.objectLike({ Expression: 'lag / 1000' })]) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-free-storage', MetricName: 'FreeLocalStorage', Threshold: 2 * 1024 ** 3, ComparisonOperator: 'LessThanThreshold' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-cpu', MetricName: 'CPUUtilization', Threshold: 80 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'orders-connections', MetricName: 'DatabaseConnections', Threshold: 500 });
  });

  test('RDS: replica lag (30 s) the maximum over replicas; CPU and storage over every instance', () => {
    const { template } = build({ engine: POSTGRES, readReplicas: 2, alarms: { namePrefix: 'pg' } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'pg-replica-lag', Threshold: 30, Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([i0, i1])' })]) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'pg-cpu', Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([i0, i1, i2])' })]) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'pg-free-storage', Threshold: 10 * 1024 ** 3, Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MIN([i0, i1, i2])' })]) });
  });

  test('thresholds are configurable and alarms can be switched off', () => {
    const { template } = build({ alarms: { namePrefix: 'x', replicaLag: Duration.millis(500), cpuPercent: 60, freeStorageGiB: 5, connections: 100 } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'x-replica-lag', Threshold: 0.5 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'x-free-storage', Threshold: 5 * 1024 ** 3 });
    expect(build({ alarms: { enabled: false } }).db.alarms).toEqual([]);
  });
});

describe('stable identity, specification and cdk-nag', () => {
  test.each([
    ['Aurora', AURORA_PG, ['AWS::RDS::DBCluster Db3F5E2EB5', 'AWS::SecretsManager::Secret DbSecretCF6D79B0']],
    ['RDS', POSTGRES, ['AWS::RDS::DBInstance Db3F5E2EB5', 'AWS::SecretsManager::Secret DbSecretCF6D79B0']],
  ])('%s: logical ids of the database and its secret are pinned', (_name, engine, expected) => {
    const { template } = build({ engine, readReplicas: engine === POSTGRES ? 0 : 1 });
    const ids = Object.entries(template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>)
      .filter(([, r]) => r.Type === 'AWS::RDS::DBCluster' || r.Type === 'AWS::SecretsManager::Secret' || (r.Type === 'AWS::RDS::DBInstance' && !r.Properties.DBClusterIdentifier && !r.Properties.SourceDBInstanceIdentifier))
      .map(([id, r]) => `${r.Type} ${id}`).sort();
    expect(ids).toEqual(expected);
  });

  test('snapshot', () => {
    const { template } = build({ internalDns: { zoneName: 'db.internal' }, alarms: { namePrefix: 'snap' } });
    expect(template.toJSON()).toMatchSnapshot();
  });

  test.each([
    ['Aurora PostgreSQL', { engine: AURORA_PG, readReplicas: 2 }],
    ['Aurora MySQL', { engine: AURORA_MYSQL }],
    ['RDS PostgreSQL with replicas and names', { engine: POSTGRES, readReplicas: 2, internalDns: { zoneName: 'db.internal' } }],
    ['RDS MySQL', { engine: MYSQL }],
    ['RDS PostgreSQL with enhanced monitoring on every instance', { engine: POSTGRES, readReplicas: 2, monitoringInterval: Duration.seconds(30), performanceInsights: true }],
    ['Aurora with enhanced monitoring', { engine: AURORA_PG, monitoringInterval: Duration.seconds(15) }],
    ['Aurora with rotation switched off (acknowledged)', { engine: AURORA_PG, rotation: false }],
  ])('%s passes the resource-specification check and cdk-nag AwsSolutions', (name, props) => {
    const built = build(props as Partial<ReplicatedDatabaseProps>);
    built.vpc.addFlowLog('FlowLog');
    Validations.of(built.app).addPlugins(new AwsSolutionsChecks(built.app));
    expect(() => built.app.synth()).not.toThrow();
    expect(checkTemplateAgainstSpec(name, built.template.toJSON())).toEqual([]);
  });
});
