/**
 * The handler as the package ships it (`dist/assets/health-monitor/index.js`, from
 * `npm run build`): loaded by a fresh Node.js process with nothing but the bundle and the
 * environment Lambda gives a function, it leads one invocation against the local DynamoDB server.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { LeaseStore } from '../../../lambda/health-monitor/lease';
import { LocalDynamo, startDynalite } from '../../support/dynalite';
import { HANDLER_TIMING, lambdaEnvironment, testConfig } from './fixtures';

const exec = promisify(execFile);
const BUNDLE = path.join(__dirname, '..', '..', '..', 'dist', 'assets', 'health-monitor', 'index.js');

let dynamo: LocalDynamo;
let target: net.Server;

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createTable('bundle-table');
  target = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => target.close(resolve));
  await dynamo.close();
});

test('the shipped bundle leads an invocation with credentials from the environment alone, and releases the lease', async () => {
  const config = testConfig({
    monitorId: 'bundle-test',
    tableName: 'bundle-table',
    ...HANDLER_TIMING,
    invocationMs: 1500,
    endpoints: [{ name: 'tcp', group: 'g', host: '127.0.0.1', port: (target.address() as AddressInfo).port }],
    actions: { alertTopicArn: undefined },
  });
  const invoke = `require(${JSON.stringify(BUNDLE)}).handler({ contender: 'c1' }, { awsRequestId: 'b1', getRemainingTimeInMillis: () => 10000 })`
    + '.then(() => process.exit(0), (e) => { console.error(e); process.exit(1); })';
  // An empty home: no shared config or credentials files for the SDK to find.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-home-'));
  const { stdout } = await exec(process.execPath, ['-e', invoke], {
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home, ...lambdaEnvironment(config, dynamo.endpoint) },
    timeout: 30_000,
  });
  fs.rmSync(home, { recursive: true, force: true });

  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.find((l) => l.message === 'became leader')).toMatchObject({ contender: 'c1/b1', epoch: 1 });
  expect(lines.some((l) => l._aws !== undefined && l.LeaderHeartbeat !== undefined && l.TargetsUp === 1)).toBe(true);
  const lease = await new LeaseStore(dynamo.db, { tableName: 'bundle-table', monitorId: 'bundle-test', durationMs: 3000, windowMs: config.actions.windowMs }).read();
  expect(lease).toMatchObject({ holder: 'c1/b1', epoch: 1, leaseExpiresAt: 0 });
}, 40_000);

test('the bundle carries no credential provider but the environment\'s, and no event-stream support', () => {
  const code = fs.readFileSync(BUNDLE, 'utf8');
  // Strings only the providers left out carry: SSO, web identity (STS), the container endpoint.
  for (const marker of ['GetRoleCredentials', 'AssumeRoleWithWebIdentity', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) expect(code).not.toContain(marker);
  expect(code).toContain('event streams are not bundled with this function');
});
