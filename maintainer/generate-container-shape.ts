// Regenerates schemas/ecs-container-definition.json from the ECS model that ships in the AWS SDK,
// so task definitions are checked against AWS's own ContainerDefinition shape without loading the SDK at synth.
// Run after upgrading @aws-sdk/client-ecs: `npm run generate:container-shape`; `-- --check` only compares.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { NormalizedSchema } from "@smithy/core/schema";
import { ContainerDefinition$ } from "@aws-sdk/client-ecs";
import { projectRoot, startedAs } from "../settings/paths";
import { UserError, runCommand } from "../commands/cli";

export type ShapeRef = string | { list: ShapeRef } | { map: ShapeRef };
export interface ContainerShapeFile {
  readonly source: string;
  readonly root: string;
  readonly shapes: Record<string, Record<string, ShapeRef>>;
}

export function buildContainerShape(): ContainerShapeFile {
  const shapes: Record<string, Record<string, ShapeRef>> = {};
  const refOf = (schema: NormalizedSchema): ShapeRef => {
    if (schema.isListSchema()) return { list: refOf(schema.getValueSchema()) };
    if (schema.isMapSchema()) return { map: refOf(schema.getValueSchema()) };
    if (schema.isStructSchema()) return structure(schema);
    if (schema.isBooleanSchema()) return "boolean";
    if (schema.isNumericSchema()) return "number";
    if (schema.isStringSchema()) return "string";
    throw new Error(`unexpected member type in ${schema.getName(true)}`);
  };
  const structure = (schema: NormalizedSchema): string => {
    const name = schema.getName() as string;
    if (!shapes[name]) {
      shapes[name] = {};
      for (const [member, memberSchema] of schema.structIterator()) {
        shapes[name][member] = refOf(memberSchema);
      }
    }
    return name;
  };
  const root = structure(NormalizedSchema.of(ContainerDefinition$));
  const version: string = require("@aws-sdk/client-ecs/package.json").version;
  return { source: `@aws-sdk/client-ecs ${version}`, root, shapes };
}

export const CONTAINER_SHAPE_FILE = join(projectRoot, "schemas", "ecs-container-definition.json");

export const CONTAINER_SHAPE_COMMAND = {
  name: "npm run generate:container-shape",
  usage: `usage: npm run generate:container-shape [-- --check]

Regenerates ${relative(projectRoot, CONTAINER_SHAPE_FILE)}, the ECS ContainerDefinition shape task definitions are
checked against, from the installed @aws-sdk/client-ecs. Run it after upgrading that package.

  --check      write nothing; exit 1 if the file differs from what the installed SDK describes
  -h, --help   this text
`,
  options: { check: { type: "boolean" } },
} as const;

/** Writes the shape where it changed (or, with `check`, throws UserError when it would); says what it did. */
export function generateContainerShape(check: boolean, file = CONTAINER_SHAPE_FILE): string {
  const shape = buildContainerShape();
  const wanted = `${JSON.stringify(shape, null, 2)}\n`;
  const name = relative(projectRoot, file).startsWith("..") ? file : relative(projectRoot, file);
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (current === wanted) return `${name} is up to date with ${shape.source}`;
  if (check) throw new UserError(`${name} differs from what the installed @aws-sdk/client-ecs describes: run \`npm run generate:container-shape\``);
  writeFileSync(file, wanted);
  return `wrote ${name}`;
}

if (startedAs("generate-container-shape")) {
  runCommand(CONTAINER_SHAPE_COMMAND, ({ values }) => {
    process.stdout.write(`${generateContainerShape(values.check === true)}\n`);
    return 0;
  });
}
