// `npm run review -- [base-ref] [--markdown] [--base-settings=FILE]`: what a change does to the synthesized
// Terraform, as `cdk diff` shows it. Synthesizes the base (default: the merge base with main) and the working tree
// into temporary directories and prints first a security summary (IAM statements, managed policies, network rules,
// exposures to the internet, security groups attached and containers' privileges added or removed,
// ./review-security.ts), then where state moves and what changes in the providers (a new backend or region), then per stack the resources added and removed with their
// attributes, the resources changed with each changed attribute, and the changes that force Terraform to replace a
// resource (./review-replacements.ts). Long text (boot configurations, container definitions, policies) is shown as
// lines; JSON documents as indented JSON and template files as the text Terraform renders. `--markdown` writes
// the same for a GitHub job summary.
//
// Settings (./review-sides.ts): the working tree uses INFRA_CONFIG as it is now; the base uses --base-settings if
// given, else the INFRA_CONFIG file as committed at the base ref if it is in the repository and tracked there,
// else the same working-tree file. The output's second line says which.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, readFileSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { decodeTemplatefileCall } from "../policy/synthesized";
import { literalText } from "../constructs/literal";
import { showVariables } from "../constructs/template-file";
import { CONTEXT_ENV, environmentMessage } from "../settings/environment";
import { escapeInvisible } from "../settings/errors";
import { projectRoot, startedAs } from "../settings/paths";
import { UserError, runCommand } from "./cli";
import { replacementOf } from "./review-replacements";
import { exitIfInterrupted, removeScratch, scratchDirectory } from "./scratch";
import { type SecurityChanges, documentData, securityChanges, securityMarkdown, securityText } from "./review-security";
import { codeFence, codeSpan } from "./markdown";
import { type SideSettings, baseCommit, baseTaskDefinitions, extractTree, repositoryTop, reviewSettings } from "./review-sides";

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
  /** Where the state is kept: the whole backend block before and after, for a line of its own. */
  readonly whole?: { readonly before: unknown; readonly after: unknown };
}

export interface StackReview {
  readonly stack: string;
  readonly changes: ElementChange[];
  readonly security: SecurityChanges;
}

export type DiffLine = { readonly op: " " | "-" | "+"; readonly text: string };

const LONG_TEXT = 100;
const CONTEXT = 3;

/**
 * The elements of a configuration by address: where its state is kept (`terraform.backend`), the providers it
 * requires and how they are configured (`provider.aws`, `provider.aws.ALIAS`: the region, the account's role),
 * resources, data sources, outputs and locals.
 */
function elements(stack: SynthesizedStack): Map<string, Json> {
  const out = new Map<string, Json>();
  const { config } = stack;
  for (const [key, value] of Object.entries<unknown>(config.terraform ?? {})) {
    out.set(`terraform.${key}`, value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : { value });
  }
  for (const [name, blocks] of Object.entries<unknown>(config.provider ?? {})) {
    for (const block of (Array.isArray(blocks) ? blocks : [blocks]) as Json[]) out.set(`provider.${name}${block.alias ? `.${block.alias}` : ""}`, block);
  }
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
    // Text from settings quoted for Terraform (`${"a\nb"}`): as the lines it stands for.
    const text = literalText(value);
    if (text !== undefined) return text;
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

/** Whether `path` is a list whose order means nothing to Terraform: `depends_on`, at any depth. */
const isSet = (path: string) => /(^|\.)depends_on$/.test(path);

/**
 * The leaves of a value by path (`a.b[0].c`); long or multi-line strings are leaves of their own, and so is a
 * `depends_on` list, sorted: a dependency added before others is one change, not a shift of every later one.
 */
function leaves(value: unknown, path = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value) && isSet(path) && value.every((v) => typeof v === "string")) out.set(path, [...value].sort());
  else if (Array.isArray(value) && value.length > 0) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
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
  // An empty list or map on one side, filled on the other: the lines of its entries say it all ("ports: [] ->
  // (none)" before them said nothing).
  const emptied = (value: unknown, path: string, other: Map<string, unknown>) =>
    value !== null && typeof value === "object" && Object.keys(value).length === 0 && [...other.keys()].some((p) => p.startsWith(`${path}[`) || p.startsWith(`${path}.`));
  for (const path of paths) {
    const x = a.get(path);
    const y = b.get(path);
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    if ((y === undefined && emptied(x, path, b)) || (x === undefined && emptied(y, path, a))) continue;
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
      const change = x ? "removed" : "added";
      const whole = address === "terraform.backend" ? { whole: { before: x, after: y } } : {};
      changes.push({ address, change, attributes: presentAttributes(x ? readable(x, base ?? empty) : readable(y, head ?? empty), change), replacedBy: [], ...whole });
      continue;
    }
    const attributes = attributeChanges(readable(x, base ?? empty), readable(y, head ?? empty));
    if (attributes.length === 0) continue;
    const resource = !/^(data|output|local|terraform|provider)\./.test(address);
    const replacedBy = resource ? replacementOf(address.split(".")[0], attributes, y) : [];
    const whole = address === "terraform.backend" ? { before: x, after: y } : undefined;
    changes.push({ address, change: "changed", attributes, replacedBy, ...(whole ? { whole } : {}) });
  }
  return { stack, changes, security: securityChanges(stack, before, after) };
}

