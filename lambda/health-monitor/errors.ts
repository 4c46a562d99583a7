/**
 * The monitor's own errors: lease held or lost, a stale leader, an action already claimed, an
 * incident closed, a circuit open.
 */
import type { ActionClaim, LeaseRecord } from './lease-records';

/**
 * Base of the monitor's own errors. Each names itself in a literal: the bundle is minified, and a
 * class's own name would not survive it.
 */
export class MonitorError extends Error {
  public override readonly name: string = 'MonitorError';
}

/** The lease changed since this contender observed it: someone renewed or took it. */
export class LeaseHeldError extends MonitorError {
  public override readonly name = 'LeaseHeldError';

  constructor(public readonly current: LeaseRecord) {
    super(`lease held by ${current.holder} (epoch ${current.epoch}, version ${current.rvn})`);
  }
}

/** This contender's lease is gone: expired and taken, or released. */
export class LeaseLostError extends MonitorError {
  public override readonly name = 'LeaseLostError';

  constructor(public readonly current: LeaseRecord | undefined, public readonly myEpoch: number) {
    super(`lease of epoch ${myEpoch} lost; now ${current ? `${current.holder} at epoch ${current.epoch}` : 'no lease'}`);
  }
}

/** A write a deposed leader tried; DynamoDB refused it on the epoch. */
export class StaleLeaderError extends MonitorError {
  public override readonly name = 'StaleLeaderError';

  constructor(public readonly what: string, public readonly myEpoch: number, public readonly current: LeaseRecord | undefined) {
    super(`refused ${what}: epoch ${myEpoch} is no longer the leader (now ${current?.holder ?? 'none'} at epoch ${current?.epoch ?? 0})`);
  }
}

/** The action was claimed already (by this or an earlier leader). */
export class ActionAlreadyClaimedError extends MonitorError {
  public override readonly name = 'ActionAlreadyClaimedError';

  /** @param current the claim as it is now, when known */
  constructor(public readonly key: string, public readonly current?: ActionClaim) {
    super(`action ${key} already claimed${current ? ` by epoch ${current.epoch} (${current.status})` : ''}`);
  }
}

/** The claim's incident is no longer open: the claim would outlive it. */
export class IncidentClosedError extends MonitorError {
  public override readonly name = 'IncidentClosedError';

  constructor(public readonly key: string, public readonly incidentId: string) {
    super(`action ${key} not claimed: incident ${incidentId} is closed`);
  }
}

/** A circuit breaker refused the call. */
export class CircuitOpenError extends MonitorError {
  public override readonly name = 'CircuitOpenError';

  constructor(public readonly api: string, public readonly retryAt: number) {
    super(`circuit for ${api} open until ${new Date(retryAt).toISOString()}`);
  }
}
