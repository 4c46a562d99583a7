import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

test('`npm run docs` documents every exported symbol: TypeDoc finds nothing undocumented, unexported or broken', async () => {
  // The options are package.json's typedocOptions (warnings are errors); nothing is written.
  const { stdout, stderr } = await run(path.join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--emit', 'none'], { cwd: ROOT, timeout: 120_000 });
  expect(`${stdout}${stderr}`).not.toMatch(/warning|error/i);
}, 150_000);
