// Removes the run's private temporary directory (see tmpdir-setup.js).
const { rmSync } = require("node:fs");

module.exports = async () => {
  if (globalThis.__SOA_TEST_TMPDIR__) rmSync(globalThis.__SOA_TEST_TMPDIR__, { recursive: true, force: true });
};
