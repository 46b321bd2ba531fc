// `npm run graph [-- --out FILE]`: both stacks of the user's settings as a picture. Resources and data sources,
// grouped by the construct they belong to, with an edge for every reference and dependency; the cross-stack edge
// (the docker stack's remote state reading the aws stack's output) and the readiness gate it passes through are
// marked. Graphviz lays it out (its WebAssembly build, @viz-js/viz). `npm run docs` keeps docs/stacks.svg, the
// picture of the default settings, current.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { type App, TerraformDataSource, TerraformResource, Testing } from "cdktf";
import { instance } from "@viz-js/viz";
import { type Stacks, composeApp } from "../main";
import { CONTEXT_ENV, OUTDIR_ENV, environmentMessage } from "../settings/environment";
import { escapeInvisible } from "../settings/errors";
import { type AppSettings, CONFIG_ENV, loadSettings } from "../settings/load";
import { invocationDir, projectRoot, startedAs, userPath } from "../settings/paths";
import { UsageError, UserError, checkPathOption, runCommand } from "./cli";
import { fileHead, fileTargetProblem } from "./output-file";
import { removeScratch, scratchDirectory } from "./scratch";

/** The picture of every resource in docs/stacks.md, of the default settings; only `npm run docs` writes it. */
export const GRAPH_FILE = "docs/stacks.svg";
/** Where `npm run graph` draws when not told: beside the synthesized stacks, ignored by git (unless CDKTF_OUTDIR moves them). */
export const GRAPH_DEFAULT_OUT = "cdktf.out/stacks.svg";

/** The most constructs a stack's picture boxes its resources by. */
const BOXED_GROUPS = 60;

interface Node {
  readonly id: string;
  readonly stack: string;
  readonly address: string;
  readonly group: string;
  readonly gate: boolean;
}

