// Checks container definition files against the ECS ContainerDefinition shape generated from the AWS SDK's model
// (schemas/ecs-container-definition.json), plus the few fields ECS needs that the model leaves optional.
import type { ContainerDefinition } from "@aws-sdk/client-ecs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type SettingsProblem, addProblems, formatPath, listed, showValue } from "./errors";
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
/** The API's Integer (Java int). */
const INTEGER = { min: -2147483648, max: 2147483647 };
export const MAX_CONTAINERS = 10;
/** Bytes of compact JSON a file's container definitions may take: 64 KiB less 1 KiB for what the stack adds. */
export const MAX_DEFINITION_BYTES = 63 * 1024;
export const MAX_IMAGE_LENGTH = 255;
/** Seconds (retries: attempts) ECS takes for each health check field. */
export const HEALTH_CHECK_RANGES = { interval: [5, 300], timeout: [2, 60], retries: [1, 10], startPeriod: [0, 300] } as const;
const CONDITIONS = ["START", "COMPLETE", "SUCCESS", "HEALTHY"];
const LOG_DRIVERS = ["json-file", "syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "awsfirelens"];
const ULIMITS = [
  "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
];
/** The files under /proc runc lets a container bind over (lxcfs does); anything else there it refuses at start. */
const PROC_FILES = [
  "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime", "/proc/loadavg",
  "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid", "/proc/sys/crypto/fips_enabled",
];

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
      else if (typeof v === "number" && (!Number.isInteger(v) || v < INTEGER.min || v > INTEGER.max)) {
        report(path, v, `expected a whole number: ${AWS_RULES.ecsInteger.rule}`);
      }
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
  // Made once: looked up for every container, the names would take time growing with the square of the file's
  // length (a file within the size limit holds 65,000 containers).
  const names = containerNames(value);
  // Fixed host ports of the task, by port and protocol: where each was first mapped.
  const hostPorts = new Map<string, PropertyKey[]>();
  value.forEach((container, i) => {
    check(container, shapeFile.root, [i]);
    if (!isPlainObject(container)) return;
    const c = container as ContainerDefinition;
    if (typeof c.name !== "string" || !/^[A-Za-z0-9_-]{1,255}$/.test(c.name)) {
      report([i, "name"], c.name, `expected a container name of letters, digits, _ and -: ${AWS_RULES.containerName.rule}`);
    }
    if (typeof c.image !== "string" || c.image.length === 0) report([i, "image"], c.image, "expected an image reference");
    else if (c.image.split("@")[0].length > MAX_IMAGE_LENGTH) {
      report([i, "image"], c.image, `expected at most ${MAX_IMAGE_LENGTH} characters, not ${c.image.split("@")[0].length}: ${AWS_RULES.imageLength.rule}`);
    }
    if (c.memory === undefined && c.memoryReservation === undefined) {
      report([i, "memory"], undefined, "expected memory or memoryReservation (MiB): EC2 tasks need one of them");
    }
    for (const key of ["memory", "memoryReservation"] as const) {
      const mib = c[key];
      if (Number.isInteger(mib) && mib! < 6) report([i, key], mib, `expected a whole number of at least 6 (MiB): ${AWS_RULES.taskMemory.rule}`);
    }
    if (Number.isInteger(c.memory) && Number.isInteger(c.memoryReservation) && c.memoryReservation! > c.memory!) {
      report([i, "memoryReservation"], c.memoryReservation, `expected at most memory (${c.memory}): ${AWS_RULES.memoryReservation.rule}`);
    }
    if (Number.isInteger(c.cpu) && (c.cpu! < 0 || c.cpu! > 262144)) report([i, "cpu"], c.cpu, `expected 0 to 262144: ${AWS_RULES.containerCpu.rule}`);
    addProblems(problems, healthCheckProblems(c, [i, "healthCheck"], file));
    addProblems(problems, dependsOnProblems(value, i, names, file));
    const driver = c.logConfiguration?.logDriver;
    if (typeof driver === "string" && !LOG_DRIVERS.includes(driver)) {
      report([i, "logConfiguration", "logDriver"], driver, `expected a log driver ECS knows: ${AWS_RULES.logDriver.rule}`);
    }
    const limits = Array.isArray(c.ulimits) ? c.ulimits : [];
    const named = new Set<string>();
    limits.forEach((u, j) => {
      if (!isPlainObject(u)) return;
      if (typeof u.name !== "string" || !ULIMITS.includes(u.name)) report([i, "ulimits", j, "name"], u.name, `expected a limit ECS knows: ${AWS_RULES.ulimits.rule}`);
      else if (named.has(u.name)) report([i, "ulimits", j, "name"], u.name, `expected each limit once: ${AWS_RULES.ulimits.rule}`);
      else named.add(u.name);
      for (const key of ["softLimit", "hardLimit"] as const) {
        if (u[key] === undefined) report([i, "ulimits", j, key], undefined, `expected a whole number (ECS requires it): ${AWS_RULES.ulimits.rule}`);
      }
      if (Number.isInteger(u.softLimit) && Number.isInteger(u.hardLimit) && u.softLimit! > u.hardLimit!) {
        report([i, "ulimits", j, "softLimit"], u.softLimit, `expected at most hardLimit (${u.hardLimit}): ${AWS_RULES.ulimits.rule}`);
      }
    });
    if (c.privileged === true) {
      report([i, "privileged"], true, "expected no privileged container: it is root on the instance (policy CKV_AWS_334), and the instances refuse it (ECS_DISABLE_PRIVILEGED)");
    }
    // Docker refuses a second mount on a path, whether bind or tmpfs; paths are normalized, so equal strings find it.
    const mounted = new Set<string>();
    const once = (path: unknown, at: PropertyKey[]) => {
      if (typeof path !== "string") return;
      if (mounted.has(path)) report(at, path, `expected a path no other mount of this container uses: ${AWS_RULES.duplicateMount.rule}`);
      mounted.add(path);
    };
    asList(c.mountPoints).forEach((m, j) => {
      const problem = typeof m?.containerPath === "string" ? mountPointProblem(m.containerPath) : "expected an absolute path";
      if (problem) report([i, "mountPoints", j, "containerPath"], m?.containerPath, problem);
      else once(m.containerPath, [i, "mountPoints", j, "containerPath"]);
    });
    // ECS requires both fields of a tmpfs mount (API Reference, Tmpfs: containerPath and size are required).
    asList(c.linuxParameters?.tmpfs).forEach((t, j) => {
      const problem = typeof t?.containerPath === "string" ? tmpfsPathProblem(t.containerPath) : "expected an absolute path";
      if (problem) report([i, "linuxParameters", "tmpfs", j, "containerPath"], t?.containerPath, problem);
      else once(t.containerPath, [i, "linuxParameters", "tmpfs", j, "containerPath"]);
      if (typeof t?.size !== "number" || (Number.isInteger(t.size) && t.size < 1)) {
        report([i, "linuxParameters", "tmpfs", j, "size"], t?.size, "expected the size in MiB, a whole number of at least 1 (ECS requires it)");
      }
    });
    asList(c.portMappings).forEach((mapping, j) => {
      if (mapping?.protocol !== undefined && mapping.protocol !== "tcp" && mapping.protocol !== "udp") {
        report([i, "portMappings", j, "protocol"], mapping.protocol, `expected "tcp" or "udp": ${AWS_RULES.portProtocol.source}`);
      }
      for (const key of ["containerPort", "hostPort"] as const) {
        const port = mapping?.[key];
        const low = key === "hostPort" ? 0 : 1;
        if (Number.isInteger(port) && (port! < low || port! > 65535)) {
          report([i, "portMappings", j, key], port, `expected a port from ${low} to 65535`);
        }
      }
      const host = mapping?.hostPort;
      if (Number.isInteger(host) && host! > 0 && host! <= 65535) {
        const taken = `${host}/${mapping.protocol ?? "tcp"}`;
        const first = hostPorts.get(taken);
        if (first) report([i, "portMappings", j, "hostPort"], host, `expected a host port not already mapped by ${formatPath(first)}: ${AWS_RULES.fixedHostPort.rule}`);
        else hostPorts.set(taken, [i, "portMappings", j]);
      }
    });
  });
  if (value.every((c) => isPlainObject(c) && c.essential === false)) {
    report([0, "essential"], false, `expected at least one essential container (essential is true when left out): ${AWS_RULES.essential.source}`);
  }
  for (const [name, indexes] of names.byName) {
    if (name === undefined) continue;
    for (const i of indexes.slice(1)) report([i, "name"], name, `expected a name unique in the file: ${AWS_RULES.containerName.rule}`);
  }
  if (value.length > MAX_CONTAINERS) {
    report([], undefined, `expected at most ${MAX_CONTAINERS} containers, not ${value.length}: ${AWS_RULES.containersPerTask.rule}`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > MAX_DEFINITION_BYTES) {
    report([], undefined, `expected at most ${MAX_DEFINITION_BYTES} bytes as compact JSON, not ${bytes}: ${AWS_RULES.taskDefinitionSize.rule}`);
  }
  return problems;
}

const asList = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);

