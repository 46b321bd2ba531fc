// Real Terraform judges what we synthesize: `npm run validate` (init + validate per stack) and
// `npm run test:terraform` (a mocked apply of the aws stack with `terraform test`, assertions in
// __tests__/terraform/<variant>/*.tftest.hcl). Works offline from a filesystem mirror of the providers.
//
// Each variant (`settings`: the user's, from INFRA_CONFIG or the defaults; `default`: the built-in settings; others:
// __tests__/terraform/<variant>/settings.json) is synthesized twice into a throwaway workspace laid out like the project: as JSON (cdktf.out/stacks/<stack>) and
// as the HCL of `cdktf synth --hcl` (cdktf.out.hcl/stacks/<stack>), the exit from cdktf to plain Terraform.
// Both get the same checks and the same assertions. Beside them: certs/ with throwaway certificates, and
// dist/deploy/wait-for-docker.js as a stub that records how the readiness gate called it. Nothing touches the
// project's certificates, state or cdktf.out.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { dockerHostCertificateNames, ec2PublicDnsDomain } from "../constructs/docker-tls";
import { CONTEXT_ENV, environmentMessage } from "../settings/environment";
import { escapeInvisible } from "../settings/errors";
import { CONFIG_ENV, loadSettings, resolveSettings } from "../settings/load";
import { READINESS_GATE, projectRoot, startedAs, userPath } from "../settings/paths";
import { ensureCertificates } from "./certs";
import { type CommandSpec, UsageError, UserError, runCommand } from "./cli";
import { mixedFormatMessage, mixedFormatStacks } from "./output-dir";
import { exitIfInterrupted, removeScratch, scratchDirectory, spawnTracked } from "./scratch";
import { terraformEnvironment } from "./provider-mirror";

export const TESTS_DIR = join(projectRoot, "__tests__", "terraform");
export const FORMATS = ["json", "hcl"] as const;
export type Format = (typeof FORMATS)[number];

interface Workspace {
  readonly variant: string;
  readonly stacks: string[];
  stackDir(stack: string, format: Format): string;
  /** The JSON configuration of a stack (the HCL is converted from the same app). */
  synthesized(stack: string): { resource?: Record<string, Record<string, unknown>> };
  gateCalls(): string[][];
  clearGateCalls(): void;
}

/** What is checked: the user's settings, or one of our fixtures (a directory of __tests__/terraform). */
export interface Variant {
  readonly name: string;
  /** The settings file, absolute; none for the built-in defaults. */
  readonly settingsFile?: string;
  /** The .tftest.hcl files' directory, for a fixture. */
  readonly testsDir?: string;
}

/** The name that stands for the user's own settings (INFRA_CONFIG, or the defaults). */
export const YOURS = "settings";

/** Our fixtures: each directory of __tests__/terraform but the mocks. */
export function fixtures(): Variant[] {
  return readdirSync(TESTS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "mocks")
    .map((e) => {
      const file = join(TESTS_DIR, e.name, "settings.json");
      return { name: e.name, settingsFile: existsSync(file) ? file : undefined, testsDir: join(TESTS_DIR, e.name) };
    });
}

/** The variants `names` select: the user's settings and every fixture when there are none; refuses unknown names. */
export function selectVariants(names: readonly string[], env: NodeJS.ProcessEnv): Variant[] {
  const configured = env[CONFIG_ENV]?.trim();
  // Loaded here so bad settings stop the run with their own message before Terraform starts.
  loadSettings(env);
  const yours: Variant = { name: YOURS, settingsFile: configured ? userPath(configured, env) : undefined };
  const known = fixtures();
  if (names.length === 0) {
    // Without INFRA_CONFIG the user's settings are the defaults, which the default fixture checks already.
    return configured ? [yours, ...known] : known;
  }
  return [...new Set(names)].map((name) => {
    if (name === YOURS) return yours;
    const fixture = known.find((v) => v.name === name);
    if (!fixture) throw new UsageError(`unknown variant ${JSON.stringify(name)}; expected ${[YOURS, ...known.map((v) => v.name)].join(", ")}`);
    return fixture;
  });
}

