import {
  DeregisterTargetsCommand, DeregisterTargetsCommandInput, DescribeTargetHealthCommand, RegisterTargetsCommand, RegisterTargetsCommandInput,
  TargetDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeEndpointGroupCommand, EndpointConfiguration, UpdateEndpointGroupCommand, UpdateEndpointGroupCommandInput } from '@aws-sdk/client-global-accelerator';
import { ChangeResourceRecordSetsCommand, ChangeResourceRecordSetsCommandInput, ListResourceRecordSetsCommand, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { PublishCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { MonitorClients } from '../../lambda/health-monitor/wiring';

/**
 * Elastic Load Balancing, Route 53, Global Accelerator and SNS as the drill's contenders see them: each request, built
 * by the monitor's real code with the SDK's real command types, is recorded and answered in
 * process.
 *
 * - ELB keeps the targets registered in each group, so a deregistered target drops out of
 *   DescribeTargetHealth as it would on AWS, and runs its own health checks on the group's
 *   timing: a check every interval, a failure known at its timeout, the state changed after the
 *   thresholds.
 * - Route 53 keeps the zone's records: a change batch is applied whole or not at all, a DELETE
 *   must match the record exactly, and ListResourceRecordSets lists from a name and type.
 * - Global Accelerator keeps each endpoint group's endpoints: UpdateEndpointGroup replaces them,
 *   with no condition, and DescribeEndpointGroup lists them.
 */

export type Api = 'elasticloadbalancing' | 'route53' | 'globalaccelerator' | 'sns';

export interface RecordedCall {
  /** Milliseconds since the drill started. */
  readonly at: number;
  /** The contender that sent it. */
  readonly by: string;
  readonly api: Api;
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

/** ELB's health check of a target group: every `intervalMs`, failing after `timeoutMs`, with thresholds. */
export interface ElbCheck {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export class AwsRecorder {
  public readonly calls: RecordedCall[] = [];
  private readonly registered = new Map<string, TargetDescription[]>();
  /** `host:port` → when it stopped answering, or undefined while it answers; and since when it answers. */
  private readonly down = new Map<string, number>();
  private readonly upSince = new Map<string, number>();
  private readonly records: ResourceRecordSet[] = [];
  private readonly endpointGroups = new Map<string, EndpointConfiguration[]>();

  /**
   * @param started when the drill started (its times are relative to it)
   * @param check ELB's health check of the drill's target group
   * @param onCall sees each call as it is answered
   */
  constructor(private readonly started: number, private readonly check: ElbCheck, private readonly onCall: (call: RecordedCall) => void = () => undefined) {}

  /** Says that a backend stops or starts answering, as ELB's checks will find. */
  public setAnswering(host: string, port: number, answering: boolean): void {
    const key = `${host}:${port}`;
    if (answering) {
      this.down.delete(key);
      this.upSince.set(key, Date.now());
    } else if (!this.down.has(key)) {
      this.down.set(key, Date.now());
    }
  }

  /** Records in the zone before the drill starts. */
  public addRecord(record: ResourceRecordSet): void {
    this.records.push(record);
  }

  /** An accelerator endpoint group and its endpoints before the drill starts. */
  public addEndpointGroup(endpointGroupArn: string, endpoints: EndpointConfiguration[]): void {
    this.endpointGroups.set(endpointGroupArn, endpoints);
  }

  /** The weight of an accelerator endpoint now. */
  public weightOf(endpointGroupArn: string, endpointId: string): number | undefined {
    return this.endpointGroups.get(endpointGroupArn)?.find((e) => e.EndpointId === endpointId)?.Weight;
  }

  /** ELB's verdict on a target now: the checks since it changed, on ELB's schedule. */
  private elbState(host: string, port: number): string {
    const key = `${host}:${port}`;
    const { intervalMs, timeoutMs, healthyThreshold, unhealthyThreshold } = this.check;
    // Checks start at the drill's start and every interval after; a failed one is known at its timeout.
    const checks = (from: number, to: number) => Math.max(0, Math.floor((to - this.started) / intervalMs) - Math.ceil((from - this.started) / intervalMs) + 1);
    const checksSince = (t: number, answerMs: number) => checks(t, Date.now() - answerMs);
    const downAt = this.down.get(key);
    if (downAt !== undefined) return checksSince(downAt, timeoutMs) >= unhealthyThreshold ? 'unhealthy' : 'healthy';
    const upAt = this.upSince.get(key);
    if (upAt !== undefined && checksSince(upAt, 0) < healthyThreshold) return 'unhealthy';
    return 'healthy';
  }

  /** Targets registered in a group before the drill starts. */
  public register(targetGroupArn: string, targets: Array<{ Id: string; Port: number }>): void {
    this.registered.set(targetGroupArn, [...targets]);
  }

  /** Applies a change batch as Route 53 does: whole or not at all. */
  public applyBatch(input: ChangeResourceRecordSetsCommandInput): void {
    const next = [...this.records];
    for (const change of input.ChangeBatch?.Changes ?? []) {
      const r = change.ResourceRecordSet!;
      const at = next.findIndex((x) => key(x) === key(r));
      if (change.Action === 'DELETE') {
        if (at < 0 || JSON.stringify(next[at]) !== JSON.stringify(r)) throw invalidChangeBatch(`Tried to delete resource record set [name='${r.Name}', type='${r.Type}'] but the values provided do not match the current values`);
        next.splice(at, 1);
      } else if (change.Action === 'CREATE') {
        if (at >= 0) throw invalidChangeBatch(`Tried to create resource record set [name='${r.Name}', type='${r.Type}'] but it already exists`);
        next.push(r);
      } else if (at >= 0) {
        next[at] = r;
      } else {
        next.push(r);
      }
    }
    this.records.splice(0, this.records.length, ...next.sort((a, b) => key(a).localeCompare(key(b))));
  }

  /** The calls that change something or notify someone (not the DescribeTargetHealth listings). */
  public get actions(): RecordedCall[] {
    return this.calls.filter((c) => c.operation !== 'DescribeTargetHealth');
  }

  /**
   * Answers the calls of one contender's clients. Once `alive` says no, every call fails, as the
   * calls of a process that is gone would.
   */
  public attach(by: string, clients: MonitorClients, alive: () => boolean): void {
    const record = (api: Api, operation: string, input: object) => {
      if (!alive()) throw new Error(`${by} is gone`);
      const call: RecordedCall = { at: Date.now() - this.started, by, api, operation, input: input as Record<string, unknown> };
      this.calls.push(call);
      this.onCall(call);
    };
    const elb = mockClient(clients.elb);
    elb.on(DescribeTargetHealthCommand).callsFake((input) => {
      record('elasticloadbalancing', 'DescribeTargetHealth', input);
      const targets = this.registered.get(input.TargetGroupArn) ?? [];
      return { TargetHealthDescriptions: targets.map((Target) => ({ Target, TargetHealth: { State: this.elbState(Target.Id!, Target.Port!) } })) };
    });
    elb.on(DeregisterTargetsCommand).callsFake((input: DeregisterTargetsCommandInput) => {
      record('elasticloadbalancing', 'DeregisterTargets', input);
      const gone = new Set((input.Targets ?? []).map((t) => `${t.Id}:${t.Port}`));
      this.registered.set(input.TargetGroupArn!, (this.registered.get(input.TargetGroupArn!) ?? []).filter((t) => !gone.has(`${t.Id}:${t.Port}`)));
      return {};
    });
    elb.on(RegisterTargetsCommand).callsFake((input: RegisterTargetsCommandInput) => {
      record('elasticloadbalancing', 'RegisterTargets', input);
      const current = this.registered.get(input.TargetGroupArn!) ?? [];
      const added = (input.Targets ?? []).filter((t) => !current.some((c) => c.Id === t.Id && c.Port === t.Port));
      this.registered.set(input.TargetGroupArn!, [...current, ...added]);
      return {};
    });
    const route53 = mockClient(clients.route53);
    route53.on(ChangeResourceRecordSetsCommand).callsFake((input: ChangeResourceRecordSetsCommandInput) => {
      record('route53', 'ChangeResourceRecordSets', input);
      this.applyBatch(input);
      return { ChangeInfo: { Id: `/change/C${this.calls.length}`, Status: 'PENDING', SubmittedAt: new Date() } };
    });
    route53.on(ListResourceRecordSetsCommand).callsFake((input) => {
      if (!alive()) throw new Error(`${by} is gone`);
      const from = this.records.findIndex((r) => same(r.Name!, input.StartRecordName) && r.Type === input.StartRecordType
        && (input.StartRecordIdentifier === undefined || r.SetIdentifier === input.StartRecordIdentifier));
      return { ResourceRecordSets: from < 0 ? [] : this.records.slice(from, from + (input.MaxItems ?? 100)), IsTruncated: false, MaxItems: input.MaxItems };
    });
    const ga = mockClient(clients.globalAccelerator);
    ga.on(DescribeEndpointGroupCommand).callsFake((input) => {
      if (!alive()) throw new Error(`${by} is gone`);
      const endpoints = this.endpointGroups.get(input.EndpointGroupArn) ?? [];
      return { EndpointGroup: { EndpointGroupArn: input.EndpointGroupArn, TrafficDialPercentage: 100, EndpointDescriptions: endpoints.map((e) => ({ ...e, HealthState: 'HEALTHY' })) } };
    });
    ga.on(UpdateEndpointGroupCommand).callsFake((input: UpdateEndpointGroupCommandInput) => {
      record('globalaccelerator', 'UpdateEndpointGroup', input);
      if (input.EndpointConfigurations) this.endpointGroups.set(input.EndpointGroupArn!, input.EndpointConfigurations.map((e) => ({ ...e })));
      return { EndpointGroup: { EndpointGroupArn: input.EndpointGroupArn } };
    });
    mockClient(clients.sns).on(PublishCommand).callsFake((input) => {
      record('sns', 'Publish', input);
      return { MessageId: `message-${this.calls.length}` };
    });
  }
}

const same = (a: string, b: string | undefined) => a.replace(/\.$/, '').toLowerCase() === (b ?? '').replace(/\.$/, '').toLowerCase();
const key = (r: ResourceRecordSet) => `${r.Name?.replace(/\.$/, '').toLowerCase()} ${r.Type} ${r.SetIdentifier ?? ''}`;

/** The error Route 53 answers a batch it refuses with. */
function invalidChangeBatch(message: string): Error {
  return Object.assign(new Error(`InvalidChangeBatch: ${message}`), { name: 'InvalidChangeBatch', $metadata: { httpStatusCode: 400 } });
}

/** One line saying what a call would send. */
export function describeCall(call: RecordedCall): string {
  const input = call.input as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (call.operation) {
    case 'Publish':
      return `SNS Publish to ${input.TopicArn}: "${input.Subject}"`;
    case 'ChangeResourceRecordSets': {
      const changes = input.ChangeBatch.Changes as Array<{ Action: string; ResourceRecordSet: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const upsert = changes.find((c) => c.Action === 'UPSERT');
      const token = changes.find((c) => c.Action === 'CREATE')?.ResourceRecordSet.ResourceRecords?.[0]?.Value;
      const what = upsert ? `UPSERT ${upsert.ResourceRecordSet.Name} ${upsert.ResourceRecordSet.Type} ${upsert.ResourceRecordSet.Failover} → ${upsert.ResourceRecordSet.AliasTarget?.DNSName}` : 'the fencing token only';
      return `Route 53 ChangeResourceRecordSets ${input.HostedZoneId}: ${what} (token ${token})`;
    }
    case 'UpdateEndpointGroup':
      return `Global Accelerator UpdateEndpointGroup ${String(input.EndpointGroupArn).replace(/^arn:aws:globalaccelerator::\d+:/, '')}: `
        + (input.EndpointConfigurations as EndpointConfiguration[]).map((e) => `${shortArn(e.EndpointId!)} weight ${e.Weight}`).join(', ');
    case 'DescribeTargetHealth':
      return `ELB DescribeTargetHealth ${shortArn(input.TargetGroupArn)}`;
    default:
      return `ELB ${call.operation} ${shortArn(input.TargetGroupArn)}: ${(input.Targets ?? []).map((t: { Id: string; Port: number }) => `${t.Id}:${t.Port}`).join(', ')}`;
  }
}

const shortArn = (arn: string) => arn.replace(/^arn:aws:elasticloadbalancing:[^:]+:\d+:/, '');
