// npm run graph through its real entry point: the user's settings, drawn where the user asked (from where npm was
// run), a clear line when that cannot be, and never docs/stacks.svg unless asked.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GRAPH_DEFAULT_OUT, GRAPH_FILE } from "../../commands/graph";
import { projectRoot } from "../../settings/paths";

/** Runs the entry point as npm does, from `initCwd`, with a temporary directory of its own. */
function graph(args: string[], env: NodeJS.ProcessEnv = {}, initCwd = projectRoot) {
  const tmp = mkdtempSync(join(tmpdir(), "graph-tmp-"));
  const result = spawnSync(process.execPath, [join(projectRoot, "dist", "commands", "graph.js"), ...args], {
    cwd: projectRoot,
    env: { ...process.env, INFRA_CONFIG: "", INIT_CWD: initCwd, ...env, TMPDIR: tmp },
    encoding: "utf8",
  });
  return { ...result, leftInTmp: readdirSync(tmp) };
}

const committed = statSync(join(projectRoot, GRAPH_FILE)).mtimeMs;
afterAll(() => expect(statSync(join(projectRoot, GRAPH_FILE)).mtimeMs).toBe(committed));

test("draws without loading cdktf's zip code, which only archive assets need (npm run compile defers it)", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  const probe = join(dir, "probe.js");
  writeFileSync(probe, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(join(dir, "modules.json"))}, JSON.stringify(process.moduleLoadList)));`);
  const result = graph(["--out", join(dir, "out.svg")], { NODE_OPTIONS: `--require ${JSON.stringify(probe)}` });
  expect(result.status).toBe(0);
  const modules: string[] = JSON.parse(readFileSync(join(dir, "modules.json"), "utf8"));
  expect(modules.filter((m) => m.includes("zlib"))).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

test("draws the stacks of the INFRA_CONFIG file, to --out relative to where npm was run", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  const settings = join(dir, "settings.json");
  writeFileSync(settings, JSON.stringify({ services: { bot: null, worker: { cluster: "b", taskDefinition: "task-definitions/bottask.json" } } }));
  const result = graph(["--out", "mine.svg"], { INFRA_CONFIG: settings }, dir);
  expect(result.stderr).toBe("");
  expect(result.stdout).toBe(`drew the stacks of INFRA_CONFIG file ${settings} to mine.svg\n`);
  expect(result.status).toBe(0);
  expect(result.leftInTmp).toEqual([]);
  const svg = readFileSync(join(dir, "mine.svg"), "utf8");
  expect(svg).toMatch(/^<\?xml|^<svg/);
  expect(svg).toContain("worker_service");
  expect(svg).not.toContain("bot_service");
  // docs/stacks.svg, the picture in docs/stacks.md, is of the defaults.
  expect(readFileSync(join(projectRoot, GRAPH_FILE), "utf8")).toContain("bot_service");
});

test("--out into a missing directory: one line naming it, exit 1, nothing written", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  const result = graph(["--out", "missing/pic.svg"], {}, dir);
  expect(result.stderr).toBe(`npm run graph: --out missing/pic.svg: no directory ${join(dir, "missing")} to write it in; create it first\n`);
  expect(result.stdout).toBe("");
  expect(result.status).toBe(1);
  expect(readdirSync(dir)).toEqual([]);
});

test("--out naming a directory: one line, exit 1", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  const result = graph([`--out=${dir}`]);
  expect(result.stderr).toBe(`npm run graph: --out ${dir}: ${dir} is a directory; expected a file name\n`);
  expect(result.status).toBe(1);
});

test("bad settings: the settings error, exit 1, nothing written", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ clusters: { a: { name: "Bad Name" } } }));
  const result = graph(["--out", "pic.svg"], { INFRA_CONFIG: join(dir, "bad.json") }, dir);
  expect(result.stderr).toMatch(/^Invalid settings, npm run graph did nothing:\nINFRA_CONFIG file .*bad\.json: clusters\.a\.name = "Bad Name": expected lower-case/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.status).toBe(1);
  expect(readdirSync(dir)).toEqual(["bad.json"]);
});

test.each([
  ["[", /^npm run graph: environment variable CDKTF_CONTEXT_JSON = "\[": not valid JSON \([^)\n]*\); expected a JSON object of context values\n$/],
  ["null", /^npm run graph: environment variable CDKTF_CONTEXT_JSON = "null": expected a JSON object of context values\n$/],
])("CDKTF_CONTEXT_JSON=%s, which cdktf's App would fail on: one line naming it, exit 1, nothing written", (context, message) => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  const result = graph(["--out", "pic.svg"], { CDKTF_CONTEXT_JSON: context }, dir);
  expect(result.stderr).toMatch(message);
  expect(result.stdout).toBe("");
  expect(result.status).toBe(1);
  expect(readdirSync(dir)).toEqual([]);
  expect(result.leftInTmp).toEqual([]);
});

test(`without --out it draws to ${GRAPH_DEFAULT_OUT}, which git ignores, and not to ${GRAPH_FILE}`, () => {
  expect(readFileSync(join(projectRoot, ".gitignore"), "utf8").split("\n")).toContain(`${GRAPH_DEFAULT_OUT.split("/")[0]}/`);
  const out = join(projectRoot, GRAPH_DEFAULT_OUT);
  const outDir = join(projectRoot, GRAPH_DEFAULT_OUT.split("/")[0]);
  const dirExisted = existsSync(outDir);
  const previous = existsSync(out) ? readFileSync(out) : undefined;
  try {
    const result = graph([]);
    expect(result.stdout).toBe(`drew the stacks of the default settings to ${GRAPH_DEFAULT_OUT}\n`);
    expect(result.status).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(join(projectRoot, GRAPH_FILE), "utf8"));
  } finally {
    // Leave the project as it was: the user's own picture back, or nothing.
    if (previous) writeFileSync(out, previous);
    else rmSync(out, { force: true });
    if (!dirExisted && existsSync(outDir) && readdirSync(outDir).length === 0) rmdirSync(outDir);
  }
});
