#!/usr/bin/env node
// `npm run synth [-- --output DIR] [--hcl]`: what `cdktf synth` does, without the cdktf CLI. The CLI spends seconds
// starting itself and Terraform before it runs the app command; this runs the same app command (deploy/app.js) in
// this process, with the environment the CLI gives it, then does what the CLI does after: formats HCL, removes stack
// directories the app no longer synthesizes, and names the stacks. The files written are byte for byte those of
// `npx cdktf synth` (a test holds them to it); errors print once, and no spinner is drawn. Plain JavaScript, so
// nothing is compiled before it runs.
"use strict";
const { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { basename, join, resolve } = require("node:path");
const { parseArgs } = require("node:util");

const root = join(__dirname, "..");
const NAME = "npm run synth";
const USAGE = `usage: ${NAME} [-- [--output=DIR] [--hcl]]

Synthesizes both stacks into cdktf.out/stacks/<stack>/ as \`cdktf synth\` does, with the settings in INFRA_CONFIG
(a JSON file; a relative path is read from where you typed the command) or the built-in defaults.
  --output=DIR, -o DIR   write to DIR (relative to where you typed the command) instead of cdktf.out
                         (or CDKTF_OUTDIR); deploy from a directory three levels above the stacks' own
  --hcl                  write HCL (cdk.tf) instead of JSON, as \`cdktf synth --hcl\` does
  --help, -h             show this
Each run leaves one format in each stack directory. Exit 0 when written, 1 on bad settings or environment
(nothing is written), 2 on a bad command line.`;

/** The command line, or the exit code when it says to stop. */
function commandLine(args) {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { output: { type: "string", short: "o" }, hcl: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
    if (values.help) return { exit: 0, out: `${USAGE}\n` };
    if (positionals.length > 0) return usageError(`takes no stacks: it synthesizes all of them (got ${JSON.stringify(positionals[0])})`);
    if (values.output === "") return usageError("--output needs a directory, got an empty value");
    return { values };
  } catch (error) {
    // node:util's words, said as the other commands say them (commands/cli.ts).
    const first = error.message.split("\n")[0];
    const option = /--[A-Za-z0-9-]+|-[A-Za-z]/.exec(/'([^']+)'/.exec(first)?.[1] ?? "")?.[0];
    if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) return usageError(`unknown option ${option}`);
    if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
      return usageError(/argument missing/.test(first) ? `${option} needs a value` : `${option} takes no value`);
    }
    return usageError(first.replace(/\.$/, ""));
  }
}

function usageError(message) {
  return { exit: 2, err: `${NAME}: ${message} (${NAME} -- --help shows the usage)\n` };
}

/**
 * The environment `cdktf synth` runs the app command in: Terraform's input variables removed, the output
 * directory, HCL or not, and the context (cdktf.json's, else CDKTF_CONTEXT_JSON's) with the local modules the CLI
 * copies, of which this project has none. A CDKTF_CONTEXT_JSON that is not a JSON object is passed on as it is, for
 * the app to name it.
 */
function appEnvironment(env, config, outdir, hcl) {
  const out = Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("TF_VAR_")));
  const context = config.context ?? (env.CDKTF_CONTEXT_JSON ? parseContext(env.CDKTF_CONTEXT_JSON) : {});
  return {
    ...out,
    CDKTF_OUTDIR: outdir,
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
    CDKTF_CONTEXT_JSON: context === undefined ? env.CDKTF_CONTEXT_JSON : JSON.stringify({ ...context, cdktfRelativeModules: [] }),
    SYNTH_HCL_OUTPUT: String(hcl),
  };
}

/** The context in CDKTF_CONTEXT_JSON, or undefined when it is not a JSON object (the app then names the problem). */
function parseContext(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function stackDirectories(outdir) {
  const stacks = join(outdir, "stacks");
  if (!existsSync(stacks)) return [];
  return readdirSync(stacks)
    .map((name) => join(stacks, name))
    .filter((path) => statSync(path).isDirectory());
}

async function synth(args) {
  const line = commandLine(args);
  if (line.exit !== undefined) return line;
  const config = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8"));
  if ((config.terraformModules ?? []).length > 0 || (config.terraformProviders ?? []).length > 0) {
    return { exit: 1, err: `${NAME}: cdktf.json lists modules or providers to generate; run \`npx cdktf synth\`, which handles them\n` };
  }
  const invoked = process.env.INIT_CWD || process.cwd();
  // As in the CLI, the output directory is relative to the project unless given on the command line.
  process.chdir(root);
  const outdir = line.values.output ? resolve(invoked, line.values.output) : process.env.CDKTF_OUTDIR || config.output || "cdktf.out";
  const hcl = Boolean(line.values.hcl);
  const before = stackDirectories(outdir);

  // The app reads process.env and writes its own errors; it runs here as it would in the CLI's child process.
  process.env = appEnvironment(process.env, config, outdir, hcl);
  require("../deploy/app.js");
  if (process.exitCode) return { exit: process.exitCode };

  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  const stacks = Object.values(manifest.stacks);
  if (hcl) {
    const { format } = require("@cdktf/hcl-tools");
    for (const stack of stacks) {
      const file = join(outdir, stack.synthesizedStackPath);
      writeFileSync(file, await format(readFileSync(file, "utf8")));
    }
  }
  const names = stacks.map((s) => s.name);
  for (const dir of before) if (!names.includes(basename(dir))) rmSync(dir, { recursive: true });
  return { exit: 0, out: `Generated Terraform code for the stacks: ${names.join(", ")}\n`, err: annotations(stacks) };
}

/** The stacks' warnings (and notes), as the CLI prints them after synthesis: the app only records them in the manifest. */
function annotations(stacks) {
  const LEVELS = { "@cdktf/info": "INFO", "@cdktf/warn": "WARN", "@cdktf/error": "ERROR" };
  return stacks
    .flatMap((stack) => stack.annotations ?? [])
    .map((a) => `${LEVELS[a.level] ?? a.level} [${a.constructPath}]: ${a.message}\n`)
    .join("");
}

synth(process.argv.slice(2)).then(({ exit, out, err }) => {
  // Exit once both streams have taken their last write: a natural exit would first tear down the app's heap,
  // which is all garbage by now (15 ms).
  process.stdout.write(out ?? "", () => process.stderr.write(err ?? "", () => process.exit(exit)));
});
