// Regenerates schemas/ecs-container-definition.json from the ECS model that ships in the AWS SDK,
// so task definitions are checked against AWS's own ContainerDefinition shape without loading the SDK at synth.
// Run after upgrading @aws-sdk/client-ecs: `npm run generate:container-shape`.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { NormalizedSchema } from "@smithy/core/schema";
import { ContainerDefinition$ } from "@aws-sdk/client-ecs";
import { projectRoot, startedAs } from "../settings/paths";

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

if (startedAs("generate-container-shape")) {
  writeFileSync(CONTAINER_SHAPE_FILE, `${JSON.stringify(buildContainerShape(), null, 2)}\n`);
  console.log(`wrote ${CONTAINER_SHAPE_FILE}`);
}
