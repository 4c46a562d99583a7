import { Actions } from './actions';
import { CircuitBreaker } from './breaker';
import { Clock } from './clock';
import { MonitorConfig, ProbeRequest, retryDelayMs, skewToleranceMs } from './contract';
import { ActionAlreadyClaimedError, ActionCapReachedError, LeaseHeldError, LeaseLostError, StaleLeaderError } from './errors';
import { ActionClaim, Incident, Lease, LeaseStore } from './lease';
import { LedgerEntry } from './ledger';
import { ProbeResult, ProbeSpec, probe as realProbe, probeAll } from './probes';
import { StoredTarget, TargetStateStore } from './state-store';
import { MonitoredTarget, Discovery } from './targets';
import { Telemetry } from './telemetry';
import { INITIAL_STATE, Status, isDue, observe } from './tracker';

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

export interface MonitorDeps {
  readonly config: MonitorConfig;
  /** This contender's name in the lease. */
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
}

type Outcome = 'done' | 'claimed-elsewhere' | 'capped' | 'refused' | 'failed';

type ClaimKind = { readonly capped: boolean; readonly retakeVanished: boolean };
/** Alerts: not capped, and sent at most once per claim (a vanished claimant's alert is not retaken). */
const ALERT: ClaimKind = { capped: false, retakeVanished: false };
/** ELB and DNS changes: capped, and retaken when their claimant vanished (they are idempotent). */
const IDEMPOTENT: ClaimKind = { capped: true, retakeVanished: true };

/** The action that ends an incident. */
interface Closing {
  readonly kind: 'recovery' | 'dns-restore';
  readonly action: () => Promise<void>;
}

const DNS_GROUP = '__dns__';

/**
 * One contender: it tries to become leader; as leader it probes every interval, tracks each
 * target, and takes each needed action once, fenced by its epoch. A concurrent task renews the
 * lease; the leader acts only while its last renewal is younger than the renew deadline.
 */
export class HealthMonitor {
  private lease?: Lease;
  private lastRenewAt = 0;
  private targets = new Map<string, StoredTarget>();
  private monitored: MonitoredTarget[] = [];
  private lastDiscoveryAt = 0;
  private lastDetail = new Map<string, string>();
  /** DOWN transitions already logged as failing open. */
  private readonly failOpenLogged = new Set<string>();
  private stopped = false;

  constructor(private readonly deps: MonitorDeps) {}

  /** The epoch this contender leads with, if it leads. */
  public get epoch(): number | undefined {
    return this.lease?.epoch;
  }

  /** Leader and allowed to act: renewed within the renew deadline. */
  public get isActingLeader(): boolean {
    return this.lease !== undefined && this.deps.clock.now() < this.lastRenewAt + this.deps.config.lease.renewDeadlineMs;
  }

  /** Contends until `deadline` (clock time), then releases the lease if it holds it. */
  public async runInvocation(deadline: number): Promise<void> {
    const { clock, config } = this.deps;
    this.stopped = false;
    const renewal = this.renewUntil(deadline);
    const watching = (this.deps.watchers ?? []).map((w) => w.watch(deadline, () => this.stopped));
    let nextCycle = clock.now();
    while (clock.now() < deadline && !this.stopped) {
      if (!this.isActingLeader) {
        this.lease = undefined;
        if (!(await this.tryAcquire())) {
          await clock.sleep(Math.min(retryDelayMs(config.lease, this.random()), deadline - clock.now()));
          continue;
        }
        nextCycle = clock.now();
      }
      if (clock.now() >= nextCycle) {
        await this.cycle().catch((e) => {
          // A failed call ends this cycle, not the invocation: the next cycle tries again.
          this.deps.telemetry.error('cycle failed', { epoch: this.lease?.epoch, error: String(e) });
          this.deps.telemetry.metric('CycleErrors', 1);
        });
        nextCycle += config.probe.intervalMs;
        if (nextCycle < clock.now()) nextCycle = clock.now();
      }
      await clock.sleep(Math.min(nextCycle, deadline) - clock.now());
    }
    this.stopped = true;
    await Promise.all([renewal, ...watching]);
    const held = this.lease;
    this.lease = undefined;
    if (held) {
      try {
        await this.deps.leases.release(held);
        this.deps.telemetry.info('released the lease', { epoch: held.epoch });
      } catch (e) {
        this.deps.telemetry.warn('could not release the lease; it expires on its own', { epoch: held.epoch, error: String(e) });
      }
    }
  }

