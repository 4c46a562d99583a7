/**
 * The library as its users get it. jsii-pacmak packs the npm tarball and writes the Python, Java,
 * .NET and Go sources from the assembly; the tarball is then installed into a new CDK app set up
 * the `cdk init app --language typescript` way (ts-node; jest with ts-jest), where no esbuild can
 * be resolved and `docker` fails, so nothing can be bundled at synth. The app's stack and its test
 * are the README's.
 *
 * Run after `npm run build` (as `npm test` does): the tarball is packed from `dist/` and `.jsii`.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { exportedNames } from '../support/exports';
import { readmeBlock } from '../support/readme';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-kit-package-'));
const OUT = path.join(WORK, 'packages');
const APP = path.join(WORK, 'shop');

interface Assembly {
  readonly types: Record<string, { readonly kind: 'class' | 'enum' | 'interface'; readonly name: string }>;
}

/**
 * What a command printed; a failure carries both streams in its message. Commands run at a low
 * priority: they are heavy (installs, compilers, synth), and the suites beside this one measure
 * time.
 */
async function sh(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec('nice', ['-n', '15', command, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: 240_000, ...options });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${options.cwd}:\n${String(e)}\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: e });
  }
}

/**
 * The app's environment: its own node_modules only. No NODE_PATH, none of this repository's
 * tools on the PATH (esbuild among them), and a `docker` that fails like a machine without an
 * engine.
 */
function appEnv(): NodeJS.ProcessEnv {
  const bin = path.join(WORK, 'bin');
  if (!fs.existsSync(path.join(bin, 'docker'))) {
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\necho "docker: no engine on this machine" >&2\nexit 1\n', { mode: 0o755 });
  }
  return {
    PATH: [bin, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
    HOME: os.homedir(),
    TMPDIR: os.tmpdir(),
  };
}

/** A TypeScript error, as tsc prints it: `file(line,col): error TSn: message`. */
interface Diagnostic { readonly file: string; readonly code: string; readonly message: string }

function diagnostics(output: string): Diagnostic[] {
  return [...output.matchAll(/^(\S+)\(\d+,\d+\): error (TS\d+): (.*)$/gm)].map(([, file, code, message]) => ({ file, code, message }));
}

/** The errors tsc reports for `project`; a failure that reports none (tsc missing, a crash) is thrown. */
async function tsc(project: string): Promise<Diagnostic[]> {
  try {
    await exec('nice', ['-n', '15', path.join(APP, 'node_modules', '.bin', 'tsc'), '-p', project, '--noEmit'], { cwd: APP, env: appEnv(), maxBuffer: 64 * 1024 * 1024 });
    return [];
  } catch (e) {
    const found = diagnostics((e as { stdout?: string }).stdout ?? '');
    if (found.length === 0) throw e;
    return found;
  }
}

let assembly: Assembly;
let tarball: string;

beforeAll(async () => {
  // The build already ran: the pack inside jsii-pacmak must not run it again.
  await sh(path.join(ROOT, 'node_modules', '.bin', 'jsii-pacmak'), ['--code-only', '--outdir', OUT], {
    cwd: ROOT, env: { ...process.env, npm_config_ignore_scripts: 'true' },
  });
  tarball = path.join(OUT, 'js', fs.readdirSync(path.join(OUT, 'js')).find((f) => f.endsWith('.tgz'))!);
  assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));
}, 180_000);

afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

