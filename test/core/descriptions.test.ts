import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import {
  DatabaseEngine, DnsHealthCheck, FailoverTarget, FeatureFlags, HealthCheckPreset, HealthCheckProfile, HighlyAvailableService, ReplicatedDatabase, ServiceRegistry,
} from '../../lib';
import { ALARM_DESCRIPTION, IAM_ROLE_DESCRIPTION, fitDescription, securityGroupDescription } from '../../lib/core/descriptions';
import { dataStack } from '../support/data-stack';
import { checkTemplateAgainstSpec } from '../support/resource-spec';

/** EC2 API Reference, CreateSecurityGroup, GroupDescription. */
const EC2_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;

/** A construct id with characters EC2 and IAM refuse, making a path past 1024 characters. */
const HOSTILE_ID = `Tier "prod" ~ ünïcode ✓ <edge> ${'x'.repeat(1100)}`;

/** Every construct of the library with every tier, under a scope whose path is `HOSTILE_ID`. */
function everything() {
  const { stack, vpc } = dataStack();
  const scope = new Construct(stack, HOSTILE_ID);
  const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
  const registry = new ServiceRegistry(scope, 'Registry', { vpc, namespaceName: 'service.internal', services: [{ name: 'api' }] });
  const switches = new FeatureFlags(scope, 'Switches', { monitorSwitches: true });
  const service = new HighlyAvailableService(scope, `Shop ${HOSTILE_ID}`, {
    vpc,
    loadBalancer: {
      internetFacing: true,
      allowPlaintext: true,
      targetGroups: [{ name: 'Api', port: 8080, targetType: elbv2.TargetType.IP, healthCheck: HealthCheckProfile.http({ path: '/health', preset: HealthCheckPreset.FAST }) }],
      defaultTargetGroup: 'Api',
    },
    dns: {
      zone,
      recordName: 'shop',
      secondary: FailoverTarget.remoteLoadBalancer('standby-123.eu-central-1.elb.amazonaws.com', 'Z215JYRZR1TBD5'),
      primaryHealthCheck: DnsHealthCheck.endpoint({ requestInterval: Duration.seconds(10), failureThreshold: 2 }),
    },
    cache: { nodeType: 'cache.t4g.medium' },
    // An RDS instance with rotation: the rotation function's security group is the library's too.
    database: { engine: DatabaseEngine.rds(rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 })), instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM) },
    monitor: { switches, membership: [{ registry, serviceName: 'api', groups: ['Api'] }] },
  });
  new FeatureFlags(scope, 'Flags', { flags: [{ name: 'newCheckout' }], rollbackAlarms: service.alarms });
  // An id that starts with digits and holds hyphens, for the identifiers RDS derives from it.
  new ReplicatedDatabase(stack, '1st--orders-', { vpc, rotation: false, readReplicas: 15, engine: DatabaseEngine.rds(rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 })) });
  return Template.fromStack(stack).toJSON();
}

describe('names and descriptions built from construct paths', () => {
  test('a path with characters AWS refuses, past every description limit, gives a template within every documented limit', () => {
    const template = everything();
    expect(checkTemplateAgainstSpec('everything', template)).toEqual([]);
    const groups = Object.values(template.Resources as Record<string, { Type: string; Properties: Record<string, string> }>).filter((r) => r.Type === 'AWS::EC2::SecurityGroup');
    // The load balancer's, the service's, the cache's, the database's, its rotation's, the monitor's.
    expect(groups.length).toBeGreaterThanOrEqual(6);
    for (const group of groups) expect(group.Properties.GroupDescription).toMatch(EC2_DESCRIPTION);
  });

  test('a description AWS already accepts comes out unchanged, so no existing resource is replaced', () => {
    expect(securityGroupDescription('Data/Cache: cache nodes')).toBe('Data/Cache: cache nodes');
    expect(fitDescription(ALARM_DESCRIPTION, 'Targets behind Data/Shop fail "their" check ✓')).toBe('Targets behind Data/Shop fail "their" check ✓');
  });

  test('refused characters become "_", and a long text keeps its end, which names the part', () => {
    expect(securityGroupDescription('Data/Cache "x": cache nodes')).toBe('Data/Cache _x_: cache nodes');
    expect(fitDescription(IAM_ROLE_DESCRIPTION, 'role of ✓')).toBe('role of _');
    const cut = securityGroupDescription(`${'a'.repeat(300)}: database`);
    expect(cut).toHaveLength(255);
    expect(cut).toMatch(/^\.\.\.a+: database$/);
    // A cut never splits a character made of two UTF-16 units.
    expect(Array.from(fitDescription(ALARM_DESCRIPTION, `${'😀'.repeat(1100)}`))).toHaveLength(1024);
  });
});
