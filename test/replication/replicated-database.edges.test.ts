import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DatabaseAvailability, ReplicatedDatabase, ReplicatedDatabaseProps } from '../../lib';
import { dataStack } from '../support/data-stack';
import { ENGINES } from '../support/engines';
import { checkTemplateAgainstSpec } from '../support/resource-spec';

const { POSTGRES, MYSQL, MARIADB, ORACLE_EE, SQLSERVER_SE, SQLSERVER_EX, SQLSERVER_EE, AURORA_PG, AURORA_MYSQL } = ENGINES;


function synth(props: Partial<ReplicatedDatabaseProps>): { db: ReplicatedDatabase; template: Template } {
  const { stack, vpc } = dataStack();
  const db = new ReplicatedDatabase(stack, 'Db', { vpc, engine: AURORA_PG, ...props });
  const template = Template.fromStack(stack);
  expect(checkTemplateAgainstSpec('Data', template.toJSON())).toEqual([]);
  return { db, template };
}

type Instance = { Type: string; Properties: Record<string, unknown> };
const resources = (t: Template, type: string) => Object.values(t.toJSON().Resources as Record<string, Instance>).filter((r) => r.Type === type);
const primary = (t: Template) => resources(t, 'AWS::RDS::DBInstance').find((r) => r.Properties.SourceDBInstanceIdentifier === undefined)!.Properties;

