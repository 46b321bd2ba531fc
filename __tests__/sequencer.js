// The order jest starts test files in. With timings of an earlier run, jest's own: slowest first, so no worker is
// left alone with a long file at the end. Without any (a fresh clone, as in CI), jest guesses by file size; the
// end-to-end files are small but start the cdktf CLI and Terraform (15 – 25 s each), so they go first.
const Sequencer = require("@jest/test-sequencer").default;

const END_TO_END = /[\\/]__tests__[\\/]end-to-end[\\/]/;

class SlowFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    return [...sorted.filter((test) => END_TO_END.test(test.path)), ...sorted.filter((test) => !END_TO_END.test(test.path))];
  }
}

module.exports = SlowFirst;
