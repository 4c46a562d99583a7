import { Duration } from 'aws-cdk-lib';
import { FailoverStep, FailoverTimeBreakdown } from '../core/failover-time';
import { DnsFailover, failoverModelOf } from '../dns/dns-failover';
import { cheapestChange, fastestPossible } from '../dns/failover-budget';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';
import { HealthCheckPreset, HealthCheckProfile } from '../load-balancing/health-check-profile';
import { LeaderHealthMonitor } from '../monitoring/leader-health-monitor';
import { ReplicatedCache } from '../replication/replicated-cache';
import { DatabaseKind, ReplicatedDatabase } from '../replication/replicated-database';

/** The tiers of a service, as far as its failover time goes. */
export interface ServiceTiers {
  readonly loadBalancer: HaLoadBalancer;
  readonly dns?: DnsFailover;
  readonly cache?: ReplicatedCache;
  readonly database?: ReplicatedDatabase;
  readonly monitor?: LeaderHealthMonitor;
}

/** Aurora's documented failover (Aurora FAQs: "typically within 30 seconds"). */
const AURORA_FAILOVER_SECONDS = 30;
/** A lease the monitor can take over with in about 13 s: 10 s, renew deadline 6 s, retry 1 s, calls 2 s. */
const SHORT_LEASE = { duration: 10, renewDeadline: 6, retryPeriod: 1, callTimeout: 2 };

const seconds = (d: Duration) => d.toSeconds({ integral: false });

/**
 * The service's worst-case failover, tier by tier: the time by which every tier has reacted to a
 * failure, however their reactions overlap. The load balancer stops sending requests to a failed
 * target; DNS moves clients to the standby; the data tier promotes a replica; the monitor detects
 * and, if its own leader is lost at that moment, a standby contender takes over first.
 */
export function serviceBreakdown(t: ServiceTiers): FailoverTimeBreakdown {
  const steps: FailoverStep[] = [{
    name: 'load balancer: detection',
    duration: t.loadBalancer.worstCaseDetectionTime,
    explanation: 'the slowest target group\'s health check: interval × unhealthy threshold + timeout',
  }];
  for (const step of t.dns?.failoverTime.steps ?? []) steps.push({ ...step, name: `dns: ${step.name}` });
  const data = [
    ...(t.cache?.failoverTime ? [{ tier: 'cache', time: t.cache.failoverTime.total }] : []),
    ...(t.database?.failoverTime ? [{ tier: 'database', time: t.database.failoverTime.total }] : []),
  ];
  if (data.length > 0) {
    const slowest = data.reduce((a, b) => (seconds(b.time) > seconds(a.time) ? b : a));
    steps.push({
      name: 'data tier: failover',
      duration: slowest.time,
      explanation: data.length > 1
        ? `the slower of the cache (${seconds(data[0].time)} s) and the database (${seconds(data[1].time)} s), which fail over side by side`
        : `the ${slowest.tier} promotes a replica`,
    });
  }
  if (t.monitor) {
    const m = t.monitor;
    const h = m.healthCheck;
    steps.push({
      name: 'monitor: detection',
      duration: m.worstCaseDetectionTime,
      explanation: `${seconds(h.interval)} s interval × ${h.unhealthyThreshold} failures + ${seconds(h.timeout)} s timeout + jitter`,
    });
    steps.push({
      name: 'monitor: leader takeover',
      duration: m.worstCaseTakeoverTime,
      explanation: 'if the leader is lost at the same moment: the lease runs out, then a standby takes over within a retry period and one call',
    });
  }
  return new FailoverTimeBreakdown(steps);
}

/** One way to fail over faster. */
interface Change {
  readonly description: string;
  readonly savingSeconds: number;
}

