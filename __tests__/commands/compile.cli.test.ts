// `npm run compile` (commands/compile.js), which every command but synth runs first: dist/ is never stale, and an
// unchanged tree costs no bundling. Runs in a copy of the project, whose sources the test edits.
import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../settings/paths";
import { projectCopy } from "../project-copy";

const copy = projectCopy("compile-");

const mtime = (file: string) => statSync(join(copy, "dist", file)).mtimeMs;
const ALL = ["main.js", "commands/certs.js", "commands/review.js", "deploy/wait-for-docker.js", "maintainer/bench.js"];

/** Runs the script `npm run compile` runs, in the copy; then a compiled command's --help. */
function compile(): void {
  const script: string = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).scripts.compile;
  const result = spawnSync(script, { shell: true, cwd: copy, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
}
const certsHelp = () => spawnSync(process.execPath, [join(copy, "dist", "commands", "certs.js"), "--help"], { cwd: copy, encoding: "utf8" }).stdout;

test("builds main.ts and every program, then nothing while nothing changed, even when files are touched", () => {
  compile();
  expect(certsHelp()).toMatch(/^usage: npm run certs/);
  const built = ALL.map(mtime);
  const now = new Date();
  utimesSync(join(copy, "commands", "certs.ts"), now, now);
  compile();
  expect(ALL.map(mtime)).toEqual(built);
});

test("an edit to any file a program is built from rebuilds dist/", () => {
  const before = mtime("commands/certs.js");
  const file = join(copy, "commands", "certs.ts");
  writeFileSync(file, readFileSync(file, "utf8").replace("usage: npm run certs", "usage: npm run certs-edited"));
  compile();
  expect(certsHelp()).toMatch(/^usage: npm run certs-edited/);
  // A file deep in the import graph counts as much as the entry point.
  const deep = mtime("main.js");
  appendFileSync(join(copy, "constructs", "instance-defaults.ts"), "\nexport const EDITED = 1;\n");
  compile();
  expect(mtime("main.js")).not.toBe(deep);
  expect(mtime("commands/certs.js")).not.toBe(before);
});

test("a new program is compiled, and a deleted output is made again", () => {
  writeFileSync(join(copy, "maintainer", "hello.ts"), 'console.log("hello");\n');
  compile();
  expect(spawnSync(process.execPath, [join(copy, "dist", "maintainer", "hello.js")], { encoding: "utf8" }).stdout).toBe("hello\n");
  rmSync(join(copy, "dist", "commands", "review.js"));
  compile();
  expect(statSync(join(copy, "dist", "commands", "review.js")).size).toBeGreaterThan(0);
});

test("a change to the TypeScript settings esbuild reads rebuilds too", () => {
  const before = mtime("main.js");
  const file = join(copy, "tsconfig.json");
  writeFileSync(file, readFileSync(file, "utf8").replace('"strict": true', '"strict": true '));
  compile();
  expect(mtime("main.js")).not.toBe(before);
});
