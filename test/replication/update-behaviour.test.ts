import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import {
  CacheAuthentication, CacheEngine, DatabaseAvailability, DatabaseEngine, ReplicatedCache, ReplicatedCacheProps, ReplicatedDatabase,
  ReplicatedDatabaseProps,
} from '../../lib';
import { dataStack } from '../support/data-stack';
import { updateBehaviour } from '../support/update-behaviour';

/**
 * Which documented props change the stateful resource in place and which make CloudFormation
 * replace it (a new, empty cache or database), per the CloudFormation specification. The README
 * table "Changing props" is generated from these rows and must match them.
 */
const NAMES = { no: 'in place', maybe: 'may replace', yes: 'replaces' } as const;
type Behaviour = typeof NAMES[keyof typeof NAMES];
type Props<T> = (stack: { key: kms.IKey }) => Partial<T>;

function cacheTemplate(props: Props<ReplicatedCacheProps>) {
  const { stack, vpc } = dataStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  new ReplicatedCache(stack, 'Cache', { vpc, ...props({ key }) });
  return Template.fromStack(stack).toJSON() as never;
}

function databaseTemplate(props: Props<ReplicatedDatabaseProps>) {
  const { stack, vpc } = dataStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  new ReplicatedDatabase(stack, 'Db', { vpc, engine: AURORA, ...props({ key }) });
  return Template.fromStack(stack).toJSON() as never;
}

const AURORA = DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }));
const AURORA_NEXT = DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }));
const POSTGRES = DatabaseEngine.rds(rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }));
const POSTGRES_NEXT = DatabaseEngine.rds(rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_6 }));
const XLARGE = ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.XLARGE);

type Row<T> = [label: string, before: Props<T>, after: Props<T>, expected: Behaviour];

const cacheRows: Array<Row<ReplicatedCacheProps>> = [
  ['`nodeType`', () => ({}), () => ({ nodeType: 'cache.r7g.xlarge' }), 'in place'],
  ['`engineVersion`', () => ({ engineVersion: '8.0' }), () => ({ engineVersion: '8.1' }), 'in place'],
  ['`replicasPerShard` (cluster mode off)', () => ({}), () => ({ replicasPerShard: 3 }), 'in place'],
  ['`multiAz`, `automaticFailover`', () => ({}), () => ({ multiAz: false, automaticFailover: false }), 'in place'],
  ['`snapshotRetention`', () => ({}), () => ({ snapshotRetention: Duration.days(14) }), 'in place'],
  ['`snapshotWindow`', () => ({}), () => ({ snapshotWindow: '02:00-03:00' }), 'in place'],
  ['`maintenanceWindow`', () => ({}), () => ({ maintenanceWindow: 'sun:05:00-sun:06:00' }), 'in place'],
  ['`logDelivery`', () => ({}), () => ({ logDelivery: false }), 'in place'],
  ['`parameterGroupName`', () => ({}), () => ({ parameterGroupName: 'custom-valkey8' }), 'in place'],
  ['`vpcSubnets`', () => ({}), () => ({ vpcSubnets: { subnetGroupName: 'App' } }), 'in place'],
  ['`shards`', () => ({ clusterMode: true, shards: 2 }), () => ({ clusterMode: true, shards: 3 }), 'may replace'],
  ['`authentication`', () => ({}), () => ({ authentication: CacheAuthentication.userGroup('users') }), 'may replace'],
  ['`replicasPerShard` (cluster mode on)', () => ({ clusterMode: true }), () => ({ clusterMode: true, replicasPerShard: 3 }), 'replaces'],
  ['`port`', () => ({}), () => ({ port: 6390 }), 'replaces'],
  ['`engine`', () => ({}), () => ({ engine: CacheEngine.REDIS, engineVersion: '7.1' }), 'replaces'],
  ['`encryptionKey`', () => ({}), ({ key }) => ({ encryptionKey: key }), 'replaces'],
];

