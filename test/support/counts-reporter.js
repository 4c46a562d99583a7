/**
 * Writes jest's own result counts to the file named by HA_KIT_JEST_COUNTS, so that .ci/run can
 * print them. A suite that fails before running its tests (a compile error) counts as failed.
 */
const fs = require('fs');

class CountsReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.HA_KIT_JEST_COUNTS;
    if (!file) return;
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      total: results.numTotalTests,
    };
    fs.writeFileSync(file, JSON.stringify(counts));
  }
}

module.exports = CountsReporter;
