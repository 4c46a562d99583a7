/**
 * One target group, reconciled: from the tracked health of its targets, which of them belong in
 * the group and which alerts are owed; then ELB is brought to that, and each change is settled by
 * reading ELB back rather than by trusting the call.
 *
 * ELB has no conditional write, so nothing fences a deregistration at ELB itself. What keeps it
 * safe: the intent (the target is out, in which incident) is written to the target's item, fenced
 * by the epoch, before the call, so a call that times out is never taken as not made; the next
 * listing settles it; a call whose outcome was never seen is watched for as long as AWS may still
 * apply it, and what it may have undone is put right; the monitor only ever puts back an address
 * it took out itself (or may have), and forgets one that stayed away past the retention (it was
 * replaced, and its address may be reused). Past the ejection cap it takes nothing more out.
 */
import type { Alerts } from './alerts';
import { landingMarginMs, mayLandUntil } from './contract';
import { FlapDamper, ejection } from './guardrails';
import { LeaderContext, actingLease, budgetUsed, fenced, record, spend } from './leader';
import { Incident } from './lease';
import { MonitoredTarget, Switches, refusedByService } from './ports';
import { StoredTarget } from './state-store';
import { TargetState } from './tracker';

/** The targets the monitor tracks, shared with the loop. */
export interface TargetBook {
  stateOf(t: MonitoredTarget): TargetState;
  storedOf(t: MonitoredTarget): StoredTarget;
  /** Writes the target's registration (fenced by the epoch); false when a later epoch wrote it. */
  saveRegistration(t: MonitoredTarget, incidentId: string | undefined): Promise<boolean>;
  /** Records until when a change of the target whose outcome is unknown may still land (undefined: none can); false when a later epoch wrote it. */
  saveLate(t: MonitoredTarget, late: { readonly until: number; readonly out: boolean } | undefined): Promise<boolean>;
  forget(t: MonitoredTarget): Promise<boolean>;
  /** ELB's state of the target at the latest listing; undefined when it is not listed or unknown. */
  elbState(t: MonitoredTarget): string | undefined;
  /** Whether a listing of the target's group was made after `since` (monotonic). */
  listedSince(t: MonitoredTarget, since: number): boolean;
  /** Lists the groups again at the next cycle, to settle a call whose outcome is unknown. */
  readBack(): void;
}

/** Incident ids are `<group>@<ISO time>/e<epoch>`. */
export function incidentId(group: string, at: number, epoch: number): string {
  return `${group}@${new Date(at).toISOString()}/e${epoch}`;
}

export class GroupReconciler {
  /** The last ELB call this leader made per target: when it was sent (monotonic), and whether its outcome is unknown. */
  private readonly calls = new Map<string, { readonly kind: 'deregister' | 'register'; readonly sentAt: number; readonly unknown: boolean }>();
  /** Deregistrations already counted against the budget: `<target>#<incident>`. */
  private readonly spent = new Set<string>();
  /** Decisions not to act already logged, once per DOWN transition: `<target>@<lastChangeAt>`. */
  private readonly said = new Set<string>();
  /** Groups in which, this cycle, a DOWN target stayed in because the ejection cap was reached. */
  private readonly pastCap = new Set<string>();

  constructor(
    private readonly ctx: LeaderContext,
    private readonly book: TargetBook,
    private readonly alerts: Alerts,
    private readonly damper: FlapDamper,
  ) {}

