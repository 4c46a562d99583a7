import { RecordSet } from '../../../lambda/health-monitor/contract';
import type { AcceleratorEndpoint, Actions, Discovered, Discovery, ElbTarget, MonitoredTarget } from '../../../lambda/health-monitor/ports';
import { ProbeResult, ProbeSpec } from '../../../lambda/health-monitor/probes';
import { StoredTarget } from '../../../lambda/health-monitor/state-store';

/**
 * The world a monitor acts on, for tests, the safety test and the benchmark: targets whose health
 * the test sets; ELB target groups, a Route 53 name with its fencing token, accelerator endpoint
 * groups and an SNS topic that behave as those services do; and faults injected into the calls, as the README's fault model
 * states them. Every effect that landed is recorded: by whom, with which epoch, when it was sent
 * and when it landed.
 */

export const TG_ARN = (group: string) => `arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/${group}/0123456789abcdef`;

/** An endpoint group's endpoints as `<id>=<weight>,…`. */
const weights = (endpoints: readonly AcceleratorEndpoint[]) => endpoints.map((e) => `${e.EndpointId}=${e.Weight}`).join(',');

export function ipTargets(group: string, count: number, firstOctet = 10): MonitoredTarget[] {
  return Array.from({ length: count }, (_, i) => {
    const host = `10.0.${firstOctet}.${i + 1}`;
    return { id: `${group}/${host}:8080`, group, host, port: 8080, targetGroupArn: TG_ARN(group), elbTarget: { id: host, port: 8080 } };
  });
}

const bare = (name: string) => name.replace(/\.$/, '');

export type EffectKind = 'deregister' | 'register' | 'upsert' | 'fence' | 'weight' | 'alert';

export interface ActionRecord {
  readonly kind: EffectKind;
  /** The target (`host:port`), the record's value, the endpoints' weights (`<id>=<weight>,…`), or the alert's subject. */
  readonly what: string;
  /** What the effect acts on: `elb:<group arn>/<host:port>`, `dns:<name>`, `ga:<endpoint group arn>`, `sns`. */
  readonly resource: string;
  readonly by: string;
  /** The epoch the contender believed it led with when it sent the call. */
  readonly epoch?: number;
  /** An alert's message. */
  readonly message?: string;
  readonly dryRun: boolean;
  /** Real time the call was sent. */
  readonly at: number;
  /** Real time the effect landed. */
  readonly landedAt: number;
  /** Whether it changed the resource (a deregistration of a target already out does not). */
  readonly changed: boolean;
}

/**
 * A fault of one call: its response lost, or its request held back and applied later, or refused
 * (throttled, 400), or refused as unavailable (503 ServiceUnavailable).
 */
export type Fault = 'lost' | 'late' | 'refused' | 'unavailable';

export interface FaultPlan {
  /** Chooses a fault for a call of `kind` (undefined: none). */
  pick(kind: EffectKind | 'read' | 'dynamodb'): Fault | undefined;
  /** How long a late call is held back, in ms. */
  lateMs(kind: EffectKind | 'dynamodb'): number;
}

/** An error as the SDK throws when the service answered with `status`. */
export function serviceError(message: string, status: number): Error {
  return Object.assign(new Error(message), { $metadata: { httpStatusCode: status } });
}

/** An error as the SDK throws when no answer came in time. */
export function timeoutError(): Error {
  return Object.assign(new Error('TimeoutError: request timed out'), { name: 'TimeoutError', $metadata: {} });
}

/** Where the world reads the time and holds late calls: real time, or a simulation's timeline. */
export interface WorldTime {
  now(): number;
  after(ms: number, fire: () => void): void;
}

const REAL_TIME: WorldTime = { now: () => Date.now(), after: (ms, fire) => void setTimeout(fire, ms) };

export class World {
  /** Every effect that landed, in the order it landed. */
  public readonly actions: ActionRecord[] = [];
  public faultsInjected = 0;
  /** Faults injected into effects, per `<kind> <fault>` (e.g. `alert lost`). */
  public readonly faultCounts = new Map<string, number>();
  /** Calls still held back (late), to wait for at the end of a run. */
  public readonly inFlight = new Set<Promise<void>>();
  private readonly down = new Set<string>();
  private readonly failures = new Map<string, number>();
  /** Target group ARN → the `host:port` of its registered targets. */
  private readonly members = new Map<string, Set<string>>();
  private readonly enrolled = new Set<string>();
  /** ELB's health view overridden per `host:port` (e.g. `healthy` while the monitor sees it fail). */
  public readonly elbOpinion = new Map<string, string>();
  /** Groups whose DescribeTargetHealth fails. */
  public readonly describeFails = new Set<string>();
  /** The failover name's answer and its fencing token, by record name. */
  public readonly names = new Map<string, { value: string; token?: string }>();
  /** Accelerator endpoint groups by ARN: their endpoints as Global Accelerator holds them. */
  public readonly endpointGroups = new Map<string, AcceleratorEndpoint[]>();
  public faults?: FaultPlan;
  /**
   * A target whose deregistration's answer is lost comes back at that moment (it flaps): the
   * worst case for a monitor that took the timeout for a failure.
   */
  public flapOnLostDeregistration = false;
  /** Route 53 batches refused because their DELETE named a token that had moved on (a deposed or late batch). */
  public staleBatchesRefused = 0;

