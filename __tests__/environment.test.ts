// The test environment (environment.js): a worker's test files share one context and one run of the packages'
// bundle, and each file still finds the global object as the first one did. Tried here on environments of their
// own, made as jest makes them, with a stand-in bundle.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh copy of the module, so its worker's shared context is not this file's. */
const environmentClass = () => {
  let Environment: any;
  jest.isolateModules(() => (Environment = require("./environment")));
  return Environment;
};
const config = { projectConfig: { testEnvironmentOptions: {}, globals: {}, fakeTimers: {} }, globalConfig: {} } as any;

/** A bundle that counts its runs on the global object, as a package keeps state there. */
const bundle = () => {
  const file = join(mkdtempSync(join(tmpdir(), "environment-")), "bundle.js");
  writeFileSync(file, "globalThis.runs = (globalThis.runs ?? 0) + 1; module.exports = { runs: globalThis.runs };\n");
  return file;
};
const load = (environment: any, file: string) => {
  const module = { exports: {} };
  environment.global.__runCompiledBundle(file, module, require);
  return module.exports;
};

test("the second file runs in the first one's context, gets the packages' modules the first run made, and a process of its own", async () => {
  const Environment = environmentClass();
  const file = bundle();
  const first = new Environment(config, {});
  const context = first.getVmContext();
  const process = first.global.process;
  const modules = load(first, file);
  await first.teardown();
  const second = new Environment(config, {});
  expect(second.getVmContext()).toBe(context);
  expect(load(second, file)).toBe(modules);
  expect(modules).toEqual({ runs: 1 });
  expect(second.global.process).not.toBe(process);
  expect(second.global.process.env).toEqual(process.env);
  await second.teardown();
});

test("what a file replaced on the global object, Error's stack hooks included, is put back for the next; a package's state stays", async () => {
  const first = new (environmentClass())(config, {});
  const global = first.global;
  const { setTimeout, Error } = global;
  const capture = Error.captureStackTrace;
  const limit = Error.stackTraceLimit;
  global.setTimeout = () => 0;
  Error.captureStackTrace = () => undefined;
  Error.prepareStackTrace = () => "";
  Error.stackTraceLimit = 3;
  // As cdktf keeps its token map there (a name of our own: the test context has cdktf's).
  global.__somePackagesState = { tokens: 1 };
  await first.teardown();
  expect(global.setTimeout).toBe(setTimeout);
  expect(Error.captureStackTrace).toBe(capture);
  expect(Object.prototype.hasOwnProperty.call(Error, "prepareStackTrace")).toBe(false);
  expect(Error.stackTraceLimit).toBe(limit);
  expect(global.__somePackagesState).toEqual({ tokens: 1 });
});
