// `npm run diff|deploy|destroy|output -- [stacks…] [options]`: the cdktf CLI as users run it every day, with
// HashiCorp's telemetry off (offline, the checkpoint call also costs an ENOTFOUND line and seconds), and, when you
// have no Terraform CLI configuration of your own, the provider mirror found on this machine, as
// `npm run validate` uses it, so `terraform init` installs the providers it holds without a registry.
import { spawn } from "node:child_process";
import { promises as dns } from "node:dns";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot, startedAs } from "../settings/paths";
import { cliConfigFile } from "./provider-mirror";

export const COMMANDS = ["diff", "deploy", "destroy", "output", "synth"] as const;

/** Whether the user has a Terraform CLI configuration of their own, which we must not override. */
export function hasOwnCliConfig(env: NodeJS.ProcessEnv): boolean {
  if (env.TF_CLI_CONFIG_FILE) return existsSync(env.TF_CLI_CONFIG_FILE);
  return existsSync(join(env.HOME ?? homedir(), ".terraformrc"));
}

/** Whether Terraform's registry can be reached (its name resolves within two seconds). */
export async function registryReachable(lookup = (host: string) => dns.lookup(host)): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2000)));
  try {
    return await Promise.race([lookup("registry.terraform.io").then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The environment cdktf runs in, and a line saying where providers come from when that is ours to say. A mirror
 * is used when TF_PROVIDER_MIRROR names one, or when the registry cannot be reached: a mirror found on the
 * machine may lack the version the lock file wants, and with the registry up it is not needed.
 */
export async function cdktfEnvironment(
  env: NodeJS.ProcessEnv,
  scratch: string,
  online: () => Promise<boolean> = registryReachable,
): Promise<{ env: NodeJS.ProcessEnv; note?: string }> {
  const out: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: env.CHECKPOINT_DISABLE ?? "1" };
  if (hasOwnCliConfig(env)) return { env: out };
  if (!env.TF_PROVIDER_MIRROR && (await online())) return { env: out };
  const mirror = cliConfigFile(scratch, env);
  if (!mirror) return { env: out };
  out.TF_CLI_CONFIG_FILE = mirror.file;
  return { env: out, note: `providers: ${mirror.description}` };
}

async function cli(args: string[]): Promise<number> {
  const [command] = args;
  if (!COMMANDS.includes(command as (typeof COMMANDS)[number])) {
    process.stderr.write(`usage: npm run ${COMMANDS.join("|")} -- [stack…] [cdktf options]\n`);
    return 2;
  }
  const scratch = mkdtempSync(join(tmpdir(), "soa-cdktf-"));
  try {
    const { env, note } = await cdktfEnvironment(process.env, scratch);
    if (note) process.stderr.write(`${note}\n`);
    const child = spawn(join(projectRoot, "node_modules", ".bin", "cdktf"), args, { cwd: projectRoot, env, stdio: "inherit" });
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
    return await new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (startedAs("cdktf")) {
  cli(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