/** Runs `use` with a fresh workspace of `variant`, removed afterwards whether it was made, used or failed. */
async function withWorkspace<T>(variant: Variant, env: NodeJS.ProcessEnv, use: (ws: Workspace) => T | Promise<T>): Promise<T> {
  const root = scratchDirectory(`soa-terraform-${variant.name}-`);
  try {
    return await use(await workspace(root, variant, env));
  } finally {
    removeScratch(root);
  }
}

/** Synthesizes one variant into `root`, with throwaway certificates and the gate stub. */
async function workspace(root: string, variant: Variant, env: NodeJS.ProcessEnv): Promise<Workspace> {
  const settingsFile = variant.settingsFile;
  const settings = settingsFile ? loadSettings({ [CONFIG_ENV]: settingsFile }) : resolveSettings({});
  const outdirs: Record<Format, string> = { json: join(root, "cdktf.out"), hcl: join(root, "cdktf.out.hcl") };
  for (const format of FORMATS) {
    const synth = spawnSync(process.execPath, [join(projectRoot, "dist", "main.js")], {
      env: {
        ...env,
        CDKTF_OUTDIR: outdirs[format],
        SYNTH_HCL_OUTPUT: String(format === "hcl"),
        INFRA_CONFIG: settingsFile ?? "",
      },
      encoding: "utf8",
    });
    exitIfInterrupted(synth);
    if (synth.status !== 0) throw new UserError(`${format} synth of ${variant.name} failed:\n${synth.stderr}`);
  }
  await ensureCertificates({
    dir: join(root, settings.dockerHost.certsDir),
    serverNames: dockerHostCertificateNames(settings.region, settings.dockerHost.dns?.name),
  });
  const calls = join(root, "gate-calls.jsonl");
  mkdirSync(dirname(join(root, READINESS_GATE)), { recursive: true });
  writeFileSync(
    join(root, READINESS_GATE),
    `// Test stub of the readiness gate: records its arguments.\nrequire("fs").appendFileSync(${JSON.stringify(calls)}, JSON.stringify(process.argv.slice(2)) + "\\n");\n`,
  );
  const stackDir = (stack: string, format: Format) => join(outdirs[format], "stacks", stack);
  return {
    variant: variant.name,
    stacks: readdirSync(join(outdirs.json, "stacks")).sort(),
    stackDir,
    synthesized: (stack) => JSON.parse(readFileSync(join(stackDir(stack, "json"), "cdk.tf.json"), "utf8")),
    gateCalls: () => (existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : []),
    clearGateCalls: () => rmSync(calls, { force: true }),
  };
}

interface Run {
  readonly status: number | null;
  readonly output: string;
}

/**
 * Runs Terraform without blocking this process, so that Ctrl-C or SIGTERM reaches it and the workspaces are removed
 * at once (commands/scratch.ts); ten minutes at most.
 */
async function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawnTracked("terraform", args, { cwd, env, timeout: 600_000 });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => (output += text));
  child.stderr?.setEncoding("utf8").on("data", (text: string) => (output += text));
  const status = await new Promise<number | null>((done, failed) => {
    child.on("error", (error: NodeJS.ErrnoException) =>
      failed(error.code === "ENOENT" ? new UserError("terraform is not on PATH: install Terraform 1.10 or later") : error),
    );
    child.on("close", (code) => done(code));
  });
  return { status, output };
}

/** Why `init` could not install a provider, when that is why it failed. */
function unavailableProvider(initOutput: string): string | undefined {
  const lines = initOutput.split("\n").map((l) => l.replace(/^[│╷╵]\s?/, "").trim());
  const at = lines.findIndex((l) => /Failed to query available provider packages|Failed to install provider|could not connect to/.test(l));
  if (at < 0) return undefined;
  const end = lines.findIndex((l, i) => i > at + 1 && l === "");
  return lines.slice(at, end > at ? end : at + 10).filter(Boolean).join(" ").replace(/\s+/g, " ");
}

