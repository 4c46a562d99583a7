/**
 * Target group health thresholds: what a load balancer does when too few of a group's targets
 * are healthy, validated from the ELB User Guide's "Target group health" pages
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health.html,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health.html).
 *
 * Who fails open, who fails over, and when, with the library's defaults:
 * - the health monitor takes out at most `maxEjectPercent` (50 %) of a group's targets, never the
 *   last healthy one; past that it leaves routing to ELB;
 * - routing failover (fail open): below `routingMinimumHealthyTargetCount` or `...Percentage`
 *   healthy targets, ELB sends traffic to every target, healthy or not (ELB's default: when none
 *   is healthy);
 * - DNS failover (the zone path): below `dnsMinimumHealthyTargetCount` or `...Percentage`, ELB
 *   takes the zone's load balancer node out of its DNS name (off by default). With cross-zone
 *   load balancing on, the thresholds count the targets of every zone, so every node leaves at
 *   once; with every zone out, ELB answers with them all;
 * - `DnsFailover` (the region path): its alias record evaluates the load balancer's target health,
 *   and fails the name over to the standby region when the load balancer has no healthy target.
 */
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Validator } from '../core/validation';

/** The thresholds ELB takes, `0` meaning off where ELB allows it (aws-cdk-lib's convention). */
export function validateHealthThresholds(v: Validator, prop: string, health: elbv2.TargetGroupHealth | undefined, lambda: boolean): void {
  if (health === undefined) return;
  // "You can't use this feature with target groups where the target is a Lambda function."
  if (lambda) {
    v.add(prop, 'set on a group of Lambda targets', 'unset: ELB takes no health thresholds for Lambda targets');
    return;
  }
  const percent = 'an integer from 1 to 100, or 0 for off';
  v.integer(`${prop}.dnsMinimumHealthyTargetCount`, health.dnsMinimumHealthyTargetCount, 0, Number.MAX_SAFE_INTEGER, 'an integer of at least 1, or 0 for off');
  v.integer(`${prop}.routingMinimumHealthyTargetCount`, health.routingMinimumHealthyTargetCount, 1, Number.MAX_SAFE_INTEGER, 'an integer of at least 1 (routing failover cannot be off)');
  v.integer(`${prop}.dnsMinimumHealthyTargetPercentage`, health.dnsMinimumHealthyTargetPercentage, 0, 100, percent);
  v.integer(`${prop}.routingMinimumHealthyTargetPercentage`, health.routingMinimumHealthyTargetPercentage, 0, 100, percent);
  // "If you specify thresholds for both actions, the threshold for DNS failover must be greater
  // than or equal to the threshold for routing failover": compared where both are of one kind.
  const pairs = [['Count', health.dnsMinimumHealthyTargetCount, health.routingMinimumHealthyTargetCount], ['Percentage', health.dnsMinimumHealthyTargetPercentage, health.routingMinimumHealthyTargetPercentage]] as const;
  for (const [kind, dns, routing] of pairs) {
    if (dns !== undefined && routing !== undefined && dns > 0 && routing > 0 && dns < routing) {
      v.add(`${prop}.dnsMinimumHealthyTarget${kind}`, `${dns}, under routingMinimumHealthyTarget${kind} ${routing}`,
        `at least ${routing}: DNS failover must happen no later than routing failover (ELB's rule)`);
    }
  }
}

/** Whether the thresholds ask for DNS failover, which ELB says not to set behind an accelerator or a Network Load Balancer. */
export function hasDnsFailoverThreshold(health: elbv2.TargetGroupHealth | undefined): boolean {
  return (health?.dnsMinimumHealthyTargetCount ?? 0) > 0 || (health?.dnsMinimumHealthyTargetPercentage ?? 0) > 0;
}
