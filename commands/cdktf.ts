// `npm run diff|deploy|destroy|output -- [stacks…] [options]`: the cdktf CLI as users run it every day, with
// HashiCorp's telemetry off (offline, the checkpoint call also costs an ENOTFOUND line and seconds), and, when you
// have no Terraform CLI configuration of your own, the provider mirror found on this machine, as
// `npm run validate` uses it, so `terraform init` installs the providers it holds without a registry (and
// `terraform providers lock`, which only a registry answers, is skipped). Before cdktf starts, what would fail
// later is refused in one line: stacks and options cdktf does not take, bad settings or environment, output
// directories it cannot use or holding both JSON and HCL, certificates deploy cannot use, and stack directories
// Terraform set up for another state than the settings name.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { promises as dns } from "node:dns";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import { join, posix, resolve } from "node:path";
import { CERT_FILES, type CertFile, LEAVES, RENEW_DAYS, certificateProblem, dockerHostCertificateNames, fixOf, missingFiles } from "../constructs/docker-tls";
import { CONTEXT_ENV, HCL_ENV, OUTDIR_ENV, environmentProblems, outdirCertsProblem, outdirProblem, sharedDirectoryProblem } from "../settings/environment";
import { SettingsError } from "../settings/errors";
import { loadSettings } from "../settings/load";
import { READINESS_GATE, invocationDir, kindOf, projectDirFromStacks, projectRoot, stacksProjectDir, startedAs, userPath } from "../settings/paths";
import { stateBackend } from "../settings/state-backend";
import { type CommandSpec, UsageError, UserError, checkPathOption, commandExitCode, integerOption } from "./cli";
import { type Backend, describeState, recordedBackend, sameState, shown, synthesizedBackend } from "../settings/initialized-backends";
import { foreignStackDirectories, mixedFormatMessage, mixedFormatStacks } from "./output-dir";
import { fileTargetProblem } from "./output-file";
import { cliConfigFile } from "./provider-mirror";
import { handshakeRefusals, tlsSetOf } from "./tls-handshake";

export const COMMANDS = ["diff", "deploy", "destroy", "output"] as const;
type Command = (typeof COMMANDS)[number];
/** The app's stacks, in its order, each with the stacks whose outputs it reads (cdktf's manifest says the same). */
export const STACK_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = { aws: [], docker: ["aws"] };
const STACKS = Object.keys(STACK_DEPENDENCIES);
/** The certificate files each stack's configuration reads: the host's in aws (its boot configuration), the client's in docker (its provider). */
const STACK_CERT_FILES: Readonly<Record<string, readonly CertFile[]>> = { aws: ["ca", "serverCert", "serverKey"], docker: ["ca", "clientCert", "clientKey"] };

/** Whether the user has a Terraform CLI configuration of their own, which we must not override. */
export function hasOwnCliConfig(env: NodeJS.ProcessEnv): boolean {
  if (env.TF_CLI_CONFIG_FILE) return existsSync(env.TF_CLI_CONFIG_FILE);
  return existsSync(join(env.HOME ?? homedir(), ".terraformrc"));
}

