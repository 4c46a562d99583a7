import * as rds from 'aws-cdk-lib/aws-rds';
import { DatabaseEngine } from '../../lib';

/** One engine of each kind and edition the database tests build, at versions aws-cdk-lib names. */
export const ENGINES = {
  POSTGRES: DatabaseEngine.rds(rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 })),
  MYSQL: DatabaseEngine.rds(rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_40 })),
  MARIADB: DatabaseEngine.rds(rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.VER_10_11_9 })),
  ORACLE_EE: DatabaseEngine.rds(rds.DatabaseInstanceEngine.oracleEe({ version: rds.OracleEngineVersion.VER_19_0_0_0_2025_07_R1 })),
  ORACLE_SE2: DatabaseEngine.rds(rds.DatabaseInstanceEngine.oracleSe2({ version: rds.OracleEngineVersion.VER_19_0_0_0_2025_07_R1 })),
  SQLSERVER_EE: DatabaseEngine.rds(rds.DatabaseInstanceEngine.sqlServerEe({ version: rds.SqlServerEngineVersion.VER_16_00_4230_2_V1 })),
  SQLSERVER_SE: DatabaseEngine.rds(rds.DatabaseInstanceEngine.sqlServerSe({ version: rds.SqlServerEngineVersion.VER_16_00_4230_2_V1 })),
  SQLSERVER_EX: DatabaseEngine.rds(rds.DatabaseInstanceEngine.sqlServerEx({ version: rds.SqlServerEngineVersion.VER_16_00_4230_2_V1 })),
  AURORA_PG: DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 })),
  AURORA_MYSQL: DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraMysql({ version: rds.AuroraMysqlEngineVersion.VER_3_08_0 })),
};
