// npm run graph through its real entry point: the user's settings, drawn where the user asked (from where npm was
// run), a clear line when that cannot be, and never docs/stacks.svg unless asked.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GRAPH_DEFAULT_OUT, GRAPH_FILE } from "../../commands/graph";
import { projectRoot } from "../../settings/paths";

/** Runs the entry point of `project` as npm does, from `initCwd`, with a temporary directory of its own. */
function graph(args: string[], env: NodeJS.ProcessEnv = {}, initCwd = projectRoot, project = projectRoot) {
  const tmp = mkdtempSync(join(tmpdir(), "graph-tmp-"));
  const result = spawnSync(process.execPath, [join(project, "dist", "commands", "graph.js"), ...args], {
    cwd: project,
    env: { ...process.env, INFRA_CONFIG: "", CDKTF_OUTDIR: "", INIT_CWD: initCwd, ...env, TMPDIR: tmp },
    encoding: "utf8",
    // A write that blocks (a pipe nobody reads) fails the test instead of hanging it.
    timeout: 60_000,
  });
  return { ...result, leftInTmp: readdirSync(tmp) };
}

/**
 * A project of its own for the entry point, whose cdktf.out a test may break: cdktf.json, the built graph.js and
 * the bundle it runs, and links to what drawing reads.
 */
function graphProject(): string {
  const project = mkdtempSync(join(tmpdir(), "graph-project-"));
  mkdirSync(join(project, "dist", "commands"), { recursive: true });
  for (const file of ["graph.js", "graph.bundle.js"]) copyFileSync(join(projectRoot, "dist", "commands", file), join(project, "dist", "commands", file));
  copyFileSync(join(projectRoot, "cdktf.json"), join(project, "cdktf.json"));
  for (const dir of ["deploy", "schemas", "task-definitions", "cloud-config"]) symlinkSync(join(projectRoot, dir), join(project, dir));
  return project;
}

/** A named pipe: writing to it blocks until something reads it. */
function fifo(path: string): string {
  execFileSync("mkfifo", [path]);
  return path;
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

test("hundreds of services are drawn in seconds, without a box per construct, and the line says so", () => {
  // A box per construct took Graphviz 26 s for 200 services and containers, 126 s for 400.
  const dir = mkdtempSync(join(tmpdir(), "graph-many-"));
  const settings = join(dir, "settings.json");
  const services = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`s${i}`, { cluster: "a", taskDefinition: "task-definitions/bottask.json" }]));
  writeFileSync(settings, JSON.stringify({ services }));
  const started = Date.now();
  const result = graph(["--out", "many.svg"], { INFRA_CONFIG: settings }, dir);
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(result.stdout).toBe(
    `drew the stacks of INFRA_CONFIG file ${settings} to many.svg\n` +
      "note: the aws stack's 696 resources are drawn without a box for each of its 215 constructs (past 60, placing the boxes takes minutes)\n",
  );
  expect(result.status).toBe(0);
  const svg = readFileSync(join(dir, "many.svg"), "utf8");
  // The aws stack's box, with no box inside it; the docker stack's few constructs keep theirs (SVG escapes "-").
  expect(svg).toContain("<title>cluster_aws</title>");
  expect(svg).not.toContain("<title>cluster_aws_");
  expect(svg).toContain("<title>cluster_docker_container&#45;elastic</title>");
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

const USAGE_HINT = " (npm run graph -- --help shows the usage)";

test.each([
  ["a missing directory", (_dir: string) => "missing/pic.svg", (dir: string) => `no directory ${join(dir, "missing")} to write it in; create it first`],
  ["a directory", (dir: string) => (mkdirSync(join(dir, "sub")), "sub"), (dir: string) => `${join(dir, "sub")} is a directory, not a regular file`],
  ["a named pipe", (dir: string) => (fifo(join(dir, "pipe")), "pipe"), (dir: string) => `${join(dir, "pipe")} is a named pipe (FIFO), not a regular file`],
  ["a character device", () => "/dev/null", () => "/dev/null is a character device, not a regular file"],
  ["a path under a file", (dir: string) => (writeFileSync(join(dir, "file"), "mine"), "file/pic.svg"), (dir: string) => `${join(dir, "file")} is a file, not a directory`],
  ["another picture format", () => "stacks.png", () => "graph draws SVG only, not png; expected a file ending in .svg (or no extension)"],
])("--out naming %s is a bad command line: one line naming it, exit 2, nothing written", (_, make, why) => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  const out = make(dir);
  const before = readdirSync(dir);
  const result = graph(["--out", out], {}, dir);
  expect(result.stderr).toBe(`npm run graph: --out ${out}: ${why(dir)}${USAGE_HINT}\n`);
  expect(result.stdout).toBe("");
  expect(result.status).toBe(2);
  expect(readdirSync(dir)).toEqual(before);
  expect(result.leftInTmp).toEqual([]);
  if (existsSync(join(dir, "file"))) expect(readFileSync(join(dir, "file"), "utf8")).toBe("mine");
});