  constructor(private readonly time: WorldTime = REAL_TIME) {}

  public setHealthy(target: MonitoredTarget, healthy: boolean): void {
    if (healthy) this.down.delete(`${target.host}:${target.port}`);
    else this.down.add(`${target.host}:${target.port}`);
  }

  public isHealthy(host: string, port: number): boolean {
    return !this.down.has(`${host}:${port}`);
  }

  /** Registers `targets` in their groups (once: a target group keeps its members). */
  public enroll(targets: readonly MonitoredTarget[]): void {
    const fresh = targets.filter((t) => t.targetGroupArn !== undefined && !this.enrolled.has(t.targetGroupArn));
    for (const t of fresh) this.group(t.targetGroupArn!).add(`${t.host}:${t.port}`);
    for (const t of fresh) this.enrolled.add(t.targetGroupArn!);
  }

  /** Whether ELB has the target registered. */
  public inGroup(target: MonitoredTarget): boolean {
    return this.group(target.targetGroupArn!).has(`${target.host}:${target.port}`);
  }

  /** Takes a target out of its group as another party would (ECS replacing a task). */
  public replace(target: MonitoredTarget): void {
    this.group(target.targetGroupArn!).delete(`${target.host}:${target.port}`);
  }

  /** The next `count` calls of `kind` are refused. */
  public failNext(kind: EffectKind, count = 1): void {
    this.failures.set(kind, count);
  }

  public probe = async (spec: ProbeSpec): Promise<ProbeResult> => {
    const ok = this.isHealthy(spec.host, spec.port);
    return { ok, latencyMs: 1, detail: ok ? 'status 200' : 'ECONNREFUSED' };
  };

  /** Faults of `kind` injected so far, of the given faults (every fault when none is given). */
  public faultsOf(kind: EffectKind, ...faults: Fault[]): number {
    return [...this.faultCounts].filter(([key]) => key.startsWith(`${kind} `) && (faults.length === 0 || faults.includes(key.slice(kind.length + 1) as Fault)))
      .reduce((n, [, count]) => n + count, 0);
  }

  public of(kind: EffectKind): ActionRecord[] {
    return this.actions.filter((a) => a.kind === kind);
  }

  /** Effects as `kind what`, in the order they landed (fences left out). */
  public get log(): string[] {
    return this.actions.filter((a) => a.kind !== 'fence').map((a) => `${a.kind} ${a.what}`);
  }

  /** Waits for every call held back to land. */
  public async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Discovery as ELB would answer it: each group's registered targets with ELB's view of their health. */
  public discoveryFor(universe: readonly MonitoredTarget[]): Discovery {
    return {
      discover: async (stored: ReadonlyMap<string, StoredTarget>): Promise<Discovered> => {
        const targets: MonitoredTarget[] = [];
        const elb = new Map<string, Map<string, string>>();
        const failed: string[] = [];
        for (const t of universe) {
          if (!t.targetGroupArn) {
            targets.push(t);
            continue;
          }
          if (this.describeFails.has(t.group)) {
            if (!failed.includes(t.group)) failed.push(t.group);
            if (stored.has(t.id)) targets.push(t);
            continue;
          }
          const key = `${t.host}:${t.port}`;
          const view = elb.get(t.group) ?? new Map<string, string>();
          elb.set(t.group, view);
          if (this.inGroup(t)) {
            view.set(key, this.elbOpinion.get(key) ?? (this.isHealthy(t.host, t.port) ? 'healthy' : 'unhealthy'));
            targets.push(t);
          } else if (stored.get(t.id)?.deregistered || stored.get(t.id)?.lateOut) {
            targets.push(t);
          }
        }
        return { targets, elb, failed };
      },
    };
  }