/** Every attribute of an added or removed element, long text as lines. */
function presentAttributes(value: unknown, change: "added" | "removed"): AttributeChange[] {
  const op = change === "added" ? "+" : "-";
  return [...leaves(value)].map(([path, v]) => ({
    path,
    before: change === "removed" ? v : undefined,
    after: change === "added" ? v : undefined,
    lines: isLong(v) ? String(v).split("\n").map((text) => ({ op, text })) : undefined,
  }));
}

/** The most cells of the longest-common-subsequence table lineDiff makes (4 bytes each). */
const LCS_CELLS = 4_000_000;

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
  // The table has a cell for every pair of lines: past LCS_CELLS (16 MB), the lines between the first and the last
  // change are shown as removed, then added (15,000 lines on each side took 1.9 GB, 20,500 took 3.5 GB).
  if (x.length * y.length > LCS_CELLS) {
    return withContext([
      ...a.slice(0, start).map((text) => ({ op: " " as const, text })),
      ...x.map((text) => ({ op: "-" as const, text })),
      ...y.map((text) => ({ op: "+" as const, text })),
      ...a.slice(a.length - end).map((text) => ({ op: " " as const, text })),
    ]);
  }
  const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
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
  return withContext([
    ...a.slice(0, start).map((text) => ({ op: " " as const, text })),
    ...middle,
    ...a.slice(a.length - end).map((text) => ({ op: " " as const, text })),
  ]);
}

/** The changed lines of `all` with CONTEXT unchanged lines around each; a gap becomes one "…" line. */
function withContext(all: DiffLine[]): DiffLine[] {
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

/** An attribute of an element as text lines: old -> new when changed, the value when added or removed. */
function attributeText(c: ElementChange, a: AttributeChange): string[] {
  if (a.lines) return [`    ${a.path}:`, ...a.lines.map((line) => `      ${line.op} ${line.text}`)];
  if (c.change === "changed") return [`    ${a.path}: ${show(a.before)} -> ${show(a.after)}`];
  return [`    ${a.path}: ${show(c.change === "added" ? a.after : a.before)}`];
}

/** The backend and its settings in a line: `s3 bucket=my-state key=soa/prod/aws.tfstate region=us-west-1`. */
function backendLine(value: unknown): string {
  if (!value || typeof value !== "object") return "(none)";
  return Object.entries(value as Json)
    .map(([type, settings]) => [type, ...[...leaves(settings)].map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)].join(" "))
    .join("; ");
}

/**
 * Where a backend keeps the state, as the settings that name it: the backend's type, and for each type the
 * arguments that choose the object (a local path; an S3 bucket, key, region and workspace prefix; …). Anything else
 * (locking, encryption, credentials) changes how the same state is reached.
 */
function stateIdentity(value: unknown): string {
  const PLACE = ["path", "workspace_dir", "bucket", "key", "region", "workspace_key_prefix", "endpoint", "prefix", "container_name", "resource_group_name", "storage_account_name", "organization", "workspaces", "hostname"];
  return JSON.stringify(Object.entries((value ?? {}) as Json).map(([type, settings]) => [type, PLACE.map((k) => (settings as Json)?.[k] ?? null)]));
}

/**
 * Changes to where a stack's state is kept and to its providers' configuration, in a line each: a new backend or
 * state key makes Terraform start from an empty state (every resource created again, the old ones left running),
 * and a new region or account deploys the stack somewhere else. Shown before the stacks' elements.
 */
