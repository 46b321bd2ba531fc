// The synthesized output as Terraform reads it: one configuration format per stack directory.
import { type Dirent, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Stack directories below `outdir` that hold both cdk.tf.json and cdk.tf, which Terraform would read together. */
export function mixedFormatStacks(outdir: string): string[] {
  const stacks = join(outdir, "stacks");
  let entries: Dirent[];
  try {
    entries = readdirSync(stacks, { withFileTypes: true });
  } catch {
    return []; // no stacks yet, or not a directory: a synthesis says what is wrong with it
  }
  return entries
    .filter((e) => e.isDirectory() && ["cdk.tf.json", "cdk.tf"].every((f) => existsSync(join(stacks, e.name, f))))
    .map((e) => join(stacks, e.name));
}

/** The one-line refusal for mixed directories, naming the command that rewrites them (with `output`, the directory's option). */
export function mixedFormatMessage(dirs: readonly string[], output?: string): string {
  const option = output === undefined ? "" : ` --output=${output}`;
  return (
    `${dirs.join(", ")} ${dirs.length === 1 ? "holds" : "hold"} both cdk.tf.json (JSON) and cdk.tf (HCL), which Terraform ` +
    `would read together as duplicate resources: run \`npm run synth${option ? ` --${option}` : ""}\` (JSON) or \`npm run synth -- --hcl${option}\` to rewrite the output`
  );
}

/**
 * Directories in `outdir`'s stacks/ that are neither one of `stacks` nor a stack a synthesis wrote (holding cdk.tf.json
 * or cdk.tf): cdktf's synth removes every directory there that it did not just synthesize.
 */
export function foreignStackDirectories(outdir: string, stacks: readonly string[]): string[] {
  const dir = join(outdir, "stacks");
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && !stacks.includes(e.name) && !["cdk.tf.json", "cdk.tf"].some((f) => existsSync(join(dir, e.name, f))))
    .map((e) => join(dir, e.name));
}
