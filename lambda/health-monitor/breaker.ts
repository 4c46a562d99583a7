import { Clock } from './clock';
import { CircuitOpenError } from './errors';

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit refuses calls before letting one trial through. */
  readonly openMs: number;
}

/**
 * Refuses calls to an API that keeps failing, so that an impaired API is not hammered: after
 * `failureThreshold` consecutive failures the circuit opens for `openMs`, then lets one trial call
 * through (half-open); its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private current: BreakerState = 'CLOSED';
  private trialInFlight = false;

  constructor(public readonly api: string, private readonly options: BreakerOptions, private readonly clock: Clock) {}

  public get state(): BreakerState {
    if (this.current === 'OPEN' && this.clock.now() - this.openedAt >= this.options.openMs) return 'HALF_OPEN';
    return this.current;
  }

  public async call<T>(fn: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'OPEN' || (state === 'HALF_OPEN' && this.trialInFlight)) {
      throw new CircuitOpenError(this.api, this.openedAt + this.options.openMs);
    }
    if (state === 'HALF_OPEN') this.trialInFlight = true;
    try {
      const result = await fn();
      this.failures = 0;
      this.current = 'CLOSED';
      return result;
    } catch (e) {
      this.failures++;
      if (state === 'HALF_OPEN' || this.failures >= this.options.failureThreshold) {
        this.current = 'OPEN';
        this.openedAt = this.clock.now();
      }
      throw e;
    } finally {
      if (state === 'HALF_OPEN') this.trialInFlight = false;
    }
  }
}