  /**
   * The Actions one contender uses. `onCall` runs first, before the request leaves: it may throw
   * (a killed process) or wait (a process paused after its last check).
   */
  public actionsFor(by: string, onCall: (kind: EffectKind | 'read') => void | Promise<void> = () => undefined, epochOf: () => number | undefined = () => undefined): Actions {
    const target = (t: ElbTarget) => `${t.id}:${t.port}`;
    const valueOf = (r: RecordSet) => r.AliasTarget?.DNSName ?? r.ResourceRecords?.[0]?.Value ?? '';
    return {
      deregister: (arn, t, dryRun) => this.call(by, epochOf(), onCall, 'deregister', target(t), `elb:${arn}/${target(t)}`, dryRun, () => this.group(arn).delete(target(t))),
      register: (arn, t, dryRun) => this.call(by, epochOf(), onCall, 'register', target(t), `elb:${arn}/${target(t)}`, dryRun, () => {
        const had = this.group(arn).has(target(t));
        this.group(arn).add(target(t));
        return !had;
      }),
      readName: async (_zone, record) => {
        await onCall('read');
        if (this.faults?.pick('read') === 'refused') {
          this.faultsInjected++;
          throw serviceError('Throttling', 400);
        }
        const name = this.names.get(bare(record.Name));
        const value = name?.value ?? valueOf(record);
        return { token: name?.token, record: { ...record, ...(record.AliasTarget ? { AliasTarget: { ...record.AliasTarget, DNSName: value } } : { ResourceRecords: [{ Value: value }] }) } };
      },
      changeName: (_zone, token, from, to, record, _comment, dryRun) => {
        const name = token.replace(/^_fence\./, '');
        return this.call(by, epochOf(), onCall, record ? 'upsert' : 'fence', record ? valueOf(record) : to, `dns:${name}`, dryRun, () => {
          const current = this.names.get(name) ?? { value: '' };
          // Route 53 applies a batch whole or not at all; a DELETE must match the record exactly.
          if (current.token !== from) {
            this.staleBatchesRefused += 1;
            throw serviceError('InvalidChangeBatch', 400);
          }
          this.names.set(name, { value: record ? valueOf(record) : current.value, token: to });
          return true;
        });
      },
      readEndpoints: async (arn) => {
        await onCall('read');
        if (this.faults?.pick('read') === 'refused') {
          this.faultsInjected++;
          throw serviceError('ThrottlingException', 400);
        }
        const endpoints = this.endpointGroups.get(arn);
        if (!endpoints) throw serviceError('EndpointGroupNotFoundException', 400);
        return endpoints.map((e) => ({ ...e }));
      },
      // No condition: the last call to land wins, as at Global Accelerator.
      setEndpoints: (arn, endpoints, dryRun) => this.call(by, epochOf(), onCall, 'weight', weights(endpoints), `ga:${arn}`, dryRun, () => {
        const changed = weights(this.endpointGroups.get(arn) ?? []) !== weights(endpoints);
        this.endpointGroups.set(arn, endpoints.map((e) => ({ ...e })));
        return changed;
      }),
      // Each alert is a message of its own, not a state that a later one replaces.
      alert: (_topic, subject, message, _dedup, dryRun) => this.call(by, epochOf(), onCall, 'alert', subject, `sns:${subject}\n${message}`, dryRun, () => true, message),
    };
  }

  /** The weight of an accelerator endpoint now. */
  public weightOf(endpointGroupArn: string, endpointId: string): number | undefined {
    return this.endpointGroups.get(endpointGroupArn)?.find((e) => e.EndpointId === endpointId)?.Weight;
  }

  /** Tracks a failover name (its PRIMARY record's name, with the answer it gives now). */
  public watchName(name: string, value: string): void {
    this.names.set(bare(name), { value });
  }

  /** The answer a name gives now. */
  public answerOf(name: string): string | undefined {
    return this.names.get(bare(name))?.value;
  }

  private group(arn: string): Set<string> {
    let set = this.members.get(arn);
    if (!set) this.members.set(arn, (set = new Set()));
    return set;
  }

  private async call(by: string, epoch: number | undefined, onCall: (kind: EffectKind) => void | Promise<void>, kind: EffectKind, what: string, resource: string, dryRun: boolean,
    apply: () => boolean | void, message?: string): Promise<void> {
    await onCall(kind);
    const at = this.time.now();
    const left = this.failures.get(kind) ?? 0;
    if (left > 0) {
      this.failures.set(kind, left - 1);
      throw serviceError(`${kind} refused: Throttling`, 400);
    }
    const land = () => {
      const changed = dryRun ? false : apply() !== false;
      this.actions.push({ kind, what, resource, by, epoch, message, dryRun, at, landedAt: this.time.now(), changed });
    };
    const fault = this.faults?.pick(kind);
    if (fault) {
      this.faultsInjected++;
      this.faultCounts.set(`${kind} ${fault}`, (this.faultCounts.get(`${kind} ${fault}`) ?? 0) + 1);
    }
    if (fault === 'refused') throw serviceError('Throttling', 400);
    if (fault === 'unavailable') throw serviceError('ServiceUnavailable: the request has failed due to a temporary failure of the server', 503);
    if (fault === 'late') {
      const held = new Promise<void>((resolve) => this.time.after(this.faults!.lateMs(kind), () => {
        try {
          land();
        } catch {
          // Refused when it landed (a fenced batch on an older token, counted in staleBatchesRefused): nothing changed.
        }
        this.inFlight.delete(held);
        resolve();
      }));
      this.inFlight.add(held);
      throw timeoutError();
    }
    land();
    if (fault === 'lost') {
      if (kind === 'deregister' && this.flapOnLostDeregistration) this.down.delete(what);
      throw timeoutError();
    }
  }
}
