/**
 * The IAM permissions of a LeaderHealthMonitor's contenders.
 */
import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { FENCE_PREFIX } from '../../lambda/health-monitor/contract';
import { NamespaceKind } from '../discovery/service-registry';
import type { LeaderHealthMonitorProps, RegistryMembership } from './props';
import type { Settings } from './settings';

/** The monitor's resources the role is granted on. */
export interface MonitorResources {
  readonly role: iam.Role;
  readonly logGroup: logs.ILogGroup;
  readonly table: dynamodb.ITable;
  readonly alertTopic: sns.ITopic;
}

/**
 * Least privilege for the contenders' role: each statement names the resources passed in, and
 * `*` only where the action has no resource-level permissions.
 */
export function grantMonitorPermissions(on: MonitorResources, props: LeaderHealthMonitorProps, s: Settings): void {
  const role = on.role;
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'Logs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [on.logGroup.logGroupArn],
  }));
  // Lambda attaches the function to the VPC through network interfaces, with the function's role
  // (the actions of AWSLambdaVPCAccessExecutionRole). The Service Authorization Reference for
  // Amazon EC2 (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html)
  // gives CreateNetworkInterface the resource types network-interface, subnet and security-group,
  // and DeleteNetworkInterface, AssignPrivateIpAddresses and UnassignPrivateIpAddresses the
  // network-interface type: those four are held to this account and region. The interfaces'
  // ids are only known when Lambda creates them.
  const stack = Stack.of(role);
  const ec2Arn = (type: string) => stack.formatArn({ service: 'ec2', resource: type, resourceName: '*' });
  // The same ARNs as cdk-nag writes them in its finding ids: pseudo parameters as `<AWS::...>`.
  const nagText = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  const interfaceTypes = ['network-interface', 'subnet', 'security-group'];
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'VpcNetworkInterfaces',
    actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    resources: interfaceTypes.map(ec2Arn),
  }));
  // DescribeNetworkInterfaces and DescribeSubnets support no resource-level permissions: "*" only.
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'DescribeVpcNetworkInterfaces',
    actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
    resources: ['*'],
  }));
  on.table.grant(role, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query');
  props.tableEncryptionKey?.grant(role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
  if (s.groups.length > 0) {
    // DescribeTargetHealth has no resource-level permissions: it is allowed on "*" only.
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ListTargets',
      actions: ['elasticloadbalancing:DescribeTargetHealth'],
      resources: ['*'],
    }));
    if (props.deregisterUnhealthyTargets ?? true) {
      role.addToPolicy(new iam.PolicyStatement({
        sid: 'TakeTargetsOutAndBack',
        actions: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'],
        resources: s.groups.map((g) => g.arn),
      }));
    }
  }
  for (const statement of failoverStatements(role, props, s)) role.addToPolicy(statement);
  grantMembership(role, props.membership ?? []);
  props.switches?.grantRead(role);
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'Alert',
    actions: ['sns:Publish'],
    resources: [on.alertTopic.topicArn],
  }));
  on.alertTopic.masterKey?.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
  const interfaceReason = 'Lambda creates the network interfaces of a function in a VPC with the function\'s role, and their ids are known only then: the four EC2 actions that support resource-level permissions are held to network interfaces, subnets and security groups of this account and region.';
  Validations.of(role).acknowledge(...interfaceTypes.map((type) => ({
    id: `AwsSolutions-IAM5[Resource::arn:${nagText(stack.partition, 'Partition')}:ec2:${nagText(stack.region, 'Region')}:${nagText(stack.account, 'AccountId')}:${type}/*]`,
    reason: interfaceReason,
  })));
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Only actions without resource-level permissions are allowed on "*": ec2:DescribeNetworkInterfaces, ec2:DescribeSubnets and elasticloadbalancing:DescribeTargetHealth. The network-interface actions Lambda needs in a VPC are held to network interfaces, subnets and security groups of this account and region (their ids are known only when Lambda creates them). Every other statement names the table, log group, target groups, hosted zones, registry services, feature flags and topic passed in.',
  });
}

/**
 * The name's and the accelerator endpoint's changes and reads: the monitor's, and the operator's
 * failback, which makes the same calls.
 */
