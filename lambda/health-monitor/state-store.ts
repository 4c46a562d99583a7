/** Per-target tracking state and registration, each write fenced by the writer's epoch. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { queryPrefix } from './query';
import { TargetState } from './tracker';

/** A target as the monitor remembers it, across leaders. */
export interface StoredTarget extends TargetState {
  readonly id: string;
  readonly group: string;
  readonly host: string;
  readonly port: number;
  /** Deregistered from its target group by the monitor (so ELB no longer lists it). */
  readonly deregistered: boolean;
  /** The incident it was deregistered in. */
  readonly deregisteredIn?: string;
  /** When the monitor took it out (the writer's wall clock). */
  readonly removedAt?: number;
  /**
   * Until when (the writer's wall clock) a change of the target's registration whose outcome was
   * never seen may still land: its group is read back often until then.
   */
  readonly lateUntil?: number;
  /** Whether one of those changes is a deregistration: until then, an absence may be the monitor's own doing. */
  readonly lateOut?: boolean;
}

const PREFIX = 'target#';

/**
 * Per-target state items. A write carries the writer's epoch and is refused when a later epoch
 * wrote the item: an old leader cannot overwrite a newer one's view.
 */
export class TargetStateStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string, private readonly monitorId: string) {}

  public async loadAll(): Promise<Map<string, StoredTarget>> {
    const targets = new Map<string, StoredTarget>();
    for (const item of await queryPrefix(this.db, this.tableName, this.monitorId, PREFIX, true)) {
      const { pk: _pk, sk: _sk, writerEpoch: _epoch, deregisteredIn, removedAt, lateUntil, lateOut, ...rest } = item;
      const t = {
        ...rest, deregistered: rest.deregistered === true, deregisteredIn: deregisteredIn ?? undefined, removedAt: removedAt ?? undefined,
        lateUntil: lateUntil ?? undefined, lateOut: lateUntil ? lateOut === true : undefined,
      } as unknown as StoredTarget;
      targets.set(t.id, t);
    }
    return targets;
  }

  /**
   * Saves a target's tracking state (status and counters). It leaves the registration fields
   * alone, so that it never undoes a deregistration another leader recorded.
   * @returns false when a later epoch wrote the item
   */
  public saveTracking(target: StoredTarget, epoch: number): Promise<boolean> {
    return this.update(target, epoch, {
      status: target.status, failures: target.failures, successes: target.successes,
      lastProbeAt: target.lastProbeAt, lastChangeAt: target.lastChangeAt,
    });
  }

  /**
   * Records that the monitor takes `target` out of its target group during `incidentId`, or
   * (undefined) that it is back. Written before a deregistration, so that the target stays
   * monitored through a change of leader even though ELB no longer lists it.
   * @returns false when a later epoch wrote the item
   */
  public saveRegistration(target: StoredTarget, epoch: number, incidentId: string | undefined, now: number): Promise<boolean> {
    return this.update(target, epoch, { deregistered: incidentId !== undefined, deregisteredIn: incidentId ?? null, removedAt: incidentId === undefined ? null : now });
  }

  /**
   * Records that a change of the target's registration may still land until `until` (and whether
   * one such change takes it out), or (undefined) that none can any more.
   * @returns false when a later epoch wrote the item
   */
  public saveLate(target: StoredTarget, epoch: number, late: { readonly until: number; readonly out: boolean } | undefined): Promise<boolean> {
    return this.update(target, epoch, { lateUntil: late?.until ?? null, lateOut: late?.out ?? null });
  }

  /**
   * Forgets a target the monitor took out and that never came back (replaced): it is no longer
   * probed, holds no incident open, and is never put back.
   * @returns false when a later epoch wrote the item
   */
  public async forget(target: StoredTarget, epoch: number): Promise<boolean> {
    try {
      await this.db.send(new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: this.monitorId, sk: `${PREFIX}${target.id}` },
        ConditionExpression: 'attribute_not_exists(sk) OR writerEpoch <= :epoch',
        ExpressionAttributeValues: { ':epoch': epoch },
      }));
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }

  private async update(target: StoredTarget, epoch: number, fields: Record<string, unknown>): Promise<boolean> {
    const all: Record<string, unknown> = { id: target.id, group: target.group, host: target.host, port: target.port, ...fields, writerEpoch: epoch };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':epoch': epoch };
    const sets = Object.entries(all).map(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: this.monitorId, sk: `${PREFIX}${target.id}` },
        ConditionExpression: 'attribute_not_exists(sk) OR writerEpoch <= :epoch',
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }));
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }
}
