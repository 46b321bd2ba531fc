// The command-line surface of npm run docs, graph, bench and generate:container-shape, through their real entry
// points: --help prints the usage and writes nothing, a bad command line is one line and exit 2, never a trace.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../commands/cli";
import { CONTAINER_SHAPE_FILE, generateContainerShape } from "../../maintainer/generate-container-shape";
import { projectRoot } from "../../settings/paths";

const COMMANDS = [
  ["docs", "readme-tables"],
  ["graph", "graph"],
  ["bench", "bench"],
  ["generate:container-shape", "generate-container-shape"],
] as const;

/** Where each entry point's source lives (commands/ or maintainer/), and so its compiled file in dist/. */
const DIR_OF: Record<string, string> = { "readme-tables": "maintainer", graph: "commands", bench: "maintainer", "generate-container-shape": "maintainer" };

/** Runs an entry point as npm does, in the project, with a temporary directory of its own; returns what it left there. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const tmp = mkdtempSync(join(tmpdir(), "cli-"));
  const result = spawnSync(process.execPath, [join(projectRoot, "dist", DIR_OF[script], `${script}.js`), ...args], {
    cwd: projectRoot,
    env: { ...process.env, INFRA_CONFIG: "", INIT_CWD: projectRoot, ...env, TMPDIR: tmp },
    encoding: "utf8",
  });
  return { ...result, leftInTmp: readdirSync(tmp) };
}

/**
 * What these commands could write in the project: the files they generate, and where bench and graph work. (Not
 * `git status`: other work in the same tree changes it meanwhile.)
 */
function projectOutputs(): Record<string, string> {
  const paths = ["README.md", "docs/settings.md", "docs/security.md", "docs/stacks.svg", "schemas/settings.schema.json", "schemas/ecs-container-definition.json", "cdktf.out/stacks.svg", ".bench"];
  return Object.fromEntries(
    paths.map((p) => {
      const path = join(projectRoot, p);
      if (!existsSync(path)) return [p, "absent"];
      const stat = statSync(path);
      return [p, stat.isFile() ? `${stat.mtimeMs} ${createHash("sha256").update(readFileSync(path)).digest("hex")}` : `directory ${stat.mtimeMs}`];
    }),
  );
}

