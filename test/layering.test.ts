/**
 * The import rules of lib/ and lambda/ (.dependency-cruiser.cjs), run by dependency-cruiser: over
 * the code, and over a small tree that breaks each rule once, to show that each one is live.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules', '.bin', 'depcruise');

interface Violation { readonly rule: { readonly name: string }; readonly from: string; readonly to: string }

/** The violations dependency-cruiser finds under `cwd` with the project's rules. */
async function violations(cwd: string): Promise<Violation[]> {
  const { stdout } = await exec(DEPCRUISE, ['--config', CONFIG, '--output-type', 'json', '--no-progress', 'lib', 'lambda'], { cwd, maxBuffer: 64 * 1024 * 1024 })
    // It exits non-zero when it finds any; the report is on stdout either way.
    .catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

test('lib/ and lambda/ keep their layers, import across lib/ and lambda/ only through the contract, and have no cycle', async () => {
  expect((await violations(ROOT)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
}, 60_000);

test('each rule is live: a tree that breaks each one is refused by each', async () => {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-kit-layers-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
    fs.writeFileSync(path.join(tree, file), text);
  };
  try {
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'commonjs', strict: true } }));
    write('lib/core/shared.ts', "import { upper } from '../dns/upper';\nexport const shared = upper;\n");
    write('lib/dns/upper.ts', "import { Handler } from '../../lambda/health-monitor/handler';\nexport const upper = 1;\nexport type H = Handler;\n");
    write('lib/dns/a.ts', "import { b } from './b';\nexport const a = b;\n");
    write('lib/dns/b.ts', "import { a } from './a';\nexport const b = () => a;\n");
    write('lambda/health-monitor/handler.ts', "import { shared } from '../../lib/core/shared';\nexport type Handler = typeof shared;\n");
    write('lambda/health-monitor/contract.ts', 'export const CONTRACT = 1;\n');
    const found = await violations(tree);
    expect([...new Set(found.map((v) => v.rule.name))].sort()).toEqual(['lambda-not-lib', 'layer-core', 'lib-only-the-contract', 'no-cycles']);
    expect(found.find((v) => v.rule.name === 'layer-core')).toMatchObject({ from: 'lib/core/shared.ts', to: 'lib/dns/upper.ts' });
    expect(found.find((v) => v.rule.name === 'lib-only-the-contract')).toMatchObject({ from: 'lib/dns/upper.ts', to: 'lambda/health-monitor/handler.ts' });
    expect(found.find((v) => v.rule.name === 'lambda-not-lib')).toMatchObject({ from: 'lambda/health-monitor/handler.ts', to: 'lib/core/shared.ts' });
  } finally {
    fs.rmSync(tree, { recursive: true, force: true });
  }
}, 60_000);
