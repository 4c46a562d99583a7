/**
 * A circuit breaker around one AWS API, so that an impaired API is neither hammered nor allowed
 * to hold up the monitor's cycle.
 *
 * - CLOSED: calls go through. A failure opens the circuit when it is the `failureThreshold`th in
 *   a row, or when at least `failureRatePercent` of the last `windowSize` calls failed (once that
 *   many calls were made). A success never opens it.
 * - OPEN: calls are refused at once, without reaching the API, for `openMs`.
 * - HALF_OPEN: up to `halfOpenTrials` trial calls go through; when they all succeed the circuit
 *   closes with a clean slate, the first failure opens it again for `openMs`. Calls beyond the
 *   trials are refused.
 *
 * A refused call throws `CircuitOpenError`, or returns the caller's fallback. The fallback also
 * answers for a call that failed, so a caller with a fallback never sees the API's error.
 */
import { Clock } from './clock';
import type { BreakerOptions } from './contract';
import { CircuitOpenError } from './errors';

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

/** Called on every change of state, with the reason. */
export type TransitionListener = (api: string, from: BreakerState, to: BreakerState, reason: string) => void;

export class CircuitBreaker {
  private current: BreakerState = 'CLOSED';
  private consecutiveFailures = 0;
  /** Outcomes of the latest calls while closed, oldest first: true for a failure. */
  private window: boolean[] = [];
  private openedAt = 0;
  private trialsStarted = 0;
  private trialsSucceeded = 0;
  private refusedCount = 0;

  constructor(
    public readonly api: string,
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
    private readonly onTransition: TransitionListener = () => undefined,
  ) {}

  /** The state now: an open circuit turns half-open once `openMs` has passed. */
  public get state(): BreakerState {
    if (this.current === 'OPEN' && this.clock.now() - this.openedAt >= this.options.openMs) {
      this.moveTo('HALF_OPEN', `open for ${this.options.openMs} ms`);
    }
    return this.current;
  }

  /** Calls refused since the last `takeRefused()`. */
  public takeRefused(): number {
    const n = this.refusedCount;
    this.refusedCount = 0;
    return n;
  }

  /**
   * Calls `fn` unless the circuit refuses it. With `fallback`, a refused or failed call returns
   * the fallback's value instead of throwing.
   */
  public async call<T>(fn: () => Promise<T>, fallback?: (error: unknown) => T | Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'OPEN' || (state === 'HALF_OPEN' && this.trialsStarted >= this.options.halfOpenTrials)) {
      this.refusedCount++;
      const refusal = new CircuitOpenError(this.api, this.openedAt + this.options.openMs);
      if (fallback) return fallback(refusal);
      throw refusal;
    }
    if (state === 'HALF_OPEN') this.trialsStarted++;
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      this.failed(state, e);
      if (fallback) return fallback(e);
      throw e;
    }
    this.succeeded(state);
    return result;
  }

  private succeeded(during: BreakerState): void {
    this.consecutiveFailures = 0;
    if (during === 'HALF_OPEN') {
      // A trial that ends after another trial reopened the circuit changes nothing.
      if (this.current !== 'HALF_OPEN') return;
      this.trialsSucceeded++;
      if (this.trialsSucceeded >= this.options.halfOpenTrials) this.moveTo('CLOSED', this.trialsSucceeded === 1 ? 'the trial call succeeded' : `all ${this.trialsSucceeded} trial calls succeeded`);
      return;
    }
    this.record(false);
  }

  private failed(during: BreakerState, error: unknown): void {
    if (during === 'HALF_OPEN') {
      if (this.current === 'HALF_OPEN') this.open(`a trial call failed: ${String(error)}`);
      return;
    }
    // A call that started before the circuit opened adds nothing to an open circuit.
    if (this.current !== 'CLOSED') return;
    this.consecutiveFailures++;
    this.record(true);
    const failures = this.window.filter(Boolean).length;
    if (this.consecutiveFailures >= this.options.failureThreshold) {
      this.open(`${this.consecutiveFailures} consecutive failures, the last: ${String(error)}`);
    } else if (this.window.length >= this.options.windowSize && failures * 100 >= this.options.failureRatePercent * this.window.length) {
      this.open(`${failures} of the last ${this.window.length} calls failed, the last: ${String(error)}`);
    }
  }

  private record(failure: boolean): void {
    if (this.current !== 'CLOSED') return;
    this.window.push(failure);
    if (this.window.length > this.options.windowSize) this.window.shift();
  }

  private open(reason: string): void {
    this.openedAt = this.clock.now();
    this.moveTo('OPEN', reason);
  }

  private moveTo(to: BreakerState, reason: string): void {
    const from = this.current;
    this.current = to;
    if (to === 'HALF_OPEN') {
      this.trialsStarted = 0;
      this.trialsSucceeded = 0;
    }
    if (to === 'CLOSED') {
      this.consecutiveFailures = 0;
      this.window = [];
    }
    this.onTransition(this.api, from, to, reason);
  }
}