function placementLines(reviews: StackReview[]): string[] {
  const lines: string[] = [];
  for (const review of reviews) {
    for (const c of review.changes) {
      if (c.address === "terraform.backend") {
        const [before, after] = [c.whole?.before, c.whole?.after];
        if (before === undefined) lines.push(`  ${review.stack}: a new stack, its state at ${backendLine(after)}`);
        else if (after === undefined) lines.push(`  ${review.stack}: no longer synthesized; its state was at ${backendLine(before)}`);
        else if (stateIdentity(before) !== stateIdentity(after)) {
          // The changes below compare configurations; a deploy compares with the state it finds at the new place.
          lines.push(
            `  ${review.stack}: state moves from ${backendLine(before)} to ${backendLine(after)}: a deploy plans against what the new place holds ` +
              "(nothing, for a new one: every resource created anew, those of the old state left as they are), unless --migrate-state moves the state there",
          );
        }
        else lines.push(`  ${review.stack}: the state stays where it is, its backend's settings change: ${backendLine(before)} -> ${backendLine(after)}`);
      } else if (c.address.startsWith("provider.")) {
        const what = c.attributes.map((a) => (c.change === "changed" ? `${a.path}: ${show(a.before)} -> ${show(a.after)}` : `${a.path}: ${show(c.change === "added" ? a.after : a.before)}`));
        lines.push(`  ${review.stack}: ${c.change === "changed" ? "" : `${c.change} `}${c.address}${what.length ? `: ${what.join(", ")}` : ""}`);
      }
    }
  }
  return lines.length ? ["State and providers:", ...lines] : [];
}

/** The review as plain text for a terminal; `subtitle` (the settings used) follows the title. */
export function renderText(reviews: StackReview[], title: string, subtitle?: string): string {
  const placement = placementLines(reviews);
  const out = [title, ...(subtitle ? [subtitle] : []), "", ...securityText(reviews.map((r) => r.security)), ...(placement.length ? ["", ...placement] : [])];
  for (const review of reviews) {
    out.push("", `== ${review.stack}: ${summary(review)}`);
    for (const c of review.changes) {
      out.push(headline(c));
      for (const a of c.attributes) out.push(...attributeText(c, a));
    }
  }
  return `${out.join("\n")}\n`;
}

/** The review as GitHub-flavoured Markdown, for a job summary. */
export function renderMarkdown(reviews: StackReview[], title: string, subtitle?: string): string {
  const code = codeSpan;
  const placement = placementLines(reviews).slice(1).map((line) => `- ${line.trim()}`);
  const out = [`## ${title}`, "", ...(subtitle ? [subtitle, ""] : []), ...securityMarkdown(reviews.map((r) => r.security))];
  if (placement.length) out.push("", "### State and providers", "", ...placement);
  out.push("", "| Stack | Changes |", "| --- | --- |", ...reviews.map((r) => `| ${r.stack} | ${summary(r)} |`));
  // The summary, security and counts first, always; then each change while the whole fits in a job summary.
  let size = Buffer.byteLength(out.join("\n"));
  let left = 0;
  for (const review of reviews) {
    let heading = ["", `### ${review.stack}`, ""];
    for (const c of review.changes) {
      const replaced = c.replacedBy.length ? ` **forces replacement** (${c.replacedBy.map(code).join(", ")})` : "";
      const lines = [...heading, `- ${c.change} ${code(c.address)}${replaced}`];
      for (const a of c.attributes) {
        if (a.lines) {
          const diff = a.lines.map((l) => `  ${l.op}${l.text}`);
          const fence = codeFence(diff);
          lines.push(`  <details><summary>${code(a.path)}</summary>`, "", `  ${fence}diff`, ...diff, `  ${fence}`, "  </details>");
        } else if (c.change === "changed") lines.push(`  - ${code(a.path)}: ${code(show(a.before))} → ${code(show(a.after))}`);
        else lines.push(`  - ${code(a.path)}: ${code(show(c.change === "added" ? a.after : a.before))}`);
      }
      const bytes = Buffer.byteLength(lines.join("\n")) + 1;
      if (left > 0 || size + bytes > SUMMARY_BYTES) {
        left++;
        continue;
      }
      out.push(...lines);
      size += bytes;
      heading = [];
    }
  }
  if (left > 0) {
    out.push("", `… and ${left} more change${left === 1 ? "" : "s"}, not shown: a job summary holds 1 MiB. \`npm run review\` without --markdown lists every one.`);
  }
  return `${out.join("\n")}\n`;
}

/** What GitHub takes of one step's job summary (1 MiB; a larger one is dropped whole), less room for the closing line. */
const SUMMARY_BYTES = 1024 * 1024 - 1024;

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

/**
 * Runs a project's own app command (from its cdktf.json) with the output going to `outdir`. `label`, if given,
 * replaces `dir` in its messages: the base's tree is a scratch directory, gone when the user reads them.
 */