/** The containers of a file by name, made once for the checks of each container (`byName`: the indexes of each name). */
interface ContainerNames {
  readonly byName: ReadonlyMap<unknown, readonly number[]>;
  /** The first MAX_CONTAINERS + 1 containers with a name, in the file's order. */
  readonly first: readonly { readonly index: number; readonly name: string }[];
  /** How many containers have a name. */
  readonly named: number;
}

function containerNames(containers: unknown[]): ContainerNames {
  const byName = new Map<unknown, number[]>();
  const first: { index: number; name: string }[] = [];
  let named = 0;
  containers.forEach((c, index) => {
    if (!isPlainObject(c)) return;
    const same = byName.get(c.name);
    if (same) same.push(index);
    else byName.set(c.name, [index]);
    if (typeof c.name !== "string") return;
    named++;
    if (first.length <= MAX_CONTAINERS) first.push({ index, name: c.name });
  });
  return { byName, first, named };
}

/**
 * The names of the containers other than `i` (whose own name is `own`), in the file's order; past MAX_CONTAINERS
 * (what a task definition may hold), counted.
 */
function otherNames(names: ContainerNames, i: number, own: unknown): string {
  const others = names.first.filter((c) => c.index !== i).map((c) => c.name);
  return listed(others, MAX_CONTAINERS, "none", names.named - (typeof own === "string" ? 1 : 0));
}

