// `npm run review` through its built entry point (dist/commands/review.js), in a git checkout made for it: what it
// compares with what, the settings each side reads, and the one-line errors of a bad command line or checkout.
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { projectRoot } from "../../settings/paths";

const root = mkdtempSync(join(tmpdir(), "review-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("npm run review, in a git checkout", () => {
  // One repository for every test: a copy of the project on main with a settings file committed, then in the
  // working tree an edit to a boot configuration, that settings file changed and another one not committed.
  const repo = join(root, "repo");
  const script = join(repo, "dist", "commands", "review.js");
  let base: string;
  beforeAll(() => {
    for (const entry of ["main.ts", "settings", "stacks", "constructs", "policy", "commands", "deploy", "maintainer", "cloud-config", "task-definitions", "schemas", "cdktf.json", "package.json", "tsconfig.json", ".gitignore"]) {
      cpSync(join(projectRoot, entry), join(repo, entry), { recursive: true });
    }
    mkdirSync(join(repo, "config"));
    writeFileSync(join(repo, "config", "review.json"), JSON.stringify({ dockerHost: { adminCidrs: ["198.51.100.0/24"] } }));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd: repo, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    base = git("rev-parse", "HEAD").trim().slice(0, 12);
    symlinkSync(join(projectRoot, "node_modules"), join(repo, "node_modules"));
    // The entry point as `npm run compile` built it before the tests (and the bundle it runs); the app's bundles
    // when there are some (the app command checks them against every source and rebuilds what differs).
    for (const file of ["review.js", "review.bundle.js"]) cpSync(join(projectRoot, "dist", "commands", file), join(repo, "dist", "commands", file));
    if (existsSync(join(projectRoot, "dist", "app"))) cpSync(join(projectRoot, "dist", "app"), join(repo, "dist", "app"), { recursive: true });
    appendFileSync(join(repo, "cloud-config", "docker-host-init.sh"), "echo reviewed\n");
    const secret = "arn:aws:secretsmanager:us-west-1:123456789012:secret:registry-AbCdEf";
    writeFileSync(join(repo, "config", "review.json"), JSON.stringify({ dockerHost: { adminCidrs: ["198.51.100.0/24", "203.0.113.0/24"] }, registryCredentialsSecretArn: secret }));
    writeFileSync(join(repo, "config", "local.json"), JSON.stringify({ services: { web: { desiredCount: 3 } } }));
  });

  const review = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = repo) =>
    spawnSync(process.execPath, [script, ...args], { cwd, encoding: "utf8", env: { ...process.env, INIT_CWD: cwd, INFRA_CONFIG: "", ...env } });
  /** A user error: one line on stderr, no trace, nothing on stdout. */
  const oneLine = (run: ReturnType<typeof review>, status: number, message: RegExp) => {
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status, stdout: "" });
    expect(run.stderr).toMatch(new RegExp(`^npm run review: ${message.source}[^\n]*\n$`));
  };

  test("compares the merge base with main against the working tree", () => {
    const run = review([]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^Synthesized Terraform: [0-9a-f]{12} \(base\) → working tree\nsettings: built-in defaults on both sides \(INFRA_CONFIG not set\)\n/);
    // The host's user data is the cloud-config local: both show the change.
    expect(run.stdout).toMatch(/== aws: 0 added, 0 removed, 2 changed\n~ aws_instance\.docker-host_instance_[A-F0-9]+\n {4}user_data:\n/);
    expect(run.stdout).toMatch(/~ local\.docker-host_cloud-config_[A-F0-9]+\n/);
    expect(run.stdout).toMatch(/\n {6}\+ +echo reviewed\n/);
    expect(run.stdout).toContain("== docker: 0 added, 0 removed, 0 changed");
  }, 60_000);

  test("reads an uncommitted settings file named by a path relative to where the command was typed, for both sides", () => {
    const run = review([], { INFRA_CONFIG: "local.json" }, join(repo, "config"));
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`\nsettings: base = head = config/local.json (working tree; not tracked at ${base})\n`);
    expect(run.stdout).toContain("== aws: 0 added, 0 removed, 2 changed");
  }, 60_000);

  test("compares a settings file named by an absolute path with the same file as committed at the base", () => {
    const run = review([], { INFRA_CONFIG: join(repo, "config", "review.json") });
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`\nsettings: base = config/review.json at ${base}, head = config/review.json (working tree)\n`);
    const [security, stacks] = run.stdout.split("\n== aws: ");
    // The Docker API opened to a new range, and the new secret the task execution role may read.
    expect(security).toMatch(/\n {4}\+ ingress tcp port 2376 from 203\.0\.113\.0\/24 to aws_security_group\.docker-host_api_group_[A-F0-9]+\n/);
    expect(security).toMatch(/\n {4}\+ Allow secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-west-1:123456789012:secret:registry-AbCdEf\n {8}aws: policy of aws_iam_role_policy\.task-execution-role_inline_/);
    expect(security).not.toMatch(/198\.51\.100\.0/);
    expect(stacks).toMatch(/^2 added, 0 removed, \d+ changed/);
    // Added resources with their attributes.
    expect(stacks).toMatch(/\n\+ aws_vpc_security_group_ingress_rule\.docker-host_api_in-1_[A-F0-9]+\n {4}cidr_ipv4: "203\.0\.113\.0\/24"\n {4}description: "[^"]+"\n {4}from_port: 2376\n/);
    expect(stacks).toMatch(/\n\+ aws_iam_role_policy\.task-execution-role_inline_[A-F0-9]+\n {4}lifecycle\.create_before_destroy: true\n {4}name: "inline"\n {4}policy:\n {6}\+ JSON document:\n/);
  }, 60_000);

  test("--base-settings names the base's settings file, from where the command was typed", () => {
    const run = review(["--base-settings=local.json"], { INFRA_CONFIG: "review.json" }, join(repo, "config"));
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("\nsettings: base = config/local.json (working tree, --base-settings), head = config/review.json (working tree)\n");
    // Other attributes of the service may change too (the base's settings have no registry secret).
    expect(run.stdout).toMatch(/\n~ aws_ecs_service\.service-web_service_[A-F0-9]+\n(?: {4}\S.*\n| {6}.*\n)*? {4}desired_count: 3 -> \d+\n/);
    expect(run.stdout).toMatch(/\n {4}\+ ingress tcp port 2376 from 198\.51\.100\.0\/24 to /);
  }, 60_000);

  test("a task definition named by an absolute path, or out and back in through `..`, is read as committed at the base; one outside the project is named", () => {
    const definition = join(repo, "task-definitions", "bottask.json");
    const committed = readFileSync(definition, "utf8");
    const outside = join(root, "elsewhere-bottask.json");
    writeFileSync(outside, committed);
    writeFileSync(definition, committed.replace('"memory": 90', '"memory": 95'));
    try {
      for (const path of [definition, `../${basename(repo)}/task-definitions/bottask.json`]) {
        writeFileSync(join(root, "absolute.json"), JSON.stringify({ services: { bot: { taskDefinition: path } } }));
        const run = review([], { INFRA_CONFIG: join(root, "absolute.json") });
        expect(run.stderr).toBe("");
        expect(run.stdout).toMatch(/\n *- +"memory": 90,\n *\+ +"memory": 95,\n/);
      }
      writeFileSync(join(root, "outside.json"), JSON.stringify({ services: { bot: { taskDefinition: outside } } }));
      const run = review([], { INFRA_CONFIG: join(root, "outside.json") });
      expect(run.stderr).toBe("");
      expect(run.stdout).toContain(`; services.bot.taskDefinition ${outside} is outside the project: both sides read it as it is now\n`);
    } finally {
      writeFileSync(definition, committed);
    }
  }, 120_000);

  test("a task definition the working tree no longer has is read at the base; a new one, at neither, is read as it is now on both sides, and said", () => {
    const definitions = join(repo, "task-definitions");
    const committed = readFileSync(join(definitions, "bottask.json"), "utf8");
    try {
      // Moved since the base, and changed: the base's settings name it where it was, by an absolute path.
      rmSync(join(definitions, "bottask.json"));
      writeFileSync(join(definitions, "bottask-moved.json"), committed.replace('"memory": 90', '"memory": 95'));
      writeFileSync(join(root, "moved-base.json"), JSON.stringify({ services: { bot: { taskDefinition: join(definitions, "bottask.json") } } }));
      writeFileSync(join(root, "moved-head.json"), JSON.stringify({ services: { bot: { taskDefinition: "task-definitions/bottask-moved.json" } } }));
      const moved = review([`--base-settings=${join(root, "moved-base.json")}`], { INFRA_CONFIG: join(root, "moved-head.json") });
      expect(moved.stderr).toBe("");
      expect(moved.stdout).toMatch(/\n *- +"memory": 90,\n *\+ +"memory": 95,\n/);
      // New, not committed yet: both sides read the working tree's, and the settings line says so.
      writeFileSync(join(definitions, "newtask.json"), committed);
      writeFileSync(join(root, "new.json"), JSON.stringify({ services: { bot: { taskDefinition: "task-definitions/newtask.json" } } }));
      const fresh = review([], { INFRA_CONFIG: join(root, "new.json") });
      expect(fresh.stderr).toBe("");
      expect(fresh.stdout).toContain(`; services.bot.taskDefinition task-definitions/newtask.json is not in the base (${base}): both sides read it as it is now\n`);
      // Nowhere: the base's error names the file at the base, not a scratch directory that is gone.
      writeFileSync(join(root, "nowhere.json"), JSON.stringify({ services: { bot: { taskDefinition: "task-definitions/nowhere.json" } } }));
      const nowhere = review([`--base-settings=${join(root, "nowhere.json")}`], { INFRA_CONFIG: join(root, "moved-head.json") });
      expect(nowhere.status).toBe(1);
      expect(nowhere.stderr).toContain(`${base}:task-definitions/nowhere.json`);
      expect(nowhere.stderr).not.toMatch(/soa-review-/);
    } finally {
      for (const file of ["bottask-moved.json", "newtask.json"]) rmSync(join(definitions, file), { force: true });
      writeFileSync(join(definitions, "bottask.json"), committed);
    }
  }, 180_000);

  test("a base without the project in it (no cdktf.json there) stops it in one line", () => {
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd: repo, encoding: "utf8" }).trim();
    const readme = git("hash-object", "-w", join(repo, "package.json"));
    const tree = execFileSync("git", ["mktree"], { cwd: repo, input: `100644 blob ${readme}\tpackage.json\n`, encoding: "utf8" }).trim();
    const empty = git("commit-tree", tree, "-m", "no project");
    oneLine(review([empty]), 1, new RegExp(`the base ${empty.slice(0, 12)} has no project at \\S+ \\(no cdktf\\.json there\\)`));
  });

  test("a base whose committed settings the app refuses names that file at the base, not the scratch copy it read", () => {
    // A commit beside the others whose config/review.json opens the Docker API on SSH's port, which the app refuses.
    const index = join(root, "broken-index");
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd: repo, encoding: "utf8", env: { ...process.env, GIT_INDEX_FILE: index } }).trim();
    writeFileSync(join(root, "broken.json"), JSON.stringify({ dockerHost: { apiPort: 22 } }));
    git("read-tree", "HEAD");
    git("update-index", "--add", "--cacheinfo", `100644,${git("hash-object", "-w", join(root, "broken.json"))},config/review.json`);
    const broken = git("commit-tree", git("write-tree"), "-p", "HEAD", "-m", "settings the app refuses");
    const run = review([broken], { INFRA_CONFIG: join(repo, "config", "review.json") });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`INFRA_CONFIG file config/review.json at ${broken.slice(0, 12)}: dockerHost.apiPort = 22: expected a port other than 22, 80 and 443`);
    expect(run.stderr).not.toMatch(/soa-review-|base-settings\//);
  }, 60_000);

  test("a settings file that cannot be read stops it with one line that names the path tried", () => {
    oneLine(review([], { INFRA_CONFIG: "missing.json" }, join(repo, "config")), 1, /INFRA_CONFIG file missing\.json \(.*\/config\/missing\.json\): cannot be read \(no such file\)/);
    oneLine(review(["--base-settings=gone.json"]), 1, /--base-settings file gone\.json \(.*\/gone\.json\): cannot be read/);
    // A name with an escape sequence or a line break is shown escaped, as settings messages show it: one line.
    oneLine(review([], { INFRA_CONFIG: "e\x1b[31mvil\n.json" }, join(repo, "config")), 1, /INFRA_CONFIG file e\\u001B\[31mvil\\u000A\.json \(.*\): cannot be read/);
  });

  test("--help prints the usage; a bad command line is one line and exit 2", () => {
    const help = review(["--help"]);
    expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: "" });
    expect(help.stdout).toMatch(/^usage: npm run review -- \[base-ref\] \[--markdown\] \[--base-settings=FILE\]\n[\s\S]*\nSettings: /);
    oneLine(review(["--bogus"]), 2, /unknown option --bogus/);
    oneLine(review(["main", "HEAD"]), 2, /too many base refs: "HEAD"/);
    oneLine(review(["--base-settings"]), 2, /--base-settings needs a value/);
    oneLine(review(["--bo\ngus"]), 2, /unknown option --bo\\u000Agus/);
  });

  test("a base ref that is not a commit is a bad command line: one line naming it, exit 2", () => {
    oneLine(review(["no-such-branch"]), 2, /base ref "no-such-branch" is not a commit in this repository \(npm run review -- --help shows the usage\)/);
    oneLine(review(["--", "-p"]), 2, /base ref "-p" is not a commit in this repository/);
    oneLine(review(["HEAD:cdktf.json"]), 2, /base ref "HEAD:cdktf\.json" is not a commit in this repository/);
    // Shown as settings messages show what a user typed: a bidirectional control is escaped, not obeyed.
    oneLine(review(["main\u202Egnp.exe"]), 2, /base ref "main\\u202Egnp\.exe" is not a commit in this repository/);
  });

  test("a CDKTF_CONTEXT_JSON the app would refuse stops it in one line, before anything is synthesized", () => {
    const tmp = mkdtempSync(join(root, "tmp-"));
    oneLine(review([], { CDKTF_CONTEXT_JSON: "[", TMPDIR: tmp }), 1, /environment variable CDKTF_CONTEXT_JSON = "\[": not valid JSON \([^)]*\); expected a JSON object of context values/);
    expect(readdirSync(tmp)).toEqual([]);
  });

  test("outside a git checkout, or without git, it says that it needs a git checkout", () => {
    const outside = join(root, "outside");
    mkdirSync(join(outside, "dist", "deploy"), { recursive: true });
    for (const file of ["dist/commands/review.js", "dist/commands/review.bundle.js", "deploy/load-bundle.js", "deploy/build-state.js"]) cpSync(join(repo, file), join(outside, file));
    cpSync(join(repo, "cdktf.json"), join(outside, "cdktf.json"));
    const run = spawnSync(process.execPath, [join(outside, "dist", "commands", "review.js")], { cwd: outside, encoding: "utf8", env: { ...process.env, GIT_CEILING_DIRECTORIES: root } });
    oneLine(run, 1, /needs a git checkout to compare with: \/.*\/outside is not in a git repository/);
    oneLine(review([], { PATH: join(root, "no-such-dir") }), 1, /needs a git checkout to compare with, and git is not installed/);
  });
});
