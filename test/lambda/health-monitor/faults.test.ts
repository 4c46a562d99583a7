import { RecordSet, lateReadPeriodMs } from '../../../lambda/health-monitor/contract';
import type { MonitoredTarget, SwitchSource } from '../../../lambda/health-monitor/ports';
import { StoredTarget, TargetStateStore } from '../../../lambda/health-monitor/state-store';
import { FailClosedSwitches, TableSwitches } from '../../../lambda/health-monitor/switches';
import { RecordingTelemetry } from '../../../lambda/health-monitor/telemetry';
import { Contender, World, contender, delay, freezable, ipTargets, leaseStore, seeded, waitFor } from './harness';
import { last, monitorSession } from './session';
import { Simulation, onTimeline } from './sim';
import { EffectKind, Fault, serviceError, timeoutError } from './world';

/**
 * The fault model, one fault at a time: each test injects one line of it into one leader (or
 * two) and checks what the world ends up with.
 */

const session = monitorSession();
const { configFor, start, leading } = session;
const db = () => session.dynamo.db;

const record = (value: string): RecordSet => ({ Name: 'api.example.com.', Type: 'A', SetIdentifier: 'primary', Failover: 'PRIMARY', TTL: 60, ResourceRecords: [{ Value: value }] });
const DNS = { hostedZoneId: 'Z0123456789', triggerGroups: ['api'], primaryRecord: record('192.0.2.10'), failoverRecord: record('198.51.100.10') };

/** A world whose failover name answers with the primary. */
function withName(): World {
  const world = new World();
  world.watchName('api.example.com.', '192.0.2.10');
  return world;
}

/** Faults for the next calls of some kinds, in order; each call of another kind goes through. */
function script(world: World, plan: Partial<Record<EffectKind | 'read' | 'dynamodb', Fault[]>>, lateMs = 1500): void {
  world.faults = {
    pick: (kind) => plan[kind]?.shift(),
    lateMs: () => lateMs,
  };
}

describe('Route 53: fenced at the resource', () => {
  /** Contenders on a simulated timeline, where a late batch lands exactly when it is set to, however busy the machine. */
  async function onSimulation(body: (ctx: { sim: Simulation; world: World; config: Awaited<ReturnType<typeof configFor>>; start: (name: string) => Contender }) => Promise<void>) {
    const config = await configFor({ dns: DNS });
    const sim = new Simulation();
    const time = onTimeline(sim);
    const world = new World(sim.worldTime);
    world.watchName('api.example.com.', '192.0.2.10');
    const targets = ipTargets('api', 2);
    const running: Array<{ c: Contender; run: Promise<void> }> = [];
    const startOne = (name: string) => {
      const c = contender({ name, config, db: db(), world, targets, ...time, random: seeded(name.length) });
      running.push({ c, run: c.monitor.runInvocation(sim.now + 20_000) });
      return c;
    };
    await sim.run((async () => {
      try {
        await body({ sim, world, config, start: startOne });
      } finally {
        running.forEach(({ c }) => c.monitor.stop());
        await Promise.all(running.map((r) => r.run));
      }
    })(), 60_000);
  }

  test('a failover batch that times out and lands after the restore changes nothing: the name stays on the primary', async () => {
    await onSimulation(async ({ sim, world, start }) => {
      const c = start('c1');
      await sim.waitFor('targets up', () => last(c.telemetry, 'TargetsUp') === 2, 5000);
      // The failover batch times out and lands 3 s later, after the restore; every later batch goes through.
      script(world, { upsert: ['late'] }, 3000);
      const targets = ipTargets('api', 2);
      targets.forEach((t) => world.setHealthy(t, false));
      await sim.waitFor('the failover', () => world.answerOf('api.example.com') === '198.51.100.10', 5000);
      targets.forEach((t) => world.setHealthy(t, true));
      await sim.waitFor('the restore', () => world.answerOf('api.example.com') === '192.0.2.10', 5000);
      await world.settle();
      await sim.after(200);
      expect(world.answerOf('api.example.com')).toBe('192.0.2.10');
      expect(world.faultsInjected).toBe(1);
      // The late batch never landed: its DELETE named a token that had moved on.
      expect(world.of('upsert').filter((a) => a.changed).map((a) => a.what)).toEqual(['198.51.100.10', '192.0.2.10']);
      expect(world.staleBatchesRefused).toBe(1);
    });
  });

  test('a deposed leader\'s failover landing after the new leader took over changes nothing', async () => {
    await onSimulation(async ({ sim, world, config, start }) => {
      const a = start('a');
      await sim.waitFor('targets up', () => last(a.telemetry, 'TargetsUp') === 2, 5000);
      script(world, { upsert: ['late'] }, 2500);
      const targets = ipTargets('api', 2);
      targets.forEach((t) => world.setHealthy(t, false));
      // a's failover is in flight; a dies; b takes over, fences the name with its epoch and, with
      // the targets back, keeps it on the primary.
      await sim.waitFor('a sent the failover', () => world.faultsInjected === 1, 5000);
      a.kill();
      const b = start('b');
      await sim.waitFor('b leads', () => b.monitor.epoch === 2, 5000);
      // b fails the name over with its own epoch's token, then restores it.
      await sim.waitFor('b failed the name over', () => world.answerOf('api.example.com') === '198.51.100.10', 5000);
      targets.forEach((t) => world.setHealthy(t, true));
      await sim.waitFor('b restored it', () => world.answerOf('api.example.com') === '192.0.2.10', 5000);
      await world.settle();
      await sim.waitFor('incidents closed', async () => Object.keys((await sim.io(0, () => leaseStore(db(), config).read()))!.incidents).length === 0, 5000);
      expect(world.answerOf('api.example.com')).toBe('192.0.2.10');
      expect(world.actions.filter((x) => x.by === 'a' && x.resource.startsWith('dns:'))).toEqual([]);
      expect(world.staleBatchesRefused).toBe(1);
    });
  });
});

