import * as fs from 'fs';
import * as path from 'path';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The first TypeScript block after `heading` in the README, as written (its info string aside). */
export function readmeBlock(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no heading ${heading} in README.md`);
  const match = /```ts[^\n]*\n([\s\S]*?)```/.exec(README.slice(start));
  if (!match) throw new Error(`no TypeScript block after ${heading}`);
  return match[1];
}
