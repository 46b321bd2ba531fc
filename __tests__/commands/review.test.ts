// `npm run review`: the diff of the synthesized Terraform between two versions, as a reviewer reads it, in this
// process (the command itself, in a git checkout: review.cli.test.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../main";
import { projectRoot } from "../../settings/paths";
import { literal, literalText } from "../../constructs/literal";
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

test("a line diff of thousands of changed lines stays small in memory: past 4 million pairs, the changed span as removed, then added", () => {
  // Every pair of lines had a cell: 20,500 lines on each side took 3.5 GB.
  const lines = (count: number, mark: string) => Array.from({ length: count }, (_, i) => (i === 0 || i === count - 1 ? mark : `arg ${i}`));
  const before = ["head", ...lines(20_500, "old")].join("\n");
  const after = ["head", ...lines(20_500, "new")].join("\n");
  const used = process.memoryUsage().heapUsed;
  const diff = lineDiff(before, after);
  expect(process.memoryUsage().heapUsed - used).toBeLessThan(200 * 1024 * 1024);
  expect(diff.filter((l) => l.op === "-")).toHaveLength(20_500);
  expect(diff.filter((l) => l.op === "+")).toHaveLength(20_500);
  expect(diff.slice(0, 2)).toEqual([{ op: " ", text: "head" }, { op: "-", text: "old" }]);
  // Within the bound, the common lines still show as common.
  const small = (mark: string) => ["head", ...lines(1_000, mark)].join("\n");
  expect(lineDiff(small("old"), small("new")).filter((l) => l.op !== " ").map((l) => `${l.op}${l.text}`)).toEqual(["-old", "+new", "-old", "+new"]);
});

test("the Markdown review fits a job summary (1 MiB, which GitHub drops whole past it): changes past it are counted", () => {
  // 3,000 added resources of about 600 bytes each: some 1.8 MB of details.
  const resource = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`r${i}`, { name: `resource-${i}`, description: "d".repeat(500) }]));
  const stack = { config: { resource: { aws_ssm_parameter: resource } }, files: {} };
  const markdown = renderMarkdown([reviewStack("aws", undefined, stack)], "t");
  expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(1024 * 1024);
  expect(markdown).toContain("| aws | 3000 added, 0 removed, 0 changed |");
  const shown = markdown.match(/^- added /gm)!.length;
  expect(shown).toBeGreaterThan(1000);
  expect(markdown.endsWith(`\n… and ${3000 - shown} more changes, not shown: a job summary holds 1 MiB. \`npm run review\` without --markdown lists every one.\n`)).toBe(true);
  // Under the limit, every change, and no such line.
  expect(renderMarkdown([reviewStack("aws", undefined, { config: { resource: { aws_ssm_parameter: { r: { name: "x" } } } }, files: {} })], "t")).not.toContain("not shown");
});

test("the same security change in many places is one line, counted, with five of its places: 534 services made 1,068 lines", () => {
  const balancers = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`lb${i}`, { internal: false, load_balancer_type: "application" }]));
  const text = renderText([reviewStack("aws", { config: {}, files: {} }, { config: { resource: { aws_lb: balancers } }, files: {} })], "t");
  const lines = text.split("\n");
  const at = lines.indexOf("  Exposure to the internet (8 added):");
  expect(lines[at - 1]).toBe("Security changes (8 added):");
  expect(lines.slice(at + 1, at + 8)).toEqual([
    expect.stringMatching(/^    \+ internet-facing load balancer \(internal = false\).* \(×8\)$/),
    "        aws: aws_lb.lb0",
    "        aws: aws_lb.lb1",
    "        aws: aws_lb.lb2",
    "        aws: aws_lb.lb3",
    "        aws: aws_lb.lb4",
    "        and 3 more",
  ]);
  const markdown = renderMarkdown([reviewStack("aws", { config: {}, files: {} }, { config: { resource: { aws_lb: balancers } }, files: {} })], "t");
  expect(markdown).toContain("**Exposure to the internet** (8 added)");
});

