import * as fs from 'fs';
import * as path from 'path';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The README's TypeScript blocks (` ```ts ` or ` ```typescript `, any info after it), each as written. */
export function readmeBlocks(from = README): string[] {
  return [...from.matchAll(/^```(?:ts|typescript)\b[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]);
}

/** The first TypeScript block after `heading` in the README. */
export function readmeBlock(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no heading ${heading} in README.md`);
  const [block] = readmeBlocks(README.slice(start));
  if (block === undefined) throw new Error(`no TypeScript block after ${heading}`);
  return block;
}
