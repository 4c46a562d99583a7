import { DeregisterTargetsCommand, ElasticLoadBalancingV2Client, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CircuitBreaker } from './breaker';
import { RecordSet } from './contract';
import { Telemetry } from './telemetry';

/** An ELB target. */
export interface ElbTarget {
  readonly id: string;
  readonly port: number;
}

/**
 * What the leader does to the world. Each call goes through the API's circuit breaker; in dry-run
 * the call is logged instead.
 */
export interface Actions {
  deregister(targetGroupArn: string, target: ElbTarget, dryRun: boolean): Promise<void>;
  register(targetGroupArn: string, target: ElbTarget, dryRun: boolean): Promise<void>;
  /** UPSERTs one record set (a failover pair's PRIMARY record) in a hosted zone. */
  upsertRecord(hostedZoneId: string, record: RecordSet, comment: string, dryRun: boolean): Promise<void>;
  alert(topicArn: string, subject: string, message: string, dryRun: boolean): Promise<void>;
}

export interface AwsClients {
  readonly elb: ElasticLoadBalancingV2Client;
  readonly route53: Route53Client;
  readonly sns: SNSClient;
}

export class AwsActions implements Actions {
  constructor(
    private readonly clients: AwsClients,
    private readonly breakers: { elb: CircuitBreaker; route53: CircuitBreaker; sns: CircuitBreaker },
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

  public async upsertRecord(hostedZoneId: string, record: RecordSet, comment: string, dryRun: boolean): Promise<void> {
    const command = new ChangeResourceRecordSetsCommand({
      HostedZoneId: hostedZoneId,
      ChangeBatch: { Comment: comment, Changes: [{ Action: 'UPSERT', ResourceRecordSet: record }] },
    });
    await this.send('route53', 'ChangeResourceRecordSets', command.input, dryRun, () => this.clients.route53.send(command));
  }

  public async alert(topicArn: string, subject: string, message: string, dryRun: boolean): Promise<void> {
    const command = new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 99), Message: message });
    await this.send('sns', 'Publish', command.input, dryRun, () => this.clients.sns.send(command));
  }

  private async send(api: 'elb' | 'route53' | 'sns', operation: string, input: unknown, dryRun: boolean, call: () => Promise<unknown>): Promise<void> {
    if (dryRun) {
      this.telemetry.info('dry run: would call', { operation, input });
      return;
    }
    await this.breakers[api].call(call);
    this.telemetry.info('called', { operation, input });
  }
}
