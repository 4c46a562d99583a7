/**
 * Hysteresis per target, as ELB does it: `unhealthyThreshold` consecutive failures take a target
 * DOWN, `healthyThreshold` consecutive successes bring it back UP. A target never seen healthy is
 * UNKNOWN; its first success makes it UP (like a newly registered ELB target).
 */
export type Status = 'UNKNOWN' | 'UP' | 'DOWN';

export interface TargetState {
  readonly status: Status;
  readonly failures: number;
  readonly successes: number;
  readonly lastProbeAt: number;
  readonly lastChangeAt: number;
}

export interface Thresholds {
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export interface Observation {
  readonly state: TargetState;
  /** Whether anything worth saving changed (counters are capped, so a steady target saves nothing). */
  readonly changed: boolean;
  readonly transition?: 'UP' | 'DOWN';
}

export const INITIAL_STATE: TargetState = { status: 'UNKNOWN', failures: 0, successes: 0, lastProbeAt: 0, lastChangeAt: 0 };

export function observe(previous: TargetState, ok: boolean, t: Thresholds, now: number): Observation {
  const failures = ok ? 0 : Math.min(previous.failures + 1, t.unhealthyThreshold);
  const successes = ok ? Math.min(previous.successes + 1, t.healthyThreshold) : 0;
  let status = previous.status;
  if (ok && status !== 'UP' && (status === 'UNKNOWN' || successes >= t.healthyThreshold)) status = 'UP';
  if (!ok && status !== 'DOWN' && failures >= t.unhealthyThreshold) status = 'DOWN';
  const transition = status !== previous.status ? (status as 'UP' | 'DOWN') : undefined;
  const state: TargetState = { status, failures, successes, lastProbeAt: now, lastChangeAt: transition ? now : previous.lastChangeAt };
  const changed = transition !== undefined || failures !== previous.failures || successes !== previous.successes;
  return { state, changed, transition };
}

/** Whether a target is due for a probe: every `intervalMs`, or every `downIntervalMs` while DOWN. */
export function isDue(state: TargetState, now: number, intervalMs: number, downIntervalMs: number): boolean {
  const every = state.status === 'DOWN' ? downIntervalMs : intervalMs;
  // A little slack, so that a cycle that starts a few milliseconds early still probes.
  return now - state.lastProbeAt >= every - Math.min(50, every / 10);
}
