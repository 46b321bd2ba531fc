// Imports run one way, down the floors (commands, deploy, maintainer → main → stacks → constructs → settings/policy), and no module
// imports itself back through others: the layout in docs/layout.md stays true as the code grows.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { projectRoot } from "../../settings/paths";

const FLOORS: Record<string, number> = { commands: 4, deploy: 4, maintainer: 4, "main.ts": 3, stacks: 2, constructs: 1, settings: 0, policy: 0 };

function sources(dir: string): string[] {
  return readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const files = ["main.ts", ...["commands", "deploy", "maintainer", "stacks", "constructs", "settings", "policy"].flatMap(sources)];

/** The project files `file` imports (relative imports, type-only ones included), as project paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(projectRoot, file), "utf8");
  return [...text.matchAll(/^(?:import|export)[^"';]*?from\s+"(\.[^"]+)"/gm)].map((m) => {
    const target = relative(projectRoot, resolve(projectRoot, dirname(file), m[1]));
    return files.find((f) => f === `${target}.ts` || f === target || f === join(target, "index.ts")) ?? target;
  });
}

const floorOf = (file: string) => FLOORS[file.split("/")[0]];

test("no file imports from a floor above its own", () => {
  const upward = files.flatMap((file) =>
    importsOf(file)
      .filter((target) => floorOf(target) !== undefined && floorOf(target) > floorOf(file))
      .map((target) => `${file} -> ${target}`),
  );
  expect(upward).toEqual([]);
});

test("no import cycles", () => {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
      return;
    }
    state.set(file, "open");
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, "done");
  };
  for (const file of files) visit(file, []);
  expect(cycles).toEqual([]);
});