  /** @returns false when this contender turned out not to lead any more */
  public async reconcile(group: string, members: MonitoredTarget[], switches: Switches, detail: (t: MonitoredTarget) => string): Promise<boolean> {
    const { ctx, book } = this;
    const { config } = ctx;
    const down = members.filter((t) => book.stateOf(t).status === 'DOWN');
    let incident: Incident | undefined = actingLease(ctx)?.incidents[group];
    if (down.length > 0 && !incident) {
      incident = await openIncident(ctx, group, group);
      if (!incident) return false;
    }
    const topic = config.actions.alertTopicArn;
    if (incident && topic) {
      // An alert sent again after its targets came back says so rather than "0 of n down".
      const subject = `[${config.monitorId}] ${group}: ${down.length > 0 ? `${down.length} of ${members.length} targets down` : `targets were down, all ${members.length} are up again`}`;
      const body = `Incident ${incident.id}\n${down.map((t) => `${t.id}: ${detail(t)}`).join('\n')}`;
      if (!(await this.alert(`alert#${incident.id}`, group, incident, topic, subject, body, switches))) return false;
    }
    if (config.actions.deregister) {
      this.pastCap.delete(group);
      for (const target of members) {
        if ((await this.step(target.id, () => this.reconcileTarget(target, members, incident, switches))) === false) return false;
      }
      if (incident && topic && this.pastCap.has(group)) {
        const out = members.filter((t) => book.storedOf(t).deregistered).length;
        const subject = `[${config.monitorId}] ${group}: ejection cap reached, ${down.length} of ${members.length} targets down`;
        const body = `Incident ${incident.id}\nThe monitor took out ${out} of ${members.length} targets, its cap of ${config.actions.maxEjectPercent} %, and leaves `
          + `the other ${down.length - out} DOWN targets registered: ELB routes only to the targets its own checks find healthy, and to all of them when none is (fail open).`;
        if (!(await this.alert(`cap#${incident.id}`, group, incident, topic, subject, body, switches))) return false;
      }
    }
    if (!incident) return true;
    return this.closeIfOver(group, incident, members, switches);
  }

  /**
   * Sends an alert of the incident unless it went out (a step: a failure is taken up again next
   * cycle). @returns false when this contender turned out not to lead any more
   */
  private async alert(key: string, group: string, incident: Incident, topic: string, subject: string, body: string, switches: Switches): Promise<boolean> {
    const sent = await this.step(key, () => this.alerts.send(key, group, incident.id, switches,
      (dedup) => this.ctx.actions.alert(topic, subject, body, dedup, switches.dryRun)));
    return sent !== 'refused';
  }

  private async reconcileTarget(target: MonitoredTarget, members: MonitoredTarget[], incident: Incident | undefined, switches: Switches): Promise<boolean> {
    const { ctx, book } = this;
    if (!target.targetGroupArn || !target.elbTarget) return true;
    const status = book.stateOf(target).status;
    const stored = book.storedOf(target);
    const now = ctx.clock.elapsed();
    if (stored.deregistered && status !== 'UP' && await this.forgetIfReplaced(target, stored)) return true;
    if (switches.dryRun) return this.dryRun(target, status, stored, members, incident);
    const late = await this.watchLate(target, stored, status, switches);
    if (late !== undefined) return late;
    if (status === 'DOWN' && incident) {
      const listedActive = (s: string | undefined) => s !== undefined && s !== 'draining';
      // Already out: send again only when a listing made after the last call still shows it in.
      const resend = stored.deregistered && listedActive(book.elbState(target)) && book.listedSince(target, this.calls.get(target.id)?.sentAt ?? -Infinity);
      if (stored.deregistered && !resend) return true;
      if (!stored.deregistered && !this.mayEject(target, members)) return true;
      if (!this.settledOpposite(target, 'deregister')) return true;
      if (!ctx.election.acting) return false;
      if (!stored.deregistered && !(await book.saveRegistration(target, incident.id))) return this.lostTarget(target);
      return this.call(target, 'deregister', `deregister#${target.id}#${incident.id}`, switches);
    }
    if (status === 'UP' && stored.deregistered) {
      if (this.damper.suppressed(target.id, now)) {
        ctx.telemetry.metric('HeldBack', 1);
        return true;
      }
      if (!this.settledOpposite(target, 'register')) return true;
      if (!ctx.election.acting) return false;
      return this.call(target, 'register', `register#${target.id}#${stored.deregisteredIn ?? incident?.id}`, switches);
    }
    return true;
  }