/** Whether Terraform's registry can be reached (its name resolves within two seconds). */
export async function registryReachable(lookup = (host: string) => dns.lookup(host)): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2000)));
  try {
    return await Promise.race([lookup("registry.terraform.io").then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The environment cdktf runs in, and a line saying where providers come from when that is ours to say. A mirror
 * is used when TF_PROVIDER_MIRROR names one, or when the registry cannot be reached: a mirror found on the
 * machine may lack the version the lock file wants, and with the registry up it is not needed.
 */
export async function cdktfEnvironment(
  env: NodeJS.ProcessEnv,
  scratch: string,
  online: () => Promise<boolean> = registryReachable,
): Promise<{ env: NodeJS.ProcessEnv; note?: string }> {
  const out: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: env.CHECKPOINT_DISABLE ?? "1" };
  if (hasOwnCliConfig(env)) return { env: out };
  if (!env.TF_PROVIDER_MIRROR && (await online())) return { env: out };
  const mirror = cliConfigFile(scratch, env);
  if (!mirror) return { env: out };
  out.TF_CLI_CONFIG_FILE = mirror.file;
  return { env: out, note: `providers: ${mirror.description}` };
}

type OptionType = "string" | "boolean";
/** cdktf 0.21's options for each command (`npx cdktf <command> --help`), as it spells them. */
const COMMON: Record<string, { type: OptionType; short?: string; multiple?: boolean; what?: string }> = {
  app: { type: "string", short: "a" },
  output: { type: "string", short: "o", what: "path" },
  "skip-synth": { type: "boolean" },
  "skip-provider-lock": { type: "boolean" },
  "no-color": { type: "boolean" },
  "log-level": { type: "string" },
  "log-file-directory": { type: "string", what: "path" },
  "disable-plugin-cache-env": { type: "boolean" },
  "experimental-provider-schema-cache-path": { type: "string", what: "path" },
};
const PLAN = {
  "terraform-parallelism": { type: "string", what: "count" },
  var: { type: "string", multiple: true },
  "var-file": { type: "string", multiple: true, what: "path" },
  "migrate-state": { type: "boolean" },
} as const;
const REFRESH = { "refresh-only": { type: "boolean" } } as const;
const APPLY = {
  "auto-approve": { type: "boolean" },
  "ignore-missing-stack-dependencies": { type: "boolean" },
  parallelism: { type: "string", what: "count" },
} as const;
const OUTPUTS = {
  "outputs-file": { type: "string", what: "path" },
  "outputs-file-include-sensitive-outputs": { type: "boolean" },
} as const;
const OPTIONS: Record<Command, Record<string, { type: OptionType; short?: string; multiple?: boolean; what?: string }>> = {
  diff: { ...COMMON, ...PLAN, ...REFRESH },
  deploy: { ...COMMON, ...PLAN, ...REFRESH, ...APPLY, ...OUTPUTS },
  destroy: { ...COMMON, ...PLAN, ...APPLY },
  output: { ...COMMON, ...OUTPUTS },
};

const WHAT: Record<Command, string> = {
  diff: "plans the stacks and shows what would change",
  deploy: "synthesizes, plans and applies the stacks (aws first: docker reads its outputs)",
  destroy: "destroys the stacks (docker first)",
  output: "prints the outputs of deployed stacks",
};

function usage(command: Command): string {
  const flags = Object.entries(OPTIONS[command])
    .map(([name, o]) => `--${name}${o.type === "string" ? "=VALUE" : ""}`)
    .join(" ");
  const stacks =
    command === "diff"
      ? `usage: npm run diff -- ${STACKS.join("|")} [cdktf options]\n\nOne stack, by name: cdktf diff plans one at a time.`
      : `usage: npm run ${command} -- STACK… [cdktf options]\n\nSTACK: ${STACKS.join(", ")}, or a pattern cdktf matches against their names ('*' for both; quote it for the\nshell). A stack named twice runs once.${command === "output" ? "" : ` ${command === "deploy" ? "docker without aws" : "aws without docker"} takes --ignore-missing-stack-dependencies.`}`;
  return `${stacks}

\`cdktf ${command}\` ${WHAT[command]}, with telemetry off and, when you have no Terraform CLI configuration
of your own and the registry cannot be reached, the provider mirror on this machine. Settings come from
INFRA_CONFIG (relative to where you typed the command) or the defaults; paths in options too.
${command === "diff" || command === "deploy" ? "Stops before Terraform when the Docker API's certificates are missing, mismatched, expired or do not\ncover the settings, naming the command that fixes them.\n" : ""}Stops before cdktf when Terraform set a stack's directory up for another state than the settings name (another
environment's): give each environment its own --output (docs/backups-and-environments.md, Environments).
${command === "output" ? "Exits 1 when a stack has no outputs (not deployed yet, or its state is elsewhere).\n" : ""}cdktf options it takes (\`npx cdktf ${command} --help\` describes them):
  ${flags}`;
}

function spec(command: Command): CommandSpec<Record<string, { type: OptionType; short?: string; multiple?: boolean }>> {
  const options = Object.fromEntries(
    Object.entries(OPTIONS[command]).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]),
  );
  return { name: `npm run ${command}`, usage: usage(command), options, positionals: { max: Infinity, name: "stack" } };
}

const VERB: Record<Command, string> = { diff: "plan", deploy: "deploy", destroy: "destroy", output: "print the outputs of" };

