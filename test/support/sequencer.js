/**
 * Runs the longest test files first, so that a run on a fresh clone, which has no timings of
 * earlier runs, does not end with one of them starting last; the rest keep jest's own order.
 */
const Sequencer = require('@jest/test-sequencer').default;

/** The longest files, longest first (each runs commands or a real-time world of its own). */
const LONGEST = [
  'test/package/package.test.ts',
  'test/bin/reference-app.test.ts',
  'test/lambda/health-monitor/safety.test.ts',
  'test/drill/drill.test.ts',
  'test/lambda/health-monitor/faults.test.ts',
];

class LongestFirst extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    const rank = (test) => {
      const at = LONGEST.findIndex((file) => test.path.endsWith(file));
      return at < 0 ? LONGEST.length : at;
    };
    return [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
