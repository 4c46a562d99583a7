/**
 * What the monitor depends on, as interfaces: the AWS effects it makes and the reads that settle
 * them, discovery, switches, membership and the ledger. `wiring.ts` binds them to AWS; tests bind
 * them to doubles under `test/`.
 */
import type { RecordSet } from './contract';
import type { LedgerEntry } from './ledger';
import type { StoredTarget } from './state-store';
import type { Status } from './tracker';

/** An ELB target. */
export interface ElbTarget {
  readonly id: string;
  readonly port: number;
}

/** One endpoint the monitor probes. */
export interface MonitoredTarget {
  readonly id: string;
  readonly group: string;
  readonly host: string;
  readonly port: number;
  /** For targets of an ELB target group: the group and the target as ELB knows it. */
  readonly targetGroupArn?: string;
  readonly elbTarget?: ElbTarget;
}

/**
 * A target group's members as ELB lists them (DescribeTargetHealth), with ELB's own verdict:
 * `initial`, `healthy`, `unhealthy`, `unused`, `draining`, `unavailable`, ...
 */
export type ElbView = ReadonlyMap<string, string>;

/** What discovery found: the targets to probe, and each target group's view as ELB has it. */
export interface Discovered {
  readonly targets: MonitoredTarget[];
  /** Target group name → `host:port` → ELB's state. Groups whose listing failed are missing. */
  readonly elb: ReadonlyMap<string, ElbView>;
  /** Groups whose listing failed this time. */
  readonly failed: readonly string[];
}

export interface Discovery {
  /** The targets to probe now; `stored` keeps targets the monitor deregistered (ELB no longer lists them). */
  discover(stored: ReadonlyMap<string, StoredTarget>): Promise<Discovered>;
}

/** The failover name as Route 53 holds it: the PRIMARY record and the fencing token beside it. */
export interface NameState {
  readonly record?: RecordSet;
  /** The token record's value, e.g. `e7.3` (epoch 7, its third change); undefined when there is none. */
  readonly token?: string;
}

/** One endpoint of an accelerator's endpoint group, as UpdateEndpointGroup takes it. */
export interface AcceleratorEndpoint {
  readonly EndpointId: string;
  readonly Weight?: number;
  readonly ClientIPPreservationEnabled?: boolean;
}

/**
 * The calls the leader makes to the world. Each goes through its API's circuit breaker; in dry
 * run, changes are logged instead of made. A call that throws may still have been applied.
 */
export interface Actions {
  deregister(targetGroupArn: string, target: ElbTarget, dryRun: boolean): Promise<void>;
  register(targetGroupArn: string, target: ElbTarget, dryRun: boolean): Promise<void>;
  /** Reads the PRIMARY record of a failover pair and the fencing token record beside it. */
  readName(hostedZoneId: string, record: RecordSet, tokenName: string): Promise<NameState>;
  /**
   * One atomic change batch: replaces the token `from` (exactly; creates it when undefined) with
   * `to`, and UPSERTs `record` when given. Route 53 refuses the whole batch when the token is not
   * `from`, so a batch prepared on an older view, or by a deposed leader, changes nothing.
   */
  changeName(hostedZoneId: string, tokenName: string, from: string | undefined, to: string, record: RecordSet | undefined, comment: string, dryRun: boolean): Promise<void>;
  /** The endpoints of an accelerator's endpoint group (DescribeEndpointGroup). */
  readEndpoints(endpointGroupArn: string): Promise<AcceleratorEndpoint[]>;
  /**
   * Replaces the endpoints of an endpoint group (UpdateEndpointGroup with its endpoint
   * configurations only; the dial, port overrides and health-check settings stay as they are).
   * Global Accelerator has no conditional write: nothing refuses a call prepared on an older view.
   */
  setEndpoints(endpointGroupArn: string, endpoints: readonly AcceleratorEndpoint[], dryRun: boolean): Promise<void>;
  /**
   * Publishes an alert. `dedupId` is passed as the message deduplication id to FIFO topics (which
   * then deliver a retried alert once); standard topics do not deduplicate.
   */
  alert(topicArn: string, subject: string, message: string, dedupId: string, dryRun: boolean): Promise<void>;
}

/** Operator switches, read every cycle. */
export interface Switches {
  /** Probe and track, but take no action. */
  readonly paused: boolean;
  /** Take actions in the ledger, but only log the AWS calls. */
  readonly dryRun: boolean;
}

export interface SwitchSource {
  read(): Promise<Switches>;
}

/** Something that watches the world for the length of an invocation (the feature flags). */
export interface Watcher {
  watch(deadline: number, stopped: () => boolean): Promise<void>;
}

/** Cluster membership kept in step with the monitor's verdicts (Cloud Map). */
export interface Membership {
  sync(targets: readonly MonitoredTarget[], statusOf: (t: MonitoredTarget) => Status, context: { dryRun: boolean; mayAct: () => boolean }): Promise<void>;
}

/** Where the outcome of each action is kept. */
export interface LedgerSink {
  record(entry: LedgerEntry): Promise<void>;
}

/**
 * Whether a call failed in a way that says nothing was done, so that it cannot land later: an
 * answer with a 4xx error (a refusal, throttling) or 503 ServiceUnavailable ("a temporary failure
 * of the server", in every service's common errors, e.g.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/CommonErrors.html); a
 * connection refused (the request never left); or a circuit breaker that refused it here. A
 * timeout, a broken connection and the other 5xx errors (500 InternalFailure is "an unknown
 * error, exception or failure") leave the outcome unknown.
 */
export function refusedByService(e: unknown): boolean {
  const error = e as { $metadata?: { httpStatusCode?: number }; code?: string; name?: string } | undefined;
  const status = error?.$metadata?.httpStatusCode;
  if (status !== undefined) return (status >= 400 && status < 500) || status === 503;
  return error?.code === 'ECONNREFUSED' || error?.name === 'CircuitOpenError';
}
