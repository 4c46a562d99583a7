/**
 * The contender loop: lead, list what is due, probe it, track, reconcile the groups and then each
 * failover path (the accelerator endpoint, the name); the target book.
 */
import { Alerts } from './alerts';
import { CircuitBreaker } from './breaker';
import { Clock } from './clock';
import { MonitorConfig, ProbeRequest, lateReadPeriodMs, retryDelayMs } from './contract';
import { Answer, NameReconciler } from './dns';
import { Election } from './election';
import { GroupReconciler, TargetBook, closeIncident, openIncident } from './groups';
import { FlapDamper, failoverAgreed } from './guardrails';
import { LeaderContext, actingLease } from './leader';
import { LeaseStore } from './lease';
import type { Actions, Discovery, ElbView, LedgerSink, Membership, MonitoredTarget, SwitchSource, Switches, Watcher } from './ports';
import { ProbeResult, ProbeSpec, probe as realProbe, probeAll, probeConcurrency } from './probes';
import { StoredTarget, TargetStateStore } from './state-store';
import { UNREAD } from './switches';
import { Telemetry } from './telemetry';
import { INITIAL_STATE, TargetState, isDue, observe } from './tracker';
import { EndpointReconciler } from './vip';

export interface MonitorDeps {
  readonly config: MonitorConfig;
  /** This contender's name in the lease: unique per invocation. */
  readonly me: string;
  readonly clock: Clock;
  readonly leases: LeaseStore;
  readonly states: TargetStateStore;
  readonly discovery: Discovery;
  readonly actions: Actions;
  readonly switches: SwitchSource;
  readonly ledger: LedgerSink;
  readonly telemetry: Telemetry;
  readonly membership?: Membership;
  readonly watchers?: readonly Watcher[];
  /** The breakers of the AWS APIs, whose state goes into the metrics. */
  readonly breakers?: readonly CircuitBreaker[];
  readonly probe?: (spec: ProbeSpec) => Promise<ProbeResult>;
  readonly random?: () => number;
  /** New record versions of the lease (random by default). */
  readonly newVersion?: () => string;
}

/** The keys of the failover paths' incidents in the lease item. */
const DNS_GROUP = '__dns__';
const VIP_GROUP = '__vip__';

/** A failover path: the name at Route 53, or the endpoint at Global Accelerator. */
interface FailoverPath {
  readonly group: string;
  readonly label: 'dns' | 'vip';
  readonly triggerGroups: readonly string[];
  /** What it moves, for the logs: its kind, and the name or endpoint. */
  readonly noun: string;
  readonly what: string;
  readonly reconciler: {
    reconcile(desired: Answer, switches: Switches, options: { mayChange: () => boolean; fence: boolean; reason: string }): Promise<boolean>;
    budgetLeft(): number;
  };
}

/** Of a target's late-change window as held here and as stored, the one that ends later. */
function laterOf(local: StoredTarget, stored: StoredTarget): Pick<StoredTarget, 'lateUntil' | 'lateOut'> {
  const [a, b] = [local.lateUntil ?? -Infinity, stored.lateUntil ?? -Infinity];
  if (a === -Infinity && b === -Infinity) return { lateUntil: undefined, lateOut: undefined };
  return { lateUntil: Math.max(a, b), lateOut: local.lateOut === true || stored.lateOut === true };
}

/** Damping of flapping targets: see FlapDamper. */
const DAMPING = { halfLifeMs: 300_000, suppressAt: 2.5, reuseAt: 1 };

/** Discovery that has failed for this many intervals in a row makes the leader blind. */
const BLIND_AFTER_INTERVALS = 3;

/**
 * One contender: it tries to become leader; as leader, each interval it lists its targets when
 * due, probes those due, tracks each one, and reconciles ELB, the failover name and the alerts
 * owed with what the tracked health says. A concurrent task renews the lease; the leader acts only
 * while its last renewal is younger than the renew deadline (see `election.ts`).
 */
