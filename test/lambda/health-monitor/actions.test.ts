import {
  DeregisterTargetsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client, RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsActions } from '../../../lambda/health-monitor/actions';
import { CircuitBreaker } from '../../../lambda/health-monitor/breaker';
import { systemClock } from '../../../lambda/health-monitor/clock';
import { CircuitOpenError } from '../../../lambda/health-monitor/errors';
import { StoredTarget } from '../../../lambda/health-monitor/state-store';
import { ElbDiscovery } from '../../../lambda/health-monitor/targets';
import { RecordingTelemetry } from '../../../lambda/health-monitor/telemetry';
import { createClients } from '../../../lambda/health-monitor/wiring';
import { testConfig } from './fixtures';

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/api/0123456789abcdef';
const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:alerts';
const EG = 'arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/endpoint-group/098765zyxwvu';
const LB = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/api/50dc6c495c0c9188';
const RECORD = {
  Name: 'api.example.com.', Type: 'A' as const, SetIdentifier: 'primary', Failover: 'PRIMARY' as const, HealthCheckId: 'hc-1',
  AliasTarget: { DNSName: 'standby-123.eu-central-1.elb.amazonaws.com.', HostedZoneId: 'Z215JYRZR1TBD5', EvaluateTargetHealth: true },
};

const BREAKER = { failureThreshold: 2, failureRatePercent: 100, windowSize: 10, openMs: 60_000, halfOpenTrials: 1 };

function setup() {
  const elb = mockClient(ElasticLoadBalancingV2Client);
  const route53 = mockClient(Route53Client);
  const ga = mockClient(GlobalAcceleratorClient);
  const sns = mockClient(SNSClient);
  const breakers = {
    elb: new CircuitBreaker('elasticloadbalancing', BREAKER, systemClock),
    route53: new CircuitBreaker('route53', BREAKER, systemClock),
    globalAccelerator: new CircuitBreaker('globalaccelerator', BREAKER, systemClock),
    sns: new CircuitBreaker('sns', BREAKER, systemClock),
  };
  const telemetry = new RecordingTelemetry();
  const clients = {
    elb: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }), route53: new Route53Client({ region: 'us-east-1' }),
    globalAccelerator: new GlobalAcceleratorClient({ region: 'us-west-2' }), sns: new SNSClient({ region: 'eu-west-1' }),
  };
  return { elb, route53, ga, sns, breakers, telemetry, clients, actions: new AwsActions(clients, breakers, telemetry) };
}

