/**
 * Reading the configuration the construct wrote: its shape is checked against the contract,
 * field by field, before its values are; a configuration from another version of the construct
 * is refused with every problem named instead of failing somewhere in a cycle.
 */
import {
  ActionSettings, BreakerOptions, CONFIG_ENV, DnsAction, FlagSource, LeaseTiming, MonitorConfig, MonitoredGroup, MonitoredHost, ProbeRequest,
  ProbeTiming, RecordSet, RegistryService, RETRY_JITTER, VipAction, leaseTimingHolds, landingMarginMs,
} from './contract';
import { MonitorError } from './errors';

/** The configuration is missing, malformed or unusable. */
export class ConfigError extends MonitorError {
  public override readonly name = 'ConfigError';
}

/** Adds what is wrong with `value` at `path` to `problems`. */
type Check = (value: unknown, path: string, problems: string[]) => void;

const notA = (what: string, value: unknown, path: string, problems: string[]): void => {
  problems.push(`${path}: expected ${what}, got ${JSON.stringify(value) ?? 'nothing'}`);
};

const kind = (name: string, ok: (v: unknown) => boolean): Check => (value, path, problems) => {
  if (!ok(value)) notA(name, value, path, problems);
};
const text = kind('a string', (v) => typeof v === 'string');
const count = kind('a number', (v) => typeof v === 'number' && Number.isFinite(v));
const flag = kind('a boolean', (v) => typeof v === 'boolean');
const oneOf = (...values: string[]) => kind(values.join(' or '), (v) => values.includes(v as string));

const optional = (check: Check): Check => (value, path, problems) => {
  if (value !== undefined) check(value, path, problems);
};

