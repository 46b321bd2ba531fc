// Which state a stack directory was last initialized for, against the state it is now asked to use. `terraform init`
// records the backend in <stack dir>/.terraform/terraform.tfstate; when the configuration names another one (the
// settings of another environment, a new state key), init stops with "Backend configuration changed" and offers
// -migrate-state or -reconfigure, either of which could point an environment at another one's state, or an empty one.
import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

/** A backend as Terraform records it or a configuration names it: its type and its block's attributes. */
export interface Backend {
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** The attributes that say where a backend keeps the state; the others (encryption, locking) do not move it. */
const LOCATION: Record<string, readonly string[]> = { local: ["path"], s3: ["bucket", "key", "region"] };

/** The backend Terraform last initialized `stackDir` for, or undefined when it has not (or the record is unreadable). */
export function recordedBackend(stackDir: string, env: NodeJS.ProcessEnv): Backend | undefined {
  // TF_DATA_DIR moves .terraform, relative to the directory Terraform runs in.
  const record = join(resolve(stackDir, env.TF_DATA_DIR || ".terraform"), "terraform.tfstate");
  try {
    const backend = JSON.parse(readFileSync(record, "utf8")).backend;
    return typeof backend?.type === "string" && typeof backend.config === "object" && backend.config !== null ? backend : undefined;
  } catch {
    return undefined;
  }
}

/** The backend block of a synthesized JSON configuration (cdk.tf.json), or undefined when there is none to read. */
export function synthesizedBackend(stackDir: string): Backend | undefined {
  const file = join(stackDir, "cdk.tf.json");
  if (!existsSync(file)) return undefined;
  try {
    const [type, config] = Object.entries(JSON.parse(readFileSync(file, "utf8")).terraform?.backend ?? {})[0] ?? [];
    return typeof type === "string" && typeof config === "object" && config !== null ? { type, config: config as Record<string, unknown> } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether two backends keep the state in the same place. */
export function sameState(a: Backend, b: Backend): boolean {
  if (a.type !== b.type) return false;
  const keys = LOCATION[a.type] ?? [...new Set([...Object.keys(a.config), ...Object.keys(b.config)])];
  return keys.every((k) => JSON.stringify(a.config[k] ?? null) === JSON.stringify(b.config[k] ?? null));
}

/** Where a backend keeps a stack's state, for a message: a local path from `from`, or the S3 object and its region. */
export function describeState(backend: Backend, stackDir: string, from: string): string {
  const c = backend.config;
  if (backend.type === "local" && typeof c.path === "string") return shown(resolve(stackDir, c.path), from);
  if (backend.type === "s3") return `s3://${c.bucket}/${c.key} (${c.region})`;
  return `the ${backend.type} backend ${JSON.stringify(c)}`;
}

/** A path as the user reads it: from where they typed the command when it is below it, else absolute. */
export function shown(path: string, from: string): string {
  const rel = relative(from, path);
  return rel && !rel.startsWith("..") ? rel : path;
}