test.each([
  ["a source file", "README.md", "# My project\n", "holds something other than an SVG picture, which graph would replace; name a new file or one it wrote before"],
  ["a settings file", "infra.json", "{\"region\": \"eu-central-1\"}\n", "holds something other than an SVG picture, which graph would replace; name a new file or one it wrote before"],
  ["a picture git tracks", "stacks.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n", "is tracked by git, and graph writes no tracked file; name a file git does not track"],
])("--out naming %s is refused, exit 2, and the file keeps what it held", (_, name, content, why) => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  execFileSync("git", ["init", "-q", dir]);
  writeFileSync(join(dir, name), content);
  execFileSync("git", ["-C", dir, "add", name]);
  const result = graph(["--out", name], {}, dir);
  expect(result.stderr).toBe(`npm run graph: --out ${name}: ${join(dir, name)} ${why}${USAGE_HINT}\n`);
  expect(result.status).toBe(2);
  expect(readFileSync(join(dir, name), "utf8")).toBe(content);
});

test("--out naming an untracked picture whose name is a pattern of a tracked one (pic*.svg, pic1.svg) replaces it: the name is no pattern", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  execFileSync("git", ["init", "-q", dir]);
  writeFileSync(join(dir, "pic1.svg"), "<svg></svg>\n");
  execFileSync("git", ["-C", dir, "add", "pic1.svg"]);
  writeFileSync(join(dir, "pic*.svg"), "<svg></svg>\n");
  const result = graph(["--out", "pic*.svg"], {}, dir);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(readFileSync(join(dir, "pic1.svg"), "utf8")).toBe("<svg></svg>\n");
});

test("--out naming a picture in a checkout git will not answer for (another user's) is refused: it may be tracked", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  writeFileSync(join(dir, "old.svg"), "<svg></svg>\n");
  const bin = mkdtempSync(join(tmpdir(), "graph-git-"));
  writeFileSync(join(bin, "git"), `#!/bin/sh\necho "fatal: detected dubious ownership in repository at '${dir}'" >&2\nexit 128\n`);
  chmodSync(join(bin, "git"), 0o755);
  const result = graph(["--out", "old.svg"], { PATH: `${bin}:${process.env.PATH}` }, dir);
  expect(result.stderr).toBe(
    `npm run graph: --out old.svg: git could not say whether it tracks ${join(dir, "old.svg")} ("fatal: detected dubious ownership in repository at '${dir}'"), and graph writes no tracked file; name a new file${USAGE_HINT}\n`,
  );
  expect(result.status).toBe(2);
  expect(readFileSync(join(dir, "old.svg"), "utf8")).toBe("<svg></svg>\n");
});

test("--out naming a link to a picture git tracks is refused: the file written would be the tracked one", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  execFileSync("git", ["init", "-q", dir]);
  writeFileSync(join(dir, "stacks.svg"), "<svg></svg>\n");
  execFileSync("git", ["-C", dir, "add", "stacks.svg"]);
  symlinkSync(join(dir, "stacks.svg"), join(dir, "link.svg"));
  const result = graph(["--out", "link.svg"], {}, dir);
  expect(result.stderr).toBe(`npm run graph: --out link.svg: ${join(dir, "link.svg")} is tracked by git, and graph writes no tracked file; name a file git does not track${USAGE_HINT}\n`);
  expect(result.status).toBe(2);
  expect(readFileSync(join(dir, "stacks.svg"), "utf8")).toBe("<svg></svg>\n");
});

test("--out naming its own standard output (/dev/stdout, when that is a file) is refused: the picture and graph's line would mix", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  const log = join(dir, "log.svg");
  const fd = openSync(log, "w");
  try {
    const result = spawnSync(process.execPath, [join(projectRoot, "dist", "commands", "graph.js"), "--out=/dev/stdout"], {
      cwd: projectRoot,
      env: { ...process.env, INFRA_CONFIG: "", CDKTF_OUTDIR: "", INIT_CWD: projectRoot },
      stdio: ["ignore", fd, "pipe"],
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^npm run graph: --out \/dev\/stdout: \/dev\/stdout is where graph prints what it did; name a file of its own/);
  } finally {
    closeSync(fd);
  }
  expect(readFileSync(log, "utf8")).toBe("");
  rmSync(dir, { recursive: true, force: true });
});

