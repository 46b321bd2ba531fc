// `npm run review -- [base-ref] [--markdown]`: what a change does to the synthesized Terraform. Synthesizes the
// base (default: the merge base with main) and the working tree into temporary directories, with the same
// settings (INFRA_CONFIG), and prints per stack the resources added, removed and changed, each changed attribute,
// and the changes that force Terraform to replace a resource. Long text (boot configurations, container
// definitions, policies) is shown as a line diff of its text; JSON documents are compared as indented JSON and
// template files as the text Terraform renders. `--markdown` writes the same for a GitHub job summary.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { decodeJsonDocument, decodeTemplatefileCall, isJsonDocument } from "../constructs/json-document";
import { showVariables } from "../constructs/template-file";
import { projectRoot, startedAs } from "../settings/paths";
import { replacementOf } from "./review-replacements";

type Json = Record<string, any>;

/** One stack as synthesized: its Terraform JSON and the template files beside it. */
export interface SynthesizedStack {
  readonly config: Json;
  readonly files: Record<string, string>;
}

export interface AttributeChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** For long text: the line diff of before and after. */
  readonly lines?: DiffLine[];
}

export interface ElementChange {
  readonly address: string;
  readonly change: "added" | "removed" | "changed";
  readonly attributes: AttributeChange[];
  /** The changed arguments that make Terraform replace the resource, when known. */
  readonly replacedBy: string[];
}

export interface StackReview {
  readonly stack: string;
  readonly changes: ElementChange[];
}

export type DiffLine = { readonly op: " " | "-" | "+"; readonly text: string };

const LONG_TEXT = 100;
const CONTEXT = 3;

/** The elements of a configuration by address: resources, data sources, outputs and locals. */
function elements(stack: SynthesizedStack): Map<string, Json> {
  const out = new Map<string, Json>();
  const { config } = stack;
  for (const [type, byName] of Object.entries<Json>(config.resource ?? {})) {
    for (const [name, body] of Object.entries<Json>(byName)) out.set(`${type}.${name}`, body);
  }
  for (const [type, byName] of Object.entries<Json>(config.data ?? {})) {
    for (const [name, body] of Object.entries<Json>(byName)) out.set(`data.${type}.${name}`, body);
  }
  for (const [name, body] of Object.entries<Json>(config.output ?? {})) out.set(`output.${name}`, body);
  for (const [name, value] of Object.entries(config.locals ?? {})) out.set(`local.${name}`, { value });
  return out;
}

/**
 * A value as a reviewer should compare it: metadata dropped, `${local.x}` replaced by the local's value,
 * templatefile() calls shown with the file's text, and JSON documents decoded.
 */
function readable(value: unknown, stack: SynthesizedStack): unknown {
  if (typeof value === "string") {
    const local = /^\$\{local\.([^}]+)\}$/.exec(value);
    if (local && stack.config.locals?.[local[1]] !== undefined) return readable(stack.config.locals[local[1]], stack);
    const template = decodeTemplatefileCall(value);
    // Variables shown as their expressions: the text reads as a boot configuration written inline used to.
    if (template && template.path in stack.files) return showVariables(stack.files[template.path], template.vars);
    const document = documentData(value);
    return document === undefined ? value : `JSON document:\n${JSON.stringify(document, null, 2)}`;
  }
  if (Array.isArray(value)) return value.map((v) => readable(v, stack));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== "//").map(([k, v]) => [k, readable(v, stack)]));
  }
  return value;
}

/**
 * The data of a JSON document, whether written as jsonencode() or as JSON text: the AWS provider compares
 * policies and container definitions as data, so the same data in another form is no change.
 */
