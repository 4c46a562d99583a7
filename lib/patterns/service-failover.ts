/**
 * The service's failover time per failure: the chain of steps each failure goes through, with the
 * clients' own delays; and the cheapest change that brings a failure within the budget.
 */
import { Duration } from 'aws-cdk-lib';
import { FailoverStep, FailoverTimeBreakdown, FigureKind } from '../core/failover-time';
import { HealthCheckPreset, HealthCheckProfile } from '../core/health-check-profile';
import { DnsFailover } from '../dns/dns-failover';
import { ALIAS_TTL, cheapestChange, fastestPossible } from '../dns/failover-budget';
import { HaLoadBalancer } from '../load-balancing/ha-load-balancer';
import { LeaderHealthMonitor } from '../monitoring/leader-health-monitor';
import { DatabaseKind } from '../replication/database-props';
import { AURORA_FAILOVER, HEADLESS_INSTANCE_CREATION } from '../replication/failover-figures';
import { ReplicatedCache } from '../replication/replicated-cache';
import { ReplicatedDatabase } from '../replication/replicated-database';
import { VipFailover } from '../vip/vip-failover';
import { ClientDelays, FailureFailoverTime, ServiceFailoverTimes, ServiceFailure } from './failure-times';

/** The tiers of a service, as far as its failover times go. */
export interface ServiceTiers {
  readonly loadBalancer: HaLoadBalancer;
  readonly dns?: DnsFailover;
  readonly cache?: ReplicatedCache;
  readonly database?: ReplicatedDatabase;
  readonly monitor?: LeaderHealthMonitor;
  readonly vip?: VipFailover;
}

const seconds = (d: Duration) => d.toSeconds({ integral: false });
const sum = (steps: FailoverStep[]) => steps.reduce((total, s) => total + seconds(s.duration), 0);
const prefixed = (tier: string, steps: FailoverStep[]): FailoverStep[] => steps.map((s) => ({ ...s, name: `${tier}: ${s.name}` }));

/** A client-side delay: as the team stated it, or 0 s marked as not stated. */
function clientStep(name: string, stated: Duration | undefined, prop: keyof ClientDelays, what: string): FailoverStep {
  return stated === undefined
    ? { name, duration: Duration.seconds(0), kind: FigureKind.NOT_STATED, explanation: `${what}; state it as clientDelays.${prop}` }
    : { name, duration: stated, kind: FigureKind.CLIENT_STATED, explanation: `${what}, as stated in clientDelays.${prop}` };
}

function loadBalancerDetection(t: ServiceTiers, explanation: string): FailoverStep {
  return { name: 'load balancer: detection', duration: t.loadBalancer.worstCaseDetectionTime, explanation, kind: FigureKind.CONFIGURED };
}

/**
 * A target fails. ELB stops routing to it once its health check fails, whatever the monitor does;
 * the monitor may take it out sooner, so ELB's figure is the bound.
 */
function targetFailure(t: ServiceTiers): FailoverStep[] {
  const monitor = t.monitor ? `; the monitor may take it out sooner (detection ${seconds(t.monitor.worstCaseDetectionTime)} s)` : '';
  return [loadBalancerDetection(t, `the slowest target group's health check: interval × unhealthy threshold + timeout; then ELB routes to the other targets${monitor}`)];
}

/**
 * A zone is impaired. A hard failure fails the zone's targets' health checks and ELB routes to the
 * other zones' targets; a gray one passes them, and only a zonal shift (autoshift's, or an
 * operator's) takes the zone's load balancer node out of its DNS name, after which clients follow
 * within the name's TTL. AWS documents no time for autoshift to act: it is an input.
 */
function zoneFailure(t: ServiceTiers, clients: ClientDelays): FailoverStep[] {
  const lb = t.loadBalancer;
  const who = lb.zonalAutoshift ? 'ARC zonal autoshift starts a zonal shift' : 'an operator starts a zonal shift';
  const unstated: FailoverStep = {
    name: who, duration: Duration.seconds(0), kind: FigureKind.NOT_STATED,
    explanation: `${lb.zonalAutoshift ? 'AWS documents no time for autoshift to act' : 'a person\'s time'}: measure it and give it as measuredZonalShiftTime`,
  };
  const shift: FailoverStep = !lb.zonalShiftEnabled
    ? { name: 'zonal shift', duration: Duration.seconds(0), kind: FigureKind.NOT_STATED, explanation: 'zonal shift is off: nothing takes the zone\'s load balancer node out of its DNS name (zonalShift)' }
    : lb.measuredZonalShiftTime?.asStep(who, unstated) ?? unstated;
  return [
    loadBalancerDetection(t, 'a hard failure: the zone\'s targets fail their health checks and ELB routes to the other zones\' targets; a gray failure passes them'),
    shift,
    // The load balancer's own DNS name answers with the fixed TTL of its alias records: "local client
    // DNS caches might contain these IP addresses until the time-to-live (TTL) in the DNS record
    // expires (60 seconds)" (ELB User Guide, Target group health).
    {
      name: 'load balancer DNS: the zone\'s address leaves the answers', duration: ALIAS_TTL, kind: FigureKind.AWS_BOUND,
      source: 'ELB User Guide, Target group health: the load balancer\'s DNS records have a 60 s TTL', explanation: 'resolvers drop the zone\'s address once their cached answer expires',
    },
    clientStep('clients: DNS cache beyond the TTL', clients.dnsCacheBeyondTtl, 'dnsCacheBeyondTtl', 'clients or their resolvers keep the zone\'s address past the TTL'),
  ];
}