describe('ELB: reconciled, never assumed', () => {
  test('a deregistration applied but answered with a timeout is not lost: the target is put back when it recovers', async () => {
    // Back UP after one good probe, so that no later deregistration happens to set things right.
    const { world, targets, c } = await leading(3, { probe: { healthyThreshold: 1 } });
    script(world, { deregister: ['lost'] });
    world.setHealthy(targets[0], false);
    await waitFor('out of its group', () => !world.inGroup(targets[0]));
    world.setHealthy(targets[0], true);
    await waitFor('the recovery alert', () => world.of('alert').length === 2, 5000);
    expect(world.inGroup(targets[0])).toBe(true);
    // The recovery was said only once the target was back in.
    const recovered = world.of('alert')[1];
    const registered = world.of('register').find((r) => r.changed)!;
    expect(registered.landedAt).toBeLessThanOrEqual(recovered.landedAt);
    expect(c.telemetry.sum('UnknownOutcomes')).toBe(1);
  });

  test('a deregistration held inside AWS past the landing margin lands after the target was put back: the monitor puts it back again', async () => {
    const { config, world, targets, c } = await leading(3, { probe: { healthyThreshold: 1 } });
    // Held 3 s: far past the call timeout and the landing margin (0.2 + 0.3 s here).
    script(world, { deregister: ['late'] }, 3000);
    world.setHealthy(targets[0], false);
    await waitFor('the deregistration sent', () => world.faultsInjected === 1, 5000);
    world.setHealthy(targets[0], true);
    // The leader puts it back once the opposite call's landing margin has passed: a no-op, since
    // the deregistration has not landed yet.
    await waitFor('put back', () => world.of('register').length === 1, 5000);
    expect(world.of('register')[0].changed).toBe(false);
    await world.settle();
    expect(world.of('deregister').map((d) => d.changed)).toEqual([true]);
    // The late one landed: the healthy target is out, by the monitor's own doing; it goes back.
    await waitFor('back in its group', () => world.inGroup(targets[0]), 10 * lateReadPeriodMs(config));
    const [late] = world.of('deregister');
    const again = world.of('register').filter((r) => r.changed);
    expect(again).toHaveLength(1);
    expect(again[0].at).toBeGreaterThan(late.landedAt);
    expect(c.telemetry.sum('UnknownOutcomes')).toBe(1);
  });

  /** One leader on a simulated timeline, with 1 s probes, so that 16 minutes pass in seconds; `body` gets the target's stored item. */
  async function overMinutes(body: (ctx: { sim: Simulation; world: World; targets: MonitoredTarget[]; stored: () => Promise<StoredTarget | undefined> }) => Promise<void>) {
    const config = await configFor({
      probe: { intervalMs: 1000, timeoutMs: 200, downIntervalMs: 1000 }, lease: { durationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 }, callTimeoutMs: 500,
      discoveryIntervalMs: 30_000,
    });
    const sim = new Simulation();
    const world = new World(sim.worldTime);
    const targets = ipTargets('api', 3);
    const c = contender({ name: 'c1', config, db: db(), world, targets, ...onTimeline(sim), random: seeded(1) });
    const stored = async () => (await sim.io(0, () => new TargetStateStore(db(), config.tableName, config.monitorId).loadAll())).get(targets[0].id);
    const run = c.monitor.runInvocation(sim.now + 20 * 60_000);
    await sim.run((async () => {
      await sim.waitFor('targets up', () => last(c.telemetry, 'TargetsUp') === 3, 30_000);
      await body({ sim, world, targets, stored });
      c.monitor.stop();
      await run;
    })(), 25 * 60_000);
  }

  /** Waits until the stored watch is over, or 17 minutes after `sentAt`. */
  async function watchOver(sim: Simulation, stored: () => Promise<StoredTarget | undefined>, sentAt: number): Promise<void> {
    while ((await stored())?.lateUntil !== undefined && sim.now - sentAt < 17 * 60_000) await sim.after(10_000);
  }

  test('the watch over a deregistration that may still land is kept in the target\'s item and ends once AWS can no longer apply it', async () => {
    await overMinutes(async ({ sim, world, targets, stored }) => {
      script(world, { deregister: ['lost'] });
      world.setHealthy(targets[0], false);
      await sim.waitFor('out of its group', () => !world.inGroup(targets[0]), 30_000);
      const sentAt = world.of('deregister')[0].at;
      world.setHealthy(targets[0], true);
      await sim.waitFor('back in its group', () => world.inGroup(targets[0]), 30_000);
      expect((await stored())?.lateUntil).toBeGreaterThan(sentAt + 15 * 60_000);
      expect((await stored())?.lateOut).toBe(true);
      // 15 minutes and a call timeout after it was sent, and one listing later, the watch is over.
      await watchOver(sim, stored, sentAt);
      expect((await stored())?.lateUntil).toBeUndefined();
      expect(sim.now - sentAt).toBeGreaterThan(15 * 60_000);
      expect(world.inGroup(targets[0])).toBe(true);
    });
  });

  test('the watch over a registration that may still land ends too when others took the target away meanwhile', async () => {
    await overMinutes(async ({ sim, world, targets, stored }) => {
      world.setHealthy(targets[0], false);
      await sim.waitFor('out of its group', () => !world.inGroup(targets[0]), 30_000);
      script(world, { register: ['lost'] });
      world.setHealthy(targets[0], true);
      await sim.waitFor('the registration sent', () => world.of('register').length >= 1, 30_000);
      const sentAt = world.of('register')[0].at;
      await sim.waitFor('settled as registered', async () => (await stored())?.deregistered === false, 30_000);
      expect((await stored())?.lateOut).toBe(false);
      // ECS replaces the task: its target leaves the group, and the monitor no longer lists it.
      world.replace(targets[0]);
      await watchOver(sim, stored, sentAt);
      expect((await stored())?.lateUntil).toBeUndefined();
      expect(world.inGroup(targets[0])).toBe(false);
    });
  });

  test('a target that others took out, with no change of the monitor\'s that may still land, is left out', async () => {
    const { config, world, targets } = await leading(3);
    // ECS replaces a healthy task: its target leaves the group.
    world.replace(targets[0]);
    await delay(10 * lateReadPeriodMs(config));
    expect(world.inGroup(targets[0])).toBe(false);
    expect(world.of('register')).toEqual([]);
  });

  test('a target removed and never seen again is forgotten after the retention: its incident ends, and its address is never put back', async () => {
    const { config, world, targets, c } = await leading(3, { actions: { removedRetentionMs: 300 } });
    world.setHealthy(targets[0], false);
    await waitFor('out of its group', () => !world.inGroup(targets[0]));
    // Replaced: the task is gone for good; its address may be reused later by another task.
    await waitFor('the incident over', () => world.of('alert').length === 2, 5000);
    expect(c.telemetry.sum('ForgottenTargets')).toBe(1);
    world.setHealthy(targets[0], true);
    await delay(10 * config.probe.intervalMs);
    expect(world.inGroup(targets[0])).toBe(false);
    expect(world.of('register')).toEqual([]);
  });

  test('nine of ten failing at once, ELB agreeing: the monitor takes out half, alerts once that the cap is reached, and leaves the rest to ELB', async () => {
    const { config, world, targets, c } = await leading(10);
    // ELB's own checks agree that all nine are unhealthy: the cap holds all the same.
    targets.slice(0, 9).forEach((t) => world.setHealthy(t, false));
    await waitFor('nine down', () => last(c.telemetry, 'TargetsDown') === 9);
    await waitFor('the cap alert', () => world.of('alert').length === 2, 5000);
    await delay(10 * config.probe.intervalMs);
    expect(world.of('deregister')).toHaveLength(5);
    expect(targets.filter((t) => world.inGroup(t))).toEqual([...targets.slice(5)]);
    expect(c.telemetry.sum('HeldBack')).toBeGreaterThan(0);
    const [alert, cap] = world.of('alert');
    expect(alert.what).toMatch(/: \d of 10 targets down$/);
    expect(cap.what).toBe('[test-monitor] api: ejection cap reached, 9 of 10 targets down');
    expect(cap.message).toContain('took out 5 of 10 targets, its cap of 50 %, and leaves the other 4 DOWN targets registered');
    expect(cap.message!.split('\n')[0]).toBe(alert.message!.split('\n')[0]);
    // The last healthy one fails too: nothing more goes out, and the cap is not said again.
    world.setHealthy(targets[9], false);
    await waitFor('all down', () => last(c.telemetry, 'TargetsDown') === 10);
    await delay(10 * config.probe.intervalMs);
    expect(world.of('deregister')).toHaveLength(5);
    expect(world.of('alert')).toHaveLength(2);
    // They come back: each goes back in, and the recovery follows both alerts.
    targets.forEach((t) => world.setHealthy(t, true));
    await waitFor('the recovery', () => world.of('alert').length === 3, 5000);
    expect(world.of('alert')[2].what).toBe('[test-monitor] api: recovered');
    expect(targets.every((t) => world.inGroup(t))).toBe(true);
  });

  test('the name does not fail over while ELB calls a trigger target healthy', async () => {
    const { config, world, targets, c } = await leading(2, { dns: DNS }, { world: withName() });
    world.elbOpinion.set(`${targets[1].host}:${targets[1].port}`, 'healthy');
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('both down', () => last(c.telemetry, 'TargetsDown') === 2);
    await delay(10 * config.probe.intervalMs);
    expect(world.answerOf('api.example.com')).toBe('192.0.2.10');
    world.elbOpinion.clear();
    await waitFor('the failover once ELB agrees', () => world.answerOf('api.example.com') === '198.51.100.10', 5000);
  });
});