export class HealthMonitor implements TargetBook {
  private readonly election: Election;
  private readonly ctx: LeaderContext;
  /** Per leadership: reset when this contender takes the lease. */
  private leading?: {
    readonly epoch: number; readonly groups: GroupReconciler; readonly name?: NameReconciler; readonly endpoint?: EndpointReconciler; readonly alerts: Alerts;
  };
  private targets = new Map<string, StoredTarget>();
  private monitored: MonitoredTarget[] = [];
  private elb = new Map<string, { readonly view: ElbView; readonly at: number }>();
  /** When discovery last succeeded, and when it is next due (monotonic); whether its last try failed. */
  private lastDiscoveredAt = -Infinity;
  private discoveryDueAt = -Infinity;
  private discoveryFailing = false;
  private lastDetail = new Map<string, string>();
  private readonly damper = new FlapDamper(DAMPING);
  /** Per failover path, the incident a held-back failover was last reported for. */
  private readonly heldBackSaid = new Map<string, string | undefined>();
  private stopped = false;

  constructor(private readonly deps: MonitorDeps) {
    this.election = new Election(deps.me, deps.leases, deps.config.lease, deps.clock, deps.telemetry, deps.newVersion);
    this.ctx = { ...deps, election: this.election };
  }

  /** The epoch this contender leads with, if it leads. */
  public get epoch(): number | undefined {
    return this.election.lease?.epoch;
  }

  /** Leader and allowed to act: renewed within the renew deadline. */
  public get isActingLeader(): boolean {
    return this.election.acting;
  }

  /** Contends until `deadline` (wall-clock time), then releases the lease if it holds it. */
  public async runInvocation(deadline: number): Promise<void> {
    const { clock, config } = this.deps;
    this.stopped = false;
    const renewal = this.renewUntil(deadline);
    const watching = (this.deps.watchers ?? []).map((w) => w.watch(deadline, () => this.stopped));
    let nextCycle = clock.now();
    while (clock.now() < deadline && !this.stopped) {
      if (!this.election.acting) {
        if (!(await this.election.tryAcquire())) {
          await clock.sleep(Math.min(retryDelayMs(config.lease, this.random()), deadline - clock.now()));
          continue;
        }
        nextCycle = clock.now();
      }
      if (clock.now() >= nextCycle) {
        await this.cycle().catch((e) => {
          // A failed call ends this cycle, not the invocation: the next cycle tries again.
          this.deps.telemetry.error('cycle failed', { epoch: this.epoch, error: String(e) });
          this.deps.telemetry.metric('CycleErrors', 1);
        });
        nextCycle += config.probe.intervalMs;
        if (nextCycle < clock.now()) nextCycle = clock.now();
      }
      await clock.sleep(Math.min(nextCycle, deadline) - clock.now());
    }
    this.stopped = true;
    await Promise.all([renewal, ...watching]);
    await this.election.release();
  }

  /** Ends the invocation at its next step (releasing the lease if it holds it). */
  public stop(): void {
    this.stopped = true;
  }

  private async renewUntil(deadline: number): Promise<void> {
    const { clock, config } = this.deps;
    while (!this.stopped && clock.now() < deadline) {
      await clock.sleep(Math.min(config.lease.retryPeriodMs, deadline - clock.now()));
      if (this.election.lease && !this.stopped) await this.election.renew();
    }
  }

  /** The parts of one leadership, made afresh for each epoch. */
  private leadership() {
    const lease = this.election.lease!;
    if (this.leading?.epoch !== lease.epoch) {
      const alerts = new Alerts(this.ctx);
      const { dns, vip } = this.deps.config;
      this.leading = {
        epoch: lease.epoch, alerts,
        groups: new GroupReconciler(this.ctx, this, alerts, this.damper),
        name: dns ? new NameReconciler(this.ctx, dns) : undefined,
        endpoint: vip ? new EndpointReconciler(this.ctx, vip) : undefined,
      };
      this.lastDiscoveredAt = this.deps.clock.elapsed();
      this.discoveryDueAt = -Infinity;
      this.targets = new Map();
    }
    return this.leading;
  }