/** Values exactly at AWS's documented bounds, and values AWS documents as valid: each synthesizes into a template the specification accepts. */
describe('ReplicatedDatabase accepts what AWS documents as valid', () => {
  test.each<[string, Partial<ReplicatedDatabaseProps>, (t: Template, db: ReplicatedDatabase) => void]>([
    ['SQL Server with default settings listens on a port RDS accepts', { engine: SQLSERVER_SE, readReplicas: 0 }, (t) => expect(primary(t).Port).toBe('1435')],
    ['SQL Server Express in one zone', { engine: SQLSERVER_EX, availability: DatabaseAvailability.SINGLE_AZ }, (t) => expect(primary(t).MultiAZ).toBe(false)],
    ['SQL Server Enterprise with a read replica', { engine: SQLSERVER_EE, readReplicas: 1 }, (t) => expect(resources(t, 'AWS::RDS::DBInstance')).toHaveLength(2)],
    ['SQL Server on port 1150, the lowest', { engine: SQLSERVER_SE, readReplicas: 0, port: 1150 }, (t) => expect(primary(t).Port).toBe('1150')],
    ['the highest port, 65535', { port: 65535 }, (_t, db) => expect(db.writerEndpoint.port).toBe(65535)],
    ['a KMS key of the database\'s region, made elsewhere', { engine: POSTGRES, storageEncryptionKey: kms.Key.fromKeyArn(new Stack(), 'Key', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab') },
      (t) => expect(primary(t).KmsKeyId).toBe('arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab')],
    ['64 TiB of PostgreSQL storage: no autoscaling above the maximum', { engine: POSTGRES, allocatedStorage: 65536 }, (t) => {
      expect(primary(t).AllocatedStorage).toBe('65536');
      expect(primary(t).MaxAllocatedStorage).toBeUndefined();
    }],
    ['16 TiB of SQL Server storage', { engine: SQLSERVER_SE, readReplicas: 0, allocatedStorage: 16384 }, (t) => expect(primary(t).MaxAllocatedStorage).toBeUndefined()],
    ['autoscaling capped at the engine maximum', { engine: SQLSERVER_SE, readReplicas: 0, allocatedStorage: 10000 }, (t) => expect(primary(t).MaxAllocatedStorage).toBe(16384)],
    ['20 GiB, the smallest allocation', { engine: MYSQL, allocatedStorage: 20 }, (t) => expect(primary(t).MaxAllocatedStorage).toBe(80)],
    ['the console\'s suggested master user for MySQL, "admin"', { engine: MYSQL, username: 'admin' }, (t) => expect(t.toJSON()).toBeDefined()],
    ['the console\'s suggested master user for PostgreSQL, "postgres"', { engine: POSTGRES, username: 'postgres' }, (t) => expect(t.toJSON()).toBeDefined()],
    ['a 16-character master user', { username: 'a'.repeat(16) }, (t) => expect(t.toJSON()).toBeDefined()],
    ['a 64-character MySQL database name', { engine: MYSQL, databaseName: `d${'_'.repeat(62)}9` }, (t) => expect(primary(t).DBName).toHaveLength(64)],
    ['a 64-character MariaDB database name', { engine: MARIADB, databaseName: 'm'.repeat(64) }, (t) => expect(primary(t).DBName).toHaveLength(64)],
    ['a 63-character PostgreSQL database name', { engine: POSTGRES, databaseName: 'p'.repeat(63) }, (t) => expect(primary(t).DBName).toHaveLength(63)],
    ['an 8-character Oracle SID', { engine: ORACLE_EE, iamAuthentication: false, databaseName: 'ORDERS01' }, (t) => expect(primary(t).DBName).toBe('ORDERS01')],
    ['every log PostgreSQL exports', { engine: POSTGRES, cloudwatchLogsExports: ['postgresql', 'upgrade', 'iam-db-auth-error'] }, (t) => expect(primary(t).EnableCloudwatchLogsExports).toHaveLength(3)],
    ['every log Oracle exports', { engine: ORACLE_EE, iamAuthentication: false, cloudwatchLogsExports: ['alert', 'audit', 'listener', 'trace', 'oemagent'] }, (t) => expect(primary(t).EnableCloudwatchLogsExports).toHaveLength(5)],
    ['Aurora MySQL\'s instance log', { engine: AURORA_MYSQL, cloudwatchLogsExports: ['audit', 'error', 'general', 'slowquery', 'instance', 'iam-db-auth-error'] }, (t) => expect(t.toJSON()).toBeDefined()],
    ['Aurora on db.t4g.medium', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM) }, (t) => expect(resources(t, 'AWS::RDS::DBInstance')[0].Properties.DBInstanceClass).toBe('db.t4g.medium')],
    ['Aurora on db.x2g.large', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.X2G, ec2.InstanceSize.LARGE) }, (t) => expect(t.toJSON()).toBeDefined()],
    ['Oracle on db.r6i.large, its default', { engine: ORACLE_EE, iamAuthentication: false }, (t) => expect(primary(t).DBInstanceClass).toBe('db.r6i.large')],
    ['15 Aurora readers', { readReplicas: 15 }, (t) => expect(resources(t, 'AWS::RDS::DBInstance')).toHaveLength(16)],
  ])('%s', (_name, props, check) => {
    const { db, template } = synth(props);
    check(template, db);
  });

  test('15 read replicas, the documented maximum: no alarm reads more than CloudWatch\'s 10 metrics, and every instance is watched', () => {
    const { template } = synth({ engine: POSTGRES, readReplicas: 15 });
    const alarms = resources(template, 'AWS::CloudWatch::Alarm');
    const metricIds = (a: Instance) => ((a.Properties.Metrics as Array<{ MetricStat?: { Metric: { Dimensions: Array<{ Value: unknown }> } } }>) ?? [])
      .filter((m) => m.MetricStat).map((m) => JSON.stringify(m.MetricStat!.Metric.Dimensions[0].Value));
    for (const alarm of alarms) expect(metricIds(alarm).length).toBeLessThanOrEqual(10);
    const watched = (name: string) => new Set(alarms.filter((a) => JSON.stringify(a.Properties.Metrics ?? []).includes(`"MetricName":"${name}"`)).flatMap(metricIds));
    expect(watched('CPUUtilization').size).toBe(16);
    expect(watched('FreeStorageSpace').size).toBe(16);
    expect(watched('ReplicaLag').size).toBe(15);
  });
});
