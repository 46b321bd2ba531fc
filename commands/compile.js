#!/usr/bin/env node
// `npm run compile`, which every command but synth does first (commands/run-compiled.js, in its own process):
// bundles main.ts and each program in commands/, deploy/ and maintainer/ into dist/, as esbuild would, but only
// when a file they are built from changed since the last compile (dist/compile-meta.json records each one's
// SHA-256, and its inode, size and modification time to check it quickly). Compiling everything took 2.3 s before
// every command; an unchanged tree now takes a few milliseconds. No source maps: nothing loads them (no program
// runs with --enable-source-maps), and writing them took half of a full compile; esbuild's output is plain
// JavaScript, each part under a comment naming its source.
// The programs of commands/ and maintainer/ start through V8's code cache: dist/<dir>/<name>.js is a few lines that
// run <name>.bundle.js with the project's deploy/load-bundle.js, which keeps the cache beside it (measured here:
// 60 – 160 ms less per start).
// Plain JavaScript, so nothing needs compiling before it runs.
"use strict";
const { existsSync, readdirSync } = require("node:fs");
const { basename, dirname, join, relative, sep } = require("node:path");
const { bundle, deferRequires, readJson, recordBuild, root, unchangedSince, writeAtomically } = require("../deploy/build-state");

const META = join(root, "dist", "compile-meta.json");
const PROGRAMS = ["commands", "deploy", "maintainer"];
// Programs that start through V8's code cache: dist/<dir>/<name>.js runs <name>.bundle.js (deploy/load-bundle.js).
// Not deploy/: the app command builds the readiness gate there too, as one plain file the stacks name.
const CACHED = ["commands", "maintainer"];

/** What is compiled: main.ts and every TypeScript file of the program folders, in a stable order. */
function entryPoints() {
  const programs = PROGRAMS.flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `${dir}/${f}`),
  );
  return ["main.ts", ...programs.sort()];
}

/** The dist/ files written for an entry point (outbase: the project): the program, and the bundle it runs. */
function outputsOf(entry) {
  const program = join(root, "dist", entry.replace(/\.ts$/, ".js"));
  return cached(program) ? [program, bundleOf(program)] : [program];
}
const cached = (output) => CACHED.includes(relative(join(root, "dist"), output).split(sep)[0]);
const bundleOf = (program) => program.replace(/\.js$/, ".bundle.js");

/** Writes one of esbuild's outputs: a program in CACHED as its bundle and the few lines that run it. */
function write(output, contents) {
  if (!cached(output)) return writeAtomically(output, contents);
  // The packages in it load as in the app's bundle: cdktf's zip code only if something zips.
  writeAtomically(bundleOf(output), deferRequires(contents));
  // The loader is the project's, found from where the program is: dist/ runs inside the project it was built in.
  const loader = relative(dirname(output), join(root, "deploy", "load-bundle.js")).split(sep).join("/");
  const lines = [
    "#!/usr/bin/env node",
    `// Written by \`npm run compile\`: runs ${basename(bundleOf(output))} through V8's code cache (deploy/load-bundle.js).`,
    '"use strict";',
    `require(${JSON.stringify(loader)}).run(require("node:path").join(__dirname, ${JSON.stringify(basename(bundleOf(output)))}));`,
    "",
  ];
  writeAtomically(output, lines.join("\n"));
}

function upToDate(meta, entries) {
  if (!meta || JSON.stringify(meta.entries) !== JSON.stringify(entries)) return false;
  if (!entries.flatMap(outputsOf).every((output) => existsSync(output))) return false;
  return unchangedSince(meta);
}

function compile() {
  const entries = entryPoints();
  if (upToDate(readJson(META), entries)) return;
  const built = bundle({ entryPoints: entries, outdir: join(root, "dist"), outbase: "." }, write);
  writeAtomically(META, `${JSON.stringify({ entries, ...recordBuild([built], "commands/compile.js") }, null, 2)}\n`);
}

const USAGE = `usage: npm run compile [-- --help]

Bundles main.ts and the programs of commands/, deploy/ and maintainer/ into dist/, when a file they are built from
changed since the last compile; with nothing changed it writes nothing. Every command but synth does it first.
  --help, -h   show this
Exit 0 when dist/ is up to date, 1 when esbuild cannot build a source (its errors above), 2 on a bad command line.`;

/** The exit code, after the command line's answer or the compile. */
function commandLine(given) {
  // `--` only ends the options, of which there is one.
  const args = given.filter((a) => a !== "--");
  if (args.length > 0 && args.every((a) => a === "--help" || a === "-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const bad = args.find((a) => a !== "--help" && a !== "-h");
  if (bad !== undefined) {
    const name = bad.split("=")[0];
    const problem = /^(--help|-h)=/.test(bad)
      ? `${name} takes no value`
      : bad.startsWith("-")
        ? `unknown option ${JSON.stringify(name).slice(1, -1)}`
        : `takes no arguments (got ${JSON.stringify(bad)})`;
    process.stderr.write(`npm run compile: ${problem} (npm run compile -- --help shows the usage)\n`);
    return 2;
  }
  return compileFor("npm run compile");
}

/**
 * Compiles what changed, for `npm run compile` or for a command about to run from dist/ (commands/run-compiled.js,
 * in the same process): 0 when dist/ is up to date, 1 when esbuild could not build a source. esbuild has printed
 * each error with its file and line; its exception would only repeat them with a trace, so one line names the
 * command.
 */
function compileFor(command) {
  try {
    compile();
    return 0;
  } catch (error) {
    if (!Array.isArray(error.errors)) throw error;
    process.stderr.write(`${command}: esbuild could not build dist/ (${error.errors.length} error${error.errors.length === 1 ? "" : "s"} above)\n`);
    return 1;
  }
}

module.exports = { compileFor };

if (require.main === module) process.exitCode = commandLine(process.argv.slice(2));
