/**
 * Two esbuild plugins that trim what the AWS SDK's clients carry into a bundle without changing
 * what they do: each client's `package.json` is reduced to its version (the one field the client
 * reads, for its user agent), and each client's error classes, generated one by one, are made by
 * one small factory with the same names, faults and fields (the client's type registry gives each
 * its shape id, as it does the SDK's own). The handler loads less
 * code at every cold start. A test holds each error class made here against the SDK's own.
 */
import * as fs from 'fs';
import type { Plugin } from 'esbuild';

/** A client's `models/errors.js`, as the SDK generates it. */
const ERRORS_FILE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]models[\\/]errors\.js$/;
const CLASS = /export class (\w+) extends __BaseException \{\n([\s\S]*?)\n\}\n/g;

/** One generated error class: what the factory needs to make it again. */
export interface ErrorClass {
  readonly name: string;
  /** Its shape id, where the client's version declares one (older ones inherit their base's). */
  readonly shapeId?: string;
  readonly fault: string;
  /** Fields declared on the class, in order; those the constructor copies from its options. */
  readonly fields: readonly string[];
  readonly copied: readonly string[];
  /** Whether it declares `$retryable = {}`. */
  readonly retryable: boolean;
}

/**
 * Reads the error classes of a client's `errors.js`; throws when the file holds anything else,
 * so that an SDK that generates them differently fails the build instead of changing behaviour.
 */
export function parseErrors(source: string, file = 'errors.js'): { readonly base: { readonly name: string; readonly from: string }; readonly classes: ErrorClass[] } {
  const importLine = /^import \{ (\w+) as __BaseException \} from "(\.\/\w+)";\n/.exec(source);
  if (!importLine) throw new Error(`${file}: no base exception import`);
  const classes: ErrorClass[] = [];
  const rest = source.slice(importLine[0].length).replace(CLASS, (_whole, name: string, body: string) => {
    const lines = body.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const value = (re: RegExp) => lines.map((l) => re.exec(l)?.[1]).find((v) => v !== undefined);
    const shapeId = value(/^static shapeId = "([^"]+)";$/);
    const fault = value(/^\$fault = "(client|server)";$/);
    const expected = new Set([
      `static shapeId = "${shapeId}";`, `name = "${name}";`, `$fault = "${fault}";`, '$retryable = {};', 'constructor(opts) {', 'super({',
      `name: "${name}",`, `$fault: "${fault}",`, '...opts,', '});', `Object.setPrototypeOf(this, ${name}.prototype);`, '}',
    ]);
    const fields = lines.map((l) => /^(\w+);$/.exec(l)?.[1]).filter((f): f is string => f !== undefined);
    const copied = lines.map((l) => /^this\.(\w+) = opts\.(\w+);$/.exec(l)).filter((m): m is RegExpExecArray => m !== null && m[1] === m[2]).map((m) => m[1]);
    const unknown = lines.filter((l) => !expected.has(l) && !/^\w+;$/.test(l) && !copied.some((f) => l === `this.${f} = opts.${f};`));
    if (!fault || unknown.length > 0 || copied.some((f) => !fields.includes(f))) {
      throw new Error(`${file}: class ${name} is not of the generated shape (${unknown.join(' | ') || 'no fault'})`);
    }
    classes.push({ name, shapeId, fault, fields, copied, retryable: lines.includes('$retryable = {};') });
    return '';
  });
  if (rest.trim() !== '') throw new Error(`${file}: unexpected code besides the error classes: ${rest.trim().slice(0, 80)}`);
  return { base: { name: importLine[1], from: importLine[2] }, classes };
}

/** The same classes, made by one factory. */
export function compactErrors(source: string, file?: string): string {
  const { base, classes } = parseErrors(source, file);
  return [
    `import { ${base.name} as B } from "${base.from}";`,
    // As the generated constructor: the base with name and fault, then the class's own fields
    // (declared ones undefined unless copied from the options).
    // Shape ids are left to the schemas' type registry, which gives every registered class its own.
    'const e = (name, fault, fields, copied, retryable) => {',
    '  const C = class extends B {',
    '    constructor(opts) {',
    '      super({ name, $fault: fault, ...opts });',
    '      this.name = name; this.$fault = fault;',
    '      if (retryable) this.$retryable = {};',
    '      for (const f of fields) this[f] = copied.includes(f) ? opts[f] : undefined;',
    '      Object.setPrototypeOf(this, C.prototype);',
    '    }',
    '  };',
    '  Object.defineProperty(C, "name", { value: name });',
    '  return C;',
    '};',
    ...classes.map((c) => `export const ${c.name} = e(${JSON.stringify(c.name)}, ${JSON.stringify(c.fault)}, `
      + `${JSON.stringify(c.fields)}, ${JSON.stringify(c.copied)}, ${c.retryable});`),
    '',
  ].join('\n');
}

/** The plugins, for esbuild's `plugins`. */
export function sdkTrim(): Plugin[] {
  return [{
    name: 'sdk-client-version-only',
    setup(build) {
      build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/ }, (args) => {
        const { version } = JSON.parse(fs.readFileSync(args.path, 'utf8')) as { version: string };
        return { contents: JSON.stringify({ version }), loader: 'json' };
      });
    },
  }, {
    name: 'sdk-compact-errors',
    setup(build) {
      build.onLoad({ filter: ERRORS_FILE }, (args) => ({ contents: compactErrors(fs.readFileSync(args.path, 'utf8'), args.path), loader: 'js' }));
    },
  }];
}
