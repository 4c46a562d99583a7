/**
 * Taking, keeping and ending the lease, judged by observed time on the contender's own monotonic
 * clock; whether this contender may act now.
 */
import { randomUUID } from 'crypto';
import { Clock } from './clock';
import { LeaseTiming } from './contract';
import { LeaseHeldError, LeaseLostError } from './errors';
import { Lease, LeaseStore, Observed } from './lease';
import { Telemetry } from './telemetry';

/**
 * Taking, keeping and ending the lease, by observed time, as the DynamoDB Lock Client does: a
 * contender takes the lease only after it has seen the same record version for a whole lease by
 * its own monotonic clock (or the holder released it), and its acquire is conditioned on that
 * version. A leader acts only while its last renewal was sent less than the renew deadline ago,
 * by its own monotonic clock. No wall clocks are compared, so clock skew cannot steal a live
 * lease.
 *
 * Why this is safe: a renewal sent at `s` is seen by a contender no earlier than `s`, so the
 * contender takes over no earlier than `s + duration`, while the leader stopped acting at
 * `s + renewDeadline` and its calls ended by `s + renewDeadline + callTimeout`.
 */
export class Election {
  private held?: Lease;
  /** When the last successful renewal (or acquire) was sent, on the monotonic clock. */
  private lastRenewSentAt = -Infinity;
  /** The version this contender last saw, and when it first saw it, on the monotonic clock. */
  private observed?: { readonly version: string; readonly since: number };

  constructor(
    private readonly me: string,
    private readonly leases: LeaseStore,
    private readonly timing: LeaseTiming,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry,
    private readonly newVersion: () => string = randomUUID,
  ) {}

  /** The lease as this contender leads with it, if it does. */
  public get lease(): Lease | undefined {
    return this.held;
  }

  /** Leader and allowed to act: its last renewal was sent within the renew deadline. */
  public get acting(): boolean {
    return this.held !== undefined && this.clock.elapsed() < this.lastRenewSentAt + this.timing.renewDeadlineMs;
  }

  /** When this leader must stop acting, on the monotonic clock. */
  public get actingUntil(): number {
    return this.lastRenewSentAt + this.timing.renewDeadlineMs;
  }

  /** Replaces the local lease (after a fenced write this leader made). */
  public update(change: (lease: Lease) => Lease): void {
    if (this.held) this.held = change(this.held);
  }

  /** Stops leading at once (a fenced write was refused: a later epoch leads). */
  public depose(): void {
    this.held = undefined;
  }

  /**
   * One try: reads the item and takes the lease when it is free, released, or unchanged for a
   * whole lease. An item that names this contender is its own (the response to its acquire was
   * lost, or its renewals failed for a while): it renews it.
   * @returns whether this contender leads now
   */
  public async tryAcquire(): Promise<boolean> {
    const { clock, leases, me } = this;
    try {
      const item = await leases.read();
      if (this.held && (item?.holder !== me || item.epoch !== this.held.epoch)) {
        // Found, not told: another contender took the lease while this one was not renewing it.
        this.telemetry.warn('lost the lease', { epoch: this.held.epoch, now: item?.epoch });
        this.held = undefined;
      }
      if (item && item.holder === me && !item.released) {
        this.held = item;
        if (await this.renew()) {
          this.telemetry.info('leads: the lease already named this contender', { epoch: item.epoch });
          return true;
        }
        return false;
      }
      const seenAt = clock.elapsed();
      const version = item ? `${item.epoch}/${item.rvn}/${item.leaseExpiresAt}` : '';
      if (item && !item.released) {
        if (this.observed?.version !== version) {
          this.observed = { version, since: seenAt };
          return false;
        }
        if (seenAt - this.observed.since < this.timing.durationMs) return false;
      }
      const sentAt = clock.elapsed();
      const seen: Observed | undefined = item ? { epoch: item.epoch, rvn: item.rvn, leaseExpiresAt: item.leaseExpiresAt } : undefined;
      this.held = await leases.acquire(me, clock.now(), seen, this.newVersion());
      this.lastRenewSentAt = sentAt;
      this.observed = undefined;
      this.telemetry.info('became leader', { epoch: this.held.epoch });
      return true;
    } catch (e) {
      if (e instanceof LeaseHeldError) {
        const c = e.current;
        this.observed = { version: `${c.epoch}/${c.rvn}/${c.leaseExpiresAt}`, since: clock.elapsed() };
        return false;
      }
      // Unknown: the acquire may have landed. The next try reads the item and finds out.
      this.telemetry.warn('could not contend', { error: String(e) });
      return false;
    }
  }

  /**
   * Renews the lease once. A renewal that fails without an answer leaves the lease as it was: the
   * leader stops acting at its renew deadline unless a later renewal succeeds.
   * @returns whether the renewal succeeded
   */
  public async renew(): Promise<boolean> {
    const lease = this.held;
    if (!lease) return false;
    const sentAt = this.clock.elapsed();
    const rvn = this.newVersion();
    try {
      await this.leases.renew(lease, this.clock.now(), rvn);
      if (this.held?.epoch === lease.epoch) {
        this.held = { ...this.held, rvn };
        this.lastRenewSentAt = Math.max(this.lastRenewSentAt, sentAt);
      }
      return true;
    } catch (e) {
      if (e instanceof LeaseLostError) {
        this.telemetry.warn('lost the lease', { epoch: lease.epoch, now: e.current?.epoch });
        if (this.held?.epoch === lease.epoch) this.held = undefined;
      } else {
        this.telemetry.warn('could not renew the lease', { epoch: lease.epoch, error: String(e) });
      }
      return false;
    }
  }

  /** Ends the lease, so that the next contender takes over at once. */
  public async release(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (!held) return;
    try {
      await this.leases.release(held, this.newVersion());
      this.telemetry.info('released the lease', { epoch: held.epoch });
    } catch (e) {
      this.telemetry.warn('could not release the lease; it passes on after a lease', { epoch: held.epoch, error: String(e) });
    }
  }
}
