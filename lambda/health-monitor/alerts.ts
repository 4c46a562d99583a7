/**
 * Alerts at least once per claim, and never one missed: claim in the lease item, mark sending,
 * publish, settle; a publish that fails is sent again, with backoff.
 */
import { randomUUID } from 'crypto';
import { ActionAlreadyClaimedError, IncidentClosedError } from './errors';
import { LeaderContext, actingLease, fenced, record } from './leader';
import type { ActionClaim } from './lease-records';
import { Switches, refusedByService } from './ports';

/**
 * Alerts, each delivered at least once, and a second time only when the outcome of a publish was
 * never seen (a missed notification is worse than a duplicate one): claim it in the lease item
 * under the epoch and its open incident, mark the claim `sending` (fenced) just before the call,
 * send it, settle the claim.
 *
 * - A lost answer to a claim or a mark is recognised: the item already names this epoch.
 * - A mark whose answer never came is abandoned at once (settles name their claim's token, so a
 *   late one never touches a later claim): the claimant did not send, and a later cycle will.
 * - A claim an earlier epoch never marked `sending` was never sent: it is taken over at once.
 * - A publish that fails is abandoned, and sent again after a backoff that doubles per failure
 *   (the SNS circuit breaker also holds calls while SNS is failing):
 *   - refused with an answer that says nothing was done (throttling, 503 ServiceUnavailable, a
 *     refused connection): it was not delivered, and the next one is the only copy;
 *   - of unknown outcome (a timeout, a lost answer, another 5xx): it may have been delivered, so
 *     the next one may be a copy. Every message carries its incident key, by which a receiver
 *     drops the copy; a FIFO topic drops it itself (the claim's key is its deduplication id).
 * - A claim left `sending` by an earlier epoch may still be sent by its claimant until that
 *   invocation ends (the function's timeout after it marked it, plus 5 s for clocks); the
 *   incident's recovery waits for it. After that it is claimed and sent again: the claimant may
 *   have died before its publish.
 * - An alert is settled only once a publish of it was answered, so a recovery sent after that
 *   lands after the alert's first copy; this leader's own attempts ended when their calls did,
 *   so the recovery waits for nothing else of its own.
 */
export type AlertOutcome = 'sent' | 'settled' | 'pending' | 'failed' | 'refused';

/** Wall-clock skew allowed for when a claimant's invocation has surely ended. */
const CLAIMANT_SKEW_MS = 5000;

/** The longest wait between two attempts of one alert. */
export const MAX_BACKOFF_MS = 30_000;

export class Alerts {
  /** Claims of this leader whose settle was lost, with what it must record (a publish answered: `done`). */
  private readonly owed = new Map<string, { readonly token: string; readonly status: 'done' | 'abandoned'; readonly outcome?: 'failed' | 'unknown' }>();
  /** Keys whose last publish failed: failures in a row, and when the next attempt may start (monotonic). */
  private readonly backoff = new Map<string, { readonly failures: number; readonly nextAt: number }>();

  constructor(private readonly ctx: LeaderContext) {}

  /** Whether the alert went out: a publish of it was answered. */
  public settled(key: string): boolean {
    return this.ctx.election.lease?.actions[key]?.status === 'done';
  }

  /**
   * Whether every alert of the incident claimed so far (its alert, the cap's) went out, so that
   * a recovery sent now lands after them.
   */
  public sentBefore(incidentId: string, recoveryKey: string): boolean {
    return Object.keys(this.ctx.election.lease?.actions ?? {})
      .filter((key) => key.endsWith(`#${incidentId}`) && key !== recoveryKey)
      .every((key) => this.settled(key));
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

  /** Sends the alert `key` of `group`'s open incident unless it went out, another claimant may still be sending it, or it is backing off. */
  public async send(key: string, group: string, incidentId: string, switches: Switches, publish: (dedupId: string) => Promise<void>): Promise<AlertOutcome> {
    const { ctx } = this;
    const lease = actingLease(ctx);
    if (!lease) return 'refused';
    const claim = lease.actions[key];
    if (this.settled(key)) return 'settled';
    if (claim?.status === 'sending' && this.othersClaim(claim) && !this.claimantGone(claim)) return 'pending';
    const owed = this.owed.get(key);
    if (owed) {
      if (!(await this.settle(key, owed.token, owed.status, switches, undefined, owed.outcome))) return 'pending';
      if (owed.status === 'done') return 'settled';
    }
    if (ctx.clock.elapsed() < (this.backoff.get(key)?.nextAt ?? -Infinity)) return 'pending';

    const goneBefore = ctx.clock.now() - ctx.config.functionTimeoutMs - CLAIMANT_SKEW_MS;
    const claimed = await this.claimed(key, () => ctx.leases.claim(lease, ctx.clock.now(), key, group, incidentId, randomUUID(), goneBefore));
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
      // The mark may land later: abandon the claim now, so that it never reads as sending.
      await this.settle(key, claimed.token, 'abandoned', switches, String(e));
      throw e;
    }
    if (!marked) return actingLease(ctx) ? 'pending' : 'refused';

    try {
      await publish(key);
    } catch (e) {
      const refused = refusedByService(e);
      const failures = (this.backoff.get(key)?.failures ?? 0) + 1;
      const waitMs = Math.min(MAX_BACKOFF_MS, ctx.config.probe.intervalMs * 2 ** (failures - 1));
      this.backoff.set(key, { failures, nextAt: ctx.clock.elapsed() + waitMs });
      ctx.telemetry.error('alert failed; sending it again', { key, refused, attempt: failures, retryInMs: waitMs, error: String(e) });
      ctx.telemetry.metric(refused ? 'ActionFailures' : 'UnknownOutcomes', 1);
      await this.settle(key, claimed.token, 'abandoned', switches, String(e), refused ? 'failed' : 'unknown');
      return 'failed';
    }
    this.backoff.delete(key);
    await this.settle(key, claimed.token, 'done', switches);
    ctx.telemetry.metric('Alerts', 1);
    return 'sent';
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

  /**
   * Records how a claim ended, in the lease item and the ledger (as `outcome` when given); false
   * when that could not be recorded.
   */
  private async settle(key: string, token: string, status: 'done' | 'abandoned', switches: Switches, detail?: string, outcome?: 'failed' | 'unknown'): Promise<boolean> {
    const { ctx } = this;
    try {
      const mine = await ctx.leases.settle(key, token, status);
      const claim = ctx.election.lease?.actions[key];
      if (mine && claim) this.remember(key, { ...claim, status });
    } catch (e) {
      ctx.telemetry.warn('could not settle a claim', { key, status, error: String(e) });
      this.owed.set(key, { token, status, outcome });
      return false;
    }
    this.owed.delete(key);
    await record(ctx, key, outcome ?? (status === 'abandoned' ? 'failed' : status), switches.dryRun, detail);
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
