/** The TLS contract against a real Docker Engine (root, dockerd): `npm run test:tls`. */
const base = require("./jest.config");

module.exports = {
  ...base,
  testPathIgnorePatterns: ["/node_modules/"],
  testMatch: ["<rootDir>/__tests__/tls/**/*.test.ts"],
  testTimeout: 60_000,
};