/** Every `${type.name.…}` or `${data.type.name.…}` a configuration refers to, as addresses. */
function references(config: unknown): string[] {
  const found = new Set<string>();
  const text = JSON.stringify(config);
  for (const m of text.matchAll(/\$\{(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|[a-z0-9_]+\.[A-Za-z0-9_-]+)/g)) found.add(m[1]);
  return [...found];
}

/**
 * `use` with a testing app whose output directory is removed afterwards, also on Ctrl-C (Testing.app would leave
 * one in $TMPDIR).
 */
export function withTestingApp<T>(use: (app: App) => T): T {
  const outdir = scratchDirectory("soa-app-");
  // The resources as they are, whatever form a synth would write: SYNTH_HCL_OUTPUT=true (cdktf's way to ask for HCL,
  // which a user may keep exported) has cdktf's App and stacks prepare for the HCL converter, and the stacks'
  // aspects then reshape references the graph draws as edges.
  const hcl = process.env.SYNTH_HCL_OUTPUT;
  delete process.env.SYNTH_HCL_OUTPUT;
  try {
    return use(Testing.app({ outdir }));
  } finally {
    if (hcl !== undefined) process.env.SYNTH_HCL_OUTPUT = hcl;
    removeScratch(outdir);
  }
}

/** The Graphviz description of both stacks of the app `settings` make. */
export function stacksDot(settings: AppSettings, notes: string[] = []): string {
  return withTestingApp((app) => dotOf(composeApp(app, settings), notes));
}

function dotOf(stacks: Stacks, notes: string[]): string {
  for (const stack of Object.values(stacks)) stack.prepareStack();
  const nodes: Node[] = [];
  const edges = new Set<string>();
  const quote = (s: string) => JSON.stringify(s);
  for (const [stackName, stack] of Object.entries(stacks)) {
    const json = JSON.parse(Testing.synth(stack));
    // The construct each element belongs to: the first level below the stack (network, cluster-a, docker-host, …).
    const groups = new Map<string, string>();
    for (const element of stack.node.findAll()) {
      if (element instanceof TerraformResource || element instanceof TerraformDataSource) {
        const type = element instanceof TerraformDataSource ? `data.${element.terraformResourceType}` : element.terraformResourceType;
        groups.set(`${type}.${stack.getLogicalId(element)}`, element.node.path.split("/")[1] ?? stackName);
      }
    }
    const blocks: [string, Record<string, Record<string, any>>][] = [
      ...Object.entries(json.resource ?? {}).map(([type, r]) => [type, r] as [string, Record<string, Record<string, any>>]),
      ...Object.entries(json.data ?? {}).map(([type, r]) => [`data.${type}`, r] as [string, Record<string, Record<string, any>>]),
    ];
    const local = Object.keys(json.locals ?? {});
    for (const [type, resources] of blocks) {
      for (const [name, config] of Object.entries(resources)) {
        const address = `${type}.${name}`;
        nodes.push({ id: `${stackName}:${address}`, stack: stackName, address, group: groups.get(address) ?? stackName, gate: type === "terraform_data" });
        const { "//": _metadata, ...rest } = config;
        const targets = [...references(rest), ...((rest.depends_on as string[] | undefined) ?? [])];
        for (const target of targets) {
          const clean = target.replace(/^\$\{|\}$/g, "");
          if (clean.startsWith("local.")) continue;
          edges.add(`${quote(`${stackName}:${address}`)} -> ${quote(`${stackName}:${clean}`)}`);
        }
        // A resource that uses a local (the boot configuration) depends on what the local refers to.
        for (const l of local) {
          if (JSON.stringify(rest).includes(`local.${l}`)) {
            for (const target of references(json.locals[l])) edges.add(`${quote(`${stackName}:${address}`)} -> ${quote(`${stackName}:${target}`)}`);
          }
        }
      }
    }
  }
  const known = new Set(nodes.map((n) => n.id));
  const kept = [...edges].filter((e) => {
    const [, from, to] = /^("[^"]+") -> ("[^"]+")$/.exec(e)!;
    return known.has(JSON.parse(from)) && known.has(JSON.parse(to)) && from !== to;
  });
  const gate = nodes.find((n) => n.gate)!;
  const remote = nodes.find((n) => n.address.startsWith("data.terraform_remote_state."))!;

  const lines = [
    "digraph stacks {",
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=12, compound=true, newrank=true, nodesep=0.15, ranksep=0.6];',
    '  node [shape=box, style="rounded,filled", fillcolor="#f6f8fa", color="#8c959f", fontname="Helvetica", fontsize=9];',
    '  edge [color="#8c959f", arrowsize=0.5];',
  ];
  for (const stackName of Object.keys(stacks)) {
    lines.push(`  subgraph ${quote(`cluster_${stackName}`)} {`, `    label=${quote(`${stackName} stack`)}; fontsize=16; style=rounded; color="#57606a";`);
    const inStack = nodes.filter((n) => n.stack === stackName);
    const groups = [...new Set(inStack.map((n) => n.group))].sort();
    // A box per construct costs Graphviz time growing faster than the square of their number (400 services and
    // containers took 126 s): past BOXED_GROUPS, the resources are drawn without them.
    const boxed = groups.length <= BOXED_GROUPS;
    if (!boxed) notes.push(`the ${stackName} stack's ${inStack.length} resources are drawn without a box for each of its ${groups.length} constructs (past ${BOXED_GROUPS}, placing the boxes takes minutes)`);
    const byGroup = new Map<string, Node[]>(groups.map((g) => [g, []]));
    for (const n of inStack) byGroup.get(n.group)!.push(n);
    for (const group of groups) {
      if (boxed) lines.push(`    subgraph ${quote(`cluster_${stackName}_${group}`)} {`, `      label=${quote(group)}; style="rounded,dashed"; color="#afb8c1";`);
      for (const n of byGroup.get(group)!.sort((a, b) => a.id.localeCompare(b.id))) {
        const [type, name] = n.address.startsWith("data.") ? [n.address.split(".").slice(0, 2).join("."), n.address.split(".")[2]] : n.address.split(".");
        const short = name.replace(/_[0-9A-F]{8}$/, "");
        const style = n.gate ? ', fillcolor="#ffebe9", color="#cf222e", penwidth=2' : "";
        lines.push(`      ${quote(n.id)} [label=${quote(`${type}\n${short}`)}${style}];`);
      }
      if (boxed) lines.push("    }");
    }
    lines.push("  }");
  }
  for (const e of kept.sort()) lines.push(`  ${e};`);
  lines.push(
    `  ${quote(remote.id)} -> ${quote(gate.id)} [color="#cf222e", penwidth=2, style=bold, label="cross-stack: the host name,\\nonly after the readiness gate", fontcolor="#cf222e", fontsize=9];`,
  );
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** The picture, as SVG; what it leaves out goes into `notes`. */
export async function stacksSvg(settings: AppSettings, notes: string[] = []): Promise<string> {
  const viz = await instance();
  return viz.renderString(stacksDot(settings, notes), { format: "svg" });
}

export const GRAPH_COMMAND = {
  name: "npm run graph",
  usage: `usage: npm run graph [-- --out FILE]

Draws both stacks of your settings (the file ${CONFIG_ENV} names, or the defaults) as SVG: resources grouped by
construct, references as edges, the cross-stack edge and the readiness gate marked.

  --out FILE   where to write the picture (SVG: a name ending in .svg, or none), relative to where you run npm: a new file in a directory that
               exists, or a picture drawn before (an SVG file git does not track); default: stacks.svg beside the synthesized stacks, in ${OUTDIR_ENV} when set,
               else ${GRAPH_DEFAULT_OUT} in the project, which git ignores
  -h, --help   this text

${GRAPH_FILE}, the picture in docs/stacks.md, is drawn from the default settings by \`npm run docs\`.
`,
  options: { out: { type: "string" } },
} as const;

/** Where the picture goes, and how a refusal names where that came from. */
interface Target {
  readonly file: string;
  readonly origin: string;
  /** Named by --out: a refusal is a bad command line. */
  readonly given: boolean;
}

function target(out: string | undefined, env: NodeJS.ProcessEnv): Target {
  if (out !== undefined) {
    checkPathOption("out", out);
    return { file: userPath(out, env), origin: `--out ${out}`, given: true };
  }
  // Beside the synthesized stacks, as synth finds their directory (a relative CDKTF_OUTDIR from where the user typed the command).
  const outdir = env[OUTDIR_ENV];
  if (outdir) return { file: join(userPath(outdir, env), "stacks.svg"), origin: `the output directory ${OUTDIR_ENV}=${outdir} (no --out given)`, given: false };
  return { file: join(projectRoot, GRAPH_DEFAULT_OUT), origin: `the default output directory ${dirname(GRAPH_DEFAULT_OUT)} (no --out given)`, given: false };
}

/** Whether `file` begins as an SVG picture does (an XML declaration, a comment, a doctype or the svg element). */
function looksLikeSvg(file: string): boolean {
  const text = fileHead(file).replace(/^\uFEFF/, "").trimStart();
  return text === "" || (/^<(\?xml|!--|!DOCTYPE svg|svg[\s>])/i.test(text) && /<svg[\s>]/i.test(text));
}

/** What graph may replace: a picture it drew before. */
const PICTURE = { command: "graph", holds: "an SVG picture", looksRight: looksLikeSvg } as const;

/** `npm run graph`: draws the stacks of the settings `env` names to `out`, or beside the synthesized stacks; says where. */
export async function graph(out: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { file, origin, given } = target(out, env);
  // Refused before drawing, in this order: the command line, the environment, the default place, the settings. Paths
  // are the user's: escaped as settings messages escape them, so the terminal shows a control character, not obeys it.
  const badOut = given ? fileTargetProblem(file, PICTURE, false) : undefined;
  if (badOut) throw new UsageError(escapeInvisible(`${origin}: ${badOut}`));
  // A name that promises another format (g.png, g.dot) would get SVG without a word.
  const extension = extname(file);
  if (given && extension !== "" && extension.toLowerCase() !== ".svg") {
    throw new UsageError(escapeInvisible(`${origin}: graph draws SVG only, not ${extension.slice(1)}; expected a file ending in .svg (or no extension)`));
  }
  // cdktf's App reads the context from the environment, and fails on a bad one with a trace.
  const environment = environmentMessage(env, given ? [CONTEXT_ENV] : [OUTDIR_ENV, CONTEXT_ENV], invocationDir(env));
  if (environment) throw new UserError(environment);
  const badDefault = given ? undefined : fileTargetProblem(file, PICTURE, true);
  if (badDefault) throw new UserError(escapeInvisible(`${origin}: ${badDefault}; give --out FILE, or move it`));
  const notes: string[] = [];
  const svg = await stacksSvg(loadSettings(env), notes);
  try {
    if (!given) mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, svg);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(escapeInvisible(`${origin}: cannot write ${file} (${code ?? (error as Error).message})`));
  }
  const source = env[CONFIG_ENV]?.trim() ? `${CONFIG_ENV} file ${env[CONFIG_ENV].trim()}` : "the default settings";
  const shown = relative(invocationDir(env), file);
  return [`drew the stacks of ${source} to ${shown === "" || shown.startsWith("..") ? file : shown}`, ...notes.map((n) => `note: ${n}`)].map(escapeInvisible).join("\n");
}

if (startedAs("graph")) {
  runCommand(GRAPH_COMMAND, async ({ values }) => {
    process.stdout.write(`${await graph(values.out)}\n`);
    return 0;
  });
}
