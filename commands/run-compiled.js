#!/usr/bin/env node
// How package.json runs the commands built into dist/ (`certs`, `graph`, `review`, `validate`, `diff`, `deploy`, the
// maintainer tools): `node commands/run-compiled.js dist/commands/certs.js [arguments]` compiles what changed since
// the last compile (commands/compile.js, the same work as `npm run compile`), then runs the program in this process
// with the arguments, as `node dist/commands/certs.js [arguments]` would. The scripts ran
// `npm run --silent compile && node <program>` before: a second npm start, about 0.3 s of every command here.
// Plain JavaScript, so nothing needs compiling before it runs.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { compileFor } = require("./compile");

const root = join(__dirname, "..");
const USAGE = `usage: node commands/run-compiled.js dist/<commands|maintainer|deploy>/<name>.js [arguments]

Compiles what changed (as npm run compile does), then runs the program with the arguments, as node would. This is
how package.json's scripts run the commands built into dist/; \`npm run <command> -- --help\` shows each command's
own usage.`;
/** What `npm run compile` writes a program as (commands/compile.js): one file of a program folder. */
const PROGRAM = /^dist\/(commands|maintainer|deploy)\/[a-z0-9][a-z0-9-]*\.js$/;

/** The exit code when the launcher's own command line stops it; the program's path otherwise. */
function programOf(args) {
  const [program] = args;
  if (program === "--help" || program === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const problem =
    program === undefined
      ? "expected the program to run, such as dist/commands/certs.js"
      : PROGRAM.test(program)
        ? undefined
        : `expected a program that npm run compile builds, dist/<commands|maintainer|deploy>/<name>.js, got ${JSON.stringify(program)}`;
  if (problem) {
    process.stderr.write(`commands/run-compiled.js: ${problem} (--help shows the usage)\n`);
    return 2;
  }
  return program;
}

function main() {
  const args = process.argv.slice(2);
  const program = programOf(args);
  if (typeof program === "number") return program;
  // npm runs a script in a shell and passes a SIGTERM on to that shell alone (`timeout`, `docker stop`, a stop
  // button): the shell ends, and this process, its child, is left running. When the compile and the program were two
  // commands of the script, the program then never started; here it would start once the compile is done. So a
  // process whose parent has gone by then runs nothing.
  const parent = process.ppid;
  // The command as the user typed it names a failed build (`npm run certs: esbuild could not build dist/ …`): the
  // script npm runs, when it is this one, not one that runs this launcher among other things.
  const { npm_lifecycle_event: event, npm_lifecycle_script: script = "" } = process.env;
  const ours = `node commands/run-compiled.js ${program}`;
  const command = event && (script === ours || (script.startsWith(`${ours} `) && !/[;&|<>`$()]/.test(script))) ? `npm run ${event}` : program;
  const built = compileFor(command);
  if (built !== 0) return built;
  if (process.ppid !== parent) {
    process.stderr.write(`${command}: stopped while dist/ was compiled (the process that started it has ended), so nothing ran\n`);
    return 143;
  }
  const file = join(root, program);
  if (!existsSync(file)) {
    process.stderr.write(`commands/run-compiled.js: ${program} is not a program of this project: npm run compile builds none of that name\n`);
    return 2;
  }
  // The same while the program runs: a SIGTERM npm passed to the shell alone would leave it running without anyone
  // waiting for it (a validate's Terraform, a deploy). Once the shell has gone, the program gets the SIGTERM itself,
  // and ends as it ends on one (each command removes its scratch directories and stops what it started).
  const orphaned = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphaned);
    process.kill(process.pid, "SIGTERM");
  }, 500);
  orphaned.unref();
  // As `node <file> <arguments>` starts it: the programs know which one they are from process.argv[1]
  // (settings/paths.ts, startedAs) and read their arguments after it.
  process.argv = [process.argv[0], file, ...args.slice(1)];
  require(file);
  return undefined;
}

const code = main();
if (code !== undefined) process.exitCode = code;
