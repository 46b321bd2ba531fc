// `npm run review`: the diff of the synthesized Terraform between two versions, as a reviewer reads it.
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../main";
import { projectRoot } from "../../settings/paths";
import { lineDiff, readSynthesized, renderMarkdown, renderText, reviewAll, reviewStack } from "../../commands/review";
import { FORCES_REPLACEMENT } from "../../commands/review-replacements";

const root = mkdtempSync(join(tmpdir(), "review-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The app synthesized with these settings, read back as `npm run review` reads an output directory. */
function synthesized(name: string, settings: unknown) {
  const file = join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify(settings));
  expect(main({ INFRA_CONFIG: file, CDKTF_OUTDIR: join(root, name) })).toBe(0);
  return readSynthesized(join(root, name));
}

describe("between two configurations of the app", () => {
  let text: string;
  let markdown: string;
  let reviews: ReturnType<typeof reviewAll>;
  beforeAll(() => {
    const base = synthesized("base", {});
    const head = synthesized("head", {
      dockerHost: { updates: { reboots: "off" }, dns: { hostedZoneId: "Z0123456789ABC", name: "docker.example.com" } },
      clusters: { a: { capacity: { instanceType: "t3.large", rootVolumeGiB: 40 } } },
      services: { web: { desiredCount: 3 } },
    });
    reviews = reviewAll(base, head);
    text = renderText(reviews, "title");
    markdown = renderMarkdown(reviews, "title");
  });

  test("lists added resources and changed attributes, per stack", () => {
    const aws = reviews.find((r) => r.stack === "aws")!;
    expect(aws.changes.find((c) => c.address.startsWith("aws_route53_record."))?.change).toBe("added");
    const service = aws.changes.find((c) => c.address.startsWith("aws_ecs_service.service-web"))!;
    expect(service.attributes).toEqual([expect.objectContaining({ path: "desired_count", after: 3 })]);
    expect(service.replacedBy).toEqual([]);
    // Size and type change in place; the readiness gate runs again (triggers_replace) for the new cloud-config.
    expect(text).toMatch(/^~ aws_instance\.cluster-a_capacity_instance_[A-F0-9]+\n {4}instance_type: "t3\.\w+" -> "t3\.large"\n {4}root_block_device\.volume_size: 30 -> 40\n/m);
    expect(text).toMatch(/^~ terraform_data\.docker-host_api-ready_[A-F0-9]+ \(forces replacement: triggers_replace\)$/m);
  });

  test("shows a boot configuration's change as lines of the rendered template file", () => {
    const host = reviews.find((r) => r.stack === "aws")!.changes.find((c) => c.address.startsWith("local.docker-host_cloud-config"))!;
    const lines = host.attributes[0].lines!;
    expect(lines.filter((l) => l.op !== " " && l.text !== "…").map((l) => `${l.op}${l.text.trim()}`)).toEqual(
      expect.arrayContaining(['-reboot_strategy: "reboot"', '+reboot_strategy: "off"']),
    );
    // Variables show as the expressions that fill them in, so an unchanged line stays unchanged.
    expect(lines.some((l) => l.op !== " " && l.text.includes("filebase64"))).toBe(false);
  });

  test("renders Markdown for a job summary: a table per stack and diffs in collapsed blocks", () => {
    expect(markdown).toMatch(/^## title\n\n### Security changes\n/);
    expect(markdown).toMatch(/\n\| Stack \| Changes \|\n\| --- \| --- \|\n\| aws \| 1 added, 0 removed, \d+ changed/);
    expect(markdown).toContain("```diff\n");
    expect(markdown).toContain("<details><summary>`value`</summary>");
  });
});

test("a changed argument the provider cannot update in place is marked as forcing replacement", () => {
  const stack = (cidr: string) => ({ config: { resource: { aws_subnet: { a: { cidr_block: cidr, tags: { Name: "a" } } } } }, files: {} });
  const [change] = reviewStack("aws", stack("10.0.0.0/24"), stack("10.0.1.0/24")).changes;
  expect(change).toMatchObject({ address: "aws_subnet.a", change: "changed", replacedBy: ["cidr_block"] });
  const tags = reviewStack("aws", stack("10.0.0.0/24"), { config: { resource: { aws_subnet: { a: { cidr_block: "10.0.0.0/24", tags: { Name: "b" } } } } }, files: {} });
  expect(tags.changes[0].replacedBy).toEqual([]);
});

test("the same JSON document in another form is no change; a changed one is a diff of indented JSON", () => {
  const policy = (text: string) => ({ config: { resource: { aws_iam_role_policy: { p: { policy: text } } } }, files: {} });
  const same = reviewStack("aws", policy('{"Statement":[{"Action":["s3:GetObject"]}]}'), policy('${jsonencode({"Statement" = [{"Action" = ["s3:GetObject"]}]})}'));
  expect(same.changes).toEqual([]);
  const changed = reviewStack("aws", policy('{"Statement":[{"Action":["s3:GetObject"]}]}'), policy('${jsonencode({"Statement" = [{"Action" = ["s3:PutObject"]}]})}'));
  expect(changed.changes[0].attributes[0].lines!.filter((l) => l.op !== " ")).toEqual([
    { op: "-", text: '        "s3:GetObject"' },
    { op: "+", text: '        "s3:PutObject"' },
  ]);
});

test("a line diff keeps three lines of context and folds the rest", () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
  const after = before.replace("line 10", "line ten");
  expect(lineDiff(before, after).map((l) => `${l.op}${l.text}`)).toEqual([
    " …", " line 7", " line 8", " line 9", "-line 10", "+line ten", " line 11", " line 12", " line 13", " …",
  ]);
});

test("every resource type the stacks create has its replacement rules", () => {
  const types = new Set<string>();
  for (const settings of [{}, JSON.parse(readFileSync(join(projectRoot, "__tests__/terraform/options/settings.json"), "utf8"))]) {
    const file = join(root, "types.json");
    writeFileSync(file, JSON.stringify(settings));
    expect(main({ INFRA_CONFIG: file, CDKTF_OUTDIR: join(root, "types") }, )).toBe(0);
    for (const stack of Object.values(readSynthesized(join(root, "types")))) Object.keys(stack.config.resource ?? {}).forEach((t) => types.add(t));
  }
  expect([...types].filter((t) => !(t in FORCES_REPLACEMENT))).toEqual([]);
});

test("an added or removed resource shows its attributes, a policy as indented JSON", () => {
  const policy = '${jsonencode({"Statement" = [{"Effect" = "Allow", "Action" = ["s3:GetObject"], "Resource" = "*"}]})}';
  const stack = { config: { resource: { aws_iam_role_policy: { p: { name: "read", policy, role: "${aws_iam_role.r.id}" } } } }, files: {} };
  const added = renderText([reviewStack("aws", undefined, stack)], "t");
  expect(added).toContain('+ aws_iam_role_policy.p\n    name: "read"\n    policy:\n      + JSON document:\n      + {\n');
  expect(added).toContain('      +         "s3:GetObject"\n');
  expect(added).toContain('    role: "${aws_iam_role.r.id}"\n');
  const removed = renderMarkdown([reviewStack("aws", stack, undefined)], "t");
  expect(removed).toContain("- removed `aws_iam_role_policy.p`\n  - `name`: `\"read\"`\n  <details><summary>`policy`</summary>");
});

describe("the security summary", () => {
  const trust = (service: string) =>
    `\${jsonencode({"Statement" = [{"Effect" = "Allow", "Principal" = {"Service" = "${service}"}, "Action" = "sts:AssumeRole", "Condition" = {"StringEquals" = {"aws:SourceAccount" = "123456789012"}}}]})}`;
  const ssh = (cidrs: string[]) => ({ ingress: [{ from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: cidrs, description: "SSH" }] });
  const base = {
    config: { resource: { aws_iam_role: { r: { assume_role_policy: trust("ec2.amazonaws.com") } }, aws_security_group: { g: ssh(["10.0.0.0/8"]) } } },
    files: {},
  };
  const head = {
    config: {
      resource: {
        aws_iam_role: { r: { assume_role_policy: trust("ecs-tasks.amazonaws.com") } },
        aws_iam_role_policy_attachment: { a: { role: "${aws_iam_role.r.name}", policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" } },
        aws_security_group: { g: ssh(["10.0.0.0/8", "0.0.0.0/0"]) },
        aws_network_acl_rule: { n: { network_acl_id: "${aws_network_acl.x.id}", rule_number: 100, egress: false, protocol: "-1", rule_action: "deny", cidr_block: "192.0.2.0/24" } },
        docker_container: { c: { name: "web", ports: [{ internal: 80, external: 8080 }] } },
      },
    },
    files: {},
  };
  const review = reviewStack("aws", base, head);

  test("comes first and lists each statement, managed policy and rule added or removed, wherever it is written", () => {
    const text = renderText([review], "t");
    expect(text.indexOf("Security changes:")).toBeLessThan(text.indexOf("== aws"));
    expect(text).toContain(
      [
        "  IAM statements:",
        "    - Allow sts:AssumeRole for Service:ec2.amazonaws.com if StringEquals aws:SourceAccount = 123456789012",
        "        aws: trust policy of aws_iam_role.r",
        "    + Allow sts:AssumeRole for Service:ecs-tasks.amazonaws.com if StringEquals aws:SourceAccount = 123456789012",
        "        aws: trust policy of aws_iam_role.r",
        "  Managed policies:",
        "    + arn:aws:iam::aws:policy/ReadOnlyAccess attached to role aws_iam_role.r",
        "        aws: aws_iam_role_policy_attachment.a",
        "  Network rules:",
        // One rule per peer: the CIDR block added to the list, not the whole block again.
        "    + ingress tcp port 22 from 0.0.0.0/0 to aws_security_group.g",
        '        aws: aws_security_group.g "SSH"',
        "    + ingress deny all traffic from 192.0.2.0/24 to aws_network_acl.x rule 100",
        "        aws: aws_network_acl_rule.n",
        "    + published tcp port 8080 on host address 0.0.0.0, to docker_container.c port 80",
      ].join("\n"),
    );
    expect(text).not.toContain("from 10.0.0.0/8");
  });

  test("is a set of tables in Markdown", () => {
    const markdown = renderMarkdown([review], "t");
    expect(markdown).toContain("| + | aws | trust policy of `aws_iam_role.r` | Allow | `sts:AssumeRole` |  | `Service:ecs-tasks.amazonaws.com` | `StringEquals aws:SourceAccount = 123456789012` |");
    expect(markdown).toContain("| + | aws | `arn:aws:iam::aws:policy/ReadOnlyAccess` | role aws_iam_role.r | `aws_iam_role_policy_attachment.a` |");
    expect(markdown).toContain("| + | aws | ingress | allow | tcp | 22 | `0.0.0.0/0` | `aws_security_group.g` | `aws_security_group.g` | SSH |");
    expect(markdown.indexOf("### Security changes")).toBeLessThan(markdown.indexOf("| Stack | Changes |"));
  });

  test("says so when there is nothing to show", () => {
    expect(renderText([reviewStack("aws", base, base)], "t")).toContain("\nSecurity changes: none (");
    expect(renderMarkdown([reviewStack("aws", base, base)], "t")).toContain("### Security changes\n\nNone: ");
  });
});

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
    // The entry point as `npm run compile` built it before the tests; the app's bundles when there are some (the
    // app command checks them against every source and rebuilds what differs).
    cpSync(join(projectRoot, "dist", "commands", "review.js"), script);
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

  test("a settings file that cannot be read stops it with one line that names the path tried", () => {
    oneLine(review([], { INFRA_CONFIG: "missing.json" }, join(repo, "config")), 1, /INFRA_CONFIG file missing\.json \(.*\/config\/missing\.json\): cannot be read \(no such file\)/);
    oneLine(review(["--base-settings=gone.json"]), 1, /--base-settings file gone\.json \(.*\/gone\.json\): cannot be read/);
  });

  test("--help prints the usage; a bad command line is one line and exit 2", () => {
    const help = review(["--help"]);
    expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: "" });
    expect(help.stdout).toMatch(/^usage: npm run review -- \[base-ref\] \[--markdown\] \[--base-settings=FILE\]\n[\s\S]*\nSettings: /);
    oneLine(review(["--bogus"]), 2, /unknown option --bogus/);
    oneLine(review(["main", "HEAD"]), 2, /too many base refs: "HEAD"/);
    oneLine(review(["--base-settings"]), 2, /--base-settings needs a value/);
  });

  test("a base ref that does not exist is named", () => {
    oneLine(review(["no-such-branch"]), 1, /base ref "no-such-branch" is not a commit in this repository/);
  });

  test("outside a git checkout, or without git, it says that it needs a git checkout", () => {
    const outside = join(root, "outside");
    mkdirSync(join(outside, "dist", "deploy"), { recursive: true });
    cpSync(script, join(outside, "dist", "commands", "review.js"));
    cpSync(join(repo, "cdktf.json"), join(outside, "cdktf.json"));
    const run = spawnSync(process.execPath, [join(outside, "dist", "commands", "review.js")], { cwd: outside, encoding: "utf8", env: { ...process.env, GIT_CEILING_DIRECTORIES: root } });
    oneLine(run, 1, /needs a git checkout to compare with: \/.*\/outside is not in a git repository/);
    oneLine(review([], { PATH: join(root, "no-such-dir") }), 1, /needs a git checkout to compare with, and git is not installed/);
  });
});
