/**
 * The library's decisions that rule packs report, each written once with its reason and the rule
 * id of every pack that reports it: cdk-nag's AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI
 * DSS 3.2.1 and Serverless, and AWS Control Tower's proactive controls (by the rule names of
 * @cdklabs/cdk-validator-cfnguard, the control in a comment). A construct acknowledges a decision
 * on the narrowest scope it made it for.
 */
import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** One decision: why, and the rule ids that report it. */
export interface Decision {
  readonly reason: string;
  readonly rules: readonly string[];
}

const NIST = 'NIST.800.53.R5';
const HIPAA = 'HIPAA.Security';
const PCI = 'PCI.DSS.321';
/** A Control Tower control, by the rule name @cdklabs/cdk-validator-cfnguard reports it under. */
const controlTower = (rule: string) => `cdk-validator-cfnguard::${rule}`;
/** `rule` under each of the three compliance packs that share it. */
const compliance = (rule: string, packs = [NIST, HIPAA, PCI]) => packs.map((pack) => `${pack}-${rule}`);

/** The decisions, by name. */
export const DECISIONS = {
  LOG_GROUPS_SERVICE_ENCRYPTED: {
    reason: 'CloudWatch Logs encrypts every log group at rest with keys it manages; the logs here hold no secrets (slow queries, engine events, the monitor\'s decisions). Give a KMS key where a policy asks for one you control.',
    rules: [...compliance('CloudWatchLogGroupEncrypted'), controlTower('cloudwatch_log_group_encrypted_check') /* CT.CLOUDWATCH.PR.3 */],
  },
  LOG_RETENTION: {
    reason: 'These logs are for operating the service (slow queries, engine events, the monitor\'s decisions), kept 1 to 3 months by default; the retention is a prop (logRetention, cloudwatchLogsRetention) where a year is required.',
    rules: [controlTower('cloudwatch_log_group_retention_period_check') /* CT.CLOUDWATCH.PR.2 */],
  },
  ROLE_POLICY: {
    reason: 'The statements are attached to this one role as its own policy (AWS::IAM::Policy), scoped to the resources it acts on; a managed policy would be a separate, reusable grant that other principals could be given.',
    rules: compliance('IAMNoInlinePolicy'),
  },
  ACCESS_LOG_BUCKET: {
    reason: 'The bucket receives load balancer access logs, which Elastic Load Balancing delivers only to buckets encrypted with SSE-S3 (not SSE-KMS); it is append-only with a lifecycle expiry, so versions, replicas and an object lock would only keep logs past the retention asked for, and nothing consumes its events; its own access logs would need yet another log bucket, which is the account log archive\'s job.',
    rules: [
      'AwsSolutions-S1', ...compliance('S3BucketLoggingEnabled'), ...compliance('S3BucketReplicationEnabled'), ...compliance('S3BucketVersioningEnabled'), ...compliance('S3DefaultEncryptionKMS'),
      controlTower('s3_bucket_logging_enabled_check') /* CT.S3.PR.2 */, controlTower('s3_event_notifications_enabled_check') /* CT.S3.PR.4 */, controlTower('s3_bucket_object_lock_enabled_check') /* CT.S3.PR.9 */,
      controlTower('s3_bucket_default_encryption_kms_check') /* CT.S3.PR.10 */, controlTower('s3_bucket_versioning_enabled_check') /* CT.S3.PR.11 */,
    ],
  },
  NLB_LOGS_TLS_ONLY: {
    reason: 'A Network Load Balancer writes access logs only for TLS listeners, and this one has none (TCP or UDP listeners): logging would fill no bucket. VPC flow logs record its connections.',
    rules: ['AwsSolutions-ELB2', ...compliance('ELBLoggingEnabled'), controlTower('elbv2_logging_enabled_check') /* CT.ELASTICLOADBALANCING.PR.6 */],
  },
  PLAINTEXT_OPTED_IN: {
    reason: 'Plain HTTP was chosen explicitly with allowPlaintext: true; without it, an internet-facing Application Load Balancer without certificates is refused at synth.',
    rules: [...compliance('ALBHttpToHttpsRedirection'), ...compliance('ELBv2ACMCertificateRequired'), controlTower('alb_http_to_https_redirection_check') /* CT.ELASTICLOADBALANCING.PR.1 */],
  },
  REDIRECT_LISTENER: {
    reason: 'This port 80 listener serves nothing: it answers every request with a 301 to the HTTPS listener, which holds the certificates.',
    rules: compliance('ELBv2ACMCertificateRequired'),
  },
  WEB_ACL_OPTIONAL: {
    reason: 'A web ACL\'s rules depend on the application in front of which it sits: the load balancer takes one with webAclArn, and has none until it is given.',
    rules: compliance('ALBWAFEnabled', [NIST, PCI]),
  },
  CACHE_TOKEN_ROTATION: {
    reason: 'An ElastiCache AUTH token is rotated with ModifyReplicationGroup (AuthTokenUpdateStrategy ROTATE, then SET), which no Secrets Manager rotation function performs. For credentials without a long-lived secret, use CacheAuthentication.userGroup() with IAM-authenticated users.',
    rules: ['AwsSolutions-SMG4', ...compliance('SecretsManagerRotationEnabled', [NIST, HIPAA])],
  },
  SECRET_AWS_MANAGED_KEY: {
    reason: 'The secret is encrypted with the AWS managed key of Secrets Manager; who may read it is decided by IAM on the secret (grantRead / grantConnect), which a customer managed key would only repeat.',
    rules: compliance('SecretsManagerUsingKMSKey'),
  },
  EVENTS_TOPIC_UNENCRYPTED: {
    reason: 'ElastiCache publishes its events (cluster and node ids, event names; no data) under the topic policy statement it documents, and does not document publishing to a topic encrypted with a customer managed key; the topic accepts TLS only.',
    rules: compliance('SNSEncryptedKMS'),
  },
  CACHE_SNAPSHOTS: {
    reason: 'A cache holds data its owner can rebuild; its daily snapshots are kept snapshotRetention days (7 by default, up to 35) and one more is taken when it is removed.',
    rules: compliance('ElastiCacheRedisClusterAutomaticBackup', [NIST, HIPAA]),
  },
  ROTATION_DATABASE_PORT: {
    reason: 'The rule admits the password-rotation function\'s security group only, on the database\'s own port, which the template reads from the database at deploy time (so the rule cannot see it is not a common port or SSH).',
    rules: [...compliance('EC2RestrictedCommonPorts'), ...compliance('EC2RestrictedSSH')],
  },
  ENHANCED_MONITORING_OPTIONAL: {
    reason: 'Enhanced Monitoring is opt-in (monitoringInterval): CloudWatch already receives the database\'s metrics, and the library alarms on them.',
    rules: [...compliance('RDSEnhancedMonitoringEnabled', [NIST, HIPAA]), controlTower('rds_instance_enhanced_monitoring_enabled_check') /* CT.RDS.PR.2 */],
  },
  DATABASE_BACKUPS: {
    reason: 'RDS takes automated backups every day and keeps them backupRetention days (7 by default, up to 35), with point-in-time recovery, and a final snapshot on removal; an AWS Backup plan is the account\'s to add across services.',
    rules: compliance('RDSInBackupPlan', [NIST, HIPAA]),
  },
  LEASE_TABLE: {
    reason: 'The table holds the monitor\'s lease and incident state, which it rebuilds from what it probes; there is nothing in it to restore.',
    rules: compliance('DynamoDBInBackupPlan', [NIST, HIPAA]),
  },
  MONITOR_FAILURE_DESTINATION: {
    reason: 'Failed invocations of the monitor go to an encrypted queue through an on-failure destination, which carries the error and the request (a dead-letter queue would carry the event only).',
    rules: [...compliance('LambdaDLQ', [NIST, HIPAA]), 'Serverless-LambdaDLQ'],
  },
  DEAD_LETTER_QUEUE: {
    reason: 'This queue is the dead-letter queue of the monitor\'s invocations and schedule; a dead-letter queue of its own would only move the same messages again.',
    rules: ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy', controlTower('sqs_dlq_check') /* CT.SQS.PR.1 */],
  },
  DEPLOY_TIME_READ: {
    reason: 'The function of aws-cdk-lib\'s AwsCustomResource runs only while CloudFormation creates or updates the stack, to read one value CloudFormation does not return (the global writer endpoint, with DescribeGlobalClusters on this global cluster only). It calls a public AWS API, holds no data, and is not invoked otherwise: a VPC, reserved concurrency, a dead-letter queue, tracing or more memory would guard nothing; its basic-execution managed policy only lets it write its own logs, and its own policy is the one statement above.',
    rules: [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      ...compliance('LambdaConcurrency', [NIST, HIPAA]), ...compliance('LambdaDLQ', [NIST, HIPAA]), ...compliance('LambdaInsideVPC'), ...compliance('IAMNoInlinePolicy'),
      'Serverless-LambdaTracing', 'Serverless-LambdaDLQ', 'Serverless-LambdaDefaultMemorySize', controlTower('lambda_inside_vpc_check') /* CT.LAMBDA.PR.3 */,
    ],
  },
  REGION_SWITCH_STEP: {
    reason: 'ARC invokes this function once per retry of one region-switch step; it calls the ElastiCache API only, on the one Global Datastore and replication group it promotes. It needs no VPC, a dead-letter queue has nothing to receive (ARC invokes it and reads the outcome), reserved concurrency would only fail deployments in accounts with a low quota, and its log says what it did.',
    rules: [...compliance('LambdaConcurrency', [NIST, HIPAA]), ...compliance('LambdaDLQ', [NIST, HIPAA]), ...compliance('LambdaInsideVPC'), 'Serverless-LambdaTracing', 'Serverless-LambdaDLQ',
      controlTower('lambda_inside_vpc_check') /* CT.LAMBDA.PR.3 */],
  },
  PLAN_SCALING_WILDCARD: {
    reason: 'ARC\'s ECS scaling step lists services, reads and registers their scalable targets and reads their metrics: ecs:ListServices, application-autoscaling:DescribeScalableTargets and RegisterScalableTarget, and cloudwatch:GetMetricStatistics take no resource-level permissions (Service Authorization Reference). Every action that does is held to the plan\'s own resources.',
    rules: ['AwsSolutions-IAM5[Resource::*]'],
  },
  REGION_SWITCH_EVENTS: {
    reason: 'The rule forwards ARC Region switch\'s execution and evaluation events, which ARC delivers to EventBridge best effort, to an alarm topic of the same region; ARC keeps each execution\'s own record (GetPlanExecution), so a dead-letter queue would hold copies of a notice, not state. Its role publishes to that topic alone: aws-cdk-lib grants kms:GenerateDataKey* (the data-key variants) on the topic\'s one key.',
    rules: ['Serverless-EventBusDLQ', 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]'],
  },
  MONITOR_TRACING: {
    reason: 'The monitor reports each cycle in its own metrics, logs and dashboard; X-Ray would need a permission on "*" for little more.',
    rules: ['Serverless-LambdaTracing'],
  },
} as const satisfies Record<string, Decision>;

/** Acknowledges `decision` under every pack's rule id, on `scope` and what it holds. */
export function acknowledgeDecision(scope: IConstruct, decision: Decision): void {
  Validations.of(scope).acknowledge(...decision.rules.map((id) => ({ id, reason: decision.reason })));
}
