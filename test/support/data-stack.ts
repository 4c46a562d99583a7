import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { testApp } from './stacks';

/**
 * A stack with a three-zone VPC that has public, private (with egress) and isolated subnets, as
 * a data tier expects.
 */
export function dataStack(context: Record<string, unknown> = {}): { app: App; stack: Stack; vpc: ec2.Vpc } {
  const app = testApp(context);
  const stack = new Stack(app, 'Data', { env: { region: 'eu-west-1', account: '111111111111' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  return { app, stack, vpc };
}
