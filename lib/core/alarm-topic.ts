/**
 * Where alarms go: an SNS topic encrypted with a KMS key of its own, TLS only, that CloudWatch
 * alarms of this account may publish to.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { KMS_KEY_DESCRIPTION, fitDescription } from './descriptions';

/** The topic and its key. */
export interface EncryptedTopic {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
}

/**
 * Creates, in `scope`, a key `keyId` and a topic `topicId` encrypted with it.
 *
 * The key is customer managed because CloudWatch cannot publish to a topic encrypted with the AWS
 * managed key for SNS; its policy lets CloudWatch of this account use it ("Amazon SNS Developer
 * Guide, Configure AWS KMS permissions for AWS services",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 * `enforceSSL` replaces the topic's default policy, which is what let this account's alarms
 * publish, so a statement gives that back to CloudWatch alarms of this account only.
 */
/**
 * Grants on the key only for AWS services acting for AWS resources (AWS Control Tower,
 * CT.KMS.PR.3, https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html).
 */
export function limitGrantsToAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
}

export function createEncryptedTopic(scope: Construct, keyId: string, topicId: string, what: string): EncryptedTopic {
  const key = new kms.Key(scope, keyId, {
    description: fitDescription(KMS_KEY_DESCRIPTION, `Encrypts ${what}`),
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
  }));
  limitGrantsToAwsServices(key);
  const topic = new sns.Topic(scope, topicId, { masterKey: key, enforceSSL: true });
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAlarmsOfThisAccount',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
    },
  }));
  return { topic, key };
}

/**
 * Props of `AlarmTopic`.
 */
export interface AlarmTopicProps {
  /**
   * What the alarms are about, in the key's description: `Encrypts <what>`.
   * @default - "the alarms of" and the construct path
   */
  readonly what?: string;
}

/**
 * An SNS topic for alarms: encrypted with a KMS key of its own (rotated yearly), TLS only, and
 * open to CloudWatch alarms of this account. Subscribe people or an incident tool to `topic`,
 * and give `action` to alarms.
 */
export class AlarmTopic extends Construct {
  /** The topic. */
  public readonly topic: sns.Topic;

  /** The key that encrypts it. */
  public readonly key: kms.Key;

  /** An alarm action that notifies the topic. */
  public readonly action: cloudwatch.IAlarmAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const { topic, key } = createEncryptedTopic(this, 'Key', 'Topic', props.what ?? `the alarms of ${this.node.path}`);
    this.topic = topic;
    this.key = key;
    this.action = new cwActions.SnsAction(topic);
  }
}
