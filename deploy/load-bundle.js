// Loads a bundle as require() would, through V8's code cache: the app command's two bundles (deploy/app.js), and
// every program `npm run compile` writes to dist/commands/ and dist/maintainer/ (each dist/<dir>/<name>.js runs its
// <name>.bundle.js through run() below). Compiling a bundle of 1.5 – 6.6 MB was 60 – 130 ms of every start. Plain
// JavaScript, so nothing needs compiling before it runs.
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, readFileSync, readdirSync, rmSync, statSync } = require("node:fs");
const Module = require("node:module");
const { basename, dirname, join } = require("node:path");
const vm = require("node:vm");
const { writeAtomically } = require("./build-state");

/**
 * Loads `file` as a CommonJS module, with V8's code cache when there is one for exactly this file. `requireFor`
 * gives the module's require() (default: Node's, from the bundle's directory). Returns its exports, and save(),
 * which writes a cache when there was none or V8 rejected it: call it once the program has run, so the cache also
 * holds what was compiled lazily. A cache is only an optimisation: one that cannot be written is skipped.
 */
function loadBundle(file, requireFor) {
  const source = readFileSync(file, "utf8");
  // V8 checks a cache against the source's length, not its content: name each cache after the file it is for.
  // Every build replaces a bundle by a rename, so its inode, size and modification time name that content;
  // hashing megabytes of source each run cost 15 ms.
  const { ino, size, mtimeMs } = statSync(file);
  const hash = createHash("sha256").update(`${ino}:${size}:${mtimeMs}`).digest("hex").slice(0, 16);
  const cache = `${file}.${hash}.v8cache`;
  const cachedData = existsSync(cache) ? readFileSync(cache) : undefined;
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  const require = requireFor ? requireFor(mod) : (id) => mod.require(id);
  script.runInThisContext().call(mod.exports, mod.exports, require, mod, file, dirname(file));
  const save = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      writeAtomically(cache, script.createCachedData());
      // Caches of earlier builds of this bundle are of no use any more.
      const prefix = `${basename(file)}.`;
      for (const old of readdirSync(dirname(file))) {
        if (old.startsWith(prefix) && old.endsWith(".v8cache") && join(dirname(file), old) !== cache) rmSync(join(dirname(file), old), { force: true });
      }
    } catch {
      // A read-only project: the next start compiles again.
    }
  };
  return { exports: mod.exports, save };
}

/** Runs a compiled program's bundle, and saves its code cache as the process exits (its asynchronous work done). */
function run(file) {
  const { save } = loadBundle(file);
  process.once("exit", save);
}

module.exports = { loadBundle, run };
