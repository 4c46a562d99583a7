import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DatabaseAvailability, ReplicatedDatabase, ReplicatedDatabaseProps } from '../../lib';
import { HaValidationError } from '../../lib/core/errors';
import { dataStack } from '../support/data-stack';
import { ENGINES } from '../support/engines';
import { testApp } from '../support/stacks';

const { POSTGRES, ORACLE_EE, ORACLE_SE2, SQLSERVER_SE, SQLSERVER_EX, MYSQL, AURORA_PG, AURORA_MYSQL } = ENGINES;


type Overrides = (vpc: ec2.Vpc) => Partial<ReplicatedDatabaseProps>;

function attempt(overrides: Overrides): void {
  const { stack, vpc } = dataStack();
  new ReplicatedDatabase(stack, 'Db', { vpc, engine: AURORA_PG, ...overrides(vpc) });
}

/** [what, props, the message line: prop, value and what is allowed] */
const rejected: Array<[string, Overrides, RegExp]> = [
  ['16 read replicas', () => ({ engine: POSTGRES, readReplicas: 16 }), /readReplicas: got 16; allowed: an integer from 0 to 15$/m],
  ['a KMS key of another region', (vpc) => ({ storageEncryptionKey: kms.Key.fromKeyArn(vpc, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab') }),
    /storageEncryptionKey: got one in us-east-1 for eu-west-1; allowed: one in eu-west-1: KMS keys are regional, and RDS encrypts with a key of the database's region/],
  ['6 Oracle read replicas', () => ({ engine: ORACLE_EE, readReplicas: 6, iamAuthentication: false }), /readReplicas: got 6; allowed: an integer from 0 to 5 \(Oracle\)/],
  ['read replicas on Oracle SE2', () => ({ engine: ORACLE_SE2 }), /readReplicas: got 1 on oracle-se2; allowed: no read replicas on this edition: RDS offers them for Oracle and SQL Server Enterprise Edition only/],
  ['read replicas on SQL Server SE', () => ({ engine: SQLSERVER_SE, readReplicas: 1 }), /readReplicas: got 1 on sqlserver-se; allowed: no read replicas on this edition/],
  ['16 Aurora readers', () => ({ readReplicas: 16 }), /readReplicas: got 16; allowed: an integer from 0 to 15/],
  ['Multi-AZ off while highly available', () => ({ engine: POSTGRES, multiAz: false }),
    /multiAz: got false with DatabaseAvailability.HIGHLY_AVAILABLE; allowed: true, or availability: DatabaseAvailability.SINGLE_AZ: read replicas are asynchronous and do not take over by themselves/],
  ['Multi-AZ off while replicas are requested in the highly available preset', () => ({ engine: POSTGRES, multiAz: false, readReplicas: 3, availability: DatabaseAvailability.HIGHLY_AVAILABLE }),
    /multiAz: got false with DatabaseAvailability.HIGHLY_AVAILABLE/],
  ['no Aurora reader while highly available', () => ({ readReplicas: 0 }),
    /readReplicas: got 0 with DatabaseAvailability.HIGHLY_AVAILABLE; allowed: at least 1 reader to promote, or availability: DatabaseAvailability.SINGLE_AZ/],
  ['multiAz on Aurora', () => ({ multiAz: true }), /multiAz: got true; allowed: unset for Aurora: readers in other zones are its standbys \(readReplicas\)/],
  ['IAM authentication on Oracle', () => ({ engine: ORACLE_EE, iamAuthentication: true }), /iamAuthentication: got true on oracle-ee; allowed: IAM authentication on MySQL, MariaDB, PostgreSQL and Aurora only/],
  ['backtrack on PostgreSQL', () => ({ backtrackWindow: Duration.hours(1) }), /backtrackWindow: got 3600 s on aurora-postgresql; allowed: backtrack on Aurora MySQL only/],
  ['a backtrack window over 72 hours', () => ({ engine: AURORA_MYSQL, backtrackWindow: Duration.hours(73) }), /backtrackWindow: got 262800 s; allowed: at most 72 hours/],
  ['Performance Insights on a small burstable class', () => ({ performanceInsights: true, instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL) }),
    /performanceInsights: got true on db.t4g.small; allowed: an instance class that supports Performance Insights/],
  ['an enhanced monitoring interval of 20 s', () => ({ monitoringInterval: Duration.seconds(20) }), /monitoringInterval: got 20 s; allowed: one of 1, 5, 10, 15, 30, 60 s/],
  ['no backups', () => ({ backupRetention: Duration.days(0) }), /backupRetention: got 0 days; allowed: whole days from 1 to 35: replicas and point-in-time recovery need backups/],
  ['backups kept 36 days', () => ({ backupRetention: Duration.days(36) }), /backupRetention: got 36 days; allowed: whole days from 1 to 35/],
  ['a rotation interval of 1001 days', () => ({ rotationInterval: Duration.days(1001) }), /rotationInterval: got 1001 days; allowed: whole days from 1 to 1000/],
  ['10 GiB of RDS storage', () => ({ engine: POSTGRES, allocatedStorage: 10 }), /allocatedStorage: got 10; allowed: an integer from 20 to 65536 GiB \(gp3 on postgres\)/],
  ['more than 64 TiB of PostgreSQL storage', () => ({ engine: POSTGRES, allocatedStorage: 65537 }), /allocatedStorage: got 65537; allowed: an integer from 20 to 65536 GiB/],
  ['allocated storage on Aurora', () => ({ allocatedStorage: 100 }), /allocatedStorage: got 100; allowed: unset for Aurora: its storage grows by itself/],
  ['port 80', () => ({ port: 80 }), /port: got 80; allowed: an integer from 1150 to 65535 \(RDS\)/],
  ['port 65536', () => ({ port: 65536 }), /port: got 65536; allowed: an integer from 1150 to 65535 \(RDS\)/],
  ['a user name with a dash', () => ({ username: 'app-admin' }), /username: got "app-admin"; allowed: a letter, then letters, digits or underscores, at most 16 characters/],
  ['RDS\'s own administrator name', () => ({ username: 'rdsadmin' }), /username: got "rdsadmin" on aurora-postgresql; allowed: a name the engine does not reserve \(rdsadmin\)/],
  ['Oracle\'s SYSTEM account as master user', () => ({ engine: ORACLE_EE, iamAuthentication: false, username: 'SYSTEM' }), /username: got "SYSTEM" on oracle-ee; allowed: a name the engine does not reserve \(rdsadmin, sys, system\)/],
  ['a port SQL Server reserves', () => ({ engine: SQLSERVER_SE, readReplicas: 0, port: 1434 }), /port: got 1434 on sqlserver-se; allowed: a port RDS for SQL Server accepts: not 1234, 1434, 3260, 3343, 3389, 47001 or 49152-49156/],
  ['a port in SQL Server\'s reserved range', () => ({ engine: SQLSERVER_SE, readReplicas: 0, port: 49154 }), /port: got 49154 on sqlserver-se; allowed: a port RDS for SQL Server accepts/],
  ['more storage than SQL Server takes', () => ({ engine: SQLSERVER_SE, readReplicas: 0, allocatedStorage: 16385 }), /allocatedStorage: got 16385; allowed: an integer from 20 to 16384 GiB \(gp3 on sqlserver-se\)/],
  ['Multi-AZ on SQL Server Express', () => ({ engine: SQLSERVER_EX, readReplicas: 0 }),
    /multiAz: got true on sqlserver-ex; allowed: false with availability: DatabaseAvailability.SINGLE_AZ: RDS runs SQL Server Express and Web in one zone only/],
  ['a database name on SQL Server', () => ({ engine: SQLSERVER_SE, readReplicas: 0, databaseName: 'shop' }), /databaseName: got "shop" on sqlserver-se; allowed: unset for SQL Server/],
  ['an Oracle SID of 9 characters', () => ({ engine: ORACLE_EE, iamAuthentication: false, databaseName: 'ORDERSDB1' }), /databaseName: got "ORDERSDB1"; allowed: an Oracle SID: a letter, then letters or digits, at most 8 characters/],
  ['a PostgreSQL database name of 64 characters', () => ({ databaseName: 'd'.repeat(64) }), /databaseName: got "d{64}"; allowed: a letter, then letters, digits or underscores, at most 63 characters \(aurora-postgresql\)/],
  ['a MySQL database name with a dash', () => ({ engine: MYSQL, databaseName: 'my-shop' }), /databaseName: got "my-shop"; allowed: a letter, then letters, digits or underscores, at most 64 characters \(mysql\)/],
  ['a log type the engine does not export', () => ({ cloudwatchLogsExports: ['postgresql', 'slowquery'] }), /cloudwatchLogsExports\[1\]: got "slowquery" on aurora-postgresql; allowed: one of postgresql, instance, iam-db-auth-error/],
  ['an Oracle log on SQL Server', () => ({ engine: SQLSERVER_SE, readReplicas: 0, cloudwatchLogsExports: ['alert'] }), /cloudwatchLogsExports\[0\]: got "alert" on sqlserver-se; allowed: one of agent, error/],
  ['a Graviton class for Oracle', () => ({ engine: ORACLE_EE, iamAuthentication: false, instanceType: ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE) }),
    /instanceType: got db.r7g.large on oracle-ee; allowed: an Intel or AMD class \(e.g. db.r6i.large\): RDS runs Oracle and SQL Server on no Graviton class/],
  ['a Graviton class for SQL Server', () => ({ engine: SQLSERVER_SE, readReplicas: 0, instanceType: ec2.InstanceType.of(ec2.InstanceClass.M6G, ec2.InstanceSize.XLARGE) }), /instanceType: got db.m6g.xlarge on sqlserver-se/],
  ['a general-purpose class on Aurora', () => ({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.M6I, ec2.InstanceSize.LARGE) }),
    /instanceType: got db.m6i.large on Aurora; allowed: a class Aurora offers: memory-optimized \(db.r\*, db.x2g\) or burstable db.t3\/db.t4g from medium up/],
  ['a small burstable class on Aurora', () => ({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL) }), /instanceType: got db.t4g.small on Aurora/],
  ['subnets in one zone', (vpc) => ({ vpcSubnets: { subnets: [vpc.isolatedSubnets[0]] } }), /vpcSubnets: got subnets in 1 Availability Zone\(s\); allowed: subnets in at least two Availability Zones/],
  ['a CPU threshold of 150 %', () => ({ alarms: { cpuPercent: 150 } }), /alarms\.cpuPercent: got 150; allowed: above 0 and at most 100/],
  ['a free-storage threshold of 0', () => ({ alarms: { freeStorageGiB: 0 } }), /alarms\.freeStorageGiB: got 0; allowed: above 0/],
  ['a connections threshold of 0', () => ({ alarms: { connections: 0 } }), /alarms\.connections: got 0; allowed: above 0/],
  ['a replica lag of 0 s', () => ({ alarms: { replicaLag: Duration.millis(0) } }), /alarms\.replicaLag: got 0 s; allowed: above 0 s/],
  ['internal DNS with both a zone and a zone name', () => ({ internalDns: { zoneName: 'a.internal', zone: { zoneName: 'b.internal' } as never } }), /internalDns\.zoneName: got "a.internal"; allowed: unset when `zone` is given/],
];

describe('ReplicatedDatabase rejects at synth', () => {
  test.each(rejected)('%s', (_name, overrides, message) => {
    expect(() => attempt(overrides)).toThrow(HaValidationError);
    expect(() => attempt(overrides)).toThrow(message);
  });

  test('rotation from a VPC without subnets that reach Secrets Manager', () => {
    const stack = new Stack(testApp(), 'Data', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const create = (rotation?: boolean) => new ReplicatedDatabase(stack, `Db${rotation}`, { vpc, engine: AURORA_PG, rotation });
    expect(() => new ReplicatedDatabase(stack, 'Explicit', { vpc, engine: AURORA_PG, rotationSubnets: { subnetGroupName: 'Nope' } }))
      .toThrow(/rotationSubnets: got \{"subnetGroupName":"Nope"\}; allowed: subnets from which the rotation function reaches the Secrets Manager API/);
    expect(() => create()).toThrow(/rotationSubnets: got private subnets with egress, which the VPC lacks; allowed: subnets from which the rotation function reaches the Secrets Manager API \(with egress, or with a Secrets Manager interface endpoint\), or rotation: false/);
    expect(() => create(false)).not.toThrow();
  });
});
