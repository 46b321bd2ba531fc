import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildContainerShape } from "../../maintainer/generate-container-shape";
import { AWS_RULES } from "../../settings/aws-rules";
import { formatProblem } from "../../settings/errors";
import { projectRoot } from "../../settings/paths";
import { checkContainerDefinitions, readonlyRootExceptionProblems } from "../../settings/task-definitions";

const check = (value: unknown) => checkContainerDefinitions(value, "t.json").map((p) => `${p.path}: ${p.expected}`);
const valid = { name: "web", image: "nginx:1.27", memory: 128 };

test("the committed ECS shape is what the installed AWS SDK describes (npm run generate:container-shape)", () => {
  const committed = JSON.parse(readFileSync(join(projectRoot, "schemas", "ecs-container-definition.json"), "utf8"));
  expect(committed).toEqual(buildContainerShape());
});

test("the shipped task definitions pass", () => {
  const files = ["webtask", "dbtask", "apitask", "bottask"].map((f) => join("task-definitions", `${f}.json`));
  for (const file of [...files, join("__tests__", "terraform", "options", "hostile-bottask.json")]) {
    expect(checkContainerDefinitions(JSON.parse(readFileSync(join(projectRoot, file), "utf8")), file)).toEqual([]);
  }
});

test("nested fields are checked against ECS's types", () => {
  expect(
    check([
      {
        ...valid,
        portMappings: [{ containerPort: "80" }],
        environment: [{ name: "A", valu: "b" }],
        dockerLabels: { team: 7 },
        healthCheck: { command: "curl" },
      },
    ]),
  ).toEqual([
    "[0].portMappings[0].containerPort: expected a number",
    "[0].environment[0].valu: unknown field; expected a field of ECS KeyValuePair",
    "[0].dockerLabels.team: expected a string",
    "[0].healthCheck.command: expected a list",
  ]);
});

test("ECS needs a name, an image and a memory size on EC2, and unique names", () => {
  expect(check([{ essential: true }])).toEqual([
    `[0].name: expected a container name of letters, digits, _ and -: ${AWS_RULES.containerName.rule}`,
    "[0].image: expected an image reference",
    "[0].memory: expected memory or memoryReservation (MiB): EC2 tasks need one of them",
  ]);
  expect(check([valid, valid])).toEqual([`[1].name: expected a name unique in the file: ${AWS_RULES.containerName.rule}`]);
});

test("ports are in range", () => {
  expect(check([{ ...valid, portMappings: [{ containerPort: 0, hostPort: 70000 }] }])).toEqual([
    "[0].portMappings[0].containerPort: expected a port from 1 to 65535",
    "[0].portMappings[0].hostPort: expected a port from 0 to 65535",
  ]);
});

test("the file must be a non-empty list", () => {
  expect(check([])).toEqual([": expected a non-empty JSON list of ECS container definitions"]);
  expect(check({ containerDefinitions: [valid] })).toEqual([": expected a non-empty JSON list of ECS container definitions"]);
});

