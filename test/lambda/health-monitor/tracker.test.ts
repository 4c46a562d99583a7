import { INITIAL_STATE, Status, TargetState, isDue, observe } from '../../../lambda/health-monitor/tracker';

const T = { healthyThreshold: 3, unhealthyThreshold: 2 };

/** Runs a sequence of probe results ('+' ok, '-' failed) from a status; returns the statuses after each. */
function run(from: Status, results: string): string {
  let state: TargetState = { ...INITIAL_STATE, status: from };
  const seen: string[] = [];
  [...results].forEach((r, i) => {
    state = observe(state, r === '+', T, i + 1).state;
    seen.push(state.status[0]);
  });
  return seen.join('');
}

describe('tracker: hysteresis with healthyThreshold 3, unhealthyThreshold 2', () => {
  test.each([
    ['UNKNOWN', '+', 'U', 'a first success makes a new target UP'],
    ['UNKNOWN', '--', 'UD', 'unhealthyThreshold failures make it DOWN'],
    ['UP', '-+-+-+', 'UUUUUU', 'alternating results never reach a threshold'],
    ['UP', '--', 'UD', 'two consecutive failures take it DOWN'],
    ['DOWN', '++', 'DD', 'fewer than healthyThreshold successes keep it DOWN'],
    ['DOWN', '+++', 'DDU', 'healthyThreshold successes bring it UP'],
    ['DOWN', '++-+++', 'DDDDDU', 'a failure restarts the count of successes'],
    ['UP', '-+-', 'UUU', 'a success restarts the count of failures'],
  ])('%s then %s → %s: %s', (from, results, expected) => {
    expect(run(from as Status, results)).toBe(expected);
  });

  test('reports the transition and when it happened', () => {
    const first = observe({ ...INITIAL_STATE, status: 'UP', lastChangeAt: 5 }, false, T, 10);
    expect(first).toEqual({ state: { status: 'UP', failures: 1, successes: 0, lastProbeAt: 10, lastChangeAt: 5 }, changed: true, transition: undefined });
    const second = observe(first.state, false, T, 20);
    expect(second).toEqual({ state: { status: 'DOWN', failures: 2, successes: 0, lastProbeAt: 20, lastChangeAt: 20 }, changed: true, transition: 'DOWN' });
  });

  test('a steady target has nothing to save (counters stop at the threshold)', () => {
    let state: TargetState = { ...INITIAL_STATE, status: 'UP', successes: 3 };
    const changes = [1, 2, 3, 4].map((now) => {
      const o = observe(state, true, T, now);
      state = o.state;
      return o.changed;
    });
    expect(changes).toEqual([false, false, false, false]);
    expect(state.successes).toBe(3);
    expect(observe({ ...INITIAL_STATE, status: 'DOWN', failures: 2 }, false, T, 9).changed).toBe(false);
  });
});

describe('isDue: the probe interval, and the dead interval while DOWN', () => {
  test.each([
    ['UP', 10_000, 10_500, 1000, 30_000, false],
    ['UP', 10_000, 11_000, 1000, 30_000, true],
    ['UP', 10_000, 10_950, 1000, 30_000, true], // a cycle a few milliseconds early still probes
    ['UP', 10_000, 10_949, 1000, 30_000, false],
    ['DOWN', 10_000, 11_000, 1000, 30_000, false],
    ['DOWN', 10_000, 40_000, 1000, 30_000, true],
    ['UNKNOWN', 0, 1, 1000, 30_000, false],
    ['UNKNOWN', 0, 1000, 1000, 30_000, true],
  ])('%s probed at %d, now %d, interval %d, down interval %d → %s', (status, lastProbeAt, now, interval, downInterval, expected) => {
    expect(isDue({ ...INITIAL_STATE, status: status as Status, lastProbeAt }, now, interval, downInterval)).toBe(expected);
  });
});