/**
 * The stacks cdktf is to act on, by name, each once: what the user named, as cdktf 0.21 reads it (diff: one stack by
 * name; the others: names or minimatch patterns, each matching at least one stack, with every stack a deployed one
 * reads, or every stack reading a destroyed one, unless --ignore-missing-stack-dependencies). cdktf would refuse
 * anything else only after a synth; a stack named twice it would run twice at once, in one directory.
 */
function selectStacks(command: Command, named: readonly string[], ignoreMissingDependencies: boolean): string[] {
  const choices = STACKS.join(" or ");
  if (command === "diff") {
    if (named.length === 0) throw new UsageError(`name the stack to plan: ${choices} (cdktf diff plans one stack at a time)`);
    const unknown = named.find((name) => !STACKS.includes(name));
    if (unknown !== undefined) {
      const hint = /[*?[\]{}!+@()]/.test(unknown) ? " (diff takes one stack by name, not a pattern)" : "";
      throw new UsageError(`unknown stack ${JSON.stringify(unknown)}; expected ${choices}${hint}`);
    }
    const unique = [...new Set(named)];
    if (unique.length > 1) throw new UsageError(`cdktf diff plans one stack at a time, got ${unique.join(", ")}: run it once for each`);
    return unique;
  }
  if (named.length === 0) throw new UsageError(`name the stacks to ${VERB[command]}: ${STACKS.join(", ")}, or '*' for both (cdktf takes no default when the app has two)`);
  const selected: string[] = [];
  for (const pattern of named) {
    const matches = STACKS.includes(pattern) ? undefined : cdktfMatcher();
    const matching = matches ? STACKS.filter((stack) => matches(stack, pattern)) : [pattern];
    if (matching.length === 0) {
      throw new UsageError(`unknown stack ${JSON.stringify(pattern)}; expected ${choices}, or a pattern matching them ('*' for both)`);
    }
    for (const stack of matching) if (!selected.includes(stack)) selected.push(stack);
  }
  if (!ignoreMissingDependencies && command !== "output") {
    for (const [stack, dependencies] of Object.entries(STACK_DEPENDENCIES)) {
      for (const dependency of dependencies) {
        // deploy needs what a selected stack reads; destroy, whatever reads a selected stack.
        const [needed, by] = command === "deploy" ? [dependency, stack] : [stack, dependency];
        if (!selected.includes(by) || selected.includes(needed)) continue;
        const both = STACKS.filter((s) => s === stack || s === dependency).join(" ");
        const ignore = command === "deploy" ? `when ${dependency} is deployed and unchanged` : `to leave ${stack} reading a destroyed stack`;
        throw new UsageError(
          `${stack} reads the outputs of ${dependency}: ${command} them together (npm run ${command} -- ${both}), or add --ignore-missing-stack-dependencies ${ignore}`,
        );
      }
    }
  }
  return selected;
}

/** cdktf's own matcher of stack patterns: the minimatch that cdktf-cli depends on, resolved from its package. */
function cdktfMatcher(): (name: string, pattern: string) => boolean {
  return createRequire(join(projectRoot, "node_modules", "cdktf-cli", "package.json"))("minimatch");
}