  /**
   * A target taken out that stayed away past the retention was replaced: it is forgotten, once a
   * listing made now shows it out of its group (gone, or draining after its deregistration).
   * @returns whether it was forgotten
   */
  private async forgetIfReplaced(target: MonitoredTarget, stored: StoredTarget): Promise<boolean> {
    const { ctx, book } = this;
    const away = ctx.clock.now() - (stored.removedAt ?? ctx.clock.now());
    if (away <= ctx.config.actions.removedRetentionMs) return false;
    const state = book.elbState(target);
    if (state !== undefined && state !== 'draining') {
      book.readBack();
      return false;
    }
    if (!(await book.forget(target))) return false;
    ctx.telemetry.warn('forgot a target taken out long ago: it was not seen again', { target: target.id, awayMs: away });
    ctx.telemetry.metric('ForgottenTargets', 1);
    return true;
  }

  /**
   * In dry run nothing is changed, neither in ELB nor in the monitor's own record of what it
   * took out: each call it would make goes to the actions in dry run (which log it) once per
   * verdict, and into the ledger.
   */
  private async dryRun(target: MonitoredTarget, status: string, stored: StoredTarget, members: MonitoredTarget[], incident: Incident | undefined): Promise<boolean> {
    const kind = status === 'DOWN' && incident && !stored.deregistered ? 'deregister' : status === 'UP' && stored.deregistered ? 'register' : undefined;
    if (!kind || (kind === 'deregister' && !this.mayEject(target, members))) return true;
    const once = `dry-run ${kind} ${target.id}@${this.book.stateOf(target).lastChangeAt}`;
    if (this.said.has(once)) return true;
    this.said.add(once);
    await this.ctx.actions[kind](target.targetGroupArn!, target.elbTarget!, true);
    await record(this.ctx, `${kind}#${target.id}#${incident?.id ?? stored.deregisteredIn}`, 'done', true);
    return true;
  }

  /**
   * A change of the target whose outcome was never seen may still land until `lateUntil` (AWS
   * accepts a signed request for that long): its group is listed every few cycles meanwhile, and
   * the first listing after the window ends the watch (see the monitor's discovery). Until then,
   * a target the monitor may have taken out that is UP and no longer listed in its group, after a
   * listing made since this leader's last call on it, is put back. Targets others removed, with
   * no such change on them, are never touched.
   * @returns undefined when the rest of the reconciliation applies
   */
  private async watchLate(target: MonitoredTarget, stored: StoredTarget, status: string, switches: Switches): Promise<boolean | undefined> {
    const { ctx, book } = this;
    if (stored.lateUntil === undefined || !stored.lateOut || status !== 'UP' || stored.deregistered) return undefined;
    const state = book.elbState(target);
    if ((state !== undefined && state !== 'draining') || !book.listedSince(target, this.calls.get(target.id)?.sentAt ?? -Infinity)) return undefined;
    if (!ctx.election.acting) return false;
    ctx.telemetry.warn('a healthy target is out of its group, and a deregistration of the monitor\'s may have landed late: putting it back', { target: target.id, elbState: state });
    return this.call(target, 'register', `register#${target.id}#late`, switches);
  }

  /**
   * Whether a call of the other kind whose outcome is unknown can no longer land after `kind`:
   * a listing was made after the latest moment it could land (its timeout plus the landing
   * margin). Until then, the opposite call waits, so that the two cannot land out of order.
   */
  private settledOpposite(target: MonitoredTarget, kind: 'deregister' | 'register'): boolean {
    const last = this.calls.get(target.id);
    if (!last || !last.unknown || last.kind === kind) return true;
    const latestLanding = last.sentAt + this.ctx.config.callTimeoutMs + landingMarginMs(this.ctx.config);
    if (this.book.listedSince(target, latestLanding)) return true;
    if (this.ctx.clock.elapsed() > latestLanding) this.book.readBack();
    return false;
  }

