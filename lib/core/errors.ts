/** The error bad props raise at synth: every rejected value, with its prop and what is allowed. */

/**
 * One rejected value: which prop, what was given, and what would have been accepted.
 */
export interface ValidationIssue {
  /**
   * Path of the prop inside the construct's props, for example `targetGroups[0].healthCheck.interval`.
   */
  readonly prop: string;

  /**
   * The value given, rendered for humans (durations in seconds, strings quoted).
   */
  readonly value: string;

  /**
   * What AWS (or this library) accepts instead.
   */
  readonly allowed: string;
}

/**
 * Thrown at synth when props cannot deploy, or when a method is called with arguments the
 * construct cannot honour. The message names the construct path and, for every rejected value,
 * the prop (or argument), the value and what is allowed, one per line.
 */
export class HaValidationError extends Error {
  /**
   * Path of the construct whose props were rejected.
   */
  public readonly constructPath: string;

  /**
   * Every rejected value, in the order found.
   */
  public readonly issues: ValidationIssue[];

  /** @param what what was rejected: the construct's `props`, a method's `arguments`, its `setup` */
  constructor(constructPath: string, issues: ValidationIssue[], what = 'props') {
    super(HaValidationError.render(constructPath, issues, what));
    this.name = 'HaValidationError';
    this.constructPath = constructPath;
    this.issues = issues;
  }

  private static render(constructPath: string, issues: ValidationIssue[], what: string): string {
    const lines = issues.map((i) => `  ${i.prop}: got ${i.value}; allowed: ${i.allowed}`);
    return [`Invalid ${what} for ${constructPath}:`, ...lines].join('\n');
  }
}