/** Runs one check with Terraform's environment, reporting the version and where providers come from. */
async function withTerraform(check: (env: NodeJS.ProcessEnv) => Promise<boolean>): Promise<boolean> {
  const scratch = scratchDirectory("soa-terraform-");
  try {
    let found: ReturnType<typeof terraformEnvironment>;
    try {
      found = terraformEnvironment(scratch);
    } catch (error) {
      throw new UserError((error as Error).message);
    }
    const { env, description } = found;
    console.log(`terraform: ${(await terraform(["version"], scratch, env)).output.split("\n")[0]}; ${description}`);
    return await check(env);
  } finally {
    removeScratch(scratch);
  }
}

type Outcome = { stack: string; result: "passed" | "failed" | "not validated"; detail: string };

async function validate(variants: Variant[], env: NodeJS.ProcessEnv): Promise<boolean> {
  const outcomes: Outcome[] = [];
  for (const variant of variants) {
    await withWorkspace(variant, env, async (ws) => {
      for (const [stack, format] of ws.stacks.flatMap((st) => FORMATS.map((f) => [st, f] as const))) {
        const name = `${variant.name}/${stack} (${format})`;
        const init = await terraform(["init", "-backend=false", "-input=false", "-no-color"], ws.stackDir(stack, format), env);
        if (init.status !== 0) {
          const reason = unavailableProvider(init.output);
          if (!reason) {
            outcomes.push({ stack: name, result: "failed", detail: `terraform init failed:\n${init.output}` });
            continue;
          }
          // Without its providers Terraform can still parse HCL: `terraform fmt` fails on any syntax error.
          const syntax = format === "hcl" ? await terraform(["fmt", "-no-color", "-list=false", "-write=false"], ws.stackDir(stack, format), env) : undefined;
          outcomes.push(
            syntax && syntax.status !== 0
              ? { stack: name, result: "failed", detail: `terraform fmt cannot parse it:\n${syntax.output}` }
              : {
                  stack: name,
                  result: "not validated",
                  detail: `${syntax ? "its HCL parses (terraform fmt), but " : ""}its providers cannot be installed here: ${reason}`,
                },
          );
          continue;
        }
        const check = await terraform(["validate", "-no-color"], ws.stackDir(stack, format), env);
        outcomes.push({ stack: name, result: check.status === 0 ? "passed" : "failed", detail: check.output.trim() });
      }
    });
  }
  for (const o of outcomes) console.log(`${o.result.toUpperCase().padEnd(13)} ${o.stack}: ${o.detail}`);
  const count = (r: Outcome["result"]) => outcomes.filter((o) => o.result === r).length;
  console.log(`\n${count("passed")} passed, ${count("failed")} failed, ${count("not validated")} not validated (not counted as passed)`);
  return count("failed") === 0 && count("passed") > 0;
}

/**
 * `terraform test` of the aws stack of each variant that has .tftest.hcl files, in both formats. Beyond the assertions:
 * every instance, launch template and ingress rule the variant synthesizes must be named in its tests, the
 * readiness gate must have been called with the Elastic IP's name, and teardown may fail only where
 * prevent_destroy keeps the data volume, which it then must.
 */