/** The options cdktf gets: each value checked, user paths made absolute from where the user typed the command. */
function cdktfOptions(command: Command, values: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (name === "help" || value === undefined) continue;
    const option = OPTIONS[command][name];
    for (const v of Array.isArray(value) ? value : [value]) {
      if (option.type === "boolean") {
        if (v) args.push(`--${name}`);
        continue;
      }
      const text = String(v);
      // An option given more than once arrives as a list, which the command line's check of empty values passes by.
      if (text === "") throw new UsageError(`--${name} needs a value, got an empty one`);
      if (option.what === "count") integerOption(name, text, name === "parallelism" ? -1 : 1, 1024);
      if (name === "log-level" && !/^(ALL|TRACE|DEBUG|INFO|WARN|ERROR|FATAL|OFF)$/i.test(text)) {
        throw new UsageError(`--log-level=${text}: expected one of ALL, TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF`);
      }
      // Terraform's -var is a variable's name, an equals sign and its value; anything else it refuses.
      if (name === "var" && !/^[A-Za-z_][A-Za-z0-9_-]*=/.test(text)) {
        throw new UsageError(`--var=${text}: expected NAME=VALUE, as Terraform's -var takes it`);
      }
      if (option.what === "path") checkPathOption(name, text, (option as { short?: string }).short);
      const path = option.what === "path" ? userPath(text, env) : undefined;
      // cdktf writes the outputs with no check of its own: over a tracked file, into a missing directory (a trace).
      const outputsProblem = name === "outputs-file" && path ? fileTargetProblem(path, outputsFileOf(command), false) : undefined;
      if (outputsProblem) throw new UsageError(`--outputs-file=${text}: ${outputsProblem}`);
      if (name === "var-file" && path) {
        const problem = !existsSync(path) ? "does not exist" : statSync(path).isFile() ? undefined : `is ${kindOf(statSync(path))}, not a regular file`;
        if (problem) throw new UsageError(`--var-file=${text}: ${path} ${problem}`);
      }
      args.push(`--${name}=${path ?? text}`);
    }
  }
  return args;
}

/** What `npm run <command> -- --outputs-file` may replace: outputs written before, a JSON object of stacks by name. */
const outputsFileOf = (command: Command) => ({
  command: `npm run ${command}`,
  holds: "the outputs of these stacks (a JSON object of aws and docker)",
  looksRight: (file: string) => {
    try {
      const outputs = JSON.parse(readFileSync(file, "utf8"));
      return typeof outputs === "object" && outputs !== null && !Array.isArray(outputs) && Object.keys(outputs).every((k) => STACKS.includes(k));
    } catch {
      return false;
    }
  },
});

