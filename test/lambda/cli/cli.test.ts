/**
 * The operator command against a local table (dynalite) and the SDK's mocks of CloudFormation,
 * Lambda, ELB, Route 53 and Global Accelerator, with the real command types.
 */
import {
  AppConfigClient, CreateHostedConfigurationVersionCommand, GetDeploymentCommand, GetHostedConfigurationVersionCommand, ListDeploymentsCommand,
  ListHostedConfigurationVersionsCommand, StartDeploymentCommand,
} from '@aws-sdk/client-appconfig';
import { AppConfigDataClient, GetLatestConfigurationCommand, StartConfigurationSessionCommand } from '@aws-sdk/client-appconfigdata';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { HELP, run } from '../../../lambda/cli/index';
import { UsageError } from '../../../lambda/cli/locate';
import { CONFIG_ENV, MonitorConfig, RecordSet } from '../../../lambda/health-monitor/contract';
import { TableSwitches } from '../../../lambda/health-monitor/switches';
import { useLocalTable } from '../../support/dynalite';
import { tableName, testConfig } from '../health-monitor/fixtures';

const local = useLocalTable(() => tableName('cli'));
const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const route53 = mockClient(Route53Client);
const ga = mockClient(GlobalAcceleratorClient);
const appConfigData = mockClient(AppConfigDataClient);
const appConfig = mockClient(AppConfigClient);

const GROUP_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/api/0123456789abcdef';
const ENDPOINT_GROUP = 'arn:aws:globalaccelerator::111111111111:accelerator/1234abcd-abcd-1234-abcd-1234abcdefgh/listener/0123vxyz/endpoint-group/098765zyxwvu';
const PRIMARY_LB = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/api/50dc6c495c0c9188';
const record = (value: string): RecordSet => ({ Name: 'api.example.com.', Type: 'A', SetIdentifier: 'primary', Failover: 'PRIMARY', TTL: 60, ResourceRecords: [{ Value: value }] });
const PRIMARY = record('192.0.2.10');
const FAILOVER = record('198.51.100.10');

function config(): MonitorConfig {
  return testConfig({
    tableName: local.table,
    targetGroups: [{ name: 'api', arn: GROUP_ARN }],
    dns: { hostedZoneId: 'Z0123456789', triggerGroups: ['api'], primaryRecord: PRIMARY, failoverRecord: FAILOVER },
    vip: { endpointGroupArn: ENDPOINT_GROUP, endpointId: PRIMARY_LB, weight: 200, triggerGroups: ['api'] },
  });
}

/** The stack's output and the function's environment, as the construct deploys them. */
function deployed(c: MonitorConfig, outputs = [{ OutputKey: 'ApiMonitorFunctionName1A2B', OutputValue: 'api-monitor-fn', Description: 'cdk-ha-kit monitor Shop/Api/Monitor: its function, which npx cdk-ha-kit reads' }]): void {
  cfn.on(DescribeStacksCommand, { StackName: 'Shop' }).resolves({ Stacks: [{ StackName: 'Shop', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: outputs }] });
  lambda.on(GetFunctionConfigurationCommand, { FunctionName: 'api-monitor-fn' }).resolves({ Environment: { Variables: { [CONFIG_ENV]: JSON.stringify(c) } } });
}

/** Route 53 holding `answer` for the name, and the monitor's token. */
function name(answer: RecordSet, token = 'e4.2'): void {
  route53.on(ListResourceRecordSetsCommand, { StartRecordType: 'TXT' }).resolves({ ResourceRecordSets: [{ Name: '_fence.api.example.com.', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: `"${token}"` }] }], IsTruncated: false, MaxItems: 10 });
  route53.on(ListResourceRecordSetsCommand, { StartRecordType: 'A' }).resolves({ ResourceRecordSets: [answer], IsTruncated: false, MaxItems: 10 });
}

function accelerator(weight: number): void {
  ga.on(DescribeEndpointGroupCommand).resolves({ EndpointGroup: { EndpointGroupArn: ENDPOINT_GROUP, EndpointDescriptions: [{ EndpointId: PRIMARY_LB, Weight: weight }] } });
}

function healthy(n: number): void {
  elb.on(DescribeTargetHealthCommand, { TargetGroupArn: GROUP_ARN }).resolves({
    TargetHealthDescriptions: Array.from({ length: 3 }, (_, i) => ({ Target: { Id: `10.0.0.${i}`, Port: 8080 }, TargetHealth: { State: i < n ? 'healthy' : 'unhealthy' } })),
  });
}

