import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as rds from 'aws-cdk-lib/aws-rds';
import { DatabaseEngine, ReplicatedDatabase, ReplicatedDatabaseProps } from '../../lib';
import { dataStack } from '../support/data-stack';
import { ENGINES } from '../support/engines';
import { checkTemplateAgainstSpec } from '../support/resource-spec';

function synth(props: Partial<ReplicatedDatabaseProps> & Pick<ReplicatedDatabaseProps, 'engine'>) {
  const { stack, vpc } = dataStack();
  const db = new ReplicatedDatabase(stack, 'Db', { vpc, rotation: false, ...props });
  const template = Template.fromStack(stack);
  expect(checkTemplateAgainstSpec('Data', template.toJSON())).toEqual([]);
  return { stack, db, template, warnings: Annotations.fromStack(stack).findWarning('/Data/Db', Match.stringLikeRegexp('cdk-ha-kit:tlsNotEnforced')) };
}

type Resource = { Type: string; Properties: Record<string, unknown> };
const ofType = (t: Template, type: string) => Object.entries(t.toJSON().Resources as Record<string, Resource>).filter(([, r]) => r.Type === type);

describe('TLS to the database is required by default', () => {
  test.each([
    ['RDS PostgreSQL', 'rds.force_ssl', '1', ENGINES.POSTGRES],
    ['RDS MySQL', 'require_secure_transport', '1', ENGINES.MYSQL],
    ['RDS MariaDB 10.11', 'require_secure_transport', '1', ENGINES.MARIADB],
    ['RDS SQL Server', 'rds.force_ssl', '1', ENGINES.SQLSERVER_SE],
  ])('%s: the instance and every replica use a parameter group with %s = %s', (_name, parameter, value, engine) => {
    const replicas = engine === ENGINES.SQLSERVER_SE ? 0 : 2;
    const { template, warnings } = synth({ engine, readReplicas: replicas });
    const groups = ofType(template, 'AWS::RDS::DBParameterGroup');
    expect(groups).toHaveLength(1);
    const [id, group] = groups[0];
    expect(group.Properties.Parameters).toEqual({ [parameter]: value });
    const instances = ofType(template, 'AWS::RDS::DBInstance');
    expect(instances).toHaveLength(1 + replicas);
    for (const [, instance] of instances) expect(instance.Properties.DBParameterGroupName).toEqual({ Ref: id });
    expect(warnings).toEqual([]);
  });

  test.each([
    ['Aurora PostgreSQL', 'rds.force_ssl', '1', ENGINES.AURORA_PG],
    ['Aurora MySQL', 'require_secure_transport', 'ON', ENGINES.AURORA_MYSQL],
  ])('%s: the cluster uses a cluster parameter group with %s = %s', (_name, parameter, value, engine) => {
    const { template, warnings } = synth({ engine });
    const groups = ofType(template, 'AWS::RDS::DBClusterParameterGroup');
    expect(groups).toHaveLength(1);
    const [id, group] = groups[0];
    expect(group.Properties.Parameters).toEqual({ [parameter]: value });
    template.hasResourceProperties('AWS::RDS::DBCluster', { DBClusterParameterGroupName: { Ref: id } });
    expect(warnings).toEqual([]);
  });

  test.each([
    ['Oracle, whose TLS is an option-group option', ENGINES.ORACLE_EE, /Oracle has no TLS parameter: TLS is the SSL option of an option group/],
    ['MariaDB 10.4, before require_secure_transport',
      DatabaseEngine.rds(rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.of('10.4.34', '10.4') })), /MariaDB 10.4 has no require_secure_transport/],
    ['an engine without a version', DatabaseEngine.rds(rds.DatabaseInstanceEngine.POSTGRES), /The engine has no version, so no parameter group can be made for it/],
  ])('%s: no parameter group, and a warning says so', (_name, engine, message) => {
    const { template, warnings } = synth({ engine, readReplicas: 0 });
    expect(ofType(template, 'AWS::RDS::DBParameterGroup')).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toMatch(message);
  });
});

describe('a parameter group of your own', () => {
  const postgres16 = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 });

  test('that sets the TLS parameter is used as it is, without a warning', () => {
    const { stack, vpc } = dataStack();
    const group = new rds.ParameterGroup(stack, 'Mine', { engine: postgres16, parameters: { 'rds.force_ssl': '1', 'log_min_duration_statement': '500' } });
    new ReplicatedDatabase(stack, 'Db', { vpc, engine: DatabaseEngine.rds(postgres16), parameterGroup: group, rotation: false });
    const template = Template.fromStack(stack);
    expect(ofType(template, 'AWS::RDS::DBParameterGroup')).toHaveLength(1);
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: { 'log_min_duration_statement': '500' } });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('tlsNotEnforced'))).toEqual([]);
  });

  test.each([
    ['that leaves TLS optional', (stack: import('aws-cdk-lib').Stack) => new rds.ParameterGroup(stack, 'Mine', { engine: postgres16, parameters: { 'rds.force_ssl': '0' } }),
      /The parameterGroup does not set rds.force_ssl = 1/],
    ['imported by name, which cannot be read', (stack: import('aws-cdk-lib').Stack) => rds.ParameterGroup.fromParameterGroupName(stack, 'Mine', 'shared-postgres16'),
      /The parameterGroup is imported and cannot be read: make sure it sets rds.force_ssl = 1/],
  ])('%s is used, with a warning', (_name, make, message) => {
    const { stack, vpc } = dataStack();
    new ReplicatedDatabase(stack, 'Db', { vpc, engine: DatabaseEngine.rds(postgres16), parameterGroup: make(stack), rotation: false });
    const warnings = Annotations.fromStack(stack).findWarning('/Data/Db', Match.stringLikeRegexp('tlsNotEnforced'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toMatch(message);
  });
});
