/**
 * What the lease item records, as plain types: who holds the lease, and the claims of alerts.
 * The lease store (`lease.ts`) reads and writes them; the errors it throws (`errors.ts`) carry
 * them.
 */

/** Who holds the lease, as the lease item says. */
export interface LeaseRecord {
  readonly holder?: string;
  readonly epoch: number;
  /** The record version: a new value at every acquire, renewal and release. */
  readonly rvn: string;
  /** The holder ended its lease: the next contender may take it at once. */
  readonly released: boolean;
  /** The holder's wall clock at its last renewal plus the lease: for people, never compared. */
  readonly leaseExpiresAt: number;
}

/**
 * `claimed`: claimed, not sent yet (a later epoch may take it over at once: its claimant can no
 * longer mark it `sending`); `sending`: the call may be under way; `done`: the call succeeded;
 * `unknown`: the call's outcome is unknown (it may have been delivered), so it is never made
 * again; `abandoned`: not made, or refused, and free to be claimed again.
 */
export type ClaimStatus = 'claimed' | 'sending' | 'done' | 'unknown' | 'abandoned';

/** A leader's claim on an alert, recorded before the alert is sent. */
export interface ActionClaim {
  readonly epoch: number;
  /** This claim, apart from other claims of the same alert: what marks and settles it name. */
  readonly token: string;
  readonly status: ClaimStatus;
  /** The claimant's wall clock when it claimed. */
  readonly claimedAt: number;
  /** The claimant's wall clock when it marked the claim `sending`. */
  readonly sendingAt?: number;
}
