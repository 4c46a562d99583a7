/**
 * What the plan's execution role may do: exactly what each of its steps calls, on exactly the
 * resources passed in, after the sample policies of the ARC Developer Guide's "Execution block
 * permissions" pages, narrowed where the API takes resource-level permissions.
 * https://docs.aws.amazon.com/r53recovery/latest/dg/security_iam_region_switch_execution_blocks.html
 */
import { ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';
import { RegionSwitchPlanProps } from './plan-props';
import { RegionSwitchRegion } from './region-switch-region';

/** The plan's ARN, whatever suffix ARC gives it: `plan/<name>:<suffix>`, with no region. */
export function planArnPattern(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'arc-region-switch', region: '', resource: 'plan', resourceName: `${name}:*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}

/** An Aurora cluster's ARN, in its own region. */
export function clusterArn(scope: Construct, region: RegionSwitchRegion): string {
  return Stack.of(scope).formatArn({ service: 'rds', region: region.region, resource: 'cluster', resourceName: region.database!.identifier, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

export function grantPlanPermissions(plan: Construct & { readonly planName: string }, role: iam.Role, props: RegionSwitchPlanProps): void {
  const stack = Stack.of(plan);
  const allow = (actions: string[], resources: string[]) => role.addToPolicy(new iam.PolicyStatement({ actions, resources }));
  const regions = [props.primary, props.standby];
  // Plan evaluation and execution (AmazonApplicationRecoveryControllerRegionSwitchPlanExecutionPolicy,
  // narrowed to this plan and this role).
  allow(['arc-region-switch:GetPlan', 'arc-region-switch:GetPlanExecution', 'arc-region-switch:ListPlanExecutions'], [planArnPattern(plan, plan.planName)]);
  allow(['iam:SimulatePrincipalPolicy'], [role.roleArn]);
  // A trigger reads its alarms: "Plan execution trigger permissions".
  if (props.trigger) allow(['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'], props.trigger.alarms.map((a) => a.alarmArn));
  // Aurora global database: "Aurora Global Database execution block sample policy".
  if (props.primary.database) {
    const globalArn = stack.formatArn({ service: 'rds', region: '', resource: 'global-cluster', resourceName: props.primary.database.globalClusterIdentifier!, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const clusters = regions.map((r) => clusterArn(plan, r));
    allow(['rds:DescribeGlobalClusters'], [globalArn]);
    allow(['rds:DescribeDBClusters'], clusters);
    allow(['rds:FailoverGlobalCluster', 'rds:SwitchoverGlobalCluster'], [globalArn, ...clusters]);
  }
  // The cache step's functions: "Custom action Lambda execution block sample policy".
  const functions = regions.map((r) => r.cacheStepFunction?.functionArn).filter((a): a is string => a !== undefined);
  if (functions.length > 0) allow(['lambda:GetFunction', 'lambda:InvokeFunction'], functions);
  // ECS service scaling: "Amazon ECS service scaling execution block sample policy". ListServices,
  // the scalable-target actions and GetMetricStatistics take no resource-level permissions.
  const services = regions.flatMap((r) => r.ecsServices);
  if (services.length > 0) {
    allow(['ecs:DescribeServices', 'ecs:UpdateService'], services.map((s) => s.serviceArn));
    allow(['ecs:DescribeClusters'], [...new Set(services.map((s) => s.cluster.clusterArn))]);
    allow(['ecs:ListServices', 'application-autoscaling:DescribeScalableTargets', 'application-autoscaling:RegisterScalableTarget', 'cloudwatch:GetMetricStatistics'], ['*']);
  }
  // The traffic step reads the name's record sets: "Route 53 health check execution block sample policy".
  if (props.dnsFailover) allow(['route53:ListResourceRecordSets'], [props.dnsFailover.zone.hostedZoneArn]);
  acknowledgeDecision(role, DECISIONS.ROLE_POLICY);
  if (services.length > 0) acknowledgeDecision(role, DECISIONS.PLAN_SCALING_WILDCARD);
  acknowledgePlanSuffix(role, plan.planName);
}

/** The plan's ARN ends with a suffix ARC gives it at creation: the one wildcard, on this plan's name. */
export function acknowledgePlanSuffix(scope: Construct, name: string): void {
  const stack = Stack.of(scope);
  const text = (value: string, nag: string) => (Token.isUnresolved(value) ? `<AWS::${nag}>` : value);
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:${text(stack.partition, 'Partition')}:arc-region-switch::${text(stack.account, 'AccountId')}:plan/${name}:*]`,
    reason: 'ARC gives a plan\'s ARN a suffix at creation (plan/<name>:<suffix>): the wildcard stands for that suffix of this plan alone.',
  });
}
