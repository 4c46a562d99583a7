import * as http from 'http';
import type { AddressInfo } from 'net';
import {
  DeregisterTargetsCommand, DescribeTargetHealthCommand, ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LeaseStore } from '../../../lambda/health-monitor/lease';
import { LocalDynamo, startDynalite } from '../../support/dynalite';
import { HANDLER_TIMING, lambdaEnvironment, testConfig } from './fixtures';
import { waitFor } from './harness';

/**
 * The handler as Lambda runs it: configuration from the environment, DynamoDB (the local server,
 * through the SDK's endpoint variable), targets listed by ELB (mocked) at real HTTP servers on
 * loopback, alerts and deregistrations through the SDK (mocked, requests asserted).
 */

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/api/0123456789abcdef';
const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:alerts';

let dynamo: LocalDynamo;
const servers: http.Server[] = [];
const ports: number[] = [];

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable('handler-table');
  for (let i = 0; i < 3; i++) {
    const server = http.createServer((req, res) => {
      res.writeHead(req.url === '/health' ? 200 : 404);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports.push((server.address() as AddressInfo).port);
  }
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await dynamo.close();
});

test('one invocation leads, takes out the target that stopped answering, alerts once, logs JSON and emits metrics, and releases the lease', async () => {
  const config = testConfig({
    monitorId: 'handler-test',
    tableName: 'handler-table',
    ...HANDLER_TIMING,
    invocationMs: 2500,
    targetGroups: [{ name: 'api', arn: TG, probe: { protocol: 'HTTP', path: '/health', successCodes: '200' } }],
    actions: { alertTopicArn: TOPIC },
  });
  Object.assign(process.env, lambdaEnvironment(config, dynamo.endpoint));

  const elb = mockClient(ElasticLoadBalancingV2Client);
  elb.on(DescribeTargetHealthCommand).resolves({
    TargetHealthDescriptions: ports.map((port) => ({ Target: { Id: '127.0.0.1', Port: port }, TargetHealth: { State: 'healthy' } })),
  });
  elb.on(DeregisterTargetsCommand).resolves({});
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).resolves({ MessageId: 'm1' });

  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require('../../../lambda/health-monitor/index') as typeof import('../../../lambda/health-monitor/index');
    const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
    const run = handler({ contender: 'c1' }, context);
    await waitFor('targets probed', () => lines.some((l) => l.includes('"TargetsUp"')), 3000);
    servers[1].closeAllConnections();
    servers[1].close();
    await run;
  } finally {
    spy.mockRestore();
  }

  expect(elb.commandCalls(DeregisterTargetsCommand).map((c) => c.args[0].input)).toEqual([{ TargetGroupArn: TG, Targets: [{ Id: '127.0.0.1', Port: ports[1] }] }]);
  expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([{
    TopicArn: TOPIC,
    Subject: '[handler-test] api: 1 of 3 targets down',
    Message: expect.stringMatching(new RegExp(`^Incident api@.*/e1\\napi/127\\.0\\.0\\.1:${ports[1]}: ECONNREFUSED$`)),
  }]);

  const json = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(json.find((l) => l.message === 'became leader')).toMatchObject({ level: 'INFO', service: 'cdk-ha-kit-health-monitor', contender: 'c1/req-1', epoch: 1 });
  const emf = json.filter((l) => l._aws !== undefined);
  expect(emf.length).toBeGreaterThan(0);
  expect(emf[0]).toMatchObject({
    _aws: { CloudWatchMetrics: [expect.objectContaining({ Namespace: 'CdkHaKit/HealthMonitor', Dimensions: [expect.arrayContaining(['service', 'Monitor'])] })] },
    Monitor: 'handler-test',
    service: 'cdk-ha-kit-health-monitor',
  });
  expect(emf.some((m) => m.LeaderHeartbeat !== undefined && m.LeaderEpoch === 1)).toBe(true);
  expect(emf.some((m) => m.Actions === 1)).toBe(true);

  const lease = await new LeaseStore(dynamo.db, { tableName: 'handler-table', monitorId: 'handler-test', durationMs: 3000, windowMs: config.actions.windowMs }).read();
  expect(lease).toMatchObject({ holder: 'c1/req-1', epoch: 1, leaseExpiresAt: 0 });
});
