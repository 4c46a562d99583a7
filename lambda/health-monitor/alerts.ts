/**
 * Alerts exactly once per claim: claim in the lease item, mark sending, publish, settle; and when
 * an alert whose outcome is unknown can no longer land.
 */
import { randomUUID } from 'crypto';
import { ActionAlreadyClaimedError, IncidentClosedError } from './errors';
import { LeaderContext, actingLease, fenced, record } from './leader';
import type { ActionClaim, ClaimStatus } from './lease-records';
import { Switches, refusedByService } from './ports';

/**
 * Alerts, each sent at most once and, under the fault model, exactly once: claim it in the lease
 * item under the epoch and its open incident, mark the claim `sending` (fenced) just before the
 * call, send it, settle the claim.
 *
 * - A lost answer to a claim or a mark is recognised: the item already names this epoch.
 * - A mark whose answer never came is abandoned at once (settles name their claim's token, so a
 *   late one never touches a later claim): the claimant did not send, and a later leader will.
 * - A claim an earlier epoch never marked `sending` was never sent: it is taken over at once.
 * - A send refused by SNS (an answer came back) was not delivered: the claim is abandoned and
 *   the alert sent again in a later cycle.
 * - A send whose outcome is unknown (timeout, broken connection) may have been delivered: on a
 *   standard topic it is settled as `unknown` and never sent again; a FIFO topic deduplicates by
 *   the claim's key, so it is sent again. It may also land late: a recovery alert waits until it
 *   can no longer land (`landed`), so that it never comes before the alert it follows.
 * - A claim left `sending` by an earlier epoch may still be sent by its claimant until that
 *   invocation ends (the function's timeout after it marked it). After that it is settled: it
 *   was sent or it never will be, and sending it again could send it twice. This compares the
 *   claimant's wall clock with this contender's; a skew only moves when an incident closes.
 */
export type AlertOutcome = 'sent' | 'settled' | 'pending' | 'failed' | 'refused';

/** Wall-clock skew allowed for when a claimant's invocation has surely ended. */
const CLAIMANT_SKEW_MS = 5000;

type Settled = Exclude<ClaimStatus, 'sending' | 'claimed'>;

export class Alerts {
  /** Keys this leader sent, with the claim and the outcome it must record (its settle may have been lost). */
  private readonly sent = new Map<string, { readonly token: string; readonly outcome: Settled }>();

  constructor(private readonly ctx: LeaderContext) {}

  /** Whether the alert went out, or will never be sent (unknown outcome, vanished claimant). */
  public settled(key: string): boolean {
    const claim = this.ctx.election.lease?.actions[key];
    if (!claim) return false;
    return claim.status === 'done' || claim.status === 'unknown' || (claim.status === 'sending' && this.othersClaim(claim) && this.claimantGone(claim));
  }

  /**
   * Whether the alert is settled and no publish of it can land any more, so that a message sent
   * now lands after it. A publish whose outcome is unknown may still be applied until the
   * invocation that sent it has surely ended, the bound a claimant's `sending` claim is given.
   */
  public landed(key: string): boolean {
    const claim = this.ctx.election.lease?.actions[key];
    return claim !== undefined && this.settled(key) && (claim.status !== 'unknown' || this.claimantGone(claim));
  }

  /**
   * Whether a claimant other than this leader may still be sending an alert of the incident. The
   * claims of other epochs are read again first: their claimants settle them, lease or not.
   */
  public async othersMayAct(incidentId: string): Promise<boolean> {
    const pending = () => Object.entries(this.ctx.election.lease?.actions ?? {}).filter(([key, claim]) =>
      key.endsWith(`#${incidentId}`) && claim.status === 'sending' && this.othersClaim(claim) && !this.claimantGone(claim));
    if (pending().length === 0) return false;
    const item = await this.ctx.leases.read();
    for (const [key] of pending()) {
      const now = item?.actions[key];
      if (now && this.othersClaim(now)) this.remember(key, now);
    }
    return pending().length > 0;
  }

