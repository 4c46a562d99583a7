/**
 * The service's failover time, tier by tier: when every tier has reacted to a failure; and the
 * cheapest change that meets the service's budget.
 */
import { Duration } from 'aws-cdk-lib';
import { FailoverStep, FailoverTimeBreakdown, FigureKind } from '../core/failover-time';
import { HealthCheckPreset, HealthCheckProfile } from '../core/health-check-profile';
import { DnsFailover } from '../dns/dns-failover';
import { cheapestChange, fastestPossible } from '../dns/failover-budget';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';
import { LeaderHealthMonitor } from '../monitoring/leader-health-monitor';
import { defaultBounds } from '../monitoring/settings';
import { DatabaseKind } from '../replication/database-props';
import { AURORA_FAILOVER } from '../replication/failover-figures';
import { ReplicatedCache } from '../replication/replicated-cache';
import { ReplicatedDatabase } from '../replication/replicated-database';
import { VipFailover } from '../vip/vip-failover';

/** The tiers of a service, as far as its failover time goes. */
export interface ServiceTiers {
  readonly loadBalancer: HaLoadBalancer;
  readonly dns?: DnsFailover;
  readonly cache?: ReplicatedCache;
  readonly database?: ReplicatedDatabase;
  readonly monitor?: LeaderHealthMonitor;
  readonly vip?: VipFailover;
}

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
    kind: FigureKind.CONFIGURED,
  }];
  const path = namePath(t);
  for (const step of path?.steps ?? []) steps.push({ ...step, name: `${path!.name}: ${step.name}` });
  const data = [
    ...(t.cache?.failoverTime ? [{ tier: 'cache', time: t.cache.failoverTime.total, step: t.cache.failoverTime.steps[0] }] : []),
    ...(t.database?.failoverTime ? [{ tier: 'database', time: t.database.failoverTime.total, step: t.database.failoverTime.steps[0] }] : []),
  ];
  if (data.length > 0) {
    const slowest = data.reduce((a, b) => (seconds(b.time) > seconds(a.time) ? b : a));
    steps.push({
      name: 'data tier: failover',
      duration: slowest.time,
      explanation: data.length > 1
        ? `the slower of the cache (${seconds(data[0].time)} s) and the database (${seconds(data[1].time)} s), which fail over side by side`
        : `the ${slowest.tier} promotes a replica`,
      kind: slowest.step.kind,
      source: slowest.step.source,
    });
  }
  if (t.monitor) {
    const m = t.monitor;
    const h = m.healthCheck;
    steps.push({
      name: 'monitor: detection',
      duration: m.worstCaseDetectionTime,
      explanation: `${seconds(h.interval)} s interval × ${h.unhealthyThreshold} failures + ${seconds(h.timeout)} s timeout + jitter`,
      kind: FigureKind.CONFIGURED,
    });
    steps.push({
      name: 'monitor: leader takeover',
      duration: m.worstCaseTakeoverTime,
      explanation: 'if the leader is lost at the same moment: a standby sees its last renewal, waits a whole lease by its own clock, and takes over (two retry periods and three calls at most)',
      kind: FigureKind.CONFIGURED,
    });
  }
  return new FailoverTimeBreakdown(steps);
}

/**
 * How clients reach the standby, beyond the load balancer's detection: DNS (Route 53's detection,
 * propagation and the TTL) or the virtual IP (the accelerator's reaction). With both, the slower
 * counts: some clients follow the name, others the addresses.
 */
function namePath(t: ServiceTiers): { name: 'dns' | 'vip'; steps: FailoverStep[]; seconds: number } | undefined {
  const paths = [
    ...(t.dns ? [{ name: 'dns' as const, steps: t.dns.failoverTime.steps }] : []),
    // The accelerator's own breakdown starts with the load balancer's detection, counted already.
    ...(t.vip ? [{ name: 'vip' as const, steps: t.vip.failoverTime.steps.slice(1) }] : []),
  ].map((p) => ({ ...p, seconds: p.steps.reduce((sum, s) => sum + seconds(s.duration), 0) }));
  return paths.length === 0 ? undefined : paths.reduce((a, b) => (b.seconds > a.seconds ? b : a));
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
    // The monitor's defaults are its fastest documented settings.
    const m = t.monitor;
    const defaults = defaultBounds();
    const detection = seconds(m.worstCaseDetectionTime);
    if (detection > seconds(defaults.detection)) {
      changes.push({ description: `use the monitor's default healthCheck (free; detection ${detection} s → ${seconds(defaults.detection)} s)`, savingSeconds: detection - seconds(defaults.detection) });
    }
    const takeover = seconds(m.worstCaseTakeoverTime);
    if (takeover > seconds(defaults.takeover)) {
      changes.push({
        description: `use the monitor's default lease and callTimeout (free, more DynamoDB writes; takeover ${takeover} s → ${seconds(defaults.takeover)} s)`,
        savingSeconds: takeover - seconds(defaults.takeover),
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
  const after = Math.max(cache, seconds(AURORA_FAILOVER.duration));
  if (after >= before) return undefined;
  return { description: `use DatabaseEngine.aurora() (writer failover ${seconds(t.database.failoverTime.total)} s → ${seconds(AURORA_FAILOVER.duration)} s; Aurora instances cost more than RDS ones)`, savingSeconds: before - after };
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
  const path = namePath(t);
  if (total > budgetSeconds && t.dns && path?.name === 'dns') {
    const model = t.dns._failoverModel;
    const dnsTotal = seconds(t.dns.failoverTime.total);
    const dnsChange = cheapestChange(model, dnsTotal - (total - budgetSeconds))
      ?? cheapestChange(model, fastestPossible(model));
    if (dnsChange && dnsChange.changes.length > 0) {
      changes.push(...dnsChange.changes.map((c) => `DNS: ${c}`));
      // A faster DNS path saves no more than down to the virtual IP's, when there is one.
      const vipSeconds = namePath({ ...t, dns: undefined })?.seconds ?? 0;
      total -= Math.min(dnsTotal - dnsChange.total, dnsTotal - vipSeconds);
    }
  }
  const aurora = total > budgetSeconds ? auroraChange(t, breakdown) : undefined;
  if (aurora) {
    changes.push(aurora.description);
    total -= aurora.savingSeconds;
  }
  return total <= budgetSeconds ? { changes, totalSeconds: Math.round(total * 10) / 10 } : undefined;
}
