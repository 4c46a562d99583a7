/**
 * The rules that keep the monitor from making an outage worse, as pure functions: the ejection
 * cap, fail-open, the second opinion before a failover, and flap damping.
 *
 * The ejection cap is absolute, as Envoy's `max_ejection_percent` is: whatever ELB says, the
 * monitor takes out at most that share of a group. Beyond it, taking targets out gains nothing
 * (ELB already routes only to healthy targets) and removes what protects the service at that
 * moment: a load balancer whose targets are all unhealthy routes to all of them (fail open), and
 * a target group's health thresholds (unhealthy state routing) do the same below a count or a
 * share; both work only on registered targets. A failure of many targets at once is also when a
 * fault of the monitor's own (its network path, its probes) is most likely.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health.html
 * https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/cluster/v3/outlier_detection.proto
 */
import type { MonitoredTarget } from './ports';

export type EjectionVerdict =
  | { readonly eject: true; readonly why: 'within the cap' }
  | { readonly eject: false; readonly why: 'last healthy target' | 'past the cap' };

export interface EjectionInput {
  readonly members: readonly MonitoredTarget[];
  readonly candidate: MonitoredTarget;
  /** Whether a target is out of its group (taken out, or being taken out, by the monitor). */
  readonly isOut: (t: MonitoredTarget) => boolean;
  readonly isUp: (t: MonitoredTarget) => boolean;
  /** At most this share of a group's targets is ever taken out. */
  readonly maxEjectPercent: number;
}

/** How many of `members` targets the cap lets the monitor take out. */
export function ejectionCap(members: number, maxEjectPercent: number): number {
  return Math.floor((members * maxEjectPercent) / 100);
}

/** Whether the monitor may take `candidate` out of its target group now. */
export function ejection(input: EjectionInput): EjectionVerdict {
  const { members, candidate, isOut, isUp } = input;
  // Fail open, as ELB does: never take out the last healthy target of a group.
  const otherHealthy = members.filter((t) => t.id !== candidate.id && isUp(t) && !isOut(t));
  if (otherHealthy.length === 0) return { eject: false, why: 'last healthy target' };
  if (members.filter(isOut).length + 1 <= ejectionCap(members.length, input.maxEjectPercent)) return { eject: true, why: 'within the cap' };
  return { eject: false, why: 'past the cap' };
}

/**
 * Whether ELB's health view lets a name fail over: no trigger target that ELB lists may be
 * `healthy`. Targets outside any target group have no second opinion and do not hold it back.
 */
export function failoverAgreed(triggers: readonly MonitoredTarget[], elbStateOf: (t: MonitoredTarget) => string | undefined): boolean {
  return !triggers.some((t) => t.targetGroupArn !== undefined && elbStateOf(t) === 'healthy');
}

/**
 * Flap damping, after BGP's route flap damping (RFC 2439): each fall adds a penalty of 1 that
 * halves every `halfLifeMs`; a target whose penalty reaches `suppressAt` is held out of its
 * group once taken out, until the penalty decays below `reuseAt`. A flapping target therefore
 * costs a few actions, not one per flap.
 */
export class FlapDamper {
  private readonly penalties = new Map<string, { readonly value: number; readonly at: number }>();
  private readonly held = new Set<string>();

  constructor(private readonly options: { readonly halfLifeMs: number; readonly suppressAt: number; readonly reuseAt: number }) {}

  /** Records a fall of `id` at `now` (monotonic). */
  public fell(id: string, now: number): void {
    const value = this.penalty(id, now) + 1;
    this.penalties.set(id, { value, at: now });
    if (value >= this.options.suppressAt) this.held.add(id);
  }

  /** Whether `id` is held out now. */
  public suppressed(id: string, now: number): boolean {
    if (!this.held.has(id)) return false;
    if (this.penalty(id, now) >= this.options.reuseAt) return true;
    this.held.delete(id);
    return false;
  }

  private penalty(id: string, now: number): number {
    const p = this.penalties.get(id);
    return p ? p.value * Math.pow(0.5, (now - p.at) / this.options.halfLifeMs) : 0;
  }
}