async function test(variants: Variant[], env: NodeJS.ProcessEnv): Promise<boolean> {
  let ok = true;
  const fail = (message: string) => {
    ok = false;
    console.log(`FAILED: ${message}`);
  };
  for (const variant of variants) {
    const files = variant.testsDir ? readdirSync(variant.testsDir).filter((f) => f.endsWith(".tftest.hcl")) : [];
    if (variant.testsDir && files.length === 0) continue;
    await withWorkspace(variant, env, async (ws) => {
      const config = ws.synthesized("aws");
      // A fixture's assertions must name what it synthesizes; the user's settings get an apply with no assertions.
      const sources = variant.testsDir ? files.map((f) => readFileSync(join(variant.testsDir!, f), "utf8")) : [plainApply(config, variant)];
      const names = variant.testsDir ? files : ["aws.tftest.hcl"];
      for (const type of variant.testsDir ? ["aws_instance", "aws_launch_template", "aws_vpc_security_group_ingress_rule"] : []) {
        for (const name of Object.keys(config.resource?.[type] ?? {})) {
          if (!sources.some((s) => s.includes(`${type}.${name}`))) fail(`${variant.name}: ${type}.${name} is in the stack but in no assertion`);
        }
      }
      const keptVolumes = Object.entries((config.resource?.aws_ebs_volume ?? {}) as Record<string, { lifecycle?: { prevent_destroy?: boolean } }>)
        .filter(([, v]) => v.lifecycle?.prevent_destroy)
        .map(([n]) => `aws_ebs_volume.${n}`);

      for (const format of FORMATS) {
        const run = `${variant.name} (${format})`;
        const dir = ws.stackDir("aws", format);
        const tests = join(dir, "tests");
        mkdirSync(join(tests, "mocks"), { recursive: true });
        names.forEach((f, i) => writeFileSync(join(tests, f), sources[i]));
        for (const mock of readdirSync(join(TESTS_DIR, "mocks"))) {
          writeFileSync(join(tests, "mocks", mock), readFileSync(join(TESTS_DIR, "mocks", mock)));
        }
        ws.clearGateCalls();

        const init = await terraform(["init", "-backend=false", "-input=false", "-no-color"], dir, env);
        if (init.status !== 0) {
          fail(`${run}: terraform init failed:\n${init.output}`);
          continue;
        }
        const result = await terraform(["test", "-json"], dir, env);
        const events = result.output.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
        for (const e of events) if (e.type === "test_run" && e.test_run.status) console.log(`${run}: ${e["@message"].trim()}`);
        const summary = events.find((e) => e.type === "test_summary")?.test_summary;
        const errors = events.filter((e) => e["@level"] === "error" && e.diagnostic);
        const blocked = errors.filter((e) => e.diagnostic.summary === "Instance cannot be destroyed");
        const other = errors.filter((e) => !blocked.includes(e));
        if (!summary || summary.failed > 0 || summary.errored > 0 || summary.passed === 0) {
          fail(`${run}: ${summary ? `${summary.passed} passed, ${summary.failed} failed, ${summary.errored} errored` : "no summary"}`);
        }
        for (const e of other) fail(`${run}: ${e.diagnostic.summary}: ${e.diagnostic.detail ?? ""}`);
        for (const volume of keptVolumes) {
          if (!blocked.some((e) => String(e.diagnostic.detail).includes(volume))) fail(`${run}: teardown destroyed ${volume} despite prevent_destroy`);
          else console.log(`${run}: teardown refused to destroy ${volume} (prevent_destroy holds)`);
        }
        for (const e of blocked) {
          if (!keptVolumes.some((v) => String(e.diagnostic.detail).includes(v))) fail(`${run}: unexpected teardown refusal: ${e.diagnostic.detail}`);
        }
        const calls = ws.gateCalls();
        const hosts = calls.map((args) => args.find((a) => a.startsWith("--host="))?.slice(7));
        if (calls.length === 0 || hosts.some((h) => !h || !/^[a-z0-9.-]+$/.test(h))) {
          fail(`${run}: the readiness gate was not called with the host's name: ${JSON.stringify(calls)}`);
        } else {
          console.log(`${run}: readiness gate called with ${calls.map((c) => c.join(" ")).join("; ")}`);
        }
      }
    });
  }
  console.log(ok ? "\nterraform test: all variants passed" : "\nterraform test: FAILED");
  return ok;
}

/**
 * A mocked apply of the user's settings: no assertions of ours, but the zones the settings name (or the region's
 * first three), instances and an existing data volume in the first of them, and the harness's checks of the gate
 * and prevent_destroy.
 */
