import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/**
 * The reference app's own decisions that cdk-nag's packs report, each written once with every
 * pack's rule id; the library acknowledges its own decisions itself.
 */
const NIST = 'NIST.800.53.R5';
const HIPAA = 'HIPAA.Security';
const PCI = 'PCI.DSS.321';
/** A Control Tower control, by the rule name @cdklabs/cdk-validator-cfnguard reports it under. */
const controlTower = (rule: string) => `cdk-validator-cfnguard::${rule}`;
const everyCompliancePack = (rule: string) => [NIST, HIPAA, PCI].map((pack) => `${pack}-${rule}`);

const decide = (scope: IConstruct, rules: string[], reason: string) => Validations.of(scope).acknowledge(...rules.map((id) => ({ id, reason })));

/** What the decisions concern. */
export interface AppParts {
  readonly vpc: ec2.Vpc;
  readonly logGroups: IConstruct[];
  readonly roles: IConstruct[];
  readonly publicLoadBalancer: ec2.ISecurityGroup;
  readonly cluster: IConstruct;
  readonly taskDefinition: IConstruct;
  /** aws-cdk-lib's provider that empties the VPC's default security group. */
  readonly defaultSecurityGroupProvider?: IConstruct;
}

/** Acknowledges the app's decisions on the constructs they concern (Control Tower controls by their cfn-guard rule names). */
export function acknowledgeAppDecisions(parts: AppParts): void {
  for (const subnet of parts.vpc.publicSubnets) {
    decide(subnet, everyCompliancePack('VPCNoUnrestrictedRouteToIGW'),
      'The public subnets route to the internet gateway because the internet-facing load balancer and the NAT gateways live there; they launch nothing with a public address, and the tasks and data tiers are in private and isolated subnets.');
  }
  for (const group of parts.logGroups) {
    decide(group, [...everyCompliancePack('CloudWatchLogGroupEncrypted'), controlTower('cloudwatch_log_group_encrypted_check') /* CT.CLOUDWATCH.PR.3 */],
      'CloudWatch Logs encrypts every log group at rest with keys it manages; the flow logs and the nginx access logs hold no secrets.');
    decide(group, [controlTower('cloudwatch_log_group_retention_period_check') /* CT.CLOUDWATCH.PR.2 */],
      'The nginx access logs of the sample API are kept a month; the flow logs a year.');
  }
  decide(parts.cluster, [controlTower('ecs_container_insights_enabled_check') /* CT.ECS.PR.2 */],
    'Container Insights is on, with enhanced observability (containerInsights "enhanced"), which the control does not recognise as on.');
  decide(parts.taskDefinition, [controlTower('ecs_task_definition_nonroot_user_check') /* CT.ECS.PR.3 */, controlTower('ecs_containers_readonly_access_check') /* CT.ECS.PR.6 */],
    'The sample API is the stock nginx image, whose master process starts as root to bind port 80 and writes its cache and pid under the root filesystem; a service of your own should run as a user with a read-only root filesystem.');
  if (parts.defaultSecurityGroupProvider) {
    decide(parts.defaultSecurityGroupProvider, [controlTower('lambda_inside_vpc_check') /* CT.LAMBDA.PR.3 */],
      'aws-cdk-lib\'s custom-resource function that removes the rules of the VPC\'s default security group calls only the EC2 API, at deploy time; it has nothing to reach inside the VPC.');
  }
  for (const role of parts.roles) {
    decide(role, everyCompliancePack('IAMNoInlinePolicy'),
      'aws-cdk-lib attaches the statements this role needs (image pulls and logs for the task, log delivery for the flow log) as a policy of the role alone, scoped to those resources.');
  }
  decide(parts.publicLoadBalancer, ['AwsSolutions-EC23', ...everyCompliancePack('EC2RestrictedCommonPorts'), ...everyCompliancePack('EC2RestrictedSSH')],
    'The public API is internet-facing: its listeners accept clients from any IPv4 address. Only the listener ports are open.');
}
