// jest's test environment: Node's, plus one thing. The packages' bundle (__tests__/package-bundle.js) is compiled
// once per worker and run in each test file's own context, instead of jest compiling its megabytes again for every
// file: V8 keeps what it compiled (the bytecode of every function that ran) with the script, whichever context
// runs it next. Each file still gets its own copy of the packages' modules, in its own realm.
"use strict";
const { readFileSync } = require("node:fs");
const Module = require("node:module");
const { dirname } = require("node:path");
const vm = require("node:vm");
const { TestEnvironment } = require("jest-environment-node");

/** The compiled bundles of this worker, by path. */
const compiled = new Map();

class PackagesEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    const vmContext = this.getVmContext();
    // Called by the bundle's loader (dist/test-packages/<key>/load.js), in the test file's context.
    this.global.__runCompiledBundle = (file, module, require) => {
      if (!compiled.has(file)) compiled.set(file, new vm.Script(Module.wrap(readFileSync(file, "utf8")), { filename: file }));
      compiled.get(file).runInContext(vmContext).call(module.exports, module.exports, require, module, file, dirname(file));
    };
  }
}

module.exports = PackagesEnvironment;
