/**
 * The API reference and the README's examples, both read from the jsii assembly the build wrote:
 * API.md is what jsii-docgen makes of it, and every TypeScript example of the README compiled and
 * was translated into each language the library ships for (jsii-rosetta, strict).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { readmeBlocks } from '../support/readme';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

test('API.md is what jsii-docgen writes from the assembly (regenerate with `npm run docgen`)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-md-'));
  try {
    await exec(path.join(ROOT, 'node_modules', '.bin', 'jsii-docgen'), ['--output', path.join(dir, 'API.md')], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const fresh = fs.readFileSync(path.join(dir, 'API.md'), 'utf8');
    expect(fresh === fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8')).toBe(true);
    for (const name of ['HighlyAvailableService', 'LeaderHealthMonitor', 'HaLoadBalancer', 'DnsFailover']) expect(fresh).toContain(`### ${name} <a name="${name}"`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test('every exported type, property, method and enum member says what it is', () => {
  const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8')) as {
    types: Record<string, { docs?: { summary?: string }; properties?: Member[]; methods?: Member[]; members?: Member[] }>;
  };
  type Member = { name: string; docs?: { summary?: string } };
  const undocumented = Object.entries(assembly.types).flatMap(([fqn, type]) => [
    ...(type.docs?.summary ? [] : [fqn]),
    ...[...type.properties ?? [], ...type.methods ?? [], ...type.members ?? []].filter((m) => !m.docs?.summary).map((m) => `${fqn}.${m.name}`),
  ]);
  expect(undocumented).toEqual([]);
});

test('every TypeScript example of the README compiled and is translated into Python, Java, C# and Go', () => {
  const blocks = readmeBlocks();
  const tablet = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii.tabl.json'), 'utf8')) as {
    snippets: Record<string, { didCompile: boolean; location: { api: { api: string } }; translations: Record<string, { source: string }> }>;
  };
  const fromReadme = Object.values(tablet.snippets).filter((s) => s.location.api.api === 'moduleReadme');
  expect(fromReadme).toHaveLength(blocks.length);
  for (const snippet of fromReadme) {
    expect(snippet.didCompile).toBe(true);
    expect(Object.keys(snippet.translations).sort()).toEqual(['$', 'csharp', 'go', 'java', 'python']);
  }
  // Each block as written is among the compiled ones.
  const sources = fromReadme.map((s) => s.translations.$.source.trim());
  for (const block of blocks) expect(sources).toContain(block.trim());
});