describe('budgets', () => {
  test('a refused deregistration does not use the cap; a success does', async () => {
    // DynamoDB calls get 800 ms, not 200: on a busy machine a budget write that times out is not
    // counted (the cap counts successes), and the test would wait for a cap that never came.
    const { world, targets, c } = await leading(4, { actions: { maxActions: 1 }, lease: { durationMs: 3000, renewDeadlineMs: 2000 }, callTimeoutMs: 800 });
    world.failNext('deregister', 2);
    world.setHealthy(targets[0], false);
    await waitFor('taken out on the third try', () => world.of('deregister').length === 1, 5000);
    world.setHealthy(targets[1], false);
    await waitFor('capped', () => c.telemetry.sum('CappedActions') >= 1, 5000);
    expect(world.of('deregister')).toHaveLength(1);
  });

  test('deregistrations that used up their cap do not hold back the failover of the name', async () => {
    const { world, targets } = await leading(0, { dns: DNS, actions: { maxActions: 1 } }, { world: withName(), targets: [...ipTargets('api', 2), ...ipTargets('web', 3, 20)] });
    world.setHealthy(targets[2], false);
    await waitFor('the cap used', () => world.of('deregister').length === 1);
    targets.slice(0, 2).forEach((t) => world.setHealthy(t, false));
    await waitFor('the failover', () => world.answerOf('api.example.com') === '198.51.100.10', 5000);
  });

  test('a failover in dry run changes nothing, and spends nothing of the failover budget', async () => {
    const { config, world, targets } = await leading(2, { dns: DNS, actions: { dryRun: true } }, { world: withName() });
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('the would-be failover', () => world.of('upsert').length === 1, 5000);
    expect(world.of('upsert')[0]).toMatchObject({ dryRun: true, changed: false });
    expect(world.answerOf('api.example.com')).toBe('192.0.2.10');
    await delay(5 * config.probe.intervalMs);
    expect((await leaseStore(db(), config).read())?.budget).toEqual({});
  });

  test('a flapping target costs a few deregistrations, not one per flap: it is held out while it flaps', async () => {
    const { config, world, targets, c } = await leading(3, { probe: { healthyThreshold: 1, unhealthyThreshold: 1 } });
    for (let flap = 0; flap < 8; flap++) {
      world.setHealthy(targets[0], false);
      await delay(4 * config.probe.intervalMs);
      world.setHealthy(targets[0], true);
      await delay(4 * config.probe.intervalMs);
    }
    expect(world.of('deregister').length).toBeLessThanOrEqual(3);
    expect(world.inGroup(targets[0])).toBe(false);
    expect(c.telemetry.sum('HeldBack')).toBeGreaterThan(0);
  });
});

