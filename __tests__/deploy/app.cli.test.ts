// The cdktf app command (deploy/app.js, what cdktf.json runs): never stale, and no bundling when nothing changed.
// Runs in a copy of the project, whose sources the test edits.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../settings/paths";
import { projectCopy } from "../project-copy";

const copy = projectCopy("app-");

const mtime = (file: string) => statSync(join(copy, "dist", "app", file)).mtimeMs;
/** Runs the command cdktf.json names, as cdktf does (through a shell, in the project); returns the aws stack. */
function synth(): string {
  const app: string = JSON.parse(readFileSync(join(copy, "cdktf.json"), "utf8")).app;
  const result = spawnSync(app, { shell: true, cwd: copy, env: { ...process.env, CDKTF_OUTDIR: join(copy, "out") }, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return readFileSync(join(copy, "out", "stacks", "aws", "cdk.tf.json"), "utf8");
}

test("cdktf.json runs the launcher", () => {
  expect(JSON.parse(readFileSync(join(projectRoot, "cdktf.json"), "utf8")).app).toBe("node deploy/app.js");
});

test("builds once, then runs without bundling while nothing changed, even when files are touched", () => {
  const first = synth();
  // What deploy runs next: the readiness gate's script, which the aws stack calls with local-exec.
  expect(first).toContain("node ../../../dist/deploy/wait-for-docker.js");
  const gate = spawnSync(process.execPath, [join(copy, "dist", "deploy", "wait-for-docker.js")], { encoding: "utf8" });
  expect(gate.stderr).toMatch(/^usage: wait-for-docker --host=NAME/);
  const built = [mtime("main.js"), mtime("vendor.js")];
  const now = new Date();
  utimesSync(join(copy, "stacks", "aws-stack.ts"), now, now);
  expect(synth()).toBe(first);
  expect([mtime("main.js"), mtime("vendor.js")]).toEqual(built);
});

test("an edit to any source is in the next synth, rebuilding our sources only", () => {
  const vendor = mtime("vendor.js");
  const file = join(copy, "stacks", "aws-stack.ts");
  writeFileSync(file, readFileSync(file, "utf8").replace('ManagedBy: "cdktf"', 'ManagedBy: "cdktf-edited"'));
  expect(synth()).toContain('"ManagedBy": "cdktf-edited"');
  // A file deep in the import graph counts as much as the entry point.
  appendFileSync(join(copy, "constructs", "instance-defaults.ts"), "\nexport const EDITED = 1;\n");
  const before = mtime("main.js");
  synth();
  expect(mtime("main.js")).not.toBe(before);
  expect(mtime("vendor.js")).toBe(vendor);
});

test("a package the sources start to import is bundled into the vendor bundle", () => {
  const vendor = mtime("vendor.js");
  appendFileSync(join(copy, "constructs", "literal.ts"), '\nimport { parse as parseYaml } from "yaml";\nexport const yamlOk = parseYaml("a: 1").a;\n');
  synth();
  expect(mtime("vendor.js")).not.toBe(vendor);
  expect(readFileSync(join(copy, "dist", "app", "meta.json"), "utf8")).toContain('"yaml"');
});

test("data files are read at run time: an edited boot script is in the next synth without a rebuild", () => {
  const main = mtime("main.js");
  appendFileSync(join(copy, "cloud-config", "docker-host-init.sh"), "echo edited-at-runtime\n");
  synth();
  // The cloud-config is a template file beside the configuration, rendered by Terraform.
  expect(readFileSync(join(copy, "out", "stacks", "aws", "templates", "docker-host", "cloud-config.yaml"), "utf8")).toContain(
    "echo edited-at-runtime",
  );
  expect(mtime("main.js")).toBe(main);
});

test("the packages' bundle loads no zip code", () => {
  synth();
  // cdktf loads archiver, and Node's zlib with it, for TerraformAsset archives, which neither stack has (and which it
  // zips in a child `node <its own file>`, from a bundle the bundle): deploy/build-state.js defers that require.
  const script = `
    const { loadBundle } = require(${JSON.stringify(join(copy, "deploy", "load-bundle.js"))});
    const packages = loadBundle(${JSON.stringify(join(copy, "dist", "app", "vendor.js"))}).exports;
    for (const id of Object.keys(packages)) packages[id];
    new packages.cdktf.App({ outdir: ${JSON.stringify(join(copy, "scratch"))}, stackTraces: false, skipValidation: true }).synth();
    process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes("zlib"))));
  `;
  const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout)).toEqual([]);
});