describe('AwsActions sends exactly these requests', () => {
  test('DeregisterTargets and RegisterTargets name the target group and the one target', async () => {
    const { elb, actions } = setup();
    elb.on(DeregisterTargetsCommand).resolves({}).on(RegisterTargetsCommand).resolves({});
    await actions.deregister(TG, { id: '10.0.1.10', port: 8080 }, false);
    await actions.register(TG, { id: '10.0.1.10', port: 8080 }, false);
    expect(elb.commandCalls(DeregisterTargetsCommand).map((c) => c.args[0].input)).toEqual([{ TargetGroupArn: TG, Targets: [{ Id: '10.0.1.10', Port: 8080 }] }]);
    expect(elb.commandCalls(RegisterTargetsCommand).map((c) => c.args[0].input)).toEqual([{ TargetGroupArn: TG, Targets: [{ Id: '10.0.1.10', Port: 8080 }] }]);
  });

  test('a change of the name is one batch: the token replaced exactly (DELETE, CREATE) and the record UPSERTed', async () => {
    const { route53, actions } = setup();
    route53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: 'c1', Status: 'PENDING', SubmittedAt: new Date() } });
    await actions.changeName('Z0123456789', '_fence.api.example.com', 'e3.1', 'e4.1', RECORD, 'monitor: failover', false);
    const token = (value: string) => ({ Name: '_fence.api.example.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: `"${value}"` }] });
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual([{
      HostedZoneId: 'Z0123456789',
      ChangeBatch: {
        Comment: 'monitor: failover',
        Changes: [
          { Action: 'DELETE', ResourceRecordSet: token('e3.1') },
          { Action: 'CREATE', ResourceRecordSet: token('e4.1') },
          { Action: 'UPSERT', ResourceRecordSet: RECORD },
        ],
      },
    }]);
  });

  test('the first change creates the token; a fence alone changes only the token', async () => {
    const { route53, actions } = setup();
    route53.on(ChangeResourceRecordSetsCommand).resolves({});
    await actions.changeName('Z1', '_fence.api.example.com', undefined, 'e1.1', undefined, 'monitor: fence', false);
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch?.Changes?.map((c) => `${c.Action} ${c.ResourceRecordSet?.Type}`)).toEqual(['CREATE TXT']);
  });

  test('reading the name back: the token and the record with its set identifier, one page each', async () => {
    const { route53, actions } = setup();
    route53.on(ListResourceRecordSetsCommand, { StartRecordType: 'TXT' }).resolves({
      ResourceRecordSets: [{ Name: '_fence.api.example.com.', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"e4.2"' }] }], IsTruncated: false, MaxItems: 10,
    });
    route53.on(ListResourceRecordSetsCommand, { StartRecordType: 'A' }).resolves({
      ResourceRecordSets: [
        { ...RECORD, SetIdentifier: 'secondary', Failover: 'SECONDARY' },
        RECORD,
      ], IsTruncated: false, MaxItems: 10,
    });
    await expect(actions.readName('Z1', RECORD, '_fence.api.example.com')).resolves.toEqual({ token: 'e4.2', record: RECORD });
    expect(route53.commandCalls(ListResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual([
      { HostedZoneId: 'Z1', StartRecordName: '_fence.api.example.com', StartRecordType: 'TXT', MaxItems: 10 },
      { HostedZoneId: 'Z1', StartRecordName: 'api.example.com.', StartRecordType: 'A', StartRecordIdentifier: 'primary', MaxItems: 10 },
    ]);
  });

  test('the accelerator endpoints are read with DescribeEndpointGroup and set with UpdateEndpointGroup, endpoint configurations only', async () => {
    const { ga, actions } = setup();
    ga.on(DescribeEndpointGroupCommand).resolves({ EndpointGroup: {
      EndpointGroupArn: EG, TrafficDialPercentage: 100, HealthCheckPort: 80,
      EndpointDescriptions: [{ EndpointId: LB, Weight: 128, ClientIPPreservationEnabled: true, HealthState: 'HEALTHY' }],
    } }).on(UpdateEndpointGroupCommand).resolves({});
    expect(await actions.readEndpoints(EG)).toEqual([{ EndpointId: LB, Weight: 128, ClientIPPreservationEnabled: true }]);
    await actions.setEndpoints(EG, [{ EndpointId: LB, Weight: 0, ClientIPPreservationEnabled: true }], false);
    expect(ga.commandCalls(DescribeEndpointGroupCommand).map((c) => c.args[0].input)).toEqual([{ EndpointGroupArn: EG }]);
    // The dial, the port overrides and the health-check settings are left out: they stay as they are.
    expect(ga.commandCalls(UpdateEndpointGroupCommand).map((c) => c.args[0].input)).toEqual([{
      EndpointGroupArn: EG, EndpointConfigurations: [{ EndpointId: LB, Weight: 0, ClientIPPreservationEnabled: true }],
    }]);
  });

  test('the accelerator\'s client calls US West (Oregon), where its API is, from any region', async () => {
    const clients = createClients({ callTimeoutMs: 500 });
    expect(await clients.globalAccelerator.config.region()).toBe('us-west-2');
  });

  test('an alert is one Publish, its subject cut to the 99 characters SNS allows', async () => {
    const { sns, actions } = setup();
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    await actions.alert(TOPIC, 's'.repeat(120), 'body', 'alert#i1', false);
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([{ TopicArn: TOPIC, Subject: 's'.repeat(99), Message: 'body' }]);
  });

  test('to a FIFO topic, an alert carries its claim as the deduplication id, so a retry is delivered once', async () => {
    const { sns, actions } = setup();
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    await actions.alert(`${TOPIC}.fifo`, 's', 'body', 'alert#api@2026-12-02T04:00:00.000Z/e3', false);
    expect(sns.commandCalls(PublishCommand)[0].args[0].input).toMatchObject({ MessageGroupId: 'alerts', MessageDeduplicationId: 'alert#api@2026-12-02T04:00:00.000Z/e3' });
  });

  test('in dry run nothing is sent; the request is logged', async () => {
    const { elb, route53, ga, sns, actions, telemetry } = setup();
    await actions.deregister(TG, { id: '10.0.1.10', port: 8080 }, true);
    await actions.changeName('Z0123456789', '_fence.api.example.com', 'e1.1', 'e1.2', RECORD, 'c', true);
    await actions.setEndpoints(EG, [{ EndpointId: LB, Weight: 0 }], true);
    await actions.alert(TOPIC, 's', 'm', 'k', true);
    expect(elb.calls()).toHaveLength(0);
    expect(route53.calls()).toHaveLength(0);
    expect(ga.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
    expect(telemetry.logs.map((l) => [l.message, l.data?.operation])).toEqual([
      ['dry run: would call', 'DeregisterTargets'], ['dry run: would call', 'ChangeResourceRecordSets'], ['dry run: would call', 'UpdateEndpointGroup'],
      ['dry run: would call', 'Publish'],
    ]);
  });

  test('an API that keeps failing is not called again while its circuit is open; other APIs still are', async () => {
    const { route53, sns, actions } = setup();
    route53.on(ChangeResourceRecordSetsCommand).rejects(new Error('ServiceUnavailable'));
    sns.on(PublishCommand).resolves({});
    const change = () => actions.changeName('Z1', '_fence.api.example.com', 'e1.1', 'e1.2', RECORD, 'c', false);
    await expect(change()).rejects.toThrow('ServiceUnavailable');
    await expect(change()).rejects.toThrow('ServiceUnavailable');
    await expect(change()).rejects.toBeInstanceOf(CircuitOpenError);
    expect(route53.calls()).toHaveLength(2);
    await expect(actions.alert(TOPIC, 's', 'm', 'k', false)).resolves.toBeUndefined();
  });
});

describe('ElbDiscovery', () => {
  const config = testConfig({
    targetGroups: [{ name: 'api', arn: TG }],
    endpoints: [{ name: 'db-proxy', group: 'internal', host: '10.0.2.5', port: 5432 }],
  });

  test('lists the IP targets of each group (not draining ones), the ones the monitor took out, the endpoints, and ELB\'s view', async () => {
    const { elb, breakers, clients } = setup();
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: TG }).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: '10.0.1.10', Port: 8080 }, TargetHealth: { State: 'healthy' } },
        { Target: { Id: '10.0.1.11', Port: 8080 }, TargetHealth: { State: 'unhealthy' } },
        { Target: { Id: '10.0.1.12', Port: 8080 }, TargetHealth: { State: 'draining' } },
      ],
    });
    const out: StoredTarget = {
      id: 'api/10.0.1.13:8080', group: 'api', host: '10.0.1.13', port: 8080, deregistered: true, deregisteredIn: 'i1',
      status: 'DOWN', failures: 2, successes: 0, lastProbeAt: 1, lastChangeAt: 1,
    };
    const found = await new ElbDiscovery(clients.elb, breakers.elb, config).discover(new Map([[out.id, out]]));
    expect(found.failed).toEqual([]);
    expect(found.elb.get('api')).toEqual(new Map([['10.0.1.10:8080', 'healthy'], ['10.0.1.11:8080', 'unhealthy'], ['10.0.1.12:8080', 'draining']]));
    expect(found.targets).toEqual([
      { id: 'api/10.0.1.10:8080', group: 'api', host: '10.0.1.10', port: 8080, targetGroupArn: TG, elbTarget: { id: '10.0.1.10', port: 8080 } },
      { id: 'api/10.0.1.11:8080', group: 'api', host: '10.0.1.11', port: 8080, targetGroupArn: TG, elbTarget: { id: '10.0.1.11', port: 8080 } },
      { id: 'api/10.0.1.13:8080', group: 'api', host: '10.0.1.13', port: 8080, targetGroupArn: TG, elbTarget: { id: '10.0.1.13', port: 8080 } },
      { id: 'internal/db-proxy', group: 'internal', host: '10.0.2.5', port: 5432 },
    ]);
    expect(elb.commandCalls(DescribeTargetHealthCommand).map((c) => c.args[0].input)).toEqual([{ TargetGroupArn: TG }]);
  });

  test('a group whose listing fails is reported, and every target known of it is kept', async () => {
    const { elb, breakers, clients } = setup();
    elb.on(DescribeTargetHealthCommand).rejects(new Error('ServiceUnavailable'));
    const known: StoredTarget = {
      id: 'api/10.0.1.10:8080', group: 'api', host: '10.0.1.10', port: 8080, deregistered: false,
      status: 'UP', failures: 0, successes: 2, lastProbeAt: 1, lastChangeAt: 1,
    };
    const found = await new ElbDiscovery(clients.elb, breakers.elb, config).discover(new Map([[known.id, known]]));
    expect(found.failed).toEqual(['api']);
    expect(found.elb.has('api')).toBe(false);
    expect(found.targets.map((t) => t.id)).toEqual(['api/10.0.1.10:8080', 'internal/db-proxy']);
  });
});
