/** Property-based tests of the settings and task definitions, and terraform validate of a sample: `npm run test:properties`. */
const base = require("./jest.config");

module.exports = {
  ...base,
  testPathIgnorePatterns: ["/node_modules/"],
  testMatch: ["<rootDir>/__tests__/properties/**/*.test.ts"],
};
