import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import type { BreakerOptions } from './breaker';

/**
 * Everything the monitor needs, serialized by the LeaderHealthMonitor construct into the
 * function's `MONITOR_CONFIG` environment variable.
 */
/** What a probe asks of a target. */
export interface ProbeRequest {
  readonly protocol: 'TCP' | 'HTTP' | 'HTTPS';
  readonly path?: string;
  readonly successCodes?: string;
  readonly bodySubstring?: string;
  readonly bodyRegex?: string;
  readonly maxBodyBytes?: number;
  /** Probe this port instead of the target's own. */
  readonly port?: number;
}

export interface MonitorConfig {
  readonly monitorId: string;
  readonly tableName: string;
  /** How every target is probed (a group's `probe` replaces the request, not the timing). */
  readonly probe: ProbeRequest & {
    readonly intervalMs: number;
    readonly timeoutMs: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
    /** Probe period of a DOWN target (the dead interval). */
    readonly downIntervalMs: number;
    readonly concurrency: number;
    readonly jitterMs: number;
  };
  readonly lease: {
    readonly durationMs: number;
    /** A leader that has not renewed for this long stops acting. */
    readonly renewDeadlineMs: number;
    /** How often the leader renews and contenders try to acquire. */
    readonly retryPeriodMs: number;
  };
  /** Timeout of every AWS call: below the lease's safety margin. */
  readonly callTimeoutMs: number;
  /** How long one invocation contends before releasing. */
  readonly invocationMs: number;
  /** The function's timeout: no contender lives longer, so no claim is acted on after it. */
  readonly functionTimeoutMs: number;
  /** How long the ledger keeps the outcome of each action. */
  readonly ledgerRetentionMs: number;
  /** How often target groups are listed again. */
  readonly discoveryIntervalMs: number;
  readonly targetGroups: ReadonlyArray<{ readonly name: string; readonly arn: string; readonly probe?: ProbeRequest }>;
  readonly endpoints: ReadonlyArray<{ readonly name: string; readonly group: string; readonly host: string; readonly port: number; readonly probe?: ProbeRequest }>;
  readonly dns?: {
    readonly hostedZoneId: string;
    /** The record is failed over when every target of these groups is DOWN. */
    readonly triggerGroups: readonly string[];
    /** The PRIMARY record as deployed. */
    readonly primaryRecord: ResourceRecordSet;
    /** The PRIMARY record pointing at the secondary's target. */
    readonly failoverRecord: ResourceRecordSet;
  };
  readonly actions: {
    readonly deregister: boolean;
    readonly dnsFailover: boolean;
    readonly alertTopicArn?: string;
    /** Cap on ELB and DNS actions per window. */
    readonly maxActions: number;
    readonly windowMs: number;
    readonly dryRun: boolean;
  };
  /** The circuit breaker around each AWS API. */
  readonly breaker: BreakerOptions;
  /** AppConfig feature flags the operator switches are read from, besides the table. */
  readonly flags?: FlagSource;
  /** Cloud Map services whose instances the monitor registers and keeps in step with its verdicts. */
  readonly registry?: readonly RegistryService[];
}

/** An AppConfig feature-flags profile, deployed to an environment. */
export interface FlagSource {
  readonly applicationId: string;
  readonly environmentId: string;
  readonly profileId: string;
  /** The session's minimum poll interval (AppConfig allows 15 s and more). */
  readonly pollIntervalSeconds: number;
  /** The flag that pauses the monitor, and the one that puts it in dry-run. */
  readonly pausedFlag: string;
  readonly dryRunFlag: string;
}

/** The instance attribute that marks the instances a monitor registered (it deregisters no others). */
export const REGISTERED_BY = 'HA_KIT_REGISTERED_BY';

/** A Cloud Map service with custom health checks, whose instances are targets of the monitor. */
export interface RegistryService {
  readonly serviceId: string;
  /** `namespace/service`: the dimension of its metrics. */
  readonly name: string;
  /** The monitor's groups (target groups or endpoint groups) whose targets are its instances. */
  readonly groups: readonly string[];
  /** Attributes every instance is registered with, besides its address and port. */
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * Clock skew between contenders that the lease tolerates: a leader acts only until
 * `renewDeadline` after its last renewal, and its calls end `callTimeout` later; the lease lasts
 * `duration`. A contender whose clock runs ahead by less than the rest takes over only after the
 * old leader's last call ended. Beyond it, actions are still fenced by the epoch in DynamoDB;
 * what skew could then cost is a late call of a leader that already lost the lease.
 */
export function skewToleranceMs(config: Pick<MonitorConfig, 'lease' | 'callTimeoutMs'>): number {
  return config.lease.durationMs - config.lease.renewDeadlineMs - config.callTimeoutMs;
}

/** Time kept at the end of an invocation to finish the current cycle and release the lease. */
export function endReserveMs(config: Pick<MonitorConfig, 'probe' | 'callTimeoutMs'>): number {
  return config.probe.timeoutMs + 3 * config.callTimeoutMs + 1000;
}

/** When an invocation that started at `now`, with `remainingMs` before its timeout, stops contending. */
export function invocationDeadline(config: Pick<MonitorConfig, 'probe' | 'callTimeoutMs' | 'invocationMs'>, now: number, remainingMs: number): number {
  return now + Math.max(0, Math.min(config.invocationMs, remainingMs - endReserveMs(config)));
}

/** Problems with a configuration; empty when it is usable. */
export function configProblems(c: MonitorConfig): string[] {
  const problems: string[] = [];
  const { durationMs, renewDeadlineMs, retryPeriodMs } = c.lease;
  if (!(durationMs > renewDeadlineMs && renewDeadlineMs > retryPeriodMs * 1.2)) {
    problems.push(`lease: duration ${durationMs} > renewDeadline ${renewDeadlineMs} > retryPeriod ${retryPeriodMs} × 1.2 does not hold`);
  }
  if (skewToleranceMs(c) <= 0) problems.push(`callTimeout ${c.callTimeoutMs} ms leaves no clock-skew tolerance (duration − renewDeadline − callTimeout ≤ 0)`);
  if (c.probe.timeoutMs >= c.probe.intervalMs) problems.push(`probe timeout ${c.probe.timeoutMs} ms is not below the interval ${c.probe.intervalMs} ms`);
  if (c.targetGroups.length + c.endpoints.length === 0) problems.push('no targets: no target groups and no endpoints');
  return problems;
}

export function parseConfig(json: string | undefined): MonitorConfig {
  if (!json) throw new Error('MONITOR_CONFIG is not set');
  const config = JSON.parse(json) as MonitorConfig;
  const problems = configProblems(config);
  if (problems.length > 0) throw new Error(`invalid MONITOR_CONFIG: ${problems.join('; ')}`);
  return config;
}
