/**
 * Tests that start programs, `npm run test:commands`: every `*.cli.test.ts` (our commands through their entry
 * points, one command line at a time, and Terraform or ESLint judging what we write), and the commands end to end
 * with the real cdktf CLI and Terraform (__tests__/end-to-end/, seconds per test). Offline from the provider
 * mirror; nothing reaches AWS.
 */
const base = require("./jest.config");

module.exports = {
  ...base,
  testPathIgnorePatterns: ["/node_modules/"],
  testMatch: ["<rootDir>/__tests__/end-to-end/**/*.test.ts", "<rootDir>/__tests__/**/*.cli.test.ts"],
  testTimeout: 300_000,
  // On a fresh clone (CI), the end-to-end files first: small, so jest's guess by size started them last, and a run
  // ended with one worker alone on a 15 s file (127 s against 108 s here, each with an empty cache).
  testSequencer: "<rootDir>/__tests__/sequencer.js",
};
