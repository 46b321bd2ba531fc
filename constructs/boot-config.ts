// Boot configurations are files in cloud-config/ with {{placeholders}}; this fills them in.
// For Terraform, literal text is escaped so a shell's ${var} stays a shell variable, while values that are
// cdktf tokens (resource attributes, file() reads) stay Terraform expressions resolved at plan time.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Token } from "cdktf";
import { projectRoot } from "../settings/paths";
import { literal } from "./literal";

export type RenderTarget = "terraform" | "plain";

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;
export function readBootTemplate(name: string): string {
  return readFileSync(join(projectRoot, "cloud-config", name), "utf8");
}

/**
 * Fills `{{name}}` placeholders of cloud-config/<name>; every placeholder needs a value and every value a
 * placeholder. Values that are cdktf tokens are left for Terraform to resolve.
 */
export function renderBootConfig(
  name: string,
  values: Record<string, string | number>,
  target: RenderTarget = "terraform",
): string {
  const template = readBootTemplate(name);
  const used = new Set<string>();
  const escape = (text: string) => (target === "terraform" ? literal(text) : text);
  let out = "";
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const key = match[1];
    if (!(key in values)) throw new Error(`cloud-config/${name}: no value for {{${key}}}`);
    used.add(key);
    const value = String(values[key]);
    out += escape(template.slice(last, match.index));
    if (Token.isUnresolved(value)) {
      out += value;
    } else {
      // A multi-line value continues at the placeholder's column (a YAML block scalar, say).
      const column = match.index - template.lastIndexOf("\n", match.index) - 1;
      out += escape(value.replace(/\n$/, "").replace(/\n/g, `\n${" ".repeat(column)}`));
    }
    last = match.index + match[0].length;
  }
  out += escape(template.slice(last));
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`cloud-config/${name}: no placeholder for ${unused.join(", ")}`);
  return out;
}

