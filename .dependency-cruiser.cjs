/**
 * The import rules of lib/ and lambda/, checked by dependency-cruiser in `npm test`
 * (test/layering.test.ts); `npx depcruise lib lambda` shows the same.
 *
 * lib/ is layered: core/ is what every tier shares and imports no other folder; load-balancing/
 * sits on core/; dns/ and vip/ on load-balancing/; monitoring/ on those, discovery/ and flags/;
 * patterns/ on all of those; regions/ (the switch between two regions) on everything. replication/, discovery/ and flags/ sit on core/ alone (replication/
 * may also use dns/ for its internal names). lambda/ is the runtime: it imports nothing from lib/,
 * and lib/ imports only its contract.
 */

/** What each folder of lib/ may import from the others, besides itself. */
const LAYERS = {
  core: [],
  'load-balancing': ['core'],
  dns: ['core', 'load-balancing'],
  vip: ['core', 'load-balancing'],
  replication: ['core', 'dns'],
  discovery: ['core'],
  flags: ['core'],
  monitoring: ['core', 'load-balancing', 'dns', 'vip', 'discovery', 'flags'],
  patterns: ['core', 'load-balancing', 'dns', 'vip', 'replication', 'discovery', 'flags', 'monitoring'],
  regions: ['core', 'load-balancing', 'dns', 'vip', 'replication', 'discovery', 'flags', 'monitoring', 'patterns'],
};

module.exports = {
  forbidden: [
    ...Object.entries(LAYERS).map(([folder, allowed]) => ({
      name: `layer-${folder}`,
      comment: `lib/${folder}/ imports only ${allowed.length ? allowed.map((a) => `lib/${a}/`).join(', ') : 'no other folder'} (and the runtime's contract)`,
      severity: 'error',
      from: { path: `^lib/${folder}/` },
      to: { path: '^lib/', pathNot: [`^lib/${folder}/`, ...allowed.map((a) => `^lib/${a}/`)] },
    })),
    {
      name: 'lib-only-the-contract',
      comment: 'lib/ imports from lambda/ only each runtime\'s contract, which the package ships',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^lambda/', pathNot: '^lambda/[^/]+/contract\\.ts$' },
    },
    {
      name: 'lambda-not-lib',
      comment: 'the runtime is bundled on its own: lambda/ imports nothing from lib/',
      severity: 'error',
      from: { path: '^lambda/' },
      to: { path: '^lib/' },
    },
    {
      name: 'no-cycles',
      comment: 'no module reaches itself through its imports',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
