// Checks container definition files against the ECS ContainerDefinition shape generated from the AWS SDK's model
// (schemas/ecs-container-definition.json), plus the few fields ECS needs that the model leaves optional.
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type SettingsProblem, formatPath, showValue } from "./errors";
import { AWS_RULES, containerPathProblem, pathProblem } from "./aws-rules";
import { isPlainObject, own } from "./json-file";
import { projectRoot } from "./paths";

type ShapeRef = string | { list: ShapeRef } | { map: ShapeRef };
interface ShapeFile {
  readonly root: string;
  readonly shapes: Record<string, Record<string, ShapeRef>>;
}
const shapeFile: ShapeFile = JSON.parse(
  readFileSync(join(projectRoot, "schemas", "ecs-container-definition.json"), "utf8"),
);
const shapes = shapeFile.shapes;
const PRIMITIVES = new Set(["string", "number", "boolean"]);

export type { ContainerDefinition };

/**
 * Why a directory inside a container cannot take a tmpfs mount, or undefined: an absolute, normalized path other
 * than / and outside /proc, /sys and /dev, which the container runtime mounts itself. (System directories such as
 * /run or /var/run are fine: a tmpfs hides nothing there that outlives the container.)
 */
export function tmpfsPathProblem(path: string): string | undefined {
  const problem = pathProblem(path);
  if (problem) return problem;
  const kernel = ["/proc", "/sys", "/dev"].find((d) => path === d || path.startsWith(`${d}/`));
  if (path === "/" || kernel) return `expected a directory other than ${kernel ?? "/"}, which the container runtime mounts itself`;
  return undefined;
}

/** Problems in `value` (a parsed task-definition file) as a list of container definitions; empty when it is one. */
export function checkContainerDefinitions(value: unknown, file: string): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const report = (path: PropertyKey[], bad: unknown, expected: string) =>
    problems.push({ file, path: formatPath(path), value: showValue(bad), expected });

  if (!Array.isArray(value) || value.length === 0) {
    report([], value, "expected a non-empty JSON list of ECS container definitions");
    return problems;
  }
  const check = (v: unknown, ref: ShapeRef, path: PropertyKey[]): void => {
    if (typeof ref === "object" && "list" in ref) {
      if (!Array.isArray(v)) return void report(path, v, "expected a list");
      v.forEach((item, i) => check(item, ref.list, [...path, i]));
    } else if (typeof ref === "object") {
      if (!isPlainObject(v)) return void report(path, v, "expected an object of string keys");
      for (const [k, item] of Object.entries(v)) check(item, ref.map, [...path, k]);
    } else if (PRIMITIVES.has(ref)) {
      if (typeof v !== ref || (ref === "number" && !Number.isFinite(v))) report(path, v, `expected a ${ref}`);
    } else {
      const members = shapes[ref];
      if (!isPlainObject(v)) return void report(path, v, `expected an object (ECS ${ref})`);
      for (const [k, item] of Object.entries(v)) {
        const member = own(members, k);
        if (!member) report([...path, k], item, `unknown field; expected a field of ECS ${ref}`);
        else check(item, member, [...path, k]);
      }
    }
  };
  value.forEach((container, i) => {
    check(container, shapeFile.root, [i]);
    if (!isPlainObject(container)) return;
    const c = container as ContainerDefinition;
    if (typeof c.name !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(c.name)) {
      report([i, "name"], c.name, "expected a container name of letters, digits, _ and -");
    }
    if (typeof c.image !== "string" || c.image.length === 0) report([i, "image"], c.image, "expected an image reference");
    if (c.memory === undefined && c.memoryReservation === undefined) {
      report([i, "memory"], undefined, "expected memory or memoryReservation (MiB): EC2 tasks need one of them");
    }
    for (const key of ["memory", "memoryReservation"] as const) {
      const mib = c[key];
      if (typeof mib === "number" && (!Number.isInteger(mib) || mib < 6)) report([i, key], mib, `expected a whole number of at least 6 (MiB): ${AWS_RULES.taskMemory.rule}`);
    }
    if (c.privileged === true) {
      report([i, "privileged"], true, "expected no privileged container: it is root on the instance (policy CKV_AWS_334), and the instances refuse it (ECS_DISABLE_PRIVILEGED)");
    }
    c.mountPoints?.forEach((m, j) => {
      const problem = typeof m?.containerPath === "string" ? containerPathProblem(m.containerPath) : "expected an absolute path";
      if (problem) report([i, "mountPoints", j, "containerPath"], m?.containerPath, problem);
    });
    // ECS requires both fields of a tmpfs mount (API Reference, Tmpfs: containerPath and size are required).
    c.linuxParameters?.tmpfs?.forEach((t, j) => {
      const problem = typeof t?.containerPath === "string" ? tmpfsPathProblem(t.containerPath) : "expected an absolute path";
      if (problem) report([i, "linuxParameters", "tmpfs", j, "containerPath"], t?.containerPath, problem);
      if (typeof t?.size !== "number" || !Number.isInteger(t.size) || t.size < 1) {
        report([i, "linuxParameters", "tmpfs", j, "size"], t?.size, "expected the size in MiB, a whole number of at least 1 (ECS requires it)");
      }
    });
    c.portMappings?.forEach((mapping, j) => {
      if (mapping?.protocol !== undefined && mapping.protocol !== "tcp" && mapping.protocol !== "udp") {
        report([i, "portMappings", j, "protocol"], mapping.protocol, `expected "tcp" or "udp": ${AWS_RULES.portProtocol.source}`);
      }
      for (const key of ["containerPort", "hostPort"] as const) {
        const port = mapping?.[key];
        const low = key === "hostPort" ? 0 : 1;
        if (typeof port === "number" && (!Number.isInteger(port) || port < low || port > 65535)) {
          report([i, "portMappings", j, key], port, `expected a port from ${low} to 65535`);
        }
      }
    });
  });
  if (value.every((c) => isPlainObject(c) && c.essential === false)) {
    report([0, "essential"], false, `expected at least one essential container (essential is true when left out): ${AWS_RULES.essential.source}`);
  }
  const names = value.map((c) => (isPlainObject(c) ? c.name : undefined));
  names.forEach((name, i) => {
    if (name !== undefined && names.indexOf(name) !== i) report([i, "name"], name, "expected a name unique in the file");
  });
  return problems;
}

/**
 * Problems with a service's readonlyRootFilesystemExceptions (`services.<key>.…`, in the settings file `label`):
 * each names a container of its task definition that does not already have a read-only root filesystem.
 */
export function readonlyRootExceptionProblems(
  key: string,
  service: { readonly taskDefinition: string; readonly readonlyRootFilesystemExceptions: Record<string, string> },
  containers: readonly ContainerDefinition[],
  label: string,
): SettingsProblem[] {
  return Object.entries(service.readonlyRootFilesystemExceptions).flatMap(([name, reason]) => {
    const container = containers.find((c) => c.name === name);
    const expected = !container
      ? `expected a container of ${service.taskDefinition}: ${containers.map((c) => c.name).join(", ")}`
      : container.readonlyRootFilesystem === true
        ? `expected no exception: ${name} has "readonlyRootFilesystem": true in ${service.taskDefinition}`
        : undefined;
    const path = formatPath(["services", key, "readonlyRootFilesystemExceptions", name]);
    return expected ? [{ file: label, path, value: showValue(reason), expected }] : [];
  });
}
