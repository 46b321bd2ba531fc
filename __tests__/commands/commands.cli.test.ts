// The commands users type, through their real entry points (node processes, as npm runs them): usage and exit
// codes, the user's own settings and environment, and output directories that never hold two formats.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { projectRoot } from "../../settings/paths";

const work = mkdtempSync(join(tmpdir(), "commands-"));

/** Runs a command as `npm run` would: in the project, with INIT_CWD where the user typed it. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [join(projectRoot, ...script.split("/")), ...args], {
    cwd: projectRoot,
    env: { ...process.env, INFRA_CONFIG: "", INIT_CWD: projectRoot, ...env },
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const synth = (args: string[], env: NodeJS.ProcessEnv = {}) => run("commands/synth.js", args, env);
const wrapper = (args: string[], env: NodeJS.ProcessEnv = {}) => run("dist/commands/cdktf.js", args, env);
const checks = (args: string[], env: NodeJS.ProcessEnv = {}) => run("dist/commands/terraform-checks.js", args, env);

/** A JSON file at `path` holding `value` (its directory made), returned. */
function jsonAt(path: string, value: unknown): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** A file at `path` (its directory made), returned. */
function fileAt(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, "");
  return path;
}

function linkTo(target: string, link: string): string {
  symlinkSync(target, link);
  return link;
}

/** What is at `path`: a link, a file, or a directory's entries (enough to see that nothing was written or removed). */
function snapshot(path: string): string {
  try {
    const stat = lstatSync(path);
    return stat.isDirectory() ? `dir: ${readdirSync(path).sort().join(",")}` : stat.isSymbolicLink() ? "link" : `file of ${stat.size}`;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? "error";
  }
}

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp) {
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at |this is a bug/);
}