test("--out naming a picture drawn before, which git does not track, replaces it", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  writeFileSync(join(dir, "old.svg"), '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="1"></svg>\n');
  const result = graph(["--out", "old.svg"], {}, dir);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(readFileSync(join(dir, "old.svg"), "utf8")).toContain("bot_service");
});

test("user paths are shown with control and bidirectional characters escaped, as settings messages show them", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  const odd = "evil\u202Egvs.\u001b[31mred";
  const escaped = "evil\\u202Egvs.\\u001B[31mred";
  const refused = graph(["--out", `${odd}/pic.svg`], {}, dir);
  expect(refused.stderr).toBe(`npm run graph: --out ${escaped}/pic.svg: no directory ${join(dir, escaped)} to write it in; create it first${USAGE_HINT}\n`);
  expect(refused.status).toBe(2);
  writeFileSync(join(dir, `${odd}.json`), "{}");
  const drawn = graph(["--out", `${odd}.svg`], { INFRA_CONFIG: `${odd}.json` }, dir);
  expect(drawn.stderr).toBe("");
  expect(drawn.stdout).toBe(`drew the stacks of INFRA_CONFIG file ${escaped}.json to ${escaped}.svg\n`);
  expect(drawn.status).toBe(0);
  expect(readdirSync(dir).sort()).toEqual([`${odd}.json`, `${odd}.svg`]);
});

test("without --out, a cdktf.out that is a file is named as the default output directory: exit 1, nothing written", () => {
  const project = graphProject();
  writeFileSync(join(project, "cdktf.out"), "not a directory\n");
  const result = graph([], {}, project, project);
  expect(result.stderr).toBe(`npm run graph: the default output directory cdktf.out (no --out given): ${join(project, "cdktf.out")} is a file, not a directory; give --out FILE, or move it\n`);
  expect(result.stdout).toBe("");
  expect(result.status).toBe(1);
  expect(readFileSync(join(project, "cdktf.out"), "utf8")).toBe("not a directory\n");
  expect(result.leftInTmp).toEqual([]);
  rmSync(project, { recursive: true, force: true });
});

test("without --out it draws into CDKTF_OUTDIR, where synth writes, making it as synth would", () => {
  // In a project of its own: a graph that ignored CDKTF_OUTDIR would draw into that project's cdktf.out, not ours.
  const project = graphProject();
  const outdir = join(mkdtempSync(join(tmpdir(), "graph-")), "out");
  const result = graph([], { CDKTF_OUTDIR: outdir }, project, project);
  expect(result.stderr).toBe("");
  expect(result.stdout).toBe(`drew the stacks of the default settings to ${join(outdir, "stacks.svg")}\n`);
  expect(result.status).toBe(0);
  expect(readFileSync(join(outdir, "stacks.svg"), "utf8")).toBe(readFileSync(join(projectRoot, GRAPH_FILE), "utf8"));
  expect(existsSync(join(project, "cdktf.out"))).toBe(false);
  rmSync(project, { recursive: true, force: true });
});

test("without --out, a CDKTF_OUTDIR that will not do is named as that variable: exit 1, nothing written", () => {
  const dir = mkdtempSync(join(tmpdir(), "graph-"));
  writeFileSync(join(dir, "file"), "mine");
  const file = graph([], { CDKTF_OUTDIR: join(dir, "file") });
  expect(file.stderr).toBe(
    `npm run graph: environment variable CDKTF_OUTDIR = ${JSON.stringify(join(dir, "file"))}: names a file, not a directory; expected a directory of its own (cdktf.out, or a new one) that this user can write\n`,
  );
  expect(file.status).toBe(1);
  mkdirSync(join(dir, "out", "stacks.svg"), { recursive: true });
  const taken = graph([], { CDKTF_OUTDIR: join(dir, "out") });
  expect(taken.stderr).toBe(
    `npm run graph: the output directory CDKTF_OUTDIR=${join(dir, "out")} (no --out given): ${join(dir, "out", "stacks.svg")} is a directory, not a regular file; give --out FILE, or move it\n`,
  );
  expect(taken.status).toBe(1);
  expect(readdirSync(dir).sort()).toEqual(["file", "out"]);
  expect(readdirSync(join(dir, "out", "stacks.svg"))).toEqual([]);
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
