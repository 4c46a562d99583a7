/**
 * The documented limits of the names and descriptions the library's templates carry, checked on
 * every literal string (values computed by intrinsic functions are known at deploy time only).
 * Each row cites its API reference page; the library's own rules are written separately, in
 * lib/core/descriptions.ts and lib/core/dns-names.ts, so that this table checks them.
 */

interface TextLimit {
  readonly max: number;
  readonly min?: number;
  /** Every character must match. */
  readonly chars?: RegExp;
  /** The whole value must match. */
  readonly pattern?: RegExp;
  /** Where the limit is documented. */
  readonly source: string;
}

/** EC2 API Reference, CreateSecurityGroup `GroupDescription` and IpRange `Description`. */
const EC2_TEXT: TextLimit = { max: 255, chars: /[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/, source: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html' };
const ALARM_DESCRIPTION: TextLimit = { max: 1024, source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html' };
/** Alarm names: 1 to 255 characters, no ASCII control characters. */
// eslint-disable-next-line no-control-regex -- the documented character set names control characters
const ALARM_NAME: TextLimit = { min: 1, max: 255, chars: /[^\u0000-\u001f\u007f]/, source: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html' };
const APPCONFIG_DESCRIPTION: TextLimit = { max: 1024, source: 'https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateApplication.html' };
const APPCONFIG_NAME: TextLimit = { min: 1, max: 64, source: 'https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateApplication.html' };
const CLOUD_MAP_DESCRIPTION: TextLimit = { max: 1024, source: 'https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateService.html' };
/**
 * Route 53 names: printable ASCII without spaces, at most 1024 characters as written (an `\ddd`
 * escape takes four); as stored, labels of at most 63 bytes and names of at most 255 (dnsProblems).
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html
 */
const DNS_NAME: TextLimit = { min: 1, max: 1024, chars: /[!-~]/, source: 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html' };

/** DB instance and cluster identifiers: 1 to 63 letters, digits or hyphens; a letter first; no hyphen at the end or twice in a row. */
const RDS_IDENTIFIER: TextLimit = { min: 1, max: 63, pattern: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*(?<!-)$/, source: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html' };

/** Resource type → property path (`a.b`, `[]` for every element) → limit. */
const LIMITS: Record<string, Record<string, TextLimit>> = {
  'AWS::EC2::SecurityGroup': { 'GroupDescription': EC2_TEXT, 'SecurityGroupIngress[].Description': EC2_TEXT, 'SecurityGroupEgress[].Description': EC2_TEXT },
  'AWS::EC2::SecurityGroupIngress': { Description: EC2_TEXT },
  'AWS::EC2::SecurityGroupEgress': { Description: EC2_TEXT },
  'AWS::CloudWatch::Alarm': { AlarmDescription: ALARM_DESCRIPTION, AlarmName: ALARM_NAME },
  'AWS::CloudWatch::CompositeAlarm': { AlarmDescription: ALARM_DESCRIPTION, AlarmName: ALARM_NAME },
  'AWS::Lambda::Function': {
    Description: { max: 256, source: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html' },
    FunctionName: { min: 1, max: 64, chars: /[a-zA-Z0-9_-]/, source: 'https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html' },
  },
  'AWS::Events::Rule': { Description: { max: 512, source: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html' } },
  // eslint-disable-next-line no-control-regex -- the documented character set names control characters
  'AWS::IAM::Role': { Description: { max: 1000, chars: /[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]/, source: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html' } },
  'AWS::KMS::Key': { Description: { max: 8192, source: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html' } },
  'AWS::SecretsManager::Secret': { Description: { max: 2048, source: 'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html' } },
  'AWS::ServiceDiscovery::PrivateDnsNamespace': { Description: CLOUD_MAP_DESCRIPTION },
  'AWS::ServiceDiscovery::PublicDnsNamespace': { Description: CLOUD_MAP_DESCRIPTION },
  'AWS::ServiceDiscovery::HttpNamespace': { Description: CLOUD_MAP_DESCRIPTION },
  'AWS::ServiceDiscovery::Service': { 'Description': CLOUD_MAP_DESCRIPTION, 'HealthCheckConfig.ResourcePath': { max: 255, source: 'https://docs.aws.amazon.com/cloud-map/latest/api/API_HealthCheckConfig.html' } },
  'AWS::AppConfig::Application': { Name: APPCONFIG_NAME, Description: APPCONFIG_DESCRIPTION },
  'AWS::AppConfig::Environment': { Name: APPCONFIG_NAME, Description: APPCONFIG_DESCRIPTION },
  'AWS::AppConfig::DeploymentStrategy': { Name: APPCONFIG_NAME, Description: APPCONFIG_DESCRIPTION },
  'AWS::AppConfig::ConfigurationProfile': { Name: { min: 1, max: 128, source: 'https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateConfigurationProfile.html' }, Description: APPCONFIG_DESCRIPTION },
  'AWS::ElastiCache::ReplicationGroup': {
    ReplicationGroupDescription: { min: 1, max: 255, source: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyReplicationGroup.html' },
  },
  'AWS::RDS::DBInstance': { DBInstanceIdentifier: RDS_IDENTIFIER },
  'AWS::RDS::DBCluster': { DBClusterIdentifier: RDS_IDENTIFIER },
  'AWS::Route53::RecordSet': { Name: DNS_NAME },
  'AWS::Route53::HostedZone': { Name: DNS_NAME },
  'AWS::Route53::HealthCheck': { 'HealthCheckConfig.ResourcePath': { max: 255, source: 'https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html' } },
  'AWS::DynamoDB::Table': { TableName: { min: 3, max: 255, chars: /[a-zA-Z0-9_.-]/, source: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html' } },
  'AWS::Logs::LogGroup': { LogGroupName: { min: 1, max: 512, chars: /[.\-_/#A-Za-z0-9]/, source: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html' } },
};

/** The values at `path` in `node`: `a.b` walks objects, `[]` every element of a list. */
function valuesAt(node: unknown, path: string[]): unknown[] {
  if (path.length === 0) return [node];
  if (node === null || typeof node !== 'object') return [];
  const [head, ...rest] = path;
  if (head.endsWith('[]')) {
    const list = (node as Record<string, unknown>)[head.slice(0, -2)];
    return Array.isArray(list) ? list.flatMap((e) => valuesAt(e, rest)) : [];
  }
  return valuesAt((node as Record<string, unknown>)[head], rest);
}

/** Route 53 names: each label at most 63 bytes, the whole name at most 255 (an `\ddd` escape is one byte). */
function dnsProblems(value: string): string[] {
  const bare = value.replace(/\.$/, '').replace(/\\\d{3}/g, 'x');
  const problems = bare.split('.').filter((l) => l.length > 63).map((l) => `a label of ${l.length} characters`);
  if (bare.length > 255) problems.push(`${bare.length} characters`);
  return problems;
}

/** Every literal name or description in `template` that breaks its documented limit. */
export function checkTextLimits(name: string, template: { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> }): string[] {
  const problems: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    for (const [path, limit] of Object.entries(LIMITS[resource.Type] ?? {})) {
      for (const value of valuesAt(resource.Properties ?? {}, path.split('.'))) {
        if (typeof value !== 'string') continue;
        const where = `${name} ${logicalId} (${resource.Type}).${path}`;
        const length = Array.from(value).length;
        if (length > limit.max || length < (limit.min ?? 0)) problems.push(`${where}: ${length} characters, allowed ${limit.min ?? 0} to ${limit.max} (${limit.source})`);
        const bad = limit.chars ? Array.from(value).find((c) => !limit.chars!.test(c)) : undefined;
        if (bad !== undefined) problems.push(`${where}: the character ${JSON.stringify(bad)} (${limit.source})`);
        if (limit.pattern && !limit.pattern.test(value)) problems.push(`${where}: ${JSON.stringify(value)} does not match ${limit.pattern} (${limit.source})`);
        if (limit === DNS_NAME) problems.push(...dnsProblems(value).map((p) => `${where}: ${p} (${limit.source})`));
      }
    }
  }
  return problems;
}