/** What would make cdktf or Terraform fail later, as one line; undefined when nothing does. */
async function preflight(command: Command, outdir: string, stacks: readonly string[], given: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<void> {
  const skipSynth = Boolean(given["skip-synth"]);
  // --output overrides CDKTF_OUTDIR (the wrapper hands cdktf only the one): a bad variable it overrides is no problem.
  const environment = environmentProblems(env, given.output ? [CONTEXT_ENV, HCL_ENV] : [OUTDIR_ENV, CONTEXT_ENV, HCL_ENV], invocationDir(env));
  if (environment.length > 0) throw new UserError(`invalid environment:\n${new SettingsError(environment).message}`);
  const settings = loadSettings(env);
  // --output and CDKTF_OUTDIR were checked as the command line and the environment; what is left is cdktf.out.
  const outdirWrong = given.output || env.CDKTF_OUTDIR ? undefined : outdirProblem(outdir);
  if (outdirWrong) throw new UserError(`the output directory ${outdir} ${outdirWrong}`);
  // cdktf's synth removes every directory in stacks/ that is not a stack: refuse to let it remove what no synthesis wrote.
  const foreign = skipSynth ? [] : foreignStackDirectories(outdir, STACKS);
  if (foreign.length > 0) {
    throw new UserError(`${foreign.join(", ")} ${foreign.length === 1 ? "is" : "are"} in the output directory's stacks/ but no synthesis wrote ${foreign.length === 1 ? "it" : "them"}, and cdktf's synth would remove ${foreign.length === 1 ? "it" : "them"}: move ${foreign.length === 1 ? "it" : "them"}, or give another --output`);
  }
  const certs = outdirCertsProblem(outdir, settings.dockerHost.certsDir);
  if (certs) {
    if (given.output) throw new UsageError(`--output=${given.output}: ${certs}; give another`);
    throw new UserError(`the output directory ${outdir} ${certs}: give another --output`);
  }
  const mixed = mixedFormatStacks(outdir);
  // A synth rewrites the directory with one format; with --skip-synth Terraform reads it as it is.
  if (mixed.length > 0 && skipSynth) throw new UserError(mixedFormatMessage(mixed, given.output ? shown(outdir, invocationDir(env)) : undefined));
  // Where the stacks will read the certificates and keep the local state: the project, or, for an output directory
  // outside it, the directory that holds it, which must then be this user's alone.
  const base = stacksProjectDir(outdir);
  const outside = base !== projectRoot;
  const from = invocationDir(env);
  if (outside) {
    const shared = sharedDirectoryProblem(base);
    if (shared) {
      throw new UserError(
        `the stacks in ${shown(outdir, from)}, outside the project, read the certificates and keep the local state in ${base} (three levels above their own directories), which ${shared}: ` +
          "another user could plant a CA the Docker host would trust there; use an output directory inside the project (cdktf.out.<environment>), or in a directory of your own",
      );
    }
  }
  const certsDir = join(base, settings.dockerHost.certsDir);
  const label = outside ? shown(certsDir, from) : settings.dockerHost.certsDir;
  const where = outside ? ` (the stacks in ${shown(outdir, from)}, outside the project, read it three levels above their own directories)` : "";
  const makeThere = outside ? ` (for these stacks, npm run certs -- --out=${label})` : "";
  // First: the directory may belong to another environment or region, whose certificates the checks below would
  // tell to rotate. --migrate-state is the user's approval of what Terraform would otherwise stop at.
  if (!given["migrate-state"]) {
    const wanted = skipSynth
      ? (_: string, dir: string) => synthesizedBackend(dir)
      : (stack: string) => stateBackend(settings, stack, projectDirFromStacks(outdir)).backend;
    const switched = backendSwitch(outdir, stacks, wanted, env);
    if (switched) throw new UserError(switchMessage(command, switched, outdir, Boolean(given.output), skipSynth, settings, env));
  }
  if (command === "destroy") {
    // A destroy plans too: Terraform reads the certificate files each stack's configuration names, and stops on a
    // missing one. New ones would come from another CA, which the running host does not trust.
    const read = [...new Set(stacks.flatMap((s) => STACK_CERT_FILES[s] ?? []))];
    const looked = missingFiles(certsDir, read, label);
    if (looked.problem !== undefined) throw new UserError(`${looked.problem}, and Terraform reads them to plan the destroy${where}: ${fixOf(looked, "put back the files it was deployed with")}`);
    const missing = looked.value.map((f) => CERT_FILES[f]);
    if (missing.length > 0) {
      throw new UserError(`${label} lacks ${missing.join(", ")}, which Terraform reads to plan the destroy${where}: put back the files it was deployed with`);
    }
  }
  if (command === "deploy" && stacks.includes("aws") && outside) {
    // The aws stack's readiness gate runs `node ../../../dist/deploy/wait-for-docker.js` from its directory, as it
    // reads the certificates: from an output directory outside the project, Terraform would create every resource
    // and then fail to start it.
    const gate = join(base, READINESS_GATE);
    if (!existsSync(gate)) {
      throw new UserError(
        `the stacks in ${shown(outdir, from)}, outside the project, run the aws stack's readiness gate as ${shown(gate, from)} (three levels above their own directories, where they read the certificates), which is not there: ` +
          `Terraform would create every resource and then fail to start it; deploy from an output directory inside the project (--output=cdktf.out.<environment>), or copy the project's ${READINESS_GATE} there`,
      );
    }
  }
  if (command === "diff" || command === "deploy") {
    const names = dockerHostCertificateNames(settings.region, settings.dockerHost.dns?.name);
    const problem = certificateProblem(certsDir, names, { label });
    if (problem) throw new UserError(`the Docker API's certificates will not do (dockerHost.certsDir${where}): ${problem}${makeThere}`);
    // The files fit together; now as the two ends of the TLS will check each other with them, which a deploy would
    // otherwise learn only at the readiness gate, with the host made.
    const [refusal] = await handshakeRefusals(tlsSetOf((f) => readFileSync(join(certsDir, CERT_FILES[f]))));
    if (refusal) {
      const refused = posix.join(label, CERT_FILES[LEAVES[refusal.side].cert]);
      throw new UserError(
        `the Docker API's certificates will not do (dockerHost.certsDir${where}): TLS refuses ${refused} as ${refusal.side === "server" ? "the Docker client and the readiness gate check" : "dockerd checks"} it against ${posix.join(label, CERT_FILES.ca)}: ` +
          `${refusal.reason} (OpenSSL: ${refusal.code}): run \`npm run certs${outside ? ` -- --out=${label}` : ""}\`, which says whether new certificates or a new CA will do`,
      );
    }
    // Serving today but not for long: as `npm run certs` would renew them, said before a deploy makes the host use them.
    const soon = certificateProblem(certsDir, names, { label, marginDays: RENEW_DAYS });
    if (soon) process.stderr.write(`npm run ${command}: warning: the Docker API's certificates need renewing: ${soon} before then\n`);
  }
}

/**
 * The first of `stacks` whose directory Terraform last initialized for a state other than the one it is now to use
 * (`wanted`): `terraform init` would stop there, "Backend configuration
 * changed", and either way it offers could point this environment at another one's state, or at an empty one.
 */
function backendSwitch(
  outdir: string,
  stacks: readonly string[],
  wanted: (stack: string, dir: string) => Backend | undefined,
  env: NodeJS.ProcessEnv,
): { dir: string; recorded: Backend; wanted: Backend } | undefined {
  for (const stack of stacks) {
    const dir = join(outdir, "stacks", stack);
    const recorded = recordedBackend(dir, env);
    const now = recorded && wanted(stack, dir);
    if (recorded && now && !sameState(recorded, now)) return { dir, recorded, wanted: now };
  }
  return undefined;
}

/** The refusal of a switched backend, naming both states and the ways that risk neither. */
function switchMessage(
  command: Command,
  { dir, recorded, wanted }: { dir: string; recorded: Backend; wanted: Backend },
  outdir: string,
  outdirGiven: boolean,
  skipSynth: boolean,
  { environment, region }: { readonly environment: string | null; readonly region: string },
  env: NodeJS.ProcessEnv,
): string {
  const from = invocationDir(env);
  // Each environment's directory; one that is this very directory (the same environment, now in another region)
  // gets the region too.
  const own = `cdktf.out.${environment ?? "<environment>"}`;
  const suggested = resolve(projectRoot, own) === resolve(outdir) ? `cdktf.out.${environment ? `${environment}-` : ""}${region}` : own;
  // -migrate-state moves the state to what the directory's configuration names: that of the new settings, once synthesized.
  const migrate = skipSynth
    ? `run terraform init -migrate-state in ${shown(dir, from)}`
    : command === "output"
      ? `synthesize for it (npm run synth${outdirGiven ? ` -- --output=${shown(outdir, from)}` : ""}), then run terraform init -migrate-state in ${shown(dir, from)}`
      : "add --migrate-state (cdktf synthesizes, then runs terraform init -migrate-state)";
  return (
    `${shown(dir, from)} was initialized for the state at ${describeState(recorded, dir, from)}, but ` +
    `${skipSynth ? "its synthesized configuration now puts" : "the settings now put"} it at ${describeState(wanted, dir, from)}: ` +
    `give each environment, and each region of one, its own output directory (--output=${suggested}), or, if this stack's state really moved there, ${migrate}`
  );
}

/** The stacks whose state holds no outputs, asked of Terraform in their directories (cdktf output initialized them). */
function stacksWithoutOutputs(outdir: string, stacks: string[], env: NodeJS.ProcessEnv): string[] {
  return stacks.filter((stack) => {
    const result = spawnSync("terraform", ["output", "-json", "-no-color"], { cwd: join(outdir, "stacks", stack), env, encoding: "utf8" });
    try {
      return result.status === 0 && Object.keys(JSON.parse(result.stdout)).length === 0;
    } catch {
      return false;
    }
  });
}

/** The usage of the wrapper as a whole, before a command is chosen. */
const COMMANDS_USAGE = `usage: npm run ${COMMANDS.join("|")} -- [stack…] [cdktf options] (npm run synth synthesizes; npm run <command> -- --help describes one)`;

/** Runs `npm run <command> -- args`, returning the exit code. */
export async function cdktfCli(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (command === "--help" || command === "-h") {
    process.stdout.write(`${COMMANDS_USAGE}\n`);
    return 0;
  }
  if (!COMMANDS.includes(command as Command)) {
    process.stderr.write(`${COMMANDS_USAGE}\n`);
    return 2;
  }
  const cmd = command as Command;
  return commandExitCode(spec(cmd), async ({ values, positionals }) => {
    const given = values as Record<string, unknown>;
    // Option values before stacks: `npm run deploy -- --var-file=` is told of its empty value, whatever the stacks.
    const options = cdktfOptions(cmd, given, env);
    // cdktf takes its output directory from --output alone (it sets CDKTF_OUTDIR for the app itself): a CDKTF_OUTDIR
    // of the user's, read from where they typed the command as synth reads it, is handed on as --output.
    const fromEnv = !given.output && env.CDKTF_OUTDIR ? userPath(env.CDKTF_OUTDIR, env) : undefined;
    const outdir = given.output ? userPath(String(given.output), env) : (fromEnv ?? resolve(projectRoot, "cdktf.out"));
    const outdirWrong = given.output ? outdirProblem(outdir) : undefined;
    if (outdirWrong) throw new UsageError(`--output=${given.output}: ${outdirWrong}; expected a directory this user can write, or a new one in such a directory`);
    const stacks = selectStacks(cmd, positionals, Boolean(given["ignore-missing-stack-dependencies"]));
    const args = [cmd, ...stacks, ...options, ...(fromEnv ? [`--output=${fromEnv}`] : [])];
    await preflight(cmd, outdir, stacks, given, env);

    // An interrupt before cdktf starts ends the command, its scratch directory removed; once cdktf runs, it is passed
    // on, and the command waits for cdktf to end Terraform in order. Listening first: Ctrl-C while the provider
    // mirror is looked for (a DNS lookup of the registry) would otherwise leave the directory behind.
    let child: ChildProcess | undefined;
    let scratch = "";
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
      process.on(signal, () => {
        if (child) child.kill(signal);
        else {
          if (scratch) rmSync(scratch, { recursive: true, force: true });
          process.exit(code);
        }
      });
    }
    scratch = mkdtempSync(join(tmpdir(), "soa-cdktf-"));
    // cdktf writes the outputs file even when this command then refuses (output of a stack not deployed): it writes
    // into the scratch directory, and the file is copied to where the user asked only when the command succeeds.
    const outputsAt = args.findIndex((a) => a.startsWith("--outputs-file="));
    const outputsFile = outputsAt === -1 ? undefined : args[outputsAt].slice("--outputs-file=".length);
    if (outputsFile) args[outputsAt] = `--outputs-file=${join(scratch, "outputs.json")}`;
    try {
      const { env: childEnv, note } = await cdktfEnvironment(env, scratch);
      if (note) {
        process.stderr.write(`${note}\n`);
        // Only a registry answers \`terraform providers lock\`: with the mirror, the first run would fail there.
        if (!given["skip-provider-lock"]) args.push("--skip-provider-lock");
      }
      const cdktf = spawn(join(projectRoot, "node_modules", ".bin", "cdktf"), args, { cwd: projectRoot, env: childEnv, stdio: "inherit" });
      child = cdktf;
      const code = await new Promise<number>((done) => cdktf.on("exit", (c, signal) => done(c ?? (signal ? 128 : 1))));
      if (code === 0 && cmd === "output") {
        // cdktf prints only the stack's name when its state has no outputs, and exits 0.
        const empty = stacksWithoutOutputs(outdir, stacks, childEnv);
        if (empty.length > 0) {
          // The deploy to suggest takes what those stacks read too, or the wrapper would refuse it.
          const deploy = STACKS.filter((s) => empty.includes(s) || empty.some((e) => STACK_DEPENDENCIES[e].includes(s)));
          // cdktf has printed where it wrote the outputs: a scratch copy, which goes with this refusal.
          const unwritten = outputsFile ? `; ${outputsFile} was not written (the file cdktf names above was a scratch copy, now removed)` : "";
          throw new UserError(
            `no outputs for ${empty.join(", ")}: not deployed yet (npm run deploy -- ${deploy.join(" ")}), or its state is not where the settings say${unwritten}`,
          );
        }
      }
      if (outputsFile && existsSync(join(scratch, "outputs.json"))) {
        try {
          copyFileSync(join(scratch, "outputs.json"), outputsFile);
        } catch (error) {
          throw new UserError(`--outputs-file: cannot write ${outputsFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        }
        if (cmd === "output") process.stderr.write(`npm run output: wrote the outputs to ${outputsFile} (cdktf names a scratch copy above)\n`);
      }
      return code;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, args, undefined, env);
}

if (startedAs("cdktf")) {
  const [command, ...rest] = process.argv.slice(2);
  cdktfCli(command ?? "", rest).then((code) => (process.exitCode = code));
}
