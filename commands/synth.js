#!/usr/bin/env node
// `npm run synth [-- --output DIR] [--hcl]`: what `cdktf synth` does, without the cdktf CLI. The CLI spends seconds
// starting itself and Terraform before it runs the app command; this runs the same app command (deploy/app.js) in
// this process, with the environment the CLI gives it, then does what the CLI does after: formats HCL, removes stack
// directories the app no longer synthesizes, and names the stacks. The files written are byte for byte those of
// `npx cdktf synth` (a test holds them to it); errors print once, and no spinner is drawn. Plain JavaScript, so
// nothing is compiled before it runs.
"use strict";
const { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } = require("node:fs");
const { basename, join, resolve } = require("node:path");
const { parseArgs } = require("node:util");

const root = join(__dirname, "..");
const NAME = "npm run synth";
const USAGE = `usage: ${NAME} [-- [--output=DIR] [--hcl]]

Synthesizes both stacks into cdktf.out/stacks/<stack>/ as \`cdktf synth\` does, with the settings in INFRA_CONFIG
(a JSON file; a relative path is read from where you typed the command) or the built-in defaults.
  --output=DIR, -o DIR   write to DIR (relative to where you typed the command) instead of cdktf.out
                         (or CDKTF_OUTDIR): empty, new, or one a synthesis wrote; outside the project,
                         its stacks read certificates, state and the readiness gate's script (which
                         npm run deploy needs there) from the directory that holds DIR
  --hcl                  write HCL (cdk.tf) instead of JSON, as \`cdktf synth --hcl\` does; as for cdktf, so does
                         SYNTH_HCL_OUTPUT=true (or 1)
  --help, -h             show this
Each run leaves one format in each stack directory. Exit 0 when written, 1 on bad settings or environment
(nothing is written), 2 on a bad command line.`;

/** The command line, or the exit code when it says to stop. */
function commandLine(args, env) {
  const options = { output: { type: "string", short: "o", multiple: true }, hcl: { type: "boolean" }, help: { type: "boolean", short: "h" } };
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true });
  } catch (error) {
    return usageError(parseArgsMessage(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { exit: 0, out: `${USAGE}\n` };
  if (values.output && values.output.length > 1) return usageError("--output is given more than once; give it once");
  values.output = values.output?.[0];
  // getopt reads `-o=DIR` as the value "=DIR": a directory named with an equals sign is never what was meant.
  if (values.output?.startsWith("=")) return usageError(`--output ${shown(values.output)} starts with "=": write -o DIR or --output=DIR`);
  // `npm run synth --output=DIR`, without `--`, reaches us only as npm's own configuration (commands/cli.ts reads
  // every command's options so). (npm answers `npm run synth --hcl` with its own usage.)
  const notes = [];
  const took = env.npm_lifecycle_event === undefined ? undefined : env.npm_config_output;
  // Which of two values was meant can only be guessed (commands/cli.ts refuses the same).
  if (values.output !== undefined && took && took !== "true" && took !== "false") {
    return usageError(`--output is given twice, to npm (--output=${shown(took)}, before \`--\`) and after \`--\` (--output=${shown(values.output)}); give it once, after \`--\``);
  }
  if (values.output === undefined && took === "true") {
    return usageError("npm took --output as its own option and passed its value on as an argument; put options after `--`, as in `npm run synth -- --output=DIR`");
  }
  if (values.output === undefined && took && took.includes("\n\n")) {
    // npm joins the values of an option given more than once with a blank line.
    return usageError("npm took --output as its own option, given more than once; put options after `--`, as in `npm run synth -- --output=DIR`, once");
  }
  // `npm run synth --output=` reaches us as an empty value: refused below as the same typed after `--`.
  if (values.output === undefined && took !== undefined && took !== "false") {
    values.output = took;
    notes.push(`(npm took --output as its own option; read as \`${NAME} -- --output=${shown(took)}\`)\n`);
  }
  if (positionals.length > 0) return usageError(`takes no stacks: it synthesizes all of them (got ${shown(positionals[0])})`);
  if (values.output === "") return usageError("--output needs a directory, got an empty value");
  return { values, notes };
}

/** node:util's messages in one line and in our words, naming the option as the user typed it (commands/cli.ts says them so). */
function parseArgsMessage(error) {
  const first = error.message.split("\n")[0];
  const typed = /^Unknown option '(.*)'\. To specify/.exec(first)?.[1];
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && typed) return `unknown option ${shown(typed)}`;
  const quoted = /'([^']+)'/.exec(first)?.[1] ?? "";
  const option = /--\S+/.exec(quoted)?.[0];
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
    return /does not take an argument/.test(first) ? `${option} takes no value` : `${option} needs a value`;
  }
  return shown(first.replace(/\.$/, ""));
}

