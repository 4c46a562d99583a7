/** A host and port to connect to: what the data tiers hand out for their writer and readers. */

/**
 * A host and port to connect to.
 */
export interface ConnectionEndpoint {
  /** DNS name. */
  readonly hostname: string;
  /** TCP port. */
  readonly port: number;
}
