import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildContainerShape } from "../../scripts/generate-container-shape";
import { projectRoot } from "../../settings/paths";
import { checkContainerDefinitions } from "../../settings/task-definitions";

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