function synthesizeTree(dir: string, outdir: string, settings: SideSettings, side: string, label?: string): void {
  const app: string = JSON.parse(readFileSync(join(dir, "cdktf.json"), "utf8")).app;
  const env = { ...process.env, CDKTF_OUTDIR: outdir, SYNTH_HCL_OUTPUT: "false", INFRA_CONFIG: settings.file ?? "" };
  const result = spawnSync(app, { shell: true, cwd: dir, env, encoding: "utf8" });
  exitIfInterrupted(result);
  // The base's settings may be a copy in the scratch directory too: named as the file the copy was made of.
  let said = label ? result.stderr.split(`${dir}/`).join(label) : result.stderr;
  if (label && settings.file) said = said.split(settings.file).join(settings.shown);
  if (result.status !== 0) throw new UserError(`${side} does not synthesize (${app}, settings ${settings.shown}):\n${said.trim()}`);
}

export const USAGE = `usage: npm run review -- [base-ref] [--markdown] [--base-settings=FILE]

What a change does to the synthesized Terraform, as cdk diff shows it: synthesizes base-ref and the working tree,
then prints the security changes (IAM statements, managed policies, network rules, exposures to the internet,
security groups attached and containers' privileges, added or removed), where each stack's state moves and what
changes in its providers, and, per stack, the resources added and removed with their attributes and those changed with each changed attribute.
  base-ref              commit, branch or tag to compare with (default: the merge base of HEAD with main, or
                        origin/main)
  --markdown            write GitHub-flavoured Markdown, for a job summary
  --base-settings=FILE  settings file for the base (default: see below)
  -h, --help            show this
Settings: the working tree is synthesized with INFRA_CONFIG as it is now (built-in defaults when unset). The base
uses --base-settings if given; else the INFRA_CONFIG file as committed at base-ref, if it is in the repository and
tracked there; else the same working-tree file. The output's second line names what each side used. Task
definitions in the project are read, for the base, as committed there; one outside it, or one the base lacks, as
it is now, on both sides.
Relative paths are from the directory you typed the command in.`;

const COMMAND = {
  name: "npm run review",
  usage: USAGE,
  options: { markdown: { type: "boolean" }, "base-settings": { type: "string" } },
  positionals: { max: 1, name: "base ref" },
} as const;

/** The review of the working tree against `baseRef`, as text or Markdown. */
export function review(options: { baseRef?: string; markdown?: boolean; baseSettings?: string }, env: NodeJS.ProcessEnv = process.env): string {
  const top = repositoryTop();
  const base = baseCommit(options.baseRef);
  // Both sides' app commands read the context (each is given its output directory); the base's code may not check it.
  const environment = environmentMessage(env, [CONTEXT_ENV]);
  if (environment) throw new UserError(environment);
  const work = scratchDirectory("soa-review-");
  try {
    const settings = reviewSettings({ commit: base, top, work, baseSettings: options.baseSettings, env });
    const short = base.slice(0, 12);
    synthesizeTree(projectRoot, join(work, "head.out"), settings.head, "the working tree");
    // The base's sources as committed, with this checkout's installed packages and, when the app command finds
    // them up to date (it compares the digest of every input), this checkout's app bundles: no rebuild of 3.4 MB.
    const tree = join(work, "base");
    extractTree(base, tree);
    if (!lstatSync(join(tree, "node_modules"), { throwIfNoEntry: false })) symlinkSync(join(projectRoot, "node_modules"), join(tree, "node_modules"), "dir");
    if (existsSync(join(projectRoot, "dist", "app"))) cpSync(join(projectRoot, "dist", "app"), join(tree, "dist", "app"), { recursive: true });
    const baseSide = baseTaskDefinitions(settings.base, work, tree, short);
    synthesizeTree(tree, join(work, "base.out"), baseSide.side, `the base (${short})`, `${short}:`);
    const reviews = reviewAll(readSynthesized(join(work, "base.out")), readSynthesized(join(work, "head.out")));
    const title = `Synthesized Terraform: ${short} (base) → working tree`;
    // Paths as typed may hold any character: shown escaped, as settings messages show them.
    const said = escapeInvisible([settings.summary, ...baseSide.notes].join("; "));
    return options.markdown ? renderMarkdown(reviews, title, said) : renderText(reviews, title, said);
  } finally {
    removeScratch(work);
  }
}

if (startedAs("review")) {
  runCommand(COMMAND, ({ values, positionals }) => {
    process.stdout.write(review({ baseRef: positionals[0], markdown: values.markdown, baseSettings: values["base-settings"] }));
    return 0;
  });
}
