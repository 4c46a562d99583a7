/**
 * The integration tests' snapshots: each `test/integ.*.ts` app synthesized into
 * `test/integ.*.ts.snapshot/`, as integ-runner lays them out, without the bundled assets (their
 * hashes are in the templates). `npm test` synthesizes each app again and compares;
 * `npm run integ:snapshot` rewrites them.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
const TEST_DIR = path.join(__dirname, '..');
const TSX = path.join(TEST_DIR, '..', 'node_modules', '.bin', 'tsx');

/** The integration test apps, by file name. */
export function integApps(): string[] {
  return fs.readdirSync(TEST_DIR).filter((f) => /^integ\..+\.ts$/.test(f)).sort();
}

export const snapshotDir = (app: string) => path.join(TEST_DIR, `${app}.snapshot`);

/** Synthesizes one app into a new directory, with no account or region from the environment. */
export async function synthesize(app: string): Promise<string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-kit-integ-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_OUTDIR: outdir };
  delete env.CDK_DEFAULT_ACCOUNT;
  delete env.CDK_DEFAULT_REGION;
  await run(TSX, [path.join(TEST_DIR, app)], { env, timeout: 120_000 });
  return outdir;
}

/** The files a snapshot keeps: the templates, the asset manifests, integ.json and manifest.json. */
export function snapshotFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => /\.(template|assets)\.json$|^integ\.json$|^manifest\.json$/.test(f)).sort();
}

/**
 * What must not change unnoticed: the templates and the test cases, with asset hashes and the
 * assertions' salt (the synthesis time, so that they run again on every deployment) masked.
 */
export function contents(dir: string): Record<string, unknown> {
  return Object.fromEntries(snapshotFiles(dir).filter((f) => f.endsWith('.template.json') || f === 'integ.json').map((f) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8')
      .replace(/[a-f0-9]{64}/g, '<asset hash>')
      .replace(/"salt": "\d+"/g, '"salt": "<synthesis time>"');
    return [f, JSON.parse(text)];
  }));
}

/** Replaces an app's committed snapshot with a fresh synthesis. */
export async function updateSnapshot(app: string): Promise<string[]> {
  const outdir = await synthesize(app);
  const target = snapshotDir(app);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target);
  const files = snapshotFiles(outdir);
  for (const f of files) fs.copyFileSync(path.join(outdir, f), path.join(target, f));
  fs.rmSync(outdir, { recursive: true, force: true });
  return files;
}

if (require.main === module) {
  (async () => {
    for (const app of integApps()) console.log(`${app}.snapshot: ${(await updateSnapshot(app)).join(', ')}`);
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
