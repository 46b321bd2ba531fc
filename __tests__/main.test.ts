import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { main } from "../main";
import { projectRoot } from "../settings/paths";

let dir: string;
let stderr: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "soa-main-"));
  stderr = "";
  jest.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => jest.restoreAllMocks());

/** Writes `content` to a file in the test's directory and returns its path. */
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs the app with an INFRA_CONFIG file; returns its exit code. */
function runWith(config: unknown): number {
  const configFile = typeof config === "string" ? config : file("infra.json", JSON.stringify(config));
  return main({ INFRA_CONFIG: configFile, CDKTF_OUTDIR: join(dir, "out") });
}

function expectRejected(code: number, ...messages: (string | RegExp)[]) {
  expect(code).toBe(1);
  expect(stderr).toMatch(/^Invalid settings, nothing was synthesized:\n/);
  for (const m of messages) expect(stderr).toMatch(m);
  expect(existsSync(join(dir, "out"))).toBe(false);
}

describe("each bad input stops the app before anything is written, naming file, field, value and expectation", () => {
  test("unknown key", () => {
    expectRejected(
      runWith({ services: { web: { desiredcount: 2 } } }),
      /infra\.json: services\.web\.desiredcount = 2: unknown setting; expected one of: cluster, taskDefinition, desiredCount/,
    );
  });

  test("wrong type", () => {
    expectRejected(runWith({ clusters: { b: { capacity: { maxSize: "2" } } } }), /clusters\.b\.capacity\.maxSize = "2": expected a number/);
  });

  test("malformed CIDR", () => {
    expectRejected(
      runWith({ network: { vpcCidr: "10.20.0.0/33" } }),
      /network\.vpcCidr = "10\.20\.0\.0\/33": expected an IPv4 CIDR block such as 10\.0\.0\.0\/16/,
    );
  });

  test("subnet outside the VPC", () => {
    expectRejected(
      runWith({ network: { publicSubnetCidrs: ["10.20.0.0/24", "10.99.0.0/24"] } }),
      /network\.publicSubnetCidrs\[1\] = "10\.99\.0\.0\/24": expected a block inside vpcCidr 10\.20\.0\.0\/16/,
    );
  });

  test("port out of range", () => {
    expectRejected(
      runWith({ services: { web: { loadBalancer: { containerPort: 70000 } } } }),
      /services\.web\.loadBalancer\.containerPort = 70000: expected at most 65535/,
    );
  });

  test("autoscaling min above max", () => {
    expectRejected(
      runWith({ clusters: { b: { capacity: { minSize: 3, maxSize: 2 } } } }),
      /clusters\.b\.capacity\.minSize = 3: expected at most maxSize \(2\)/,
    );
  });

  test("autoscaling desired outside min..max", () => {
    expectRejected(
      runWith({ clusters: { b: { capacity: { desiredCapacity: 5 } } } }),
      /clusters\.b\.capacity\.desiredCapacity = 5: expected a value from minSize \(1\) to maxSize \(2\)/,
    );
  });

  test("service task count outside its autoscaling bounds", () => {
    expectRejected(
      runWith({ services: { api: { desiredCount: 9 } } }),
      /services\.api\.desiredCount = 9: expected a value from autoScaling\.minCount \(1\) to maxCount \(4\)/,
    );
  });

  test("a service that names an unknown cluster", () => {
    expectRejected(runWith({ services: { web: { cluster: "c" } } }), /services\.web\.cluster = "c": expected one of the cluster keys: a, b/);
  });

  test("a service that names a missing task-definition file: the setting, and the path tried from the project", () => {
    expectRejected(
      runWith({ services: { web: { taskDefinition: "task-definitions/nope.json" } } }),
      /: services\.web\.taskDefinition = "task-definitions\/nope\.json": cannot be read \(no such file\) at \/\S+\/task-definitions\/nope\.json; expected a JSON file of container definitions, by a path relative to the project directory/,
    );
  });

  test("a task-definition file that is not valid JSON", () => {
    const broken = file("broken.json", '[{"name": "webtask",}]');
    expectRejected(
      runWith({ services: { web: { taskDefinition: broken } } }),
      new RegExp(`${broken}: not valid JSON \\(.* at line 1, column 21\\)`),
    );
  });

  test("a task-definition file that is not a list of container definitions", () => {
    const notList = file("object.json", JSON.stringify({ name: "webtask", image: "x", memory: 64 }));
    expectRejected(
      runWith({ services: { web: { taskDefinition: notList } } }),
      new RegExp(`${notList} = \\{"name":"webtask".*: expected a non-empty JSON list of ECS container definitions`),
    );
  });

  test("a container definition field that ECS does not have, or of the wrong type", () => {
    const typo = file(
      "typo.json",
      JSON.stringify([{ name: "webtask", image: "x", memory: 64, portMapings: [], cpu: "1", portMappings: [{ containerPort: 1337 }] }]),
    );
    expectRejected(
      runWith({ services: { web: { taskDefinition: typo } } }),
      /\[0\]\.portMapings = \[\]: unknown field; expected a field of ECS ContainerDefinition/,
      /\[0\]\.cpu = "1": expected a number/,
    );
  });

  test("a load balancer container that the task definition lacks", () => {
    expectRejected(
      runWith({ services: { web: { loadBalancer: { container: "frontend" } } } }),
      /services\.web\.loadBalancer\.container = "frontend": expected a container of task-definitions\/webtask\.json: webtask/,
    );
  });

  test("an unreadable INFRA_CONFIG file", () => {
    expectRejected(runWith(join(dir, "missing.json")), /INFRA_CONFIG file .*missing\.json: cannot be read \(no such file\)/);
  });

  test("a malformed INFRA_CONFIG file", () => {
    expectRejected(runWith(file("bad.json", '{"region": "us-west-1"\n "project": "x"}')), /INFRA_CONFIG file .*bad\.json: not valid JSON \(.*line 2, column 2\)/);
  });

  test("a key given twice in an INFRA_CONFIG file or a task definition: named with its lines, not the last taken silently", () => {
    expectRejected(
      runWith(file("twice.json", '{\n  "network": {"vpcCidr": "10.30.0.0/16",\n    "vpcCidr": "10.40.0.0/16"}\n}')),
      /INFRA_CONFIG file .*twice\.json: network\.vpcCidr: given twice in one object \(lines 2 and 3\): JSON keeps only the last/,
    );
    const task = file("twice-task.json", '[{"name": "webtask", "image": "nginx", "memory": 64, "memory": 4096}]');
    expectRejected(runWith({ services: { web: { taskDefinition: task } } }), new RegExp(`${task}: \\[0\\]\\.memory: given twice in one object \\(lines 1 and 1\\)`));
  });

  test("an INFRA_CONFIG of spaces only: not the built-in settings, which unset or empty gives", () => {
    expectRejected(main({ INFRA_CONFIG: "  ", CDKTF_OUTDIR: join(dir, "out") }), /environment variable INFRA_CONFIG = "  ": expected the path of a settings file, or nothing/);
  });

  test("an INFRA_CONFIG file that is not an object", () => {
    expectRejected(runWith(file("list.json", "[]")), /INFRA_CONFIG file .*list\.json = \[\]: expected a JSON object of settings/);
  });
});