describe("read-only root filesystems", () => {
  const shipped = ["webtask", "dbtask", "apitask", "bottask"].map((file) => ({
    file,
    containers: JSON.parse(readFileSync(join(projectRoot, "task-definitions", `${file}.json`), "utf8")),
  }));

  test("every shipped container has one, with a small noexec tmpfs on /tmp, the one place the image may write", () => {
    for (const { containers } of shipped) {
      for (const c of containers) {
        expect(c.readonlyRootFilesystem).toBe(true);
        expect(c.linuxParameters.tmpfs).toEqual([{ containerPath: "/tmp", size: 16, mountOptions: ["noexec", "nosuid", "nodev"] }]);
        // tmpfs pages are the container's memory: well inside its hard limit.
        expect(c.linuxParameters.tmpfs[0].size).toBeLessThan(c.memory / 4);
      }
    }
    // The db service's data lands on the host volume, mounted where the image keeps its database (/data/db/my.db).
    const db = shipped.find((s) => s.file === "dbtask")!.containers[0];
    expect(db.mountPoints).toEqual([{ sourceVolume: "persistent_data", containerPath: "/data/db", readOnly: false }]);
  });

  test("a tmpfs mount needs an absolute container path and a size, as ECS requires", () => {
    expect(check([{ ...valid, linuxParameters: { tmpfs: [{ containerPath: "/tmp" }, { size: 8 }, { containerPath: "/proc/x", size: 0 }, { containerPath: "/var/run", size: 4 }] } }])).toEqual([
      "[0].linuxParameters.tmpfs[0].size: expected the size in MiB, a whole number of at least 1 (ECS requires it)",
      "[0].linuxParameters.tmpfs[1].containerPath: expected an absolute path",
      "[0].linuxParameters.tmpfs[2].containerPath: expected a directory other than /proc, which the container runtime mounts itself",
      "[0].linuxParameters.tmpfs[2].size: expected the size in MiB, a whole number of at least 1 (ECS requires it)",
    ]);
  });

  test("an exception in the service's settings names a container of its file that is not read-only already", () => {
    const reason = "the vendor image unpacks its plugins under /opt at start";
    const service = (exceptions: Record<string, string>) => ({ taskDefinition: "t.json", readonlyRootFilesystemExceptions: exceptions });
    const containers = [{ ...valid, readonlyRootFilesystem: true }, { ...valid, name: "legacy" }];
    const problems = (exceptions: Record<string, string>) =>
      readonlyRootExceptionProblems("web", service(exceptions), containers, "prod.json").map((p) => `${p.file}: ${p.path} = ${p.value}: ${p.expected}`);
    expect(problems({ legacy: reason })).toEqual([]);
    expect(problems({ legasy: reason, web: reason })).toEqual([
      `prod.json: services.web.readonlyRootFilesystemExceptions.legasy = "${reason}": expected a container of t.json: web, legacy`,
      `prod.json: services.web.readonlyRootFilesystemExceptions.web = "${reason}": expected no exception: web has "readonlyRootFilesystem": true in t.json`,
    ]);
  });
});

