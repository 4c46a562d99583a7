/**
 * What ElastiCache (Valkey, Redis OSS) accepts, from its user guide (read 2026-12). Every
 * replication group of this library encrypts in transit, so only versions that support it count.
 */
import { Token } from 'aws-cdk-lib';
import { Validator } from '../core/validation';

/** The engine names of `CfnReplicationGroup.engine`. */
export type CacheEngineName = 'valkey' | 'redis';

/** Compares dotted versions numerically; unresolved or odd strings compare as equal. */
export function compareVersions(a: string, b: string): number {
  if (Token.isUnresolved(a)) return 0;
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (Number.isNaN(d)) return 0;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Engine versions ElastiCache runs with in-transit encryption:
 * - Valkey from 7.2, its first version on ElastiCache ("Supported engines and versions").
 * - Redis OSS up to 7.1, the last Redis OSS version ElastiCache offers, and only 3.2.6 or
 *   4.0.10 and later: "In-transit encryption ... is supported on Redis OSS 3.2.6, 4.0.10 and
 *   later" ("ElastiCache in-transit encryption (TLS)").
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/VersionManagement.html
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html
 */
export function validateEngineVersion(v: Validator, engine: CacheEngineName, version: string): void {
  if (Token.isUnresolved(version) || !/^\d+\.\d+(\.\d+)?$/.test(version)) return;
  if (engine === 'valkey' && compareVersions(version, '7.2') < 0) {
    v.add('engineVersion', `${version} with valkey`, 'Valkey 7.2 or later: ElastiCache offers no earlier Valkey');
  }
  if (engine === 'redis') {
    const tls = compareVersions(version, '3.2.6') === 0 || compareVersions(version, '4.0.10') >= 0;
    if (compareVersions(version, '7.1') > 0) {
      v.add('engineVersion', `${version} with redis`, 'Redis OSS up to 7.1, the last ElastiCache offers; for later versions use CacheEngine.VALKEY');
    } else if (!tls) {
      v.add('engineVersion', `${version} with redis`, 'Redis OSS 3.2.6, or 4.0.10 and later: earlier versions do not encrypt in transit, which this construct always does');
    }
  }
}

/** The sizes of the Graviton families from m6g and r6g on. */
const GRAVITON_SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'];
const BURSTABLE_SIZES = ['micro', 'small', 'medium'];

/**
 * Node families ElastiCache lists as current generation for Valkey and Redis OSS, each with the
 * sizes it comes in: a family is not every size (there is no cache.t4g.large, no
 * cache.r6gd.large, no cache.m5.8xlarge). A family missing here may be newer than this list: it
 * is warned about, not refused; a size its family does not list is refused.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CacheNode.html
 */
export const NODE_SIZES: Readonly<Record<string, readonly string[]>> = {
  t2: BURSTABLE_SIZES, t3: BURSTABLE_SIZES, t4g: BURSTABLE_SIZES,
  m4: ['large', 'xlarge', '2xlarge', '4xlarge', '10xlarge'],
  m5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  m6g: GRAVITON_SIZES, m7g: GRAVITON_SIZES,
  r4: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge'],
  r5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  r6g: GRAVITON_SIZES, r7g: GRAVITON_SIZES,
  // Data tiering: from xlarge up.
  r6gd: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  c7gn: GRAVITON_SIZES,
};

export const KNOWN_NODE_FAMILIES = Object.keys(NODE_SIZES);

/** A node type of a known family in a size that family does not come in. */
export function validateNodeSize(v: Validator, nodeType: string): void {
  const [, family, size] = /^cache\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(Token.isUnresolved(nodeType) ? '' : nodeType) ?? [];
  const sizes = family === undefined ? undefined : NODE_SIZES[family];
  if (sizes !== undefined && !sizes.includes(size)) {
    v.add('nodeType', JSON.stringify(nodeType), `a size cache.${family} comes in: ${sizes.join(', ')}`);
  }
}

/** Families ElastiCache lists as previous generation that support neither Multi-AZ, encryption nor snapshots. */
export const PREVIOUS_GENERATION = /^cache\.(t1|m1|m2|c1)\./;

/**
 * Data tiering: the r6gd nodes keep their values on SSD and need `DataTieringEnabled`; it works
 * from Valkey 7.2 and Redis OSS 6.2 ("Data tiering in ElastiCache").
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/data-tiering.html
 */
export function isDataTieringNode(nodeType: string): boolean {
  return !Token.isUnresolved(nodeType) && /^cache\.r6gd\./.test(nodeType);
}

export function validateDataTiering(v: Validator, engine: CacheEngineName, version: string, nodeType: string): void {
  if (!isDataTieringNode(nodeType)) return;
  const minimum = engine === 'valkey' ? '7.2' : '6.2';
  if (compareVersions(version, minimum) < 0) {
    v.add('nodeType', `${JSON.stringify(nodeType)} with ${engine} ${version}`, `data tiering (r6gd nodes) from ${engine === 'valkey' ? 'Valkey' : 'Redis OSS'} ${minimum}`);
  }
}
