/**
 * Time for the region drill: virtual, so that minutes of a region switch pass in milliseconds and
 * every run sees the same order of events. A sleep is a wake-up in a queue; `run` advances to the
 * next one, then lets every promise that it resolves settle before it looks again.
 */
export class VirtualClock {
  private nowMs = 0;
  private seq = 0;
  private readonly queue: Array<{ at: number; seq: number; wake: () => void }> = [];

  public now(): number {
    return this.nowMs;
  }

  public sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.queue.push({ at: this.nowMs + Math.max(0, ms), seq: this.seq++, wake });
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
    });
  }

  /** Calls `fn` at `at` ms (virtual). */
  public at(at: number, fn: () => void): void {
    void this.sleep(at - this.nowMs).then(fn);
  }

  /** Runs until `done` settles or no wake-up is left; the time never passes `limitMs`. */
  public async run<T>(done: Promise<T>, limitMs: number): Promise<T> {
    let settled = false;
    let value: T | undefined;
    let error: unknown;
    done.then((v) => { settled = true; value = v; }, (e) => { settled = true; error = e; });
    for (;;) {
      await settle();
      if (settled) break;
      const next = this.queue.shift();
      if (!next || next.at > limitMs) throw new Error(`the drill stalled at ${this.nowMs} ms (virtual)`);
      this.nowMs = next.at;
      next.wake();
    }
    if (error !== undefined) throw error;
    return value as T;
  }
}

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