test("text from settings that Terraform reads quoted (`${\"a\\nb\"}`) is compared as its lines: one changed line of 8,000, not two 120 KB lines", () => {
  const cidrs = (first: string, last: string) => [first, ...Array.from({ length: 8000 }, (_, i) => `10.0.${i >> 8}.${i & 255}/32`), last].join("\n");
  const env = (value: string) => ({ config: { resource: { docker_container: { c: { env: [literal(`ALLOW=${value}`)] } } } }, files: {} });
  const review = reviewStack("docker", env(cidrs("a", "z")), env(cidrs("b", "z")));
  expect(review.changes[0].attributes[0].lines!.filter((l) => l.op !== " ")).toEqual([
    { op: "-", text: "ALLOW=a" },
    { op: "+", text: "ALLOW=b" },
  ]);
  // literal() and back, for what it quotes: escapes, template syntax, control characters.
  for (const text of ['a\nb "c" \\ ${x} %{y} $${z}\r\t\u0001', '["list"]', "42", '{"k": "v"}']) expect(literalText(literal(text))).toBe(text);
  expect(literalText("plain")).toBeUndefined();
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

test("depends_on is compared as the set Terraform reads: a dependency added first is one change, a reordering none", () => {
  const stack = (dependsOn: string[]) => ({ config: { resource: { aws_ecs_service: { web: { name: "web", depends_on: dependsOn } } } }, files: {} });
  const added = reviewStack("aws", stack(["aws_lb_listener.http", "aws_iam_role_policy.p"]), stack(["aws_iam_role.r", "aws_lb_listener.http", "aws_iam_role_policy.p"]));
  expect(added.changes).toEqual([
    expect.objectContaining({
      address: "aws_ecs_service.web",
      attributes: [{ path: "depends_on", before: ["aws_iam_role_policy.p", "aws_lb_listener.http"], after: ["aws_iam_role.r", "aws_iam_role_policy.p", "aws_lb_listener.http"], lines: undefined }],
    }),
  ]);
  expect(reviewStack("aws", stack(["b.x", "a.y"]), stack(["a.y", "b.x"])).changes).toEqual([]);
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
    expect(text.indexOf("Security changes (5 added, 1 removed):")).toBeGreaterThan(-1);
    expect(text.indexOf("Security changes (")).toBeLessThan(text.indexOf("== aws"));
    expect(text).toContain(
      [
        "  IAM statements (1 added, 1 removed):",
        "    - Allow sts:AssumeRole for Service:ec2.amazonaws.com if StringEquals aws:SourceAccount = 123456789012",
        "        aws: trust policy of aws_iam_role.r",
        "    + Allow sts:AssumeRole for Service:ecs-tasks.amazonaws.com if StringEquals aws:SourceAccount = 123456789012",
        "        aws: trust policy of aws_iam_role.r",
        "  Managed policies (1 added):",
        "    + arn:aws:iam::aws:policy/ReadOnlyAccess attached to role aws_iam_role.r",
        "        aws: aws_iam_role_policy_attachment.a",
        "  Network rules (3 added):",
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

  test("a list filled from empty, or emptied, shows its entries' lines only", () => {
    const container = (ports: unknown[]) => ({ config: { resource: { docker_container: { c: { name: "c", image: "i", ports } } } }, files: {} });
    const [filled] = reviewStack("docker", container([]), container([{ internal: 80, external: 8080 }])).changes;
    expect(filled.attributes.map((a) => [a.path, a.before, a.after])).toEqual([
      ["ports[0].external", undefined, 8080],
      ["ports[0].internal", undefined, 80],
    ]);
    expect(filled.replacedBy).toEqual(["ports"]);
    const [emptied] = reviewStack("docker", container([{ internal: 80, external: 8080 }]), container([])).changes;
    expect(emptied.attributes.map((a) => a.path)).toEqual(["ports[0].external", "ports[0].internal"]);
  });

  test("ports as EC2 reads them: TCP and UDP 0 to 0 is port 0, 0 to 65535 every port; ICMP has types and codes", () => {
    const rule = (ip_protocol: string, from_port: number, to_port: number) => ({ security_group_id: "${aws_security_group.g.id}", ip_protocol, from_port, to_port, cidr_ipv4: "203.0.113.7/32" });
    const after = {
      config: {
        resource: {
          aws_vpc_security_group_ingress_rule: {
            a: rule("udp", 0, 0),
            b: rule("tcp", 0, 65535),
            c: rule("icmp", -1, -1),
            d: rule("icmp", 8, 0),
            e: rule("tcp", 8080, 8090),
          },
        },
      },
      files: {},
    };
    const text = renderText([reviewStack("aws", { config: {}, files: {} }, after)], "t");
    for (const what of ["udp port 0", "tcp all ports", "icmp all types", "icmp type 8 code 0", "tcp port 8080-8090"]) {
      expect(text).toContain(`    + ingress ${what} from 203.0.113.7/32 to aws_security_group.g\n`);
    }
  });

  test("a rule described anew, or held by a resource renamed (rules named by index, when one before them goes), admits the same traffic: no change", () => {
    const rule = (cidr: string, description: string) => ({ security_group_id: "${aws_security_group.api.id}", ip_protocol: "tcp", from_port: 2376, to_port: 2376, cidr_ipv4: cidr, description });
    const before = { config: { resource: { aws_vpc_security_group_ingress_rule: { "in-0": rule("198.51.100.0/24", "admin"), "in-1": rule("203.0.113.7/32", "admin") } } }, files: {} };
    const after = { config: { resource: { aws_vpc_security_group_ingress_rule: { "in-0": rule("203.0.113.7/32", "the admins' network") } } }, files: {} };
    const text = renderText([reviewStack("aws", before, after)], "t");
    expect(text).toContain("    - ingress tcp port 2376 from 198.51.100.0/24 to aws_security_group.api\n");
    expect(text).not.toMatch(/203\.0\.113\.7\/32 to/);
    // The same rule twice on one side and once on the other: one is removed.
    const twice = { config: { resource: { aws_vpc_security_group_ingress_rule: { a: rule("203.0.113.7/32", "x"), b: rule("203.0.113.7/32", "y") } } }, files: {} };
    expect(renderText([reviewStack("aws", twice, after)], "t").match(/ - ingress tcp port 2376 from 203\.0\.113\.7\/32/g)).toHaveLength(1);
  });

  test("says so when there is nothing to show", () => {
    expect(renderText([reviewStack("aws", base, base)], "t")).toContain("\nSecurity changes: none (");
    expect(renderMarkdown([reviewStack("aws", base, base)], "t")).toContain("### Security changes\n\nNone: ");
  });
});

describe("what a reviewer must see before the elements", () => {
  const lb = (internal: unknown) => ({ internal, security_groups: ["${aws_security_group.public.id}"] });
  const stack = (resource: Record<string, any>, terraform: Record<string, any>, provider: Record<string, any>) => ({ config: { terraform, provider, resource }, files: {} });
  const base = stack(
    { aws_lb: { web: lb(true) }, aws_instance: { i: { ami: "ami-1" } }, aws_s3_bucket_public_access_block: { b: { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true } } },
    { backend: { local: { path: "../../../terraform-state/aws.tfstate" } } },
    { aws: [{ region: "us-west-1" }] },
  );
  const head = stack(
    {
      aws_lb: { web: lb(false) },
      aws_instance: { i: { ami: "ami-1", associate_public_ip_address: true } },
      aws_s3_bucket_public_access_block: { b: { block_public_acls: true, block_public_policy: false, ignore_public_acls: true, restrict_public_buckets: true } },
      aws_db_instance: { d: { publicly_accessible: true } },
    },
    { backend: { s3: { bucket: "my-state", key: "soa/aws.tfstate", region: "us-west-1" } } },
    { aws: [{ region: "eu-central-1" }] },
  );
  const text = renderText([reviewStack("aws", base, head)], "t");

  test("exposures to the internet that no rule shows: a load balancer made internet-facing, a public IP address, a public database, S3 public access", () => {
    expect(text).toContain(
      [
        "  Exposure to the internet (4 added):",
        "    + internet-facing load balancer (internal = false), behind aws_security_group.public",
        "        aws: aws_lb.web",
        "    + public IP address (associate_public_ip_address = true)",
        "        aws: aws_instance.i",
        "    + public access allowed: block_public_policy = false",
        "        aws: aws_s3_bucket_public_access_block.b",
        "    + publicly accessible database (publicly_accessible = true)",
        "        aws: aws_db_instance.d",
      ].join("\n"),
    );
    expect(renderMarkdown([reviewStack("aws", base, head)], "t")).toContain("| + | aws | `aws_lb.web` | internet-facing load balancer (internal = false), behind aws_security_group.public |");
  });

  test("a state that moves and a provider that deploys elsewhere, in a line each, after the security changes", () => {
    expect(text).toContain(
      [
        "State and providers:",
        '  aws: provider.aws: region: "us-west-1" -> "eu-central-1"',
        "  aws: state moves from local path=../../../terraform-state/aws.tfstate to s3 bucket=my-state key=soa/aws.tfstate region=us-west-1: " +
          "a deploy plans against what the new place holds (nothing, for a new one: every resource created anew, those of the old state left as they are), " +
          "unless --migrate-state moves the state there",
      ].join("\n"),
    );
    expect(text.indexOf("Security changes (")).toBeGreaterThan(-1);
    expect(text.indexOf("State and providers:")).toBeGreaterThan(text.indexOf("Security changes ("));
    expect(text.indexOf("State and providers:")).toBeLessThan(text.indexOf("== aws"));
    expect(text).toMatch(/^~ terraform\.backend\n {4}local\.path: "\.\.\/\.\.\/\.\.\/terraform-state\/aws\.tfstate" -> \(none\)$/m);
    expect(renderMarkdown([reviewStack("aws", base, head)], "t")).toContain('### State and providers\n\n- aws: provider.aws: region: "us-west-1" -> "eu-central-1"\n- aws: state moves from local');
  });

  test("a backend whose settings change but not its place is no move; a new stack's state is named as new", () => {
    const s3 = (settings: Record<string, unknown>) => stack({}, { backend: { s3: { bucket: "b", key: "k", region: "us-west-1", ...settings } } }, {});
    const lines = renderText([reviewStack("aws", s3({ use_lockfile: false }), s3({ use_lockfile: true })), reviewStack("docker", undefined, s3({}))], "t");
    expect(lines).toContain("  aws: the state stays where it is, its backend's settings change: s3 bucket=b key=k region=us-west-1 use_lockfile=false -> s3 bucket=b key=k region=us-west-1 use_lockfile=true");
    expect(lines).toContain("  docker: a new stack, its state at s3 bucket=b key=k region=us-west-1");
    expect(lines).not.toContain("moves");
  });

  test("the app's own settings: a service's load balancer made public is an exposure, its state in S3 a move", () => {
    const reviews = reviewAll(
      synthesized("internal", {}),
      synthesized("public", { services: { db: { loadBalancer: { internal: false } } }, state: { bucket: "my-state" } }),
    );
    const shown = renderText(reviews, "t");
    expect(shown).toMatch(/^ {4}\+ internet-facing load balancer \(internal = false\), behind aws_security_group\.firewalls_public-load-balancers_group_\w+\n {8}aws: aws_lb\.service-db_load-balancer_\w+$/m);
    expect(shown).toMatch(/^ {2}aws: state moves from local path=\S+\/aws\.tfstate to s3 bucket=my-state /m);
    expect(shown).toMatch(/^ {2}docker: state moves from local path=\S+\/docker\.tfstate to s3 bucket=my-state /m);
  });
});

describe("security groups attached and containers' privileges, which change what rules govern and what a container may do", () => {
  const stack = (resource: Record<string, any>) => ({ config: { terraform: {}, provider: {}, resource }, files: {} });
  const definitions = (extra: Record<string, unknown>) => JSON.stringify([{ name: "web", image: "nginx", ...extra }]);
  const base = stack({
    aws_instance: { i: { vpc_security_group_ids: ["${aws_security_group.host.id}"] } },
    aws_launch_template: { t: { network_interfaces: { security_groups: ["${aws_security_group.host.id}"] } } },
    aws_security_group: { host: { ingress: [{ protocol: "tcp", from_port: 22, to_port: 22, security_groups: ["${aws_security_group.admin.id}"] }] } },
    docker_container: { c: { image: "x" } },
    aws_ecs_task_definition: { td: { container_definitions: definitions({}) } },
  });
  const head = stack({
    aws_instance: { i: { vpc_security_group_ids: ["${aws_security_group.host.id}", "${aws_security_group.lb.id}"] } },
    aws_launch_template: { t: { network_interfaces: { security_groups: ["${aws_security_group.host.id}", "sg-0123456789abcdef0"] } } },
    // A rule's peer is no attachment: it is the rule's.
    aws_security_group: { host: { ingress: [{ protocol: "tcp", from_port: 22, to_port: 22, security_groups: ["${aws_security_group.admin.id}", "${aws_security_group.lb.id}"] }] } },
    docker_container: { c: { image: "x", privileged: true, capabilities: { add: ["NET_ADMIN"] }, network_mode: "host", devices: [{ host_path: "/dev/kmsg" }] } },
    aws_ecs_task_definition: { td: { network_mode: "host", container_definitions: definitions({ privileged: true, linuxParameters: { capabilities: { add: ["CAP_SYS_ADMIN"] } } }) } },
  });
  const text = renderText([reviewStack("aws", base, head)], "t");

  test("a security group attached to an instance and to a launch template's network interfaces, each named with the argument", () => {
    expect(text).toContain(
      [
        "  Security groups attached (2 added):",
        "    + aws_security_group.lb on aws_instance.i",
        "        aws: vpc_security_group_ids",
        "    + sg-0123456789abcdef0 on aws_launch_template.t",
        "        aws: network_interfaces.security_groups",
      ].join("\n"),
    );
    expect(text).not.toMatch(/aws_security_group\.lb on aws_security_group\.host/);
    expect(text).toContain("    + ingress tcp port 22 from aws_security_group.lb to aws_security_group.host");
  });

  test("a Docker container's privileged mode, capabilities, host network and devices; an ECS task's host network and its containers'", () => {
    expect(text).toContain(
      [
        "  Container privileges and restrictions (7 added):",
        "    + privileged mode (privileged = true)",
        "        aws: docker_container.c",
        "    + capability CAP_NET_ADMIN",
        "        aws: docker_container.c",
        '    + the host\'s network namespace (network_mode = "host") (×2)',
        "        aws: docker_container.c",
        "        aws: aws_ecs_task_definition.td",
        "    + device /dev/kmsg",
        "        aws: docker_container.c",
        "    + privileged mode (container web)",
        "        aws: aws_ecs_task_definition.td",
        "    + capability CAP_SYS_ADMIN (container web)",
        "        aws: aws_ecs_task_definition.td",
      ].join("\n"),
    );
    const markdown = renderMarkdown([reviewStack("aws", base, head)], "t");
    expect(markdown).toContain("| + | aws | `aws_security_group.lb` | `aws_instance.i` | `vpc_security_group_ids` |");
    expect(markdown).toContain("| + | aws | `docker_container.c` | capability CAP_NET_ADMIN |");
  });

  test("hardening taken away shows as restrictions removed, and what a container gains by it as added: the Docker socket mounted", () => {
    const hardened = stack({
      docker_container: { e: { image: "x", capabilities: { drop: ["ALL"] }, security_opts: ["no-new-privileges:true"], read_only: true } },
      aws_ecs_task_definition: { td: { container_definitions: definitions({ readonlyRootFilesystem: true, linuxParameters: { capabilities: { drop: ["ALL"] } } }) } },
    });
    const opened = stack({
      docker_container: { e: { image: "x", security_opts: ["seccomp=unconfined"], mounts: [{ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock" }] } },
      aws_ecs_task_definition: { td: { container_definitions: definitions({}), volume: [{ name: "root", host_path: "/" }] } },
    });
    expect(renderText([reviewStack("docker", hardened, opened)], "t")).toContain(
      [
        "  Container privileges and restrictions (3 added, 5 removed):",
        "    - restriction: capability ALL dropped",
        "        docker: docker_container.e",
        "    - restriction: no new privileges (security_opts no-new-privileges:true)",
        "        docker: docker_container.e",
        "    - restriction: read-only root filesystem (read_only = true)",
        "        docker: docker_container.e",
        "    - restriction: capability ALL dropped (container web)",
        "        docker: aws_ecs_task_definition.td",
        "    - restriction: read-only root filesystem (container web)",
        "        docker: aws_ecs_task_definition.td",
        "    + security option seccomp=unconfined",
        "        docker: docker_container.e",
        "    + host path /var/run/docker.sock mounted at /var/run/docker.sock",
        "        docker: docker_container.e",
        "    + host path / (volume root)",
        "        docker: aws_ecs_task_definition.td",
      ].join("\n"),
    );
  });

  test("words are no attachment (a tag named security_group, the provider's default tags); an association resource is", () => {
    const words = { security_group: "legacy-web" };
    const before = stack({ aws_instance: { i: { ami: "ami-1" } } });
    const after = {
      config: {
        terraform: {},
        provider: { aws: [{ default_tags: { tags: words } }] },
        resource: {
          aws_instance: { i: { ami: "ami-1", tags: words } },
          aws_vpc_endpoint_security_group_association: { a: { vpc_endpoint_id: "${aws_vpc_endpoint.s3.id}", security_group_id: "${aws_security_group.endpoints.id}" } },
        },
      },
      files: {},
    };
    const lines = renderText([reviewStack("aws", before, after)], "t");
    expect(lines).toContain(["  Security groups attached (1 added):", "    + aws_security_group.endpoints on aws_vpc_endpoint.s3", "        aws: aws_vpc_endpoint_security_group_association.a"].join("\n"));
    expect(lines).not.toContain("legacy-web on");
  });

  test("none of them, and none is said in both forms", () => {
    expect(renderText([reviewStack("aws", base, base)], "t")).toContain(
      "Security changes: none (no IAM statement, managed policy, network rule, exposure to the internet, security group attachment, or container privilege or restriction added or removed)",
    );
  });
});