/** Why a container's mount point may not be at `path`: its system directories, and what the runtime mounts itself. */
function mountPointProblem(path: string): string | undefined {
  const problem = containerPathProblem(path);
  if (problem) return problem;
  const kernel = ["/proc", "/sys"].find((d) => path.startsWith(`${d}/`));
  if (kernel && !PROC_FILES.includes(path)) return `expected a path outside ${kernel}: ${AWS_RULES.kernelMounts.rule}`;
  return undefined;
}

function healthCheckProblems(c: ContainerDefinition, at: PropertyKey[], file: string): SettingsProblem[] {
  const check = c.healthCheck;
  if (!isPlainObject(check)) return [];
  const problems: SettingsProblem[] = [];
  const report = (key: string, bad: unknown, expected: string) =>
    problems.push({ file, path: formatPath([...at, key]), value: showValue(bad), expected: `${expected}: ${AWS_RULES.healthCheck.rule}` });
  const command = check.command;
  if (command === undefined) report("command", undefined, "expected a command (ECS requires it)");
  else if (Array.isArray(command) && command[0] !== "CMD" && command[0] !== "CMD-SHELL") {
    report("command", command, 'expected ["CMD", …] or ["CMD-SHELL", "…"]');
  }
  for (const [key, [min, max]] of Object.entries(HEALTH_CHECK_RANGES)) {
    const n = own(check, key);
    if (Number.isInteger(n) && ((n as number) < min || (n as number) > max)) report(key, n, `expected ${min} to ${max}`);
  }
  return problems;
}

/** Problems in container `i`'s dependsOn, against the other containers of its file. */
function dependsOnProblems(containers: unknown[], i: number, names: ContainerNames, file: string): SettingsProblem[] {
  const c = containers[i] as ContainerDefinition;
  const problems: SettingsProblem[] = [];
  const report = (path: PropertyKey[], bad: unknown, expected: string) =>
    problems.push({ file, path: formatPath([i, "dependsOn", ...path]), value: showValue(bad), expected: `${expected}: ${AWS_RULES.dependsOn.rule}` });
  asList(c.dependsOn).forEach((d, j) => {
    if (!isPlainObject(d)) return;
    const k = names.byName.get(d.containerName)?.find((other) => other !== i);
    const target = k === undefined ? undefined : (containers[k] as ContainerDefinition);
    if (typeof d.containerName !== "string") report([j, "containerName"], d.containerName, "expected a container name (ECS requires it)");
    else if (!target) report([j, "containerName"], d.containerName, `expected another container of this file (${otherNames(names, i, c.name)})`);
    if (typeof d.condition !== "string" || !CONDITIONS.includes(d.condition)) {
      report([j, "condition"], d.condition, "expected a condition ECS knows");
    } else if (target && (d.condition === "COMPLETE" || d.condition === "SUCCESS") && target.essential !== false) {
      report([j, "condition"], d.condition, `expected START or HEALTHY: ${d.containerName} is essential (essential is true when left out)`);
    } else if (target && d.condition === "HEALTHY" && !isPlainObject(target.healthCheck)) {
      report([j, "condition"], d.condition, `expected START: ${d.containerName} has no healthCheck`);
    }
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
