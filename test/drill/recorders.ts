import {
  DeregisterTargetsCommand, DeregisterTargetsCommandInput, DescribeTargetHealthCommand, RegisterTargetsCommand, RegisterTargetsCommandInput,
  TargetDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { PublishCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { MonitorClients } from '../../lambda/health-monitor/wiring';

/**
 * Elastic Load Balancing, Route 53 and SNS as the drill's contenders see them: each request, built
 * by the monitor's real code with the SDK's real command types, is recorded and answered in
 * process. ELB keeps the targets registered in each group, so a deregistered target drops out of
 * DescribeTargetHealth as it would on AWS.
 */

export type Api = 'elasticloadbalancing' | 'route53' | 'sns';

export interface RecordedCall {
  /** Milliseconds since the drill started. */
  readonly at: number;
  /** The contender that sent it. */
  readonly by: string;
  readonly api: Api;
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

export class AwsRecorder {
  public readonly calls: RecordedCall[] = [];
  private readonly registered = new Map<string, TargetDescription[]>();

  /**
   * @param started when the drill started (its times are relative to it)
   * @param onCall sees each call as it is answered
   */
  constructor(private readonly started: number, private readonly onCall: (call: RecordedCall) => void = () => undefined) {}

  /** Targets registered in a group before the drill starts. */
  public register(targetGroupArn: string, targets: Array<{ Id: string; Port: number }>): void {
    this.registered.set(targetGroupArn, [...targets]);
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
      return { TargetHealthDescriptions: targets.map((Target) => ({ Target, TargetHealth: { State: 'healthy' } })) };
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
    mockClient(clients.route53).on(ChangeResourceRecordSetsCommand).callsFake((input) => {
      record('route53', 'ChangeResourceRecordSets', input);
      return { ChangeInfo: { Id: `/change/C${this.calls.length}`, Status: 'PENDING', SubmittedAt: new Date() } };
    });
    mockClient(clients.sns).on(PublishCommand).callsFake((input) => {
      record('sns', 'Publish', input);
      return { MessageId: `message-${this.calls.length}` };
    });
  }
}

/** One line saying what a call would send. */
export function describeCall(call: RecordedCall): string {
  const input = call.input as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (call.operation) {
    case 'Publish':
      return `SNS Publish to ${input.TopicArn}: "${input.Subject}"`;
    case 'ChangeResourceRecordSets': {
      const change = input.ChangeBatch.Changes[0];
      const record = change.ResourceRecordSet;
      return `Route 53 ChangeResourceRecordSets ${input.HostedZoneId}: ${change.Action} ${record.Name} ${record.Type} ${record.Failover} → ${record.AliasTarget?.DNSName}`;
    }
    case 'DescribeTargetHealth':
      return `ELB DescribeTargetHealth ${shortArn(input.TargetGroupArn)}`;
    default:
      return `ELB ${call.operation} ${shortArn(input.TargetGroupArn)}: ${(input.Targets ?? []).map((t: { Id: string; Port: number }) => `${t.Id}:${t.Port}`).join(', ')}`;
  }
}

const shortArn = (arn: string) => arn.replace(/^arn:aws:elasticloadbalancing:[^:]+:\d+:/, '');
