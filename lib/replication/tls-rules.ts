/**
 * TLS to the database, required rather than offered: the parameter that makes each engine refuse
 * connections without TLS, and the parameter group ReplicatedDatabase creates with it.
 */
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct, IConstruct } from 'constructs';

/** One parameter that makes the engine refuse connections without TLS. */
export interface TlsParameter {
  readonly name: string;
  readonly value: string;
  /** The user guide page that documents it. */
  readonly source: string;
}

const FORCE_SSL = 'rds.force_ssl';
const SECURE_TRANSPORT = 'require_secure_transport';

/**
 * The TLS parameter of an engine and version, or a reason there is none.
 * - PostgreSQL: `rds.force_ssl` 1. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
 * - Aurora PostgreSQL: `rds.force_ssl` 1 in the cluster parameter group.
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html
 * - MySQL: `require_secure_transport` 1 (ON). https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html
 * - MariaDB from 10.5 only: `require_secure_transport` 1 (ON).
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.require-ssl.html
 * - Aurora MySQL: `require_secure_transport` ON in the cluster parameter group.
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Security.html
 * - SQL Server: `rds.force_ssl` 1 (applied at the next reboot).
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/SQLServer.Concepts.General.SSL.Using.html
 * - Oracle: no parameter; TLS is the SSL option of an option group, on a port of its own.
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.Oracle.Options.SSL.html
 */
export function tlsParameter(engineType: string, majorVersion: string | undefined): TlsParameter | string {
  switch (engineType) {
    case 'postgres':
      return { name: FORCE_SSL, value: '1', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html' };
    case 'aurora-postgresql':
      return { name: FORCE_SSL, value: '1', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html' };
    case 'mysql':
      return { name: SECURE_TRANSPORT, value: '1', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mysql-ssl-connections.require-ssl.html' };
    case 'aurora-mysql':
      return { name: SECURE_TRANSPORT, value: 'ON', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Security.html' };
    case 'mariadb':
      if (majorVersion !== undefined && Number(majorVersion.split('.')[0]) === 10 && Number(majorVersion.split('.')[1]) < 5) {
        return `MariaDB ${majorVersion} has no require_secure_transport (MariaDB 10.5 and later have it)`;
      }
      return { name: SECURE_TRANSPORT, value: '1', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/mariadb-ssl-connections.require-ssl.html' };
    default:
      if (engineType.startsWith('sqlserver')) {
        return { name: FORCE_SSL, value: '1', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/SQLServer.Concepts.General.SSL.Using.html' };
      }
      if (engineType.startsWith('oracle')) return 'Oracle has no TLS parameter: TLS is the SSL option of an option group, on a port of its own';
      return `${engineType} has no TLS parameter this library knows`;
  }
}

/** Whether `value`, as a parameter group holds it, turns the TLS parameter on. */
function isOn(value: unknown): boolean {
  return typeof value === 'string' && ['1', 'on', 'true'].includes(value.toLowerCase());
}

/**
 * The parameter group of a database: the user's own (with a warning when it is not seen to enforce
 * TLS), or a new one that enforces TLS, or none (with a warning) when the engine has no TLS
 * parameter or no version to make a group for.
 */
export function tlsParameterGroup(scope: Construct, engine: rds.IEngine, given: rds.IParameterGroup | undefined): rds.IParameterGroup | undefined {
  const tls = tlsParameter(engine.engineType, engine.engineVersion?.majorVersion);
  if (typeof tls === 'string') {
    Annotations.of(scope).addWarningV2('cdk-ha-kit:tlsNotEnforced', `${tls}: connections without TLS are not refused. Require TLS in your clients.`);
    return given;
  }
  if (given !== undefined) return given;
  if (engine.parameterGroupFamily === undefined) {
    Annotations.of(scope).addWarningV2('cdk-ha-kit:tlsNotEnforced',
      `The engine has no version, so no parameter group can be made for it: give the engine a version to have ${tls.name} = ${tls.value} set, or pass a parameterGroup that sets it.`);
    return undefined;
  }
  return new rds.ParameterGroup(scope, 'ParameterGroup', {
    engine,
    description: `${tls.name} = ${tls.value}: connections without TLS are refused`,
    parameters: { [tls.name]: tls.value },
  });
}

/**
 * Warns when a parameter group the user passed, once bound, does not set the engine's TLS
 * parameter on. A group imported by name cannot be read and is warned about too.
 */
export function checkGivenParameterGroup(scope: Construct, engine: rds.IEngine, given: rds.IParameterGroup): void {
  const tls = tlsParameter(engine.engineType, engine.engineVersion?.majorVersion);
  if (typeof tls === 'string') return;
  const groups = given.node.findAll().filter((c: IConstruct) => c instanceof rds.CfnDBParameterGroup || c instanceof rds.CfnDBClusterParameterGroup);
  const set = groups.some((g) => {
    const parameters = Stack.of(scope).resolve((g as rds.CfnDBParameterGroup | rds.CfnDBClusterParameterGroup).parameters) as Record<string, unknown> | undefined;
    const value = parameters?.[tls.name];
    return Token.isUnresolved(value) || isOn(value);
  });
  if (!set) {
    Annotations.of(scope).addWarningV2('cdk-ha-kit:tlsNotEnforced',
      `The parameterGroup ${groups.length === 0 ? 'is imported and cannot be read: make sure it sets' : 'does not set'} ${tls.name} = ${tls.value} (${tls.source}): without it, connections without TLS are accepted.`);
  }
}
