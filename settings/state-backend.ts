// Where Terraform keeps each stack's state, as the settings say: the backend block the stacks synthesize, and what
// the deploy commands compare with the backend a stack directory was last initialised for.
import { posix } from "node:path";
import type { Settings } from "./schema";

/** A backend as Terraform's configuration names it: its type and the attributes of its block. */
export type StateBackend =
  | { readonly type: "local"; readonly config: { readonly path: string } }
  | {
      readonly type: "s3";
      readonly config: { readonly bucket: string; readonly key: string; readonly region: string; readonly encrypt: true; readonly use_lockfile: true };
    };

/**
 * The backend of the stack `stack`, and where its state is (for messages). `projectDir` is the project as seen from
 * the stack's directory, which a local path starts from.
 */
export function stateBackend(
  settings: Pick<Settings, "state" | "environment" | "region">,
  stack: string,
  projectDir: string,
): { backend: StateBackend; location: string } {
  const state = settings.state;
  // Each environment, and with keyIncludesRegion each region, keeps its state apart:
  // <prefix>/<environment>/<region>/<stack>.tfstate, locally or in S3.
  const file = posix.join(settings.environment ?? "", state.keyIncludesRegion ? settings.region : "", `${stack}.tfstate`);
  if (state.bucket) {
    // S3-native locking (Terraform 1.10+), no DynamoDB table.
    const config = { bucket: state.bucket, key: `${state.keyPrefix}/${file}`, region: state.region ?? settings.region, encrypt: true, use_lockfile: true } as const;
    return { backend: { type: "s3", config }, location: `s3://${state.bucket}/${state.keyPrefix}/${file}` };
  }
  return { backend: { type: "local", config: { path: posix.join(projectDir, state.localDir, file) } }, location: posix.join(state.localDir, file) };
}