  /** Ends the invocation at its next step (releasing the lease if it holds it). */
  public stop(): void {
    this.stopped = true;
  }

  private async tryAcquire(): Promise<boolean> {
    const { clock, leases, telemetry, me } = this.deps;
    try {
      const now = clock.now();
      this.lease = await leases.acquire(me, now);
      this.lastRenewAt = now;
      this.lastDiscoveryAt = 0;
      telemetry.info('became leader', { epoch: this.lease.epoch });
      return true;
    } catch (e) {
      if (e instanceof LeaseHeldError) return false;
      telemetry.warn('could not contend', { error: String(e) });
      return false;
    }
  }

  private async renewUntil(deadline: number): Promise<void> {
    const { clock, config, leases, telemetry } = this.deps;
    while (!this.stopped && clock.now() < deadline) {
      await clock.sleep(Math.min(config.lease.retryPeriodMs, deadline - clock.now()));
      const lease = this.lease;
      if (!lease || this.stopped) continue;
      const now = clock.now();
      try {
        const renewed = await leases.renew(lease, now);
        if (this.lease?.epoch === lease.epoch) {
          this.lease = renewed;
          this.lastRenewAt = now;
        }
      } catch (e) {
        if (e instanceof LeaseLostError) {
          telemetry.warn('lost the lease', { epoch: lease.epoch, now: e.current?.epoch });
          if (this.lease?.epoch === lease.epoch) this.lease = undefined;
        } else {
          telemetry.warn('could not renew the lease', { epoch: lease.epoch, error: String(e) });
        }
      }
    }
  }

