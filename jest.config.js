/**
 * Tests run from TypeScript transpiled file by file with esbuild (__tests__/esbuild-transform.js); `npm run build`
 * (tsc) checks types once, for everything.
 */
module.exports = {
  testEnvironment: "<rootDir>/__tests__/environment.js",
  // Many tests wait on the processes they start: two workers on two cores, not jest's default of one.
  maxWorkers: 2,
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // `npm test` is the edit-test loop: what runs in jest's own process. Elsewhere: tests that start programs (our
  // commands, Terraform, ESLint: `*.cli.test.ts`, beside the tests they belong with) and the commands end to end with
  // the cdktf CLI and Terraform: `npm run test:commands` (jest.commands.config.js). The property tests run hundreds of
  // inputs and Terraform: `npm run test:properties`. Tests that need root (a Docker Engine, device nodes):
  // `npm run test:root`.
  testPathIgnorePatterns: ["/node_modules/", "\\.cli\\.test\\.ts$", "<rootDir>/__tests__/tls/", "<rootDir>/__tests__/root/", "<rootDir>/__tests__/properties/", "<rootDir>/__tests__/end-to-end/"],
  transform: { "^.+\\.ts$": "<rootDir>/__tests__/esbuild-transform.js" },
  setupFiles: ["<rootDir>/__tests__/synth-setup.ts"],
  resolver: "<rootDir>/__tests__/resolver.js",
  snapshotSerializers: ["<rootDir>/__tests__/snapshot-serializer.js"],
  globalSetup: "<rootDir>/__tests__/tmpdir-setup.js",
  globalTeardown: "<rootDir>/__tests__/tmpdir-teardown.js",
};