describe('alerts: exactly once', () => {
  test('an alert whose publish times out and lands late still comes first: it is sent again at once, and the recovery follows the targets within seconds', async () => {
    const { config, world, targets } = await leading(3);
    script(world, { alert: ['late'] }, 2500);
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('the alert sent again', () => world.of('alert').length === 1, 5000);
    targets.forEach((t) => world.setHealthy(t, true));
    const recoveredAt = Date.now();
    await waitFor('the recovery', () => world.of('alert').some((a) => a.what.endsWith(': recovered')), 10_000);
    const [first] = world.of('alert');
    const recovery = world.of('alert').find((a) => a.what.endsWith(': recovered'))!;
    expect(first.what).toBe('[test-monitor] api: 3 of 3 targets down');
    expect(first.landedAt).toBeLessThanOrEqual(recovery.landedAt);
    // Not a function timeout (10 s here) after the alert: a few probe intervals after the targets.
    expect(recovery.landedAt - recoveredAt).toBeLessThan(config.functionTimeoutMs / 2);
    // The late copy lands too: the same message, with the incident key a receiver drops it by.
    await world.settle();
    const copies = world.of('alert').filter((a) => a.what === first.what);
    expect(copies).toHaveLength(2);
    expect(copies[1].message).toBe(first.message);
    expect(first.message).toMatch(/^Incident api@\S+\/e1\n/);
  });

  test('a claim whose answer was lost is recognised as the leader\'s own, and the alert goes out once', async () => {
    const config = await configFor();
    const world = new World();
    const targets = ipTargets('api', 3);
    let lose = 1;
    const around = async <T>(call: () => Promise<T>, input: Record<string, unknown>): Promise<T> => {
      const out = await call();
      if (lose > 0 && input.UpdateExpression === 'SET actions.#k = :claim') {
        lose--;
        throw timeoutError();
      }
      return out;
    };
    const c = contender({ name: 'c1', config, db: db(), world, targets, around });
    start(c);
    await waitFor('targets up', () => last(c.telemetry, 'TargetsUp') === 3);
    world.setHealthy(targets[0], false);
    await waitFor('the alert', () => world.of('alert').length === 1, 5000);
    world.setHealthy(targets[0], true);
    await waitFor('the recovery', () => world.of('alert').length === 2, 5000);
    expect(lose).toBe(0);
    expect(world.of('alert').map((a) => a.what)).toEqual(['[test-monitor] api: 1 of 3 targets down', '[test-monitor] api: recovered']);
  });

  test('an alert whose deposed claimant sends it late still comes before the recovery: the new leader waits for it', async () => {
    const config = await configFor();
    const world = new World();
    const targets = ipTargets('api', 3);
    // a is frozen, once, just before its first alert leaves (after it claimed and marked it).
    const process = freezable();
    const beforeCall = async (kind: EffectKind | 'read') => {
      if (kind === 'alert' && process.until === 0) process.freeze(3 * config.lease.durationMs);
      await process.beforeCall(kind);
    };
    const a = contender({ name: 'a', config, db: db(), world, targets, clock: process.clock, around: process.around, beforeCall });
    start(a);
    await waitFor('targets up', () => last(a.telemetry, 'TargetsUp') === 3);
    world.setHealthy(targets[0], false);
    await waitFor('a froze on its alert', () => process.until > 0, 5000);
    const b = contender({ name: 'b', config, db: db(), world, targets });
    start(b);
    await waitFor('b leads', () => b.monitor.epoch === 2, 5000);
    world.setHealthy(targets[0], true);
    await waitFor('both alerts', () => world.of('alert').length === 2, 10_000);
    expect(world.of('alert').map((x) => `${x.by}: ${x.what}`)).toEqual(['a: [test-monitor] api: 1 of 3 targets down', 'b: [test-monitor] api: recovered']);
  });

  test('renewals answered late do not bring back closed incidents: two alerts per incident, none after recovery', async () => {
    const config = await configFor();
    const world = new World();
    const targets = ipTargets('api', 3);
    // Every renewal lands at once and is answered 250 ms later.
    const around = async <T>(call: () => Promise<T>, input: Record<string, unknown>): Promise<T> => {
      const out = await call();
      if (String(input.UpdateExpression).startsWith('SET rvn')) await delay(250);
      return out;
    };
    const c = contender({ name: 'c1', config, db: db(), world, targets, around });
    start(c);
    await waitFor('targets up', () => last(c.telemetry, 'TargetsUp') === 3);
    for (let i = 0; i < 4; i++) {
      world.setHealthy(targets[i % 3], false);
      await waitFor('the alert', () => world.of('alert').length === 2 * i + 1, 5000);
      world.setHealthy(targets[i % 3], true);
      await waitFor('the recovery', () => world.of('alert').length === 2 * i + 2, 5000);
    }
    await delay(10 * config.probe.intervalMs);
    expect(world.of('alert')).toHaveLength(8);
    expect(world.of('alert').filter((a) => a.what.includes(' 0 of '))).toEqual([]);
  });
});