  /** One leader cycle: discover, probe what is due, track, act. */
  private async cycle(): Promise<void> {
    const { clock, config, telemetry } = this.deps;
    const started = clock.now();
    const switches = await this.deps.switches.read().catch(() => ({ paused: false, dryRun: config.actions.dryRun }));
    await this.discoverIfDue(started);
    const due = this.monitored.filter((t) => isDue(this.stateOf(t), started, config.probe.intervalMs, config.probe.downIntervalMs));
    const results = await probeAll(new Map(due.map((t) => [t.id, this.specFor(t)])), {
      concurrency: config.probe.concurrency,
      jitterMs: Math.min(config.probe.jitterMs, config.probe.intervalMs - config.probe.timeoutMs),
      random: () => this.random(),
      sleep: (ms) => clock.sleep(ms),
      now: () => clock.now(),
    }, this.deps.probe ?? realProbe);
    if (!this.isActingLeader) return;

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
      if (seen.transition) telemetry.info(`target ${seen.transition}`, { target: target.id, detail: result.detail, epoch: this.lease?.epoch });
      if (seen.changed) saves.push(this.deps.states.saveTracking(next, this.lease!.epoch));
    }
    await Promise.all(saves);
    telemetry.metric('ProbeCycleTime', clock.now() - started, 'Milliseconds');
    if (switches.paused) {
      telemetry.info('paused: probing only', { epoch: this.lease?.epoch });
    } else {
      await this.evaluate(switches);
      await this.syncMembership(switches);
    }
    this.emitStateMetrics(switches);
    telemetry.flush();
  }

  /**
   * Lists the targets again when due. Registration flags are read back from the table each time,
   * so that a deregistration recorded by an earlier leader is seen even if ELB no longer lists the
   * target; the first listing after taking the lease loads the whole tracking state.
   */
  private async discoverIfDue(now: number): Promise<void> {
    if (now - this.lastDiscoveryAt < this.deps.config.discoveryIntervalMs && this.monitored.length > 0) return;
    try {
      const stored = await this.deps.states.loadAll();
      if (this.lastDiscoveryAt === 0) {
        this.targets = stored;
      } else {
        for (const s of stored.values()) {
          const local = this.targets.get(s.id);
          this.targets.set(s.id, local ? { ...local, deregistered: s.deregistered, deregisteredIn: s.deregisteredIn } : s);
        }
      }
      this.monitored = await this.deps.discovery.discover(this.targets);
      this.lastDiscoveryAt = now;
    } catch (e) {
      this.deps.telemetry.warn('could not list targets; probing the last known ones', { error: String(e) });
    }
  }

  /**
   * Brings the registry in step with this cycle's verdicts. Not an action in the ledger: it sets
   * state rather than changing it, and reconciles what an earlier or deposed leader left.
   */
  private async syncMembership(switches: Switches): Promise<void> {
    const membership = this.deps.membership;
    if (!membership || !this.isActingLeader) return;
    try {
      // Each call starts within the renew deadline, so it ends before the lease could pass on.
      await membership.sync(this.monitored, (t) => this.stateOf(t).status, { dryRun: switches.dryRun, mayAct: () => this.isActingLeader });
    } catch (e) {
      this.deps.telemetry.warn('could not bring the registry in step', { error: String(e) });
    }
  }

  /** Derives the actions the current state calls for and takes each one not taken yet. */
  private async evaluate(switches: Switches): Promise<void> {
    const groups = new Map<string, MonitoredTarget[]>();
    for (const t of this.monitored) groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
    for (const [group, members] of groups) {
      if (!(await this.evaluateGroup(group, members, switches))) return;
    }
    await this.evaluateDns(switches);
  }

  /** @returns false when this contender turned out not to lead any more */
  private async evaluateGroup(group: string, members: MonitoredTarget[], switches: Switches): Promise<boolean> {
    const { config } = this.deps;
    const down = members.filter((t) => this.stateOf(t).status === 'DOWN');
    const up = members.filter((t) => this.stateOf(t).status === 'UP');
    let incident = this.lease?.incidents[group];
    if (down.length > 0 && !incident) {
      incident = await this.openIncident(group);
      if (!incident) return false;
    }

    if (incident && config.actions.alertTopicArn) {
      const lines = down.map((t) => `${t.id}: ${this.lastDetail.get(t.id) ?? 'down'}`);
      const outcome = await this.act(`alert#${incident.id}`, ALERT, switches, () => this.deps.actions.alert(
        config.actions.alertTopicArn!, `[${config.monitorId}] ${group}: ${down.length} of ${members.length} targets down`,
        `Incident ${incident!.id}\n${lines.join('\n')}`, switches.dryRun));
      if (outcome === 'refused') return false;
    }

    if (config.actions.deregister && incident) {
      for (const target of down) {
        if (!target.targetGroupArn || this.storedOf(target).deregistered) continue;
        const otherHealthy = up.filter((t) => t.id !== target.id && !this.storedOf(t).deregistered);
        if (otherHealthy.length === 0) {
          // Fail open, as ELB does: never take out the last healthy target of a group. Said
          // once per DOWN transition; the metric counts every cycle it holds.
          const failure = `${target.id}@${this.stateOf(target).lastChangeAt}`;
          if (!this.failOpenLogged.has(failure)) {
            this.failOpenLogged.add(failure);
            this.deps.telemetry.warn('not deregistering: no other healthy target in its group (failing open)', { target: target.id });
          }
          this.deps.telemetry.metric('SkippedFailOpen', 1);
          continue;
        }
        // One deregistration per DOWN transition: a target that fails again in the same incident is taken out again.
        const incidentId: string = incident.id;
        const key = `deregister#${target.id}@${this.stateOf(target).lastChangeAt}#${incidentId}`;
        const outcome = await this.act(key, IDEMPOTENT, switches,
          () => this.deps.actions.deregister(target.targetGroupArn!, target.elbTarget!, switches.dryRun),
          () => this.saveRegistration(target, incidentId));
        if (outcome === 'refused') return false;
        if (outcome === 'failed') await this.saveRegistration(target, undefined);
        // An earlier leader took it out: make this leader's record say so.
        if (outcome === 'claimed-elsewhere' && this.lease?.actions[key]?.status === 'done') await this.saveRegistration(target, incidentId);
      }
    }
    if (config.actions.deregister) {
      for (const target of up) {
        const stored = this.storedOf(target);
        if (!target.targetGroupArn || !stored.deregistered) continue;
        const key = `register#${target.id}@${stored.lastChangeAt}#${stored.deregisteredIn ?? incident?.id}`;
        const outcome = await this.act(key, IDEMPOTENT, switches,
          () => this.deps.actions.register(target.targetGroupArn!, target.elbTarget!, switches.dryRun));
        if (outcome === 'refused') return false;
        // Registered, by this leader or by an earlier one that could not record it.
        if (outcome === 'done' || (outcome === 'claimed-elsewhere' && this.lease?.actions[key]?.status === 'done')) {
          await this.saveRegistration(target, undefined);
        }
      }
    }

    // Over when every target is up again and back in its target group.
    const stillOut = members.some((t) => this.storedOf(t).deregistered);
    if (!incident || down.length > 0 || up.length === 0 || stillOut) return true;
    const closing = incident;
    const topic = config.actions.alertTopicArn;
    return this.closeIncident(group, closing, switches, topic === undefined ? undefined : {
      kind: 'recovery',
      action: () => this.deps.actions.alert(topic, `[${config.monitorId}] ${group}: recovered`,
        `Incident ${closing.id} is over: all ${members.length} targets are up.`, switches.dryRun),
    });
  }

  /** Fails the name over when every trigger target is DOWN, and back when one is UP. */
  private async evaluateDns(switches: Switches): Promise<void> {
    const { config } = this.deps;
    const dns = config.dns;
    if (!dns || !config.actions.dnsFailover || !this.lease) return;
    const trigger = this.monitored.filter((t) => dns.triggerGroups.includes(t.group));
    const allDown = trigger.length > 0 && trigger.every((t) => this.stateOf(t).status === 'DOWN');
    const anyUp = trigger.some((t) => this.stateOf(t).status === 'UP');
    let incident: Incident | undefined = this.lease.incidents[DNS_GROUP];
    if (allDown && !incident) incident = await this.openIncident(DNS_GROUP);
    if (!incident) return;
    const id = incident.id;
    if (!anyUp) {
      await this.act(`dns-failover#${id}`, IDEMPOTENT, switches,
        () => this.deps.actions.upsertRecord(dns.hostedZoneId, dns.failoverRecord, `${config.monitorId}: fail over (${id})`, switches.dryRun));
      return;
    }
    await this.closeIncident(DNS_GROUP, incident, switches, {
      kind: 'dns-restore',
      action: () => this.deps.actions.upsertRecord(dns.hostedZoneId, dns.primaryRecord, `${config.monitorId}: restore (${id})`, switches.dryRun),
    });
  }

  /** Opens an incident for `group` under this epoch; undefined when this contender no longer leads. */
  private async openIncident(group: string): Promise<Incident | undefined> {
    const { clock, leases } = this.deps;
    const now = clock.now();
    const lease = this.lease!;
    const id = `${group === DNS_GROUP ? 'dns' : group}@${new Date(now).toISOString()}/e${lease.epoch}`;
    const incident = await this.fenced(() => leases.openIncident(lease, now, group, { id, openedAt: now }));
    if (incident && this.lease) this.lease = { ...this.lease, incidents: { ...this.lease.incidents, [group]: incident } };
    return incident;
  }

  /**
   * Ends an incident: takes its closing action (the recovery alert, the DNS restore), then removes
   * the incident and its claims from the lease item. It waits while a claim of the incident may
   * still be acted on, so that a late claimant never finds its claim gone, and until the
   * incident's alert went out, so that the alert is not lost.
   * @returns false when this contender turned out not to lead any more
   */
  private async closeIncident(group: string, incident: Incident, switches: Switches, closing?: Closing): Promise<boolean> {
    const { clock, leases, config } = this.deps;
    const keys = () => Object.keys(this.lease?.actions ?? {}).filter((k) => k.endsWith(`#${incident.id}`));
    if (keys().some((k) => this.mayStillAct(k))) return true;
    if (group !== DNS_GROUP && config.actions.alertTopicArn && !this.settled(`alert#${incident.id}`)) return true;
    if (closing) {
      const key = `${closing.kind}#${incident.id}`;
      const outcome = await this.act(key, closing.kind === 'recovery' ? ALERT : IDEMPOTENT, switches, closing.action);
      if (outcome === 'refused') return false;
      if (!this.settled(key)) return true;
    }
    const closed = await this.fenced(async () => {
      await leases.closeIncident(this.lease!, clock.now(), group, incident.id, keys());
      return true;
    });
    if (!closed) return false;
    if (this.lease) {
      const { [group]: _, ...incidents } = this.lease.incidents;
      const actions = Object.fromEntries(Object.entries(this.lease.actions).filter(([k]) => !k.endsWith(`#${incident.id}`)));
      this.lease = { ...this.lease, incidents, actions };
    }
    return true;
  }

  /** Whether the action was taken, or its claimant is gone. */
  private settled(key: string): boolean {
    const claim = this.lease?.actions[key];
    return claim !== undefined && (claim.status === 'done' || this.claimantGone(claim));
  }

  /** Whether a claimant may still be acting on the claim. */
  private mayStillAct(key: string): boolean {
    const claim = this.lease?.actions[key];
    return claim?.status === 'sending' && !this.claimantGone(claim);
  }

  /**
   * A claim still `sending` after its claimant's function timeout (plus the clock skew tolerated)
   * will not be acted on: Lambda ended that invocation.
   */
  private claimantGone(claim: ActionClaim): boolean {
    const { config, clock } = this.deps;
    return claim.status === 'sending' && clock.now() > claim.claimedAt + config.functionTimeoutMs + skewToleranceMs(config);
  }

  /**
   * Takes one action at most once: claims it in the lease item under this epoch, runs `prepare`
   * (a fenced write the action depends on), checks there is time to finish before the lease could
   * pass to someone else, acts, and records the outcome.
   */
  private async act(key: string, options: ClaimKind, switches: Switches, action: () => Promise<void>, prepare?: () => Promise<boolean>): Promise<Outcome> {
    const { clock, config, telemetry, leases } = this.deps;
    const lease = this.lease;
    if (!lease) return 'refused';
    if (lease.actions[key]?.status === 'done') return 'claimed-elsewhere';
    const actionDeadline = this.lastRenewAt + config.lease.renewDeadlineMs;
    const epoch = lease.epoch;
    try {
      this.remember(key, await leases.claim(lease, clock.now(), key, { ...options, deadline: actionDeadline + config.callTimeoutMs }));
    } catch (e) {
      if (e instanceof ActionAlreadyClaimedError) {
        if (e.current) this.remember(key, e.current);
        return 'claimed-elsewhere';
      }
      if (e instanceof ActionCapReachedError) {
        telemetry.warn('action cap reached', { key, cap: e.cap });
        telemetry.metric('CappedActions', 1);
        return 'capped';
      }
      if (e instanceof StaleLeaderError) return this.refused(key, e.message);
      throw e;
    }
    const prepared = prepare ? await prepare() : true;
    if (!prepared || !this.isActingLeader || clock.now() >= actionDeadline) {
      await this.settle(key, epoch, 'abandoned', switches, prepared ? 'no time left before the lease could pass on' : 'a later leader owns the target');
      return this.refused(key, prepared ? 'no time left before the lease could pass on' : 'a later leader wrote the target');
    }
    try {
      await action();
    } catch (e) {
      await this.settle(key, epoch, 'failed', switches, String(e));
      telemetry.error('action failed', { key, epoch, error: String(e) });
      telemetry.metric('ActionFailures', 1);
      return 'failed';
    }
    await this.settle(key, epoch, 'done', switches);
    telemetry.info('action taken', { key, epoch, dryRun: switches.dryRun });
    telemetry.metric(options === ALERT ? 'Alerts' : 'Actions', 1);
    return 'done';
  }

  /** Records how a claim ended, in the lease item (for the next leaders) and in the ledger's history. */
  private async settle(key: string, epoch: number, outcome: 'done' | 'failed' | 'abandoned', switches: Switches, detail?: string): Promise<void> {
    const { leases, ledger, clock, me, telemetry } = this.deps;
    const status = outcome === 'done' ? 'done' : 'abandoned';
    try {
      if (await leases.settle(key, epoch, status)) {
        const claim = this.lease?.actions[key];
        if (claim && claim.epoch === epoch) this.remember(key, { ...claim, status });
      }
      await ledger.record({ key, epoch, holder: me, outcome, at: clock.now(), dryRun: switches.dryRun, detail });
    } catch (e) {
      telemetry.warn('could not record the outcome of an action', { key, epoch, outcome, error: String(e) });
    }
  }

  private remember(key: string, claim: ActionClaim): void {
    if (this.lease) this.lease = { ...this.lease, actions: { ...this.lease.actions, [key]: claim } };
  }

  private refused(key: string, why: string): Outcome {
    this.deps.telemetry.warn('refused: no longer the leader', { key, why, epoch: this.lease?.epoch });
    this.deps.telemetry.metric('RefusedStaleActions', 1);
    this.lease = undefined;
    return 'refused';
  }

  /** Runs a fenced lease write; on StaleLeaderError, stops leading and returns undefined. */
  private async fenced<T>(write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (e) {
      if (!(e instanceof StaleLeaderError)) throw e;
      this.refused('lease write', e.message);
      return undefined;
    }
  }

  /** Records that the target leaves its group during `incidentId`, or is back (undefined). */
  private async saveRegistration(target: MonitoredTarget, incidentId: string | undefined): Promise<boolean> {
    if (!this.lease) return false;
    const next: StoredTarget = { ...this.storedOf(target), deregistered: incidentId !== undefined, deregisteredIn: incidentId };
    const saved = await this.deps.states.saveRegistration(next, this.lease.epoch, incidentId);
    if (saved) this.targets.set(target.id, next);
    return saved;
  }

  private emitStateMetrics(switches: Switches): void {
    const { telemetry, breakers = [] } = this.deps;
    telemetry.metric('Paused', switches.paused ? 1 : 0, 'None');
    telemetry.metric('DryRun', switches.dryRun ? 1 : 0, 'None');
    telemetry.metric('CircuitsOpen', breakers.filter((b) => b.state !== 'CLOSED').length, 'None');
    telemetry.metric('CallsRefused', breakers.reduce((n, b) => n + b.takeRefused(), 0));
    const statuses = this.monitored.map((t) => this.stateOf(t).status);
    telemetry.metric('LeaderHeartbeat', 1);
    telemetry.metric('LeaderEpoch', this.lease?.epoch ?? 0, 'None');
    telemetry.metric('TargetsUp', statuses.filter((s) => s === 'UP').length);
    telemetry.metric('TargetsDown', statuses.filter((s) => s === 'DOWN').length);
    telemetry.metric('TargetsUnknown', statuses.filter((s) => s === 'UNKNOWN').length);
  }

  private stateOf(target: MonitoredTarget) {
    return this.targets.get(target.id) ?? INITIAL_STATE;
  }

  private storedOf(target: MonitoredTarget): StoredTarget {
    return this.targets.get(target.id) ?? { ...INITIAL_STATE, id: target.id, group: target.group, host: target.host, port: target.port, deregistered: false };
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
