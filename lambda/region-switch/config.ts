/** Reads a step function's configuration, refusing one it cannot act on. */
import { StepConfig } from './contract';

export function parseStepConfig(raw: string | undefined): StepConfig {
  if (raw === undefined) throw new Error('no step configuration in the environment');
  const parsed = JSON.parse(raw) as Partial<StepConfig>;
  if (parsed.action !== 'promote-cache') throw new Error(`unknown step action ${JSON.stringify(parsed.action)}`);
  for (const field of ['globalReplicationGroupId', 'region', 'replicationGroupId'] as const) {
    if (typeof parsed[field] !== 'string' || parsed[field] === '') throw new Error(`promote-cache: ${field} missing`);
  }
  if (typeof parsed.waitMs !== 'number' || !(parsed.waitMs >= 0)) throw new Error('promote-cache: waitMs missing');
  return parsed as StepConfig;
}
