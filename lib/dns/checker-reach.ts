/**
 * What Route 53's health checkers, which probe from the internet, cannot reach (Route 53 Developer
 * Guide, "Values that you specify when you create or update health checks").
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
 */
import { isIP } from 'net';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { FailoverTarget } from './failover-target';

/** Whether `target` is an Application or Network Load Balancer of this app with the internal scheme. */
export function isInternalElb(target: FailoverTarget): boolean {
  const cfn = target.elbLoadBalancer?.node.defaultChild;
  return cfn instanceof elbv2.CfnLoadBalancer && cfn.scheme === 'internal';
}

/**
 * Ranges Route 53 does not health-check: RFC 1918 private, RFC 6598 shared, RFC 5735 special-use
 * IPv4 (this network, loopback, link-local, documentation, benchmarking, multicast, reserved) and
 * the IPv6 equivalents (RFC 5156: unspecified, loopback, unique local, link-local, multicast,
 * documentation, IPv4-mapped).
 */
export function isUnroutable(address: string): boolean {
  if (isIP(address) === 4) {
    const [a, b, c] = address.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254)
      || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 192 && b === 0 && (c === 0 || c === 2))
      || (a === 198 && (b === 18 || b === 19)) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113);
  }
  if (isIP(address) === 6) {
    const lower = address.toLowerCase();
    return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith('ff') || lower.startsWith('2001:db8:') || lower.startsWith('::ffff:');
  }
  return false;
}
