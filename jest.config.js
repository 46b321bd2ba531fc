/** Tests run from TypeScript transpiled by swc, without type checking: `npm run build` (tsc) checks types once. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
};