describe("npm run synth", () => {
  test("--help prints the usage and writes nothing", () => {
    const out = join(work, "help-out");
    const result = synth(["--help"], { CDKTF_OUTDIR: out });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm run synth/);
    expect(existsSync(out)).toBe(false);
  });

  test.each([
    [["--bogus"], /^npm run synth: unknown option --bogus/],
    [["--hcl=yes"], /^npm run synth: --hcl takes no value/],
    [["aws"], /takes no stacks/],
    [["--output="], /--output needs a directory/],
  ])("%j is a usage error: one line, exit 2", (args, pattern) => {
    const result = synth(args, { CDKTF_OUTDIR: join(work, "never") });
    expect(result.status).toBe(2);
    expectOneLine(result.stderr, pattern);
    expect(existsSync(join(work, "never"))).toBe(false);
  });

  test("switching between JSON and HCL leaves one format in each stack directory", () => {
    const out = join(work, "formats");
    const files = (stack: string) => readdirSync(join(out, "stacks", stack)).filter((f) => /^cdk\.tf|^metadata/.test(f)).sort();
    expect(synth(["--output", out]).status).toBe(0);
    expect(files("aws")).toEqual(["cdk.tf.json"]);
    const hcl = synth(["--hcl", "--output", out]);
    expect(hcl.status).toBe(0);
    expect(files("aws")).toEqual(["cdk.tf", "metadata.json"]);
    expect(files("docker")).toEqual(["cdk.tf", "metadata.json"]);
    expect(synth(["--output", out]).status).toBe(0);
    expect(files("aws")).toEqual(["cdk.tf.json"]);
    expect(files("docker")).toEqual(["cdk.tf.json"]);
  });

  test("a stack directory the app no longer synthesizes is removed, as cdktf synth removes it; a directory no synthesis wrote stays", () => {
    const out = join(work, "orphans");
    mkdirSync(join(out, "stacks", "gone"), { recursive: true });
    writeFileSync(join(out, "stacks", "gone", "cdk.tf.json"), "{}");
    mkdirSync(join(out, "stacks", "mine"));
    writeFileSync(join(out, "stacks", "mine", "notes.txt"), "mine");
    const result = synth([], { CDKTF_OUTDIR: out });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("Generated Terraform code for the stacks: aws, docker\n");
    expect(readdirSync(join(out, "stacks")).sort()).toEqual(["aws", "docker", "mine"]);
  });

  test.each([
    ["the project itself", () => projectRoot, /--output = .*: is the project directory, which holds the sources/],
    ["a directory above the project", () => dirname(projectRoot), /--output = .*: is a directory above the project/],
    ["a directory whose stacks is a file", () => dirname(fileAt(join(work, "stacks-file", "stacks"))), /--output = .*: holds a file named stacks, where cdktf writes a directory for each stack/],
    ["a symbolic link to nothing", () => linkTo(join(work, "nowhere"), join(work, "dangling")), /--output = .*: is a symbolic link to nothing/],
    ["a name longer than the system takes", () => join(work, "x".repeat(300)), /--output = .*: cannot be used \(ENAMETOOLONG\)/],
    ["a file", () => fileAt(join(work, "plain-file")), /--output = .*: names a file, not a directory/],
    ["a directory of other files", () => dirname(fileAt(join(work, "sources", "README.md"))), /--output = .*: holds files no synthesis wrote \(README\.md\), among which synthesis would write its own/],
    ["a directory whose manifest.json cdktf did not write", () => dirname(jsonAt(join(work, "own-manifest", "manifest.json"), { mine: "precious" })), /--output = .*: holds a manifest\.json that is not cdktf's \(no version and stacks in it\), which synthesis would replace/],
    ["a directory the kernel will not make", () => "/proc/no-such-output", /--output = "\/proc\/no-such-output": cannot be made there \(ENOENT\)/],
    ["a new directory in the repository's .git", () => join(projectRoot, ".git", `synth-${process.pid}`), /--output = .*: is inside the repository's \.git directory, which is git's own/],
  ])("--output naming %s is a bad command line: one line naming it, exit 2, nothing written or removed", (_, target, pattern) => {
    const dir = target();
    // The directory above the project is shared (a clone in /tmp: other programs come and go there meanwhile): what a
    // synthesis would write there is what must not appear.
    const shared = dir === dirname(projectRoot);
    const snap = (d: string) => (shared ? ["manifest.json", "stacks"].map((f) => snapshot(join(d, f))).join(" ") : snapshot(d));
    const before = snap(dir);
    const result = synth(["--output", dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^npm run synth: --output = /);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/this is a bug|\n\s+at |CDKTF_OUTDIR/);
    expect(snap(dir)).toEqual(before);
  });

  test("--output naming the settings' certificates directory is a bad command line, before certificates are made there and after", () => {
    // A certificates directory of its own (ignored by git as certs/ is), so the project's certs/ is left as it is.
    const certsDir = `certs/output-test-${process.pid}`;
    const config = jsonAt(join(work, "certs-output", "infra.json"), { dockerHost: { certsDir } });
    const dir = join(projectRoot, certsDir);
    try {
      const named = synth(["--output", dir], { INFRA_CONFIG: config });
      expect(named.status).toBe(2);
      expect(named.stderr).toMatch(new RegExp(`^npm run synth: --output = .*: is the certificates' directory \\(dockerHost\\.certsDir = ${certsDir}\\), which holds the private keys`));
      expect(named.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(existsSync(dir)).toBe(false);
      // With keys in it, refused all the same, and nothing written beside them.
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "ca-key.pem"), "a key\n");
      const full = synth(["--output", dir], { INFRA_CONFIG: config });
      expect(full.status).toBe(2);
      expect(full.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(readdirSync(dir)).toEqual(["ca-key.pem"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an output directory holding only hidden files and lost+found, or a manifest.json cut short, is written to", () => {
    const fresh = join(work, "mounted");
    mkdirSync(join(fresh, "lost+found"), { recursive: true });
    writeFileSync(join(fresh, ".gitignore"), "*\n");
    writeFileSync(join(fresh, ".DS_Store"), "");
    expect(synth(["--output", fresh])).toMatchObject({ status: 0 });
    writeFileSync(join(fresh, "manifest.json"), '{"version": "0.21.0", "sta');
    expect(synth(["--output", fresh])).toMatchObject({ status: 0 });
  });

  test("without --output or CDKTF_OUTDIR, a problem with cdktf.out is named as the output directory, not as a variable", () => {
    // A project of its own, whose cdktf.out is a file: the launcher and the bundles it runs, and what the app reads.
    const project = mkdtempSync(join(tmpdir(), "synth-project-"));
    // synth.js works in the directory above its own (node would follow a link to ours): a copy.
    mkdirSync(join(project, "commands"));
    copyFileSync(join(projectRoot, "commands", "synth.js"), join(project, "commands", "synth.js"));
    for (const dir of ["deploy", "dist", "node_modules", "schemas", "task-definitions", "cloud-config"]) symlinkSync(join(projectRoot, dir), join(project, dir));
    for (const file of ["cdktf.json", "package.json", "tsconfig.json"]) symlinkSync(join(projectRoot, file), join(project, file));
    writeFileSync(join(project, "cdktf.out"), "");
    const result = spawnSync(process.execPath, [join(project, "commands", "synth.js")], { cwd: project, env: { ...process.env, INFRA_CONFIG: "", CDKTF_OUTDIR: "" }, encoding: "utf8" });
    expect(result.stderr).toMatch(/^Invalid environment, nothing was synthesized:\nthe output directory = "cdktf\.out": names a file, not a directory/);
    expect(result.status).toBe(1);
  });

  test("a relative CDKTF_OUTDIR is where the user typed the command; one with spaces around it is refused", () => {
    const here = join(work, "outdir-typed-here");
    mkdirSync(here);
    expect(synth([], { CDKTF_OUTDIR: "out", INIT_CWD: here }).status).toBe(0);
    expect(readdirSync(join(here, "out")).sort()).toEqual(["manifest.json", "stacks"]);
    const spaced = synth([], { CDKTF_OUTDIR: " ", INIT_CWD: here });
    expect(spaced.status).toBe(1);
    expect(spaced.stderr).toMatch(/CDKTF_OUTDIR = " ": has leading or trailing spaces/);
    expect(readdirSync(here)).toEqual(["out"]);
  });

  test.each([
    [["--output", "--hcl"], /^npm run synth: --output needs a value/],
    [["-o"], /^npm run synth: --output needs a value/],
    [["-o", "one", "-o", "two"], /^npm run synth: --output is given more than once; give it once/],
    [["-o=odir"], /^npm run synth: --output =odir starts with "=": write -o DIR or --output=DIR/],
    [["--h\u00e9lp"], /^npm run synth: unknown option --h\u00e9lp /],
    [["--hcl\u202e"], /^npm run synth: unknown option --hcl\\u202E /],
  ])("%j is named as typed, in one line", (args, pattern) => {
    const result = synth(args, { CDKTF_OUTDIR: join(work, "never") });
    expect(result.status).toBe(2);
    expectOneLine(result.stderr, pattern);
  });

  test("an --output that npm took as its own option (no `--`) is read as typed after `--`, or refused when npm kept its value", () => {
    const out = join(work, "npm-took");
    const npm = { npm_lifecycle_event: "synth", INIT_CWD: work };
    const twice = synth(["--output", "after"], { ...npm, npm_config_output: "before" });
    expect(twice.stderr).toBe("npm run synth: --output is given twice, to npm (--output=before, before `--`) and after `--` (--output=after); give it once, after `--` (npm run synth -- --help shows the usage)\n");
    expect(twice.status).toBe(2);
    const took = synth([], { ...npm, npm_config_output: "npm-took" });
    expect(took.status).toBe(0);
    expect(took.stderr).toContain("(npm took --output as its own option; read as `npm run synth -- --output=npm-took`)");
    expect(readdirSync(out).sort()).toEqual(["manifest.json", "stacks"]);
    const lost = synth([join(work, "elsewhere")], { ...npm, npm_config_output: "true" });
    expect(lost.status).toBe(2);
    expectOneLine(lost.stderr, /npm took --output as its own option and passed its value on as an argument; put options after `--`/);
  });

  test("a settings error prints once, with no spinner frames, and writes nothing", () => {
    const out = join(work, "bad-settings");
    const result = synth([], { CDKTF_OUTDIR: out, INFRA_CONFIG: join(work, "missing.json") });
    expect(result.status).toBe(1);
    expect(result.stderr.match(/Invalid settings/g)).toHaveLength(1);
    expect(result.stdout).toBe("");
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/[\u2800-\u28ff]|\u001b\[/);
    expect(existsSync(out)).toBe(false);
  });

  test("a relative INFRA_CONFIG is read from where the user typed the command, and a missing one names the path tried", () => {
    const here = join(work, "typed-here");
    mkdirSync(here);
    writeFileSync(join(here, "mine.json"), JSON.stringify({ project: "typed" }));
    const out = join(work, "relative");
    expect(synth([], { CDKTF_OUTDIR: out, INFRA_CONFIG: "mine.json", INIT_CWD: here }).status).toBe(0);
    const missing = synth([], { CDKTF_OUTDIR: out, INFRA_CONFIG: "nope.json", INIT_CWD: here });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`INFRA_CONFIG file nope.json (${join(here, "nope.json")}): cannot be read (no such file)`);
  });

  test("run without npm (no INIT_CWD), a relative INFRA_CONFIG is read from the directory it was run in, not the project", () => {
    const here = join(work, "run-here");
    mkdirSync(here);
    writeFileSync(join(here, "mine.json"), JSON.stringify({ project: "runhere" }));
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: join(work, "run-here-out"), INFRA_CONFIG: "mine.json" };
    delete env.INIT_CWD;
    delete env.npm_lifecycle_event;
    const result = spawnSync(process.execPath, [join(projectRoot, "commands", "synth.js")], { cwd: here, env, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(readFileSync(join(work, "run-here-out", "stacks", "aws", "cdk.tf.json"), "utf8")).toContain("runhere");
  });

  test("an empty CDKTF_OUTDIR (exported blank) is as unset, for the app command cdktf runs as for npm run synth", () => {
    // Run where the default cdktf.out is a directory of the test's own.
    const here = mkdtempSync(join(work, "blank-outdir-"));
    const result = spawnSync(process.execPath, [join(projectRoot, "deploy", "app.js")], {
      cwd: here,
      env: { ...process.env, INFRA_CONFIG: "", CDKTF_OUTDIR: "", CDKTF_CONTEXT_JSON: "" },
      encoding: "utf8",
    });
    expect(result.stderr).not.toMatch(/this is a bug|\n\s+at /);
    expect(result.status).toBe(0);
    expect(existsSync(join(here, "cdktf.out", "stacks", "aws", "cdk.tf.json"))).toBe(true);
  });

  test.each([
    ["CDKTF_OUTDIR naming a file", () => ({ CDKTF_OUTDIR: join(work, "a-file") }), /CDKTF_OUTDIR = .*names a file, not a directory/],
    ["CDKTF_OUTDIR below a missing directory", () => ({ CDKTF_OUTDIR: join(work, "no", "such") }), /CDKTF_OUTDIR = .*its parent .* does not exist/],
    ["malformed CDKTF_CONTEXT_JSON", () => ({ CDKTF_CONTEXT_JSON: "{oops", CDKTF_OUTDIR: join(work, "ctx") }), /CDKTF_CONTEXT_JSON = "\{oops": not valid JSON/],
    ["CDKTF_CONTEXT_JSON that is not an object", () => ({ CDKTF_CONTEXT_JSON: "[1]", CDKTF_OUTDIR: join(work, "ctx") }), /CDKTF_CONTEXT_JSON = "\[1\]": expected a JSON object/],
    ["SYNTH_HCL_OUTPUT that cdktf would read as JSON", () => ({ SYNTH_HCL_OUTPUT: "yes", CDKTF_OUTDIR: join(work, "ctx") }), /SYNTH_HCL_OUTPUT = "yes": expected true or 1 \(write HCL/],
  ])("%s is named as a bad input, not reported as a bug", (_, env, pattern) => {
    writeFileSync(join(work, "a-file"), "");
    const result = synth([], env());
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Invalid environment, nothing was synthesized:\n/);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/this is a bug|\n\s+at /);
    expect(existsSync(join(work, "ctx"))).toBe(false);
  });
});

describe("npm run diff, deploy, destroy and output", () => {
  test.each(["diff", "deploy", "destroy", "output"])("%s --help prints its usage and the cdktf options it takes", (command) => {
    const result = wrapper([command, "--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(command === "diff" ? /^usage: npm run diff -- aws\|docker / : new RegExp(`^usage: npm run ${command} -- STACK… [^]*STACK: aws, docker, or a pattern`));
    expect(result.stdout).toContain("--skip-synth");
  });

  test.each([
    [["diff", "--bogus"], /^npm run diff: unknown option --bogus/],
    [["deploy", "prod"], /^npm run deploy: unknown stack "prod"; expected aws or docker/],
    [["deploy", "aws", "docker", "--parallelism=many"], /--parallelism=many: expected a whole number/],
    [["destroy", "--refresh-only"], /unknown option --refresh-only/],
    [["output", "--auto-approve"], /unknown option --auto-approve/],
    [["diff", "aws", "--log-level=loud"], /--log-level=loud: expected one of/],
  ])("%j is refused in one line with exit 2, before cdktf starts", (args, pattern) => {
    const result = wrapper(args);
    expect(result.status).toBe(2);
    expectOneLine(result.stderr, pattern);
  });

  test("an unknown command prints the commands", () => {
    const result = wrapper(["plan"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^usage: npm run diff\|deploy\|destroy\|output/);
  });

  test.each(["diff", "deploy"])("%s stops before Terraform when there are no certificates, naming the command that makes them", (command) => {
    const settings = join(work, `no-certs-${command}.json`);
    writeFileSync(settings, JSON.stringify({ dockerHost: { certsDir: "certs/never-made-by-a-test" } }));
    const result = wrapper([command, "aws"], { INFRA_CONFIG: settings });
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, /^npm run \w+: the Docker API's certificates will not do \(dockerHost\.certsDir\): there are no certificates in certs\/never-made-by-a-test: run `npm run certs`/);
  });

  test("bad settings and a bad environment stop it before cdktf starts", () => {
    const settings = wrapper(["deploy", "aws", "docker"], { INFRA_CONFIG: join(work, "absent.json") });
    expect(settings.status).toBe(1);
    expect(settings.stderr).toMatch(/^Invalid settings, npm run deploy did nothing:\nINFRA_CONFIG file .*absent\.json: cannot be read/);
    const environment = wrapper(["diff", "aws"], { CDKTF_CONTEXT_JSON: "nope" });
    expect(environment.status).toBe(1);
    expect(environment.stderr).toMatch(/^npm run diff: invalid environment:\nenvironment variable CDKTF_CONTEXT_JSON = "nope": not valid JSON/);
    const hcl = wrapper(["deploy", "aws", "docker"], { SYNTH_HCL_OUTPUT: "TRUE" });
    expect(hcl.status).toBe(1);
    expect(hcl.stderr).toMatch(/^npm run deploy: invalid environment:\nenvironment variable SYNTH_HCL_OUTPUT = "TRUE": expected true or 1/);
  });

  test("with --skip-synth, an output directory holding both JSON and HCL is refused, naming the synth that rewrites it", () => {
    const out = mkdtempSync(join(projectRoot, "cdktf.out.mixed-test-"));
    mkdirSync(join(out, "stacks", "aws"), { recursive: true });
    writeFileSync(join(out, "stacks", "aws", "cdk.tf.json"), "{}");
    writeFileSync(join(out, "stacks", "aws", "cdk.tf"), "");
    const certs = join(work, "certs-settings.json");
    writeFileSync(certs, JSON.stringify({ dockerHost: { certsDir: "certs/never-made-by-a-test" } }));
    const result = wrapper(["output", "aws", "--skip-synth", `--output=${out}`], { INFRA_CONFIG: certs });
    expect(result.status).toBe(1);
    rmSync(out, { recursive: true });
    expectOneLine(result.stderr, /stacks\/aws holds both cdk\.tf\.json \(JSON\) and cdk\.tf \(HCL\).*run `npm run synth -- --output=\S*cdktf\.out\.mixed-test-\w+` \(JSON\) or `npm run synth -- --hcl --output=/);
  });
});

describe("npm run validate and npm run test:terraform", () => {
  test.each(["validate", "test"])("%s --help names your settings and every fixture", (command) => {
    const result = checks([command, "--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\[settings\|default\|options/);
  });

  test.each(["--help", "-h"])("%s before a command prints both commands on stdout and exits 0", (flag) => {
    const result = checks([flag]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: terraform-checks validate\|test/);
    expect(result.stderr).toBe("");
  });

  test.each([
    [["validate", "prod"], /^npm run validate: unknown variant "prod"; expected settings, default, options/],
    [["validate", "--help=x"], /^npm run validate: --help takes no value/],
    [["test", "--fast"], /^npm run test:terraform: unknown option --fast/],
  ])("%j is refused with exit 2", (args, pattern) => {
    const result = checks(args);
    expect(result.status).toBe(2);
    expectOneLine(result.stderr, pattern);
  });

  test.each(["validate", "test"])("%s refuses a CDKTF_CONTEXT_JSON the app would refuse in one line, before Terraform or a workspace", (command) => {
    const tmp = mkdtempSync(join(work, "tmp-"));
    const result = checks([command, "default"], { CDKTF_CONTEXT_JSON: "[", TMPDIR: tmp });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expectOneLine(result.stderr, /^npm run (validate|test:terraform): environment variable CDKTF_CONTEXT_JSON = "\[": not valid JSON \([^)]*\); expected a JSON object of context values\n$/);
    expect(readdirSync(tmp)).toEqual([]);
  });

  test.each(["validate", "test"])("%s removes a variant's workspace when its synth fails", (command) => {
    const tmp = mkdtempSync(join(work, "tmp-"));
    // The app command fails, as a synth would on a bug; the checks themselves run as usual.
    const probe = join(work, "failing-synth.js");
    writeFileSync(probe, 'if (/[\\/]main\\.js$/.test(process.argv[1] ?? "")) { process.stderr.write("synth failed on purpose\\n"); process.exit(1); }\n');
    const result = checks([command, "default"], { NODE_OPTIONS: `--require ${JSON.stringify(probe)}`, TMPDIR: tmp });
    expect(result.stderr).toContain("json synth of default failed:\nsynth failed on purpose\n");
    expect(result.status).toBe(1);
    expect(readdirSync(tmp)).toEqual([]);
  });

  test.each([
    ["validate", "dist/commands/terraform-checks.js", ["validate", "default"], "soa-terraform-", true],
    ["review", "dist/commands/review.js", ["HEAD"], "soa-review-", true],
    // The app it draws is built in a directory that stays empty, in one synchronous step: Ctrl-C then either ends it
    // once that step is over, or (when Node's event loop never polls again) comes too late and graph ends as usual.
    ["graph", "dist/commands/graph.js", [`--out=${join(work, "interrupted.svg")}`], "soa-app-", false],
    // Its first synth is under way once its probe is written (or about to be: it is awaited); its copies under
    // .bench/ go too.
    ["bench", "dist/maintainer/bench.js", ["--runs=1", "--synth-runs=1", "--template-runs=1"], "soa-bench-", true],
  ])("%s interrupted (Ctrl-C reaches the command and the programs it runs) removes its temporary directories", async (name, script, args, prefix, fills) => {
    const tmp = mkdtempSync(join(work, "tmp-"));
    // Its own process group, as a terminal makes for a command: Ctrl-C signals every process in it.
    const child = spawn(process.execPath, [join(projectRoot, script), ...args], {
      cwd: projectRoot,
      env: { ...process.env, INFRA_CONFIG: "", INIT_CWD: projectRoot, TMPDIR: tmp },
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let exited: number | null | undefined;
    const ended = new Promise<number | null>((done) => child.on("exit", (code) => done((exited = code))));
    // Until it has made a directory and begun to fill it (or ended: then what it said is the failure's message).
    const deadline = Date.now() + 30_000;
    const started = () => readdirSync(tmp).some((d) => d.startsWith(prefix) && (!fills || readdirSync(join(tmp, d)).length > 0));
    while (!started() && exited === undefined && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, fills ? 50 : 5));
    expect({ started: started(), exited, stderr }).toEqual({ started: true, exited: undefined, stderr: expect.any(String) });
    process.kill(-child.pid!, "SIGINT");
    expect(name === "graph" ? [0, 130] : [130]).toContain(await ended);
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(join(projectRoot, ".bench"))).toBe(false);
  });

  test("bench given SIGINT by itself (a kill of its process alone, which its synth does not get) ends within seconds, removing its copies", async () => {
    const tmp = mkdtempSync(join(work, "tmp-"));
    const child = spawn(process.execPath, [join(projectRoot, "dist", "maintainer", "bench.js"), "--runs=3"], {
      cwd: projectRoot,
      env: { ...process.env, INFRA_CONFIG: "", INIT_CWD: projectRoot, TMPDIR: tmp },
      stdio: "ignore",
    });
    let sent = Date.now();
    const ended = new Promise<{ code: number | null; ms: number }>((done) => child.on("exit", (code) => done({ code, ms: Date.now() - sent })));
    const deadline = Date.now() + 30_000;
    while (!readdirSync(tmp).some((d) => d.startsWith("soa-bench-")) && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 5));
    sent = Date.now();
    child.kill("SIGINT");
    const { code, ms } = await ended;
    expect(code).toBe(130);
    // The synth it was running gets a second to end, then the signal: no whole series of synths first.
    expect(ms).toBeLessThan(12_000);
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(join(projectRoot, ".bench"))).toBe(false);
  });

  test("test:terraform interrupted while Terraform runs waits for Terraform to end, so no provider is left running in a removed workspace", async () => {
    const tmp = mkdtempSync(join(work, "tmp-"));
    const child = spawn(process.execPath, [join(projectRoot, "dist", "commands", "terraform-checks.js"), "test", "default"], {
      cwd: projectRoot,
      env: { ...process.env, INFRA_CONFIG: "", INIT_CWD: projectRoot, TMPDIR: tmp },
      detached: true,
      stdio: "ignore",
    });
    const ended = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    // Linux's /proc: each process's parent and command.
    const processes = () =>
      readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .flatMap((p) => {
          try {
            const stat = readFileSync(`/proc/${p}/stat`, "utf8");
            return [{ pid: Number(p), ppid: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]), command: readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0")[0] }];
          } catch {
            return [];
          }
        });
    const running = () => {
      const all = processes();
      const terraform = all.find((p) => p.ppid === child.pid && p.command === "terraform");
      return terraform && all.some((p) => p.ppid === terraform.pid && p.command.includes("terraform-provider-aws")) ? terraform : undefined;
    };
    const deadline = Date.now() + 90_000;
    while (!running() && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 100));
    const terraform = running();
    expect(terraform).toBeDefined();
    process.kill(-child.pid!, "SIGINT");
    expect(await ended).toBe(130);
    // Gone before the command ended: Terraform stopped its provider while its working directory was still there.
    expect(existsSync(`/proc/${terraform!.pid}`)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);

  test("validate ended by SIGTERM while Terraform runs (a CI job's timeout) stops Terraform and removes its workspaces at once", async () => {
    const tmp = mkdtempSync(join(work, "tmp-"));
    const child = spawn(process.execPath, [join(projectRoot, "dist", "commands", "terraform-checks.js"), "validate", "default"], {
      cwd: projectRoot,
      env: { ...process.env, INFRA_CONFIG: "", INIT_CWD: projectRoot, TMPDIR: tmp },
      stdio: "ignore",
    });
    const ended = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    // Until terraform init has begun in a stack directory.
    const deadline = Date.now() + 60_000;
    const initializing = () => (readdirSync(tmp, { recursive: true }) as string[]).some((p) => p.endsWith(".terraform"));
    while (!initializing() && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 50));
    expect(initializing()).toBe(true);
    const signalled = Date.now();
    child.kill("SIGTERM");
    expect(await ended).toBe(143);
    // Terraform gets a second to end on its own, then the signal; before, the whole terraform init ran out (10 s here).
    expect(Date.now() - signalled).toBeLessThan(6000);
    expect(readdirSync(tmp)).toEqual([]);
  });

  test("a settings file that cannot be read fails the check instead of passing on the fixtures", () => {
    const result = checks(["validate"], { INFRA_CONFIG: join(work, "nonexistent.json") });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Invalid settings, npm run validate did nothing:\nINFRA_CONFIG file .*nonexistent\.json: cannot be read/);
    expect(result.stdout).not.toMatch(/passed/);
  });
});
