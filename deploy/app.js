#!/usr/bin/env node
// The cdktf app command (cdktf.json runs it for synth, diff and deploy): builds the app when any of its sources
// changed, then runs it in this process. A synth is never stale, and costs no bundling when nothing changed.
// Plain JavaScript, so nothing needs compiling before it runs.
//
// Two bundles in dist/app/ (and the readiness gate deploy runs, dist/deploy/wait-for-docker.js): vendor.js holds
// the packages the app imports (cdktf, the providers, zod; 3.4 MB that change only with `npm ci` or with how they
// are bundled), each loaded when first asked for, and main.js our own sources (about 0.2 MB), whose imports of
// packages are served from vendor.js.
// An edit rebuilds main.js alone. meta.json records a SHA-256 of every project file main.js was built from and of
// the installed packages (node_modules/.package-lock.json), with each file's inode, size and modification time to
// check it quickly (deploy/build-state.js), and a key of how vendor.js was built: any difference, or a missing
// bundle, rebuilds.
// Files the app reads at run time (cloud-config/, task-definitions/, schemas/) are always read fresh. Both bundles
// load with V8's code cache (deploy/load-bundle.js): compiling 5 MB of JavaScript was a third of a synth.
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync } = require("node:fs");
const Module = require("node:module");
const { join } = require("node:path");
const { bundle, bundlePackages, packagesModule, readJson, recordBuild, root, unchangedSince, writeAtomically } = require("./build-state");
const { loadBundle } = require("./load-bundle");

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
  const imported = [
    ...new Set(Object.values(app.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path))),
  ]
    .filter((id) => !id.startsWith("node:") && !Module.isBuiltin(id))
    .sort();
  const recorded = recordBuild([app, gate], "deploy/app.js");
  // The packages bundle is built from the installed packages, the module that exports the ones main.js imports, and
  // how it is bundled: build-state.js and the options below.
  const entry = packagesModule(imported);
  const vendorEntry = createHash("sha256").update(entry).digest("hex");
  const recipe = ["deploy/build-state.js", "deploy/app.js"].map((f) => recorded.inputs[f] ?? "").join(" ");
  const vendorKey = createHash("sha256").update(`${vendorEntry} ${recipe}`).digest("hex");
  if (!existsSync(files.vendor) || meta?.packages !== recorded.packages || meta?.vendorKey !== vendorKey) {
    bundlePackages(entry, files.vendor, { minify: true });
  }
  // `imported` and `vendorEntry` are what earlier launchers compared instead: the base checkout of a review, which
  // may run one, then reuses this bundle of the same packages instead of bundling them again.
  const next = { ...recorded, imported, vendorEntry, vendorKey };
  writeAtomically(files.meta, `${JSON.stringify(next, null, 2)}\n`);
}

/** Whether both bundles were built from exactly the files there are now. */
function upToDate(meta) {
  if (!meta || ![files.main, files.vendor, files.gate].every((f) => existsSync(f))) return false;
  return unchangedSince(meta);
}

/**
 * Rebuilds the bundles; false when esbuild refused the sources (an edit that does not parse). esbuild has printed
 * each error with its file and line; its exception would only repeat them with a trace.
 */
function rebuilt(meta) {
  mkdirSync(out, { recursive: true });
  try {
    build(meta);
    return true;
  } catch (error) {
    if (!Array.isArray(error.errors)) throw error;
    const count = `${error.errors.length} error${error.errors.length === 1 ? "" : "s"}`;
    process.stderr.write(`the app could not be built: esbuild found ${count} in the sources (above); nothing was synthesized\n`);
    return false;
  }
}

const USAGE = `usage: node deploy/app.js
The app command cdktf runs (cdktf.json's "app") for synth, diff and deploy: synthesizes both stacks into
CDKTF_OUTDIR (default cdktf.out) from the settings INFRA_CONFIG names. It takes no arguments: to synthesize, run
npm run synth (or npx cdktf synth); npm run synth -- --help shows its options.`;

/** What to do with a command line typed by hand (cdktf gives none): "help", a one-line refusal, or undefined to run. */
function commandLine(args) {
  if (args.length === 0) return undefined;
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) return "help";
  const first = JSON.stringify(args[0]).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `node deploy/app.js: takes no arguments (got ${first}): cdktf runs it so; to synthesize, run npm run synth (node deploy/app.js --help shows the usage)`;
}

// synth.js runs this file in its own process, whose arguments are its own.
const typed = require.main === module ? commandLine(process.argv.slice(2)) : undefined;
const meta = typed ? undefined : readMeta();
if (typed === "help") {
  process.stdout.write(`${USAGE}\n`);
} else if (typed) {
  process.stderr.write(`${typed}\n`);
  process.exitCode = 2;
} else if (!upToDate(meta) && !rebuilt(meta)) {
  process.exitCode = 1;
} else {
  const vendor = loadBundle(files.vendor);
  // A synth parses the settings once: zod's compiled fast path costs more to build (about 30 ms) than it saves. zod
  // reads this as it builds each schema, so before our sources load. (The tests, which parse thousands, keep it.)
  vendor.exports.zod.config({ jitless: true });
  const app = loadBundle(files.main, (mod) => (id) => (Object.prototype.hasOwnProperty.call(vendor.exports, id) ? vendor.exports[id] : mod.require(id)));
  process.exitCode = app.exports.main();
  vendor.save();
  app.save();
}
