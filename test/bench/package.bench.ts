/**
 * Benchmark of what a user installs, after `npm run build`. Prints one JSON line.
 *
 *   tarball    the npm tarball `npm pack` makes: its bytes, files, and bytes once unpacked.
 *   handler    the monitor's pre-built handler: its bytes, gzipped bytes, and the time a fresh
 *              Node.js process takes to load it (median of 15), as at a Lambda cold start.
 *   at synth   the same handler bundled the way synth bundled it before it shipped pre-built
 *              (NodejsFunction: CommonJS builds of the SDK, its whole credential chain, names
 *              kept, a source map loaded with --enable-source-maps), measured the same way.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { buildSync } from 'esbuild';
import { lambdaEnvironment, testConfig } from '../lambda/health-monitor/fixtures';

const ROOT = path.join(__dirname, '..', '..');
const HANDLER = path.join(ROOT, 'dist', 'assets', 'health-monitor', 'index.js');
const RUNS = 15;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Milliseconds a fresh process takes to load `bundle` (its module scope: clients, configuration). */
function coldLoadMs(bundle: string, nodeOptions = ''): number {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(bundle)}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  const config = testConfig({ endpoints: [{ name: 'a', group: 'g', host: '127.0.0.1', port: 80 }] });
  const env = { PATH: process.env.PATH, ...lambdaEnvironment(config), NODE_OPTIONS: nodeOptions };
  return Math.round(median(Array.from({ length: RUNS }, () => Number(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' })))) * 10) / 10;
}

/** The handler as NodejsFunction bundled it at synth, with the settings the construct gave it. */
function bundleAtSynth(dir: string): string {
  const outfile = path.join(dir, 'index.js');
  buildSync({
    entryPoints: [path.join(ROOT, 'lambda', 'health-monitor', 'index.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node24',
    minify: true, keepNames: true, sourcemap: true, sourcesContent: false, logLevel: 'error',
  });
  return outfile;
}

/** What a built package holds besides the handler: the compiled library and its jsii assembly. */
const BUILT = ['dist/lib/index.js', '.jsii'];

function tarball(dir: string): { bytes: number; files: number; unpacked: number } {
  const name = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
  const file = path.join(dir, name);
  const listing = execFileSync('tar', ['-tvzf', file], { encoding: 'utf8' }).trim().split('\n');
  const missing = BUILT.filter((f) => !listing.some((line) => line.endsWith(` package/${f}`)));
  if (missing.length > 0) throw new Error(`the tarball lacks ${missing.join(', ')}: it is not the package users install`);
  return { bytes: fs.statSync(file).size, files: listing.length, unpacked: listing.reduce((sum, line) => sum + Number(line.split(/\s+/)[2]), 0) };
}

function main(): void {
  const unbuilt = [HANDLER, ...BUILT.map((f) => path.join(ROOT, f))].filter((f) => !fs.existsSync(f));
  if (unbuilt.length > 0) throw new Error(`${unbuilt.map((f) => path.relative(ROOT, f)).join(', ')} missing: run npm run build first, so that the benchmark packs the package users install`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-kit-package-bench-'));
  try {
    const packed = tarball(dir);
    const atSynth = bundleAtSynth(dir);
    console.log(JSON.stringify({
      tarball_bytes: packed.bytes,
      tarball_files: packed.files,
      unpacked_bytes: packed.unpacked,
      handler_bytes: fs.statSync(HANDLER).size,
      handler_gzip_bytes: zlib.gzipSync(fs.readFileSync(HANDLER)).length,
      handler_cold_load_ms_p50: coldLoadMs(HANDLER),
      synth_bundle_bytes: fs.statSync(atSynth).size,
      synth_bundle_cold_load_ms_p50: coldLoadMs(atSynth, '--enable-source-maps'),
      cold_load_runs: RUNS,
      node: process.version,
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