  /** Sends the alert `key` of `group`'s open incident unless it was sent or settled. */
  public async send(key: string, group: string, incidentId: string, switches: Switches, publish: (dedupId: string) => Promise<void>): Promise<AlertOutcome> {
    const { ctx } = this;
    const lease = actingLease(ctx);
    if (!lease) return 'refused';
    const claim = lease.actions[key];
    if (this.settled(key)) return 'settled';
    if (claim?.status === 'sending' && this.othersClaim(claim)) return 'pending';
    const earlier = this.sent.get(key);
    if (earlier) return (await this.settle(key, earlier.token, earlier.outcome, switches)) ? 'settled' : 'pending';

    const claimed = await this.claimed(key, () => ctx.leases.claim(lease, ctx.clock.now(), key, group, incidentId, randomUUID()));
    if (!claimed) return actingLease(ctx) ? 'pending' : 'refused';
    if (!ctx.election.acting) {
      await this.settle(key, claimed.token, 'abandoned', switches, 'no time left before the lease could pass on');
      return 'refused';
    }
    let marked: ActionClaim | undefined;
    try {
      marked = await this.claimed(key, async () => {
        await ctx.leases.markSending(lease, ctx.clock.now(), key, claimed.token);
        return { ...claimed, status: 'sending' as const };
      });
    } catch (e) {
      // The mark may land later: abandon the claim now, so that it never reads as sent.
      await this.settle(key, claimed.token, 'abandoned', switches, String(e));
      throw e;
    }
    if (!marked) return actingLease(ctx) ? 'pending' : 'refused';

    const fifo = ctx.config.actions.alertTopicArn?.endsWith('.fifo') === true;
    let outcome: Settled;
    let detail: string | undefined;
    try {
      await publish(key);
      outcome = 'done';
    } catch (e) {
      detail = String(e);
      outcome = refusedByService(e) || fifo ? 'abandoned' : 'unknown';
      ctx.telemetry.error('alert failed', { key, outcome, error: detail });
      ctx.telemetry.metric(outcome === 'unknown' ? 'UnknownOutcomes' : 'ActionFailures', 1);
    }
    if (outcome !== 'abandoned') this.sent.set(key, { token: claimed.token, outcome });
    await this.settle(key, claimed.token, outcome, switches, detail);
    if (outcome === 'done') ctx.telemetry.metric('Alerts', 1);
    return outcome === 'abandoned' ? 'failed' : 'sent';
  }

  /** A fenced claim write; refusals that name the current claim are remembered. */
  private async claimed(key: string, write: () => Promise<ActionClaim>): Promise<ActionClaim | undefined> {
    const claim = await fenced(this.ctx, `claim ${key}`, write).catch((e) => {
      if (e instanceof ActionAlreadyClaimedError) {
        if (e.current) this.remember(key, e.current);
        return undefined;
      }
      if (e instanceof IncidentClosedError) return undefined;
      throw e;
    });
    if (claim) this.remember(key, claim);
    return claim;
  }

  /** Records how the claim ended, in the lease item and the ledger; false when that could not be recorded. */
  private async settle(key: string, token: string, status: Settled, switches: Switches, detail?: string): Promise<boolean> {
    const { ctx } = this;
    try {
      const mine = await ctx.leases.settle(key, token, status);
      const claim = ctx.election.lease?.actions[key];
      if (mine && claim) this.remember(key, { ...claim, status });
    } catch (e) {
      ctx.telemetry.warn('could not settle a claim', { key, status, error: String(e) });
      return false;
    }
    this.sent.delete(key);
    await record(ctx, key, status === 'abandoned' ? 'failed' : status, switches.dryRun, detail);
    return true;
  }

  private remember(key: string, claim: ActionClaim): void {
    this.ctx.election.update((l) => ({ ...l, actions: { ...l.actions, [key]: claim } }));
  }

  private othersClaim(claim: ActionClaim): boolean {
    return claim.epoch !== this.ctx.election.lease?.epoch;
  }

  /** Whether the claimant's invocation has surely ended: a function timeout after it marked the claim. */
  private claimantGone(claim: ActionClaim): boolean {
    return this.ctx.clock.now() > (claim.sendingAt ?? claim.claimedAt) + this.ctx.config.functionTimeoutMs + CLAIMANT_SKEW_MS;
  }
}
