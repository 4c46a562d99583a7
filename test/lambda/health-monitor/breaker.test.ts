import { BreakerState, CircuitBreaker } from '../../../lambda/health-monitor/breaker';
import { Clock } from '../../../lambda/health-monitor/clock';
import { BreakerOptions } from '../../../lambda/health-monitor/contract';
import { CircuitOpenError } from '../../../lambda/health-monitor/errors';

class ManualClock implements Clock {
  public t = 1_800_000_000_000;
  public now(): number { return this.t; }
  public elapsed(): number { return this.t; }
  public async sleep(ms: number): Promise<void> { this.t += ms; }
}

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('ServiceUnavailable'));

const DEFAULTS: BreakerOptions = { failureThreshold: 3, failureRatePercent: 100, windowSize: 10, openMs: 1000, halfOpenTrials: 1 };

function setup(options: Partial<BreakerOptions> = {}) {
  const clock = new ManualClock();
  const transitions: string[] = [];
  const breaker = new CircuitBreaker('route53', { ...DEFAULTS, ...options }, clock, (_api, from, to, reason) => transitions.push(`${from}→${to}: ${reason}`));
  return { clock, breaker, transitions };
}

const LETTER: Record<BreakerState, string> = { CLOSED: 'C', OPEN: 'O', HALF_OPEN: 'H' };

/**
 * Runs steps — `ok` (a call that succeeds), `x` (a call that fails), `+N` (N ms pass) — and
 * returns the state after each, with `*` when the call was refused without being made.
 */
async function run(options: Partial<BreakerOptions>, steps: string): Promise<string> {
  const { clock, breaker } = setup(options);
  const seen: string[] = [];
  for (const step of steps.split(' ')) {
    let refused = false;
    if (step.startsWith('+')) {
      clock.t += Number(step.slice(1));
    } else {
      const fn = jest.fn(step === 'ok' ? ok : boom);
      const error = await breaker.call(fn).then(() => undefined, (e) => e);
      refused = error instanceof CircuitOpenError;
      expect(fn).toHaveBeenCalledTimes(refused ? 0 : 1);
    }
    seen.push(LETTER[breaker.state] + (refused ? '*' : ''));
  }
  return seen.join(' ');
}

describe('CircuitBreaker state machine', () => {
  test.each<[string, Partial<BreakerOptions>, string, string]>([
    ['opens on the third consecutive failure and refuses the next call', {}, 'x x x ok', 'C C O O*'],
    ['a success resets the consecutive count', {}, 'x x ok x x', 'C C C C C'],
    ['opens at the failure rate once the window is full', { failureThreshold: 10, failureRatePercent: 50, windowSize: 4 }, 'x ok ok x', 'C C C O'],
    ['judges the rate on a failure only', { failureThreshold: 10, failureRatePercent: 50, windowSize: 4 }, 'x ok x ok', 'C C C C'],
    ['does not judge the rate before the window is full', { failureThreshold: 10, failureRatePercent: 50, windowSize: 4 }, 'x ok x', 'C C C'],
    ['the rate is over the latest calls only', { failureThreshold: 10, failureRatePercent: 50, windowSize: 4 }, 'x ok ok ok ok ok x', 'C C C C C C C'],
    ['below the rate stays closed', { failureThreshold: 10, failureRatePercent: 75, windowSize: 4 }, 'x ok x ok x', 'C C C C C'],
    ['at the rate opens', { failureThreshold: 10, failureRatePercent: 75, windowSize: 4 }, 'x x ok x', 'C C C O'],
    ['refuses for openMs, then half-opens', { failureThreshold: 1 }, 'x +999 ok +1', 'O O O* H'],
    ['a successful trial closes it', { failureThreshold: 1 }, 'x +1000 ok ok', 'O H C C'],
    ['a failed trial opens it again for a whole openMs', { failureThreshold: 1 }, 'x +1000 x +999 ok +1', 'O H O O O* H'],
    ['every trial must succeed to close', { failureThreshold: 1, halfOpenTrials: 3 }, 'x +1000 ok ok ok', 'O H H H C'],
    ['the third trial failing reopens it', { failureThreshold: 1, halfOpenTrials: 3 }, 'x +1000 ok ok x', 'O H H H O'],
    ['closing starts a clean window', { failureThreshold: 10, failureRatePercent: 50, windowSize: 2 }, 'ok x +1000 ok x', 'C O H C C'],
  ])('%s', async (_name, options, steps, expected) => {
    expect(await run(options, steps)).toBe(expected);
  });
});

describe('CircuitBreaker', () => {
  test('a refusal names the API and when it may be tried again', async () => {
    const { breaker, clock } = setup({ failureThreshold: 1 });
    await breaker.call(boom).catch(() => undefined);
    const refusal = await breaker.call(ok).catch((e) => e);
    expect(refusal).toBeInstanceOf(CircuitOpenError);
    expect(refusal.message).toBe(`circuit for route53 open until ${new Date(clock.t + 1000).toISOString()}`);
    expect(breaker.takeRefused()).toBe(1);
    expect(breaker.takeRefused()).toBe(0);
  });

  test('half-open lets only the trial calls through while they are in flight', async () => {
    const { breaker, clock } = setup({ failureThreshold: 1 });
    await breaker.call(boom).catch(() => undefined);
    clock.t += 1000;
    let release!: (v: string) => void;
    const trial = breaker.call(() => new Promise<string>((r) => { release = r; }));
    await expect(breaker.call(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    release('done');
    await expect(trial).resolves.toBe('done');
    expect(breaker.state).toBe('CLOSED');
  });

  test('a call that started before the circuit opened changes nothing when it fails: no transition, the open period not extended', async () => {
    const { breaker, clock, transitions } = setup({ failureThreshold: 1 });
    let fail!: (e: Error) => void;
    const late = breaker.call(() => new Promise<string>((_r, reject) => { fail = reject; }));
    await breaker.call(boom).catch(() => undefined);
    clock.t += 600;
    fail(new Error('late'));
    await late.catch(() => undefined);
    expect(transitions).toEqual(['CLOSED→OPEN: 1 consecutive failures, the last: Error: ServiceUnavailable']);
    // Half-open a whole openMs after the circuit opened, not after the late failure.
    clock.t += 400;
    expect(breaker.state).toBe('HALF_OPEN');
  });

  test('the fallback answers for a refused call and for a failed one', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    const fallback = (e: unknown) => `fallback after ${(e as Error).name}`;
    await expect(breaker.call(boom, fallback)).resolves.toBe('fallback after Error');
    const fn = jest.fn(ok);
    await expect(breaker.call(fn, fallback)).resolves.toBe('fallback after CircuitOpenError');
    expect(fn).not.toHaveBeenCalled();
  });

  test('every change of state is reported with its reason', async () => {
    const { breaker, clock, transitions } = setup({ failureThreshold: 2 });
    await breaker.call(boom).catch(() => undefined);
    await breaker.call(boom).catch(() => undefined);
    clock.t += 1000;
    await breaker.call(ok);
    expect(transitions).toEqual([
      'CLOSED→OPEN: 2 consecutive failures, the last: Error: ServiceUnavailable',
      'OPEN→HALF_OPEN: open for 1000 ms',
      'HALF_OPEN→CLOSED: the trial call succeeded',
    ]);
  });
});