describe('notifications reach the on-call', () => {
  const DOWN = '[test-monitor] api: 3 of 3 targets down';
  const UP = '[test-monitor] api: recovered';

  /** Every target dies and comes back, with SNS's answers to the alert and to the recovery faulted as given. */
  async function outage(plan: { alert?: Fault[]; recovery?: Fault[] }) {
    const { config, world, targets, c } = await leading(3);
    script(world, { alert: [...(plan.alert ?? [])] });
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('the alert', () => world.of('alert').length >= 1, 5000);
    await delay(10 * config.probe.intervalMs);
    script(world, { alert: [...(plan.recovery ?? [])] });
    targets.forEach((t) => world.setHealthy(t, true));
    const recoveredAt = Date.now();
    await waitFor('the recovery', () => world.of('alert').some((a) => a.what === UP), 10_000);
    await delay(10 * config.probe.intervalMs);
    const recovery = world.of('alert').find((a) => a.what === UP)!;
    return { config, world, c, recoveredAt, recovery, subjects: world.log };
  }

  test.each<[string, { alert?: Fault[]; recovery?: Fault[] }, string[]]>([
    ['the alert refused with 503 ServiceUnavailable: sent again, once', { alert: ['unavailable'] }, [DOWN, UP]],
    ['the alert throttled: sent again, once', { alert: ['refused'] }, [DOWN, UP]],
    ['the alert refused twice in a row: sent on the third try', { alert: ['unavailable', 'refused'] }, [DOWN, UP]],
    ['the alert delivered, its answer lost: sent again, a copy the receiver drops by its incident key', { alert: ['lost'] }, [DOWN, DOWN, UP]],
    ['the recovery refused with 503 ServiceUnavailable: sent again, once', { recovery: ['unavailable'] }, [DOWN, UP]],
    ['the recovery refused twice in a row: sent on the third try', { recovery: ['unavailable', 'unavailable'] }, [DOWN, UP]],
    ['the recovery delivered, its answer lost: sent again', { recovery: ['lost'] }, [DOWN, UP, UP]],
  ])('%s', async (_name, plan, expected) => {
    const { config, world, recoveredAt, recovery } = await outage(plan);
    expect(world.of('alert').map((a) => `alert ${a.what}`)).toEqual(expected.map((what) => `alert ${what}`));
    // Copies carry the same message, whose first line is the incident's key.
    const incident = world.of('alert')[0].message!.split('\n')[0];
    expect(incident).toMatch(/^Incident api@\S+\/e1$/);
    expect(world.of('alert').every((a) => a.message!.startsWith(`${incident}`))).toBe(true);
    // The recovery comes within seconds of the targets', not a function timeout (10 s) later.
    expect(recovery.landedAt - recoveredAt).toBeLessThan(config.functionTimeoutMs / 2);
  });

  test('an incident stays open while its alert cannot be sent: the recovery never comes first', async () => {
    const { config, world, targets } = await leading(3);
    script(world, { alert: ['unavailable', 'unavailable', 'unavailable', 'unavailable'] });
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('two refusals', () => world.faultsInjected >= 2, 5000);
    targets.forEach((t) => world.setHealthy(t, true));
    await waitFor('both sent', () => world.of('alert').length === 2, 10_000);
    await delay(10 * config.probe.intervalMs);
    expect(world.log).toEqual(['alert [test-monitor] api: targets were down, all 3 are up again', `alert ${UP}`]);
  });
});

