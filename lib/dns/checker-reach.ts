/**
 * What Route 53's health checkers, which probe from the internet, cannot reach (Route 53 Developer
 * Guide, "Values that you specify when you create or update health checks").
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
 */
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { FailoverTarget } from './failover-target';

/** Whether `target` is an Application or Network Load Balancer of this app with the internal scheme. */
export function isInternalElb(target: FailoverTarget): boolean {
  const cfn = target.elbLoadBalancer?.node.defaultChild;
  return cfn instanceof elbv2.CfnLoadBalancer && cfn.scheme === 'internal';
}

