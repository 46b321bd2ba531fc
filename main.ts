// The app: settings in, two stacks out. Every resource is reached from here in one hop through a stack.
import { join, relative } from "node:path";
import { App } from "cdktf";
import { SettingsError } from "./settings/errors";
import { type AppSettings, loadSettings } from "./settings/load";
import { projectRoot } from "./settings/paths";
import { AwsStack } from "./stacks/aws-stack";

export interface Stacks {
  readonly aws: AwsStack;
}

/** Adds the stacks to `app`. `projectDir` is the project as seen from a stack's synthesized directory. */
export function composeApp(app: App, settings: AppSettings, projectDir = "../../.."): Stacks {
  const aws = new AwsStack(app, "aws", { settings, projectDir });
  return { aws };
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
  const app = new App({ stackTraces: false });
  composeApp(app, settings, relative(join(app.outdir, "stacks", "aws"), projectRoot).split("\\").join("/"));
  app.synth();
  return 0;
}

if (require.main === module) {
  process.exitCode = main();
}
