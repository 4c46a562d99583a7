/** Cloud Map instances kept in step with the monitor's verdicts. */
import { isIPv4 } from 'net';
import {
  CustomHealthNotFound, DeregisterInstanceCommand, GetInstancesHealthStatusCommand, InstanceNotFound, ListInstancesCommand, RegisterInstanceCommand,
  ServiceDiscoveryClient, UpdateInstanceCustomHealthStatusCommand,
} from '@aws-sdk/client-servicediscovery';
import { CircuitBreaker } from './breaker';
import { Clock } from './clock';
import { REGISTERED_BY, REGISTRY_DIMENSION, RegistryService } from './contract';
import type { MonitoredTarget } from './ports';
import { Telemetry } from './telemetry';
import { Status } from './tracker';

type Health = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

interface KnownInstance {
  readonly registeredBy?: string;
  /** Health as Cloud Map has it, when known. */
  health?: Health;
}

/** What one sync may do. */
export interface SyncContext {
  readonly dryRun: boolean;
  /** Checked before each call: false once this contender may no longer act. */
  readonly mayAct: () => boolean;
}

/**
 * Cluster membership in Cloud Map, kept in step with the monitor's verdicts: the monitor is the
 * external agent that registers its targets as instances of services with custom health checks,
 * reports each one HEALTHY or UNHEALTHY as it goes UP or DOWN, and deregisters the instances it
 * registered once their target is gone (a replaced task, an endpoint no longer watched).
 *
 * It reconciles rather than replays: what Cloud Map holds is listed again every `refreshMs`, and
 * only the differences are sent. So a leader that takes over, or a call a deposed leader made
 * late, is set right within one refresh.
 */
export class CloudMapMembership {
  private readonly known = new Map<string, Map<string, KnownInstance>>();
  private lastRefreshAt = 0;

  constructor(
    private readonly client: ServiceDiscoveryClient,
    private readonly breaker: CircuitBreaker,
    private readonly services: readonly RegistryService[],
    private readonly monitorId: string,
    private readonly refreshMs: number,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry,
  ) {}

  /** The Cloud Map instance ID of a target: its address for IP targets, its name for endpoints. */
  public static instanceId(target: MonitoredTarget): string {
    return target.elbTarget ? `${target.host}:${target.port}` : target.id;
  }

  /** Registers, reports and deregisters what differs between the targets and Cloud Map. */
  public async sync(targets: readonly MonitoredTarget[], statusOf: (t: MonitoredTarget) => Status, context: SyncContext): Promise<void> {
    const refresh = this.clock.now() - this.lastRefreshAt >= this.refreshMs || this.known.size === 0;
    for (const service of this.services) {
      let changes = 0;
      let failures = 0;
      const count = (made: boolean | undefined) => {
        if (made === true) changes++;
        if (made === false) failures++;
      };
      if (refresh) this.known.set(service.serviceId, await this.list(service));
      const known = this.known.get(service.serviceId)!;
      const members = targets.filter((t) => service.groups.includes(t.group));
      const wanted = new Set(members.map((t) => CloudMapMembership.instanceId(t)));

      for (const target of members) {
        if (!context.mayAct()) return;
        const id = CloudMapMembership.instanceId(target);
        const status = statusOf(target);
        const instance = known.get(id);
        if (!instance) {
          // Only a target seen UP joins; its health is reported from the next cycle on, once
          // Cloud Map has created the instance.
          if (status === 'UP') count(await this.register(service, target, id, known, context.dryRun));
          continue;
        }
        if (status === 'UNKNOWN') continue;
        const health: Health = status === 'UP' ? 'HEALTHY' : 'UNHEALTHY';
        if (instance.health !== health) count(await this.report(service, id, health, instance, context.dryRun));
      }
      for (const [id, instance] of known) {
        if (wanted.has(id) || instance.registeredBy !== this.monitorId) continue;
        if (!context.mayAct()) return;
        count(await this.deregister(service, id, known, context.dryRun));
      }

      const healths = [...known.values()].map((i) => i.health);
      const dimensions = { [REGISTRY_DIMENSION]: service.name };
      this.telemetry.metric('RegistryHealthy', healths.filter((h) => h === 'HEALTHY').length, 'Count', dimensions);
      this.telemetry.metric('RegistryUnhealthy', healths.filter((h) => h === 'UNHEALTHY').length, 'Count', dimensions);
      this.telemetry.metric('RegistryChanges', changes, 'Count', dimensions);
      if (failures > 0) this.telemetry.metric('RegistryFailures', failures, 'Count', dimensions);
    }
    if (refresh) this.lastRefreshAt = this.clock.now();
  }