function documentData(value: string): unknown {
  const text = value.trim();
  if (!isJsonDocument(text) && !/^[[{]/.test(text)) return undefined;
  try {
    const data = decodeJsonDocument(text);
    return typeof data === "object" && data !== null ? data : undefined;
  } catch {
    return undefined;
  }
}

/** The leaves of a value by path (`a.b[0].c`); long or multi-line strings are leaves of their own. */
function leaves(value: unknown, path = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value) && value.length > 0) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  else if (value && typeof value === "object" && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else out.set(path, value);
  return out;
}

const isLong = (v: unknown) => typeof v === "string" && (v.includes("\n") || v.length > LONG_TEXT);

function attributeChanges(before: unknown, after: unknown): AttributeChange[] {
  const a = leaves(before);
  const b = leaves(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: AttributeChange[] = [];
  for (const path of paths) {
    const x = a.get(path);
    const y = b.get(path);
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    const lines = isLong(x) || isLong(y) ? lineDiff(String(x ?? ""), String(y ?? "")) : undefined;
    changes.push({ path, before: x, after: y, lines });
  }
  return changes;
}

/** The review of one stack: base against head. */
export function reviewStack(stack: string, base: SynthesizedStack | undefined, head: SynthesizedStack | undefined): StackReview {
  const empty: SynthesizedStack = { config: {}, files: {} };
  const before = elements(base ?? empty);
  const after = elements(head ?? empty);
  const changes: ElementChange[] = [];
  for (const address of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const x = before.get(address);
    const y = after.get(address);
    if (!x || !y) {
      changes.push({ address, change: x ? "removed" : "added", attributes: [], replacedBy: [] });
      continue;
    }
    const attributes = attributeChanges(readable(x, base ?? empty), readable(y, head ?? empty));
    if (attributes.length === 0) continue;
    const resource = !/^(data|output|local)\./.test(address);
    const replacedBy = resource ? replacementOf(address.split(".")[0], attributes, y) : [];
    changes.push({ address, change: "changed", attributes, replacedBy });
  }
  return { stack, changes };
}

/** A line diff (longest common subsequence), with CONTEXT unchanged lines around each change. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  // Common prefix and suffix first: boot configurations change in a few lines of hundreds.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const x = a.slice(start, a.length - end);
  const y = b.slice(start, b.length - end);
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const middle: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      middle.push({ op: " ", text: x[i++] });
      j++;
    } else if (i < x.length && (j === y.length || lcs[i + 1][j] >= lcs[i][j + 1])) middle.push({ op: "-", text: x[i++] });
    else middle.push({ op: "+", text: y[j++] });
  }
  const all: DiffLine[] = [
    ...a.slice(0, start).map((text) => ({ op: " " as const, text })),
    ...middle,
    ...a.slice(a.length - end).map((text) => ({ op: " " as const, text })),
  ];
  // Keep changed lines and their context; a gap becomes one "…" line.
  const keep = all.map((_, k) => all.slice(Math.max(0, k - CONTEXT), k + CONTEXT + 1).some((l) => l.op !== " "));
  const out: DiffLine[] = [];
  all.forEach((line, k) => {
    if (keep[k]) out.push(line);
    else if (keep[k - 1] !== false || k === 0) out.push({ op: " ", text: "…" });
  });
  return out;
}

const show = (v: unknown) => (v === undefined ? "(none)" : JSON.stringify(v));

function summary(review: StackReview): string {
  const count = (c: ElementChange["change"]) => review.changes.filter((x) => x.change === c).length;
  const replaced = review.changes.filter((c) => c.replacedBy.length > 0).length;
  return `${count("added")} added, ${count("removed")} removed, ${count("changed")} changed${replaced ? ` (${replaced} replaced)` : ""}`;
}

const SIGN = { added: "+", removed: "-", changed: "~" } as const;

function headline(c: ElementChange): string {
  return `${SIGN[c.change]} ${c.address}${c.replacedBy.length ? ` (forces replacement: ${c.replacedBy.join(", ")})` : ""}`;
}

/** The review as plain text for a terminal. */
export function renderText(reviews: StackReview[], title: string): string {
  const out = [title];
  for (const review of reviews) {
    out.push("", `== ${review.stack}: ${summary(review)}`);
    for (const c of review.changes) {
      out.push(headline(c));
      for (const a of c.attributes) {
        if (a.lines) {
          out.push(`    ${a.path}:`);
          for (const line of a.lines) out.push(`      ${line.op} ${line.text}`);
        } else out.push(`    ${a.path}: ${show(a.before)} -> ${show(a.after)}`);
      }
    }
  }
  return `${out.join("\n")}\n`;
}

/** The review as GitHub-flavoured Markdown, for a job summary. */
export function renderMarkdown(reviews: StackReview[], title: string): string {
  const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
  const out = [`## ${title}`, "", "| Stack | Changes |", "| --- | --- |", ...reviews.map((r) => `| ${r.stack} | ${summary(r)} |`)];
  for (const review of reviews) {
    if (review.changes.length === 0) continue;
    out.push("", `### ${review.stack}`, "");
    for (const c of review.changes) {
      const replaced = c.replacedBy.length ? ` **forces replacement** (${c.replacedBy.map(code).join(", ")})` : "";
      out.push(`- ${c.change} ${code(c.address)}${replaced}`);
      for (const a of c.attributes) {
        if (a.lines) {
          out.push(`  <details><summary>${code(a.path)}</summary>`, "", "  ```diff", ...a.lines.map((l) => `  ${l.op}${l.text}`), "  ```", "  </details>");
        } else out.push(`  - ${code(a.path)}: ${code(show(a.before))} → ${code(show(a.after))}`);
      }
    }
  }
  return `${out.join("\n")}\n`;
}

/** The stacks in a cdktf output directory. */
export function readSynthesized(outdir: string): Record<string, SynthesizedStack> {
  const stacksDir = join(outdir, "stacks");
  const stacks: Record<string, SynthesizedStack> = {};
  for (const stack of existsSync(stacksDir) ? readdirSync(stacksDir).sort() : []) {
    const dir = join(stacksDir, stack);
    const files: Record<string, string> = {};
    const walk = (d: string) => {
      for (const entry of readdirSync(d)) {
        const path = join(d, entry);
        if (statSync(path).isDirectory()) walk(path);
        else files[relative(dir, path).split("\\").join("/")] = readFileSync(path, "utf8");
      }
    };
    if (existsSync(join(dir, "templates"))) walk(join(dir, "templates"));
    stacks[stack] = { config: JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")), files };
  }
  return stacks;
}

export function reviewAll(base: Record<string, SynthesizedStack>, head: Record<string, SynthesizedStack>): StackReview[] {
  return [...new Set([...Object.keys(base), ...Object.keys(head)])].sort().map((s) => reviewStack(s, base[s], head[s]));
}

/** Runs a project's own app command (from its cdktf.json) with the output going to `outdir`. */
function synthesizeTree(dir: string, outdir: string): void {
  const app: string = JSON.parse(readFileSync(join(dir, "cdktf.json"), "utf8")).app;
  const result = spawnSync(app, { shell: true, cwd: dir, env: { ...process.env, CDKTF_OUTDIR: outdir, SYNTH_HCL_OUTPUT: "false" }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`synthesis in ${dir} failed (${app}):\n${result.stderr}`);
}

function git(args: string[]): string {
  return execFileSync("git", args, { cwd: projectRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The base to compare with: the given ref, or the merge base of HEAD with main (or origin/main). */
function baseRef(given?: string): string {
  if (given) return git(["rev-parse", "--verify", `${given}^{commit}`]);
  for (const main of ["main", "origin/main"]) {
    try {
      return git(["merge-base", "HEAD", main]);
    } catch {
      // try the next name
    }
  }
  throw new Error("no base given and no merge base with main or origin/main: pass a ref, e.g. npm run review -- HEAD~1");
}

export async function review(args: string[]): Promise<string> {
  const { values, positionals } = parseArgs({ args, options: { markdown: { type: "boolean", default: false } }, allowPositionals: true });
  if (positionals.length > 1) throw new Error("usage: npm run review -- [base-ref] [--markdown]");
  const base = baseRef(positionals[0]);
  const work = mkdtempSync(join(tmpdir(), "soa-review-"));
  try {
    // The base's sources as committed, with this checkout's installed packages.
    const tree = join(work, "base");
    mkdirSync(tree);
    execFileSync("sh", ["-c", `git -C "$0" archive --format=tar "$1" | tar -x -C "$2"`, projectRoot, base, tree]);
    symlinkSync(join(projectRoot, "node_modules"), join(tree, "node_modules"), "dir");
    synthesizeTree(tree, join(work, "base.out"));
    synthesizeTree(projectRoot, join(work, "head.out"));
    const reviews = reviewAll(readSynthesized(join(work, "base.out")), readSynthesized(join(work, "head.out")));
    const title = `Synthesized Terraform: ${base.slice(0, 12)} (base) → working tree`;
    return values.markdown ? renderMarkdown(reviews, title) : renderText(reviews, title);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (startedAs("review")) {
  review(process.argv.slice(2)).then(
    (text) => process.stdout.write(text),
    (error) => {
      process.stderr.write(`review: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
