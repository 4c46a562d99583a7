/**
 * The lease item: one DynamoDB item per monitor, and the writes to it.
 *
 * Besides who leads, it carries what may change only under the leader's epoch: open incidents,
 * the claims of alerts, and the budgets of changes spent per window. Every write to those is
 * conditioned on `holder = me AND epoch = myEpoch`, so DynamoDB itself refuses a deposed leader:
 * the epoch is the fencing token. No write compares a time: when the lease passes on is decided
 * by the contenders' own observation (see `election.ts`), and taking it is conditioned on the
 * record version they observed.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ActionAlreadyClaimedError, IncidentClosedError, LeaseHeldError, LeaseLostError, StaleLeaderError } from './errors';
import type { ActionClaim, ClaimStatus, LeaseRecord } from './lease-records';

/** An incident: one group of targets with targets down, from the first down to the last up. */
export interface Incident {
  readonly id: string;
  readonly openedAt: number;
}

/** The lease item, as read or written. */
export interface Lease extends LeaseRecord {
  readonly holder: string;
  readonly incidents: Record<string, Incident>;
  readonly actions: Record<string, ActionClaim>;
  /** Successful changes per budget and window: `<budget>#<window>` → count. */
  readonly budget: Record<string, number>;
}

export interface LeaseOptions {
  readonly tableName: string;
  readonly monitorId: string;
  readonly durationMs: number;
  /** The window budgets are counted in. */
  readonly windowMs: number;
}

/** What a contender saw of the lease item, to take it only if nothing changed since. */
export type Observed = Pick<LeaseRecord, 'epoch' | 'rvn' | 'leaseExpiresAt'>;

/** The budgets of changes, each counted per window: ELB changes, and failovers and restores of the name and of the accelerator endpoint. */
export type Budget = 'elb' | 'dns' | 'vip';

const LEASE_SK = 'lease';

export function toLease(item: Record<string, unknown> | undefined): Lease | undefined {
  if (!item) return undefined;
  return {
    holder: String(item.holder ?? ''),
    epoch: Number(item.epoch ?? 0),
    rvn: String(item.rvn ?? ''),
    released: item.released === true,
    leaseExpiresAt: Number(item.leaseExpiresAt ?? 0),
    incidents: (item.incidents ?? {}) as Record<string, Incident>,
    actions: (item.actions ?? {}) as Record<string, ActionClaim>,
    budget: (item.budget ?? {}) as Record<string, number>,
  };
}

/** The window a wall-clock time falls in. */
export function windowOf(now: number, windowMs: number): number {
  return Math.floor(now / windowMs);
}

/** The key of a budget's count in the window of `now`. */
export function budgetKey(budget: Budget, now: number, windowMs: number): string {
  return `${budget}#${windowOf(now, windowMs)}`;
}

export class LeaseStore {
  private readonly key: Record<string, string>;

  constructor(private readonly db: DynamoDBDocumentClient, private readonly options: LeaseOptions) {
    this.key = { pk: options.monitorId, sk: LEASE_SK };
  }

  /** The lease item, read consistently. */
  public async read(): Promise<Lease | undefined> {
    return toLease(await this.rawItem());
  }

