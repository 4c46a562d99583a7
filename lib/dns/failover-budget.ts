/**
 * The DNS failover model: detection, propagation and TTL as a breakdown with sources, and the
 * cheapest change within AWS's limits that meets a budget.
 */
import { Duration } from 'aws-cdk-lib';
import { FailoverStep, FailoverTimeBreakdown, FigureKind } from '../core/failover-time';
import { HealthCheckPreset } from '../core/health-check-profile';
import { EndpointKind, featurePrice } from './pricing';

/**
 * Route 53 documents that record changes "generally propagate to all Route 53 name servers
 * within 60 seconds" (Route 53 Developer Guide, "Editing records",
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-editing.html). A health status change
 * reaches the answers through the same name servers; 60 s is the figure used for it.
 */
export const ROUTE53_PROPAGATION = Duration.seconds(60);

/**
 * Route 53 checker timeouts (Route 53 Developer Guide, "How Amazon Route 53 determines whether a
 * health check is healthy",
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html): 4 s to connect and 2 s for the status of an HTTP(S) check, 2 s more
 * to read the body of a string-matching check, 10 s to connect for a TCP check.
 */
export const ROUTE53_CHECKER_TIMEOUT_SECONDS = { TCP: 10, HTTP: 6, HTTPS: 6, HTTP_STR_MATCH: 8, HTTPS_STR_MATCH: 8 };

/** Alias records to ELB and S3 website endpoints answer with a fixed 60 s TTL (Route 53 FAQ). */
export const ALIAS_TTL = Duration.seconds(60);

/** Detection of the FAST health-check preset on every target group of a load balancer. */
const FAST_LOAD_BALANCER_SECONDS = 12;

/** How the primary's failure is detected, with the knobs that change it. */
export type DetectionModel =
  | { readonly kind: 'endpoint'; readonly checkType: keyof typeof ROUTE53_CHECKER_TIMEOUT_SECONDS; readonly interval: number; readonly threshold: number; readonly endpoint: EndpointKind }
  | { readonly kind: 'load-balancer'; readonly seconds: number; readonly extraSeconds: number; readonly via: string }
  | { readonly kind: 'fixed'; readonly seconds: number; readonly explanation: string };

/** What clients may cache. */
export interface TtlModel {
  readonly seconds: number;
  /** Alias records: the TTL is the target's and cannot be changed. */
  readonly fixed: boolean;
  readonly minSeconds: number;
  readonly policy: string;
}

export interface FailoverModel {
  readonly detection: DetectionModel;
  readonly ttl: TtlModel;
}

interface Knobs {
  readonly interval?: number;
  readonly threshold?: number;
  readonly ttl?: number;
  readonly fastLoadBalancer?: boolean;
}

function detectionStep(d: DetectionModel, k: Knobs): FailoverStep {
  switch (d.kind) {
    case 'endpoint': {
      const interval = k.interval ?? d.interval;
      const threshold = k.threshold ?? d.threshold;
      const timeout = ROUTE53_CHECKER_TIMEOUT_SECONDS[d.checkType];
      return {
        name: 'detection',
        duration: Duration.seconds(interval * threshold + timeout),
        explanation: `Route 53 ${d.checkType} health check: ${interval} s interval × ${threshold} failures + ${timeout} s checker timeout`,
        kind: FigureKind.CONFIGURED,
        source: 'checker timeouts: Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy"',
      };
    }
    case 'load-balancer': {
      const lb = k.fastLoadBalancer ? FAST_LOAD_BALANCER_SECONDS : d.seconds;
      return { name: 'detection', duration: Duration.seconds(lb + d.extraSeconds), explanation: `load balancer health check ${lb} s (slowest target group), ${d.via}`, kind: FigureKind.CONFIGURED };
    }
    case 'fixed':
      return { name: 'detection', duration: Duration.seconds(d.seconds), explanation: d.explanation, kind: FigureKind.CONFIGURED };
  }
}

