// The app: settings in, two stacks out. Every resource is reached from here in one hop through a stack.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { App, Aspects } from "cdktf";
import { HclConditionBlocks } from "./constructs/hcl-conditions";
import { writeValuesBare } from "./constructs/hcl-interpolations";
import { HclBareReferences } from "./constructs/hcl-references";
import { withFastTokenResolution } from "./constructs/token-resolution";
import { withLeanTokenTraces } from "./constructs/token-traces";
import { PolicyChecks, PolicyError } from "./policy/policy-checks";
import { OUTDIR_OPTION_ENV, SYNTH_COMMAND, environmentProblems, outdirCertsProblem, outdirProblemAs } from "./settings/environment";
import { SettingsError, type SettingsProblem, formatProblem } from "./settings/errors";
import { type AppSettings, loadSettings } from "./settings/load";
import { projectDirFromStacks, projectRoot, stacksProjectDir, startedAs } from "./settings/paths";
import { AwsStack } from "./stacks/aws-stack";
import { DockerStack } from "./stacks/docker-stack";

export interface Stacks {
  readonly aws: AwsStack;
  readonly docker: DockerStack;
}

/** Adds the stacks to `app`, each checked by the policy rules when it is synthesized. */

export function composeApp(app: App, settings: AppSettings, projectDir = "../../..", projectPath = projectRoot): Stacks {
  const aws = new AwsStack(app, "aws", { settings, projectDir, projectPath });
  // The host is a token of the aws stack: cdktf adds the output there and the remote state read here.
  const docker = new DockerStack(app, "docker", {
    settings,
    projectDir,
    projectPath,
    host: aws.dockerHost.apiHost,
    port: aws.dockerHost.apiPort,
  });
  const policy = new PolicyChecks();
  const conditions = new HclConditionBlocks();
  const references = new HclBareReferences();
  for (const stack of [aws, docker]) {
    Aspects.of(stack).add(policy);
    Aspects.of(stack).add(conditions);
    Aspects.of(stack).add(references);
    writeValuesBare(stack);
  }
  return { aws, docker };
}

/**
 * Refuses a bad environment: npm run synth's --output (handed on as CDKTF_OUTDIR) as a bad command line in one line
 * with exit 2, anything else as an invalid environment with exit 1.
 */
function refuseEnvironment(problems: readonly SettingsProblem[], env: NodeJS.ProcessEnv): number {
  const option = env[OUTDIR_OPTION_ENV];
  const badOption = option?.startsWith("--") ? problems.find((p) => p.file === option) : undefined;
  if (badOption) {
    process.stderr.write(`${SYNTH_COMMAND}: ${formatProblem(badOption)} (${SYNTH_COMMAND} -- --help shows the usage)\n`);
    return 2;
  }
  process.stderr.write(`Invalid environment, nothing was synthesized:\n${new SettingsError(problems).message}\n`);
  return 1;
}

/** Loads the settings, then synthesizes; a bad setting stops it before anything is written. */
export function main(env: NodeJS.ProcessEnv = process.env): number {
  const environment = environmentProblems(env);
  if (environment.length > 0) return refuseEnvironment(environment, env);
  let settings: AppSettings;
  try {
    settings = loadSettings(env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`Invalid settings, nothing was synthesized:\n${error.message}\n`);
    return 1;
  }
  // An empty CDKTF_OUTDIR (exported blank) is no directory: as unset, as environmentProblems() takes it.
  const outdir = (env.CDKTF_OUTDIR ?? process.env.CDKTF_OUTDIR) || "cdktf.out";
  // The certificates' directory holds the CA's private key: synthesis writing there would put its files beside it.
  const certs = outdirCertsProblem(outdir, settings.dockerHost.certsDir);
  if (certs) return refuseEnvironment([outdirProblemAs(outdir, `${certs}; expected a directory of its own (cdktf.out, or a new one)`, env)], env);
  return withLeanTokenTraces(() => withFastTokenResolution(() => synthesize(settings, outdir)));
}

function synthesize(settings: AppSettings, outdir: string): number {
  const outdirExisted = existsSync(outdir);
  try {
    // Stack traces in construct metadata cost time and carry absolute paths. cdktf's own validations would only
    // spawn `terraform version` (~40 ms) to check for 1.4; settings and policy are checked before synthesis.
    const app = new App({ outdir, stackTraces: false, skipValidation: true });
    const stacks = Object.values(composeApp(app, settings, projectDirFromStacks(app.outdir), stacksProjectDir(app.outdir)));
    // The policy runs on every stack before any is written (synthesis writes stack by stack).
    for (const stack of stacks) {
      for (const aspect of Aspects.of(stack).all) if (aspect instanceof PolicyChecks) aspect.visit(stack);
    }
    app.synth();
    keepOneFormat(app);
    return 0;
  } catch (error) {
    // The App made the output directory, and synthesis may have begun: leave no trace of this run.
    if (!outdirExisted) rmSync(outdir, { recursive: true, force: true });
    if (error instanceof PolicyError) {
      process.stderr.write(`Policy check failed, nothing was synthesized:\n${error.message}\n`);
      return 1;
    }
    // V8 holds a string of at most 2^29 - 24 characters (512 MiB), and cdktf writes each stack as one: thousands of
    // services with large task definitions reach it (7,800 of 62 KiB each).
    if (error instanceof RangeError && error.message === "Invalid string length") {
      const count = (entries: object, what: string) => `${Object.keys(entries).length} ${what}${Object.keys(entries).length === 1 ? "" : "s"}`;
      const counts = `${count(settings.services, "service")}, ${count(settings.clusters, "cluster")} and ${count(settings.docker.containers, "Docker container")}`;
      process.stderr.write(
        `Synthesis failed${outdirExisted ? "" : ", nothing was written"}: a stack's configuration is larger than one text Node can hold (512 MiB), ` +
          `with ${counts} in the settings; split them among environments (each its own stacks), or use fewer services and smaller task definitions.\n`,
      );
      return 1;
    }
    process.stderr.write(`Synthesis failed${outdirExisted ? "" : ", nothing was written"}: this is a bug, please report it with the trace below.\n`);
    throw error;
  }
}

/**
 * Leaves only this synthesis's format in each stack directory: Terraform reads every `*.tf` and `*.tf.json` there,
 * so a `cdk.tf` left by `cdktf synth --hcl` beside a new `cdk.tf.json` (or the reverse) declares every resource
 * twice. metadata.json is what the cdktf CLI reads of an HCL stack.
 */
function keepOneFormat(app: App): void {
  const stale = app.hclOutput ? ["cdk.tf.json"] : ["cdk.tf", "metadata.json"];
  for (const stack of Object.values(app.manifest.stacks)) {
    for (const file of stale) rmSync(join(app.outdir, stack.workingDirectory, file), { force: true });
  }
}

if (startedAs("main")) {
  process.exitCode = main();
}