/** The primary region's paths: by the name and by the virtual IP, each to the clients. */
function regionPaths(t: ServiceTiers, clients: ClientDelays): Array<{ name: 'dns' | 'vip'; steps: FailoverStep[] }> {
  const reuse = clientStep('clients: connection reuse', clients.connectionReuse, 'connectionReuse',
    'a client keeps sending over a connection it opened to the primary before it connects again');
  const paths: Array<{ name: 'dns' | 'vip'; steps: FailoverStep[] }> = [];
  if (t.dns) {
    // A Route 53 check on the load balancer's endpoint fails only once the load balancer has no
    // healthy target; a check that follows the target health counts that detection already.
    const lb = t.dns._failoverModel.detection.kind === 'endpoint'
      ? [loadBalancerDetection(t, 'the primary\'s targets fail behind a load balancer that still answers: it reports them unhealthy first')]
      : [];
    paths.push({
      name: 'dns',
      steps: [
        ...lb,
        ...prefixed('dns', t.dns.failoverTime.steps),
        clientStep('clients: DNS cache beyond the TTL', clients.dnsCacheBeyondTtl, 'dnsCacheBeyondTtl', 'clients or their resolvers keep the cached primary answer past the TTL'),
        reuse,
      ],
    });
  }
  // The accelerator's breakdown starts with the load balancer's detection; its addresses do not
  // change, so no TTL, but connections to the old endpoint stay.
  if (t.vip) paths.push({ name: 'vip', steps: [...prefixed('vip', t.vip.failoverTime.steps), reuse] });
  return paths;
}

/** The slower of the paths: some clients follow the name, others the addresses. */
function slowerPath(t: ServiceTiers, clients: ClientDelays): { name: 'dns' | 'vip'; steps: FailoverStep[] } | undefined {
  const paths = regionPaths(t, clients);
  return paths.length === 0 ? undefined : paths.reduce((a, b) => (sum(b.steps) > sum(a.steps) ? b : a));
}

/** Every failure the service can have, each with its own chain. */
export function serviceFailures(t: ServiceTiers, clients: ClientDelays = {}): ServiceFailoverTimes {
  const failures = [
    new FailureFailoverTime(ServiceFailure.TARGET, new FailoverTimeBreakdown(targetFailure(t))),
    new FailureFailoverTime(ServiceFailure.ZONE, new FailoverTimeBreakdown(zoneFailure(t, clients))),
  ];
  if (t.database?.failoverTime) {
    failures.push(new FailureFailoverTime(ServiceFailure.DATABASE_WRITER, new FailoverTimeBreakdown([
      ...prefixed('database', t.database.failoverTime.steps),
      clientStep('clients: reconnect to the new writer', clients.databaseReconnect, 'databaseReconnect', 'connection pools drop their connections to the old writer and connect again'),
    ]), t.database.dataLoss.writer));
  }
  if (t.cache?.failoverTime) {
    failures.push(new FailureFailoverTime(ServiceFailure.CACHE_PRIMARY, new FailoverTimeBreakdown([
      ...prefixed('cache', t.cache.failoverTime.steps),
      clientStep('clients: reconnect to the new primary', clients.cacheReconnect, 'cacheReconnect', 'cache clients drop their connections to the old primary and connect again'),
    ])));
  }
  const region = slowerPath(t, clients);
  if (region) {
    // With a global database, writes resume in the standby region once its secondary is promoted,
    // and the cache's writes once its Global Datastore's is: counted after the name, one after
    // the other, as a worst case, since nothing here starts either sooner.
    const global = t.database?.globalFailoverTime;
    const cache = t.cache?.globalPromotionTime;
    const regionData = t.database?.dataLoss.region;
    failures.push(new FailureFailoverTime(ServiceFailure.PRIMARY_REGION,
      new FailoverTimeBreakdown([...region.steps, ...prefixed('database', global?.steps ?? []), ...prefixed('cache', cache?.steps ?? [])]),
      regionData ? new FailoverTimeBreakdown(prefixed('database', regionData.steps)) : undefined,
      t.database !== undefined && regionData === undefined));
  }
  return new ServiceFailoverTimes(failures);
}

/** What would bring one failure within a budget, and the total it reaches. */
export interface ServiceChange {
  readonly changes: string[];
  readonly totalSeconds: number;
}