const list = (check: Check): Check => (value, path, problems) => {
  if (Array.isArray(value)) value.forEach((item, i) => check(item, `${path}[${i}]`, problems));
  else notA('a list', value, path, problems);
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const textMap: Check = (value, path, problems) => {
  if (!isObject(value)) return notA('an object', value, path, problems);
  for (const [key, v] of Object.entries(value)) text(v, `${path}.${key}`, problems);
};

/** An object with exactly the fields of `T`: the mapped type makes the compiler demand a check for each. */
function shape<T>(fields: { readonly [K in keyof T]-?: Check }): Check {
  return (value, path, problems) => {
    if (!isObject(value)) return notA('an object', value, path, problems);
    for (const [key, check] of Object.entries<Check>(fields)) check(value[key], `${path}.${key}`, problems);
    for (const key of Object.keys(value)) if (!(key in fields)) problems.push(`${path}.${key}: not a field of the configuration`);
  };
}

const PROBE_REQUEST = {
  protocol: oneOf('TCP', 'HTTP', 'HTTPS'),
  path: optional(text),
  successCodes: optional(text),
  bodySubstring: optional(text),
  bodyRegex: optional(text),
  maxBodyBytes: optional(count),
  port: optional(count),
} satisfies { readonly [K in keyof ProbeRequest]-?: Check };

const RECORD_SET = shape<RecordSet>({
  Name: text,
  Type: oneOf('A', 'AAAA', 'CNAME'),
  SetIdentifier: optional(text),
  Failover: optional(oneOf('PRIMARY', 'SECONDARY')),
  HealthCheckId: optional(text),
  AliasTarget: optional(shape<NonNullable<RecordSet['AliasTarget']>>({ HostedZoneId: text, DNSName: text, EvaluateTargetHealth: flag })),
  TTL: optional(count),
  ResourceRecords: optional(list(shape<{ Value: string }>({ Value: text }))),
});

const CONFIG = shape<MonitorConfig>({
  monitorId: text,
  tableName: text,
  probe: shape<ProbeRequest & ProbeTiming>({
    ...PROBE_REQUEST,
    intervalMs: count, timeoutMs: count, healthyThreshold: count, unhealthyThreshold: count, downIntervalMs: count, concurrency: count, jitterMs: count,
  }),
  lease: shape<LeaseTiming>({ durationMs: count, renewDeadlineMs: count, retryPeriodMs: count }),
  callTimeoutMs: count,
  invocationMs: count,
  functionTimeoutMs: count,
  ledgerRetentionMs: count,
  discoveryIntervalMs: count,
  targetGroups: list(shape<MonitoredGroup>({ name: text, arn: text, probe: optional(shape<ProbeRequest>(PROBE_REQUEST)) })),
  endpoints: list(shape<MonitoredHost>({ name: text, group: text, host: text, port: count, probe: optional(shape<ProbeRequest>(PROBE_REQUEST)) })),
  dns: optional(shape<DnsAction>({ hostedZoneId: text, triggerGroups: list(text), primaryRecord: RECORD_SET, failoverRecord: RECORD_SET })),
  vip: optional(shape<VipAction>({ endpointGroupArn: text, endpointId: text, weight: count, clientIpPreservation: optional(flag), triggerGroups: list(text) })),
  actions: shape<ActionSettings>({
    deregister: flag, dnsFailover: flag, vipFailover: flag, alertTopicArn: optional(text), maxActions: count, maxFailovers: count, windowMs: count,
    maxEjectPercent: count, removedRetentionMs: count, dryRun: flag,
  }),
  breaker: shape<BreakerOptions>({ failureThreshold: count, failureRatePercent: count, windowSize: count, openMs: count, halfOpenTrials: count }),
  flags: optional(shape<FlagSource>({
    applicationId: text, environmentId: text, profileId: text, pollIntervalSeconds: count, pausedFlag: text, dryRunFlag: text,
  })),
  registry: optional(list(shape<RegistryService>({ serviceId: text, name: text, groups: list(text), attributes: textMap }))),
});

/** Problems with a well-formed configuration's values; empty when it is usable. */
export function configProblems(c: MonitorConfig): string[] {
  const problems: string[] = [];
  const { durationMs, renewDeadlineMs, retryPeriodMs } = c.lease;
  if (!leaseTimingHolds(c.lease)) {
    problems.push(`lease: duration ${durationMs} > renewDeadline ${renewDeadlineMs} > retryPeriod ${retryPeriodMs} × ${1 + RETRY_JITTER} does not hold`);
  }
  if (landingMarginMs(c) <= 0) problems.push(`callTimeout ${c.callTimeoutMs} ms does not end before the lease can pass on (duration − renewDeadline − callTimeout ≤ 0)`);
  if (c.actions.maxEjectPercent > 100) problems.push(`maxEjectPercent ${c.actions.maxEjectPercent} is over 100`);
  if (c.probe.timeoutMs >= c.probe.intervalMs) problems.push(`probe timeout ${c.probe.timeoutMs} ms is not below the interval ${c.probe.intervalMs} ms`);
  if (c.targetGroups.length + c.endpoints.length === 0) problems.push('no targets: no target groups and no endpoints');
  // A deployed weight of 0 would make failover and restore the same state.
  if (c.vip && !(Number.isInteger(c.vip.weight) && c.vip.weight >= 1 && c.vip.weight <= 255)) problems.push(`vip.weight ${c.vip.weight} is not 1 to 255`);
  return problems;
}

/** The configuration in `json` (the value of {@link CONFIG_ENV}), checked in shape and in values. */
export function parseConfig(json: string | undefined): MonitorConfig {
  if (!json) throw new ConfigError(`${CONFIG_ENV} is not set`);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    throw new ConfigError(`${CONFIG_ENV} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const problems: string[] = [];
  CONFIG(value, 'config', problems);
  if (problems.length === 0) problems.push(...configProblems(value as MonitorConfig));
  if (problems.length > 0) throw new ConfigError(`invalid ${CONFIG_ENV}: ${problems.join('; ')}`);
  return value as MonitorConfig;
}