  /** One leader cycle: discover, probe what is due, track, reconcile. */
  private async cycle(): Promise<void> {
    const { clock, config, telemetry } = this.deps;
    const started = clock.now();
    const leading = this.leadership();
    const switches = await this.deps.switches.read().catch(() => UNREAD);
    await this.discoverIfDue();
    const due = this.monitored.filter((t) => isDue(this.stateOf(t), started, config.probe.intervalMs, config.probe.downIntervalMs));
    const results = await probeAll(new Map(due.map((t) => [t.id, this.specFor(t)])), {
      concurrency: probeConcurrency(config.probe, due.length),
      jitterMs: Math.min(config.probe.jitterMs, config.probe.intervalMs - config.probe.timeoutMs),
      random: () => this.random(),
      sleep: (ms) => clock.sleep(ms),
      now: () => clock.now(),
    }, this.deps.probe ?? realProbe);
    if (!this.election.acting) return;

    const saves: Array<Promise<boolean>> = [];
    for (const target of due) {
      const result = results.get(target.id)!;
      this.lastDetail.set(target.id, result.detail);
      telemetry.metric('ProbeLatency', result.latencyMs, 'Milliseconds');
      // Probed "at" the cycle's start: the next cycle, one interval later, finds it due again
      // however long the jitter and the probes took.
      const seen = observe(this.stateOf(target), result.ok, config.probe, started);
      const next: StoredTarget = { ...this.storedOf(target), ...seen.state };
      this.targets.set(target.id, next);
      if (seen.transition) telemetry.info(`target ${seen.transition}`, { target: target.id, detail: result.detail, epoch: this.epoch });
      if (seen.changed) saves.push(this.deps.states.saveTracking(next, leading.epoch));
    }
    // The tracking state is kept for the next leader; this one's own is in memory. A save that
    // fails is made again at the target's next change.
    const failed = (await Promise.allSettled(saves)).filter((r) => r.status === 'rejected');
    if (failed.length > 0) telemetry.warn('could not save the tracking state of some targets', { count: failed.length, error: String((failed[0] as PromiseRejectedResult).reason) });
    telemetry.metric('ProbeCycleTime', clock.now() - started, 'Milliseconds');
    if (switches.paused) {
      telemetry.info('paused: probing only', { epoch: this.epoch });
    } else {
      await this.reconcile(switches);
      await this.syncMembership(switches);
    }
    this.emitStateMetrics(switches);
    telemetry.flush();
  }

  /**
   * Lists the targets again when due (every discovery interval, or at the next cycle after a call
   * whose outcome is unknown). Registration flags are read back from the table each time, so that
   * a deregistration recorded by an earlier leader is seen even if ELB no longer lists the target.
   * A listing that fails keeps the last known targets and counts an error; failing for several
   * intervals makes the leader blind, which is an alarm of its own.
   */
  private async discoverIfDue(): Promise<void> {
    const { config, telemetry, states, discovery } = this.deps;
    const now = this.deps.clock.elapsed();
    if (now < this.discoveryDueAt) return;
    try {
      const stored = await states.loadAll();
      for (const s of stored.values()) {
        const local = this.targets.get(s.id);
        // Another leader's probe times are on its own clock: a target it knew is due at once here.
        this.targets.set(s.id, local ? { ...local, deregistered: s.deregistered, deregisteredIn: s.deregisteredIn, removedAt: s.removedAt, ...laterOf(local, s) } : { ...s, lastProbeAt: 0 });
      }
      const listedAt = this.deps.clock.now();
      const found = await discovery.discover(this.targets);
      this.monitored = found.targets;
      for (const [group, view] of found.elb) this.elb.set(group, { view, at: now });
      this.discoveryFailing = found.failed.length > 0;
      if (this.discoveryFailing) {
        telemetry.warn('could not list targets; probing the last known ones', { groups: found.failed });
        telemetry.metric('DiscoveryErrors', found.failed.length);
        this.discoveryDueAt = now + config.probe.intervalMs;
        return;
      }
      this.lastDiscoveredAt = now;
      await this.endLateWatches(listedAt);
      // While a change may still land late, its group is read back every few cycles.
      const late = [...this.targets.values()].some((t) => t.lateUntil !== undefined);
      this.discoveryDueAt = now + (late ? lateReadPeriodMs(config) : config.discoveryIntervalMs);
    } catch (e) {
      telemetry.warn('could not list targets; probing the last known ones', { error: String(e) });
      telemetry.metric('DiscoveryErrors', 1);
      this.discoveryFailing = true;
      this.discoveryDueAt = now + config.probe.intervalMs;
    }
  }