function failoverStatements(scope: Construct, props: LeaderHealthMonitorProps, s: Settings): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  if (props.dnsFailover && s.dns) {
    const pair = props.dnsFailover;
    const name = Token.isUnresolved(pair.recordName) ? pair.recordName : pair.recordName.toLowerCase().replace(/\.$/, '');
    // Each change batch UPSERTs the record and replaces the fencing token beside it (a TXT record
    // `_fence.<name>`, deleted and created). The conditions allow those names, types and actions
    // and nothing else; IAM cannot tie an action to one of the names.
    // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/specifying-rrset-conditions.html
    statements.push(new iam.PolicyStatement({
      sid: 'FailOverOneRecord',
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [hostedZoneArn(scope, pair.zone.hostedZoneId)],
      conditions: {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': [name, `${FENCE_PREFIX}${name}`],
          'route53:ChangeResourceRecordSetsRecordTypes': [pair.recordType, 'TXT'],
          'route53:ChangeResourceRecordSetsActions': ['UPSERT', 'CREATE', 'DELETE'],
        },
      },
    }));
    // The name is read back to settle a change whose outcome is unknown. ListResourceRecordSets
    // takes the hosted zone as its resource.
    statements.push(new iam.PolicyStatement({
      sid: 'ReadTheRecordBack',
      actions: ['route53:ListResourceRecordSets'],
      resources: [hostedZoneArn(scope, pair.zone.hostedZoneId)],
    }));
  }
  if (props.vipFailover && s.vip) {
    // The endpoint is read back and its group's endpoints written whole; both actions take the
    // endpoint group as their resource. The API is global (us-west-2), the ARN has no region.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglobalaccelerator.html
    statements.push(new iam.PolicyStatement({
      sid: 'MoveTheAcceleratorEndpoint',
      actions: ['globalaccelerator:DescribeEndpointGroup', 'globalaccelerator:UpdateEndpointGroup'],
      resources: [s.vip.endpointGroupArn],
    }));
  }
  return statements;
}

/** What the operator command touches. */
export interface OperatedResources {
  readonly table: dynamodb.ITable;
  readonly contenderFunction: lambda.IFunction;
}

/**
 * What `npx cdk-ha-kit` needs, on this monitor's resources only: the stack's outputs and the
 * function's configuration to find it, the table's items, the target groups' health for
 * failback's check, the name's and the endpoint's reads and changes (the same conditions as the
 * monitor's), and the switches' flags.
 */
export function grantOperatorPermissions(grantee: iam.IGrantable, on: OperatedResources, props: LeaderHealthMonitorProps, s: Settings): iam.Grant {
  const stack = Stack.of(on.table);
  let grant = iam.Grant.addToPrincipal({
    grantee,
    actions: ['cloudformation:DescribeStacks'],
    resourceArns: [stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${stack.stackName}/*` })],
  });
  grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['lambda:GetFunctionConfiguration'], resourceArns: [on.contenderFunction.functionArn] }));
  grant = grant.combine(on.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'));
  if (props.tableEncryptionKey) grant = grant.combine(props.tableEncryptionKey.grant(grantee, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'));
  // DescribeTargetHealth has no resource-level permissions: it is allowed on "*" only.
  if (s.groups.length > 0) grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['elasticloadbalancing:DescribeTargetHealth'], resourceArns: ['*'] }));
  for (const statement of failoverStatements(on.table, props, s)) {
    const conditions = Object.keys(statement.conditions).length > 0 ? statement.conditions : undefined;
    grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions: statement.actions, resourceArns: statement.resources, conditions }));
  }
  if (props.switches) grant = grant.combine(props.switches.grantRead(grantee)).combine(props.switches.grantDeploy(grantee));
  return grant;
}

/**
 * Cloud Map calls on the services kept in step, and for DNS namespaces the Route 53 changes
 * Cloud Map makes in the namespace's hosted zone on the caller's behalf.
 */
function grantMembership(role: iam.Role, membership: RegistryMembership[]): void {
  if (membership.length === 0) return;
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'KeepRegistryInStep',
    actions: ['servicediscovery:ListInstances', 'servicediscovery:GetInstancesHealthStatus', 'servicediscovery:RegisterInstance',
      'servicediscovery:DeregisterInstance', 'servicediscovery:UpdateInstanceCustomHealthStatus'],
    resources: [...new Set(membership.map((m) => m.registry.service(m.serviceName).serviceArn))],
  }));
  const zones = [...new Set(membership.flatMap((m) => {
    const namespace = m.registry.namespace;
    if (m.registry.kind === NamespaceKind.HTTP) return [];
    return [(namespace as servicediscovery.PrivateDnsNamespace | servicediscovery.PublicDnsNamespace).namespaceHostedZoneId];
  }))];
  if (zones.length === 0) return;
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'RegistryRecords',
    actions: ['route53:GetHostedZone', 'route53:ChangeResourceRecordSets'],
    resources: zones.map((zone) => hostedZoneArn(role, zone)),
  }));
}

function hostedZoneArn(scope: Construct, hostedZoneId: string): string {
  return Stack.of(scope).formatArn({ service: 'route53', region: '', account: '', resource: 'hostedzone', resourceName: hostedZoneId });
}
