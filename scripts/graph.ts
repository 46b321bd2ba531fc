// `npm run graph [-- --out FILE]`: both stacks as a picture. Resources and data sources of the default app,
// grouped by the construct they belong to, with an edge for every reference and dependency; the cross-stack edge
// (the docker stack's remote state reading the aws stack's output) and the readiness gate it passes through are
// marked. Graphviz lays it out (its WebAssembly build, @viz-js/viz); `npm run docs` keeps docs/stacks.svg current.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { TerraformDataSource, TerraformResource, Testing } from "cdktf";
import { instance } from "@viz-js/viz";
import { composeApp } from "../main";
import { resolveSettings } from "../settings/load";
import { projectRoot, startedAs } from "../settings/paths";

export const GRAPH_FILE = "docs/stacks.svg";

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

/** The Graphviz description of both stacks of the default app. */
export function stacksDot(): string {
  const stacks = composeApp(Testing.app(), resolveSettings({}));
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
    const groups = [...new Set(nodes.filter((n) => n.stack === stackName).map((n) => n.group))].sort();
    for (const group of groups) {
      lines.push(`    subgraph ${quote(`cluster_${stackName}_${group}`)} {`, `      label=${quote(group)}; style="rounded,dashed"; color="#afb8c1";`);
      for (const n of nodes.filter((x) => x.stack === stackName && x.group === group).sort((a, b) => a.id.localeCompare(b.id))) {
        const [type, name] = n.address.startsWith("data.") ? [n.address.split(".").slice(0, 2).join("."), n.address.split(".")[2]] : n.address.split(".");
        const short = name.replace(/_[0-9A-F]{8}$/, "");
        const style = n.gate ? ', fillcolor="#ffebe9", color="#cf222e", penwidth=2' : "";
        lines.push(`      ${quote(n.id)} [label=${quote(`${type}\n${short}`)}${style}];`);
      }
      lines.push("    }");
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

/** The picture, as SVG. */
export async function stacksSvg(): Promise<string> {
  const viz = await instance();
  return viz.renderString(stacksDot(), { format: "svg" });
}

async function cli(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: "string", default: GRAPH_FILE } } });
  const out = resolve(projectRoot, values.out!);
  writeFileSync(out, await stacksSvg());
  process.stdout.write(`wrote ${out}\n`);
  return 0;
}

if (startedAs("graph")) {
  cli().then((code) => (process.exitCode = code));
}
