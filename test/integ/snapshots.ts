/**
 * The integration tests' snapshots: each `test/integ.*.ts` app synthesized into
 * `test/integ.*.ts.snapshot/`, as integ-runner lays them out, without the bundled assets (their
 * hashes are in the templates). `npm test` synthesizes each app again and compares;
 * `npm run integ:snapshot` rewrites them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const TEST_DIR = path.join(__dirname, '..');

/** The integration test apps, by file name. */
export function integApps(): string[] {
  return fs.readdirSync(TEST_DIR).filter((f) => /^integ\..+\.ts$/.test(f)).sort();
}

export const snapshotDir = (app: string) => path.join(TEST_DIR, `${app}.snapshot`);

/**
 * Synthesizes one app into a new directory, with no account or region from the environment, in
 * this process: the app's module runs as the CLI would run it, reading its output directory from
 * CDK_OUTDIR. A module runs once per process (per test file under jest), so each app is
 * synthesized at most once here.
 */
export function synthesize(app: string): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-kit-integ-'));
  const saved = { CDK_OUTDIR: process.env.CDK_OUTDIR, CDK_DEFAULT_ACCOUNT: process.env.CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION: process.env.CDK_DEFAULT_REGION };
  process.env.CDK_OUTDIR = outdir;
  delete process.env.CDK_DEFAULT_ACCOUNT;
  delete process.env.CDK_DEFAULT_REGION;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the app runs for its effect, now that its output directory is set
    require(path.join(TEST_DIR, app));
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  if (!fs.existsSync(path.join(outdir, 'manifest.json'))) throw new Error(`${app} wrote no cloud assembly to ${outdir} (synthesized already in this process?)`);
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
export function updateSnapshot(app: string): string[] {
  const outdir = synthesize(app);
  const target = snapshotDir(app);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target);
  const files = snapshotFiles(outdir);
  for (const f of files) fs.copyFileSync(path.join(outdir, f), path.join(target, f));
  fs.rmSync(outdir, { recursive: true, force: true });
  return files;
}

if (require.main === module) {
  for (const app of integApps()) console.log(`${app}.snapshot: ${updateSnapshot(app).join(', ')}`);
}
