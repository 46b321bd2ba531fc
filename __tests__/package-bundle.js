// The packages the tests and the sources import from cdktf, the providers, constructs, zod and @peculiar/x509 (with
// reflect-metadata, which it needs loaded first), bundled into one
// file (dist/test-packages/), as the app loads them from dist/app/vendor.js. jest otherwise loads some 500 files of
// them, resolved and compiled one by one, again for every test file. __tests__/resolver.js sends those imports here;
// globalSetup (tmpdir-setup.js) rebuilds the bundle when the installed packages or the imports change.
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, readFileSync, readdirSync, rmSync } = require("node:fs");
const { join } = require("node:path");
const { PACKAGES: INSTALLED, bundlePackages, digest, packagesModule, root, writeAtomically } = require("../deploy/build-state");

const out = join(root, "dist", "test-packages");
// Not @cdktf/hcl2json, which a test loads as the cdktf CLI does: its Go runtime (WebAssembly) is read from beside it.
const BUNDLED = /^(cdktf|constructs|zod|reflect-metadata|@peculiar\/x509|@cdktf\/(?!hcl2json(\/|$))[^/]+)(\/.*)?$/;
const SOURCES = ["main.ts", "stacks", "constructs", "settings", "policy", "commands", "deploy", "maintainer", "__tests__"];

function files(path) {
  if (path.endsWith(".ts")) return [path];
  try {
    return readdirSync(path, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(path, e.name)) : e.name.endsWith(".ts") ? [join(path, e.name)] : []));
  } catch {
    return [];
  }
}

/** Every package path the TypeScript sources and tests import from the bundled packages, sorted. */
function imported() {
  const ids = new Set();
  for (const file of SOURCES.flatMap((s) => files(join(root, s)))) {
    // Import statements only (at the start of a line): a test's sample code in a string is no import.
    for (const m of readFileSync(file, "utf8").matchAll(/^(?:import|export)(?:[^"';]*?from)?\s*"([^"]+)"/gm)) if (BUNDLED.test(m[1])) ids.add(m[1]);
  }
  return [...ids].sort();
}

/**
 * What the shims require: the bundle, run by the test environment's compiled copy of it (__tests__/environment.js)
 * when there is one, else by jest as any module.
 */
const LOADER = `"use strict";
if (typeof globalThis.__runCompiledBundle === "function") globalThis.__runCompiledBundle(require.resolve("./bundle.js"), module, require);
else module.exports = require("./bundle.js");
`;

function manifestPath() {
  return join(out, "manifest.json");
}

/**
 * Builds the bundle and its shims into a directory named after the packages and imports they are built from,
 * unless it is there already; then points manifest.json at it. A second jest starting meanwhile builds the same
 * directory or finds it whole: each file is written through a rename.
 */
function ensure() {
  const ids = imported();
  const entry = packagesModule(ids);
  const recipe = `${digest(INSTALLED)}${digest("deploy/build-state.js")}`;
  const key = createHash("sha256").update(recipe).update(entry).update(LOADER).digest("hex").slice(0, 16);
  const dir = join(out, key);
  const shim = (id) => join(dir, `${createHash("sha256").update(id).digest("hex").slice(0, 16)}.js`);
  try {
    if (JSON.parse(readFileSync(manifestPath(), "utf8")).key === key && ids.every((id) => existsSync(shim(id)))) return;
  } catch {
    // no manifest yet: build
  }
  bundlePackages(entry, join(dir, "bundle.js"));
  writeAtomically(join(dir, "load.js"), LOADER);
  for (const id of ids) writeAtomically(shim(id), `module.exports = require("./load.js")[${JSON.stringify(id)}];\n`);
  writeAtomically(manifestPath(), JSON.stringify({ key, ids: Object.fromEntries(ids.map((id) => [id, shim(id)])) }, null, 2));
  // Bundles of other packages or imports are of no use any more.
  for (const other of readdirSync(out)) if (other !== key && other !== "manifest.json") rmSync(join(out, other), { recursive: true, force: true });
}

module.exports = { ensure, manifestPath };
