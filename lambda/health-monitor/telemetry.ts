/** The logging and metrics interface, and a recorder of it for tests. */
import type { MetricName } from './contract';

/**
 * Structured logs and metrics, behind a small interface so that the monitor's logic does not
 * depend on how they are emitted (Powertools in Lambda, a recorder in tests and the drill).
 */
export interface Telemetry {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
  /**
   * Adds to a metric of the current cycle. With `dimensions`, the metric is emitted at once with
   * those dimensions only (not the monitor's), so that it can be found by them alone.
   */
  metric(name: MetricName, value: number, unit?: 'Count' | 'Milliseconds' | 'None', dimensions?: Record<string, string>): void;
  /** Emits the cycle's metrics. */
  flush(): void;
}

/** Telemetry that keeps everything, for tests and the drill. */
export class RecordingTelemetry implements Telemetry {
  public readonly logs: Array<{ level: string; message: string; data?: Record<string, unknown> }> = [];
  public readonly metrics: Array<{ name: MetricName; value: number; dimensions?: Record<string, string> }> = [];

  public info(message: string, data?: Record<string, unknown>): void { this.logs.push({ level: 'INFO', message, data }); }
  public warn(message: string, data?: Record<string, unknown>): void { this.logs.push({ level: 'WARN', message, data }); }
  public error(message: string, data?: Record<string, unknown>): void { this.logs.push({ level: 'ERROR', message, data }); }
  public metric(name: MetricName, value: number, _unit?: string, dimensions?: Record<string, string>): void {
    this.metrics.push(dimensions ? { name, value, dimensions } : { name, value });
  }
  public flush(): void {}

  public sum(name: MetricName): number {
    return this.metrics.filter((m) => m.name === name).reduce((s, m) => s + m.value, 0);
  }
}