  /**
   * Ends the watch over changes that can no longer land: their window closed before a listing
   * that was then made, so that listing shows all they could do. Whether the target is still
   * monitored or not (another party may have removed it meanwhile).
   */
  private async endLateWatches(listedAt: number): Promise<void> {
    for (const t of [...this.targets.values()]) {
      if (t.lateUntil === undefined || t.lateUntil >= listedAt) continue;
      await this.saveLate(t, undefined).catch((e) => this.deps.telemetry.warn('could not end the watch over a late change', { target: t.id, error: String(e) }));
    }
  }

  /** Every group, then the failover paths: the accelerator endpoint first, the faster of the two. */
  private async reconcile(switches: Switches): Promise<void> {
    const leading = this.leading!;
    const groups = new Map<string, MonitoredTarget[]>();
    for (const t of this.monitored) groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
    for (const [group, members] of groups) {
      if (!(await leading.groups.reconcile(group, members, switches, (t) => this.lastDetail.get(t.id) ?? 'down'))) return;
    }
    for (const path of this.failoverPaths()) await this.reconcileFailover(path, switches);
  }

  /** The failover paths this leadership acts on. */
  private failoverPaths(): FailoverPath[] {
    const { config } = this.deps;
    const { name, endpoint } = this.leading!;
    const paths: FailoverPath[] = [];
    if (config.vip && endpoint && config.actions.vipFailover) {
      paths.push({ group: VIP_GROUP, label: 'vip', triggerGroups: config.vip.triggerGroups, noun: 'the accelerator endpoint', what: config.vip.endpointId, reconciler: endpoint });
    }
    if (config.dns && name && config.actions.dnsFailover) {
      paths.push({ group: DNS_GROUP, label: 'dns', triggerGroups: config.dns.triggerGroups, noun: 'the name', what: config.dns.primaryRecord.Name, reconciler: name });
    }
    return paths;
  }

  /**
   * A failover path: failed over while every trigger target is DOWN (and ELB does not call one of
   * them healthy), back on the primary once one is UP again. An incident spans the two.
   */
  private async reconcileFailover(path: FailoverPath, switches: Switches): Promise<void> {
    const { config, telemetry } = this.deps;
    const trigger = this.monitored.filter((t) => path.triggerGroups.includes(t.group));
    const allDown = trigger.length > 0 && trigger.every((t) => this.stateOf(t).status === 'DOWN');
    const anyUp = trigger.some((t) => this.stateOf(t).status === 'UP');
    let incident = actingLease(this.ctx)?.incidents[path.group];
    if (allDown && !incident) {
      incident = await openIncident(this.ctx, path.group, path.label);
      if (!incident) return;
    }
    const desired: Answer | undefined = allDown ? 'failover' : anyUp ? 'primary' : undefined;
    if (!desired) return;
    const agreed = desired === 'primary' || failoverAgreed(trigger, (t) => this.elbState(t));
    if (!agreed) {
      // Counted every cycle it holds; said once per incident.
      if (this.heldBackSaid.get(path.group) !== incident?.id) telemetry.warn(`not failing ${path.noun} over until ELB agrees: it calls a trigger target healthy`, { what: path.what });
      this.heldBackSaid.set(path.group, incident?.id);
      telemetry.metric('HeldBack', 1);
      this.readBack();
    }
    const mayChange = () => {
      if (!agreed) return false;
      if (path.reconciler.budgetLeft() > 0) return true;
      telemetry.warn('failover budget reached', { path: path.label, cap: config.actions.maxFailovers });
      telemetry.metric('CappedActions', 1);
      return false;
    };
    const reason = incident?.id ?? 'drift';
    const holds = await path.reconciler.reconcile(desired, switches, { mayChange, fence: incident !== undefined, reason });
    if (holds && desired === 'primary' && incident) await closeIncident(this.ctx, path.group, incident);
  }

  /**
   * Brings the registry in step with this cycle's verdicts. Not an action in the ledger: it sets
   * state rather than changing it, and reconciles what an earlier or deposed leader left.
   */
  private async syncMembership(switches: Switches): Promise<void> {
    const membership = this.deps.membership;
    if (!membership || !this.election.acting) return;
    try {
      await membership.sync(this.monitored, (t) => this.stateOf(t).status, { dryRun: switches.dryRun, mayAct: () => this.election.acting });
    } catch (e) {
      this.deps.telemetry.warn('could not bring the registry in step', { error: String(e) });
    }
  }

