import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElbTarget } from './actions';
import { CircuitBreaker } from './breaker';
import { MonitorConfig } from './contract';
import { StoredTarget } from './state-store';

/** One endpoint the monitor probes. */
export interface MonitoredTarget {
  readonly id: string;
  readonly group: string;
  readonly host: string;
  readonly port: number;
  /** For targets of an ELB target group: the group and the target as ELB knows it. */
  readonly targetGroupArn?: string;
  readonly elbTarget?: ElbTarget;
}

export interface Discovery {
  /** The targets to probe now; `stored` keeps targets the monitor deregistered (ELB no longer lists them). */
  discover(stored: ReadonlyMap<string, StoredTarget>): Promise<MonitoredTarget[]>;
}

/**
 * Targets of ELB target groups (IP targets, listed with DescribeTargetHealth), the targets the
 * monitor itself deregistered (to see them recover), and explicit endpoints.
 */
export class ElbDiscovery implements Discovery {
  constructor(private readonly elb: ElasticLoadBalancingV2Client, private readonly breaker: CircuitBreaker, private readonly config: MonitorConfig) {}

  public async discover(stored: ReadonlyMap<string, StoredTarget>): Promise<MonitoredTarget[]> {
    const found = new Map<string, MonitoredTarget>();
    for (const group of this.config.targetGroups) {
      const out = await this.breaker.call(() => this.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.arn })));
      for (const description of out.TargetHealthDescriptions ?? []) {
        const target = description.Target;
        if (!target?.Id || target.Port === undefined || description.TargetHealth?.State === 'draining') continue;
        const id = `${group.name}/${target.Id}:${target.Port}`;
        found.set(id, { id, group: group.name, host: target.Id, port: target.Port, targetGroupArn: group.arn, elbTarget: { id: target.Id, port: target.Port } });
      }
      for (const s of stored.values()) {
        if (s.group === group.name && s.deregistered && !found.has(s.id)) {
          found.set(s.id, { id: s.id, group: s.group, host: s.host, port: s.port, targetGroupArn: group.arn, elbTarget: { id: s.host, port: s.port } });
        }
      }
    }
    return [...found.values(), ...staticEndpoints(this.config)];
  }
}

export function staticEndpoints(config: MonitorConfig): MonitoredTarget[] {
  return config.endpoints.map((e) => ({ id: `${e.group}/${e.name}`, group: e.group, host: e.host, port: e.port }));
}