  /**
   * One step of the reconciliation. A call that fails here (a write whose answer was lost, a
   * throttled read) ends this step, not the cycle: the others still run, and the next cycle
   * takes this one up again from what it reads.
   */
  private async step<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (e) {
      this.ctx.telemetry.warn('step failed; the next cycle takes it up again', { what, error: String(e) });
      this.ctx.telemetry.metric('CycleErrors', 1);
      return undefined;
    }
  }

  /** The guardrails and the budget, for taking `target` out. */
  private mayEject(target: MonitoredTarget, members: MonitoredTarget[]): boolean {
    const { ctx, book } = this;
    const verdict = ejection({
      members, candidate: target,
      isOut: (t) => book.storedOf(t).deregistered,
      isUp: (t) => book.stateOf(t).status === 'UP',
      maxEjectPercent: ctx.config.actions.maxEjectPercent,
    });
    if (!verdict.eject) {
      const failOpen = verdict.why === 'last healthy target';
      if (!failOpen) this.pastCap.add(target.group);
      // Counted every cycle it holds; said once per DOWN transition.
      ctx.telemetry.metric(failOpen ? 'SkippedFailOpen' : 'HeldBack', 1);
      const once = `${target.id}@${book.stateOf(target).lastChangeAt}`;
      if (!this.said.has(once)) {
        this.said.add(once);
        if (failOpen) ctx.telemetry.warn('not deregistering: no other healthy target in its group (failing open)', { target: target.id });
        else ctx.telemetry.warn(`not deregistering beyond ${ctx.config.actions.maxEjectPercent} % of the group: routing is left to ELB`, { target: target.id, elbState: book.elbState(target) });
      }
      return false;
    }
    if (budgetUsed(ctx, 'elb') >= ctx.config.actions.maxActions) {
      ctx.telemetry.warn('action cap reached', { target: target.id, cap: ctx.config.actions.maxActions });
      ctx.telemetry.metric('CappedActions', 1);
      return false;
    }
    return true;
  }

  private async call(target: MonitoredTarget, kind: 'deregister' | 'register', key: string, switches: Switches): Promise<boolean> {
    const { ctx, book } = this;
    // The last check before the call leaves: the intent write before it may have taken long.
    if (!ctx.election.acting) return false;
    const sentAt = ctx.clock.elapsed();
    const sentAtWall = ctx.clock.now();
    this.calls.set(target.id, { kind, sentAt, unknown: false });
    try {
      await ctx.actions[kind](target.targetGroupArn!, target.elbTarget!, switches.dryRun);
    } catch (e) {
      const refused = refusedByService(e);
      if (!refused) {
        this.calls.set(target.id, { kind, sentAt, unknown: true });
        await this.mayLandLate(target, kind, sentAtWall);
      }
      ctx.telemetry.error('action failed', { key, refused, error: String(e) });
      ctx.telemetry.metric(refused ? 'ActionFailures' : 'UnknownOutcomes', 1);
      await record(ctx, key, refused ? 'failed' : 'unknown', switches.dryRun, String(e));
      // A refused deregistration was not made; an unknown one is settled by the next listing.
      if (kind === 'deregister' && refused) await book.saveRegistration(target, undefined);
      book.readBack();
      return true;
    }
    ctx.telemetry.info('action taken', { key, epoch: ctx.election.lease?.epoch, dryRun: switches.dryRun });
    ctx.telemetry.metric('Actions', 1);
    await record(ctx, key, 'done', switches.dryRun);
    if (kind === 'register') {
      await book.saveRegistration(target, undefined);
      return true;
    }
    this.damper.fell(target.id, ctx.clock.elapsed());
    if (this.spent.has(key)) return true;
    this.spent.add(key);
    return spend(ctx, 'elb');
  }

  /** Remembers, in the target's item, that a call sent at `sentAtWall` may land until AWS stops accepting it. */
  private async mayLandLate(target: MonitoredTarget, kind: 'deregister' | 'register', sentAtWall: number): Promise<void> {
    const stored = this.book.storedOf(target);
    const until = Math.max(stored.lateUntil ?? 0, mayLandUntil(this.ctx.config, sentAtWall));
    // Kept in memory even when the write fails; the write is made again at the next unknown outcome.
    await this.book.saveLate(target, { until, out: stored.lateOut === true || kind === 'deregister' }).catch((e) => {
      this.ctx.telemetry.warn('could not record a change that may still land', { target: target.id, error: String(e) });
    });
  }

  /** A later epoch wrote the target: this contender is deposed. */
  private lostTarget(target: MonitoredTarget): boolean {
    this.ctx.telemetry.warn('refused: a later leader wrote the target', { target: target.id });
    this.ctx.telemetry.metric('RefusedStaleActions', 1);
    this.ctx.election.depose();
    return false;
  }

  /**
   * Over when every target is up and back in its group, the incident's alerts went out, and no
   * earlier leader may still send one of them: then the recovery alert, then the close.
   */
  private async closeIfOver(group: string, incident: Incident, members: MonitoredTarget[], switches: Switches): Promise<boolean> {
    const { ctx, book } = this;
    const down = members.some((t) => book.stateOf(t).status !== 'UP');
    if (down || members.length === 0 || members.some((t) => book.storedOf(t).deregistered)) return true;
    if (await this.alerts.othersMayAct(incident.id)) return true;
    const topic = ctx.config.actions.alertTopicArn;
    if (topic) {
      // The recovery follows the incident's alerts: it waits until each of them went out.
      const key = `recovery#${incident.id}`;
      if (!this.alerts.settled(`alert#${incident.id}`) || !this.alerts.sentBefore(incident.id, key)) return true;
      const sent = await this.alerts.send(key, group, incident.id, switches, (dedup) => ctx.actions.alert(topic,
        `[${ctx.config.monitorId}] ${group}: recovered`, `Incident ${incident.id} is over: all ${members.length} targets are up.`, dedup, switches.dryRun));
      if (sent === 'refused') return false;
      if (!this.alerts.settled(key)) return true;
    }
    return closeIncident(ctx, group, incident);
  }
}

