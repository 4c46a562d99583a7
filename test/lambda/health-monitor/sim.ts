import { Clock } from '../../../lambda/health-monitor/clock';
import type { WorldTime } from './world';

/**
 * Virtual time for the chaos run, so that a seed replays the same run exactly. Every sleep, pause
 * and call of every contender is an event on one timeline; events run one at a time, in order of
 * their time and then of when they were scheduled, and a call to the local DynamoDB server runs
 * alone, its answer in hand before the next event. Between events the process drains its
 * microtasks, so what a contender does in response to an event is done before the next one. A
 * run takes as long as its calls to the server, not as long as its timeline.
 */
export class Simulation {
  private t = 0;
  private seq = 0;
  private readonly queue: Array<{ readonly at: number; readonly seq: number; readonly fire: () => unknown }> = [];

  constructor(private readonly origin = 1_800_000_000_000) {}

  /** Wall-clock milliseconds now, on the timeline. */
  public get now(): number {
    return this.origin + this.t;
  }

  /** Milliseconds since the run started. */
  public get elapsed(): number {
    return this.t;
  }

  /** Runs `fire` `ms` from now; nothing else runs until it (and what it awaits) has settled. */
  public at(ms: number, fire: () => unknown): void {
    const event = { at: this.t + Math.max(0, ms), seq: this.seq++, fire };
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1].at > event.at || (this.queue[i - 1].at === event.at && this.queue[i - 1].seq > event.seq))) i--;
    this.queue.splice(i, 0, event);
  }

  /** Resolves `ms` from now. */
  public after(ms: number): Promise<void> {
    return new Promise((resolve) => this.at(ms, resolve));
  }

  /** Runs `call` (real I/O) `ms` from now, alone, and resolves with its outcome. */
  public io<T>(ms: number, call: () => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => this.at(ms, () => call().then(resolve, reject)));
  }

  /** The time a world reads and holds its late calls on. */
  public get worldTime(): WorldTime {
    return { now: () => this.now, after: (ms, fire) => this.at(ms, fire) };
  }

  /** A contender's clock: its wall clock `offsetMs` off the timeline's, sleeps on the timeline. */
  public clock(offsetMs = 0, sleep: (ms: number) => Promise<void> = (ms) => this.after(ms)): Clock {
    return { now: () => this.now + offsetMs, elapsed: () => this.t, sleep };
  }

  /** Resolves when `predicate` holds, checking every 5 ms of the timeline; fails after `timeoutMs`. */
  public async waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
    const start = this.t;
    while (!(await predicate())) {
      if (this.t - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms of the timeline waiting for ${what}`);
      await this.after(5);
    }
  }

  /** Runs the timeline until `main` settles; fails when nothing is left to run or the timeline passes `limitMs`. */
  public async run<T>(main: Promise<T>, limitMs: number): Promise<T> {
    let settled = false;
    const outcome = main.finally(() => { settled = true; });
    outcome.catch(() => undefined);
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return outcome;
      const next = this.queue.shift();
      if (next === undefined) throw new Error(`the run stalled at ${this.t} ms: nothing is scheduled and it has not ended`);
      if (next.at > limitMs) throw new Error(`the run passed ${limitMs} ms of its timeline`);
      this.t = next.at;
      await next.fire();
    }
  }
}

/**
 * What a contender needs to run on a simulation's timeline: its clock, its DynamoDB calls made
 * one at a time on the timeline, and its requests stamped with the timeline's time. Spread into
 * `contender(...)`; give the world `sim.worldTime`.
 */
export function onTimeline(sim: Simulation) {
  return {
    clock: sim.clock(),
    around: <T>(call: () => Promise<T>) => sim.io(0, call),
    now: () => sim.now,
  };
}
