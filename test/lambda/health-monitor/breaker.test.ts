import { CircuitBreaker } from '../../../lambda/health-monitor/breaker';
import { Clock } from '../../../lambda/health-monitor/clock';
import { CircuitOpenError } from '../../../lambda/health-monitor/errors';

class ManualClock implements Clock {
  public t = 1_800_000_000_000;
  public now(): number { return this.t; }
  public async sleep(ms: number): Promise<void> { this.t += ms; }
}

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('ServiceUnavailable'));

function setup() {
  const clock = new ManualClock();
  return { clock, breaker: new CircuitBreaker('route53', { failureThreshold: 3, openMs: 1000 }, clock) };
}

describe('CircuitBreaker', () => {
  test('stays closed below the failure threshold, and a success resets the count', async () => {
    const { breaker } = setup();
    for (const call of [boom, boom, ok, boom, boom]) await breaker.call(call).catch(() => undefined);
    expect(breaker.state).toBe('CLOSED');
  });

  test('opens after the threshold of consecutive failures and refuses calls without making them', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) await expect(breaker.call(boom)).rejects.toThrow('ServiceUnavailable');
    expect(breaker.state).toBe('OPEN');
    const fn = jest.fn(ok);
    const refusal = await breaker.call(fn).catch((e) => e);
    expect(refusal).toBeInstanceOf(CircuitOpenError);
    expect(refusal.message).toBe(`circuit for route53 open until ${new Date(clock.t + 1000).toISOString()}`);
    expect(fn).not.toHaveBeenCalled();
  });

  test('half-open after openMs: one trial; its success closes the circuit', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) await breaker.call(boom).catch(() => undefined);
    clock.t += 1000;
    expect(breaker.state).toBe('HALF_OPEN');
    let release!: (v: string) => void;
    const trial = breaker.call(() => new Promise<string>((r) => { release = r; }));
    await expect(breaker.call(ok)).rejects.toBeInstanceOf(CircuitOpenError); // one trial at a time
    release('done');
    await expect(trial).resolves.toBe('done');
    expect(breaker.state).toBe('CLOSED');
    await expect(breaker.call(ok)).resolves.toBe('ok');
  });

  test('a failed trial opens the circuit again for openMs', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) await breaker.call(boom).catch(() => undefined);
    clock.t += 1000;
    await breaker.call(boom).catch(() => undefined);
    expect(breaker.state).toBe('OPEN');
    clock.t += 999;
    expect(breaker.state).toBe('OPEN');
    clock.t += 1;
    expect(breaker.state).toBe('HALF_OPEN');
  });
});