test("good settings synthesize both files from an override, with no absolute path of this machine", () => {
  const out = join(dir, "out");
  expect(main({ INFRA_CONFIG: file("ok.json", JSON.stringify({ region: "eu-west-1" })), CDKTF_OUTDIR: out })).toBe(0);
  const text = readFileSync(join(out, "stacks", "aws", "cdk.tf.json"), "utf8");
  expect(JSON.parse(text).provider.aws[0].region).toBe("eu-west-1");
  expect(text).not.toContain(projectRoot);
  expect(text).not.toContain(dir);
});

test("a configuration too large for one string (thousands of services with large task definitions) is one line, nothing written", () => {
  // Reaching V8's limit takes 80 s and several GiB (7,800 services of 62 KiB each): the limit's error, where cdktf
  // meets it, stands in for it.
  jest.spyOn(App.prototype, "synth").mockImplementation(() => {
    throw new RangeError("Invalid string length");
  });
  expect(runWith({})).toBe(1);
  expect(stderr).toBe(
    "Synthesis failed, nothing was written: a stack's configuration is larger than one text Node can hold (512 MiB), with 4 services, 2 clusters " +
      "and 1 Docker container in the settings; split them among environments (each its own stacks), or use fewer services and smaller task definitions.\n",
  );
  expect(existsSync(join(dir, "out"))).toBe(false);
});
