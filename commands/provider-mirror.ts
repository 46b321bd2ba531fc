// Filesystem mirrors of Terraform providers, for Terraform without a registry: found on the machine (or named in
// TF_PROVIDER_MIRROR) and turned into a CLI configuration, every other provider still coming from its registry.
// Used by `npm run validate` and `npm run test:terraform`, and by the npm scripts that run cdktf (commands/cdktf.ts).
import { readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { escapeInvisible } from "../settings/errors";
import { userPath } from "../settings/paths";
import { UserError } from "./cli";

const MIRROR_ENV = "TF_PROVIDER_MIRROR";

export interface Mirror {
  readonly path: string;
  /** Providers it holds, as registry.terraform.io/<namespace>/<type>. */
  readonly providers: string[];
}

/**
 * Filesystem mirrors of providers (unpacked layout: registry.terraform.io/<namespace>/<type>/<version>/<os_arch>),
 * from TF_PROVIDER_MIRROR (directories separated by ":") or, when it is unset, found on the machine: Terraform's
 * implied local mirror directories, then a shallow search of the software roots /opt, /usr/local and /srv.
 */
export function findMirrors(env: NodeJS.ProcessEnv = process.env): Mirror[] {
  const given = env[MIRROR_ENV]?.split(":").filter(Boolean);
  if (given) {
    return given.map((typed) => {
      // Terraform reads it in each stack's directory: a relative path is the user's, from where they typed the command.
      const path = userPath(typed, env);
      const providers = providersIn(path);
      if (providers.length === 0) {
        const named = path === typed ? typed : `${typed} (${path})`;
        throw new UserError(escapeInvisible(`${MIRROR_ENV}=${named} holds no providers (expected registry.terraform.io/<namespace>/<type>/<version>/<os_arch>/ in it)`));
      }
      return { path, providers };
    });
  }
  const home = env.HOME ?? homedir();
  const implied = [
    join(home, ".terraform.d", "plugins"),
    join(env.XDG_DATA_HOME ?? join(home, ".local", "share"), "terraform", "plugins"),
    ...(env.XDG_DATA_DIRS ?? "/usr/local/share:/usr/share").split(":").map((d) => join(d, "terraform", "plugins")),
  ];
  const found = new Set<string>(implied.filter((d) => providersIn(d).length > 0));
  for (const root of ["/opt", "/usr/local", "/srv"]) searchMirrors(root, 3, found);
  return [...found].map((path) => ({ path, providers: providersIn(path) }));
}

/** Adds every directory down to `depth` below `dir` that is laid out as a provider mirror. */
function searchMirrors(dir: string, depth: number, found: Set<string>): void {
  if (providersIn(dir).length > 0) {
    found.add(dir);
    return;
  }
  if (depth === 0) return;
  for (const child of list(dir)) {
    if (child === "node_modules" || child.startsWith(".")) continue;
    searchMirrors(join(dir, child), depth - 1, found);
  }
}

function providersIn(mirror: string): string[] {
  const host = "registry.terraform.io";
  return list(join(mirror, host)).flatMap((namespace) =>
    list(join(mirror, host, namespace))
      .filter((type) => list(join(mirror, host, namespace, type)).some((version) => list(join(mirror, host, namespace, type, version)).length > 0))
      .map((type) => `${host}/${namespace}/${type}`),
  );
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

/** A CLI configuration: mirrored providers from the mirror, every other provider from its registry as usual. */
export function cliConfig(mirrors: Mirror[]): string {
  const quoted = (xs: string[]) => xs.map((x) => JSON.stringify(x)).join(", ");
  const all = mirrors.flatMap((m) => m.providers);
  return [
    "provider_installation {",
    ...mirrors.map((m) => `  filesystem_mirror {\n    path    = ${JSON.stringify(m.path)}\n    include = [${quoted(m.providers)}]\n  }`),
    `  direct {\n    exclude = [${quoted(all)}]\n  }`,
    "}",
    "",
  ].join("\n");
}

export interface Environment {
  readonly env: NodeJS.ProcessEnv;
  readonly description: string;
}

/** Writes a CLI configuration for the mirrors found into `scratch`; undefined when there are none. */
export function cliConfigFile(scratch: string, env: NodeJS.ProcessEnv = process.env): { file: string; description: string } | undefined {
  const mirrors = findMirrors(env);
  if (mirrors.length === 0) return undefined;
  const file = join(scratch, "terraform.rc");
  writeFileSync(file, cliConfig(mirrors));
  const where = mirrors.map((m) => `${m.path} (${m.providers.join(", ")})`).join("; ");
  return { file, description: `provider mirror: ${where}; every other provider from its registry` };
}

/**
 * How often Go's garbage collector runs in Terraform and its providers, unless GOGC is set: every time the heap has
 * grown by 400 % rather than Go's 100 %. Terraform decodes the AWS provider's whole schema for every command, and
 * collecting garbage meanwhile took a quarter of its CPU time: here `terraform validate` of the aws stack took 6.3
 * CPU-seconds with Go's default and 4.7 with this, peaking at 360 MB of memory instead of 320.
 */
export const TERRAFORM_GOGC = "400";

/**
 * Terraform's environment for our checks: our CLI configuration when a mirror is found, the user's own otherwise;
 * TERRAFORM_GOGC unless GOGC is set.
 */
export function terraformEnvironment(scratch: string, given: NodeJS.ProcessEnv = process.env): Environment {
  const env: NodeJS.ProcessEnv = { GOGC: TERRAFORM_GOGC, ...given, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1", TF_INPUT: "0" };
  const mirror = cliConfigFile(scratch, given);
  if (!mirror) {
    return { env, description: `no provider mirror found (set ${MIRROR_ENV} to use one); providers come from their registries` };
  }
  env.TF_CLI_CONFIG_FILE = mirror.file;
  return { env, description: mirror.description };
}
