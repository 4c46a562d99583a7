/**
 * Bundles each function of `lambda/` with its dependencies into `dist/assets/<function>/index.js`,
 * the folder the library ships and deploys with `lambda.Code.fromAsset`: a consumer's synth needs
 * neither esbuild nor Docker, and installs no AWS SDK.
 */
import * as fs from 'fs';
import * as path from 'path';
import { build } from 'esbuild';

const ROOT = path.join(__dirname, '..');
const FUNCTIONS = ['health-monitor'];

async function bundle(name: string): Promise<number> {
  const outdir = path.join(ROOT, 'dist', 'assets', name);
  fs.rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(__dirname, name, 'index.ts')],
    outfile: path.join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // The oldest Node.js that runs it: the function's runtime (24) and the tests' (20).
    target: 'node20',
    // The AWS SDK's and Powertools' ES module builds, which esbuild can prune to what is called.
    mainFields: ['module', 'main'],
    // In Lambda the function's role reaches it through the environment only: the SDK's default
    // chain (SSO, profiles, web identity, the instance metadata service, and their STS and SSO
    // clients) would be dead weight.
    // Nor does the monitor call any streaming operation, whose serde the SDK loads on demand.
    alias: {
      '@aws-sdk/credential-provider-node': path.join(__dirname, 'stubs', 'env-credentials.ts'),
      '@smithy/core/event-streams': path.join(__dirname, 'stubs', 'no-event-streams.ts'),
    },
    // Names are not kept: the SDK's errors and the monitor's own name themselves in literals.
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning',
  });
  return fs.statSync(path.join(outdir, 'index.js')).size;
}

async function main(): Promise<void> {
  for (const name of FUNCTIONS) {
    const bytes = await bundle(name);
    process.stderr.write(`lambda/${name}: ${bytes} bytes\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${String(e)}\n`);
  process.exit(1);
});
