/**
 * The leader's calls to ELB, Route 53, Global Accelerator and SNS, each through its API's circuit breaker; in dry run
 * the changes are logged instead. Reads are made in dry run too: they change nothing.
 */
import { DeregisterTargetsCommand, ElasticLoadBalancingV2Client, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { Change, ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CircuitBreaker } from './breaker';
import { RecordSet } from './contract';
import type { AcceleratorEndpoint, Actions, ElbTarget, NameState } from './ports';
import { Telemetry } from './telemetry';

export interface AwsClients {
  readonly elb: ElasticLoadBalancingV2Client;
  readonly route53: Route53Client;
  /** Global Accelerator's API, which is in US West (Oregon) only. */
  readonly globalAccelerator: GlobalAcceleratorClient;
  readonly sns: SNSClient;
}

type Api = 'elb' | 'route53' | 'globalAccelerator' | 'sns';

/** TXT values are quoted strings. https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html#TXTFormat */
const quoted = (value: string) => `"${value}"`;
const unquoted = (value: string | undefined) => value?.replace(/^"|"$/g, '');

/** Route 53 returns names fully qualified, with a trailing dot, and lower case. */
const sameName = (a: string, b: string) => a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();

export class AwsActions implements Actions {
  constructor(
    private readonly clients: AwsClients,
    private readonly breakers: Record<Api, CircuitBreaker>,
    private readonly telemetry: Telemetry,
  ) {}

  public async deregister(targetGroupArn: string, target: ElbTarget, dryRun: boolean): Promise<void> {
    const command = new DeregisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: target.id, Port: target.port }] });
    await this.send('elb', 'DeregisterTargets', command.input, dryRun, () => this.clients.elb.send(command));
  }

  public async register(targetGroupArn: string, target: ElbTarget, dryRun: boolean): Promise<void> {
    const command = new RegisterTargetsCommand({ TargetGroupArn: targetGroupArn, Targets: [{ Id: target.id, Port: target.port }] });
    await this.send('elb', 'RegisterTargets', command.input, dryRun, () => this.clients.elb.send(command));
  }

  /**
   * Lists from the record's name: the token (a TXT record of its own name) and the record (its
   * name, type and set identifier). Two reads at most, each one page.
   */
  public async readName(hostedZoneId: string, record: RecordSet, tokenName: string): Promise<NameState> {
    const list = (name: string, type: RecordSet['Type'] | 'TXT', setIdentifier?: string) => this.breakers.route53.call(() => this.clients.route53.send(new ListResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId, StartRecordName: name, StartRecordType: type, StartRecordIdentifier: setIdentifier, MaxItems: 10,
    })));
    const [tokens, records] = await Promise.all([list(tokenName, 'TXT'), list(record.Name, record.Type, record.SetIdentifier)]);
    const token = tokens.ResourceRecordSets?.find((r) => r.Type === 'TXT' && sameName(r.Name ?? '', tokenName));
    const found = records.ResourceRecordSets?.find((r) => r.Type === record.Type && sameName(r.Name ?? '', record.Name) && r.SetIdentifier === record.SetIdentifier);
    return { token: unquoted(token?.ResourceRecords?.[0]?.Value), record: found as RecordSet | undefined };
  }

  public async changeName(hostedZoneId: string, tokenName: string, from: string | undefined, to: string, record: RecordSet | undefined, comment: string, dryRun: boolean): Promise<void> {
    const token = (value: string) => ({ Name: tokenName, Type: 'TXT' as const, TTL: 60, ResourceRecords: [{ Value: quoted(value) }] });
    const changes: Change[] = [
      ...(from === undefined ? [] : [{ Action: 'DELETE' as const, ResourceRecordSet: token(from) }]),
      { Action: 'CREATE', ResourceRecordSet: token(to) },
      ...(record ? [{ Action: 'UPSERT' as const, ResourceRecordSet: record }] : []),
    ];
    const command = new ChangeResourceRecordSetsCommand({ HostedZoneId: hostedZoneId, ChangeBatch: { Comment: comment, Changes: changes } });
    await this.send('route53', 'ChangeResourceRecordSets', command.input, dryRun, () => this.clients.route53.send(command));
  }

  public async readEndpoints(endpointGroupArn: string): Promise<AcceleratorEndpoint[]> {
    const { EndpointGroup: group } = await this.breakers.globalAccelerator.call(() => this.clients.globalAccelerator.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: endpointGroupArn })));
    return (group?.EndpointDescriptions ?? []).map((e) => ({ EndpointId: e.EndpointId!, Weight: e.Weight, ClientIPPreservationEnabled: e.ClientIPPreservationEnabled }));
  }

  public async setEndpoints(endpointGroupArn: string, endpoints: readonly AcceleratorEndpoint[], dryRun: boolean): Promise<void> {
    const command = new UpdateEndpointGroupCommand({ EndpointGroupArn: endpointGroupArn, EndpointConfigurations: [...endpoints] });
    await this.send('globalAccelerator', 'UpdateEndpointGroup', command.input, dryRun, () => this.clients.globalAccelerator.send(command));
  }

  public async alert(topicArn: string, subject: string, message: string, dedupId: string, dryRun: boolean): Promise<void> {
    // FIFO topics deduplicate by id for five minutes, so a retried alert is delivered once.
    // https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html
    const fifo = topicArn.endsWith('.fifo') ? { MessageGroupId: 'alerts', MessageDeduplicationId: dedupId.replace(/[^\w!-/:-@[-`{-~]/g, '_').slice(0, 128) } : {};
    const command = new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 99), Message: message, ...fifo });
    await this.send('sns', 'Publish', command.input, dryRun, () => this.clients.sns.send(command));
  }

  private async send(api: Api, operation: string, input: unknown, dryRun: boolean, call: () => Promise<unknown>): Promise<void> {
    if (dryRun) {
      this.telemetry.info('dry run: would call', { operation, input });
      return;
    }
    await this.breakers[api].call(call);
    this.telemetry.info('called', { operation, input });
  }
}