/** Free changes, one per tier, each with what it saves. */
function freeChanges(t: ServiceTiers): Change[] {
  const changes: Change[] = [];
  const fast = HealthCheckProfile.tcp({ preset: HealthCheckPreset.FAST });
  const fastSeconds = seconds(fast.detectionTime);
  const lbSeconds = seconds(t.loadBalancer.worstCaseDetectionTime);
  if (lbSeconds > fastSeconds) {
    changes.push({ description: `use HealthCheckPreset.FAST on the load balancer's target groups (free; detection ${lbSeconds} s → ${fastSeconds} s)`, savingSeconds: lbSeconds - fastSeconds });
  }
  if (t.monitor) {
    const m = t.monitor;
    const detection = seconds(m.worstCaseDetectionTime);
    const fastDetection = fastSeconds + 0.5;
    if (detection > fastDetection) {
      changes.push({ description: `use HealthCheckPreset.FAST for the monitor (free; detection ${detection} s → ${fastDetection} s)`, savingSeconds: detection - fastDetection });
    }
    const takeover = seconds(m.worstCaseTakeoverTime);
    const shortTakeover = SHORT_LEASE.duration + SHORT_LEASE.retryPeriod * 1.2 + SHORT_LEASE.callTimeout;
    if (takeover > shortTakeover) {
      changes.push({
        description: `give the monitor a ${SHORT_LEASE.duration} s lease (renewDeadline ${SHORT_LEASE.renewDeadline} s, retryPeriod ${SHORT_LEASE.retryPeriod} s, callTimeout ${SHORT_LEASE.callTimeout} s; free, more DynamoDB writes; takeover ${takeover} s → ${shortTakeover} s)`,
        savingSeconds: takeover - shortTakeover,
      });
    }
  }
  return changes;
}

/** The database step with Aurora, if that is a change. */
function auroraChange(t: ServiceTiers, breakdown: FailoverTimeBreakdown): Change | undefined {
  if (t.database?.kind !== DatabaseKind.RDS_INSTANCE || !t.database.failoverTime) return undefined;
  const data = breakdown.steps.find((s) => s.name === 'data tier: failover');
  const cache = t.cache?.failoverTime ? seconds(t.cache.failoverTime.total) : 0;
  const before = data ? seconds(data.duration) : 0;
  const after = Math.max(cache, AURORA_FAILOVER_SECONDS);
  if (after >= before) return undefined;
  return { description: `use DatabaseEngine.aurora() (writer failover ${seconds(t.database.failoverTime.total)} s → ${AURORA_FAILOVER_SECONDS} s; Aurora instances cost more than RDS ones)`, savingSeconds: before - after };
}

/** What would meet a budget, and the total it reaches. */
export interface ServiceChange {
  readonly changes: string[];
  readonly totalSeconds: number;
}

/**
 * The cheapest set of changes that meets `budgetSeconds`: free changes first (the biggest saving
 * first), then DNS's cheapest change for what is still missing, then Aurora. Undefined when even
 * all of them miss the budget.
 */
export function cheapestServiceChange(t: ServiceTiers, budgetSeconds: number): ServiceChange | undefined {
  const breakdown = serviceBreakdown(t);
  let total = seconds(breakdown.total);
  const changes: string[] = [];
  for (const change of freeChanges(t).sort((a, b) => b.savingSeconds - a.savingSeconds)) {
    if (total <= budgetSeconds) break;
    changes.push(change.description);
    total -= change.savingSeconds;
  }
  if (total > budgetSeconds && t.dns) {
    const model = failoverModelOf(t.dns);
    const dnsTotal = seconds(t.dns.failoverTime.total);
    const dnsChange = cheapestChange(model, dnsTotal - (total - budgetSeconds))
      ?? cheapestChange(model, fastestPossible(model));
    if (dnsChange && dnsChange.changes.length > 0) {
      changes.push(...dnsChange.changes.map((c) => `DNS: ${c}`));
      total -= dnsTotal - dnsChange.total;
    }
  }
  const aurora = total > budgetSeconds ? auroraChange(t, breakdown) : undefined;
  if (aurora) {
    changes.push(aurora.description);
    total -= aurora.savingSeconds;
  }
  return total <= budgetSeconds ? { changes, totalSeconds: Math.round(total * 10) / 10 } : undefined;
}
