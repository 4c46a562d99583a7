import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { RecordSet, VipAction, lateReadPeriodMs } from '../../../lambda/health-monitor/contract';
import { World, contender, delay, ipTargets, leaseStore, waitFor } from './harness';
import { last, monitorSession } from './session';
import { EffectKind, Fault } from './world';

/**
 * The accelerator path under the fault model: Global Accelerator's API has no conditional write,
 * so a call is checked against the lease before it leaves and settled by reading the endpoint
 * group back; each line of the model is injected into one leader (or two).
 */

const session = monitorSession();
const { configFor, start, leading } = session;
const db = () => session.dynamo.db;

const GROUP = 'arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/endpoint-group/098765zyxwvu';
const PRIMARY_LB = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/api/50dc6c495c0c9188';
/** Another endpoint of the same group, which the monitor must leave as it is. */
const OTHER_LB = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/api-canary/0123456789abcdef';
const VIP: VipAction = { endpointGroupArn: GROUP, endpointId: PRIMARY_LB, weight: 200, clientIpPreservation: true, triggerGroups: ['api'] };

/** A world whose primary endpoint group holds the primary load balancer (weight 200) and a canary (weight 10). */
function withAccelerator(): World {
  const world = new World();
  world.endpointGroups.set(GROUP, [
    { EndpointId: PRIMARY_LB, Weight: 200, ClientIPPreservationEnabled: true },
    { EndpointId: OTHER_LB, Weight: 10, ClientIPPreservationEnabled: true },
  ]);
  return world;
}

const record = (value: string): RecordSet => ({ Name: 'api.example.com.', Type: 'A', SetIdentifier: 'primary', Failover: 'PRIMARY', TTL: 60, ResourceRecords: [{ Value: value }] });
const DNS = { hostedZoneId: 'Z0123456789', triggerGroups: ['api'], primaryRecord: record('192.0.2.10'), failoverRecord: record('198.51.100.10') };

const weight = (world: World) => world.weightOf(GROUP, PRIMARY_LB);

function script(world: World, plan: Partial<Record<EffectKind | 'read' | 'dynamodb', Fault[]>>, lateMs = 1500): void {
  world.faults = { pick: (kind) => plan[kind]?.shift(), lateMs: () => lateMs };
}

describe('the accelerator endpoint, reconciled at Global Accelerator', () => {
  test('every trigger target down: the primary endpoint goes to weight 0, the group\'s other endpoints untouched; back at its weight once one is UP', async () => {
    const { config, world, targets } = await leading(2, { vip: VIP }, { world: withAccelerator() });
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('the failover', () => weight(world) === 0, 5000);
    expect(world.endpointGroups.get(GROUP)).toEqual([
      { EndpointId: PRIMARY_LB, Weight: 0, ClientIPPreservationEnabled: true },
      { EndpointId: OTHER_LB, Weight: 10, ClientIPPreservationEnabled: true },
    ]);
    expect((await leaseStore(db(), config).read())!.incidents.__vip__).toBeDefined();
    world.setHealthy(targets[0], true);
    await waitFor('the restore', () => weight(world) === 200, 5000);
    await waitFor('the incident closed', async () => (await leaseStore(db(), config).read())!.incidents.__vip__ === undefined, 5000);
    expect(world.of('weight').map((a) => a.what)).toEqual([`${PRIMARY_LB}=0,${OTHER_LB}=10`, `${PRIMARY_LB}=200,${OTHER_LB}=10`]);
  });

  test('the monitor owns the primary endpoint: removed by hand while its targets are UP, it is put back as deployed', async () => {
    const world = withAccelerator();
    world.endpointGroups.set(GROUP, [{ EndpointId: OTHER_LB, Weight: 10 }]);
    await leading(2, { vip: VIP }, { world });
    await waitFor('the endpoint back', () => weight(world) === 200, 5000);
    expect(world.endpointGroups.get(GROUP)).toEqual([{ EndpointId: OTHER_LB, Weight: 10 }, { EndpointId: PRIMARY_LB, Weight: 200, ClientIPPreservationEnabled: true }]);
  });

  test('not taken out while ELB calls a trigger target healthy; taken out once it agrees', async () => {
    const { config, world, targets, c } = await leading(2, { vip: VIP }, { world: withAccelerator() });
    world.elbOpinion.set(`${targets[1].host}:${targets[1].port}`, 'healthy');
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('both down', () => last(c.telemetry, 'TargetsDown') === 2);
    await delay(10 * config.probe.intervalMs);
    expect(weight(world)).toBe(200);
    expect(c.telemetry.sum('HeldBack')).toBeGreaterThan(0);
    world.elbOpinion.clear();
    await waitFor('the failover once ELB agrees', () => weight(world) === 0, 5000);
  });

  test('an update applied but answered with a timeout is read back, not sent again', async () => {
    const { config, world, targets, c } = await leading(2, { vip: VIP }, { world: withAccelerator() });
    script(world, { weight: ['lost'] });
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('the failover', () => weight(world) === 0, 5000);
    await delay(10 * config.probe.intervalMs);
    expect(world.of('weight')).toHaveLength(1);
    expect(c.telemetry.sum('UnknownOutcomes')).toBe(1);
  });

  test('an update held inside AWS that lands after the restore is undone within a few cycles, not a discovery interval later', async () => {
    // Discovery every 60 s here: only the watch over an update that may still land reads sooner.
    const { config, world, targets } = await leading(2, { vip: VIP }, { world: withAccelerator() });
    script(world, { weight: ['late'] }, 3000);
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('the failover, sent again after the timeout', () => weight(world) === 0, 5000);
    targets.forEach((t) => world.setHealthy(t, true));
    await waitFor('the restore', () => weight(world) === 200, 5000);
    // The first update lands now, 3 s after it was sent: the endpoint is out with every target UP.
    await world.settle();
    expect(world.of('weight').map((x) => x.what.split(',')[0]).at(-1)).toBe(`${PRIMARY_LB}=0`);
    const landed = world.of('weight').at(-1)!.landedAt;
    await waitFor('put back', () => weight(world) === 200, 20 * lateReadPeriodMs(config));
    expect(world.of('weight').at(-1)!.at - landed).toBeLessThan(config.discoveryIntervalMs / 10);
  });

  test('a deposed leader\'s update landing after the new leader acted is undone at the new leader\'s next read', async () => {
    // Reads every half second: the discovery interval bounds how long a late landing stands.
    const config = await configFor({ vip: VIP, discoveryIntervalMs: 500 });
    const world = withAccelerator();
    const targets = ipTargets('api', 2);
    const a = contender({ name: 'a', config, db: db(), world, targets });
    start(a);
    await waitFor('targets up', () => last(a.telemetry, 'TargetsUp') === 2);
    // a's failover is held back and lands 2.5 s after it was sent; a dies at once; the targets
    // recover; b takes over and finds the endpoint in traffic, as it should be.
    script(world, { weight: ['late'] }, 2500);
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('a sent the failover', () => world.faultsInjected === 1, 5000);
    a.kill();
    targets.forEach((t) => world.setHealthy(t, true));
    const b = contender({ name: 'b', config, db: db(), world, targets });
    start(b);
    await waitFor('b leads', () => b.monitor.epoch === 2, 5000);
    await world.settle();
    // a's update landed after b took over: the endpoint is out of traffic with every target UP.
    expect(world.of('weight').map((x) => [x.by, x.epoch, x.what.split(',')[0]])).toEqual([['a', 1, `${PRIMARY_LB}=0`]]);
    await waitFor('b put it back', () => weight(world) === 200, 5000);
    expect(world.of('weight').map((x) => [x.by, x.epoch, x.what.split(',')[0]])).toEqual([['a', 1, `${PRIMARY_LB}=0`], ['b', 2, `${PRIMARY_LB}=200`]]);
  });

  test('an impaired control plane (every update refused) holds back neither the name\'s failover nor the endpoint\'s once it answers', async () => {
    const world = withAccelerator();
    world.watchName('api.example.com.', '192.0.2.10');
    const { targets } = await leading(2, { vip: VIP, dns: DNS }, { world });
    world.failNext('weight', 1000);
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('the name failed over', () => world.answerOf('api.example.com') === '198.51.100.10', 5000);
    expect(weight(world)).toBe(200);
    world.failNext('weight', 0);
    await waitFor('the endpoint out once the API answers', () => weight(world) === 0, 5000);
  });
});

