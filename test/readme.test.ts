import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first TypeScript block after a heading. */
function codeAfter(heading: string): string {
  const section = README.slice(README.indexOf(`\n${heading}\n`));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error(`no TypeScript block after ${heading}`);
  return match[1];
}

describe('README', () => {
  test('the example, pasted into a new stack, synthesizes: every tier, within its failover budget', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
    const file = path.join(dir, 'app.ts');
    // As a user would: the stack as written, the package by its name, an app that synthesizes it.
    const example = codeAfter('## Example').replace("from 'cdk-ha-kit'", `from ${JSON.stringify(path.join(ROOT, 'lib'))}`);
    fs.writeFileSync(file, `${example}
import { App } from 'aws-cdk-lib';
const app = new App({ outdir: ${JSON.stringify(path.join(dir, 'cdk.out'))} });
const stack = new ShopStack(app, 'Shop', { env: { region: 'eu-west-1' } });
const template = app.synth().getStackByName(stack.stackName).template;
const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
const shop = stack.node.findChild('Shop') as unknown as { worstCaseFailoverTime: { toSeconds(o: object): number } };
console.log(JSON.stringify({ types, failoverSeconds: shop.worstCaseFailoverTime.toSeconds({ integral: false }) }));
`);
    const { stdout } = await run(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [file], {
      env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }, timeout: 120_000,
    });
    const { types, failoverSeconds } = JSON.parse(stdout.trim().split('\n').pop()!) as { types: string[]; failoverSeconds: number };
    for (const type of ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ECS::Service', 'AWS::ElastiCache::ReplicationGroup', 'AWS::RDS::DBCluster', 'AWS::DynamoDB::Table']) {
      expect(types).toContain(type);
    }
    // The text under the example quotes the total.
    expect(README).toContain(`\`shop.failoverTime\`\nsays ${failoverSeconds} s`);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 150_000);
});
