// What the end-to-end tests share: the commands run offline from the provider mirror, in workspaces laid out like
// the project (cdktf.out/stacks/<stack> three levels below certs/ and terraform-state/), in temporary directories.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { dockerHostCertificateNames } from "../../constructs/docker-tls";
import { projectRoot } from "../../settings/paths";
import { ensureCertificates } from "../../commands/certs";
import { findMirrors } from "../../commands/provider-mirror";

export const mirrors = findMirrors();
/** The mirror, named, so no run depends on whether the registry's name happens to resolve. */
export const offline: NodeJS.ProcessEnv = {
  TF_PROVIDER_MIRROR: mirrors.map((m) => m.path).join(":"),
  TF_CLI_CONFIG_FILE: "",
  CHECKPOINT_DISABLE: "1",
  AWS_EC2_METADATA_DISABLED: "true",
  INFRA_CONFIG: "",
};

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = projectRoot) {
  const result = spawnSync(command, args, { cwd, env: { ...process.env, INIT_CWD: cwd, ...offline, ...env }, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Every file below `dir`, by path, with its content. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out[relative(dir, join(d, e.name))] = readFileSync(join(d, e.name), "utf8");
    }
  };
  walk(dir);
  return out;
}

export async function workspace(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "commands-"));
  await ensureCertificates({ dir: join(root, "certs"), serverNames: dockerHostCertificateNames("us-west-1") });
  return root;
}

export const cdktf = join(projectRoot, "node_modules", ".bin", "cdktf");
export const synth = join(projectRoot, "commands", "synth.js");