const auroraRows: Array<Row<ReplicatedDatabaseProps>> = [
  ['engine version', () => ({}), () => ({ engine: AURORA_NEXT }), 'in place'],
  ['`instanceType`', () => ({}), () => ({ instanceType: XLARGE }), 'in place'],
  ['`readReplicas`', () => ({}), () => ({ readReplicas: 2 }), 'in place'],
  ['`port`', () => ({}), () => ({ port: 6432 }), 'in place'],
  ['`backupRetention`', () => ({}), () => ({ backupRetention: Duration.days(14) }), 'in place'],
  ['`iamAuthentication`', () => ({}), () => ({ iamAuthentication: false }), 'in place'],
  ['`deletionProtection`', () => ({}), () => ({ deletionProtection: false }), 'in place'],
  ['`cloudwatchLogsExports`', () => ({}), () => ({ cloudwatchLogsExports: ['postgresql', 'instance'] }), 'in place'],
  ['`vpcSubnets`', () => ({}), () => ({ vpcSubnets: { subnetGroupName: 'App' } }), 'in place'],
  ['`username`', () => ({}), () => ({ username: 'owner' }), 'may replace'],
  ['`databaseName`', () => ({}), () => ({ databaseName: 'orders' }), 'replaces'],
  ['`storageEncryptionKey`', () => ({}), ({ key }) => ({ storageEncryptionKey: key }), 'replaces'],
];

const rdsRows: Array<Row<ReplicatedDatabaseProps>> = [
  ['engine version', () => ({ engine: POSTGRES }), () => ({ engine: POSTGRES_NEXT }), 'in place'],
  ['`instanceType`', () => ({ engine: POSTGRES }), () => ({ engine: POSTGRES, instanceType: XLARGE }), 'in place'],
  ['`allocatedStorage`', () => ({ engine: POSTGRES }), () => ({ engine: POSTGRES, allocatedStorage: 200 }), 'in place'],
  ['`readReplicas`', () => ({ engine: POSTGRES }), () => ({ engine: POSTGRES, readReplicas: 2 }), 'in place'],
  ['`multiAz`', () => ({ engine: POSTGRES }), () => ({ engine: POSTGRES, multiAz: false, availability: DatabaseAvailability.SINGLE_AZ }), 'may replace'],
  ['`backupRetention`', () => ({ engine: POSTGRES }), () => ({ engine: POSTGRES, backupRetention: Duration.days(14) }), 'may replace'],
  ['`port`', () => ({ engine: POSTGRES }), () => ({ engine: POSTGRES, port: 6432 }), 'replaces'],
  ['`username`', () => ({ engine: POSTGRES }), () => ({ engine: POSTGRES, username: 'owner' }), 'replaces'],
  ['`databaseName`', () => ({ engine: POSTGRES }), () => ({ engine: POSTGRES, databaseName: 'orders' }), 'replaces'],
  ['`storageEncryptionKey`', () => ({ engine: POSTGRES }), ({ key }) => ({ engine: POSTGRES, storageEncryptionKey: key }), 'replaces'],
];

const CONSTRUCTS = [
  { name: 'ReplicatedCache', rows: cacheRows, build: cacheTemplate, logicalId: 'Cache18F6EE16' },
  { name: 'ReplicatedDatabase (Aurora)', rows: auroraRows, build: databaseTemplate, logicalId: 'Db3F5E2EB5' },
  { name: 'ReplicatedDatabase (RDS)', rows: rdsRows, build: databaseTemplate, logicalId: 'Db3F5E2EB5' },
] as const;

describe.each(CONSTRUCTS)('$name: which changes replace the data', ({ rows, build, logicalId }) => {
  test.each(rows as Array<Row<object>>)('changing %s: %s', (_label, before, after, expected) => {
    const both: Props<object> = (s) => ({ ...before(s), ...after(s) });
    const result = updateBehaviour(build(before as never), build(both as never), logicalId);
    expect(NAMES[result.behaviour]).toBe(expected);
  });
});

test('the README\'s "Changing props" table says the same', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  for (const { name, rows } of CONSTRUCTS) {
    const column = (b: Behaviour) => (rows as Array<Row<object>>).filter((r) => r[3] === b).map((r) => r[0]).join(', ');
    expect(readme).toContain(`| ${name} | ${column('in place')} | ${column('may replace')} | ${column('replaces')} |`);
  }
});