describe('the accelerator endpoint, held by the guardrails', () => {
  test('in dry run the update is logged once, changes nothing, and spends nothing of the budget', async () => {
    const { config, world, targets } = await leading(2, { vip: VIP, actions: { dryRun: true } }, { world: withAccelerator() });
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('the would-be failover', () => world.of('weight').length === 1, 5000);
    expect(world.of('weight')[0]).toMatchObject({ dryRun: true, changed: false });
    await delay(5 * config.probe.intervalMs);
    expect(world.of('weight')).toHaveLength(1);
    expect(weight(world)).toBe(200);
    expect((await leaseStore(db(), config).read())?.budget).toEqual({});
  });

  test('the failover budget caps the endpoint\'s changes, apart from the name\'s', async () => {
    const world = withAccelerator();
    world.watchName('api.example.com.', '192.0.2.10');
    const { config, targets, c } = await leading(2, { vip: VIP, dns: DNS, actions: { maxFailovers: 1 } }, { world });
    targets.forEach((t) => world.setHealthy(t, false));
    // One change each: the endpoint's does not use up the name's.
    await waitFor('both failed over', () => weight(world) === 0 && world.answerOf('api.example.com') === '198.51.100.10', 5000);
    world.setHealthy(targets[0], true);
    await waitFor('capped', () => c.telemetry.sum('CappedActions') >= 2, 5000);
    expect(weight(world)).toBe(0);
    const budget = (await leaseStore(db(), config).read())!.budget;
    expect(Object.entries(budget).map(([k, v]) => [k.split('#')[0], v]).filter(([k]) => k !== 'elb').sort()).toEqual([['dns', 1], ['vip', 1]]);
  });

  test('paused, the leader probes but leaves the endpoint alone', async () => {
    const { config, world, targets, c } = await leading(2, { vip: VIP }, { world: withAccelerator() });
    await db().send(new PutCommand({ TableName: config.tableName, Item: { pk: config.monitorId, sk: 'switches', paused: true } }));
    await waitFor('paused', () => last(c.telemetry, 'Paused') === 1, 5000);
    targets.forEach((t) => world.setHealthy(t, false));
    await waitFor('both down', () => last(c.telemetry, 'TargetsDown') === 2, 5000);
    await delay(10 * config.probe.intervalMs);
    expect(world.of('weight')).toEqual([]);
  });
});
