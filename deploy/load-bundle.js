// Loads a bundle as require() would, through V8's code cache: the app command's two bundles (deploy/app.js), and
// every program `npm run compile` writes to dist/commands/ and dist/maintainer/ (each dist/<dir>/<name>.js runs its
// <name>.bundle.js through run() below). Compiling a bundle of 1.5 – 6.6 MB was 60 – 130 ms of every start. Plain
// JavaScript, so nothing needs compiling before it runs.
"use strict";
const { createHash } = require("node:crypto");
const { accessSync, closeSync, constants, existsSync, fstatSync, openSync, readFileSync, readdirSync, rmSync } = require("node:fs");
const Module = require("node:module");
const { basename, dirname, join } = require("node:path");
const vm = require("node:vm");
const { writeAtomically } = require("./build-state");

/** The text of `file` and what names that content: its inode, size and modification time, read from one open file. */
function readWithFingerprint(file) {
  // One descriptor for both: a compile that replaces the bundle in between cannot pair its name with old text.
  const fd = openSync(file, "r");
  try {
    const { ino, size, mtimeMs } = fstatSync(fd);
    return { source: readFileSync(fd, "utf8"), fingerprint: `${ino}:${size}:${mtimeMs}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * `file` as a CommonJS module, compiled with V8's code cache when there is one for exactly this file, not run yet.
 * `requireFor` gives the module's require() (default: Node's, from the bundle's directory). execute() runs it and
 * returns its exports; save() writes a cache when there was none or V8 rejected it: call it once the program has
 * run, so the cache also holds what was compiled lazily. A cache is only an optimisation: where it cannot be
 * written, none is made.
 */
function prepare(file, requireFor) {
  // V8 checks a cache against the source's length, not its content: name each cache after the file it is for.
  // Every build replaces a bundle by a rename, so its inode, size and modification time name that content;
  // hashing megabytes of source each run cost 15 ms.
  const { source, fingerprint } = readWithFingerprint(file);
  const cache = `${file}.${createHash("sha256").update(fingerprint).digest("hex").slice(0, 16)}.v8cache`;
  const cachedData = existsSync(cache) ? readFileSync(cache) : undefined;
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const execute = () => {
    const mod = new Module(file, module);
    mod.filename = file;
    mod.paths = Module._nodeModulePaths(dirname(file));
    const require = requireFor ? requireFor(mod) : (id) => mod.require(id);
    script.runInThisContext().call(mod.exports, mod.exports, require, mod, file, dirname(file));
    return mod.exports;
  };
  const save = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      // A read-only project: not worth serialising megabytes of code for a write that fails.
      accessSync(dirname(file), constants.W_OK);
      writeAtomically(cache, script.createCachedData());
      // Caches of earlier builds of this bundle are of no use any more.
      const prefix = `${basename(file)}.`;
      for (const old of readdirSync(dirname(file))) {
        if (old.startsWith(prefix) && old.endsWith(".v8cache") && join(dirname(file), old) !== cache) rmSync(join(dirname(file), old), { force: true });
      }
    } catch {
      // The next start compiles again.
    }
  };
  return { execute, save };
}

/** Loads and runs a bundle as require() would (see prepare()); returns its exports and save(). */
function loadBundle(file, requireFor) {
  const { execute, save } = prepare(file, requireFor);
  return { exports: execute(), save };
}

/**
 * Runs a compiled program's bundle, and saves its code cache as the process exits: after its asynchronous work,
 * and also when it exits while it loads.
 */
function run(file) {
  const { execute, save } = prepare(file);
  process.once("exit", save);
  execute();
}

module.exports = { loadBundle, run };
