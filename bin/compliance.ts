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
const everyCompliancePack = (rule: string) => [NIST, HIPAA, PCI].map((pack) => `${pack}-${rule}`);

const decide = (scope: IConstruct, rules: string[], reason: string) => Validations.of(scope).acknowledge(...rules.map((id) => ({ id, reason })));

/** Acknowledges the app's decisions on the constructs they concern. */
export function acknowledgeAppDecisions(parts: { vpc: ec2.Vpc; logGroups: IConstruct[]; roles: IConstruct[]; publicLoadBalancer: ec2.ISecurityGroup }): void {
  for (const subnet of parts.vpc.publicSubnets) {
    decide(subnet, everyCompliancePack('VPCNoUnrestrictedRouteToIGW'),
      'The public subnets route to the internet gateway because the internet-facing load balancer and the NAT gateways live there; they launch nothing with a public address, and the tasks and data tiers are in private and isolated subnets.');
  }
  for (const group of parts.logGroups) {
    decide(group, everyCompliancePack('CloudWatchLogGroupEncrypted'),
      'CloudWatch Logs encrypts every log group at rest with keys it manages; the flow logs and the nginx access logs hold no secrets.');
  }
  for (const role of parts.roles) {
    decide(role, everyCompliancePack('IAMNoInlinePolicy'),
      'aws-cdk-lib attaches the statements this role needs (image pulls and logs for the task, log delivery for the flow log) as a policy of the role alone, scoped to those resources.');
  }
  decide(parts.publicLoadBalancer, ['AwsSolutions-EC23', ...everyCompliancePack('EC2RestrictedCommonPorts'), ...everyCompliancePack('EC2RestrictedSSH')],
    'The public API is internet-facing: its listeners accept clients from any IPv4 address. Only the listener ports are open.');
}
