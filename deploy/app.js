#!/usr/bin/env node
// The cdktf app command (cdktf.json runs it for synth, diff and deploy): builds the app when any of its sources
// changed, then runs it in this process. A synth is never stale, and costs no bundling when nothing changed.
// Plain JavaScript, so nothing needs compiling before it runs.
//
// Two bundles in dist/app/ (and the readiness gate deploy runs, dist/deploy/wait-for-docker.js): vendor.js holds
// the packages the app imports (cdktf, the providers, zod; 5 MB that change only with `npm ci`), each loaded when
// first asked for, and main.js our own sources (about 0.2 MB), whose imports of packages are served from vendor.js.
// An edit rebuilds main.js alone. meta.json records a SHA-256 of every project file main.js was built from, of the
// installed packages (node_modules/.package-lock.json) and of vendor.js's entry module, with each file's inode, size
// and modification time to check it quickly (deploy/build-state.js): any difference, or a missing bundle, rebuilds. Files the app reads at run time (cloud-config/, task-definitions/, schemas/) are always read fresh.
// Both bundles load with V8's code cache: compiling 4 MB of JavaScript was a third of a synth.
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } = require("node:fs");
const Module = require("node:module");
const { dirname, join } = require("node:path");
const vm = require("node:vm");
const { bundle, packagesModule, readJson, record, root, unchangedSince, writeAtomically } = require("./build-state");

const out = join(root, "dist", "app");
const files = {
  main: join(out, "main.js"),
  vendor: join(out, "vendor.js"),
  meta: join(out, "meta.json"),
  // The readiness gate that deploy runs from the aws stack (local-exec); it imports no packages.
  gate: join(root, "dist", "deploy", "wait-for-docker.js"),
};

function readMeta() {
  return readJson(files.meta);
}

/** Rebuilds what is stale: main.js when a source changed, vendor.js when the packages or their use changed. */
function build(meta) {
  const app = bundle({ entryPoints: ["main.ts"], outfile: files.main, packages: "external" });
  const gate = bundle({ entryPoints: ["deploy/wait-for-docker.ts"], outfile: files.gate });
  // Also what shapes the bundles without being bundled: this launcher, and the TypeScript and package settings
  // esbuild reads.
  const inputs = [...new Set([...Object.keys(app.inputs), ...Object.keys(gate.inputs), "deploy/app.js", "deploy/build-state.js", "tsconfig.json", "package.json"])].sort();
  const imported = [
    ...new Set(Object.values(app.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path))),
  ]
    .filter((id) => !id.startsWith("node:") && !Module.isBuiltin(id))
    .sort();
  const recorded = record(inputs);
  // The packages bundle is built from the installed packages and the module that exports the ones main.js imports.
  const entry = packagesModule(imported);
  const vendorEntry = createHash("sha256").update(entry).digest("hex");
  if (!existsSync(files.vendor) || meta?.packages !== recorded.packages || meta?.vendorEntry !== vendorEntry) {
    bundle({ stdin: { contents: entry, resolveDir: root, sourcefile: "vendor-entry.js" }, outfile: files.vendor });
  }
  const next = { ...recorded, imported, vendorEntry };
  writeAtomically(files.meta, `${JSON.stringify(next, null, 2)}\n`);
}

/** Whether both bundles were built from exactly the files there are now. */
function upToDate(meta) {
  if (!meta || ![files.main, files.vendor, files.gate].every((f) => existsSync(f))) return false;
  return unchangedSince(meta);
}

/**
 * Loads a bundle as require() would, through V8's code cache (made after the first run, so it also holds what
 * ran lazily). V8 rejects a cache made for other source, so a stale one costs only a recompile.
 */
function load(file, requireFor) {
  const source = readFileSync(file, "utf8");
  // V8 checks a cache against the source's length, not its content: name each cache after the file it is for.
  // Every build replaces a bundle by a rename, so its inode, size and modification time name that content;
  // hashing the 4 MB of source each run cost 15 ms.
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
  const save =
    !cachedData || script.cachedDataRejected
      ? () => {
          writeAtomically(cache, script.createCachedData());
          // Caches of earlier builds of this bundle are of no use any more.
          const base = `${file.slice(dirname(file).length + 1)}.`;
          for (const old of readdirSync(dirname(file))) {
            if (old.startsWith(base) && old.endsWith(".v8cache") && join(dirname(file), old) !== cache) rmSync(join(dirname(file), old), { force: true });
          }
        }
      : () => {};
  return { exports: mod.exports, save };
}

const meta = readMeta();
if (!upToDate(meta)) {
  mkdirSync(out, { recursive: true });
  build(meta);
}
const vendor = load(files.vendor);
// A synth parses the settings once: zod's compiled fast path costs more to build (about 30 ms) than it saves. zod
// reads this as it builds each schema, so before our sources load. (The tests, which parse thousands, keep it.)
vendor.exports.zod.config({ jitless: true });
const app = load(files.main, (mod) => (id) => (Object.prototype.hasOwnProperty.call(vendor.exports, id) ? vendor.exports[id] : mod.require(id)));
process.exitCode = app.exports.main();
vendor.save();
app.save();
