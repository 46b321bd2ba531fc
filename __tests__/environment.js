// jest's test environment: Node's, with the packages (cdktf, the providers, constructs, zod) loaded once per worker
// instead of once per test file. The test files a worker runs share one context (one realm, as the app has), and
// the packages' bundle (__tests__/package-bundle.js) runs in it once: each later file gets the same modules,
// already compiled and warmed up by the files before it. Building the stacks in a file's first test cost two to
// three times what it costs later, for that warm-up alone, in every file that builds them.
//
// What stays per file, as jest gives it: our own modules (main.ts, stacks, constructs, settings, policy, the
// tests), evaluated afresh from jest's module registry for each file; `process` (its env a copy per file); jest's
// globals (expect, test, describe), its mocks and timers; and the global object's own properties, put back after
// each file as the first file found them wherever one was replaced (Error's stack hooks included). What is shared,
// as it is among the tests of one file: the packages' modules and their state (cdktf's token map, which it keeps
// on the global object, and zod's registry). vitest calls this running without isolation.
"use strict";
const { readFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname } = require("node:path");
const vm = require("node:vm");
const { TestEnvironment } = require("jest-environment-node");
const { ModuleMocker } = require("jest-mock");
const { LegacyFakeTimers, ModernFakeTimers } = require("@jest/fake-timers");

/** This worker's context, made for its first test file, and the packages' bundles run in it, by path. */
let shared;

/** Error's own properties that jest, source-map-support and __tests__/synth-setup.ts set for a file. */
const ERROR_HOOKS = ["prepareStackTrace", "captureStackTrace", "stackTraceLimit"];

/** The own properties of `object`, by name or symbol. */
function properties(object) {
  return new Map(Reflect.ownKeys(object).map((key) => [key, Object.getOwnPropertyDescriptor(object, key)]));
}

/**
 * Puts back the properties of `object` that `before` had and that have been replaced or removed since; of `keys`,
 * also removes those it did not have. Anything else added stays: the packages keep their state on the global object
 * (cdktf's token map, for one).
 */
function restore(object, before, keys = [...before.keys()]) {
  for (const key of keys) {
    const was = before.get(key);
    const is = Object.getOwnPropertyDescriptor(object, key);
    if (was === undefined) {
      if (is?.configurable) delete object[key];
    } else if (is === undefined || is.value !== was.value || is.get !== was.get || is.set !== was.set) {
      if (is === undefined || is.configurable) Object.defineProperty(object, key, was);
      else if (is.writable) object[key] = was.value;
    }
  }
}

class PackagesEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    if (shared === undefined) {
      shared = { context: this.context, global: this.global, bundles: new Map() };
      // Called by the bundle's loader (dist/test-packages/<key>/load.js): runs the bundle the first time, and hands
      // every later file the same exports.
      this.global.__runCompiledBundle = (file, module, require) => {
        if (!shared.bundles.has(file)) {
          const script = new vm.Script(Module.wrap(readFileSync(file, "utf8")), { filename: file });
          script.runInContext(shared.context).call(module.exports, module.exports, require, module, file, dirname(file));
          shared.bundles.set(file, module.exports);
        }
        module.exports = shared.bundles.get(file);
      };
      shared.globals = properties(this.global);
      shared.errorHooks = properties(this.global.Error);
      return;
    }
    // The context super() made goes unused: this file runs in the worker's, with what is per file made anew.
    const { projectConfig } = config;
    shared.global.process = this.global.process;
    this.context = shared.context;
    this.global = shared.global;
    this.moduleMocker = new ModuleMocker(this.global);
    this.fakeTimers = new LegacyFakeTimers({
      config: projectConfig,
      global: this.global,
      moduleMocker: this.moduleMocker,
      timerConfig: {
        idToRef: (id) => ({ id, ref() { return this; }, unref() { return this; } }),
        refToId: (timer) => timer?.id,
      },
    });
    this.fakeTimersModern = new ModernFakeTimers({ config: projectConfig, global: this.global });
  }

  async teardown() {
    restore(shared.global, shared.globals);
    restore(shared.global.Error, shared.errorHooks, ERROR_HOOKS);
    await super.teardown();
  }
}

module.exports = PackagesEnvironment;
