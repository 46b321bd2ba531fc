/**
 * The commands as users run them, as processes: every `*.cli.test.ts` (our entry points, one command line at a
 * time), and end to end with the real cdktf CLI and Terraform (__tests__/end-to-end/, seconds per test):
 * `npm run test:commands`. Offline from the provider mirror; nothing reaches AWS.
 */
const base = require("./jest.config");

module.exports = {
  ...base,
  testPathIgnorePatterns: ["/node_modules/"],
  testMatch: ["<rootDir>/__tests__/end-to-end/**/*.test.ts", "<rootDir>/__tests__/**/*.cli.test.ts"],
  testTimeout: 300_000,
};
