import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { App, LocalBackend, Testing, TerraformStack } from "cdktf";
import "cdktf/lib/testing/adapters/jest"; // the matchers' type declarations
import { decodeJsonDocument, decodeTemplatefileCall } from "../policy/synthesized";
import { TemplateFile, showVariables } from "../constructs/template-file";
import { composeApp, main } from "../main";
import { SettingsError } from "../settings/errors";
import { resolveSettings } from "../settings/load";
import { projectRoot } from "../settings/paths";

// cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...) for the files that build stacks; a test file
// that imports nothing of cdktf does not load it.
Testing.setupJest();

/** Synthesized Terraform JSON of one stack. */
export interface Synthesized {
  readonly text: string;
  readonly json: TerraformJson;
  /** The template files written beside the configuration, by path (boot configurations). */
  readonly templates: Record<string, string>;
  readonly stack: TerraformStack;
}

export interface TerraformJson {
  terraform: Record<string, any>;
  provider: Record<string, any[]>;
  resource: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
  output?: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
}

/**
 * Builds the whole app from settings overrides (as INFRA_CONFIG would give them) and returns the stacks,
 * prepared as App.synth() prepares them, so cross-stack references are already outputs and remote state.
 */
export function buildStacks(overrides: unknown = {}) {
  const stacks = composeApp(Testing.app(), resolveSettings(overrides));
  for (const stack of Object.values(stacks)) stack.prepareStack();
  return stacks;
}

export function synthesize(stack: TerraformStack): Synthesized {
  const text = Testing.synth(stack);
  const files = stack.node.findAll().filter((c): c is TemplateFile => c instanceof TemplateFile);
  return { text, json: JSON.parse(text), templates: Object.fromEntries(files.map((f) => [f.path, f.template.text])), stack };
}

/** The data of a JSON document attribute (`${jsonencode(...)}`), references as `${...}` strings. */
export function documentOf(value: string): any {
  return decodeJsonDocument(value);
}

/**
 * What a `${templatefile(...)}` attribute renders (also under base64encode() or a local): the template file's
 * text with each variable shown as the Terraform expression that fills it in, e.g. `${aws_ebs_volume.x.id}`.
 */
export function renderedTemplate(synth: Synthesized, value: string): string {
  const local = /^\$\{local\.([^}]+)\}$/.exec(value);
  const call = decodeTemplatefileCall(local ? (synth.json as any).locals[local[1]] : value);
  if (!call || !(call.path in synth.templates)) throw new Error(`not a template file's rendering: ${value.slice(0, 120)}`);
  return showVariables(synth.templates[call.path], call.vars);
}

/** The resources of one type, by logical name. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, any> {
  return json.resource[type] ?? {};
}

/** The only resource of a type; fails when there are none or several. */
export function only(json: TerraformJson, type: string): any {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** The resource of a type whose logical name contains `fragment`. */
export function named(json: TerraformJson, type: string, fragment: string): any {
  const matches = Object.entries(resourcesOf(json, type)).filter(([name]) => name.includes(fragment));
  if (matches.length !== 1) throw new Error(`expected one ${type} named *${fragment}*, found ${matches.length}`);
  return matches[0][1];
}

/** `${aws_x.name.attr}` -> "aws_x.name" */
export function referencedAddress(expression: string): string {
  const match = /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\./.exec(expression);
  if (!match) throw new Error(`not a resource reference: ${expression}`);
  return match[1];
}

/** Whether the Terraform CLI is here; CI always has it, so a test that needs it runs there without fail. */
export function terraformAvailable(): boolean {
  terraformFound ??= spawnSync("terraform", ["version"]).status === 0 || Boolean(process.env.CI);
  return terraformFound;
}
let terraformFound: boolean | undefined;

/**
 * What real Terraform evaluates `expression` to, in a configuration of one output (no provider) beside `files`.
 */
export function evaluateWithTerraform(expression: string, files: Record<string, string> = {}): unknown {
  const dir = mkdtempSync(join(tmpdir(), "terraform-eval-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    writeFileSync(join(dir, "main.tf"), `output "value" {\n  value = ${expression}\n}\n`);
    return terraformOutputs(dir).value;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A stack of its own, `name`, in an App that writes to a new directory in $TMPDIR (the caller removes it), filled by
 * `build`: made while SYNTH_HCL_OUTPUT says which format to write, as `cdktf synth [--hcl]` sets it for the App and
 * each stack's synthesizer.
 */
export function scratchStack(name: string, hcl: boolean, build: (stack: TerraformStack) => void): { app: App; stack: TerraformStack; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), `${name}-`));
  process.env.SYNTH_HCL_OUTPUT = String(hcl);
  try {
    const app = new App({ outdir, skipValidation: true, stackTraces: false });
    const stack = new TerraformStack(app, name);
    new LocalBackend(stack, { path: "terraform.tfstate" });
    build(stack);
    return { app, stack, outdir };
  } finally {
    delete process.env.SYNTH_HCL_OUTPUT;
  }
}

/** Applies the provider-less configuration in `dir` with real Terraform and returns its outputs' values. */
export function terraformOutputs(dir: string): Record<string, unknown> {
  const env = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
  for (const args of [["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]]) {
    const result = spawnSync("terraform", args, { cwd: dir, env, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`terraform ${args[0]} in ${dir}:\n${result.stdout}${result.stderr}`);
  }
  const outputs = spawnSync("terraform", ["output", "-json"], { cwd: dir, env, encoding: "utf8" });
  return Object.fromEntries(Object.entries(JSON.parse(outputs.stdout) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]));
}

/** The app run in this process with INFRA_CONFIG = `config`, into `outdir`: its exit code and what it wrote to stderr. */
export function runApp(config: string, outdir: string): { code: number; stderr: string } {
  let stderr = "";
  const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: main({ INFRA_CONFIG: config, CDKTF_OUTDIR: outdir }), stderr };
  } finally {
    spy.mockRestore();
  }
}

/**
 * `npm run synth` as a user runs it: `node commands/synth.js --output <out>` in the project, with INFRA_CONFIG naming
 * `config`. The exit code, what it printed (stderr also as lines) and whether it wrote anything.
 */
export function runSynth(config: string, out: string) {
  const result = spawnSync(process.execPath, [join(projectRoot, "commands", "synth.js"), "--output", out], {
    cwd: projectRoot,
    env: { ...process.env, INFRA_CONFIG: config, INIT_CWD: projectRoot },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, lines: result.stderr.split("\n"), wrote: existsSync(out) };
}

/** The problem lines resolveSettings reports for `overrides`, [] when they are accepted; anything but a SettingsError is thrown. */
export function settingsProblems(overrides: unknown, label = "infra.json"): string[] {
  try {
    resolveSettings(overrides, label);
    return [];
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return error.message.split("\n");
  }
}
