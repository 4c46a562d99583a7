import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { Property, PropertyType, Resource, SpecDatabase, TypeDefinition } from '@aws-cdk/service-spec-types';
import { checkTextLimits } from './text-limits';

/**
 * Checks synthesized CloudFormation templates against the CloudFormation resource specification
 * shipped in @aws-cdk/aws-service-spec: resource types exist, property names exist, required
 * properties are present, literal values have the declared type and, where the specification
 * lists them, one of the allowed values; `Ref` and `Fn::GetAtt` name resources, parameters and
 * attributes that exist.
 *
 * Names and descriptions are held to their documented lengths and characters (text-limits.ts).
 *
 * Values computed by intrinsic functions are only known at deploy time and are not type-checked.
 * Scalars follow CloudFormation's own coercions: numbers and booleans may be given as strings.
 */

let database: SpecDatabase | undefined;
function db(): SpecDatabase {
  database ??= loadAwsServiceSpecSync();
  return database;
}

/** One resource type's entry in the specification, and every type definition its properties use. */
interface SpecEntry {
  readonly resource?: Resource;
  readonly definitions: Record<string, TypeDefinition>;
}

/**
 * Each resource type's entry is kept in a file of its own once read, per version of the
 * specification: loading the whole database takes more than a second in every test file that
 * checks a template, and most files need a few dozen types of it.
 */
const SPEC_VERSION = (JSON.parse(fs.readFileSync(require.resolve('@aws-cdk/aws-service-spec/package.json'), 'utf8')) as { version: string }).version;
const CACHE_DIR = path.join(os.tmpdir(), `ha-kit-spec-${SPEC_VERSION}`);
const entries = new Map<string, SpecEntry>();
const definitions = new Map<string, TypeDefinition>();

