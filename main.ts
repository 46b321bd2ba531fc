// The app: settings in, two stacks out. Every resource is reached from here in one hop through a stack.
import { join, relative, resolve, sep } from "node:path";
import { App } from "cdktf";
import { SettingsError } from "./settings/errors";
import { type AppSettings, loadSettings } from "./settings/load";
import { projectRoot } from "./settings/paths";
import { AwsStack } from "./stacks/aws-stack";
import { DockerStack } from "./stacks/docker-stack";

export interface Stacks {
  readonly aws: AwsStack;
  readonly docker: DockerStack;
}

/** Adds the stacks to `app`. `projectDir` is the project as seen from a stack's synthesized directory. */
export function composeApp(app: App, settings: AppSettings, projectDir = "../../.."): Stacks {
  const aws = new AwsStack(app, "aws", { settings, projectDir });
  // The host is a token of the aws stack: cdktf adds the output there and the remote state read here.
  const docker = new DockerStack(app, "docker", {
    settings,
    projectDir,
    host: aws.dockerHost.apiHost,
    port: aws.dockerHost.apiPort,
  });
  return { aws, docker };
}

/** Loads the settings, then synthesizes; a bad setting stops it before anything is written. */
export function main(env: NodeJS.ProcessEnv = process.env): number {
  let settings: AppSettings;
  try {
    settings = loadSettings(env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`Invalid settings, nothing was synthesized:\n${error.message}\n`);
    return 1;
  }
  // Stack traces in construct metadata cost time and carry absolute paths.
  const app = new App({ outdir: env.CDKTF_OUTDIR, stackTraces: false });
  composeApp(app, settings, projectDirFromStacks(app.outdir));
  app.synth();
  return 0;
}

/**
 * cdktf runs Terraform in <outdir>/stacks/<stack>; paths to the project (state, certificates) start from there.
 * An output directory outside the project is only ever read, never deployed from: keep the default layout's
 * path rather than spell out this machine's directories.
 */
function projectDirFromStacks(outdir: string): string {
  const fromStack = relative(join(resolve(outdir), "stacks", "any"), projectRoot);
  const inside = !relative(projectRoot, resolve(outdir)).startsWith("..");
  return inside ? fromStack.split(sep).join("/") : "../../..";
}

if (require.main === module) {
  process.exitCode = main();
}
