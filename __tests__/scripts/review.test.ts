// `npm run review`: the diff of the synthesized Terraform between two versions, as a reviewer reads it.
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../main";
import { projectRoot } from "../../settings/paths";
import { lineDiff, readSynthesized, renderMarkdown, renderText, reviewAll, reviewStack } from "../../scripts/review";
import { FORCES_REPLACEMENT } from "../../scripts/review-replacements";

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
    expect(markdown).toMatch(/^## title\n\n\| Stack \| Changes \|\n\| --- \| --- \|\n\| aws \| 1 added, 0 removed, \d+ changed/);
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

test("npm run review compares the merge base with main against the working tree", () => {
  // A git repository with a copy of the project on main, then an uncommitted edit to a boot configuration.
  const repo = join(root, "repo");
  for (const entry of ["main.ts", "settings", "stacks", "constructs", "policy", "scripts", "cloud-config", "task-definitions", "schemas", "cdktf.json", "package.json", "tsconfig.json"]) {
    cpSync(join(projectRoot, entry), join(repo, entry), { recursive: true });
  }
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd: repo });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  symlinkSync(join(projectRoot, "node_modules"), join(repo, "node_modules"));
  appendFileSync(join(repo, "cloud-config", "docker-host-init.sh"), "echo reviewed\n");
  const build = spawnSync("npm", ["run", "--silent", "compile"], { cwd: repo, encoding: "utf8" });
  expect(build.status).toBe(0);
  const run = spawnSync(process.execPath, [join(repo, "dist", "scripts", "review.js")], { cwd: repo, encoding: "utf8", env: { ...process.env, INFRA_CONFIG: "" } });
  expect(run.stderr).toBe("");
  expect(run.stdout).toMatch(/^Synthesized Terraform: [0-9a-f]{12} \(base\) → working tree\n/);
  // The host's user data is the cloud-config local: both show the change.
  expect(run.stdout).toMatch(/== aws: 0 added, 0 removed, 2 changed\n~ aws_instance\.docker-host_instance_[A-F0-9]+\n {4}user_data:\n/);
  expect(run.stdout).toMatch(/~ local\.docker-host_cloud-config_[A-F0-9]+\n/);
  expect(run.stdout).toMatch(/\n {6}\+ +echo reviewed\n/);
  expect(run.stdout).toContain("== docker: 0 added, 0 removed, 0 changed");
}, 120_000);
