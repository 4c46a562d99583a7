/**
 * The accelerator's primary endpoint reconciled with Global Accelerator: weight 0 to fail over,
 * its deployed weight to restore, settled by reading the endpoint group back.
 */
import { VipAction, lateReadPeriodMs, mayLandUntil } from './contract';
import type { Answer } from './dns';
import { LeaderContext, actingLease, budgetUsed, changeFailed, changeMade, mustRead } from './leader';
import { AcceleratorEndpoint, Switches } from './ports';

/**
 * The accelerator endpoint of the primary region, reconciled at Global Accelerator: in traffic
 * (its deployed weight) or out of it (weight 0, which makes the accelerator fail over to a healthy
 * endpoint of another region's group, whatever that group's traffic dial).
 *
 * As with the name, the leader reads what the accelerator holds whenever it is not sure (first
 * time, after a call whose outcome is unknown, when the desired state changes, and every discovery
 * interval) and changes it when it differs; a change always follows a read made in the same call,
 * and sends the group's endpoints as read with only this endpoint's weight set.
 *
 * Global Accelerator has no conditional write, so nothing refuses a call at the accelerator the
 * way Route 53 refuses a stale batch. What keeps it safe is what keeps ELB's calls safe: the
 * leader checks it still leads just before each call; every call ends (client-side) within the
 * call timeout, and under the lease timing a call that lands late still lands before the next
 * leader can act (`landingMarginMs`); one that lands later still (AWS accepts a signed request
 * for 15 minutes) is undone by the next read, since each leader converges the endpoint to the
 * state its own verdicts call for: after an unknown outcome this leader reads the group every few
 * cycles (`lateReadPeriodMs`) until that call can no longer land, and every leader reads it every
 * discovery interval. When the
 * control plane (us-west-2) is impaired, the accelerator's own health-based routing, which runs
 * in the data plane, still moves traffic away from a load balancer with no healthy target.
 * https://docs.aws.amazon.com/global-accelerator/latest/api/API_UpdateEndpointGroup.html
 */
export class EndpointReconciler {
  /** What the accelerator held at the last read or successful change; undefined when not sure. */
  private known?: { readonly answer: Answer | 'other'; readonly endpoints: readonly AcceleratorEndpoint[]; readonly at: number };
  /** Changes this leadership made: with the epoch, each change's key in the ledger. */
  private changes = 0;
  /** Until when (monotonic) a change of this leader whose outcome is unknown may still land. */
  private lateUntil = -Infinity;

  constructor(private readonly ctx: LeaderContext, private readonly vip: VipAction) {}

  /** The state of the endpoint as far as this leader knows; undefined when it is not sure. */
  public get answer(): Answer | 'other' | undefined {
    return this.known?.answer;
  }

  /**
   * Brings the endpoint to `desired`: in traffic for `primary`, out of it for `failover`.
   * `mayChange` says whether it may change now (the budget, the second opinion).
   * @returns whether the accelerator is known to hold `desired`
   */
  public async reconcile(desired: Answer, switches: Switches, options: { mayChange: () => boolean; reason: string }): Promise<boolean> {
    const { ctx, vip } = this;
    const lease = actingLease(ctx);
    if (!lease) return false;
    const maxAge = ctx.clock.elapsed() < this.lateUntil ? lateReadPeriodMs(ctx.config) : ctx.config.discoveryIntervalMs;
    if (mustRead(ctx, this.known, desired, maxAge) && !(await this.read())) return false;
    const known = this.known!;
    if (known.answer === desired) return true;
    if (!options.mayChange()) return false;
    // Checked once more just before the call: a leader that lost the lease makes none.
    if (!ctx.election.acting) return false;
    const endpoints = withWeight(known.endpoints, vip, desired === 'primary' ? vip.weight : 0);
    const key = `vip-${desired}#e${lease.epoch}.${++this.changes}`;
    const sentAt = ctx.clock.elapsed();
    try {
      await ctx.actions.setEndpoints(vip.endpointGroupArn, endpoints, switches.dryRun);
    } catch (e) {
      // Refused, or unknown (it may still land): either way, read before deciding again.
      this.known = undefined;
      if (!(await changeFailed(ctx, 'the accelerator endpoint', key, e, switches.dryRun))) {
        this.lateUntil = Math.max(this.lateUntil, mayLandUntil(ctx.config, sentAt));
      }
      return false;
    }
    // In dry run nothing changed; the endpoint is taken as changed until the next periodic read,
    // so that the would-be call is logged once, not every cycle.
    this.known = { answer: desired, endpoints, at: ctx.clock.elapsed() };
    await changeMade(ctx, 'vip', key, options.reason, lease.epoch, switches.dryRun);
    return true;
  }

  /** Failovers and restores of the endpoint left in this window. */
  public budgetLeft(): number {
    return this.ctx.config.actions.maxFailovers - budgetUsed(this.ctx, 'vip');
  }

  private async read(): Promise<boolean> {
    const { ctx, vip } = this;
    let endpoints: AcceleratorEndpoint[];
    try {
      endpoints = await ctx.actions.readEndpoints(vip.endpointGroupArn);
    } catch (e) {
      ctx.telemetry.warn('could not read the accelerator endpoint', { endpointGroup: vip.endpointGroupArn, error: String(e) });
      return false;
    }
    const weight = endpoints.find((e) => e.EndpointId === vip.endpointId)?.Weight;
    const answer = weight === 0 ? 'failover' : weight === vip.weight ? 'primary' : 'other';
    this.known = { answer, endpoints, at: ctx.clock.elapsed() };
    return true;
  }
}

/**
 * The group's endpoints as read, with the monitored endpoint's weight set (and the endpoint added
 * back, as deployed, when someone removed it).
 */
export function withWeight(endpoints: readonly AcceleratorEndpoint[], vip: VipAction, weight: number): AcceleratorEndpoint[] {
  const found = endpoints.some((e) => e.EndpointId === vip.endpointId);
  const ours: AcceleratorEndpoint = { EndpointId: vip.endpointId, Weight: weight, ...(vip.clientIpPreservation === undefined ? {} : { ClientIPPreservationEnabled: vip.clientIpPreservation }) };
  return found ? endpoints.map((e) => (e.EndpointId === vip.endpointId ? { ...e, Weight: weight } : e)) : [...endpoints, ours];
}