  /**
   * Takes the lease, as `me` with record version `rvn`, if the item is still as `seen` (or there
   * is none), incrementing the epoch. Whether the lease may be taken — released, or unchanged for
   * a whole lease — is the caller's to decide.
   * @throws LeaseHeldError with the item as it is now
   */
  public async acquire(me: string, now: number, seen: Observed | undefined, rvn: string): Promise<Lease> {
    // An item written before record versions existed has no `rvn`; its epoch and expiry still
    // change at every renewal.
    const unchanged = seen === undefined ? 'attribute_not_exists(pk)'
      : `epoch = :seenEpoch AND leaseExpiresAt = :seenExpiry AND ${seen.rvn === '' ? 'attribute_not_exists(rvn)' : 'rvn = :seenRvn'}`;
    try {
      const out = await this.db.send(new UpdateCommand({
        TableName: this.options.tableName,
        Key: this.key,
        ConditionExpression: unchanged,
        UpdateExpression: 'SET holder = :me, rvn = :rvn, released = :false, leaseExpiresAt = :exp, acquiredAt = :now, '
          + 'incidents = if_not_exists(incidents, :empty), actions = if_not_exists(actions, :empty), budget = if_not_exists(budget, :empty) '
          + 'ADD epoch :one',
        ExpressionAttributeValues: {
          ':me': me, ':rvn': rvn, ':false': false, ':now': now, ':exp': now + this.options.durationMs, ':empty': {}, ':one': 1,
          ...(seen ? { ':seenEpoch': seen.epoch, ':seenExpiry': seen.leaseExpiresAt, ...(seen.rvn === '' ? {} : { ':seenRvn': seen.rvn }) } : {}),
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return toLease(out.Attributes)!;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      throw new LeaseHeldError(await this.currentFrom(e));
    }
  }

  /**
   * Extends this contender's lease with a new record version. It changes nothing else in the
   * item and returns nothing of it: a renewal answered late must not overwrite what the leader
   * did meanwhile.
   * @throws LeaseLostError when another epoch holds it now
   */
  public async renew(lease: Pick<Lease, 'holder' | 'epoch'>, now: number, rvn: string): Promise<void> {
    const old = windowOf(now, this.options.windowMs) - 2;
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.options.tableName,
        Key: this.key,
        ConditionExpression: 'holder = :me AND epoch = :epoch AND released = :false',
        UpdateExpression: 'SET rvn = :rvn, leaseExpiresAt = :exp REMOVE budget.#elb, budget.#dns',
        ExpressionAttributeNames: { '#elb': `elb#${old}`, '#dns': `dns#${old}` },
        ExpressionAttributeValues: { ':me': lease.holder, ':epoch': lease.epoch, ':false': false, ':rvn': rvn, ':exp': now + this.options.durationMs },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      throw new LeaseLostError(await this.currentFrom(e), lease.epoch);
    }
  }

  /** Ends this contender's lease now, so that the next contender takes over at once. */
  public async release(lease: Pick<Lease, 'holder' | 'epoch'>, rvn: string): Promise<void> {
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.options.tableName,
        Key: this.key,
        ConditionExpression: 'holder = :me AND epoch = :epoch',
        UpdateExpression: 'SET released = :true, rvn = :rvn, leaseExpiresAt = :zero',
        ExpressionAttributeValues: { ':me': lease.holder, ':epoch': lease.epoch, ':true': true, ':rvn': rvn, ':zero': 0 },
      }));
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      // Someone else holds it already: nothing to release.
    }
  }

  /**
   * Opens an incident for `group`, unless one is open (then that one is returned).
   * @throws StaleLeaderError
   */
  public async openIncident(lease: Lease, group: string, incident: Incident): Promise<Incident> {
    try {
      await this.fenced(lease, `open incident ${incident.id}`, {
        condition: 'attribute_not_exists(incidents.#g)',
        update: 'SET incidents.#g = :incident',
        names: { '#g': group },
        values: { ':incident': incident },
      });
      return incident;
    } catch (e) {
      if (!(e instanceof ActionAlreadyClaimedError)) throw e;
      return (await this.read())!.incidents[group];
    }
  }

  /**
   * Closes `group`'s incident and forgets the claims made for it.
   * @throws StaleLeaderError
   */
  public async closeIncident(lease: Lease, group: string, incidentId: string, claimKeys: string[]): Promise<void> {
    const names: Record<string, string> = { '#g': group };
    claimKeys.forEach((k, i) => { names[`#k${i}`] = k; });
    const removals = ['incidents.#g', ...claimKeys.map((_, i) => `actions.#k${i}`)];
    try {
      await this.fenced(lease, `close incident ${incidentId}`, {
        condition: 'incidents.#g.id = :id',
        update: `REMOVE ${removals.join(', ')}`,
        names,
        values: { ':id': incidentId },
      });
    } catch (e) {
      if (!(e instanceof ActionAlreadyClaimedError)) throw e;
      // Closed already.
    }
  }

  /**
   * Claims an alert of `group`'s open incident `incidentId` before sending it: free, abandoned,
   * `claimed` by an earlier epoch that never marked it `sending`, or left `sending` (or `unknown`)
   * by an earlier epoch's claimant before `goneBefore` (the claimant's invocation has surely ended
   * and never said the alert went out: it is sent again rather than missed). A claim that is
   * already this epoch's and still `claimed` is returned as this contender's own: the answer to
   * its earlier claim was lost.
   * @throws StaleLeaderError, ActionAlreadyClaimedError, IncidentClosedError
   */
  public async claim(lease: Lease, now: number, key: string, group: string, incidentId: string, token: string, goneBefore: number): Promise<ActionClaim> {
    let claim: ActionClaim = { epoch: lease.epoch, token, status: 'claimed', claimedAt: now };
    await this.fenced(lease, `claim ${key}`, {
      condition: 'incidents.#g.id = :incident AND (attribute_not_exists(actions.#k) OR actions.#k.#st = :abandoned '
        + 'OR (actions.#k.#st = :claimed AND actions.#k.epoch < :epoch) '
        + 'OR (actions.#k.#st IN (:sending, :unknown) AND actions.#k.epoch < :epoch AND actions.#k.sendingAt < :gone))',
      update: 'SET actions.#k = :claim',
      names: { '#k': key, '#st': 'status', '#g': group },
      values: { ':claim': claim, ':abandoned': 'abandoned', ':claimed': 'claimed', ':sending': 'sending', ':unknown': 'unknown', ':gone': goneBefore, ':incident': incidentId },
      onRefused: (current) => {
        if (current?.incidents[group]?.id !== incidentId) return new IncidentClosedError(key, incidentId);
        return new ActionAlreadyClaimedError(key, current?.actions[key]);
      },
    }).catch((e) => {
      const mine = e instanceof ActionAlreadyClaimedError && e.current?.epoch === lease.epoch && e.current.status === 'claimed';
      if (!mine) throw e;
      claim = e.current!;
    });
    return claim;
  }

  /**
   * Marks this epoch's claim `sending`, just before the call: fenced, so that a deposed leader
   * never sends. An answer lost is recognised the same way as for a claim.
   * @throws StaleLeaderError, ActionAlreadyClaimedError when the claim is no longer this epoch's `claimed` one
   */
  public async markSending(lease: Lease, now: number, key: string, token: string): Promise<void> {
    await this.fenced(lease, `send ${key}`, {
      condition: 'actions.#k.#tk = :token AND actions.#k.#st = :claimed',
      update: 'SET actions.#k.#st = :sending, actions.#k.sendingAt = :now',
      names: { '#k': key, '#st': 'status', '#tk': 'token' },
      values: { ':claimed': 'claimed', ':sending': 'sending', ':now': now, ':token': token },
      onRefused: (current) => new ActionAlreadyClaimedError(key, current?.actions[key]),
    }).catch((e) => {
      const mine = e instanceof ActionAlreadyClaimedError && e.current?.token === token && e.current.status === 'sending';
      if (!mine) throw e;
    });
  }

  /**
   * Records how a claim ended. Only the claim itself (its token) can be settled, lease or not: a
   * leader that acted in time and lost its lease just after still says it acted, and a settle
   * that lands late never touches a later claim of the same alert.
   * @returns false when the claim is no longer there, or ended already
   */
  public async settle(key: string, token: string, status: Exclude<ClaimStatus, 'sending' | 'claimed'>): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.options.tableName,
        Key: this.key,
        ConditionExpression: 'actions.#k.#tk = :token AND actions.#k.#st IN (:claimed, :sending)',
        UpdateExpression: 'SET actions.#k.#st = :status',
        ExpressionAttributeNames: { '#k': key, '#st': 'status', '#tk': 'token' },
        ExpressionAttributeValues: { ':token': token, ':claimed': 'claimed', ':sending': 'sending', ':status': status },
      }));
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  /**
   * Counts one successful change against `budget` in the window of `now`.
   * @throws StaleLeaderError
   */
  public async spend(lease: Lease, now: number, budget: Budget): Promise<void> {
    await this.fenced(lease, `spend ${budget}`, {
      update: 'SET budget.#w = if_not_exists(budget.#w, :zero) + :one',
      names: { '#w': budgetKey(budget, now, this.options.windowMs) },
      values: { ':zero': 0, ':one': 1 },
    });
  }

  /** An update conditioned on holding the lease; a refusal is explained from the current item. */
  private async fenced(lease: Lease, what: string, op: {
    condition?: string;
    update: string;
    names: Record<string, string>;
    values: Record<string, unknown>;
    onRefused?: (current: Lease | undefined) => Error;
  }): Promise<void> {
    const input: UpdateCommandInput = {
      TableName: this.options.tableName,
      Key: this.key,
      ConditionExpression: `holder = :me AND epoch = :epoch${op.condition ? ` AND (${op.condition})` : ''}`,
      UpdateExpression: op.update,
      ExpressionAttributeNames: op.names,
      ExpressionAttributeValues: { ...op.values, ':me': lease.holder, ':epoch': lease.epoch },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
    try {
      await this.db.send(new UpdateCommand(input));
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const current = toLease(e.Item ? unmarshallLoose(e.Item) : await this.rawItem());
      const stillLeader = current && current.holder === lease.holder && current.epoch === lease.epoch;
      if (!stillLeader) throw new StaleLeaderError(what, lease.epoch, current);
      throw op.onRefused ? op.onRefused(current) : new ActionAlreadyClaimedError(what);
    }
  }

  private async currentFrom(e: ConditionalCheckFailedException): Promise<LeaseRecord> {
    // DynamoDB returns the item with ReturnValuesOnConditionCheckFailure; servers that do not
    // (some local emulators) leave it out, and then it is read.
    const lease = toLease(e.Item ? unmarshallLoose(e.Item) : await this.rawItem());
    return lease ?? { holder: undefined, epoch: 0, rvn: '', released: true, leaseExpiresAt: 0 };
  }

  private async rawItem(): Promise<Record<string, unknown> | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.options.tableName, Key: this.key, ConsistentRead: true }));
    return out.Item;
  }
}

/** The item of a ConditionalCheckFailedException is in DynamoDB's attribute-value form. */
function unmarshallLoose(item: Record<string, unknown>): Record<string, unknown> {
  return unmarshall(item as never);
}
