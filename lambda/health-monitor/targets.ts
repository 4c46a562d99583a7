/**
 * Targets from ELB target groups (DescribeTargetHealth), with ELB's own view of each, and explicit
 * endpoints.
 */
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CircuitBreaker } from './breaker';
import { MonitorConfig } from './contract';
import type { Discovered, Discovery, ElbView, MonitoredTarget } from './ports';
import { StoredTarget } from './state-store';

/**
 * Targets of ELB target groups (IP targets, listed with DescribeTargetHealth) with ELB's own view
 * of their health, the targets the monitor itself took out (to see them recover), and explicit
 * endpoints. A group whose listing fails keeps its last known targets: the caller passes them.
 */
export class ElbDiscovery implements Discovery {
  constructor(private readonly elb: ElasticLoadBalancingV2Client, private readonly breaker: CircuitBreaker, private readonly config: MonitorConfig) {}

  public async discover(stored: ReadonlyMap<string, StoredTarget>): Promise<Discovered> {
    const elb = new Map<string, ElbView>();
    const failed: string[] = [];
    const perGroup = await Promise.all(this.config.targetGroups.map(async (group) => {
      const found = new Map<string, MonitoredTarget>();
      try {
        const out = await this.breaker.call(() => this.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.arn })));
        const view = new Map<string, string>();
        for (const description of out.TargetHealthDescriptions ?? []) {
          const target = description.Target;
          if (!target?.Id || target.Port === undefined) continue;
          const state = description.TargetHealth?.State ?? 'unavailable';
          view.set(`${target.Id}:${target.Port}`, state);
          if (state === 'draining') continue;
          const id = `${group.name}/${target.Id}:${target.Port}`;
          found.set(id, { id, group: group.name, host: target.Id, port: target.Port, targetGroupArn: group.arn, elbTarget: { id: target.Id, port: target.Port } });
        }
        elb.set(group.name, view);
      } catch {
        failed.push(group.name);
      }
      for (const s of stored.values()) {
        // The ones it took out, or may have (a deregistration that may still land), to see them
        // recover; when the listing failed, every one known.
        if (s.group === group.name && (s.deregistered || s.lateOut === true || failed.includes(group.name)) && !found.has(s.id)) {
          found.set(s.id, { id: s.id, group: s.group, host: s.host, port: s.port, targetGroupArn: group.arn, elbTarget: { id: s.host, port: s.port } });
        }
      }
      return [...found.values()];
    }));
    return { targets: [...perGroup.flat(), ...staticEndpoints(this.config)], elb, failed };
  }
}

export function staticEndpoints(config: MonitorConfig): MonitoredTarget[] {
  return config.endpoints.map((e) => ({ id: `${e.group}/${e.name}`, group: e.group, host: e.host, port: e.port }));
}
