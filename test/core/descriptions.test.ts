import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { DatabaseEngine, HaLoadBalancer, ReplicatedCache, ReplicatedDatabase } from '../../lib';
import { securityGroupDescription } from '../../lib/core/descriptions';
import { dataStack } from '../support/data-stack';

/** EC2 API Reference, CreateSecurityGroup, GroupDescription. */
const EC2_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

describe('security group descriptions built from construct paths', () => {
  test('ids with characters EC2 refuses, and paths past 255 characters, give descriptions EC2 accepts', () => {
    const { stack, vpc } = dataStack();
    const deep = new ec2.Vpc(stack, 'Other', { maxAzs: 2, natGateways: 0 }).node.scope!;
    new ReplicatedCache(stack, 'Cache "prod" ~1 ünïcode', { vpc });
    new ReplicatedDatabase(stack, `Orders${'x'.repeat(300)}?`, { vpc, rotation: false, engine: DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 })) });
    new HaLoadBalancer(deep, 'Lb <edge>', { vpc, targetGroups: [{ name: 'App', port: 80 }], defaultTargetGroup: 'App' });
    const groups = Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(3);
    for (const group of groups) expect(group.Properties.GroupDescription).toMatch(EC2_DESCRIPTION);
  });

  test('a description EC2 already accepts comes out unchanged, so no existing group is replaced', () => {
    expect(securityGroupDescription('Data/Cache: cache nodes')).toBe('Data/Cache: cache nodes');
    expect(securityGroupDescription('Data/Cache "x": cache nodes')).toBe('Data/Cache _x_: cache nodes');
    expect(securityGroupDescription('a'.repeat(300))).toHaveLength(255);
  });
});
