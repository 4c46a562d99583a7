import {
  CustomHealthNotFound, HealthStatus, DeregisterInstanceCommand, GetInstancesHealthStatusCommand, InstanceNotFound, ListInstancesCommand, RegisterInstanceCommand,
  ServiceDiscoveryClient, UpdateInstanceCustomHealthStatusCommand,
} from '@aws-sdk/client-servicediscovery';
import { mockClient } from 'aws-sdk-client-mock';
import { CircuitBreaker } from '../../../lambda/health-monitor/breaker';
import { Clock } from '../../../lambda/health-monitor/clock';
import { REGISTERED_BY, RegistryService } from '../../../lambda/health-monitor/contract';
import { CloudMapMembership } from '../../../lambda/health-monitor/membership';
import type { MonitoredTarget } from '../../../lambda/health-monitor/ports';
import { RecordingTelemetry } from '../../../lambda/health-monitor/telemetry';
import { Status } from '../../../lambda/health-monitor/tracker';
import { ipTargets } from './harness';

class ManualClock implements Clock {
  public t = 1_800_000_000_000;
  public now(): number { return this.t; }
  public elapsed(): number { return this.t; }
  public async sleep(ms: number): Promise<void> { this.t += ms; }
}

const SERVICE: RegistryService = { serviceId: 'srv-api', name: 'internal.example/api', groups: ['api'], attributes: { tier: 'web' } };
const REFRESH_MS = 30_000;
const [up, down, unknown] = ipTargets('api', 3);
const CACHE: MonitoredTarget = { id: 'cache/primary', group: 'cache', host: 'master.shop.abc123.euw1.cache.amazonaws.com', port: 6379 };

function setup(services: RegistryService[] = [SERVICE]) {
  const cloudMap = mockClient(ServiceDiscoveryClient);
  cloudMap.on(RegisterInstanceCommand).resolves({ OperationId: 'op-1' });
  cloudMap.on(UpdateInstanceCustomHealthStatusCommand).resolves({});
  cloudMap.on(DeregisterInstanceCommand).resolves({ OperationId: 'op-2' });
  const clock = new ManualClock();
  const telemetry = new RecordingTelemetry();
  const breaker = new CircuitBreaker('servicediscovery', { failureThreshold: 2, failureRatePercent: 100, windowSize: 10, openMs: 60_000, halfOpenTrials: 1 }, clock);
  const membership = new CloudMapMembership(new ServiceDiscoveryClient({ region: 'eu-west-1' }), breaker, services, 'shop-monitor', REFRESH_MS, clock, telemetry);
  return { cloudMap, clock, telemetry, breaker, membership };
}

/** What Cloud Map holds: instances with the monitor that registered them, and their health. */
function holds(cloudMap: ReturnType<typeof setup>['cloudMap'], instances: Array<{ id: string; by?: string; health: string }>) {
  const attributes = (by?: string): Record<string, string> => (by ? { [REGISTERED_BY]: by } : {});
  cloudMap.on(ListInstancesCommand).resolves({ Instances: instances.map((i) => ({ Id: i.id, Attributes: attributes(i.by) })) });
  cloudMap.on(GetInstancesHealthStatusCommand).resolves({ Status: Object.fromEntries(instances.map((i) => [i.id, i.health as HealthStatus])) });
}

const statuses = (map: Record<string, Status>) => (t: MonitoredTarget) => map[t.id] ?? 'UNKNOWN';
const writes = (cloudMap: ReturnType<typeof setup>['cloudMap']) => cloudMap.calls()
  .map((c) => c.args[0])
  .filter((c) => !(c instanceof ListInstancesCommand || c instanceof GetInstancesHealthStatusCommand))
  .map((c) => ({ [c.constructor.name.replace(/Command$/, '')]: c.input }));
const always = { dryRun: false, mayAct: () => true };