/** The FAST preset on the load balancer, when it is faster: free. */
function fastLoadBalancer(t: ServiceTiers): { description: string; savingSeconds: number } | undefined {
  const fastSeconds = seconds(HealthCheckProfile.tcp({ preset: HealthCheckPreset.FAST }).detectionTime);
  const lbSeconds = seconds(t.loadBalancer.worstCaseDetectionTime);
  if (lbSeconds <= fastSeconds) return undefined;
  return { description: `use HealthCheckPreset.FAST on the load balancer's target groups (free; detection ${lbSeconds} s → ${fastSeconds} s)`, savingSeconds: lbSeconds - fastSeconds };
}

/**
 * The region's cheapest change: the load balancer's preset, then DNS's own cheapest change; and,
 * when those cannot do it, a warm database secondary in place of headless ones, with only the
 * free and DNS changes still needed beside it.
 */
function regionChange(t: ServiceTiers, clients: ClientDelays, budgetSeconds: number): ServiceChange | undefined {
  const byPaths = pathChanges(t, clients, budgetSeconds, 0);
  if (byPaths) return byPaths;
  const creation = t.database?.globalFailoverTime?.steps.find((s) => s.name === HEADLESS_INSTANCE_CREATION.name);
  if (!creation) return undefined;
  const saving = seconds(creation.duration);
  const warm = pathChanges(t, clients, budgetSeconds, saving);
  return warm && {
    changes: [...warm.changes, `give the database's secondary an instance (readReplicas: 1 with GlobalDatabase.secondaryOf; it costs an instance): none to create first (${saving} s less)`],
    totalSeconds: warm.totalSeconds,
  };
}

/**
 * The load balancer's preset and DNS's changes that bring the region within the budget, the
 * data's promotions (less `dataSaving`) counted after either path.
 */
function pathChanges(t: ServiceTiers, clients: ClientDelays, budgetSeconds: number, dataSaving: number): ServiceChange | undefined {
  const paths = regionPaths(t, clients);
  const changes: string[] = [];
  const data = sum([...(t.database?.globalFailoverTime?.steps ?? []), ...(t.cache?.globalPromotionTime?.steps ?? [])]) - dataSaving;
  const totals = new Map(paths.map((p) => [p.name, sum(p.steps) + data]));
  const fast = fastLoadBalancer(t);
  const viaLoadBalancer = (name: 'dns' | 'vip') => paths.find((p) => p.name === name)!.steps.some((s) => s.name.endsWith('load balancer: detection') || s.name === 'vip: load balancer detection');
  const worst = () => Math.max(...totals.values());
  if (fast && worst() > budgetSeconds) {
    changes.push(fast.description);
    for (const name of totals.keys()) if (viaLoadBalancer(name)) totals.set(name, totals.get(name)! - fast.savingSeconds);
  }
  if (t.dns && totals.has('dns') && totals.get('dns')! > budgetSeconds) {
    const model = t.dns._failoverModel;
    const dnsSeconds = seconds(t.dns.failoverTime.total);
    const dnsChange = cheapestChange(model, dnsSeconds - (totals.get('dns')! - budgetSeconds)) ?? cheapestChange(model, fastestPossible(model));
    if (dnsChange && dnsChange.changes.length > 0) {
      // The LB preset is one of DNS's own knobs when Route 53 follows the target health.
      changes.push(...dnsChange.changes.filter((c) => !(fast && changes.includes(fast.description) && c.startsWith('use HealthCheckPreset.FAST'))).map((c) => `DNS: ${c}`));
      totals.set('dns', totals.get('dns')! - (dnsSeconds - dnsChange.total));
    }
  }
  return worst() <= budgetSeconds ? { changes, totalSeconds: Math.round(worst() * 10) / 10 } : undefined;
}

/**
 * The cheapest set of changes that brings `failure` within `budgetSeconds`, or undefined when no
 * change this library knows of does.
 */
export function cheapestServiceChange(t: ServiceTiers, clients: ClientDelays, failure: FailureFailoverTime, budgetSeconds: number): ServiceChange | undefined {
  const total = seconds(failure.total);
  switch (failure.failure) {
    case ServiceFailure.TARGET: {
      const fast = fastLoadBalancer(t);
      return fast && total - fast.savingSeconds <= budgetSeconds ? { changes: [fast.description], totalSeconds: total - fast.savingSeconds } : undefined;
    }
    case ServiceFailure.DATABASE_WRITER: {
      if (t.database?.kind !== DatabaseKind.RDS_INSTANCE || !t.database.failoverTime) return undefined;
      const saving = seconds(t.database.failoverTime.total) - seconds(AURORA_FAILOVER.duration);
      if (saving <= 0 || total - saving > budgetSeconds) return undefined;
      return {
        changes: [`use DatabaseEngine.aurora() (writer failover ${seconds(t.database.failoverTime.total)} s → ${seconds(AURORA_FAILOVER.duration)} s; Aurora instances cost more than RDS ones)`],
        totalSeconds: total - saving,
      };
    }
    case ServiceFailure.PRIMARY_REGION:
      return regionChange(t, clients, budgetSeconds);
    default:
      return undefined;
  }
}
