import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * A stack in `region` with a VPC over its zones a, b and c, for the tests of a primary and a
 * secondary in two regions: isolated subnets for the data, and with `egress` public and private
 * subnets with one NAT gateway too (a primary database rotates its password from them).
 */
export function regionStack(app: App, id: string, region: string, options: { egress?: boolean } = {}): { stack: Stack; vpc: ec2.Vpc } {
  const stack = new Stack(app, id, { env: { region, account: '111111111111' }, crossRegionReferences: true });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    availabilityZones: ['a', 'b', 'c'].map((z) => `${region}${z}`),
    natGateways: options.egress ? 1 : 0,
    subnetConfiguration: [
      ...(options.egress ? [{ name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, { name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] : []),
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  // The test VPCs are not the library's: their flow logs are the application's choice.
  Validations.of(vpc).acknowledge({ id: 'AwsSolutions-VPC7', reason: 'a test VPC' });
  return { stack, vpc };
}
