import {
  GetInstancesHealthStatusCommand, ListInstancesCommand, RegisterInstanceCommand, ServiceDiscoveryClient, UpdateInstanceCustomHealthStatusCommand,
} from '@aws-sdk/client-servicediscovery';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { CircuitBreaker } from '../../../lambda/health-monitor/breaker';
import { systemClock } from '../../../lambda/health-monitor/clock';
import { MonitorConfig } from '../../../lambda/health-monitor/contract';
import { ActionLedger } from '../../../lambda/health-monitor/ledger';
import { CloudMapMembership } from '../../../lambda/health-monitor/membership';
import { TargetStateStore } from '../../../lambda/health-monitor/state-store';
import { RecordingTelemetry } from '../../../lambda/health-monitor/telemetry';
import { World, contender, freezable, ipTargets, leaseStore, seeded, waitFor } from './harness';
import { last, monitorSession } from './session';
import { Simulation, onTimeline } from './sim';

const session = monitorSession();
const { configFor, start, leading } = session;
const leases = (config: MonitorConfig) => leaseStore(session.dynamo.db, config);

describe('one leader acting on one group', () => {
  test('a failure: one alert, the target out of its group, back in when healthy, one recovery alert, the incident closed', async () => {
    const { config, world, targets, c } = await leading(3);
    expect(world.actions).toEqual([]);

    world.setHealthy(targets[1], false);
    await waitFor('deregistration', () => world.of('deregister').length === 1);
    world.setHealthy(targets[1], true);
    await waitFor('recovery alert', () => world.of('alert').length === 2);
    await waitFor('incident closed', async () => Object.keys((await leases(config).read())!.incidents).length === 0);

    expect(world.log).toEqual([
      'alert [test-monitor] api: 1 of 3 targets down',
      'deregister 10.0.10.2:8080',
      'register 10.0.10.2:8080',
      'alert [test-monitor] api: recovered',
    ]);
    expect((await leases(config).read())!.actions).toEqual({});
    const ledger = await new ActionLedger(session.dynamo.db, config.tableName, config.monitorId, 1).list();
    expect(ledger.map((e) => [e.key.split('#')[0], e.outcome, e.epoch, e.holder])).toEqual([
      ['alert', 'done', 1, 'c1'], ['deregister', 'done', 1, 'c1'], ['register', 'done', 1, 'c1'], ['recovery', 'done', 1, 'c1'],
    ]);
    expect(c.telemetry.sum('Alerts')).toBe(2);
    expect(c.telemetry.sum('Actions')).toBe(2);
    expect(last(c.telemetry, 'LeaderEpoch')).toBe(1);
  });

  test('a target that fails again within the same incident is taken out again', async () => {
    const { world, targets } = await leading(4);
    world.setHealthy(targets[0], false);
    world.setHealthy(targets[1], false);
    await waitFor('two deregistrations', () => world.of('deregister').length === 2);
    world.setHealthy(targets[0], true);
    await waitFor('registration', () => world.of('register').length === 1);
    world.setHealthy(targets[0], false);
    await waitFor('third deregistration', () => world.of('deregister').length === 3);
    expect(world.log).toEqual([
      'alert [test-monitor] api: 2 of 4 targets down',
      'deregister 10.0.10.1:8080',
      'deregister 10.0.10.2:8080',
      'register 10.0.10.1:8080',
      'deregister 10.0.10.1:8080',
    ]);
  });

  test('fail open: the last healthy target of a group is never taken out', async () => {
    const { world, targets, c } = await leading(2);
    world.setHealthy(targets[0], false);
    await waitFor('first deregistration', () => world.of('deregister').length === 1);
    world.setHealthy(targets[1], false);
    await waitFor('both down', () => last(c.telemetry, 'TargetsDown') === 2);
    await waitFor('the fail-open decision', () => c.telemetry.sum('SkippedFailOpen') >= 3);
    expect(world.log).toEqual(['alert [test-monitor] api: 1 of 2 targets down', 'deregister 10.0.10.1:8080']);
    // Said once for the failure, however many cycles it lasts.
    expect(c.telemetry.logs.filter((l) => l.message.startsWith('not deregistering'))).toEqual([
      { level: 'WARN', message: 'not deregistering: no other healthy target in its group (failing open)', data: { target: 'api/10.0.10.2:8080' } },
    ]);
  });

  test('a refused action is recorded, and taken again on a later cycle', async () => {
    const config = await configFor();
    const world = new World();
    const targets = ipTargets('api', 3);
    const c = contender({ name: 'c1', config, db: session.dynamo.db, world, targets });
    world.failNext('deregister');
    start(c);
    await waitFor('targets up', () => last(c.telemetry, 'TargetsUp') === 3);
    world.setHealthy(targets[2], false);
    const ledger = new ActionLedger(session.dynamo.db, config.tableName, config.monitorId, 1);
    const deregistrations = async () => (await ledger.list()).filter((e) => e.key.startsWith('deregister#'));
    await waitFor('deregistration recorded', async () => (await deregistrations()).length === 2);
    expect(world.of('deregister')).toHaveLength(1);
    expect(c.telemetry.sum('ActionFailures')).toBe(1);
    expect((await deregistrations()).map((e) => [e.outcome, e.detail])).toEqual([
      ['failed', 'Error: deregister refused: Throttling'], ['done', undefined],
    ]);
  });

  test('the cap on actions per window holds back further deregistrations', async () => {
    const { world, targets, c } = await leading(4, { actions: { maxActions: 1 } });
    world.setHealthy(targets[0], false);
    world.setHealthy(targets[1], false);
    await waitFor('the cap', () => c.telemetry.sum('CappedActions') >= 2);
    expect(world.of('deregister')).toHaveLength(1);
    expect(world.of('alert')).toHaveLength(1);
  });

  test('paused: probes and tracks, acts on nothing; unpaused, it acts', async () => {
    const config = await configFor();
    await session.dynamo.db.send(new PutCommand({ TableName: config.tableName, Item: { pk: config.monitorId, sk: 'switches', paused: true } }));
    const world = new World();
    const targets = ipTargets('api', 3);
    const c = contender({ name: 'c1', config, db: session.dynamo.db, world, targets });
    world.setHealthy(targets[0], false);
    start(c);
    await waitFor('target down', () => last(c.telemetry, 'TargetsDown') === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(world.actions).toEqual([]);
    expect((await leases(config).read())!.incidents).toEqual({});
    await session.dynamo.db.send(new PutCommand({ TableName: config.tableName, Item: { pk: config.monitorId, sk: 'switches', paused: false } }));
    await waitFor('deregistration', () => world.of('deregister').length === 1);
    expect(world.log).toEqual(['alert [test-monitor] api: 1 of 3 targets down', 'deregister 10.0.10.1:8080']);
  });

  test('dry run, switched on in the table: the same decisions, each call marked dry run', async () => {
    const config = await configFor();
    await session.dynamo.db.send(new PutCommand({ TableName: config.tableName, Item: { pk: config.monitorId, sk: 'switches', dryRun: true } }));
    const world = new World();
    const targets = ipTargets('api', 3);
    const c = contender({ name: 'c1', config, db: session.dynamo.db, world, targets });
    start(c);
    await waitFor('targets up', () => last(c.telemetry, 'TargetsUp') === 3);
    world.setHealthy(targets[0], false);
    await waitFor('deregistration', () => world.of('deregister').length === 1);
    expect(world.actions.map((a) => [a.kind, a.dryRun])).toEqual([['alert', true], ['deregister', true]]);
    const ledger = await new ActionLedger(session.dynamo.db, config.tableName, config.monitorId, 1).list();
    expect(ledger.every((e) => e.dryRun)).toBe(true);
  });
});

describe('probes', () => {
  test('each target group is probed as its own health check says; endpoints as theirs', async () => {
    const config = await configFor({
      probe: { protocol: 'TCP' },
      targetGroups: [{ name: 'api', arn: 'arn:api', probe: { protocol: 'HTTP', path: '/api/health', successCodes: '200' } }],
      endpoints: [{ name: 'db', group: 'data', host: '10.0.30.1', port: 5432, probe: { protocol: 'TCP' } }],
    });
    const seen = new Map<string, string>();
    const world = new World();
    const targets = [...ipTargets('api', 1), ...ipTargets('web', 1, 20), { id: 'data/db', group: 'data', host: '10.0.30.1', port: 5432 }];
    const c = contender({ name: 'c1', config, db: session.dynamo.db, world, targets });
    const probe = world.probe;
    world.probe = async (spec) => {
      seen.set(spec.host, `${spec.protocol} ${spec.port}${spec.protocol === 'TCP' ? '' : ` ${spec.path}`} ${spec.timeoutMs} ms`);
      return probe(spec);
    };
    start(c);
    await waitFor('three probed', () => seen.size === 3);
    expect(Object.fromEntries(seen)).toEqual({
      '10.0.10.1': 'HTTP 8080 /api/health 20 ms',
      '10.0.20.1': 'TCP 8080 20 ms',
      '10.0.30.1': 'TCP 5432 20 ms',
    });
  });
});

describe('probe timing', () => {
  test('every target is probed every interval, even when the jitter spreads probes over most of it', async () => {
    // On a simulated timeline: the gaps are the schedule's own, whatever load the machine has.
    const config = await configFor({ probe: { intervalMs: 200, timeoutMs: 20, jitterMs: 150 } });
    const sim = new Simulation();
    const time = onTimeline(sim);
    const world = new World(sim.worldTime);
    const probes: number[] = [];
    const targets = ipTargets('api', 3);
    const c = contender({ name: 'c1', config, db: session.dynamo.db, world, targets, ...time, random: seeded(3), probe: async (spec) => {
      if (spec.host === targets[0].host) probes.push(sim.elapsed);
      return world.probe(spec);
    } });
    const run = c.monitor.runInvocation(sim.now + 5000);
    await sim.run((async () => {
      await sim.waitFor('twenty probes of one target', () => probes.length >= 21, 6000);
      c.monitor.stop();
      await run;
    })(), 10_000);
    const gaps = probes.slice(1, 21).map((t, i) => t - probes[i]);
    // One probe per cycle: gaps vary with the jitter (0 to 150 ms each way) around the 200 ms
    // interval, and average 200 ms. A schedule that drifts by each cycle's own length averages
    // about 200 + 75 ms; one that skips a cycle makes a gap of 400 ms or more.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(200 + 150);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200 - 150);
    expect((probes[20] - probes[0]) / 20).toBeLessThan(200 + 150 / 20 + 1);
  });
});

describe('DNS failover', () => {
  const primary = { Name: 'api.example.com.', Type: 'A' as const, SetIdentifier: 'primary', Failover: 'PRIMARY' as const,
    AliasTarget: { DNSName: 'primary.eu-west-1.elb.amazonaws.com.', HostedZoneId: 'Z32O12XQLNTSW2', EvaluateTargetHealth: true } };
  const failover = { ...primary, AliasTarget: { DNSName: 'standby.eu-central-1.elb.amazonaws.com.', HostedZoneId: 'Z215JYRZR1TBD5', EvaluateTargetHealth: true } };

  test('fails the name over when every target of the trigger groups is down, and restores it once', async () => {
    const config = await configFor({ dns: { hostedZoneId: 'Z0123456789', triggerGroups: ['api'], primaryRecord: primary, failoverRecord: failover } });
    const world = new World();
    const targets = [...ipTargets('api', 2), ...ipTargets('web', 2, 20)];
    const c = contender({ name: 'c1', config, db: session.dynamo.db, world, targets });
    start(c);
    await waitFor('targets up', () => last(c.telemetry, 'TargetsUp') === 4);
    world.setHealthy(targets[0], false);
    await waitFor('one api target down', () => world.of('deregister').length === 1);
    expect(world.of('upsert')).toEqual([]);
    world.setHealthy(targets[1], false);
    await waitFor('failover', () => world.of('upsert').length === 1);
    world.setHealthy(targets[0], true);
    world.setHealthy(targets[1], true);
    await waitFor('restore', () => world.of('upsert').length === 2);
    await waitFor('incidents closed', async () => Object.keys((await leases(config).read())!.incidents).length === 0);
    expect(world.of('upsert').map((a) => a.what)).toEqual(['standby.eu-central-1.elb.amazonaws.com.', 'primary.eu-west-1.elb.amazonaws.com.']);
  });

  test('closing an incident does not hold back the rest of the cycle: the name is restored in the cycle of the recovery alert', async () => {
    const interval = 400;
    const config = await configFor({
      probe: { intervalMs: interval, downIntervalMs: interval, healthyThreshold: 1 },
      dns: { hostedZoneId: 'Z0123456789', triggerGroups: ['api'], primaryRecord: primary, failoverRecord: failover },
    });
    // On a simulated timeline, where a cycle takes the time its calls are given (none here).
    const sim = new Simulation();
    const time = onTimeline(sim);
    const world = new World(sim.worldTime);
    const targets = ipTargets('api', 2);
    const c = contender({ name: 'c1', config, db: session.dynamo.db, world, targets, ...time, random: seeded(5) });
    const run = c.monitor.runInvocation(sim.now + 20_000);
    await sim.run((async () => {
      await sim.waitFor('targets up', () => last(c.telemetry, 'TargetsUp') === 2, 5000);
      targets.forEach((t) => world.setHealthy(t, false));
      await sim.waitFor('failover', () => world.of('upsert').length === 1, 5000);
      targets.forEach((t) => world.setHealthy(t, true));
      await sim.waitFor('restore', () => world.of('upsert').length === 2, 5000);
      c.monitor.stop();
      await run;
    })(), 30_000);
    const recovery = world.of('alert').find((a) => a.what.endsWith(': recovered'))!;
    // The group's incident closes first, the name's next; one cycle does both: the same moment.
    expect(world.of('upsert')[1].at).toBe(recovery.at);
  });
});

describe('leadership', () => {
  test('the leader releases at the end of its invocation and a standby takes over at once, with the state', async () => {
    const config = await configFor();
    const world = new World();
    const targets = ipTargets('api', 3);
    const a = contender({ name: 'a', config, db: session.dynamo.db, world, targets });
    const b = contender({ name: 'b', config, db: session.dynamo.db, world, targets });
    const runA = start(a);
    await waitFor('a leads', () => a.monitor.epoch === 1);
    start(b);
    world.setHealthy(targets[0], false);
    await waitFor('deregistration by a', () => world.of('deregister').length === 1);
    // a's invocation ends once it has acted, however long that took on a busy machine.
    a.monitor.stop();
    await runA;
    const released = Date.now();
    await waitFor('b leads', () => b.monitor.epoch === 2);
    // Within a retry period (plus scheduling slack), far sooner than the lease would have expired.
    expect(Date.now() - released).toBeLessThan(config.lease.retryPeriodMs * 1.2 + 500);
    expect(config.lease.retryPeriodMs * 1.2 + 500).toBeLessThan(config.lease.durationMs);
    world.setHealthy(targets[0], true);
    await waitFor('recovery', () => world.of('alert').length === 2);
    expect(world.actions.map((x) => `${x.by}: ${x.kind}`)).toEqual(['a: alert', 'a: deregister', 'b: register', 'b: alert']);
  });

  test('a new leader whose clock is 5 s behind the last one probes every target at once', async () => {
    const config = await configFor();
    const world = new World();
    const targets = ipTargets('api', 3);
    const ahead = { ...systemClock, now: () => Date.now() + 5000 };
    const a = contender({ name: 'a', config, db: session.dynamo.db, world, targets, clock: ahead });
    // Its deadline is on its own clock.
    await a.monitor.runInvocation(ahead.now() + 500);
    // a saved each target's probe times on its own clock, 5 s ahead of b's.
    const saved = [...(await new TargetStateStore(session.dynamo.db, config.tableName, config.monitorId).loadAll()).values()];
    expect(saved.map((t) => t.lastProbeAt - Date.now() > 4000)).toEqual([true, true, true]);
    const b = contender({ name: 'b', config, db: session.dynamo.db, world, targets });
    world.setHealthy(targets[0], false);
    const started = Date.now();
    start(b);
    await waitFor('b takes it out', () => world.of('deregister').length === 1, 4000);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('when the leader dies, a standby takes over within about one lease and sends no second alert', async () => {
    const config = await configFor();
    const world = new World();
    const targets = ipTargets('api', 3);
    const a = contender({ name: 'a', config, db: session.dynamo.db, world, targets });
    const b = contender({ name: 'b', config, db: session.dynamo.db, world, targets });
    start(a);
    await waitFor('a leads', () => a.monitor.epoch === 1);
    start(b);
    world.setHealthy(targets[0], false);
    await waitFor('alert by a', () => world.of('deregister').length === 1);
    a.kill();
    const died = Date.now();
    await waitFor('b leads', () => b.monitor.epoch === 2, 3 * config.lease.durationMs);
    expect(Date.now() - died).toBeLessThan(config.lease.durationMs + config.lease.retryPeriodMs * 1.2 + 500);
    world.setHealthy(targets[0], true);
    await waitFor('recovery', () => world.of('alert').length === 2);
    expect(world.actions.map((x) => `${x.by}: ${x.kind}`)).toEqual(['a: alert', 'a: deregister', 'b: register', 'b: alert']);
  });

  test('a leader paused past its lease wakes up deposed and takes no action', async () => {
    const config = await configFor();
    const world = new World();
    const targets = ipTargets('api', 3);
    // a's whole process can be frozen: its sleeps and its calls wait until the pause ends.
    const process = freezable();
    const a = contender({ name: 'a', config, db: session.dynamo.db, world, targets, ...process, probe: process.probe(world.probe) });
    start(a);
    await waitFor('a leads with all targets up', () => last(a.telemetry, 'TargetsUp') === 3);
    process.freeze(2 * config.lease.durationMs + 500);
    const b = contender({ name: 'b', config, db: session.dynamo.db, world, targets });
    start(b);
    await waitFor('b leads', () => b.monitor.epoch === 2, 3 * config.lease.durationMs);
    world.setHealthy(targets[0], false);
    await waitFor('b deregistered', () => world.of('deregister').length === 1);
    await waitFor('a awake, and not leading', async () => Date.now() > process.until + 500 && a.monitor.epoch === undefined, 3 * config.lease.durationMs);
    expect(world.actions.map((x) => x.by)).toEqual(['b', 'b']);
    expect(a.telemetry.logs.some((l) => l.message === 'lost the lease' || l.message === 'refused: no longer the leader')).toBe(true);
  });
});

describe('the leader keeps Cloud Map in step', () => {
  test('registers its UP targets, reports one unhealthy when it goes DOWN and healthy when it is back', async () => {
    const cloudMap = mockClient(ServiceDiscoveryClient);
    cloudMap.on(ListInstancesCommand).resolves({ Instances: [] });
    cloudMap.on(GetInstancesHealthStatusCommand).resolves({ Status: {} });
    cloudMap.on(RegisterInstanceCommand).resolves({ OperationId: 'op' });
    cloudMap.on(UpdateInstanceCustomHealthStatusCommand).resolves({});
    const config = await configFor();
    const world = new World();
    const targets = ipTargets('api', 2);
    const breaker = new CircuitBreaker('servicediscovery', config.breaker, systemClock);
    const membership = new CloudMapMembership(new ServiceDiscoveryClient({ region: 'eu-west-1' }), breaker,
      [{ serviceId: 'srv-api', name: 'service.internal/api', groups: ['api'], attributes: {} }], config.monitorId, 60_000, systemClock, new RecordingTelemetry());
    const c = contender({ name: 'c1', config, db: session.dynamo.db, world, targets, membership });
    start(c);
    const reports = () => cloudMap.commandCalls(UpdateInstanceCustomHealthStatusCommand).map((call) => `${call.args[0].input.InstanceId} ${call.args[0].input.Status}`);

    await waitFor('both registered and reported healthy', () => reports().length === 2);
    world.setHealthy(targets[0], false);
    await waitFor('the unhealthy report', () => reports().length === 3);
    world.setHealthy(targets[0], true);
    await waitFor('the healthy report', () => reports().length === 4);

    expect(cloudMap.commandCalls(RegisterInstanceCommand).map((call) => call.args[0].input.InstanceId)).toEqual(['10.0.10.1:8080', '10.0.10.2:8080']);
    expect(reports()).toEqual(['10.0.10.1:8080 HEALTHY', '10.0.10.2:8080 HEALTHY', '10.0.10.1:8080 UNHEALTHY', '10.0.10.1:8080 HEALTHY']);
  });
});