describe('switches and discovery fail safe', () => {
  test('a paused monitor whose switch reads are throttled stays paused', async () => {
    const config = await configFor();
    const world = new World();
    const targets = ipTargets('api', 3);
    let throttled = false;
    const table = new TableSwitches(db(), config.tableName, config.monitorId, false);
    const flaky: SwitchSource = { read: () => (throttled ? Promise.reject(serviceError('ProvisionedThroughputExceededException', 400)) : table.read()) };
    const telemetry = new RecordingTelemetry();
    const switches = new FailClosedSwitches('table', flaky, telemetry);
    await db().send(new (await import('@aws-sdk/lib-dynamodb')).PutCommand({ TableName: config.tableName, Item: { pk: config.monitorId, sk: 'switches', paused: true } }));
    const c = contender({ name: 'c1', config, db: db(), world, targets, switches });
    start(c);
    await waitFor('paused', () => last(c.telemetry, 'Paused') === 1);
    throttled = true;
    world.setHealthy(targets[0], false);
    await delay(15 * config.probe.intervalMs);
    expect(world.actions).toEqual([]);
    expect(telemetry.sum('SwitchReadErrors')).toBeGreaterThan(5);
  });

  test('discovery failing: the leader probes the targets it knew, counts the errors, and says it is blind', async () => {
    const config = await configFor();
    const world = new World();
    const targets = ipTargets('api', 3);
    const a = contender({ name: 'a', config, db: db(), world, targets });
    await start(a, 400);
    // The describe API is impaired from now on; a new leader starts.
    world.describeFails.add('api');
    const b = contender({ name: 'b', config, db: db(), world, targets });
    start(b);
    await waitFor('b probes the last known targets', () => last(b.telemetry, 'TargetsUp') === 3, 5000);
    world.setHealthy(targets[0], false);
    await waitFor('b acts on them', () => world.of('deregister').length === 1, 5000);
    await waitFor('blind', () => last(b.telemetry, 'Blind') === 1, 5000);
    expect(b.telemetry.sum('DiscoveryErrors')).toBeGreaterThan(1);
  });
});