function specEntry(type: string): SpecEntry {
  let found = entries.get(type);
  if (found) return found;
  const file = path.join(CACHE_DIR, `${type.replace(/[^A-Za-z0-9]/g, '_')}.json`);
  if (fs.existsSync(file)) {
    found = JSON.parse(fs.readFileSync(file, 'utf8')) as SpecEntry;
  } else {
    found = entryFromDatabase(type);
    // Written beside and renamed: another test file may read it at the same moment.
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}`;
    fs.writeFileSync(partial, JSON.stringify(found));
    fs.renameSync(partial, file);
  }
  for (const [id, definition] of Object.entries(found.definitions)) definitions.set(id, definition);
  entries.set(type, found);
  return found;
}

function entryFromDatabase(type: string): SpecEntry {
  const found = db().lookup('resource', 'cloudFormationType', 'equals', type);
  const resource = found.length === 1 ? found[0] : undefined;
  const used: Record<string, TypeDefinition> = {};
  const visit = (t: PropertyType): void => {
    if (t.type === 'ref' && used[t.reference.$ref] === undefined) {
      const definition = db().get('typeDefinition', t.reference.$ref) as TypeDefinition;
      used[t.reference.$ref] = definition;
      Object.values(definition.properties).forEach((p) => visit(p.type));
    } else if (t.type === 'array' || t.type === 'map') {
      visit(t.element);
    } else if (t.type === 'union') {
      t.types.forEach(visit);
    }
  };
  Object.values(resource?.properties ?? {}).forEach((p) => visit(p.type));
  return { resource, definitions: used };
}

const INTRINSICS = new Set([
  'Ref', 'Fn::GetAtt', 'Fn::Join', 'Fn::Sub', 'Fn::Select', 'Fn::If', 'Fn::ImportValue', 'Fn::FindInMap',
  'Fn::Base64', 'Fn::GetAZs', 'Fn::Split', 'Fn::Cidr', 'Fn::Length', 'Fn::ToJsonString', 'Fn::Transform', 'Fn::GetStackOutput',
]);
/** Types CDK emits that are not AWS resource types. */
const NON_SPEC_TYPES = new Set(['AWS::CDK::Metadata']);

/** Resources that CloudFormation does not know itself: custom resources and SAM transform macros. */
function outsideSpec(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource' || type.startsWith('AWS::Serverless::') || NON_SPEC_TYPES.has(type);
}

type Json = unknown;

interface Template {
  readonly Resources?: Record<string, { Type: string; Properties?: Record<string, Json> }>;
  readonly Parameters?: Record<string, Json>;
  readonly Conditions?: Record<string, Json>;
}

function isIntrinsic(value: Json): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && INTRINSICS.has(keys[0]);
}

function lookupResource(type: string): Resource | undefined {
  return specEntry(type).resource;
}

class TemplateChecker {
  public readonly problems: string[] = [];

  constructor(private readonly name: string, private readonly template: Template) {}

  public run(): string[] {
    for (const [logicalId, resource] of Object.entries(this.template.Resources ?? {})) {
      this.checkResource(logicalId, resource.Type, resource.Properties ?? {});
      this.checkReferences(`${logicalId}`, resource);
    }
    return this.problems;
  }

  private problem(where: string, message: string): void {
    this.problems.push(`${this.name} ${where}: ${message}`);
  }

  private checkResource(logicalId: string, type: string, props: Record<string, Json>): void {
    if (outsideSpec(type)) return;
    const spec = lookupResource(type);
    if (spec === undefined) {
      this.problem(logicalId, `unknown resource type ${type}`);
      return;
    }
    this.checkProperties(`${logicalId} (${type})`, spec.properties, props);
  }

  private checkProperties(where: string, spec: Record<string, Property>, props: Json): void {
    if (isIntrinsic(props)) return;
    if (props === null || typeof props !== 'object' || Array.isArray(props)) {
      this.problem(where, `expected an object, got ${JSON.stringify(props)}`);
      return;
    }
    for (const [name, value] of Object.entries(props)) {
      const prop = spec[name];
      if (prop === undefined) {
        this.problem(where, `unknown property ${name}`);
        continue;
      }
      this.checkValue(`${where}.${name}`, prop.type, value);
    }
    for (const [name, prop] of Object.entries(spec)) {
      if (prop.required && !(name in props)) this.problem(where, `missing required property ${name}`);
    }
  }

  private checkValue(where: string, type: PropertyType, value: Json): void {
    if (isIntrinsic(value)) return;
    const errors = this.valueErrors(where, type, value);
    for (const e of errors) this.problems.push(`${this.name} ${e}`);
  }

  /** Problems with `value` as `type`, without recording them (unions try each member). */
  private valueErrors(where: string, type: PropertyType, value: Json): string[] {
    if (isIntrinsic(value)) return [];
    const bad = (expected: string) => [`${where}: expected ${expected}, got ${JSON.stringify(value)}`];
    switch (type.type) {
      case 'string': {
        if (!['string', 'number', 'boolean'].includes(typeof value)) return bad('a string');
        const allowed = type.allowedValues;
        if (allowed && typeof value === 'string' && !allowed.includes(value)) return bad(`one of ${allowed.join(', ')}`);
        return [];
      }
      case 'integer':
      case 'number': {
        const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof n !== 'number' || Number.isNaN(n)) return bad(type.type === 'integer' ? 'an integer' : 'a number');
        if (type.type === 'integer' && !Number.isInteger(n)) return bad('an integer');
        if (type.type === 'integer' && type.allowedValues && !type.allowedValues.includes(n)) return bad(`one of ${type.allowedValues.join(', ')}`);
        return [];
      }
      case 'boolean':
        return typeof value === 'boolean' || value === 'true' || value === 'false' ? [] : bad('a boolean');
      case 'json':
        return typeof value === 'object' || typeof value === 'string' ? [] : bad('JSON');
      case 'date-time':
        return typeof value === 'string' ? [] : bad('a date-time string');
      case 'null':
        return value === null ? [] : bad('null');
      case 'tag':
        return value && typeof value === 'object' && 'Key' in value && 'Value' in value ? [] : bad('a tag { Key, Value }');
      case 'array':
        if (!Array.isArray(value)) return bad('a list');
        return value.flatMap((element, i) => this.valueErrors(`${where}[${i}]`, type.element, element));
      case 'map':
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad('a map');
        return Object.entries(value).flatMap(([k, v]) => this.valueErrors(`${where}.${k}`, type.element, v));
      case 'ref': {
        // Known: every definition a resource's properties use is read with the resource.
        const def = definitions.get(type.reference.$ref)!;
        const sub = new TemplateChecker('', this.template);
        sub.checkProperties(`${where} (${def.name})`, def.properties, value);
        return sub.problems.map((p) => p.trimStart());
      }
      case 'union': {
        const attempts = type.types.map((t) => this.valueErrors(where, t, value));
        return attempts.some((a) => a.length === 0) ? [] : attempts[0];
      }
      default:
        return bad(`a value of unknown spec type ${JSON.stringify(type)}`);
    }
  }

  /** `Ref` and `Fn::GetAtt` must name something the template defines. */
  private checkReferences(where: string, node: Json): void {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((n) => this.checkReferences(where, n));
      return;
    }
    const fields = node as Record<string, unknown>;
    if (typeof fields.Ref === 'string') this.checkRef(where, fields.Ref);
    const getAtt = fields['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') this.checkGetAtt(where, getAtt[0], getAtt[1]);
    for (const value of Object.values(node)) this.checkReferences(where, value);
  }

  private checkRef(where: string, target: string): void {
    if (target.startsWith('AWS::')) return;
    if (this.template.Resources?.[target] || this.template.Parameters?.[target]) return;
    this.problem(where, `Ref to undefined ${target}`);
  }

  private checkGetAtt(where: string, target: string, attribute: string): void {
    const resource = this.template.Resources?.[target];
    if (resource === undefined) {
      this.problem(where, `Fn::GetAtt on undefined ${target}`);
      return;
    }
    if (outsideSpec(resource.Type)) return;
    const spec = lookupResource(resource.Type);
    if (spec && !(attribute in spec.attributes)) {
      this.problem(where, `Fn::GetAtt ${target}.${attribute}: ${resource.Type} has no attribute ${attribute}`);
    }
  }
}

/**
 * Every problem found in `template`, each prefixed with `name` and the place in the template.
 */
export function checkTemplateAgainstSpec(name: string, template: Template): string[] {
  return [...new TemplateChecker(name, template).run(), ...checkTextLimits(name, template)];
}

/** How CloudFormation applies a change of one property, from the specification. */
export type ReplacementBehaviour = 'no' | 'maybe' | 'yes';

/** The specification's `causesReplacement` for a property of a resource type. */
export function propertyReplacement(type: string, property: string): ReplacementBehaviour {
  if (outsideSpec(type)) return 'no';
  const spec = lookupResource(type);
  return spec?.properties[property]?.causesReplacement ?? 'no';
}