describe('CloudMapMembership', () => {
  test('registers an UP target, reports a DOWN one unhealthy, deregisters its own vanished instance, leaves others alone', async () => {
    const { cloudMap, membership } = setup();
    holds(cloudMap, [
      { id: '10.0.10.2:8080', by: 'shop-monitor', health: 'HEALTHY' },
      { id: '10.0.10.9:8080', by: 'shop-monitor', health: 'HEALTHY' },
      { id: 'ecs-task-1', health: 'HEALTHY' },
      { id: '10.0.10.8:8080', by: 'another-monitor', health: 'HEALTHY' },
    ]);

    await membership.sync([up, down, unknown], statuses({ [up.id]: 'UP', [down.id]: 'DOWN' }), always);

    expect(cloudMap.commandCalls(ListInstancesCommand).map((c) => c.args[0].input)).toEqual([{ ServiceId: 'srv-api', NextToken: undefined }]);
    expect(cloudMap.commandCalls(GetInstancesHealthStatusCommand).map((c) => c.args[0].input)).toEqual([{ ServiceId: 'srv-api', NextToken: undefined }]);
    expect(writes(cloudMap)).toEqual([
      {
        RegisterInstance: {
          ServiceId: 'srv-api',
          InstanceId: '10.0.10.1:8080',
          Attributes: { tier: 'web', AWS_INSTANCE_IPV4: '10.0.10.1', AWS_INSTANCE_PORT: '8080', [REGISTERED_BY]: 'shop-monitor' },
        },
      },
      { UpdateInstanceCustomHealthStatus: { ServiceId: 'srv-api', InstanceId: '10.0.10.2:8080', Status: 'UNHEALTHY' } },
      { DeregisterInstance: { ServiceId: 'srv-api', InstanceId: '10.0.10.9:8080' } },
    ]);
  });

  test('reports a new instance healthy from the next cycle on, and sends nothing while nothing changes', async () => {
    const { cloudMap, membership } = setup();
    holds(cloudMap, []);
    const status = statuses({ [up.id]: 'UP' });
    await membership.sync([up], status, always);
    cloudMap.resetHistory();

    await membership.sync([up], status, always);
    await membership.sync([up], status, always);

    expect(writes(cloudMap)).toEqual([{ UpdateInstanceCustomHealthStatus: { ServiceId: 'srv-api', InstanceId: '10.0.10.1:8080', Status: 'HEALTHY' } }]);
    expect(cloudMap.commandCalls(ListInstancesCommand)).toHaveLength(0);
  });

  test('follows a target down and up again with one report each way', async () => {
    const { cloudMap, membership } = setup();
    holds(cloudMap, [{ id: '10.0.10.1:8080', by: 'shop-monitor', health: 'HEALTHY' }]);
    for (const s of ['UP', 'DOWN', 'DOWN', 'UP'] as Status[]) await membership.sync([up], statuses({ [up.id]: s }), always);

    expect(writes(cloudMap)).toEqual([
      { UpdateInstanceCustomHealthStatus: { ServiceId: 'srv-api', InstanceId: '10.0.10.1:8080', Status: 'UNHEALTHY' } },
      { UpdateInstanceCustomHealthStatus: { ServiceId: 'srv-api', InstanceId: '10.0.10.1:8080', Status: 'HEALTHY' } },
    ]);
  });

  test('lists again after the refresh interval and sets right what someone else changed', async () => {
    const { cloudMap, clock, membership } = setup();
    holds(cloudMap, [{ id: '10.0.10.1:8080', by: 'shop-monitor', health: 'HEALTHY' }]);
    await membership.sync([up], statuses({ [up.id]: 'UP' }), always);
    // A deposed leader's late call marked it unhealthy.
    holds(cloudMap, [{ id: '10.0.10.1:8080', by: 'shop-monitor', health: 'UNHEALTHY' }]);
    clock.t += REFRESH_MS - 1;
    await membership.sync([up], statuses({ [up.id]: 'UP' }), always);
    expect(writes(cloudMap)).toEqual([]);

    clock.t += 1;
    await membership.sync([up], statuses({ [up.id]: 'UP' }), always);
    expect(writes(cloudMap)).toEqual([{ UpdateInstanceCustomHealthStatus: { ServiceId: 'srv-api', InstanceId: '10.0.10.1:8080', Status: 'HEALTHY' } }]);
    expect(cloudMap.commandCalls(ListInstancesCommand)).toHaveLength(2);
  });

  test('registers a data-tier endpoint by its DNS name, under its endpoint name', async () => {
    const { cloudMap, membership } = setup([{ serviceId: 'srv-cache', name: 'internal.example/cache', groups: ['cache'], attributes: {} }]);
    holds(cloudMap, []);
    await membership.sync([CACHE, up], statuses({ [CACHE.id]: 'UP', [up.id]: 'UP' }), always);

    expect(writes(cloudMap)).toEqual([{
      RegisterInstance: {
        ServiceId: 'srv-cache',
        InstanceId: 'cache/primary',
        Attributes: { AWS_INSTANCE_CNAME: 'master.shop.abc123.euw1.cache.amazonaws.com', AWS_INSTANCE_PORT: '6379', [REGISTERED_BY]: 'shop-monitor' },
      },
    }]);
  });

  test('pages through the instances and their health', async () => {
    const { cloudMap, membership } = setup();
    cloudMap.on(ListInstancesCommand, { ServiceId: 'srv-api', NextToken: undefined }).resolves({ Instances: [{ Id: '10.0.10.1:8080', Attributes: { [REGISTERED_BY]: 'shop-monitor' } }], NextToken: 'p2' });
    cloudMap.on(ListInstancesCommand, { ServiceId: 'srv-api', NextToken: 'p2' }).resolves({ Instances: [{ Id: '10.0.10.2:8080', Attributes: { [REGISTERED_BY]: 'shop-monitor' } }] });
    cloudMap.on(GetInstancesHealthStatusCommand, { ServiceId: 'srv-api', NextToken: undefined }).resolves({ Status: { '10.0.10.1:8080': 'HEALTHY' }, NextToken: 'h2' });
    cloudMap.on(GetInstancesHealthStatusCommand, { ServiceId: 'srv-api', NextToken: 'h2' }).resolves({ Status: { '10.0.10.2:8080': 'UNHEALTHY' } });

    await membership.sync([up, down], statuses({ [up.id]: 'UP', [down.id]: 'DOWN' }), always);

    expect(writes(cloudMap)).toEqual([]);
  });

  test('an instance Cloud Map has not created yet is asked about again, and does not count against the breaker', async () => {
    const { cloudMap, breaker, telemetry, membership } = setup();
    holds(cloudMap, [{ id: '10.0.10.1:8080', by: 'shop-monitor', health: 'UNKNOWN' }]);
    cloudMap.on(UpdateInstanceCustomHealthStatusCommand)
      .rejectsOnce(new InstanceNotFound({ message: 'not yet', $metadata: {} }))
      .rejectsOnce(new CustomHealthNotFound({ message: 'not yet', $metadata: {} }))
      .resolves({});
    for (let i = 0; i < 3; i++) await membership.sync([up], statuses({ [up.id]: 'UP' }), always);

    expect(cloudMap.commandCalls(UpdateInstanceCustomHealthStatusCommand)).toHaveLength(3);
    expect(breaker.state).toBe('CLOSED');
    expect(telemetry.sum('RegistryFailures')).toBe(0);
    expect(telemetry.metrics.filter((m) => m.name === 'RegistryChanges').map((m) => m.value)).toEqual([0, 0, 1]);
  });

  test('failed calls are counted, open the circuit, and are not retried against it', async () => {
    const { cloudMap, breaker, telemetry, membership } = setup();
    holds(cloudMap, [
      { id: '10.0.10.1:8080', by: 'shop-monitor', health: 'HEALTHY' },
      { id: '10.0.10.2:8080', by: 'shop-monitor', health: 'HEALTHY' },
      { id: '10.0.10.3:8080', by: 'shop-monitor', health: 'HEALTHY' },
    ]);
    cloudMap.on(UpdateInstanceCustomHealthStatusCommand).rejects(new Error('ThrottlingException'));
    const targets = ipTargets('api', 3);
    await membership.sync(targets, () => 'DOWN', always);

    expect(cloudMap.commandCalls(UpdateInstanceCustomHealthStatusCommand)).toHaveLength(2);
    expect(breaker.state).toBe('OPEN');
    expect(telemetry.metrics.find((m) => m.name === 'RegistryFailures')).toEqual({ name: 'RegistryFailures', value: 3, dimensions: { Registry: 'internal.example/api' } });
  });

  test('in dry run it reads Cloud Map but only logs the changes', async () => {
    const { cloudMap, telemetry, membership } = setup();
    holds(cloudMap, [{ id: '10.0.10.2:8080', by: 'shop-monitor', health: 'HEALTHY' }]);
    await membership.sync([up, down], statuses({ [up.id]: 'UP', [down.id]: 'DOWN' }), { dryRun: true, mayAct: () => true });

    expect(writes(cloudMap)).toEqual([]);
    expect(telemetry.logs.filter((l) => l.message === 'dry run: would call').map((l) => l.data?.operation)).toEqual(['RegisterInstance', 'UpdateInstanceCustomHealthStatus']);
  });

  test('stops before any change once the contender may no longer act', async () => {
    const { cloudMap, membership } = setup();
    holds(cloudMap, [{ id: '10.0.10.9:8080', by: 'shop-monitor', health: 'HEALTHY' }]);
    await membership.sync([up, down], statuses({ [up.id]: 'UP', [down.id]: 'DOWN' }), { dryRun: false, mayAct: () => false });
    expect(writes(cloudMap)).toEqual([]);
  });

  test('counts healthy and unhealthy instances per service, under the service\'s own dimension', async () => {
    const { cloudMap, telemetry, membership } = setup();
    holds(cloudMap, [
      { id: '10.0.10.1:8080', by: 'shop-monitor', health: 'HEALTHY' },
      { id: '10.0.10.2:8080', by: 'shop-monitor', health: 'HEALTHY' },
    ]);
    await membership.sync([up, down], statuses({ [up.id]: 'UP', [down.id]: 'DOWN' }), always);
    const dimensions = { Registry: 'internal.example/api' };
    expect(telemetry.metrics).toEqual([
      { name: 'RegistryHealthy', value: 1, dimensions },
      { name: 'RegistryUnhealthy', value: 1, dimensions },
      { name: 'RegistryChanges', value: 1, dimensions },
    ]);
  });
});
