import { Annotations, LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { Settings } from "../settings/schema";
import { stateBackend } from "../settings/state-backend";

/**
 * Gives a stack an explicit backend. cdktf's implicit local backend writes an absolute path of the machine
 * into the synthesized JSON; ours is relative to the stack's directory, or S3 when a bucket is set.
 * Cross-stack references read the same location through terraform_remote_state.
 */
export function configureBackend(stack: TerraformStack, settings: Settings, projectDir: string): void {
  const name = stack.node.id;
  const state = settings.state;
  const { backend, location } = stateBackend(settings, name, projectDir);
  if (backend.type === "s3") {
    const { use_lockfile, ...props } = backend.config;
    // cdktf 0.21 has no typed property for S3-native locking.
    new S3Backend(stack, props).addOverride("use_lockfile", use_lockfile);
  } else {
    new LocalBackend(stack, backend.config);
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
