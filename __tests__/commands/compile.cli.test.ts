// `npm run compile` (commands/compile.js), which every command but synth does first (commands/run-compiled.js): dist/ is never stale, and an
// unchanged tree costs no bundling. Runs the real script and its build state on a small project of the same layout
// (main.ts, programs in commands/, deploy/ and maintainer/, a module they share deep in the import graph), whose
// sources the test edits: what is under test is when compile rebuilds, which does not depend on the size of what
// it bundles. (Every other command test runs on the project's own compile.)
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { projectRoot } from "../../settings/paths";

const copy = mkdtempSync(join(tmpdir(), "compile-"));

const SOURCES: Record<string, string> = {
  "main.ts": 'import { WORD } from "./lib/words";\nexport const main = () => WORD;\n',
  "lib/words.ts": 'import { DEEP } from "./deep";\nexport const WORD = `word ${DEEP}`;\n',
  "lib/deep.ts": "export const DEEP = 1;\n",
  "commands/greet.ts": 'import { WORD } from "../lib/words";\nconsole.log(`usage: npm run greet (${WORD})`);\n',
  "deploy/gate.ts": 'console.log("gate");\n',
  "maintainer/tool.ts": 'import { main } from "../main";\nconsole.log(main());\n',
};

beforeAll(() => {
  // The script, the build state it shares with the app command and the loader its programs start with, as they are
  // in the project; its package and TypeScript settings, which esbuild reads; the installed packages, linked.
  for (const file of ["commands/compile.js", "commands/run-compiled.js", "deploy/build-state.js", "deploy/load-bundle.js", "package.json", "tsconfig.json"]) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(projectRoot, file), join(copy, file));
  }
  symlinkSync(join(projectRoot, "node_modules"), join(copy, "node_modules"));
  for (const [file, text] of Object.entries(SOURCES)) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    writeFileSync(join(copy, file), text);
  }
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const mtime = (file: string) => statSync(join(copy, "dist", file)).mtimeMs;
const ALL = ["main.js", "commands/greet.js", "commands/greet.bundle.js", "deploy/gate.js", "maintainer/tool.js", "maintainer/tool.bundle.js"];

