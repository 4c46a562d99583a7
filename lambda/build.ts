/**
 * Bundles each function of `lambda/` with its dependencies into `dist/assets/<function>/index.js`,
 * the folder the library ships and deploys with `lambda.Code.fromAsset`: a consumer's synth needs
 * neither esbuild nor Docker, and installs no AWS SDK.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BuildOptions, build } from 'esbuild';
import { sdkTrim } from './sdk-trim';

const ROOT = path.join(__dirname, '..');
const FUNCTIONS = ['health-monitor', 'region-switch'];

/** What every bundle is built with. */
const SHARED: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // The oldest Node.js that runs it: the function's runtime (24) and the tests' (20).
  target: 'node20',
  // The AWS SDK's and Powertools' ES module builds, which esbuild can prune to what is called.
  mainFields: ['module', 'main'],
  // Each client's package.json down to its version, its error classes made by one factory.
  plugins: sdkTrim(),
  // Names are not kept: the SDK's errors and the monitor's own name themselves in literals.
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
};

/**
 * Writes `dist/assets/<name>/index.js` by renaming a finished file over it, so that a synth
 * reading the bundle while it is rebuilt (`cdk synth` of the reference app builds it first) finds
 * the old file or the new one, never none or half of one. The folder holds that one file.
 */
async function bundle(name: string): Promise<number> {
  const outdir = path.join(ROOT, 'dist', 'assets', name);
  const outfile = path.join(outdir, 'index.js');
  // Beside the folder, not in it: the folder is the asset, hashed whole by a synth that reads it.
  const partial = path.join(outdir, '..', `.${name}.${process.pid}.js`);
  await build({
    ...SHARED,
    entryPoints: [path.join(__dirname, name, 'index.ts')],
    outfile: partial,
    // In Lambda the function's role reaches it through the environment only: the SDK's default
    // chain (SSO, profiles, web identity, the instance metadata service, and their STS and SSO
    // clients) would be dead weight.
    // Nor does the monitor call any streaming operation, whose serde the SDK loads on demand.
    alias: {
      '@aws-sdk/credential-provider-node': path.join(__dirname, 'stubs', 'env-credentials.ts'),
      '@smithy/core/event-streams': path.join(__dirname, 'stubs', 'no-event-streams.ts'),
    },
  });
  fs.mkdirSync(outdir, { recursive: true });
  fs.renameSync(partial, outfile);
  for (const entry of fs.readdirSync(outdir)) {
    if (entry !== 'index.js') fs.rmSync(path.join(outdir, entry), { recursive: true, force: true });
  }
  // What a build that was stopped left beside the folder (never another running build's file).
  for (const entry of fs.readdirSync(path.dirname(outdir))) {
    const builder = new RegExp(`^\\.${name}\\.(\\d+)\\.js$`).exec(entry)?.[1];
    if (builder !== undefined && !running(Number(builder))) fs.rmSync(path.join(outdir, '..', entry), { force: true });
  }
  return fs.statSync(outfile).size;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `dist/cli/cdk-ha-kit.js`, the package's `bin`: the operator's command with the SDK
 * clients it calls, and the SDK's whole credential chain (profiles, SSO), which operators use.
 */
async function bundleCli(): Promise<number> {
  const outfile = path.join(ROOT, 'dist', 'cli', 'cdk-ha-kit.js');
  const partial = `${outfile}.${process.pid}`;
  await build({
    ...SHARED,
    entryPoints: [path.join(__dirname, 'cli', 'index.ts')],
    outfile: partial,
    banner: { js: '#!/usr/bin/env node' },
  });
  fs.renameSync(partial, outfile);
  fs.chmodSync(outfile, 0o755);
  return fs.statSync(outfile).size;
}

async function main(): Promise<void> {
  for (const name of FUNCTIONS) {
    const bytes = await bundle(name);
    process.stderr.write(`lambda/${name}: ${bytes} bytes\n`);
  }
  process.stderr.write(`lambda/cli: ${await bundleCli()} bytes\n`);
}

main().catch((e) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