/**
 * Opens an incident for `group` under this epoch, its id naming `label`; the one already open when
 * there is one. Undefined when this contender no longer leads.
 */
export async function openIncident(ctx: LeaderContext, group: string, label: string): Promise<Incident | undefined> {
  const lease = actingLease(ctx);
  if (!lease) return undefined;
  const now = ctx.clock.now();
  const opened: Incident = { id: incidentId(label, now, lease.epoch), openedAt: now };
  const incident = await fenced(ctx, `open incident ${opened.id}`, (l) => ctx.leases.openIncident(l, group, opened));
  if (incident) ctx.election.update((l) => ({ ...l, incidents: { ...l.incidents, [group]: incident } }));
  return incident;
}

/** Removes the incident and its claims from the lease item. */
export async function closeIncident(ctx: LeaderContext, group: string, incident: Incident): Promise<boolean> {
  const keys = Object.keys(ctx.election.lease?.actions ?? {}).filter((k) => k.endsWith(`#${incident.id}`));
  const closed = await fenced(ctx, `close incident ${incident.id}`, async (l) => {
    await ctx.leases.closeIncident(l, group, incident.id, keys);
    return true;
  });
  if (!closed) return false;
  ctx.election.update((l) => {
    const { [group]: _, ...incidents } = l.incidents;
    return { ...l, incidents, actions: Object.fromEntries(Object.entries(l.actions).filter(([k]) => !k.endsWith(`#${incident.id}`))) };
  });
  return true;
}
