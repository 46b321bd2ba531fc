import { existsSync } from "node:fs";
import { join } from "node:path";
import { Annotations, App, LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { Settings } from "../settings/schema";
import { describeState, recordedBackend, sameState, shown } from "../settings/initialized-backends";
import { invocationDir, projectRoot } from "../settings/paths";
import { stateBackend } from "../settings/state-backend";

/**
 * Gives a stack an explicit backend. cdktf's implicit local backend writes an absolute path of the machine
 * into the synthesized JSON; ours is relative to the stack's directory, or S3 when a bucket is set.
 * Cross-stack references read the same location through terraform_remote_state.
 */
export function configureBackend(stack: TerraformStack, settings: Settings, projectDir: string, projectPath = projectRoot): void {
  const name = stack.node.id;
  const state = settings.state;
  const { backend, location } = stateBackend(settings, name, projectDir);
  if (backend.type === "s3") {
    const { use_lockfile, ...props } = backend.config;
    // cdktf 0.21 has no typed property for S3-native locking.
    new S3Backend(stack, props).addOverride("use_lockfile", use_lockfile);
  } else {
    new LocalBackend(stack, backend.config);
    // Stacks synthesized outside the project keep their local state beside their output directory: a state the
    // project holds for these settings is not read there, and Terraform would plan to create everything again.
    const projectState = join(projectRoot, location);
    if (projectPath !== projectRoot && existsSync(projectState) && !existsSync(join(projectPath, location))) {
      Annotations.of(stack).addWarning(
        `the ${name} stack, outside the project, keeps its local state at ${join(projectPath, location)}, which does not exist, while the project ` +
          `holds one for these settings (${projectState}): Terraform there would plan to create every resource again; copy the state there, ` +
          "synthesize inside the project (cdktf.out.<environment>), or keep the state in S3 (state.bucket)",
      );
    }
  }
  // A stack directory Terraform last set up for another state (another environment's or region's settings written
  // into its output directory): diff and deploy refuse it, and it is best known as it is written.
  const stackDir = join(App.of(stack).outdir, "stacks", name);
  const recorded = recordedBackend(stackDir, process.env);
  if (recorded && !sameState(recorded, backend)) {
    const from = invocationDir();
    Annotations.of(stack).addWarning(
      `${shown(stackDir, from)} was initialized for the state at ${describeState(recorded, stackDir, from)}, but these settings put it at ` +
        `${describeState(backend, stackDir, from)}: npm run diff and deploy refuse this directory unless given --migrate-state, which moves the state ` +
        "from the one to the other. Unless this stack's state really moved, synthesize each environment, and each region of one, into its own output " +
        "directory (--output=cdktf.out.<environment>)",
    );
  }
  // An existing deployment's state stays where it is until its owner moves it; a new one should name the region.
  if (state.keyIncludesRegion === null) {
    Annotations.of(stack).addWarning(
      `state.keyIncludesRegion is not set, so the ${name} stack's state is at ${location}, a key that names no region: ` +
        `a second region of this environment would find this state and act on it. Set it to true for a new deployment ` +
        `(the key gains /${settings.region}/), or to false to keep this key; docs/operating.md, State, says how to move a deployed state.`,
    );
  }
}
