// Every category of bad input, as a hostile or careless user would write it: each is refused with exit code 1,
// the header line, and a line naming the file, the field and what was expected; nothing is written, no stack
// trace is printed, and the output stays short. Categories, not examples: see docs/settings.md, "Bad input". Here in
// this process; what needs the app in a process of its own (deep nesting, unbounded reads): bad-input.cli.test.ts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { literal } from "../../constructs/literal";
import { runApp } from "../helpers";
import { type Outcome, expectRefused, inputFiles, webTask } from "./refused-input";

const root = mkdtempSync(join(tmpdir(), "bad-input-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** A fresh directory with the given files (objects are written as JSON). */
const files = inputFiles(root);

/** Runs the app in this process with INFRA_CONFIG = dir/infra.json. */
function run(dir: string, config = join(dir, "infra.json")): Outcome {
  const { code, stderr } = runApp(config, join(dir, "out"));
  return { code, stderr, wrote: existsSync(join(dir, "out")) };
}

/** `count` distinct /32 ranges. */
const ranges = (count: number) => Array.from({ length: count }, (_, i) => `198.51.${i >> 8}.${i & 255}/32`);
const task = (overrides: Record<string, unknown> = {}, extra: unknown[] = []) => [
  { name: "webtask", image: "nginx:1.27.3", memory: 128, essential: true, readonlyRootFilesystem: true, portMappings: [{ containerPort: 1337 }], ...overrides },
  ...extra,
];

describe("what crashed the app is refused with a message", () => {
  test.each(["constructor", "toString", "__proto__", "hasOwnProperty"])("a service whose cluster is %s", (name) => {
    expectRefused(run(files({ "infra.json": { services: { web: { cluster: name } } } })), new RegExp(`services\\.web\\.cluster = "${name}": expected one of the cluster keys: a, b$`));
  });

  test("special names as keys of a map and inside a container definition", () => {
    expectRefused(run(files({ "infra.json": { clusters: { constructor: { name: "x" } } } })), /clusters\.constructor\.capacity: /);
    const dir = files({ "task.json": task({ constructor: 1, toString: "x" }) });
    writeFileSync(join(dir, "infra.json"), JSON.stringify(webTask(dir)));
    expectRefused(run(dir), /task\.json: \[0\]\.constructor = 1: unknown field/, /task\.json: \[0\]\.toString = "x": unknown field/);
  });

  test("__proto__ keys are refused, never dropped (a volumeId under one was lost)", () => {
    const text = '{"clusters":{"a":{"capacity":{"dataVolume":{"__proto__":{"volumeId":"vol-0123456789abcdef0"}}}}}}';
    expectRefused(run(files({ "infra.json": text })), /clusters\.a\.capacity\.dataVolume\.__proto__: a key JavaScript cannot hold/);
  });

  test("two images whose references differ only in punctuation synthesize", () => {
    const healthcheck = { test: ["CMD", "true"] };
    const dir = files({
      "infra.json": { docker: { containers: { one: { image: "library/app:1.0", healthcheck }, two: { image: "library-app:1.0", healthcheck } } } },
    });
    const outcome = run(dir);
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
    const images = JSON.parse(readFileSync(join(dir, "out", "stacks", "docker", "cdk.tf.json"), "utf8")).resource.docker_image;
    expect(Object.values(images).map((i: any) => i.name).sort()).toEqual(["elasticsearch:8.17.0", "library-app:1.0", "library/app:1.0"]);
  });
});

describe("text reaches Terraform as written", () => {
  const hostile = '${file("/etc/hostname")} %{ if true }x%{ endif } ${path.cwd}';

  test("free text in settings and task definitions is escaped, never evaluated", () => {
    const dir = files({ "task.json": task({ environment: [{ name: "X", value: hostile }], command: [hostile] }) });
    writeFileSync(
      join(dir, "infra.json"),
      JSON.stringify({
        ...webTask(dir),
        dockerHost: { keyPair: hostile },
        docker: { containers: { elastic: { env: { X: hostile }, healthcheck: { test: ["CMD-SHELL", hostile] } } } },
      }),
    );
    const outcome = run(dir);
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
    for (const [stack, written] of [
      ["aws", hostile],
      ["docker", `X=${hostile}`],
    ]) {
      const text = readFileSync(join(dir, "out", "stacks", stack, "cdk.tf.json"), "utf8");
      // Every ${ and %{ that came from the input is doubled, so Terraform shows it as written.
      expect(text).not.toMatch(/(?<![$])\$\{(file\(\\"\/etc|path\.cwd)/);
      expect(text).not.toMatch(/(?<![%])%\{ (if|endif)/);
      // As literal() writes it; __tests__/constructs/terraform-strings.test.ts has Terraform read that back.
      expect(text).toContain(JSON.stringify(literal(written)).slice(1, -1));
    }
  });

  test.each([
    ["a cdktf string token", "${TfToken[TOKEN.5]}"],
    ["a cdktf list token", "#{TfToken[TOKEN.5]}"],
  ])("%s in input is refused", (_name, marker) => {
    expectRefused(
      run(files({ "infra.json": { docker: { containers: { elastic: { env: { X: marker } } } } } })),
      /docker\.containers\.elastic\.env\.X = ".*TfToken.*": expected text without cdktf token markers/,
    );
  });

  test("a cdktf token marker as a key (of a label map in a task definition) is refused", () => {
    for (const marker of ["${TfToken[TOKEN.1]}", "#{TfToken[TOKEN.2]}"]) {
      const dir = files({ "task.json": task({ dockerLabels: { [marker]: "x" } }) });
      writeFileSync(join(dir, "infra.json"), JSON.stringify(webTask(dir)));
      expectRefused(run(dir), /task\.json: \[0\]\.dockerLabels\..*TfToken.*: expected a key without cdktf token markers/);
    }
  });

  test("a FIFO is refused without waiting for a writer", () => {
    const dir = files({});
    spawnSync("mkfifo", [join(dir, "infra.json")]);
    expectRefused(run(dir), /infra\.json: cannot be read \(not a regular file\)/);
  });

  test("a number cdktf would read as a token is refused", () => {
    expectRefused(run(files({ "infra.json": '{"services":{"web":{"desiredCount":-8.1095622125913805e+298}}}' })), /desiredCount = -8\.1095622125913805e\+298: expected a finite number/);
  });
});

describe("paths are normalized before they are checked", () => {
  test.each([
    ["a host path that climbs out of the data volume", { services: { db: { volumes: [{ name: "persistent_data", hostPath: "/data/../var/run" }] } } }, /hostPath = "\/data\/\.\.\/var\/run": expected a normalized absolute path/],
    ["a data volume mounted over a system directory", { clusters: { a: { capacity: { dataVolume: { mountPoint: "/etc" } } } } }, /mountPoint = "\/etc": expected a data directory, not the host's system directory \/etc/],
    ["a Docker volume at the container's root", { docker: { containers: { elastic: { volumes: [{ name: "x", containerPath: "/.." }] } } } }, /containerPath = "\/\.\.": expected a normalized absolute path/],
    ["a Docker volume over the container's /etc", { docker: { containers: { elastic: { volumes: [{ name: "x", containerPath: "/etc" }] } } } }, /containerPath = "\/etc": expected a data directory, not the container's system directory/],
  ])("%s", (_name, config, line) => {
    expectRefused(run(files({ "infra.json": config })), line);
  });

  test("a task definition's mount point over a system directory", () => {
    const dir = files({ "task.json": task({ mountPoints: [{ sourceVolume: "persistent_data", containerPath: "/proc" }] }) });
    writeFileSync(join(dir, "infra.json"), JSON.stringify({ services: { db: { taskDefinition: join(dir, "task.json"), loadBalancer: { container: "webtask" } } } }));
    expectRefused(run(dir), /\[0\]\.mountPoints\[0\]\.containerPath = "\/proc": expected a data directory/);
  });
});

describe("what AWS or Docker would refuse at plan or apply is refused at synth", () => {
  test.each([
    ["a VPC larger than /16", { network: { vpcCidr: "10.0.0.0/8", publicSubnetCidrs: ["10.0.0.0/24", "10.0.1.0/24"] } }, /network\.vpcCidr = "10\.0\.0\.0\/8": expected a prefix from \/16 to \/28/],
    ["a subnet smaller than /28", { network: { publicSubnetCidrs: ["10.20.0.0/24", "10.20.1.0/29"] } }, /publicSubnetCidrs\[1\] = "10\.20\.1\.0\/29": expected a prefix from \/16 to \/28/],
    ["two subnets in one zone", { network: { availabilityZones: ["us-west-1a", "us-west-1a"] } }, /availabilityZones\[1\] = "us-west-1a": expected a zone not already used/],
    ["a zone of another region", { network: { availabilityZones: ["us-west-1a", "eu-west-1b"] } }, /availabilityZones\[1\] = "eu-west-1b": expected a zone of us-west-1/],
    ["the same admin CIDR twice", { dockerHost: { adminCidrs: ["203.0.113.7/32", "203.0.113.7/32"] } }, /adminCidrs\[1\] = "203\.0\.113\.7\/32": expected a block not already listed/],
    ["more admin CIDRs than a security group can hold", { dockerHost: { adminCidrs: ranges(501) } }, /dockerHost\.adminCidrs = .*: expected at most 500 ranges, not 501: A security group holds 60 inbound rules/],
    ["more admin CIDRs than a security group can hold, with SSH's group too", { dockerHost: { adminCidrs: ranges(334), keyPair: "ops" } }, /dockerHost\.adminCidrs = .*: expected at most 333 ranges, not 334/],
    ["a reason of more than 500 characters (it is shown at every synthesis)", { plainHttp: { reason: "r".repeat(501) } }, /plainHttp\.reason = .*: expected at most 500 characters/],
    ["more zones than subnets can be", { network: { availabilityZones: ["a", "b", "c", "d", "e", "f", "g"].map((z) => `us-west-1${z}`) } }, /network\.availabilityZones = .*: expected at most 6 items/],
    ["a Graviton instance type with the x86 AMI", { clusters: { b: { capacity: { instanceType: "t4g.small" } } } }, /clusters\.b\.capacity\.instanceType = "t4g\.small": expected an x86_64 instance type: t4g\.small is arm64/],
    ["an x86 Docker host on the arm64 AMI", { dockerHost: { architecture: "arm64" } }, /dockerHost\.instanceType = "t3\.medium": expected an arm64 instance type/],
    ["a region that does not exist", { region: "mars-north-1" }, /^.*: region = "mars-north-1": expected an AWS region such as us-west-1/],
    ["a region of another partition", { region: "cn-north-1" }, /region = "cn-north-1": expected a region of the aws partition: cn-north-1 is in aws-cn/],
    ["a state bucket region that does not exist", { state: { region: "us-west-9" } }, /state\.region = "us-west-9": expected an AWS region/],
    ["a certificate of another region", { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100" }, /certificateArn = .*: expected a certificate in us-west-1/],
    ["a secret named without its suffix", { registryCredentialsSecretArn: "arn:aws:secretsmanager:us-west-1:123456789012:secret:registry" }, /registryCredentialsSecretArn = .*: expected an ARN like .*the full ARN, with the 6-character suffix/],
    ["a project that makes capacity provider names begin with ecs", { project: "ecsplatform" }, /project = "ecsplatform": expected a project that does not make capacity provider names begin with aws, ecs or fargate/],
    ["a project that makes load balancer names begin with internal-", { project: "internal" }, /project = "internal": expected a project that does not make load balancer names begin with "internal-"/],
    ["a project that makes security group names begin with sg-", { project: "sg" }, /project = "sg": expected a project that does not make security group names begin with "sg-"/],
    ["a cluster name too long for its launch template", { clusters: { b: { name: `m${"x".repeat(200)}` } } }, /clusters\.b\.name = .*: expected at most 121 characters: Launch template names/],
    ["a network name the Docker daemon reserves", { docker: { network: "host" } }, /docker\.network = "host": expected a network of our own/],
    ["a state bucket's region without a bucket", { state: { region: "eu-central-1" } }, /state\.region = "eu-central-1": expected only with state\.bucket, the bucket it is the region of/],
    ["a KMS key without a secret", { registryCredentialsKmsKeyArn: "arn:aws:kms:us-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }, /registryCredentialsKmsKeyArn = .*: expected only with registryCredentialsSecretArn/],
    [
      "a KMS key of another region than the secret's",
      {
        registryCredentialsSecretArn: "arn:aws:secretsmanager:us-west-1:123456789012:secret:registry-AbCdEf",
        registryCredentialsKmsKeyArn: "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      },
      /registryCredentialsKmsKeyArn = .*: expected a key in us-west-1, the secret's region: Secrets Manager encrypts a secret only with a KMS key of its own region/,
    ],
  ])("%s", (_name, config, line) => {
    expectRefused(run(files({ "infra.json": config })), line);
  });

  test.each([
    ["memory of 0", task({ memory: 0 }), /\[0\]\.memory = 0: expected a whole number of at least 6/],
    ["a protocol other than tcp and udp", task({ portMappings: [{ containerPort: 1337, protocol: "sctp" }] }), /\[0\]\.portMappings\[0\]\.protocol = "sctp": expected "tcp" or "udp"/],
    ["no essential container", task({ essential: false }), /\[0\]\.essential = false: expected at least one essential container/],
    ["a fixed host port behind the load balancer", task({ portMappings: [{ containerPort: 1337, hostPort: 8080 }] }), /\[0\]\.portMappings\[0\]\.hostPort = 8080: expected 0 or no hostPort/],
    ["a privileged container, named by its file", task({ privileged: true }), /task\.json: \[0\]\.privileged = true: expected no privileged container/],
  ])("a task definition with %s", (_name, definitions, line) => {
    const dir = files({ "task.json": definitions });
    writeFileSync(join(dir, "infra.json"), JSON.stringify(webTask(dir)));
    expectRefused(run(dir), line);
  });
});

describe("messages", () => {
  test("a UTF-8 byte order mark is accepted", () => {
    const dir = files({ "infra.json": '\uFEFF{"services":{"web":{"desiredCount":-1}}}' });
    expectRefused(run(dir), /services\.web\.desiredCount = -1: expected at least 0/);
  });

  test("1e400 is shown as JavaScript reads it, not as null", () => {
    expectRefused(run(files({ "infra.json": '{"services":{"web":{"desiredCount":1e400}}}' })), /desiredCount = Infinity: expected a finite number/);
  });

  test("types are named as JSON names them", () => {
    expectRefused(run(files({ "infra.json": { network: { publicSubnetCidrs: "10.20.0.0/24" } } })), /publicSubnetCidrs = "10\.20\.0\.0\/24": expected a list$/);
  });
});
