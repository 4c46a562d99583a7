import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Context of every test app: aws-cdk-lib validates templates against CloudFormation's rules at
 * synth, and this makes its findings errors instead of warnings.
 */
export const TEST_CONTEXT = { '@aws-cdk/core:validateAgainstDefaultRules': true };

/**
 * A stack with a region (ELB access logs need one) and a two-zone VPC with public and private
 * subnets.
 */
export function stackWithVpc(): { app: App; stack: Stack; vpc: ec2.Vpc } {
  const app = new App({ context: TEST_CONTEXT });
  const stack = new Stack(app, 'Test', { env: { region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  return { app, stack, vpc };
}
