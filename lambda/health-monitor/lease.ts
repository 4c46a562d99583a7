import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  ActionAlreadyClaimedError, ActionCapReachedError, LeaseHeldError, LeaseLostError, LeaseRecord, StaleLeaderError,
} from './errors';

/**
 * The lease: one DynamoDB item per monitor. It also carries what must change only under the
 * leader's epoch: open incidents and action claims. Every write to them is conditioned on
 * `holder = me AND epoch = myEpoch AND leaseExpiresAt > now`, so DynamoDB itself refuses a
 * deposed leader (the epoch is the fencing token).
 */

/** An incident: one group of targets with targets down, from the first down to the last up. */
export interface Incident {
  readonly id: string;
  readonly openedAt: number;
}

export type ClaimStatus = 'sending' | 'done' | 'abandoned';

/** A leader's claim on an action, recorded before the action is taken. */
export interface ActionClaim {
  readonly epoch: number;
  readonly status: ClaimStatus;
  /** The claimant acts before this time or not at all. */
  readonly deadline: number;
  readonly claimedAt: number;
}

/** The lease item, as read or written. */
export interface Lease extends LeaseRecord {
  readonly holder: string;
  readonly incidents: Record<string, Incident>;
  readonly actions: Record<string, ActionClaim>;
}

export interface LeaseOptions {
  readonly tableName: string;
  readonly monitorId: string;
  readonly durationMs: number;
}

export interface ClaimOptions {
  /** The claimant acts before this time or not at all. */
  readonly deadline: number;
  /** Counted against the cap on actions per window (alerts are not). */
  readonly capped: boolean;
  /**
   * Whether a claim whose claimant vanished (still `sending` after its deadline) may be claimed
   * again: true for idempotent actions, false for alerts (an alert is sent at most once per claim).
   */
  readonly retakeVanished: boolean;
}

export interface CapOptions {
  readonly maxActions: number;
  readonly windowMs: number;
}

const LEASE_SK = 'lease';

function toLease(item: Record<string, unknown> | undefined): Lease | undefined {
  if (!item) return undefined;
  return {
    holder: String(item.holder ?? ''),
    epoch: Number(item.epoch ?? 0),
    leaseExpiresAt: Number(item.leaseExpiresAt ?? 0),
    incidents: (item.incidents ?? {}) as Record<string, Incident>,
    actions: (item.actions ?? {}) as Record<string, ActionClaim>,
  };
}

export class LeaseStore {
  private readonly key: Record<string, string>;

  constructor(private readonly db: DynamoDBDocumentClient, private readonly options: LeaseOptions, private readonly cap: CapOptions) {
    this.key = { pk: options.monitorId, sk: LEASE_SK };
  }