test("an uncaught error from the packages quotes one short line of their bundle", () => {
  synth();
  // The bundle is written without whitespace and comments, in lines of about 160 characters: Node prints the line an
  // uncaught error was thrown from, which would otherwise be hundreds of kilobytes of code.
  const script = `
    const { loadBundle } = require(${JSON.stringify(join(copy, "deploy", "load-bundle.js"))});
    const { App, AssetType, TerraformStack, TerraformAsset } = loadBundle(${JSON.stringify(join(copy, "dist", "app", "vendor.js"))}).exports.cdktf;
    new TerraformAsset(new TerraformStack(new App({ outdir: ${JSON.stringify(join(copy, "scratch"))} }), "s"), "a", { path: ${JSON.stringify(join(copy, "package.json"))}, type: AssetType.ARCHIVE });
  `;
  const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  expect(result.status).toBe(1);
  const [where, line] = result.stderr.split("\n");
  expect(where).toMatch(/dist\/app\/vendor\.js:\d+$/);
  expect(line.length).toBeLessThan(400);
  expect(result.stderr).toMatch(/^Error: TerraformAsset a expects path to point to a directory/m);
});

test("a same-length edit is never served from the code cache of the old source", () => {
  // V8 checks a cache against the source's length only; caches are named after their content instead.
  const file = join(copy, "stacks", "aws-stack.ts");
  writeFileSync(file, readFileSync(file, "utf8").replace('ManagedBy: "cdktf-edited"', 'ManagedBy: "cdktf-EDITED"'));
  expect(synth()).toContain('"ManagedBy": "cdktf-EDITED"');
  const caches = readdirSync(join(copy, "dist", "app")).filter((f) => f.endsWith(".v8cache"));
  expect(caches.filter((f) => f.startsWith("main.js."))).toHaveLength(1);
  writeFileSync(file, readFileSync(file, "utf8").replace('ManagedBy: "cdktf-EDITED"', 'ManagedBy: "cdktf-edited"'));
});

test("a change to the TypeScript settings esbuild reads rebuilds too", () => {
  const before = mtime("main.js");
  const tsconfig = join(copy, "tsconfig.json");
  writeFileSync(tsconfig, readFileSync(tsconfig, "utf8").replace('"strict": true', '"strict": true, "useDefineForClassFields": true'));
  synth();
  expect(mtime("main.js")).not.toBe(before);
});

test("a source that does not parse: esbuild's error and one line, exit 1, nothing written, from the app command and npm run synth", () => {
  const file = join(copy, "constructs", "literal.ts");
  const source = readFileSync(file, "utf8");
  appendFileSync(file, "\nconst broken: number = ;\n");
  try {
    const app: string = JSON.parse(readFileSync(join(copy, "cdktf.json"), "utf8")).app;
    const out = join(copy, "broken-out");
    for (const result of [
      spawnSync(app, { shell: true, cwd: copy, env: { ...process.env, CDKTF_OUTDIR: out }, encoding: "utf8" }),
      spawnSync(process.execPath, [join(copy, "commands", "synth.js"), `--output=${out}`], { cwd: copy, env: { ...process.env, INIT_CWD: copy }, encoding: "utf8" }),
    ]) {
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^✘ \[ERROR\] Unexpected ";"\n[^]*constructs\/literal\.ts:\d+:\d+:/);
      expect(result.stderr).toMatch(/\nthe app could not be built: esbuild found 1 error in the sources \(above\); nothing was synthesized\n$/);
      expect(result.stderr).not.toMatch(/\n\s+at |triggerUncaughtException|Node\.js v/);
      expect(existsSync(out)).toBe(false);
    }
  } finally {
    writeFileSync(file, source);
  }
});

test("a deleted bundle is rebuilt", () => {
  rmSync(join(copy, "dist", "app", "main.js"));
  expect(synth()).toContain('"ManagedBy": "cdktf-edited"');
});

test("typed by hand, it answers --help and refuses arguments in one line, exit 2, synthesizing nothing (cdktf gives none)", () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, [join(copy, "deploy", "app.js"), ...args], { cwd: copy, env: { ...process.env, CDKTF_OUTDIR: join(copy, "typed-out") }, encoding: "utf8" });
  for (const flag of ["--help", "-h"]) {
    expect(run([flag])).toMatchObject({ status: 0, stderr: "", stdout: expect.stringMatching(/^usage: node deploy\/app\.js\n/) });
  }
  for (const args of [["--bogus"], ["stray", "--help"]]) {
    expect(run(args)).toMatchObject({
      status: 2,
      stdout: "",
      stderr: `node deploy/app.js: takes no arguments (got "${args[0]}"): cdktf runs it so; to synthesize, run npm run synth (node deploy/app.js --help shows the usage)\n`,
    });
  }
  expect(existsSync(join(copy, "typed-out"))).toBe(false);
});
