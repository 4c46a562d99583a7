/**
 * What the parts of a leader's cycle share: the acting lease, fenced writes, the failover budget,
 * the ledger, and the outcome of a change.
 */
import { Clock } from './clock';
import { MonitorConfig } from './contract';
import { Election } from './election';
import { StaleLeaderError } from './errors';
import { Budget, Lease, LeaseStore, budgetKey } from './lease';
import { Actions, LedgerSink, refusedByService } from './ports';
import { Telemetry } from './telemetry';

/**
 * What the parts of a leader's cycle share: the configuration, the clocks, the election that says
 * whether this contender may act, the stores and the effects. One per contender.
 */
export interface LeaderContext {
  readonly config: MonitorConfig;
  readonly me: string;
  readonly clock: Clock;
  readonly election: Election;
  readonly leases: LeaseStore;
  readonly actions: Actions;
  readonly ledger: LedgerSink;
  readonly telemetry: Telemetry;
}

/** The lease this contender leads with, while it may act. */
export function actingLease(ctx: LeaderContext): Lease | undefined {
  return ctx.election.acting ? ctx.election.lease : undefined;
}

/** Stops leading: DynamoDB refused a fenced write, so a later epoch leads. */
export function deposed(ctx: LeaderContext, what: string, why: string): void {
  ctx.telemetry.warn('refused: no longer the leader', { what, why, epoch: ctx.election.lease?.epoch });
  ctx.telemetry.metric('RefusedStaleActions', 1);
  ctx.election.depose();
}

/** Runs a fenced lease write; on StaleLeaderError, stops leading and returns undefined. */
export async function fenced<T>(ctx: LeaderContext, what: string, write: (lease: Lease) => Promise<T>): Promise<T | undefined> {
  const lease = actingLease(ctx);
  if (!lease) return undefined;
  try {
    return await write(lease);
  } catch (e) {
    if (!(e instanceof StaleLeaderError)) throw e;
    deposed(ctx, what, e.message);
    return undefined;
  }
}

/** Successful changes counted against `budget` in the current window. */
export function budgetUsed(ctx: LeaderContext, budget: Budget): number {
  return ctx.election.lease?.budget[budgetKey(budget, ctx.clock.now(), ctx.config.actions.windowMs)] ?? 0;
}

/** Counts one successful change against `budget`, in the lease item and locally; false when this contender no longer leads. */
export async function spend(ctx: LeaderContext, budget: Budget): Promise<boolean> {
  const now = ctx.clock.now();
  const spent = await fenced(ctx, `spend ${budget}`, async (l) => {
    await ctx.leases.spend(l, now, budget);
    return true;
  });
  if (!spent) return false;
  const key = budgetKey(budget, now, ctx.config.actions.windowMs);
  ctx.election.update((l) => ({ ...l, budget: { ...l.budget, [key]: (l.budget[key] ?? 0) + 1 } }));
  return true;
}

/** Records an outcome in the ledger; a failure to record is logged, never thrown. */
export async function record(ctx: LeaderContext, key: string, outcome: 'done' | 'failed' | 'unknown' | 'abandoned', dryRun: boolean, detail?: string): Promise<void> {
  const epoch = ctx.election.lease?.epoch ?? 0;
  try {
    await ctx.ledger.record({ key, epoch, holder: ctx.me, outcome, at: ctx.clock.now(), dryRun, detail });
  } catch (e) {
    ctx.telemetry.warn('could not record the outcome of an action', { key, epoch, outcome, error: String(e) });
  }
}

/**
 * A failover path's change that threw: refused (an answer came back) or of unknown outcome (it
 * may still land). Either way the caller reads before deciding again.
 * @returns whether the service refused it (so that it cannot land)
 */
export async function changeFailed(ctx: LeaderContext, what: string, key: string, e: unknown, dryRun: boolean): Promise<boolean> {
  const refused = refusedByService(e);
  if (!refused) ctx.telemetry.metric('UnknownOutcomes', 1);
  ctx.telemetry.warn(`could not change ${what}`, { key, refused, error: String(e) });
  await record(ctx, key, refused ? 'failed' : 'unknown', dryRun, String(e));
  return refused;
}

/** A failover path's change that went through: counted (but for a dry run), logged, recorded. */
export async function changeMade(ctx: LeaderContext, budget: Budget, key: string, reason: string, epoch: number, dryRun: boolean): Promise<void> {
  // A dry run changed nothing, so it spends nothing.
  if (!dryRun) await spend(ctx, budget);
  ctx.telemetry.info('action taken', { key, reason, epoch, dryRun });
  ctx.telemetry.metric('Actions', 1);
  await record(ctx, key, 'done', dryRun);
}

/**
 * Whether a failover path must read what AWS holds before deciding: it knows nothing, its
 * knowledge is older than `maxAgeMs` (a discovery interval), or it knows of another state than
 * the one wanted (a change always follows a read made in the same cycle).
 */
export function mustRead<A>(ctx: LeaderContext, known: { readonly answer: A | 'other'; readonly at: number } | undefined, desired: A,
  maxAgeMs = ctx.config.discoveryIntervalMs): boolean {
  return known === undefined || ctx.clock.elapsed() - known.at > maxAgeMs || known.answer !== desired;
}
