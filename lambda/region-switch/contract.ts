/**
 * What the region-switch step functions and the constructs that deploy them agree on: the
 * configuration's environment variable and shape. It imports nothing.
 */

/** The environment variable that holds a step function's configuration, as JSON. */
export const STEP_CONFIG_ENV = 'HA_KIT_REGION_SWITCH_STEP';

/**
 * Promote this region's member of a Global Datastore to primary: ARC runs the function of the
 * region it activates.
 */
export interface PromoteCacheStep {
  readonly action: 'promote-cache';
  /** The Global Datastore's id (with the prefix AWS gives it). */
  readonly globalReplicationGroupId: string;
  /** This region, whose member becomes the primary. */
  readonly region: string;
  /** This region's replication group. */
  readonly replicationGroupId: string;
  /** How long one invocation waits for the promotion before it asks ARC to retry, in ms. */
  readonly waitMs: number;
}

/** Every step the functions take. */
export type StepConfig = PromoteCacheStep;
