import * as fs from 'fs';
import * as path from 'path';
import { build } from 'esbuild';
import { compactErrors, parseErrors, sdkTrim } from '../../lambda/sdk-trim';

/**
 * The handler's bundle makes each AWS SDK client's error classes with one factory, and keeps only
 * the version of each client's package.json: every class must behave as the SDK's own.
 */
const CLIENTS = ['appconfigdata', 'dynamodb', 'elastic-load-balancing-v2', 'global-accelerator', 'route-53', 'servicediscovery', 'sns'];
const ROOT = path.join(__dirname, '..', '..');
const errorsFile = (client: string) => path.join(ROOT, 'node_modules', '@aws-sdk', `client-${client}`, 'dist-es', 'models', 'errors.js');

type ErrorClass = (new (opts: Record<string, unknown>) => Error & Record<string, unknown>) & { shapeId?: string };

/**
 * The error classes of `client` as the bundle makes them: the client's ES build, whole, through
 * the plugins (its schemas' type registry gives older classes their shape ids).
 */
async function compacted(client: string, names: readonly string[]): Promise<Record<string, ErrorClass>> {
  const entry = path.join(ROOT, 'node_modules', '@aws-sdk', `client-${client}`, 'dist-es', 'index.js');
  const { outputFiles } = await build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', mainFields: ['module', 'main'], write: false, plugins: sdkTrim(), logLevel: 'error',
  });
  const module = { exports: {} as Record<string, ErrorClass> };
  new Function('module', 'exports', 'require', outputFiles[0].text)(module, module.exports, require);
  return Object.fromEntries(names.map((n) => [n, module.exports[n]]));
}

/** What a user of an error sees: its class's name and shape id, and the instance's own fields. */
function observed(C: ErrorClass, fields: readonly string[]) {
  const opts = { $metadata: { httpStatusCode: 400, requestId: 'r' }, message: 'm', ...Object.fromEntries(fields.map((f) => [f, `v-${f}`])) };
  const e = new C(opts);
  const own = Object.fromEntries(Object.keys(e).filter((k) => k !== 'stack').sort().map((k) => [k, e[k]]));
  return { className: C.name, shapeId: C.shapeId, name: e.name, message: e.message, own, isError: e instanceof Error, isOwnClass: e instanceof C, text: String(e) };
}

describe.each(CLIENTS)('@aws-sdk/client-%s', (client) => {
  test('every error class made by the factory behaves as the SDK\'s own', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require(`@aws-sdk/client-${client}`) as Record<string, ErrorClass>;
    const { classes } = parseErrors(fs.readFileSync(errorsFile(client), 'utf8'));
    const ours = await compacted(client, classes.map((c) => c.name));
    for (const c of classes) {
      expect(observed(ours[c.name], c.fields)).toEqual(observed(sdk[c.name], c.fields));
    }
  });

  test('its package.json is cut to the version the client reads', async () => {
    const pkg = path.join(ROOT, 'node_modules', '@aws-sdk', `client-${client}`, 'package.json');
    const { outputFiles } = await build({
      stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: ROOT, loader: 'js' },
      bundle: true, platform: 'node', format: 'cjs', write: false, plugins: sdkTrim(), logLevel: 'error',
    });
    const module = { exports: {} };
    new Function('module', 'exports', 'require', outputFiles[0].text)(module, module.exports, require);
    expect(module.exports).toEqual({ version: JSON.parse(fs.readFileSync(pkg, 'utf8')).version });
  });
});

describe('an errors file of another shape fails the build', () => {
  const base = 'import { XServiceException as __BaseException } from "./XServiceException";\n';
  const klass = (extra = '') => `export class Boom extends __BaseException {\n    static shapeId = "ns#Boom";\n    name = "Boom";\n    $fault = "client";\n${extra}    constructor(opts) {\n        super({\n            name: "Boom",\n            $fault: "client",\n            ...opts,\n        });\n        Object.setPrototypeOf(this, Boom.prototype);\n    }\n}\n`;

  test('the generated shape is read', () => {
    expect(parseErrors(base + klass('    Reason;\n')).classes).toEqual([{ name: 'Boom', shapeId: 'ns#Boom', fault: 'client', fields: ['Reason'], copied: [], retryable: false }]);
    expect(compactErrors(base + klass())).toContain('export const Boom = e("Boom", "client", [], [], false);');
  });

  test.each([
    ['a getter in a class', klass('    get reason() { return 1; }\n'), 'class Boom is not of the generated shape (get reason() { return 1; })'],
    ['code besides the classes', `${klass()}console.log(1);\n`, 'unexpected code besides the error classes: console.log(1);'],
    ['no base import', klass(), 'no base exception import'],
  ])('%s', (_name, body, message) => {
    const source = body.startsWith('export') && !body.includes('console') && !body.includes('get ') ? body : base + body;
    expect(() => parseErrors(source, 'errors.js')).toThrow(`errors.js: ${message}`);
  });
});
