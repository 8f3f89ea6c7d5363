// Mocha's spec output for people, plus the suite's counts in a file for scripts/test.mjs, which
// adds every suite up into the one closing line CI reads.
const fs = require('node:fs');
const Mocha = require('mocha');

class CountingSpec extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.TALLY_TEST_STATS;
      if (file) fs.writeFileSync(file, JSON.stringify({ passed: this.stats.passes, failed: this.stats.failures }));
    });
  }
}

module.exports = CountingSpec;
