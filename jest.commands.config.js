/**
 * The commands end to end with the real cdktf CLI and Terraform (slow: seconds per test): `npm run test:commands`.
 * Offline from the provider mirror; nothing reaches AWS.
 */
const base = require("./jest.config");

module.exports = {
  ...base,
  testPathIgnorePatterns: ["/node_modules/"],
  testMatch: ["<rootDir>/__tests__/end-to-end/**/*.test.ts"],
  testTimeout: 300_000,
};
