/**
 * The step functions of a region switch plan, for steps ARC has no execution block for. ARC
 * invokes the function of the region it activates; the configuration says what it does.
 */
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { parseStepConfig } from './config';
import { STEP_CONFIG_ENV } from './contract';
import { PromotionOutcome, promoteCache } from './promote-cache';

const step = parseStepConfig(process.env[STEP_CONFIG_ENV]);
const client = new ElastiCacheClient({ region: step.region, maxAttempts: 5 });
const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };

export async function handler(): Promise<PromotionOutcome> {
  const outcome = await promoteCache(client, step, clock);
  console.log(JSON.stringify({ step: step.action, ...outcome }));
  return outcome;
}

/** The step itself, for a caller that brings its own client and clock (the region drill). */
export { promoteCache, StillPromoting } from './promote-cache';
