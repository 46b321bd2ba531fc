// What the app command (deploy/app.js) and `npm run compile` (commands/compile.js) share to build only what
// changed: fingerprints and digests of the project files a build read, and bundling with esbuild into files that
// are replaced whole. Plain JavaScript, so nothing needs compiling before it runs.
"use strict";
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");

const root = join(__dirname, "..");
/** npm's record of the installed packages: any install changes it. */
const PACKAGES = "node_modules/.package-lock.json";
const BUILD = { absWorkingDir: root, bundle: true, platform: "node", format: "cjs", target: "node20", logLevel: "warning" };

/** SHA-256 of a project file's content, or null when it is gone. */
function digest(file) {
  try {
    return createHash("sha256").update(readFileSync(join(root, file))).digest("hex");
  } catch {
    return null;
  }
}

/** What a project file's inode, size and modification time are now, or null when it is gone. */
function fingerprint(file) {
  try {
    const { ino, size, mtimeMs } = statSync(join(root, file));
    return `${ino}:${size}:${mtimeMs}`;
  } catch {
    return null;
  }
}

/**
 * What a build records of the project files it read and of the installed packages: each one's digest, and its
 * fingerprint to check it quickly.
 */
function record(files) {
  return {
    inputs: Object.fromEntries(files.map((f) => [f, digest(f)])),
    packages: digest(PACKAGES),
    fingerprints: Object.fromEntries([...files, PACKAGES].map((f) => [f, fingerprint(f)])),
  };
}

/**
 * What a build records (see record()) from esbuild's metafiles: the project files it bundled, and what shapes the
 * bundles without being bundled: `script`, which built them, this file, and the TypeScript and package settings
 * esbuild reads. Installed packages are covered by `packages`.
 */
function recordBuild(metafiles, script) {
  const bundled = metafiles.flatMap((m) => Object.keys(m.inputs)).filter((f) => !f.startsWith("node_modules/"));
  return record([...new Set([...bundled, script, "deploy/build-state.js", "tsconfig.json", "package.json"])].sort());
}

/**
 * Whether a file still has the content `hash` names: by its fingerprint when that is unchanged since the build
 * (as make and git's index do; reading and hashing every source each run cost 9 ms), else by its content.
 */
function unchanged(meta, file, hash) {
  return (meta.fingerprints?.[file] !== undefined && meta.fingerprints[file] === fingerprint(file)) || digest(file) === hash;
}

/** Whether the packages and every file a build recorded are as they were then. */
function unchangedSince(meta) {
  return unchanged(meta, PACKAGES, meta.packages) && Object.entries(meta.inputs ?? {}).every(([file, hash]) => unchanged(meta, file, hash));
}

/**
 * The source of a module that exports each of the packages `ids` by its name: what a bundle of them is built from.
 * Each package loads when it is first asked for (esbuild wraps every bundled module in a function it runs on the
 * first require), so a program or a test file pays only for the packages it uses.
 */
function packagesModule(ids) {
  const getters = ids.map((id) => `  get ${JSON.stringify(id)}() {\n    return require(${JSON.stringify(id)});\n  },`);
  return `module.exports = {\n${getters.join("\n")}\n};\n`;
}

/**
 * Requires that packages run at load for what the app never does, deferred to their first call. cdktf's
 * private/fs.js loads archiver, and with it some 90 modules of streams, globs and zip code (15 – 25 ms of every
 * start), only to zip a TerraformAsset directory, which neither stack has. (From a bundle, cdktf could not zip one
 * anyway: it does so in a child `node <its own file>`, and its own file is then the bundle, which zips nothing.) Each
 * `statement` is esbuild's text for the require (whitespace aside); a package that no longer has it is bundled as
 * it is, which the tests that list the modules a start loads would notice.
 */
const DEFERRED_REQUIRES = [
  { statement: /\bvar archiver\s*=\s*require_archiver\(\);/g, deferred: "var archiver = (...args) => require_archiver()(...args);" },
];

/**
 * Bundles the module `entry` (packagesModule()) into `outfile`, with DEFERRED_REQUIRES deferred. `minify`: without
 * whitespace and comments, for a bundle read at every start: 3.4 MB instead of 5 MB, read and loaded from its code
 * cache in about a quarter less time. Its lines stay short (Node quotes the line an uncaught error came from), and
 * what a package throws keeps its message and its functions' names; there is no source map, as for every bundle.
 */
function bundlePackages(entry, outfile, { minify = false } = {}) {
  const options = { stdin: { contents: entry, resolveDir: root, sourcefile: "packages-entry.js" }, outfile };
  return bundle(minify ? { ...options, minifyWhitespace: true, lineLimit: 160 } : options, (path, contents) =>
    writeAtomically(path, deferRequires(contents)),
  );
}

/** esbuild's output `contents` (bytes) as text, with the DEFERRED_REQUIRES deferred. */
function deferRequires(contents) {
  return DEFERRED_REQUIRES.reduce((text, { statement, deferred }) => text.replace(statement, () => deferred), Buffer.from(contents).toString("utf8"));
}

/** Writes through a temporary file and a rename, so a concurrent run never reads half a file. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

/** Bundles with esbuild in memory, then writes each output (by default atomically, where esbuild names it); returns the metafile. */
function bundle(options, write = writeAtomically) {
  const result = require("esbuild").buildSync({ ...BUILD, ...options, write: false, metafile: true });
  for (const output of result.outputFiles) write(output.path, output.contents);
  return result.metafile;
}

/** A JSON file's value, or undefined when it is missing or not JSON. */
function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

module.exports = { root, PACKAGES, digest, recordBuild, unchangedSince, packagesModule, bundlePackages, deferRequires, writeAtomically, bundle, readJson };