/** Text as a message may show it: control, zero-width and bidirectional characters escaped (settings/errors.ts). */
function shown(text) {
  return text.replace(/[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060\u2066-\u2069\u061C\uFEFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
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
/** The values of SYNTH_HCL_OUTPUT that say what they mean to the cdktf CLI (unset is ""), as settings/environment.ts has them. */
const HCL_VALUES = ["", "true", "1", "false", "0"];

function appEnvironment(env, config, outdir, hcl) {
  const out = Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith("TF_VAR_")));
  const context = config.context ?? (env.CDKTF_CONTEXT_JSON ? parseContext(env.CDKTF_CONTEXT_JSON) : {});
  return {
    ...out,
    CDKTF_OUTDIR: outdir,
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
    CDKTF_CONTEXT_JSON: context === undefined ? env.CDKTF_CONTEXT_JSON : JSON.stringify({ ...context, cdktfRelativeModules: [] }),
    // A value the CLI would read as JSON without a word (`yes`) is passed on as it is, for the app to name it.
    SYNTH_HCL_OUTPUT: HCL_VALUES.includes(env.SYNTH_HCL_OUTPUT ?? "") ? String(hcl) : env.SYNTH_HCL_OUTPUT,
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

/**
 * The stack directories a synthesis wrote into `outdir` (each holds a configuration), which the next one removes when
 * it no longer makes that stack, as the cdktf CLI does. Anything else there (the CLI would remove every directory)
 * is not ours to remove.
 */
function stackDirectories(outdir) {
  const stacks = join(outdir, "stacks");
  let entries;
  try {
    entries = readdirSync(stacks, { withFileTypes: true });
  } catch {
    return []; // none yet; anything else wrong with it the app names
  }
  return entries
    .filter((e) => e.isDirectory() && ["cdk.tf.json", "cdk.tf"].some((f) => existsSync(join(stacks, e.name, f))))
    .map((e) => join(stacks, e.name));
}

async function synth(args) {
  const line = commandLine(args, process.env);
  if (line.exit !== undefined) return line;
  const config = JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8"));
  if ((config.terraformModules ?? []).length > 0 || (config.terraformProviders ?? []).length > 0) {
    return { exit: 1, err: `${NAME}: cdktf.json lists modules or providers to generate; run \`npx cdktf synth\`, which handles them\n` };
  }
  const invoked = process.env.INIT_CWD || process.cwd();
  process.chdir(root);
  // Paths the user gives (--output, CDKTF_OUTDIR) are relative to where they typed the command; cdktf.json's to the project.
  const given = line.values.output ?? process.env.CDKTF_OUTDIR;
  const outdir = given ? resolve(invoked, given) : config.output || "cdktf.out";
  // As the cdktf CLI reads it (@cdktf/cli-core's CdktfProject): `SYNTH_HCL_OUTPUT=true npx cdktf synth` writes HCL.
  const fromEnv = process.env.SYNTH_HCL_OUTPUT;
  const hcl = Boolean(line.values.hcl) || fromEnv === "true" || fromEnv === "1";
  const before = stackDirectories(outdir);

  // The app reads process.env and writes its own errors; it runs here as it would in the CLI's child process. It
  // checks the output directory, as --output when that is where it came from; a value with spaces or control
  // characters around it is passed as it is, for the app to name.
  const env = appEnvironment(process.env, config, given && given.trim() !== given ? given : outdir, hcl);
  // The app reads a relative INFRA_CONFIG from where the command was typed (INIT_CWD), which npm sets; run without
  // npm, that is here, before the change to the project.
  env.INIT_CWD = invoked;
  // How a problem with the directory is named: the option, the variable (the app's default), or the default.
  if (line.values.output !== undefined) env.SOA_OUTDIR_OPTION = "--output";
  else if (!process.env.CDKTF_OUTDIR) env.SOA_OUTDIR_OPTION = "the output directory";
  process.env = env;
  require("../deploy/app.js");
  if (process.exitCode) return { exit: process.exitCode, err: line.notes.join("") };

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
  return { exit: 0, out: `Generated Terraform code for the stacks: ${names.join(", ")}\n`, err: line.notes.join("") + annotations(stacks) };
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
