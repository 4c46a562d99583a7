/**
 * Time as the monitor sees it. Injected so that tests can skew and pause it.
 *
 * Two readings: `now()` is the wall clock, which contenders may disagree on (it names incidents,
 * windows and ledger entries); `elapsed()` is this process's monotonic clock, which only measures
 * durations it observes itself (the lease, the acting deadline, a claimant's lifetime), so that
 * no decision depends on two clocks agreeing.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Monotonic milliseconds from an arbitrary origin. */
  elapsed(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  elapsed: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
