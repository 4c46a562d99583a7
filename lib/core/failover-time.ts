import { Duration } from 'aws-cdk-lib';

/**
 * One step between a failure and clients being served by the standby.
 */
export interface FailoverStep {
  /** Short name: `detection`, `propagation`, `ttl`... */
  readonly name: string;

  /** Worst-case time the step takes. */
  readonly duration: Duration;

  /** How the figure was reached, with the arithmetic. */
  readonly explanation: string;
}

/**
 * A worst-case failover time as the sum of its steps, so that users see where the time goes and
 * which knob moves it.
 */
export class FailoverTimeBreakdown {
  /** The steps, in the order they happen. */
  public readonly steps: FailoverStep[];

  constructor(steps: FailoverStep[]) {
    this.steps = steps;
  }

  /** Sum of the steps. */
  public get total(): Duration {
    return Duration.seconds(this.steps.reduce((sum, s) => sum + s.duration.toSeconds({ integral: false }), 0));
  }

  /** One line per step and the total, e.g. for error messages and docs. */
  public render(indent: string = ''): string {
    const lines = this.steps.map((s) => `${indent}${s.name}: ${seconds(s.duration)} (${s.explanation})`);
    return [...lines, `${indent}total: ${seconds(this.total)}`].join('\n');
  }
}

function seconds(d: Duration): string {
  return `${d.toSeconds({ integral: false })} s`;
}
