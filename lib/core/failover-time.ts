/**
 * Failover times as a breakdown of steps, each with its source and whether AWS documents it as a
 * bound or as typical; a measured figure that replaces one.
 */
import { Duration } from 'aws-cdk-lib';

/**
 * Where a failover figure comes from, and so how far a team can lean on it.
 */
export enum FigureKind {
  /** AWS documents the figure as a bound ("within", "at most"). */
  AWS_BOUND = 'AWS_BOUND',
  /**
   * AWS documents the figure as a typical value ("typically", "generally"): most failovers take
   * less, some take more. The library takes the upper end of what AWS states.
   */
  AWS_TYPICAL = 'AWS_TYPICAL',
  /** Arithmetic on settings this stack configures (intervals, thresholds, TTLs, leases). */
  CONFIGURED = 'CONFIGURED',
  /**
   * AWS documents no figure for the step: the library assumes one, says why in the source, and
   * the team should measure it.
   */
  ASSUMED = 'ASSUMED',
  /** A figure the team measured itself, for example in a game day, given with its source. */
  MEASURED = 'MEASURED',
  /**
   * A delay of the service's own clients that the team states (`ClientDelays`): resolvers caching
   * past the TTL, connections kept open, connection pools.
   */
  CLIENT_STATED = 'CLIENT_STATED',
  /** A client-side delay the team has not stated: counted as 0 s, so the figure is not a bound. */
  NOT_STATED = 'NOT_STATED',
}

/** How a kind reads beside a number. */
const KIND_LABELS: Record<FigureKind, string> = {
  [FigureKind.AWS_BOUND]: 'AWS bound',
  [FigureKind.AWS_TYPICAL]: 'AWS typical',
  [FigureKind.CONFIGURED]: 'configured',
  [FigureKind.ASSUMED]: 'assumed, no AWS figure',
  [FigureKind.MEASURED]: 'measured',
  [FigureKind.CLIENT_STATED]: 'stated for the clients',
  [FigureKind.NOT_STATED]: 'not stated: counted as 0 s',
};

/** The kinds a bound can be built from: AWS's bounds, this stack's arithmetic, the team's own statements. */
const BOUND_KINDS: ReadonlySet<FigureKind | undefined> = new Set([FigureKind.AWS_BOUND, FigureKind.CONFIGURED, FigureKind.CLIENT_STATED]);

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

  /**
   * Whether the figure is a documented bound, a documented typical value, arithmetic on this
   * stack's settings, or a team's measurement.
   * @default - not stated
   */
  readonly kind?: FigureKind;

  /**
   * Where the figure comes from: the AWS page, or where a measurement was made.
   * @default - none
   */
  readonly source?: string;
}

/**
 * A failover time a team measured for one tier (for example in a game day), with where it was
 * measured. Given to a tier, it replaces the AWS figure in that tier's breakdown and in every
 * budget built on it.
 */
export class MeasuredFailoverTime {
  /**
   * A measured failover time and where it was measured.
   * @param duration the worst failover observed (or the percentile the team stakes its SLA on)
   * @param source where and how it was measured, e.g. "game day 2026-11-04, 20 forced failovers, p100"
   */
  public static of(duration: Duration, source: string): MeasuredFailoverTime {
    return new MeasuredFailoverTime(duration, source);
  }

  /** The measured time. */
  public readonly duration: Duration;
  /** Where and how it was measured. */
  public readonly source: string;

  private constructor(duration: Duration, source: string) {
    this.duration = duration;
    this.source = source;
  }

  /** The step this measurement stands for, named like the figure it replaces. */
  public asStep(stepName: string, replaces: FailoverStep): FailoverStep {
    return {
      name: stepName,
      duration: this.duration,
      kind: FigureKind.MEASURED,
      source: this.source,
      explanation: `measured; replaces ${seconds(replaces.duration)} s (${KIND_LABELS[replaces.kind ?? FigureKind.CONFIGURED]}${replaces.source ? `, ${replaces.source}` : ''})`,
    };
  }
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

  /**
   * Whether the total is a bound: every step is an AWS bound, arithmetic on this stack's settings
   * or a client delay the team stated. A typical, measured or unstated step makes it a typical
   * figure.
   */
  public get isBound(): boolean {
    return this.steps.every((s) => BOUND_KINDS.has(s.kind));
  }

  /** The steps that keep the total from being a bound, by name. */
  public get unboundSteps(): string[] {
    return this.steps.filter((s) => !BOUND_KINDS.has(s.kind)).map((s) => s.name);
  }

  /**
   * One line per step and the total, e.g. for error messages and docs. A step that states its kind
   * ends with it and its source in brackets: `[AWS typical: Amazon RDS User Guide, ...]`.
   */
  public render(indent: string = ''): string {
    const lines = this.steps.map((s) => `${indent}${s.name}: ${seconds(s.duration)} s (${s.explanation})${provenance(s)}`);
    return [...lines, `${indent}total: ${seconds(this.total)} s`].join('\n');
  }
}

function provenance(step: FailoverStep): string {
  if (step.kind === undefined) return '';
  return ` [${KIND_LABELS[step.kind]}${step.source ? `: ${step.source}` : ''}]`;
}

function seconds(d: Duration): string {
  return `${d.toSeconds({ integral: false })}`;
}
