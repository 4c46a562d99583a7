/**
 * The rules that keep the monitor from making an outage worse, as pure functions: the ejection
 * cap with ELB's second opinion, fail-open, and flap damping.
 *
 * A monitor whose own network path fails sees every target fail at once; so does a monitor
 * looking at a zone that went dark. The two look alike from inside, and only the first is
 * safe to act on. Up to the cap, the monitor's verdict is enough; beyond it, ELB's own health
 * checks, made from the load balancer's nodes rather than the monitor's subnet, must agree.
 */
import type { MonitoredTarget } from './ports';

export type EjectionVerdict =
  | { readonly eject: true; readonly why: 'within the cap' | 'ELB agrees' }
  | { readonly eject: false; readonly why: 'last healthy target' | 'ELB disagrees' | 'no second opinion' };

export interface EjectionInput {
  readonly members: readonly MonitoredTarget[];
  readonly candidate: MonitoredTarget;
  /** Whether a target is out of its group (taken out, or being taken out, by the monitor). */
  readonly isOut: (t: MonitoredTarget) => boolean;
  readonly isUp: (t: MonitoredTarget) => boolean;
  /** At most this share of a group's targets is taken out on the monitor's verdict alone. */
  readonly maxEjectPercent: number;
  /** ELB's state of the candidate, from a listing made after the verdict; undefined when unknown. */
  readonly elbState?: string;
}

/** Whether the monitor may take `candidate` out of its target group now. */
export function ejection(input: EjectionInput): EjectionVerdict {
  const { members, candidate, isOut, isUp } = input;
  // Fail open, as ELB does: never take out the last healthy target of a group.
  const otherHealthy = members.filter((t) => t.id !== candidate.id && isUp(t) && !isOut(t));
  if (otherHealthy.length === 0) return { eject: false, why: 'last healthy target' };
  const cap = Math.floor((members.length * input.maxEjectPercent) / 100);
  if (members.filter(isOut).length + 1 <= cap) return { eject: true, why: 'within the cap' };
  if (input.elbState === 'unhealthy' || input.elbState === 'unhealthy.draining') return { eject: true, why: 'ELB agrees' };
  return { eject: false, why: input.elbState === undefined ? 'no second opinion' : 'ELB disagrees' };
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
