/**
 * Runs each argument as a shell command, all at once, and exits with the first failing one's
 * code (0 when all pass). `npm test` builds, lints and type-checks side by side: each keeps one
 * core busy for part of the time only.
 */
const { spawn } = require('child_process');

const commands = process.argv.slice(2);
Promise.all(commands.map((command) => new Promise((resolve) => {
  const child = spawn(command, { shell: true, stdio: 'inherit' });
  child.on('error', () => resolve(1));
  child.on('exit', (code, signal) => {
    if (code !== 0) console.error(`${command}: ${signal ? `killed by ${signal}` : `exit code ${code}`}`);
    resolve(code ?? 1);
  });
}))).then((codes) => process.exit(codes.find((code) => code !== 0) ?? 0));