describe("what ECS refuses (settings/aws-rules.ts)", () => {
  // As the app prints them, less the file name.
  const lines = (value: unknown) => checkContainerDefinitions(value, "t.json").map((p) => formatProblem(p).replace(/^t\.json(: )?/, ""));
  const named = (name: string, fields: Record<string, unknown> = {}) => ({ ...valid, name, ...fields });

  test("numbers are whole and fit the API's Integer", () => {
    expect(lines([{ ...valid, cpu: 1.5, memory: 2147483648, startTimeout: -2147483649 }])).toEqual([
      `[0].memory = 2147483648: expected a whole number: ${AWS_RULES.ecsInteger.rule}`,
      `[0].cpu = 1.5: expected a whole number: ${AWS_RULES.ecsInteger.rule}`,
      `[0].startTimeout = -2147483649: expected a whole number: ${AWS_RULES.ecsInteger.rule}`,
    ]);
    expect(lines([{ ...valid, memory: 2147483647 }])).toEqual([]);
  });

  test("cpu is from 0 to 262144 units", () => {
    expect(lines([{ ...valid, cpu: 0 }, named("b", { cpu: 262144 })])).toEqual([]);
    expect(lines([{ ...valid, cpu: -1 }, named("b", { cpu: 262145 })])).toEqual([
      `[0].cpu = -1: expected 0 to 262144: ${AWS_RULES.containerCpu.rule}`,
      `[1].cpu = 262145: expected 0 to 262144: ${AWS_RULES.containerCpu.rule}`,
    ]);
  });

  test("memoryReservation is at most memory", () => {
    expect(lines([{ ...valid, memory: 128, memoryReservation: 128 }])).toEqual([]);
    expect(lines([{ ...valid, memory: 128, memoryReservation: 129 }])).toEqual([
      `[0].memoryReservation = 129: expected at most memory (128): ${AWS_RULES.memoryReservation.rule}`,
    ]);
  });

  test("health check times are in ECS's ranges, and the command is CMD or CMD-SHELL", () => {
    const ok = { command: ["CMD-SHELL", "true"], interval: 5, timeout: 60, retries: 10, startPeriod: 0 };
    expect(lines([{ ...valid, healthCheck: ok }])).toEqual([]);
    expect(lines([{ ...valid, healthCheck: { command: ["NONE"], interval: 4, timeout: 61, retries: 0, startPeriod: 301 } }])).toEqual([
      `[0].healthCheck.command = ["NONE"]: expected ["CMD", …] or ["CMD-SHELL", "…"]: ${AWS_RULES.healthCheck.rule}`,
      `[0].healthCheck.interval = 4: expected 5 to 300: ${AWS_RULES.healthCheck.rule}`,
      `[0].healthCheck.timeout = 61: expected 2 to 60: ${AWS_RULES.healthCheck.rule}`,
      `[0].healthCheck.retries = 0: expected 1 to 10: ${AWS_RULES.healthCheck.rule}`,
      `[0].healthCheck.startPeriod = 301: expected 0 to 300: ${AWS_RULES.healthCheck.rule}`,
    ]);
    expect(lines([{ ...valid, healthCheck: { interval: 301, timeout: 1 } }])).toEqual([
      `[0].healthCheck.command: expected a command (ECS requires it): ${AWS_RULES.healthCheck.rule}`,
      `[0].healthCheck.interval = 301: expected 5 to 300: ${AWS_RULES.healthCheck.rule}`,
      `[0].healthCheck.timeout = 1: expected 2 to 60: ${AWS_RULES.healthCheck.rule}`,
    ]);
  });

  test("dependsOn names another container of the file, on a condition ECS knows and allows", () => {
    const sidecar = named("init", { essential: false, healthCheck: { command: ["CMD", "true"] } });
    const on = (containerName: unknown, condition: unknown) => [named("app", { dependsOn: [{ containerName, condition }] }), sidecar];
    for (const condition of ["START", "COMPLETE", "SUCCESS", "HEALTHY"]) expect(lines(on("init", condition))).toEqual([]);
    expect(lines(on("nope", "STARTED"))).toEqual([
      `[0].dependsOn[0].containerName = "nope": expected another container of this file (init): ${AWS_RULES.dependsOn.rule}`,
      `[0].dependsOn[0].condition = "STARTED": expected a condition ECS knows: ${AWS_RULES.dependsOn.rule}`,
    ]);
    expect(lines(on("app", "START"))).toEqual([
      `[0].dependsOn[0].containerName = "app": expected another container of this file (init): ${AWS_RULES.dependsOn.rule}`,
    ]);
    const essential = [named("app", { dependsOn: [{ containerName: "db", condition: "SUCCESS" }, { containerName: "db", condition: "HEALTHY" }] }), named("db")];
    expect(lines(essential)).toEqual([
      `[0].dependsOn[0].condition = "SUCCESS": expected START or HEALTHY: db is essential (essential is true when left out): ${AWS_RULES.dependsOn.rule}`,
      `[0].dependsOn[1].condition = "HEALTHY": expected START: db has no healthCheck: ${AWS_RULES.dependsOn.rule}`,
    ]);
  });

  test("log drivers are those ECS knows", () => {
    expect(lines([{ ...valid, logConfiguration: { logDriver: "awslogs" } }])).toEqual([]);
    expect(lines([{ ...valid, logConfiguration: { logDriver: "logentries" } }])).toEqual([
      `[0].logConfiguration.logDriver = "logentries": expected a log driver ECS knows: ${AWS_RULES.logDriver.rule}`,
    ]);
  });

  test("ulimits are named as ECS names them, once, with both limits, soft at most hard", () => {
    expect(lines([{ ...valid, ulimits: [{ name: "nofile", softLimit: 1024, hardLimit: 1024 }] }])).toEqual([]);
    expect(lines([{ ...valid, ulimits: [{ name: "files", softLimit: 1, hardLimit: 1 }, { name: "nofile", softLimit: 2, hardLimit: 1 }, { name: "nofile", softLimit: 1 }] }])).toEqual([
      `[0].ulimits[0].name = "files": expected a limit ECS knows: ${AWS_RULES.ulimits.rule}`,
      `[0].ulimits[1].softLimit = 2: expected at most hardLimit (1): ${AWS_RULES.ulimits.rule}`,
      `[0].ulimits[2].name = "nofile": expected each limit once: ${AWS_RULES.ulimits.rule}`,
      `[0].ulimits[2].hardLimit: expected a whole number (ECS requires it): ${AWS_RULES.ulimits.rule}`,
    ]);
  });

  test("a limit named again among tens of thousands is found in time linear in the list", () => {
    // Each was searched for from the start: 60,000 ulimits in blocks of one name took 10.5 s in the app (15,000, the
    // size here, 22 s in a test).
    const names = ["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"];
    const ulimits = names.flatMap((name) => Array.from({ length: 1000 }, () => ({ name, softLimit: 1, hardLimit: 1 })));
    const started = performance.now();
    const found = lines([{ ...valid, ulimits }]);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(found).toHaveLength(15_000 - 15 + 1); // and the definition is over 63 KiB
    expect(found[0]).toBe(`[0].ulimits[1].name = "core": expected each limit once: ${AWS_RULES.ulimits.rule}`);
  });

  test("a fixed host port is mapped once per protocol in the task; 0 (dynamic) as often as needed", () => {
    const mapped = (ports: object[][]) => ports.map((portMappings, k) => named(`c${k}`, { portMappings }));
    expect(lines(mapped([[{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8080, protocol: "udp" }], [{ containerPort: 80, hostPort: 0 }, { containerPort: 81, hostPort: 0 }]]))).toEqual([]);
    expect(lines(mapped([[{ containerPort: 80, hostPort: 8080 }], [{ containerPort: 81, hostPort: 8081 }, { containerPort: 82, hostPort: 8080, protocol: "tcp" }]]))).toEqual([
      `[1].portMappings[1].hostPort = 8080: expected a host port not already mapped by [0].portMappings[0]: ${AWS_RULES.fixedHostPort.rule}`,
    ]);
  });

  test("at most 10 containers", () => {
    const containers = (n: number) => Array.from({ length: n }, (_, k) => named(`c${k}`));
    expect(lines(containers(10))).toEqual([]);
    expect(lines(containers(11))).toEqual([`expected at most 10 containers, not 11: ${AWS_RULES.containersPerTask.rule}`]);
  });

  test("a file of thousands of containers is checked in time linear in its length, and names past 10 are counted", () => {
    // Each container's dependsOn and name were looked up among all the others, and each message listed them all:
    // 20,000 containers took 10 s in the app, or ran out of memory.
    const many = Array.from({ length: 5_000 }, (_, k) => named(`c${k}`, { dependsOn: [{ containerName: "gone", condition: "START" }] }));
    many.push(named("c1"));
    const started = performance.now();
    const found = lines(many);
    expect(performance.now() - started).toBeLessThan(2000);
    const others = (but: number) => `${Array.from({ length: 11 }, (_, k) => `c${k}`).filter((n) => n !== `c${but}`).slice(0, 10).join(", ")} and 4990 more`;
    expect(found.slice(0, 2)).toEqual([
      `[0].dependsOn[0].containerName = "gone": expected another container of this file (${others(0)}): ${AWS_RULES.dependsOn.rule}`,
      `[1].dependsOn[0].containerName = "gone": expected another container of this file (${others(1)}): ${AWS_RULES.dependsOn.rule}`,
    ]);
    expect(found[4_999]).toMatch(/^\[4999\]\.dependsOn\[0\]\.containerName = "gone": expected another container of this file \(c0, c1, .*, c9 and 4990 more\)/);
    expect(found.slice(5_000)).toEqual([
      `[5000].name = "c1": expected a name unique in the file: ${AWS_RULES.containerName.rule}`,
      `expected at most 10 containers, not 5001: ${AWS_RULES.containersPerTask.rule}`,
      expect.stringMatching(/^expected at most 64512 bytes as compact JSON, not \d+: /),
    ]);
  });

  test("at most 63 KiB of container definitions, leaving room in ECS's 64 KiB for the rest", () => {
    const sized = (bytes: number) => {
      const base = Buffer.byteLength(JSON.stringify([{ ...valid, command: [""] }]));
      return [{ ...valid, command: ["x".repeat(bytes - base)] }];
    };
    expect(Buffer.byteLength(JSON.stringify(sized(64512)))).toBe(64512);
    expect(lines(sized(64512))).toEqual([]);
    expect(lines(sized(64513))).toEqual([`expected at most 64512 bytes as compact JSON, not 64513: ${AWS_RULES.taskDefinitionSize.rule}`]);
  });

  test("no two mounts of a container on one path, bind or tmpfs", () => {
    const mount = (containerPath: string) => ({ sourceVolume: "v", containerPath });
    expect(lines([{ ...valid, mountPoints: [mount("/data"), mount("/data")], linuxParameters: { tmpfs: [{ containerPath: "/data", size: 1 }] } }])).toEqual([
      `[0].mountPoints[1].containerPath = "/data": expected a path no other mount of this container uses: ${AWS_RULES.duplicateMount.rule}`,
      `[0].linuxParameters.tmpfs[0].containerPath = "/data": expected a path no other mount of this container uses: ${AWS_RULES.duplicateMount.rule}`,
    ]);
    expect(lines([{ ...valid, mountPoints: [mount("/data")] }, named("b", { mountPoints: [mount("/data")] })])).toEqual([]);
  });

  test("no mount point in /proc or /sys, but for the /proc files runc admits", () => {
    const mounts = (...paths: string[]) => [{ ...valid, mountPoints: paths.map((containerPath) => ({ sourceVolume: "v", containerPath })) }];
    expect(lines(mounts("/proc/cpuinfo", "/proc/meminfo", "/sysfs", "/process"))).toEqual([]);
    expect(lines(mounts("/proc/1/root", "/sys/fs/cgroup", "/proc"))).toEqual([
      `[0].mountPoints[0].containerPath = "/proc/1/root": expected a path outside /proc: ${AWS_RULES.kernelMounts.rule}`,
      `[0].mountPoints[1].containerPath = "/sys/fs/cgroup": expected a path outside /sys: ${AWS_RULES.kernelMounts.rule}`,
      `[0].mountPoints[2].containerPath = "/proc": expected a data directory, not the container's system directory /proc`,
    ]);
  });

  test("image references have at most 255 characters (before a digest)", () => {
    const repo = (n: number) => `registry.example.com/${"a".repeat(n - 21)}`;
    const digest = `@sha256:${"0".repeat(64)}`;
    expect(lines([{ ...valid, image: repo(255) }, named("b", { image: repo(255) + digest })])).toEqual([]);
    expect(checkContainerDefinitions([{ ...valid, image: repo(256) }], "t.json").map((p) => p.expected)).toEqual([
      `expected at most 255 characters, not 256: ${AWS_RULES.imageLength.rule}`,
    ]);
  });

  test("container names: 1 to 255 of letters, digits, _ and -", () => {
    expect(lines([named("a".repeat(255))])).toEqual([]);
    expect(checkContainerDefinitions([named("a".repeat(256)), named("web.1"), named("")], "t.json").map((p) => p.path)).toEqual(["[0].name", "[1].name", "[2].name"]);
  });

  test("at least one essential container", () => {
    expect(lines([{ ...valid, essential: false }, named("b", { essential: false })])).toEqual([
      `[0].essential = false: expected at least one essential container (essential is true when left out): ${AWS_RULES.essential.source}`,
    ]);
  });
});
