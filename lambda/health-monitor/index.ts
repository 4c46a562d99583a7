/**
 * A contender. One invocation contends for the lease until its deadline, leads while it holds
 * the lease, and releases it before returning, so that an overlapping invocation takes over at
 * once. Clients, circuit breakers and the feature-flag session are built once per execution
 * environment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { systemClock } from './clock';
import { parseConfig } from './config';
import { CONFIG_ENV, MONITOR_DIMENSION, invocationDeadline } from './contract';
import { PowertoolsTelemetry, createBreakers, createClients, createMonitor, createWatchers } from './wiring';

const config = parseConfig(process.env[CONFIG_ENV]);
const logger = new Logger();
const metrics = new Metrics({ defaultDimensions: { [MONITOR_DIMENSION]: config.monitorId } });
const telemetry = new PowertoolsTelemetry(logger, metrics);
const clients = createClients(config);
const breakers = createBreakers(config, systemClock, telemetry);
const watchers = createWatchers(config, clients, breakers, telemetry, systemClock);

/** The schedule passes `{ "contender": "<n>" }`. */
export interface ContenderEvent {
  readonly contender?: string;
}

export async function handler(event: ContenderEvent | undefined, context: Context): Promise<void> {
  const me = `${event?.contender ?? 'contender'}/${context.awsRequestId}`;
  logger.appendKeys({ contender: me });
  const deadline = invocationDeadline(config, systemClock.now(), context.getRemainingTimeInMillis());
  try {
    await createMonitor(config, me, clients, breakers, watchers, telemetry, systemClock).runInvocation(deadline);
  } finally {
    telemetry.flush();
    logger.resetKeys();
  }
}
