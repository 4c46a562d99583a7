/** Access logs of a load balancer: their bucket (encrypted, TLS only, retained) and its rules. */
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { LoadBalancerType } from '../core/load-balancer-type';
import { Validator } from '../core/validation';

/**
 * Where and how long the load balancer's access logs are kept.
 */
export interface AccessLogSettings {
  /**
   * Write access logs. Switching them off loses the only per-request record of who called what;
   * do it explicitly. A Network Load Balancer writes them only for its TLS listeners, so one
   * without certificates has none, and asking for them there is refused.
   * @default - true for an Application Load Balancer and for a Network Load Balancer with a TLS
   * listener; false for a Network Load Balancer without one
   */
  readonly enabled?: boolean;

  /**
   * An existing bucket to write to, e.g. the account's central log archive. Its encryption must be
   * SSE-S3: ELB log delivery does not write to SSE-KMS buckets for Application Load Balancers.
   * @default - a new bucket: SSE-S3 encrypted, TLS-only, public access blocked, objects owned by
   * the bucket owner, retained when the stack is deleted
   */
  readonly bucket?: s3.IBucket;

  /**
   * Key prefix for the log objects. No leading or trailing `/`, and must not contain `AWSLogs`.
   * @default - no prefix
   */
  readonly prefix?: string;

  /**
   * How long log objects are kept in the created bucket. Whole days, 1 to 3650.
   * @default Duration.days(90)
   */
  readonly retention?: Duration;
}

const DEFAULT_RETENTION = Duration.days(90);

/**
 * Whether the load balancer writes access logs: as asked, or by default wherever it can. A
 * Network Load Balancer writes them only for TLS listeners ("Access logs are created only if the
 * load balancer has a TLS listener and they contain information only about TLS requests").
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html
 */
export function accessLogsWanted(settings: AccessLogSettings, type: LoadBalancerType, tlsListener: boolean): boolean {
  return settings.enabled ?? (type === LoadBalancerType.APPLICATION || tlsListener);
}

/**
 * Checks access log settings; `type` decides whether the stack's region must be known, and, for
 * a Network Load Balancer, whether it has a TLS listener to log.
 */
export function validateAccessLogs(v: Validator, scope: Construct, settings: AccessLogSettings, type: LoadBalancerType, tlsListener: boolean): void {
  if (settings.enabled === false) return;
  const asked = settings.enabled === true || settings.bucket !== undefined || settings.prefix !== undefined || settings.retention !== undefined;
  if (type === LoadBalancerType.NETWORK && !tlsListener && asked) {
    v.add('accessLogs', 'access logs on a Network Load Balancer without a TLS listener',
      'certificates (a TLS listener), or no accessLogs: a Network Load Balancer writes access logs only for TLS listeners, so these would stay empty');
    return;
  }
  if (!accessLogsWanted(settings, type, tlsListener)) return;
  const prefix = settings.prefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix) && (prefix.startsWith('/') || prefix.endsWith('/') || prefix.includes('AWSLogs'))) {
    v.add('accessLogs.prefix', JSON.stringify(prefix), 'a prefix without leading or trailing "/" that does not contain "AWSLogs"');
  }
  if (settings.bucket !== undefined && settings.retention !== undefined) {
    v.add('accessLogs.retention', `${settings.retention.toDays({ integral: false })} days with an existing bucket`, 'retention only for the bucket this construct creates; set lifecycle rules on your own bucket');
  }
  const retention = settings.retention;
  if (retention !== undefined && !retention.isUnresolved()) {
    const days = retention.toDays({ integral: false });
    if (!Number.isInteger(days) || days < 1 || days > 3650) {
      v.add('accessLogs.retention', `${days} days`, 'whole days from 1 to 3650');
    }
  }
  // "The bucket must be located in the same Region as the load balancer" (ELB User Guide,
  // "Access logs for your Application Load Balancer", bucket requirements; the same for NLBs).
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
  const bucketRegion = settings.bucket?.env.region;
  const region = Stack.of(scope).region;
  if (bucketRegion !== undefined && !Token.isUnresolved(bucketRegion) && !Token.isUnresolved(region) && bucketRegion !== region) {
    v.add('accessLogs.bucket', `a bucket in ${bucketRegion} for a load balancer in ${region}`, 'a bucket in the load balancer\'s region: ELB delivers access logs only within a region');
  }
  if (type === LoadBalancerType.APPLICATION && Token.isUnresolved(Stack.of(scope).region)) {
    v.add('accessLogs', 'enabled in a stack without a region', "a stack with env.region set (the log-delivery bucket policy depends on the region), or accessLogs: { enabled: false }");
  }
}

/** Creates the access log bucket with the library's defaults. */
export function createAccessLogBucket(scope: Construct, settings: AccessLogSettings): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [{
      expiration: settings.retention ?? DEFAULT_RETENTION,
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    }],
  });
  acknowledgeDecision(bucket, DECISIONS.ACCESS_LOG_BUCKET);
  return bucket;
}