  /** The lease item, read consistently. */
  public async read(): Promise<Lease | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.options.tableName, Key: this.key, ConsistentRead: true }));
    return toLease(out.Item);
  }

  /**
   * Takes the lease if nobody holds it or it expired, incrementing the epoch.
   * @throws LeaseHeldError with the current holder
   */
  public async acquire(me: string, now: number): Promise<Lease> {
    try {
      const out = await this.db.send(new UpdateCommand({
        TableName: this.options.tableName,
        Key: this.key,
        ConditionExpression: 'attribute_not_exists(pk) OR leaseExpiresAt < :now',
        UpdateExpression: 'SET holder = :me, leaseExpiresAt = :exp, acquiredAt = :now, '
          + 'incidents = if_not_exists(incidents, :empty), actions = if_not_exists(actions, :empty), windows = if_not_exists(windows, :empty) '
          + 'ADD epoch :one',
        ExpressionAttributeValues: { ':me': me, ':now': now, ':exp': now + this.options.durationMs, ':empty': {}, ':one': 1 },
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
   * Extends this contender's lease.
   * @throws LeaseLostError when another epoch holds it now
   */
  public async renew(lease: Lease, now: number): Promise<Lease> {
    const window = Math.floor(now / this.cap.windowMs);
    try {
      const out = await this.db.send(new UpdateCommand({
        TableName: this.options.tableName,
        Key: this.key,
        ConditionExpression: 'holder = :me AND epoch = :epoch',
        UpdateExpression: 'SET leaseExpiresAt = :exp REMOVE windows.#old',
        ExpressionAttributeNames: { '#old': String(window - 2) },
        ExpressionAttributeValues: { ':me': lease.holder, ':epoch': lease.epoch, ':exp': now + this.options.durationMs },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return toLease(out.Attributes)!;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      throw new LeaseLostError(await this.currentFrom(e), lease.epoch);
    }
  }

  /** Ends this contender's lease now, so that the next contender takes over at once. */
  public async release(lease: Lease): Promise<void> {
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.options.tableName,
        Key: this.key,
        ConditionExpression: 'holder = :me AND epoch = :epoch',
        UpdateExpression: 'SET leaseExpiresAt = :zero',
        ExpressionAttributeValues: { ':me': lease.holder, ':epoch': lease.epoch, ':zero': 0 },
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
  public async openIncident(lease: Lease, now: number, group: string, incident: Incident): Promise<Incident> {
    try {
      await this.fenced(lease, now, `open incident ${incident.id}`, {
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
  public async closeIncident(lease: Lease, now: number, group: string, incidentId: string, claimKeys: string[]): Promise<void> {
    const names: Record<string, string> = { '#g': group };
    claimKeys.forEach((k, i) => { names[`#k${i}`] = k; });
    const removals = ['incidents.#g', ...claimKeys.map((_, i) => `actions.#k${i}`)];
    try {
      await this.fenced(lease, now, `close incident ${incidentId}`, {
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
   * Claims an action before taking it.
   * @throws StaleLeaderError, ActionAlreadyClaimedError, ActionCapReachedError
   */
  public async claim(lease: Lease, now: number, key: string, options: ClaimOptions): Promise<ActionClaim> {
    const claim: ActionClaim = { epoch: lease.epoch, status: 'sending', deadline: options.deadline, claimedAt: now };
    const window = String(Math.floor(now / this.cap.windowMs));
    const free = 'attribute_not_exists(actions.#k) OR actions.#k.#st = :abandoned'
      + (options.retakeVanished ? ' OR (actions.#k.#st = :sending AND actions.#k.deadline < :now)' : '');
    // DynamoDB rejects redundant parentheses, so `free` is grouped only when something follows.
    const condition = options.capped ? `(${free}) AND (attribute_not_exists(windows.#w) OR windows.#w < :cap)` : free;
    await this.fenced(lease, now, `claim ${key}`, {
      condition,
      update: `SET actions.#k = :claim${options.capped ? ', windows.#w = if_not_exists(windows.#w, :zero) + :one' : ''}`,
      names: { '#k': key, '#st': 'status', ...(options.capped ? { '#w': window } : {}) },
      values: {
        ':claim': claim, ':abandoned': 'abandoned',
        ...(options.retakeVanished ? { ':sending': 'sending' } : {}),
        ...(options.capped ? { ':cap': this.cap.maxActions, ':zero': 0, ':one': 1 } : {}),
      },
      onRefused: (current) => {
        const used = current?.windows?.[window] ?? 0;
        if (options.capped && used >= this.cap.maxActions) return new ActionCapReachedError(key, this.cap.maxActions);
        return new ActionAlreadyClaimedError(key, current?.actions[key]);
      },
    });
    return claim;
  }

  /**
   * Records how a claim ended. Only the claimant's epoch can do so, lease or not: a leader that
   * acted in time and lost its lease just after still says it acted.
   * @returns false when the claim is no longer this epoch's
   */
  public async settle(key: string, epoch: number, status: 'done' | 'abandoned'): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.options.tableName,
        Key: this.key,
        ConditionExpression: 'actions.#k.epoch = :epoch AND actions.#k.#st = :sending',
        UpdateExpression: 'SET actions.#k.#st = :status',
        ExpressionAttributeNames: { '#k': key, '#st': 'status' },
        ExpressionAttributeValues: { ':epoch': epoch, ':sending': 'sending', ':status': status },
      }));
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  /** An update conditioned on holding the lease now; a refusal is explained from the current item. */
  private async fenced(lease: Lease, now: number, what: string, op: {
    condition: string;
    update: string;
    names: Record<string, string>;
    values: Record<string, unknown>;
    onRefused?: (current: (Lease & { windows?: Record<string, number> }) | undefined) => Error;
  }): Promise<void> {
    const input: UpdateCommandInput = {
      TableName: this.options.tableName,
      Key: this.key,
      ConditionExpression: `holder = :me AND epoch = :epoch AND leaseExpiresAt > :now AND (${op.condition})`,
      UpdateExpression: op.update,
      ExpressionAttributeNames: op.names,
      ExpressionAttributeValues: { ...op.values, ':me': lease.holder, ':epoch': lease.epoch, ':now': now },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
    try {
      await this.db.send(new UpdateCommand(input));
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
      const item = e.Item ? unmarshallLoose(e.Item) : await this.rawItem();
      const current = toLease(item);
      const stillLeader = current && current.holder === lease.holder && current.epoch === lease.epoch && current.leaseExpiresAt > now;
      if (!stillLeader) throw new StaleLeaderError(what, lease.epoch, current);
      throw op.onRefused ? op.onRefused({ ...current, windows: (item?.windows ?? {}) as Record<string, number> }) : new ActionAlreadyClaimedError(what);
    }
  }

  private async currentFrom(e: ConditionalCheckFailedException): Promise<LeaseRecord> {
    // DynamoDB returns the item with ReturnValuesOnConditionCheckFailure; servers that do not
    // (some local emulators) leave it out, and then it is read.
    const item = e.Item ? unmarshallLoose(e.Item) : await this.rawItem();
    const lease = toLease(item);
    return lease ?? { holder: undefined, epoch: 0, leaseExpiresAt: 0 };
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