export function plainApply(config: { resource?: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>> }, variant: Variant): string {
  const settings = variant.settingsFile ? loadSettings({ [CONFIG_ENV]: variant.settingsFile }) : resolveSettings({});
  const zones = settings.network.availabilityZones ?? ["a", "b", "c"].map((z) => `${settings.region}${z}`);
  const lines = [`# A mocked apply of ${variant.settingsFile ?? "the built-in settings"}, written by npm run test:terraform.`, 'mock_provider "aws" {', '  source = "./tests/mocks"', "}"];
  for (const name of Object.keys(config.data?.aws_availability_zones ?? {})) {
    lines.push("override_data {", `  target = data.aws_availability_zones.${name}`, `  values = { names = ${JSON.stringify(zones)} }`, "}");
  }
  for (const name of Object.keys(config.resource?.aws_instance ?? {})) {
    lines.push("override_resource {", `  target = aws_instance.${name}`, `  values = { availability_zone = ${JSON.stringify(zones[0])} }`, "}");
  }
  // The Elastic IP's public name as EC2 gives it in the settings' region (us-east-1's has a domain of its own): the
  // readiness gate is called with it when no dockerHost.dns is set.
  for (const name of Object.keys(config.resource?.aws_eip ?? {})) {
    const dns = `ec2-198-51-100-7.${ec2PublicDnsDomain(settings.region)}`;
    lines.push("override_resource {", `  target = aws_eip.${name}`, `  values = { public_ip = "198.51.100.7", public_dns = ${JSON.stringify(dns)} }`, "}");
  }
  // An existing data volume must be in the first zone, as the settings' precondition says.
  for (const name of Object.keys(config.data?.aws_ebs_volume ?? {})) {
    lines.push("override_data {", `  target = data.aws_ebs_volume.${name}`, `  values = { availability_zone = ${JSON.stringify(zones[0])} }`, "}");
  }
  lines.push('run "apply" {', "  command = apply", "}", "");
  return lines.join("\n");
}

const COMMAND_USAGE: Record<"validate" | "test", { name: string; what: string }> = {
  validate: { name: "npm run validate", what: "terraform init and terraform validate of both stacks, as JSON and as the HCL of `cdktf synth --hcl`" },
  test: { name: "npm run test:terraform", what: "a mocked apply of the aws stack with terraform test, of the JSON and of the HCL" },
};

function spec(command: "validate" | "test"): CommandSpec<Record<string, never>> {
  const { name, what } = COMMAND_USAGE[command];
  const known = fixtures().map((v) => v.name);
  return {
    name,
    usage: `usage: ${name} [-- [${YOURS}|${known.join("|")} …]]

Runs ${what}, each in a throwaway workspace
(nothing touches cdktf.out, certs/ or your state), offline from a provider mirror when one is found
(TF_PROVIDER_MIRROR names one).
  ${YOURS.padEnd(9)} your settings: the INFRA_CONFIG file (relative to where you typed the command), or the defaults
${known.map((k) => `  ${k.padEnd(9)} our fixture __tests__/terraform/${k}/`).join("\n")}
Without names: your settings (when INFRA_CONFIG is set) and every fixture.${command === "test" ? "\nYour settings get the apply and the harness's checks (readiness gate, prevent_destroy), not our assertions." : ""}
Exit 0 when every check that ran passed (a stack whose providers cannot be installed here is listed as not
validated, and counts neither way), 1 when one fails or the settings are bad, 2 on a bad command line.`,
    options: {},
    positionals: { max: Infinity, name: "variant" },
  };
}

if (startedAs("terraform-checks")) {
  const [command, ...rest] = process.argv.slice(2);
  const usage = "usage: terraform-checks validate|test [variant ...] (run as npm run validate or npm run test:terraform)\n";
  if (command === "--help" || command === "-h") {
    process.stdout.write(usage);
  } else if (command !== "validate" && command !== "test") {
    process.stderr.write(usage);
    process.exitCode = 2;
  } else {
    runCommand(spec(command), async ({ positionals }) => {
      // Every synth here reads the context (each is given its output directory): refuse a bad one before Terraform.
      const environment = environmentMessage(process.env, [CONTEXT_ENV]);
      if (environment) throw new UserError(environment);
      const variants = selectVariants(positionals, process.env);
      const yours = variants.find((v) => v.name === YOURS);
      // The path as typed may hold any character: shown escaped, as settings messages show it.
      if (yours) console.log(`${YOURS}: ${yours.settingsFile ? `the INFRA_CONFIG file ${escapeInvisible(yours.settingsFile)}` : "the built-in defaults"}`);
      // What the user deploys from must not hold two formats, whatever we check here.
      const outdir = process.env.CDKTF_OUTDIR;
      const mixed = mixedFormatStacks(outdir ? userPath(outdir, process.env) : resolve(projectRoot, "cdktf.out"));
      if (mixed.length > 0) throw new UserError(mixedFormatMessage(mixed));
      const ok = await withTerraform((env) => (command === "validate" ? validate : test)(variants, env));
      return ok ? 0 : 1;
    }, rest);
  }
}
