import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildContainerShape } from "../../scripts/generate-container-shape";
import { projectRoot } from "../../settings/paths";
import { checkContainerDefinitions, readonlyRootExceptionProblems } from "../../settings/task-definitions";

const check = (value: unknown) => checkContainerDefinitions(value, "t.json").map((p) => `${p.path}: ${p.expected}`);
const valid = { name: "web", image: "nginx:1.27", memory: 128 };

test("the committed ECS shape is what the installed AWS SDK describes (npm run generate:container-shape)", () => {
  const committed = JSON.parse(readFileSync(join(projectRoot, "schemas", "ecs-container-definition.json"), "utf8"));
  expect(committed).toEqual(buildContainerShape());
});

test("the shipped task definitions pass", () => {
  for (const file of ["webtask", "dbtask", "apitask", "bottask"]) {
    const path = join(projectRoot, "task-definitions", `${file}.json`);
    expect(checkContainerDefinitions(JSON.parse(readFileSync(path, "utf8")), file)).toEqual([]);
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
    "[0].name: expected a container name of letters, digits, _ and -",
    "[0].image: expected an image reference",
    "[0].memory: expected memory or memoryReservation (MiB): EC2 tasks need one of them",
  ]);
  expect(check([valid, valid])).toEqual(["[1].name: expected a name unique in the file"]);
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