  /** The service's instances, with their health, as Cloud Map has them now. */
  private async list(service: RegistryService): Promise<Map<string, KnownInstance>> {
    const known = new Map<string, KnownInstance>();
    let next: string | undefined;
    do {
      const page = await this.breaker.call(() => this.client.send(new ListInstancesCommand({ ServiceId: service.serviceId, NextToken: next })));
      for (const i of page.Instances ?? []) if (i.Id) known.set(i.Id, { registeredBy: i.Attributes?.[REGISTERED_BY] });
      next = page.NextToken;
    } while (next);
    do {
      const page = await this.breaker.call(() => this.client.send(new GetInstancesHealthStatusCommand({ ServiceId: service.serviceId, NextToken: next })));
      for (const [id, health] of Object.entries(page.Status ?? {})) {
        const instance = known.get(id);
        if (instance) instance.health = health as Health;
      }
      next = page.NextToken;
    } while (next);
    return known;
  }

  private register(service: RegistryService, target: MonitoredTarget, id: string, known: Map<string, KnownInstance>, dryRun: boolean): Promise<boolean | undefined> {
    const address = isIPv4(target.host) ? 'AWS_INSTANCE_IPV4' : 'AWS_INSTANCE_CNAME';
    const command = new RegisterInstanceCommand({
      ServiceId: service.serviceId,
      InstanceId: id,
      Attributes: { ...service.attributes, [address]: target.host, AWS_INSTANCE_PORT: String(target.port), [REGISTERED_BY]: this.monitorId },
    });
    return this.send(service, 'RegisterInstance', command.input, dryRun, () => this.client.send(command), () => known.set(id, { registeredBy: this.monitorId }));
  }

  private report(service: RegistryService, id: string, health: Exclude<Health, 'UNKNOWN'>, instance: KnownInstance, dryRun: boolean): Promise<boolean | undefined> {
    const command = new UpdateInstanceCustomHealthStatusCommand({ ServiceId: service.serviceId, InstanceId: id, Status: health });
    return this.send(service, 'UpdateInstanceCustomHealthStatus', command.input, dryRun, () => this.client.send(command), () => { instance.health = health; });
  }

  private deregister(service: RegistryService, id: string, known: Map<string, KnownInstance>, dryRun: boolean): Promise<boolean | undefined> {
    const command = new DeregisterInstanceCommand({ ServiceId: service.serviceId, InstanceId: id });
    return this.send(service, 'DeregisterInstance', command.input, dryRun, () => this.client.send(command), () => known.delete(id));
  }

  /**
   * Sends one change through the breaker. An instance Cloud Map does not have (yet: registration
   * is asynchronous) is an answer, not an impaired API: it does not count against the breaker,
   * and the next refresh says what Cloud Map holds.
   * @returns whether the change was made; undefined when Cloud Map does not have the instance yet
   */
  private async send(
    service: RegistryService, operation: string, input: object, dryRun: boolean, call: () => Promise<unknown>, done: () => void,
  ): Promise<boolean | undefined> {
    if (dryRun) {
      this.telemetry.info('dry run: would call', { operation, input });
      done();
      return true;
    }
    try {
      const answered = await this.breaker.call(async () => {
        try {
          await call();
          return true;
        } catch (e) {
          if (e instanceof InstanceNotFound || e instanceof CustomHealthNotFound) return false;
          throw e;
        }
      });
      if (answered) {
        done();
        this.telemetry.info('called', { operation, input });
      } else {
        this.telemetry.info('instance not in Cloud Map yet; the next refresh tells', { operation, registry: service.name, input });
      }
      return answered ? true : undefined;
    } catch (e) {
      this.telemetry.warn('registry change failed', { operation, registry: service.name, input, error: String(e) });
      return false;
    }
  }
}
