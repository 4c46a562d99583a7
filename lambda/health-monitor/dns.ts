/**
 * The failover name reconciled with Route 53: the answer the leader wants, what Route 53 holds,
 * and the change between them, fenced by the epoch in a token record of the same batch.
 */
import { DnsAction, FENCE_PREFIX, RecordSet } from './contract';
import { LeaderContext, actingLease, budgetUsed, changeFailed, changeMade, mustRead, deposed } from './leader';
import { NameState, Switches } from './ports';

/**
 * The failover name, reconciled and fenced at Route 53.
 *
 * Each cycle the leader knows which answer the name should give (the primary's or the
 * secondary's); it reads what Route 53 holds whenever it is not sure (first time, after a call
 * whose outcome is unknown, when the desired answer changes, and every discovery interval), and
 * changes it when it differs. Every change batch also replaces a token record beside the name
 * (`_fence.<name>`, a TXT record holding `e<epoch>.<n>`) with a DELETE of its exact current value
 * and a CREATE of the next: Route 53 applies a batch atomically and refuses a DELETE that does
 * not match, so a batch prepared on an older view — a deposed leader's, or this leader's own
 * that timed out and lands late — changes nothing. A new leader takes the token to its own epoch
 * before it relies on the name, which fences every earlier epoch out.
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
 */
export type Answer = 'primary' | 'failover';

/** The token's name for a failover name. */
export function tokenName(dns: Pick<DnsAction, 'primaryRecord'>): string {
  return `${FENCE_PREFIX}${dns.primaryRecord.Name.replace(/\.$/, '')}`;
}

/** `e7.3` → { epoch: 7, n: 3 }. */
export function parseToken(token: string | undefined): { epoch: number; n: number } {
  const m = /^e(\d+)\.(\d+)$/.exec(token ?? '');
  return m ? { epoch: Number(m[1]), n: Number(m[2]) } : { epoch: 0, n: 0 };
}

/** Whether a record read from Route 53 answers as `b` does (its alias target or its values). */
export function sameRecord(a: RecordSet | undefined, b: RecordSet): boolean {
  if (!a) return false;
  const norm = (s: string | undefined) => s?.replace(/\.$/, '').toLowerCase();
  if (a.AliasTarget || b.AliasTarget) return norm(a.AliasTarget?.DNSName) === norm(b.AliasTarget?.DNSName);
  return JSON.stringify((a.ResourceRecords ?? []).map((r) => r.Value)) === JSON.stringify((b.ResourceRecords ?? []).map((r) => r.Value));
}

export class NameReconciler {
  /** What Route 53 held at the last read or successful change; undefined when not sure. */
  private known?: { readonly answer: Answer | 'other'; readonly token?: string; readonly at: number };

  constructor(private readonly ctx: LeaderContext, private readonly dns: DnsAction) {}

  /** The answer the name gives as far as this leader knows; undefined when it is not sure. */
  public get answer(): Answer | 'other' | undefined {
    return this.known?.answer;
  }

  /**
   * Brings the name to `desired`. `mayChange` says whether the answer may change now (the
   * budget, the second opinion); with `fence`, the token is taken to this epoch even when the
   * answer is right (while an incident is open, so that an earlier leader's batch cannot land).
   * @returns whether Route 53 is known to give `desired`
   */
  public async reconcile(desired: Answer, switches: Switches, options: { mayChange: () => boolean; fence: boolean; reason: string }): Promise<boolean> {
    const { mayChange, fence, reason } = options;
    const { ctx, dns } = this;
    const lease = actingLease(ctx);
    if (!lease) return false;
    if (mustRead(ctx, this.known, desired) && !(await this.read())) return false;
    const known = this.known!;
    const token = parseToken(known.token);
    if (token.epoch > lease.epoch) {
      deposed(ctx, `change ${dns.primaryRecord.Name}`, `Route 53's token names epoch ${token.epoch}`);
      return false;
    }
    const change = known.answer !== desired;
    if (!change && (token.epoch === lease.epoch || !fence)) return true;
    if (change && !mayChange()) return false;
    // Checked once more just before the call: a leader that lost the lease makes none.
    if (!ctx.election.acting) return false;
    const next = `e${lease.epoch}.${token.epoch === lease.epoch ? token.n + 1 : 1}`;
    const target = desired === 'primary' ? dns.primaryRecord : dns.failoverRecord;
    const key = `dns-${desired}#${next}`;
    try {
      await ctx.actions.changeName(dns.hostedZoneId, tokenName(dns), known.token, next, change ? target : undefined,
        `${ctx.config.monitorId}: ${change ? desired : 'fence'} (${reason})`, switches.dryRun);
    } catch (e) {
      // Refused (the token moved: read again) or unknown (it may land later; its DELETE then
      // fails once anything else changed the token): either way, read before deciding again.
      this.known = undefined;
      await changeFailed(ctx, 'the name', key, e, switches.dryRun);
      return false;
    }
    // In dry run nothing changed; the name is taken as changed until the next periodic read, so
    // that the would-be call is logged once, not every cycle.
    this.known = { answer: desired, token: next, at: ctx.clock.elapsed() };
    if (change) await changeMade(ctx, 'dns', key, reason, lease.epoch, switches.dryRun);
    return true;
  }

  /** Failovers and restores left in this window. */
  public budgetLeft(): number {
    return this.ctx.config.actions.maxFailovers - budgetUsed(this.ctx, 'dns');
  }

  private async read(): Promise<boolean> {
    const { ctx, dns } = this;
    let state: NameState;
    try {
      state = await ctx.actions.readName(dns.hostedZoneId, dns.primaryRecord, tokenName(dns));
    } catch (e) {
      ctx.telemetry.warn('could not read the name', { name: dns.primaryRecord.Name, error: String(e) });
      return false;
    }
    const answer = sameRecord(state.record, dns.failoverRecord) ? 'failover' : sameRecord(state.record, dns.primaryRecord) ? 'primary' : 'other';
    this.known = { answer, token: state.token, at: ctx.clock.elapsed() };
    return true;
  }
}
