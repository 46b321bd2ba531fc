// Every test run gets a private temporary directory, removed by tmpdir-teardown.js whatever the outcome: the
// tests' own files and cdktf's (Testing.synth writes cdktf.outdir.* there) never pile up in the user's $TMPDIR.
// Workers and the programs tests start inherit TMPDIR, and os.tmpdir() reads it on every call.
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const packageBundle = require("./package-bundle");

module.exports = async () => {
  packageBundle.ensure();
  globalThis.__SOA_TEST_TMPDIR__ = mkdtempSync(join(tmpdir(), "soa-tests-"));
  process.env.TMPDIR = globalThis.__SOA_TEST_TMPDIR__;
};