async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const clients = { cfn: new CloudFormationClient({}), lambda: new LambdaClient({}), db: local.dynamo.db, appConfig: new AppConfigDataClient({}), appConfigControl: new AppConfigClient({}), elb: new ElasticLoadBalancingV2Client({}), route53: new Route53Client({}), globalAccelerator: new GlobalAcceleratorClient({}) };
  const code = await run(argv, clients, (line) => lines.push(line));
  return { code, out: lines.join('\n') };
}

const switches = (c: MonitorConfig) => new TableSwitches(local.dynamo.db, c.tableName, c.monitorId, false).read();

beforeEach(() => {
  for (const m of [cfn, lambda, elb, route53, ga, appConfigData, appConfig]) m.reset();
});

describe('help', () => {
  test('--help lists every command', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    for (const command of ['status', 'pause', 'resume', 'dry-run on|off', 'failback', 'incidents']) expect(out).toContain(`  ${command}`);
    expect(out).toBe(HELP);
  });

  test.each([
    [['pause'], /give the stack that holds the monitor \(--stack <name>\) or its function \(--function <name>\)/],
    [['unpause', '--stack', 'Shop'], /unknown command unpause: one of status, incidents, pause, resume, dry-run, failback/],
    [['dry-run', 'maybe', '--stack', 'Shop'], /dry-run takes on or off/],
    [['status', '--stack'], /--stack needs a value/],
    [['status', '--force'], /unknown option --force/],
  ])('%j is refused with a usage error', async (argv, message) => {
    await expect(cli(...argv)).rejects.toThrow(message);
    await expect(cli(...argv)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('finding the monitor', () => {
  test('from the stack\'s output, then the function\'s configuration', async () => {
    const c = config();
    deployed(c);
    await cli('pause', '--stack', 'Shop');
    expect(lambda.commandCalls(GetFunctionConfigurationCommand)[0].args[0].input).toEqual({ FunctionName: 'api-monitor-fn' });
    expect(await switches(c)).toEqual({ paused: true, dryRun: false });
  });

  test('a stack without a monitor, or with several and none chosen, is refused by name', async () => {
    deployed(config(), [{ OutputKey: 'Url', OutputValue: 'https://x', Description: 'the URL' }]);
    await expect(cli('status', '--stack', 'Shop')).rejects.toThrow('stack Shop has no monitor: no output\'s description begins with "cdk-ha-kit monitor"');
    const two = ['A', 'B'].map((m) => ({ OutputKey: m, OutputValue: `fn-${m}`, Description: `cdk-ha-kit monitor Shop/${m}/Monitor: its function` }));
    deployed(config(), two);
    await expect(cli('status', '--stack', 'Shop')).rejects.toThrow('stack Shop has 2 monitors: choose one with --monitor (Shop/A/Monitor, Shop/B/Monitor)');
    await expect(cli('status', '--stack', 'Shop', '--monitor', 'Shop/C/Monitor')).rejects.toThrow('stack Shop has no monitor Shop/C/Monitor');
  });
});

describe('switches', () => {
  test('pause, then dry-run on, leaves the monitor paused: each sets its own attribute', async () => {
    const c = config();
    deployed(c);
    await cli('pause', '--stack', 'Shop');
    const { out } = await cli('dry-run', 'on', '--stack', 'Shop');
    // Read as the monitor reads them.
    expect(await switches(c)).toEqual({ paused: true, dryRun: true });
    expect(out).toContain('switches now: PAUSED');
    await cli('resume', '--stack', 'Shop');
    expect(await switches(c)).toEqual({ paused: false, dryRun: true });
    await cli('dry-run', 'off', '--stack', 'Shop');
    expect(await switches(c)).toEqual({ paused: false, dryRun: false });
  });

  test('setting a switch that is already set changes nothing and says so, keeping who set it', async () => {
    const c = config();
    deployed(c);
    await local.dynamo.db.send(new PutCommand({ TableName: c.tableName, Item: { pk: c.monitorId, sk: 'switches', paused: true, updatedBy: 'alice@laptop' } }));
    const { out } = await cli('pause', '--stack', 'Shop');
    expect(out).toContain(`${c.monitorId}: already paused`);
    expect(out).toContain('table paused=true dryRun=false');
    expect((await cli('resume', '--stack', 'Shop')).out).toContain(`${c.monitorId}: resumed`);
    expect((await cli('resume', '--stack', 'Shop')).out).toContain(`${c.monitorId}: already resumed`);
  });
});

describe('status and incidents', () => {
  test('leader, incidents, targets out, the name and the accelerator failed over, the switches', async () => {
    const c = config();
    deployed(c);
    const db = local.dynamo.db;
    await db.send(new PutCommand({ TableName: c.tableName, Item: { pk: c.monitorId, sk: 'lease', holder: 'c1', epoch: 4, rvn: 'r', released: false, leaseExpiresAt: Date.now() + 60_000, incidents: { api: { id: 'api-1-e4', openedAt: Date.parse('2026-12-07T03:00:00Z') } }, actions: {}, budget: {} } }));
    await db.send(new PutCommand({ TableName: c.tableName, Item: { pk: c.monitorId, sk: 'target#api/10.0.0.1:8080', id: 'api/10.0.0.1:8080', group: 'api', status: 'DOWN', deregistered: true, deregisteredIn: 'api-1-e4', removedAt: Date.parse('2026-12-07T03:00:05Z') } }));
    await db.send(new PutCommand({ TableName: c.tableName, Item: { pk: c.monitorId, sk: 'ledger#2026-12-07T03:00:05.000Z#deregister#api/10.0.0.1:8080#api-1-e4#4', key: 'deregister#api/10.0.0.1:8080#api-1-e4', epoch: 4, holder: 'c1', outcome: 'done', at: Date.parse('2026-12-07T03:00:05Z'), dryRun: false } }));
    name(FAILOVER);
    accelerator(0);
    const { out } = await cli('status', '--stack', 'Shop');
    expect(out).toContain('leader: c1 epoch 4, lease until');
    expect(out).toContain('  api: api-1-e4, opened 2026-12-07T03:00:00.000Z');
    expect(out).toContain('  api/10.0.0.1:8080 (api), taken out 2026-12-07T03:00:05.000Z in api-1-e4, now DOWN');
    expect(out).toContain('name api.example.com. (A, primary): FAILED OVER: answers with the standby; token e4.2');
    expect(out).toContain(`accelerator endpoint ${PRIMARY_LB}: FAILED OVER: out of traffic (weight 0)`);
    expect(out).toContain('switches: ACTING');
    expect(out).toContain(`alerts go to: ${c.actions.alertTopicArn}`);
    const history = (await cli('incidents', '--stack', 'Shop')).out;
    expect(history).toContain('  api-1-e4 (api), opened 2026-12-07T03:00:00.000Z');
    expect(history).toContain('  2026-12-07T03:00:05.000Z deregister#api/10.0.0.1:8080#api-1-e4: done, epoch 4');
  });
});

describe('failback', () => {
  /** The monitor deployed, paused or not, and AWS as a failback finds it. */
  async function world(w: { paused: boolean; healthy: number; answer: RecordSet; token?: string; weight: number }): Promise<void> {
    deployed(config());
    if (w.paused) await cli('pause', '--stack', 'Shop');
    healthy(w.healthy);
    name(w.answer, w.token);
    accelerator(w.weight);
  }

  test('refused while the monitor acts: it fails back by itself', async () => {
    await world({ paused: false, healthy: 3, answer: FAILOVER, weight: 0 });
    const { code, out } = await cli('failback', '--stack', 'Shop', '--yes');
    expect(code).toBe(1);
    expect(out).toContain('the monitor is not paused: acting, it fails back by itself once a trigger target is UP');
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  test('refused while the primary has no healthy target by ELB\'s checks', async () => {
    await world({ paused: true, healthy: 0, answer: FAILOVER, weight: 0 });
    const { code, out } = await cli('failback', '--stack', 'Shop', '--yes');
    expect(code).toBe(1);
    expect(out).toContain('target group api has no healthy target by ELB\'s checks');
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
    expect(ga.commandCalls(UpdateEndpointGroupCommand)).toHaveLength(0);
  });

  test('paused, primary healthy: without --yes it only says; with it, the name and the endpoint go back, the token moved on', async () => {
    await world({ paused: true, healthy: 1, answer: FAILOVER, token: 'e4.2', weight: 0 });
    const dry = await cli('failback', '--stack', 'Shop');
    expect(dry.out).toContain('failback would (run again with --yes to do it):');
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
    const { code, out } = await cli('failback', '--stack', 'Shop', '--yes');
    expect(code).toBe(0);
    expect(out).toContain('name api.example.com.: answer with the primary again, as deployed (token e4.2 → e4.3)');
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Changes).toEqual([
      { Action: 'DELETE', ResourceRecordSet: { Name: '_fence.api.example.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"e4.2"' }] } },
      { Action: 'CREATE', ResourceRecordSet: { Name: '_fence.api.example.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"e4.3"' }] } },
      { Action: 'UPSERT', ResourceRecordSet: PRIMARY },
    ]);
    expect(ga.commandCalls(UpdateEndpointGroupCommand)[0].args[0].input).toEqual({ EndpointGroupArn: ENDPOINT_GROUP, EndpointConfigurations: [{ EndpointId: PRIMARY_LB, Weight: 200 }] });
    expect(out).toContain('Resume the monitor (`resume`)');
  });

  test('a name someone else changed is left alone', async () => {
    await world({ paused: true, healthy: 3, answer: record('203.0.113.7'), weight: 200 });
    const { code, out } = await cli('failback', '--stack', 'Shop', '--yes');
    expect(code).toBe(1);
    expect(out).toContain('answers with neither the primary nor the monitor\'s failover target: someone else changed it; set it by hand');
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  test('nothing failed over: nothing to do', async () => {
    await world({ paused: true, healthy: 3, answer: PRIMARY, weight: 200 });
    expect((await cli('failback', '--stack', 'Shop', '--yes')).out).toBe('nothing to fail back: the name and the accelerator answer with the primary, as deployed');
  });
});

describe('switches that live in AppConfig too', () => {
  const FLAGS = { applicationId: 'app1', environmentId: 'env1', profileId: 'prof1', pollIntervalSeconds: 15, pausedFlag: 'monitorPaused', dryRunFlag: 'monitorDryRun' };
  const DOCUMENT = {
    version: '1',
    flags: { monitorPaused: { name: 'monitorPaused' }, monitorDryRun: { name: 'monitorDryRun' } },
    values: { monitorPaused: { enabled: true }, monitorDryRun: { enabled: true } },
  };
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;

  function flagsHold(document: typeof DOCUMENT): void {
    appConfigData.on(StartConfigurationSessionCommand).resolves({ InitialConfigurationToken: 't1' });
    appConfigData.on(GetLatestConfigurationCommand).resolves({ Configuration: encode(document.values) });
    appConfig.on(ListHostedConfigurationVersionsCommand).resolves({ Items: [{ VersionNumber: 7 }] });
    appConfig.on(GetHostedConfigurationVersionCommand, { VersionNumber: 7 }).resolves({ Content: encode(document) });
    appConfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 8 });
    appConfig.on(ListDeploymentsCommand, { ApplicationId: 'app1', EnvironmentId: 'env1' }).resolves({ Items: [{ DeploymentNumber: 2 }] });
    appConfig.on(GetDeploymentCommand, { DeploymentNumber: 2 }).resolves({ DeploymentStrategyId: 'strat1' });
    appConfig.on(StartDeploymentCommand).resolves({ DeploymentNumber: 3 });
  }

  test('resume turns the flag off there too: a version on top of the one read, with the other flag kept, deployed with the strategy it was last deployed with', async () => {
    const c = { ...config(), flags: FLAGS };
    deployed(c);
    flagsHold(DOCUMENT);
    await cli('pause', '--stack', 'Shop');
    expect(appConfig.commandCalls(CreateHostedConfigurationVersionCommand)).toHaveLength(0);
    const { out } = await cli('resume', '--stack', 'Shop');
    const created = appConfig.commandCalls(CreateHostedConfigurationVersionCommand)[0].args[0].input;
    expect(created).toMatchObject({ ApplicationId: 'app1', ConfigurationProfileId: 'prof1', LatestVersionNumber: 7, ContentType: 'application/json' });
    expect(JSON.parse(new TextDecoder().decode(created.Content as Uint8Array))).toEqual({ ...DOCUMENT, values: { monitorPaused: { enabled: false }, monitorDryRun: { enabled: true } } });
    expect(appConfig.commandCalls(StartDeploymentCommand)[0].args[0].input).toMatchObject({
      ApplicationId: 'app1', EnvironmentId: 'env1', ConfigurationProfileId: 'prof1', ConfigurationVersion: '8', DeploymentStrategyId: 'strat1',
    });
    expect(out).toContain('AppConfig flag monitorPaused off in version 8, deployment 3 of environment env1');
    expect(out).toContain('switches now: DRY RUN');
    expect(await switches(c)).toEqual({ paused: false, dryRun: false });
  });

  test('a flag already off in AppConfig is left alone', async () => {
    const c = { ...config(), flags: FLAGS };
    deployed(c);
    flagsHold({ ...DOCUMENT, values: { monitorPaused: { enabled: false }, monitorDryRun: { enabled: false } } });
    await cli('pause', '--stack', 'Shop');
    expect((await cli('resume', '--stack', 'Shop')).out).toContain('switches now: ACTING');
    expect(appConfig.commandCalls(CreateHostedConfigurationVersionCommand)).toHaveLength(0);
  });
});
