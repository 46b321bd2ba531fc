import { posix } from "node:path";
import { Annotations, LocalBackend, S3Backend, type TerraformStack } from "cdktf";
import type { Settings } from "../settings/schema";

/**
 * Gives a stack an explicit backend. cdktf's implicit local backend writes an absolute path of the machine
 * into the synthesized JSON; ours is relative to the stack's directory, or S3 when a bucket is set.
 * Cross-stack references read the same location through terraform_remote_state.
 */
export function configureBackend(stack: TerraformStack, settings: Settings, projectDir: string): void {
  const name = stack.node.id;
  const state = settings.state;
  // Each environment, and with keyIncludesRegion each region, keeps its state apart:
  // <prefix>/<environment>/<region>/<stack>.tfstate, locally or in S3.
  const file = posix.join(settings.environment ?? "", state.keyIncludesRegion ? settings.region : "", `${name}.tfstate`);
  const location = state.bucket ? `s3://${state.bucket}/${state.keyPrefix}/${file}` : posix.join(state.localDir, file);
  if (state.bucket) {
    const backend = new S3Backend(stack, {
      bucket: state.bucket,
      key: `${state.keyPrefix}/${file}`,
      region: state.region ?? settings.region,
      encrypt: true,
    });
    // S3-native locking (Terraform 1.10+), no DynamoDB table; cdktf 0.21 has no typed property for it.
    backend.addOverride("use_lockfile", true);
  } else {
    new LocalBackend(stack, { path: posix.join(projectDir, state.localDir, file) });
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