  private emitStateMetrics(switches: Switches): void {
    const { telemetry, breakers = [], config } = this.deps;
    telemetry.metric('Paused', switches.paused ? 1 : 0, 'None');
    telemetry.metric('DryRun', switches.dryRun ? 1 : 0, 'None');
    telemetry.metric('CircuitsOpen', breakers.filter((b) => b.state !== 'CLOSED').length, 'None');
    telemetry.metric('CallsRefused', breakers.reduce((n, b) => n + b.takeRefused(), 0));
    const blind = this.discoveryFailing && this.deps.clock.elapsed() - this.lastDiscoveredAt > BLIND_AFTER_INTERVALS * Math.max(config.probe.intervalMs, 1000);
    telemetry.metric('Blind', blind ? 1 : 0, 'None');
    const statuses = this.monitored.map((t) => this.stateOf(t).status);
    telemetry.metric('LeaderHeartbeat', 1);
    telemetry.metric('LeaderEpoch', this.epoch ?? 0, 'None');
    telemetry.metric('TargetsUp', statuses.filter((s) => s === 'UP').length);
    telemetry.metric('TargetsDown', statuses.filter((s) => s === 'DOWN').length);
    telemetry.metric('TargetsUnknown', statuses.filter((s) => s === 'UNKNOWN').length);
  }

  // The target book the reconcilers read and write.

  public stateOf(target: MonitoredTarget): TargetState {
    return this.targets.get(target.id) ?? INITIAL_STATE;
  }

  public storedOf(target: MonitoredTarget): StoredTarget {
    return this.targets.get(target.id) ?? { ...INITIAL_STATE, id: target.id, group: target.group, host: target.host, port: target.port, deregistered: false };
  }

  public async saveRegistration(target: MonitoredTarget, incident: string | undefined): Promise<boolean> {
    const epoch = this.epoch;
    if (epoch === undefined) return false;
    const now = this.deps.clock.now();
    const next: StoredTarget = { ...this.storedOf(target), deregistered: incident !== undefined, deregisteredIn: incident, removedAt: incident === undefined ? undefined : now };
    const saved = await this.deps.states.saveRegistration(next, epoch, incident, now);
    if (saved) this.targets.set(target.id, next);
    return saved;
  }

  public async saveLate(target: MonitoredTarget, late: { readonly until: number; readonly out: boolean } | undefined): Promise<boolean> {
    const epoch = this.epoch;
    if (epoch === undefined) return false;
    const next: StoredTarget = { ...this.storedOf(target), lateUntil: late?.until, lateOut: late?.out };
    this.targets.set(target.id, next);
    return this.deps.states.saveLate(next, epoch, late);
  }

  public async forget(target: MonitoredTarget): Promise<boolean> {
    const epoch = this.epoch;
    if (epoch === undefined || !(await this.deps.states.forget(this.storedOf(target), epoch))) return false;
    this.targets.delete(target.id);
    this.monitored = this.monitored.filter((t) => t.id !== target.id);
    return true;
  }

  public elbState(target: MonitoredTarget): string | undefined {
    return this.elb.get(target.group)?.view.get(`${target.host}:${target.port}`);
  }

  public listedSince(target: MonitoredTarget, since: number): boolean {
    return (this.elb.get(target.group)?.at ?? -Infinity) > since;
  }

  public readBack(): void {
    this.discoveryDueAt = -Infinity;
  }

  private specFor(target: MonitoredTarget): ProbeSpec {
    const { probe, targetGroups, endpoints } = this.deps.config;
    const request: ProbeRequest = targetGroups.find((g) => g.name === target.group)?.probe
      ?? endpoints.find((e) => `${e.group}/${e.name}` === target.id)?.probe
      ?? probe;
    return {
      protocol: request.protocol, host: target.host, port: request.port ?? target.port, path: request.path, successCodes: request.successCodes,
      bodySubstring: request.bodySubstring, bodyRegex: request.bodyRegex, maxBodyBytes: request.maxBodyBytes, timeoutMs: probe.timeoutMs,
    };
  }

  private random(): number {
    return (this.deps.random ?? Math.random)();
  }
}
