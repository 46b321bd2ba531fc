/**
 * Tests run from TypeScript transpiled file by file (ts-jest takes the transpile-only path because tsconfig sets
 * isolatedModules); `npm run build` (tsc) checks types once, for everything.
 */
module.exports = {
  testEnvironment: "node",
  // Many tests wait on the processes they start: two workers on two cores, not jest's default of one.
  maxWorkers: 2,
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Tests that need root (a Docker Engine, device nodes): `npm run test:root` (jest.root.config.js). The property
  // tests run hundreds of inputs and Terraform: `npm run test:properties` (jest.properties.config.js). The commands end to
  // end with the cdktf CLI and Terraform: `npm run test:commands` (jest.commands.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/tls/", "<rootDir>/__tests__/root/", "<rootDir>/__tests__/properties/", "<rootDir>/__tests__/end-to-end/"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  snapshotSerializers: ["<rootDir>/__tests__/snapshot-serializer.js"],
  globalSetup: "<rootDir>/__tests__/tmpdir-setup.js",
  globalTeardown: "<rootDir>/__tests__/tmpdir-teardown.js",
};