/** Runs the script `npm run compile` runs, in the copy. */
function compile(): void {
  const script: string = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).scripts.compile;
  const result = spawnSync(script, { shell: true, cwd: copy, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
}
const run = (program: string) => spawnSync(process.execPath, [join(copy, "dist", program)], { encoding: "utf8" }).stdout;

test("builds main.ts and every program, then nothing while nothing changed, even when files are touched", () => {
  compile();
  expect(run("commands/greet.js")).toBe("usage: npm run greet (word 1)\n");
  expect(run("maintainer/tool.js")).toBe("word 1\n");
  const built = ALL.map(mtime);
  const now = new Date(Date.now() + 5_000);
  utimesSync(join(copy, "commands", "greet.ts"), now, now);
  utimesSync(join(copy, "lib", "deep.ts"), now, now);
  compile();
  expect(ALL.map(mtime)).toEqual(built);
});

test("an edit to any file a program is built from rebuilds dist/", () => {
  const file = join(copy, "commands", "greet.ts");
  writeFileSync(file, readFileSync(file, "utf8").replace("usage: npm run greet", "usage: npm run greet-edited"));
  compile();
  expect(run("commands/greet.js")).toBe("usage: npm run greet-edited (word 1)\n");
  // A file deep in the import graph counts as much as the entry point.
  writeFileSync(join(copy, "lib", "deep.ts"), readFileSync(join(copy, "lib", "deep.ts"), "utf8").replace("DEEP = 1", "DEEP = 2"));
  compile();
  expect(run("commands/greet.js")).toBe("usage: npm run greet-edited (word 2)\n");
  expect(run("maintainer/tool.js")).toBe("word 2\n");
});

test("a new program is compiled, and a deleted output is made again", () => {
  writeFileSync(join(copy, "maintainer", "hello.ts"), 'console.log("hello");\n');
  compile();
  expect(run("maintainer/hello.js")).toBe("hello\n");
  for (const output of ["greet.js", "greet.bundle.js"]) {
    rmSync(join(copy, "dist", "commands", output));
    compile();
    expect(run("commands/greet.js")).toMatch(/^usage: npm run greet-edited/);
  }
});

test("a program starts through V8's code cache, kept beside its bundle and made again for a new build", () => {
  const caches = () => readdirSync(join(copy, "dist", "commands")).filter((f) => f.startsWith("greet.bundle.js.") && f.endsWith(".v8cache"));
  expect(run("commands/greet.js")).toMatch(/^usage: npm run greet/);
  const first = caches();
  expect(first).toHaveLength(1);
  const written = () => {
    const { ino, mtimeMs } = statSync(join(copy, "dist", "commands", first[0]));
    return { ino, mtimeMs };
  };
  const once = written();
  // The second start is served from the cache: V8 accepts it, so nothing is written again.
  expect(run("commands/greet.js")).toMatch(/^usage: npm run greet/);
  expect(caches()).toEqual(first);
  expect(written()).toEqual(once);
  const file = join(copy, "commands", "greet.ts");
  writeFileSync(file, readFileSync(file, "utf8").replace("greet-edited", "greet-cached"));
  compile();
  expect(run("commands/greet.js")).toMatch(/^usage: npm run greet-cached/);
  // The cache of the earlier build is gone: V8 would reject it for this one.
  expect(caches()).toHaveLength(1);
  expect(caches()).not.toEqual(first);
  // A damaged cache is rejected by V8 and written again; the program runs as ever.
  const cache = join(copy, "dist", "commands", caches()[0]);
  const whole = statSync(cache).size;
  truncateSync(cache, 100);
  expect(run("commands/greet.js")).toMatch(/^usage: npm run greet-cached/);
  expect(statSync(cache).size).toBe(whole);
  // A program that exits while it loads gets its cache too.
  writeFileSync(join(copy, "commands", "quit.ts"), "process.exit(3);\n");
  compile();
  expect(spawnSync(process.execPath, [join(copy, "dist", "commands", "quit.js")]).status).toBe(3);
  expect(readdirSync(join(copy, "dist", "commands")).filter((f) => f.startsWith("quit.bundle.js.") && f.endsWith(".v8cache"))).toHaveLength(1);
});

test("--help prints the usage; a bad command line is one line and exit 2; a source esbuild cannot build, exit 1 without a trace", () => {
  const script = join(copy, "commands", "compile.js");
  const help = spawnSync(process.execPath, [script, "--help"], { cwd: copy, encoding: "utf8" });
  expect(help).toMatchObject({ status: 0, stderr: "" });
  expect(help.stdout).toMatch(/^usage: npm run compile/);
  // `--` only ends the options: with --help after it, or twice, it is still the usage.
  for (const args of [["--", "--help"], ["--help", "--help"]]) {
    expect(spawnSync(process.execPath, [script, ...args], { cwd: copy, encoding: "utf8" })).toMatchObject({ status: 0, stdout: help.stdout });
  }
  for (const [args, message] of [
    [["--bogus"], "unknown option --bogus"],
    [["--force=yes"], "unknown option --force"],
    [["main.ts"], 'takes no arguments (got "main.ts")'],
    [["--help=1"], "--help takes no value"],
    [["--help", "x"], 'takes no arguments (got "x")'],
  ] as const) {
    const result = spawnSync(process.execPath, [script, ...args], { cwd: copy, encoding: "utf8" });
    expect(result).toMatchObject({ status: 2, stdout: "", stderr: `npm run compile: ${message} (npm run compile -- --help shows the usage)\n` });
  }
  const file = join(copy, "lib", "deep.ts");
  const text = readFileSync(file, "utf8");
  writeFileSync(file, `${text}export const BROKEN = ;\n`);
  const broken = spawnSync(process.execPath, [script], { cwd: copy, encoding: "utf8" });
  writeFileSync(file, text);
  expect(broken.status).toBe(1);
  expect(broken.stderr).toMatch(/lib\/deep\.ts:\d+:\d+/);
  expect(broken.stderr).toMatch(/\nnpm run compile: esbuild could not build dist\/ \(1 error above\)\n$/);
  expect(broken.stderr).not.toMatch(/^\s+at /m);
});

test("a change to the TypeScript or package settings esbuild reads rebuilds too", () => {
  for (const [name, from, to] of [
    ["tsconfig.json", '"strict": true', '"strict": true '],
    ["package.json", '"private": true', '"private": true '],
  ]) {
    const before = mtime("main.js");
    const file = join(copy, name);
    writeFileSync(file, readFileSync(file, "utf8").replace(from, to));
    compile();
    expect(mtime("main.js")).not.toBe(before);
  }
});

describe("commands/run-compiled.js, how package.json runs the programs of dist/: compile, then the program in the same process", () => {
  const launch = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(copy, "commands", "run-compiled.js"), ...args], { cwd: copy, encoding: "utf8", env: { ...process.env, ...env } });

  test("an edit is compiled before the program runs, which gets its arguments, its own name and its exit code", () => {
    writeFileSync(
      join(copy, "commands", "echo.ts"),
      'import { basename } from "node:path";\nimport { DEEP } from "../lib/deep";\n' +
        "console.log(JSON.stringify([basename(process.argv[1]), DEEP, ...process.argv.slice(2)]));\nprocess.exitCode = 3;\n",
    );
    const file = join(copy, "lib", "deep.ts");
    const deep = Number(/DEEP = (\d+)/.exec(readFileSync(file, "utf8"))![1]);
    const first = launch(["dist/commands/echo.js", "--out=x", "--", "-h"]);
    expect(first).toMatchObject({ status: 3, stderr: "" });
    expect(JSON.parse(first.stdout)).toEqual(["echo.js", deep, "--out=x", "--", "-h"]);
    writeFileSync(file, readFileSync(file, "utf8").replace(/DEEP = \d+/, "DEEP = 7"));
    expect(JSON.parse(launch(["dist/commands/echo.js"]).stdout)).toEqual(["echo.js", 7]);
  });

  test("a source esbuild cannot build: its errors, one line naming the command, exit 1, and the program does not run", () => {
    const file = join(copy, "lib", "deep.ts");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, `${text}export const BROKEN = ;\n`);
    try {
      const broken = launch(["dist/commands/echo.js"], { npm_lifecycle_event: "echo", npm_lifecycle_script: "node commands/run-compiled.js dist/commands/echo.js" });
      expect(broken.status).toBe(1);
      expect(broken.stdout).toBe("");
      expect(broken.stderr).toMatch(/lib\/deep\.ts:\d+:\d+/);
      expect(broken.stderr).toMatch(/\nnpm run echo: esbuild could not build dist\/ \(1 error above\)\n$/);
      expect(broken.stderr).not.toMatch(/^\s+at /m);
      // Started by a script that is not this one (an npm script that runs it among other things, npx): the program.
      const nested = launch(["dist/commands/echo.js"], { npm_lifecycle_event: "test", npm_lifecycle_script: "node commands/run-compiled.js dist/commands/echo.js && jest" });
      expect(nested.stderr).toMatch(/\ndist\/commands\/echo\.js: esbuild could not build dist\/ \(1 error above\)\n$/);
    } finally {
      writeFileSync(file, text);
    }
  });

  test("stopped while it compiles (npm passes a SIGTERM to the script's shell alone): the program never runs", async () => {
    // A program that leaves a mark, new, so the launcher compiles before it runs it; esbuild held in the compile
    // (a module preloaded into the launcher) until the test lets it go, after the test has stopped the shell.
    writeFileSync(join(copy, "commands", "mark.ts"), 'import { writeFileSync } from "node:fs";\nwriteFileSync(process.argv[2], "ran");\n');
    const hold = mkdtempSync(join(copy, "hold-"));
    const [entered, release, shim] = ["entered", "release", "shim.js"].map((f) => join(hold, f));
    // esbuild's exports are getters: the launcher's require("esbuild") is answered with a copy whose buildSync waits.
    writeFileSync(
      shim,
      `const { existsSync, writeFileSync } = require("node:fs");\nconst Module = require("node:module");\nconst load = Module._load;\n` +
        `Module._load = function (request, ...rest) {\n  const loaded = load.call(this, request, ...rest);\n  if (request !== "esbuild") return loaded;\n` +
        `  return { ...loaded, buildSync(options) {\n    writeFileSync(${JSON.stringify(entered)}, "");\n    const cell = new Int32Array(new SharedArrayBuffer(4));\n` +
        `    for (let i = 0; i < 6000 && !existsSync(${JSON.stringify(release)}); i++) Atomics.wait(cell, 0, 0, 10);\n    return loaded.buildSync(options);\n  } };\n};\n`,
    );
    /** The script as npm runs it, `sh -c`, with a second command so the shell stays: stderr once the launcher has ended, and whether the program ran. */
    const script = async (stop: boolean) => {
      const mark = join(hold, `mark-${stop}`);
      const source = join(copy, "commands", "mark.ts");
      writeFileSync(source, `${readFileSync(source, "utf8")}// ${stop}\n`);
      rmSync(entered, { force: true });
      rmSync(release, { force: true });
      if (!stop) writeFileSync(release, "");
      const shell = spawn("sh", ["-c", `node commands/run-compiled.js dist/commands/mark.js ${mark}; true`], {
        cwd: copy,
        env: { ...process.env, NODE_OPTIONS: `--require=${shim}` },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      shell.stderr.on("data", (chunk) => (stderr += chunk));
      // The pipe closes when its last writer, the launcher, has ended (the shell may have gone before it).
      const ended = new Promise((resolve) => shell.stderr.on("close", resolve));
      if (stop) {
        for (let waited = 0; !existsSync(entered); waited += 20) {
          if (waited > 60_000) throw new Error("the launcher never began to compile");
          await new Promise((r) => setTimeout(r, 20));
        }
        const gone = new Promise((resolve) => shell.on("exit", resolve));
        shell.kill("SIGTERM");
        await gone;
        writeFileSync(release, "");
      }
      await ended;
      return { stderr, ran: existsSync(mark) };
    };
    // Not stopped, the same program runs once the hold lets the compile go on.
    expect(await script(false)).toEqual({ stderr: "", ran: true });
    expect(existsSync(entered)).toBe(true);
    const stopped = await script(true);
    expect(stopped.ran).toBe(false);
    expect(stopped.stderr).toBe("dist/commands/mark.js: stopped while dist/ was compiled (the process that started it has ended), so nothing ran\n");
  });

  test("a program left running when the script's shell is stopped (npm passes a SIGTERM to the shell alone) gets the SIGTERM itself", async () => {
    const hold = mkdtempSync(join(copy, "orphan-"));
    const said = join(hold, "said");
    // Waits up to 30 s, saying how it ended: by SIGTERM, or by waiting out.
    writeFileSync(
      join(copy, "commands", "wait.ts"),
      'import { writeFileSync } from "node:fs";\nconst timer = setTimeout(() => writeFileSync(process.argv[2], "waited out"), 30_000);\n' +
        'process.on("SIGTERM", () => {\n  clearTimeout(timer);\n  writeFileSync(process.argv[2], "SIGTERM");\n  process.exit(143);\n});\nwriteFileSync(process.argv[2], "started");\n',
    );
    const shell = spawn("sh", ["-c", `node commands/run-compiled.js dist/commands/wait.js ${said}; true`], { cwd: copy, stdio: ["ignore", "ignore", "pipe"] });
    const ended = new Promise((resolve) => shell.stderr.on("close", resolve));
    for (let waited = 0; !existsSync(said); waited += 20) {
      if (waited > 60_000) throw new Error("the program never started");
      await new Promise((r) => setTimeout(r, 20));
    }
    const started = Date.now();
    shell.kill("SIGTERM");
    await ended;
    expect(readFileSync(said, "utf8")).toBe("SIGTERM");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test("its own command line: --help, and one line with exit 2 for a program it does not build", () => {
    const help = launch(["--help"]);
    expect(help).toMatchObject({ status: 0, stderr: "" });
    expect(help.stdout).toMatch(/^usage: node commands\/run-compiled\.js dist\/<commands\|maintainer\|deploy>\/<name>\.js \[arguments\]\n/);
    for (const [args, message] of [
      [[], "expected the program to run, such as dist/commands/certs.js (--help shows the usage)"],
      [["../main.js"], 'expected a program that npm run compile builds, dist/<commands|maintainer|deploy>/<name>.js, got "../main.js" (--help shows the usage)'],
      [["dist/main.js"], 'expected a program that npm run compile builds, dist/<commands|maintainer|deploy>/<name>.js, got "dist/main.js" (--help shows the usage)'],
      [["dist/commands/none.js"], "dist/commands/none.js is not a program of this project: npm run compile builds none of that name"],
    ] as const) {
      expect(launch([...args])).toMatchObject({ status: 2, stdout: "", stderr: `commands/run-compiled.js: ${message}\n` });
    }
  });
});

