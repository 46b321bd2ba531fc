// Boot configurations are files in cloud-config/ with {{placeholders}}; this fills them in. For Terraform they
// become template files beside the stack's configuration (./template-file.ts): literal text is escaped so a
// shell's ${var} stays a shell variable, and values that are cdktf tokens (resource attributes, file() reads)
// become template variables that Terraform fills in at plan time.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Token } from "cdktf";
import { projectRoot } from "../settings/paths";
import { templateText } from "./literal";

export type RenderTarget = "terraform" | "plain";

/** A boot configuration as a Terraform template. */
export interface BootTemplate {
  /** Template text: literal text escaped, each token value a `${name}` variable. */
  readonly text: string;
  /** The variables: cdktf tokens, resolved by Terraform at plan time. */
  readonly vars: Record<string, string>;
}

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;
export function readBootTemplate(name: string): string {
  return readFileSync(join(projectRoot, "cloud-config", name), "utf8");
}

/**
 * Fills `{{name}}` placeholders of cloud-config/<name>; every placeholder needs a value and every value a
 * placeholder. `plain` gives the text as the machine runs it (values must be literal); `terraform` gives a
 * template whose token values are left for Terraform.
 */
export function renderBootConfig(name: string, values: Record<string, string | number>, target: "plain"): string;
export function renderBootConfig(name: string, values: Record<string, string | number>, target?: "terraform"): BootTemplate;
export function renderBootConfig(name: string, values: Record<string, string | number>, target: RenderTarget): string | BootTemplate;
export function renderBootConfig(
  name: string,
  values: Record<string, string | number>,
  target: RenderTarget = "terraform",
): string | BootTemplate {
  return fillTemplate(readBootTemplate(name), values, target, `cloud-config/${name}`);
}

/** renderBootConfig() of a template given as text; `label` names it in errors. */
export function fillTemplate(
  template: string,
  values: Record<string, string | number>,
  target: RenderTarget,
  label: string,
): string | BootTemplate {
  const used = new Set<string>();
  const vars: Record<string, string> = {};
  const escape = (text: string) => (target === "terraform" ? templateText(text) : text);
  let out = "";
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const key = match[1];
    if (!(key in values)) throw new Error(`${label}: no value for {{${key}}}`);
    used.add(key);
    const value = String(values[key]);
    out += escape(template.slice(last, match.index));
    if (Token.isUnresolved(value)) {
      if (target === "plain") throw new Error(`${label}: {{${key}}} is a Terraform value; plain text needs it literal`);
      vars[key] = value;
      // "$${" is an escape: dollar signs right before the variable go in an interpolation of their own.
      out = out.replace(/\$+$/, (dollars) => `\${"${dollars}"}`) + `\${${key}}`;
    } else {
      // A multi-line value continues at the placeholder's column (a YAML block scalar, say).
      const column = match.index - template.lastIndexOf("\n", match.index) - 1;
      out += escape(value.replace(/\n$/, "").replace(/\n/g, `\n${" ".repeat(column)}`));
    }
    last = match.index + match[0].length;
  }
  out += escape(template.slice(last));
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`${label}: no placeholder for ${unused.join(", ")}`);
  return target === "plain" ? out : { text: out, vars };
}

/** Templates one after the other, as one. */
export function concatTemplates(...parts: BootTemplate[]): BootTemplate {
  const vars: Record<string, string> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part.vars)) {
      if (key in vars && vars[key] !== value) throw new Error(`boot templates disagree on the value of \${${key}}`);
      vars[key] = value;
    }
  }
  return { text: parts.map((p) => p.text).join(""), vars };
}
