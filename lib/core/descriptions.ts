/**
 * Descriptions built from construct paths and monitor ids, which may be longer than AWS allows or
 * hold characters AWS refuses. One limit per kind of description, each from its API reference.
 */
import { Token } from 'aws-cdk-lib';
import { Validator } from './validation';

/** How long a description of one kind of resource may be, and which characters it may hold. */
export interface DescriptionLimit {
  /** Characters AWS accepts. */
  readonly maxLength: number;
  /** Characters AWS refuses, replaced by `_`; none when AWS takes any character. */
  readonly refused?: RegExp;
}

/**
 * Descriptions of security groups and of their rules: "Up to 255 characters in length. Constraints:
 * a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*" (CreateSecurityGroup `GroupDescription`, and
 * `IpRange`/`UserIdGroupPair` `Description` for rules).
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html
 */
export const SECURITY_GROUP_DESCRIPTION: DescriptionLimit = { maxLength: 255, refused: /[^a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/g };

/** PutMetricAlarm and PutCompositeAlarm `AlarmDescription`: 0 to 1024 characters. https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html */
export const ALARM_DESCRIPTION: DescriptionLimit = { maxLength: 1024 };

/**
 * Cloud Map namespaces and services, `Description`: at most 1024 characters.
 * https://docs.aws.amazon.com/cloud-map/latest/api/API_CreatePrivateDnsNamespace.html
 * https://docs.aws.amazon.com/cloud-map/latest/api/API_CreateService.html
 */
export const CLOUD_MAP_DESCRIPTION: DescriptionLimit = { maxLength: 1024 };

/**
 * AppConfig applications, environments, configuration profiles and deployment strategies,
 * `Description`: 0 to 1024 characters.
 * https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateApplication.html
 */
export const APPCONFIG_DESCRIPTION: DescriptionLimit = { maxLength: 1024 };

/**
 * IAM roles, `Description`: at most 1000 characters of `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]`.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 */
// eslint-disable-next-line no-control-regex -- the documented character set names control characters
export const IAM_ROLE_DESCRIPTION: DescriptionLimit = { maxLength: 1000, refused: /[^\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]/g };

/** ElastiCache replication groups: "Maximum length is 255 characters." https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyReplicationGroup.html */
export const REPLICATION_GROUP_DESCRIPTION: DescriptionLimit = { maxLength: 255 };

/** Secrets Manager secrets, `Description`: at most 2048 characters. https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html */
export const SECRET_DESCRIPTION: DescriptionLimit = { maxLength: 2048 };

/** KMS keys, `Description`: 0 to 8192 characters. https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html */
export const KMS_KEY_DESCRIPTION: DescriptionLimit = { maxLength: 8192 };

/**
 * `text` as a description AWS accepts under `limit`: refused characters become `_`; a longer text
 * is cut, keeping its end, which names the construct's part. A text AWS already accepts comes out
 * unchanged, so no existing resource sees a new description (for a security group, a new
 * description replaces the group).
 */
export function fitDescription(limit: DescriptionLimit, text: string): string {
  if (Token.isUnresolved(text)) return text;
  // Characters, not UTF-16 units: a cut never splits a character in two.
  const chars = Array.from(limit.refused ? text.replace(limit.refused, '_') : text);
  return chars.length <= limit.maxLength ? chars.join('') : `...${chars.slice(chars.length - limit.maxLength + 3).join('')}`;
}

/** `text` as a security group or security group rule description EC2 accepts. */
export function securityGroupDescription(text: string): string {
  return fitDescription(SECURITY_GROUP_DESCRIPTION, text);
}

/** Adds to `v` what is wrong with a description the user gives as `prop`, if anything. */
export function validateDescription(v: Validator, prop: string, limit: DescriptionLimit, text: string | undefined): void {
  const problem = text === undefined ? undefined : descriptionProblem(limit, text);
  if (problem !== undefined) v.add(prop, problem, `at most ${limit.maxLength} characters`);
}

/**
 * Problems with a description the user gives, for the validator: its length, then characters the
 * limit refuses. Tokens are not checked (their value is known at deploy time only).
 */
export function descriptionProblem(limit: DescriptionLimit, text: string): string | undefined {
  if (Token.isUnresolved(text)) return undefined;
  const length = Array.from(text).length;
  if (length > limit.maxLength) return `${length} characters`;
  const refused = limit.refused ? text.match(new RegExp(limit.refused.source)) : null;
  return refused ? `the character ${JSON.stringify(refused[0])}` : undefined;
}