describe.each(COMMANDS)("npm run %s", (command, script) => {
  test("--help prints the usage, exits 0 and writes nothing", () => {
    const before = projectOutputs();
    const result = run(script, ["--help"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(new RegExp(`^usage: npm run ${command} `));
    expect(result.stdout).toMatch(/-h, --help/);
    expect(result.status).toBe(0);
    expect(result.leftInTmp).toEqual([]);
    expect(projectOutputs()).toEqual(before);
  });

  test.each([
    [["--bogus"], "unknown option --bogus"],
    [["-x"], "unknown option -x"],
    [["stray"], 'takes no arguments, got "stray"'],
  ])("%j is one line, exit 2, and writes nothing", (args, message) => {
    const before = projectOutputs();
    const result = run(script, args);
    expect(result.stderr).toBe(`npm run ${command}: ${message} (npm run ${command} -- --help shows the usage)\n`);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(2);
    expect(result.leftInTmp).toEqual([]);
    expect(projectOutputs()).toEqual(before);
  });
});

test.each([
  ["bench", ["--runs=0"], "--runs=0: expected a whole number of runs from 1 to 100"],
  ["bench", ["--synth-runs=two"], "--synth-runs=two: expected a whole number of runs from 1 to 100"],
  ["bench", ["--template-runs=101"], "--template-runs=101: expected a whole number of runs from 1 to 100"],
  ["bench", ["--runs"], "--runs needs a value"],
  ["graph", ["--out"], "--out needs a value"],
  ["graph", ["--out="], "--out needs a value, got an empty one"],
  ["readme-tables", ["--check=yes"], "--check takes no value"],
  ["generate-container-shape", ["--check=no"], "--check takes no value"],
])("%s %j: a bad value is one line naming it, exit 2", (script, args, message) => {
  const result = run(script, args);
  expect(result.stderr).toMatch(new RegExp(`^npm run [a-z:-]+: ${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(npm run [a-z:-]+ -- --help shows the usage\\)\n$`));
  expect(result.status).toBe(2);
  expect(result.leftInTmp).toEqual([]);
});

describe("npm run generate:container-shape -- --check", () => {
  test("passes on the committed shape and writes nothing", () => {
    const before = projectOutputs();
    const result = run("generate-container-shape", ["--check"]);
    expect(result.stdout).toMatch(/^schemas\/ecs-container-definition\.json is up to date with @aws-sdk\/client-ecs \d/);
    expect(result.status).toBe(0);
    expect(projectOutputs()).toEqual(before);
  });

  test("fails on a stale copy, naming it and the command, without writing", () => {
    const copy = join(mkdtempSync(join(tmpdir(), "shape-")), "ecs-container-definition.json");
    const stale = readFileSync(CONTAINER_SHAPE_FILE, "utf8").replace('"essential": "boolean"', '"essential": "string"');
    writeFileSync(copy, stale);
    expect(() => generateContainerShape(true, copy)).toThrow(
      new UserError(`${copy} differs from what the installed @aws-sdk/client-ecs describes: run \`npm run generate:container-shape\``),
    );
    expect(readFileSync(copy, "utf8")).toBe(stale);
    expect(generateContainerShape(false, copy)).toBe(`wrote ${copy}`);
    expect(readFileSync(copy, "utf8")).toBe(readFileSync(CONTAINER_SHAPE_FILE, "utf8"));
  });
});

test.each([
  ["readme-tables", "docs", /are up to date/],
  ["generate-container-shape", "generate:container-shape", /is up to date with @aws-sdk\/client-ecs/],
])("%s: `npm run %s --check` (npm takes --check as its own option) checks, and writes nothing", (script, command, upToDate) => {
  const before = projectOutputs();
  const result = run(script, [], { npm_lifecycle_event: command, npm_config_check: "true" });
  expect(result.stderr).toBe(`(npm took --check as its own option; read as \`npm run ${command} -- --check\`)\n`);
  expect(result.stdout).toMatch(upToDate);
  expect(result.status).toBe(0);
  expect(projectOutputs()).toEqual(before);
});

// `npm run graph --out=` (no `--`): npm keeps the empty value as its own configuration, npm_config_out="", and
// warns only that it does not know the option. It is refused as the same typed after `--`, before anything is read
// or written: once, the command went on with its default (certs wrote the keys into the settings' directory).
test.each([
  ["graph", "out", "dist/commands/graph.js", "--out needs a value, got an empty one"],
  ["certs", "out", "dist/commands/certs.js", "--out needs a value, got an empty one"],
  ["review", "base-settings", "dist/commands/review.js", "--base-settings needs a value, got an empty one"],
  ["diff", "output", "dist/commands/cdktf.js", "--output needs a value, got an empty one"],
  ["synth", "output", "commands/synth.js", "--output needs a directory, got an empty value"],
  ["certs", "rotate", "dist/commands/certs.js", "npm took --rotate=… as its own option, and --rotate takes no value; put options after `--`, as in `npm run certs -- --rotate`"],
])("npm run %s --%s= (npm took the empty value): one line, exit 2, nothing written", (command, option, entry, message) => {
  const before = projectOutputs();
  const result = spawnSync(process.execPath, [join(projectRoot, entry), ...(command === "diff" ? ["diff", "aws"] : [])], {
    cwd: projectRoot,
    env: { ...process.env, INFRA_CONFIG: "", INIT_CWD: projectRoot, npm_lifecycle_event: command, [`npm_config_${option.replace(/-/g, "_")}`]: "" },
    encoding: "utf8",
  });
  expect(result.stderr).toBe(`npm run ${command}: ${message} (npm run ${command} -- --help shows the usage)\n`);
  expect(result.status).toBe(2);
  expect(projectOutputs()).toEqual(before);
});

// cdktf's way to ask for HCL, which a user may keep exported, has cdktf prepare the stacks for its HCL converter; the
// picture and the tables are of the resources whatever form a synth writes: once, the graph lost six edges with it.
test("SYNTH_HCL_OUTPUT=true exported: npm run docs -- --check still finds the picture and the tables current, and writes nothing", () => {
  const before = projectOutputs();
  const result = run("readme-tables", ["--check"], { SYNTH_HCL_OUTPUT: "true" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  expect(projectOutputs()).toEqual(before);
});

// A path no one means: `-o=x` (getopt reads the path "=x"), or a value with spaces at its ends (a quoting slip), once
// made a directory "=x" or a file named " " in the project.
test.each([
  ["graph", "dist/commands/graph.js", ["--out= "], '--out=" ": has leading or trailing spaces, or control characters; expected a path as it is'],
  ["graph", "dist/commands/graph.js", ["--out=x.svg\t"], '--out="x.svg\\u0009": has leading or trailing spaces, or control characters; expected a path as it is'],
  // Not a space to trim, but as unseen: a right-to-left override at the end. (Within a name, it is the user's.)
  ["graph", "dist/commands/graph.js", ["--out=x.svg\u202E"], '--out="x.svg\\u202E": has leading or trailing spaces, or control characters; expected a path as it is'],
  ["certs", "dist/commands/certs.js", ["--out= "], '--out=" ": has leading or trailing spaces, or control characters; expected a path as it is'],
  ["output", "dist/commands/cdktf.js", ["output", "aws", "-o=x"], '--output "=x" starts with "=": write --output=PATH or -o PATH'],
  ["graph", "dist/commands/graph.js", ["--out==x.svg"], '--out "=x.svg" starts with "=": write --out=PATH'],
  ["diff", "dist/commands/cdktf.js", ["diff", "aws", "--var-file= f"], '--var-file=" f": has leading or trailing spaces, or control characters; expected a path as it is'],
])("npm run %s (%s) %j: one line, exit 2, nothing written", (command, entry, args, message) => {
  const before = projectOutputs();
  const typedIn = mkdtempSync(join(tmpdir(), "typed-in-"));
  const result = spawnSync(process.execPath, [join(projectRoot, entry), ...args], { cwd: projectRoot, env: { ...process.env, INFRA_CONFIG: "", INIT_CWD: typedIn }, encoding: "utf8" });
  expect(result.stderr).toBe(`npm run ${command}: ${message} (npm run ${command} -- --help shows the usage)\n`);
  expect(result.status).toBe(2);
  expect(readdirSync(typedIn)).toEqual([]);
  expect(projectOutputs()).toEqual(before);
});
