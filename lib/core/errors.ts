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
 * Thrown at synth when props cannot deploy. The message names the construct path and, for every
 * rejected value, the prop, the value and what is allowed, one per line.
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

  constructor(constructPath: string, issues: ValidationIssue[]) {
    super(HaValidationError.render(constructPath, issues));
    this.name = 'HaValidationError';
    this.constructPath = constructPath;
    this.issues = issues;
  }

  private static render(constructPath: string, issues: ValidationIssue[]): string {
    const lines = issues.map((i) => `  ${i.prop}: got ${i.value}; allowed: ${i.allowed}`);
    return [`Invalid props for ${constructPath}:`, ...lines].join('\n');
  }
}
