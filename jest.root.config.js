/**
 * The tests that need root, and only they: the TLS contract against a real Docker Engine (dockerd, mount
 * namespaces) and the data volume boot script against fake block devices (mknod). `npm run test:root`.
 */
const base = require("./jest.config");

module.exports = {
  ...base,
  testPathIgnorePatterns: ["/node_modules/"],
  testMatch: ["<rootDir>/__tests__/tls/**/*.test.ts", "<rootDir>/__tests__/root/**/*.test.ts"],
  testTimeout: 60_000,
};