/** The failover time of a configuration, optionally with knobs turned. */
export function failoverBreakdown(model: FailoverModel, knobs: Knobs = {}): FailoverTimeBreakdown {
  const ttl = knobs.ttl ?? model.ttl.seconds;
  return new FailoverTimeBreakdown([
    detectionStep(model.detection, knobs),
    {
      name: 'propagation',
      duration: ROUTE53_PROPAGATION,
      explanation: 'Route 53 name servers answer with the secondary, documented as within 60 s',
      kind: FigureKind.AWS_TYPICAL,
      source: 'Route 53 Developer Guide, "Editing records": "generally propagate ... within 60 seconds"',
    },
    {
      name: 'ttl',
      duration: Duration.seconds(ttl),
      explanation: model.ttl.fixed ? 'resolvers keep the cached primary answer: alias records carry the target\'s fixed 60 s TTL' : `resolvers keep the cached primary answer: record TTL, ${model.ttl.policy} policy`,
      kind: FigureKind.CONFIGURED,
    },
  ]);
}

interface Candidate {
  readonly knobs: Knobs;
  readonly changes: string[];
  readonly monthlyUsd: number;
  readonly total: number;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i >= to; i--) out.push(i);
  return out;
}

/** Every combination of knob settings this model allows, with what it costs and changes. */
function candidates(model: FailoverModel): Candidate[] {
  const d = model.detection;
  const intervals = d.kind !== 'endpoint' ? [undefined] : d.interval > 10 ? [d.interval, 10] : [d.interval];
  const thresholds = d.kind === 'endpoint' ? range(d.threshold, 1) : [undefined];
  const ttls = !model.ttl.fixed && model.ttl.seconds > model.ttl.minSeconds ? [model.ttl.seconds, model.ttl.minSeconds] : [model.ttl.seconds];
  const fast = d.kind === 'load-balancer' && d.seconds > FAST_LOAD_BALANCER_SECONDS ? [false, true] : [false];

  const out: Candidate[] = [];
  for (const interval of intervals) {
    for (const threshold of thresholds) {
      for (const ttl of ttls) {
        for (const fastLoadBalancer of fast) {
          const knobs: Knobs = { interval, threshold, ttl, fastLoadBalancer };
          const changes: string[] = [];
          let monthlyUsd = 0;
          if (d.kind === 'endpoint' && interval !== d.interval) {
            monthlyUsd += featurePrice(d.endpoint);
            changes.push(`use the fast 10 s Route 53 request interval (+$${featurePrice(d.endpoint).toFixed(2)}/month)`);
          }
          if (d.kind === 'endpoint' && threshold !== d.threshold) {
            changes.push(`lower the Route 53 failure threshold from ${d.threshold} to ${threshold} (free; one failed probe weighs more)`);
          }
          if (ttl !== model.ttl.seconds) changes.push(`lower the TTL from ${model.ttl.seconds} s to ${ttl} s (free)`);
          if (fastLoadBalancer) changes.push(`use HealthCheckPreset.${HealthCheckPreset.FAST} on the load balancer's target groups (free)`);
          out.push({ knobs, changes, monthlyUsd, total: failoverBreakdown(model, knobs).total.toSeconds({ integral: false }) });
        }
      }
    }
  }
  return out;
}

/**
 * The cheapest way to meet `budgetSeconds`: least extra cost, then fewest changes, then the
 * least sensitive threshold. Undefined when even the fastest setting misses it.
 */
export function cheapestChange(model: FailoverModel, budgetSeconds: number): Candidate | undefined {
  const meeting = candidates(model).filter((c) => c.total <= budgetSeconds);
  meeting.sort((a, b) => a.monthlyUsd - b.monthlyUsd
    || a.changes.length - b.changes.length
    || (b.knobs.threshold ?? 0) - (a.knobs.threshold ?? 0)
    || b.total - a.total);
  return meeting[0];
}

/** The fastest failover this model can reach by turning its knobs. */
export function fastestPossible(model: FailoverModel): number {
  return Math.min(...candidates(model).map((c) => c.total));
}