describe('the npm tarball', () => {
  let files: string[];
  let manifest: Record<string, unknown>;

  beforeAll(async () => {
    files = (await sh('tar', ['-tzf', tarball], { cwd: WORK })).stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    manifest = JSON.parse((await sh('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: WORK })).stdout);
  });

  test('holds the compiled library, its assembly, the pre-built handler outside the library, and the docs', () => {
    for (const file of ['.jsii', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/assets/health-monitor/index.js', 'README.md', 'LICENSE', 'API.md']) {
      expect(files).toContain(file);
    }
    // Of the runtime, the library holds the contract only; the handler is the bundle.
    expect(files.filter((f) => f.startsWith('dist/lambda/')).sort()).toEqual([
      'dist/lambda/health-monitor/contract.d.ts', 'dist/lambda/health-monitor/contract.js', 'dist/lambda/region-switch/contract.d.ts', 'dist/lambda/region-switch/contract.js',
    ]);
    expect(files.filter((f) => f.startsWith('dist/assets/')).sort()).toEqual(['dist/assets/health-monitor/index.js', 'dist/assets/region-switch/index.js']);
  });

  test('holds no tests, no reference app, no TypeScript sources and no build configuration', () => {
    expect(files.filter((f) => /^(test|bin|lambda|lib|\.ci)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(tsconfig.*\.json|cdk\.json|eslint\.config\.mjs|package-lock\.json)$/.test(f))).toEqual([]);
  });

  test('has the operator command as its bin, bundled: it needs no dependency', () => {
    expect(manifest.bin).toEqual({ 'cdk-ha-kit': 'dist/cli/cdk-ha-kit.js' });
    expect(files.filter((f) => f.startsWith('dist/cli/'))).toEqual(['dist/cli/cdk-ha-kit.js']);
  });

  test('points at compiled JavaScript, and depends at run time on aws-cdk-lib and constructs only', () => {
    expect(manifest).toMatchObject({ main: 'dist/lib/index.js', types: 'dist/lib/index.d.ts' });
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.peerDependencies as object).sort()).toEqual(['aws-cdk-lib', 'constructs']);
  });

  test('its assembly lists every export of lib/index.ts', () => {
    expect(Object.values(assembly.types).map((t) => t.name).sort()).toEqual(exportedNames(path.join(ROOT, 'lib', 'index.ts')).sort());
  });
});

describe('the other languages', () => {
  test('Python: a package named as configured, whose module compiles', async () => {
    const module = path.join(OUT, 'python', 'src', 'cdk_ha_kit', '__init__.py');
    expect(fs.readFileSync(path.join(OUT, 'python', 'setup.py'), 'utf8')).toContain('"name": "cdk-ha-kit"');
    expect(fs.readFileSync(module, 'utf8')).toMatch(/^class HighlyAvailableService\(/m);
    await sh('python3', ['-m', 'py_compile', module], { cwd: WORK });
  });

  test('Java: a Maven project with a class per construct in the configured package', () => {
    expect(fs.readFileSync(path.join(OUT, 'java', 'pom.xml'), 'utf8')).toContain('<artifactId>cdk-ha-kit</artifactId>');
    const source = fs.readFileSync(path.join(OUT, 'java', 'src', 'main', 'java', 'io', 'github', 'cdkhakit', 'HighlyAvailableService.java'), 'utf8');
    expect(source).toMatch(/^package io\.github\.cdkhakit;$/m);
  });

  test('.NET: a project under the configured namespace', () => {
    const project = path.join(OUT, 'dotnet', 'CdkHaKit');
    expect(fs.readdirSync(project)).toContain('CdkHaKit.csproj');
    expect(fs.readFileSync(path.join(project, 'CdkHaKit', 'HighlyAvailableService.cs'), 'utf8')).toMatch(/^namespace CdkHaKit$/m);
  });

  test('Go: a module under the configured path', () => {
    const module = path.join(OUT, 'go', 'cdkhakit');
    expect(fs.readFileSync(path.join(module, 'go.mod'), 'utf8')).toMatch(/^module github\.com\/cdk-ha-kit\/cdk-ha-kit-go\/cdkhakit$/m);
    expect(fs.readFileSync(path.join(module, 'HighlyAvailableService.go'), 'utf8')).toMatch(/^type HighlyAvailableService interface \{$/m);
  });
});

describe('a new CDK app that installs the tarball', () => {
  let synth: { stdout: string; stderr: string };

  beforeAll(async () => {
    const ours = PACKAGE.devDependencies as Record<string, string>;
    const pin = (...names: string[]) => Object.fromEntries(names.map((n) => [n, ours[n]]));
    fs.mkdirSync(path.join(APP, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(APP, 'lib'));
    fs.mkdirSync(path.join(APP, 'test'));
    const write = (file: string, content: string) => fs.writeFileSync(path.join(APP, file), content);
    write('package.json', JSON.stringify({
      name: 'shop',
      version: '0.1.0',
      scripts: { build: 'tsc', test: 'jest', cdk: 'cdk' },
      devDependencies: pin('@types/jest', '@types/node', 'aws-cdk', 'jest', 'ts-jest', 'ts-node', 'typescript'),
      dependencies: { ...pin('aws-cdk-lib', 'constructs'), 'cdk-ha-kit': `file:${tarball}` },
    }, null, 2));
    // The classic `cdk init app --language typescript` configuration, made stricter.
    write('tsconfig.json', JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'commonjs', lib: ['es2022'], declaration: true, strict: true, noImplicitAny: true, strictNullChecks: true,
        noImplicitThis: true, alwaysStrict: true, noUnusedLocals: false, noUnusedParameters: false, noImplicitReturns: true,
        noFallthroughCasesInSwitch: false, noUncheckedIndexedAccess: true, inlineSourceMap: true, inlineSources: true,
        experimentalDecorators: true, strictPropertyInitialization: false, skipLibCheck: true, typeRoots: ['./node_modules/@types'],
      },
      exclude: ['node_modules', 'cdk.out'],
    }, null, 2));
    write('tsconfig.exact.json', JSON.stringify({ extends: './tsconfig.json', compilerOptions: { exactOptionalPropertyTypes: true } }));
    // The app's tests run transpiled only: `tsc` type-checks them below, with stricter flags.
    write('tsconfig.jest.json', JSON.stringify({ extends: './tsconfig.json', compilerOptions: { isolatedModules: true } }));
    write('jest.config.js', "module.exports = {\n  testEnvironment: 'node',\n  roots: ['<rootDir>/test'],\n  testMatch: ['**/*.test.ts'],\n"
      + "  transform: { '^.+\\\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },\n};\n");
    write('bin/shop.ts', "#!/usr/bin/env node\nimport * as cdk from 'aws-cdk-lib';\nimport { ShopStack } from '../lib/shop-stack';\n\n"
      + "const app = new cdk.App();\nnew ShopStack(app, 'Shop', { env: { region: 'eu-west-1' } });\n");
    write('lib/shop-stack.ts', readmeBlock('## Example'));
    write('test/shop.test.ts', "import { App } from 'aws-cdk-lib';\nimport { Match, Template } from 'aws-cdk-lib/assertions';\nimport { ShopStack } from '../lib/shop-stack';\n\n"
      + `test('the shop stack', () => {\n${readmeBlock('### Testing your own stacks').replace(/^/gm, '  ')}});\n`);
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: APP, env: appEnv() });
    // The CLI's own template for cdk.json (its feature flags), with the classic ts-node app.
    const template = JSON.parse(fs.readFileSync(path.join(APP, 'node_modules', 'aws-cdk', 'lib', 'init-templates', 'app', 'typescript', 'cdk.template.json'), 'utf8'));
    write('cdk.json', JSON.stringify({ ...template, app: 'npx ts-node --prefer-ts-exts bin/shop.ts' }, null, 2));
    // ts-node transpiles only here: the type-check test below runs tsc over the same files with
    // stricter flags, which report every error ts-node's own check would.
    synth = await sh('npx', ['cdk', 'synth', '--quiet'], { cwd: APP, env: { ...appEnv(), TS_NODE_TRANSPILE_ONLY: 'true' } });
  }, 360_000);

  test('a primary and a secondary in two regions\' stacks of one app: a global database, a Global Datastore, and the region switch plan between them', async () => {
    const program = [
      "import { App, Stack } from 'aws-cdk-lib';",
      "import * as ec2 from 'aws-cdk-lib/aws-ec2';",
      "import * as rds from 'aws-cdk-lib/aws-rds';",
      "import { DatabaseEngine, GlobalDatabase, GlobalDatastore, RegionSwitchPlan, RegionSwitchRegion, ReplicatedCache, ReplicatedDatabase } from 'cdk-ha-kit';",
      "const app = new App({ outdir: 'cdk.out.global' });",
      "const engine = DatabaseEngine.aurora(rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }));",
      "const instanceType = ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE);",
      "const side = (id: string, region: string) => { const stack = new Stack(app, id, { env: { region, account: '111111111111' }, crossRegionReferences: true });",
      "  return { stack, vpc: new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['a', 'b', 'c'].map((z) => region + z), natGateways: 0,",
      "    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }) }; };",
      "const one = side('Primary', 'eu-west-1');",
      "const two = side('Secondary', 'eu-central-1');",
      "const db = new ReplicatedDatabase(one.stack, 'Orders', { vpc: one.vpc, engine, instanceType, rotation: false, global: GlobalDatabase.primary() });",
      "const cache = new ReplicatedCache(one.stack, 'Sessions', { vpc: one.vpc, global: GlobalDatastore.primary() });",
      "const db2 = new ReplicatedDatabase(two.stack, 'Orders', { vpc: two.vpc, engine, instanceType, global: GlobalDatabase.secondaryOf(db) });",
      "const cache2 = new ReplicatedCache(two.stack, 'Sessions', { vpc: two.vpc, replicasPerShard: 1, global: GlobalDatastore.secondaryOf(cache) });",
      "const primary = new RegionSwitchRegion(one.stack, 'Switch', { database: db, cache });",
      "const standby = new RegionSwitchRegion(two.stack, 'Switch', { database: db2, cache: cache2 });",
      "new RegionSwitchPlan(two.stack, 'Plan', { primary, standby });",
      'app.synth();',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(APP, 'bin', 'global.ts'), program);
    await sh('npx', ['ts-node', '--transpile-only', 'bin/global.ts'], { cwd: APP, env: appEnv() });
    const template = (name: string) => JSON.parse(fs.readFileSync(path.join(APP, 'cdk.out.global', `${name}.template.json`), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const of = (name: string, type: string) => Object.values(template(name).Resources).filter((r) => r.Type === type).map((r) => r.Properties);
    const [global] = of('Primary', 'AWS::RDS::GlobalCluster');
    expect(of('Primary', 'AWS::ElastiCache::GlobalReplicationGroup')).toHaveLength(1);
    const [secondary] = of('Secondary', 'AWS::RDS::DBCluster');
    expect(secondary.GlobalClusterIdentifier).toBe(global.GlobalClusterIdentifier);
    expect(secondary.MasterUsername).toBeUndefined();
    expect(of('Secondary', 'AWS::ElastiCache::ReplicationGroup')[0].GlobalReplicationGroupId).toBeDefined();
    const manifest = JSON.parse(fs.readFileSync(path.join(APP, 'cdk.out.global', 'manifest.json'), 'utf8')) as { artifacts: Record<string, { dependencies?: string[] }> };
    expect(manifest.artifacts.Secondary.dependencies).toContain('Primary');
    // The plan, and each region's cache step from the bundle the package ships.
    expect(of('Secondary', 'AWS::ARCRegionSwitch::Plan')).toHaveLength(1);
    for (const name of ['Primary', 'Secondary']) {
      const steps = of(name, 'AWS::Lambda::Function').filter((f) => JSON.stringify(f).includes('HA_KIT_REGION_SWITCH_STEP'));
      expect(steps).toHaveLength(1);
    }
    const assets = fs.readdirSync(path.join(APP, 'cdk.out.global')).filter((f) => f.startsWith('asset.'));
    expect(assets.some((a) => fs.readFileSync(path.join(APP, 'cdk.out.global', a, 'index.js'), 'utf8').includes('FailoverGlobalReplicationGroup'))).toBe(true);
  }, 120_000);

  test('has no esbuild to resolve, and no docker that works', async () => {
    await expect(sh('node', ['-e', "require.resolve('esbuild')"], { cwd: APP, env: appEnv() })).rejects.toThrow(/Cannot find module 'esbuild'/);
    await expect(sh('sh', ['-c', 'command -v esbuild'], { cwd: APP, env: appEnv() })).rejects.toThrow();
    await expect(sh('docker', ['version'], { cwd: APP, env: appEnv() })).rejects.toThrow(/no engine/);
  });

  test('`npx cdk-ha-kit --help` lists the operator\'s commands', async () => {
    const { stdout } = await sh('npx', ['--no-install', 'cdk-ha-kit', '--help'], { cwd: APP, env: appEnv() });
    for (const command of ['status', 'incidents', 'pause', 'resume', 'dry-run on|off', 'failback']) expect(stdout).toContain(`\n  ${command} `);
  });

  test('require() from plain Node.js lists every class and enum of the library', async () => {
    const { stdout } = await sh('node', ['-e', "console.log(JSON.stringify(Object.keys(require('cdk-ha-kit'))))"], { cwd: APP, env: appEnv() });
    const values = Object.values(assembly.types).filter((t) => t.kind !== 'interface').map((t) => t.name);
    expect((JSON.parse(stdout) as string[]).sort()).toEqual(values.sort());
  }, 30_000);

  // Under exactOptionalPropertyTypes aws-cdk-lib's own classes are not assignable to their
  // interfaces (a `Vpc` is not an `IVpc`: aws/aws-cdk#37995), so no app that passes a Vpc
  // type-checks with it. Those errors aside, there is none: the flags only add errors, so none
  // comes with strict and noUncheckedIndexedAccess alone, the app's own settings.
  test('type-checks with strict, noUncheckedIndexedAccess and exactOptionalPropertyTypes, but for aws-cdk-lib\'s own classes', async () => {
    const found = await tsc('tsconfig.exact.json');
    expect(found.filter((d) => !/^Type '(\w+)' is not assignable to type 'I\1' with 'exactOptionalPropertyTypes: true'/.test(d.message))).toEqual([]);
  }, 180_000);

  test('`cdk synth` builds every tier with no warning, from the pre-built handler', () => {
    expect(synth.stderr).not.toMatch(/\[Warning|WARNING|warning/);
    const template = JSON.parse(fs.readFileSync(path.join(APP, 'cdk.out', 'Shop.template.json'), 'utf8'));
    const types = new Set(Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type));
    for (const type of ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::Route53::RecordSet', 'AWS::ElastiCache::ReplicationGroup', 'AWS::RDS::DBCluster',
      'AWS::DynamoDB::Table', 'AWS::Lambda::Function', 'AWS::ECS::Service']) {
      expect(types).toContain(type);
    }
    const loadBalancers = Object.values(template.Resources as Record<string, { Type: string; Properties: { Type?: string } }>)
      .filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer').map((r) => r.Properties.Type);
    expect(loadBalancers.sort()).toEqual(['application', 'network']);
  });

  test('the failover time the README quotes is what the stack computes', async () => {
    const script = "const { App } = require('aws-cdk-lib'); const { ShopStack } = require('./lib/shop-stack');"
      + " const stack = new ShopStack(new App(), 'Shop', { env: { region: 'eu-west-1' } });"
      + " console.log(stack.node.findChild('Shop').failoverTime.worst.total.toSeconds({ integral: false }));";
    const { stdout } = await sh('npx', ['ts-node', '--transpile-only', '-e', script], { cwd: APP, env: appEnv() });
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`(\`shop.failoverTime.worst\` says ${stdout.trim()} s, a typical figure, not a bound)`);
  }, 120_000);

  test('the README\'s snapshot test passes, and its snapshot holds what `cdk synth` deployed, asset hashes included', async () => {
    await sh('npx', ['jest'], { cwd: APP, env: appEnv() });
    const snapshot = fs.readFileSync(path.join(APP, 'test', '__snapshots__', 'shop.test.ts.snap'), 'utf8');
    // The handler's asset is the same file on every synth, so a snapshot does not churn.
    const synthesized = fs.readFileSync(path.join(APP, 'cdk.out', 'Shop.template.json'), 'utf8');
    const keys = (text: string) => [...text.matchAll(/"S3Key": "([0-9a-f]{64}\.zip)"/g)].map((m) => m[1]).sort();
    expect(keys(synthesized).length).toBeGreaterThan(0);
    expect(keys(snapshot)).toEqual(keys(synthesized));
  }, 180_000);
});
