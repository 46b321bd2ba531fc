// What the Docker daemon, runc and the kernel refuse (or accept and then never run) in a container's settings,
// as their sources state it: checked at synth, so a bad value stops before Terraform creates anything.
import { posix } from "node:path";

/**
 * Linux's MAX_ARG_STRLEN (PAGE_SIZE * 32, 4 KiB pages): the most bytes of one argument or `NAME=value` string
 * execve takes, its terminating NUL included (fs/exec.c, valid_arg_len); more is E2BIG at container start.
 */
export const MAX_ARG_STRLEN = 131072;

/** distribution/reference's RepositoryNameTotalLengthMax: the path after the registry host. */
export const IMAGE_PATH_MAX = 255;
/** distribution/reference's tag grammar, `[\w][\w.-]{0,127}`. */
export const IMAGE_TAG_MAX = 128;

/**
 * Why Docker refuses `name` as a container, volume or network name for its length, or undefined: moby's pattern
 * `[a-zA-Z0-9][a-zA-Z0-9_.-]+` (daemon/names, volume/local) asks for two characters at least. The characters
 * themselves the settings check, stricter (lower case only).
 */
export function dockerNameProblem(name: string): string | undefined {
  if (!/^[a-zA-Z0-9]$/.test(name)) return undefined;
  return "expected at least 2 characters: Docker's names match [a-zA-Z0-9][a-zA-Z0-9_.-]+ (moby daemon/names)";
}

/**
 * Mount points the container runtime owns. runc refuses any mount under /proc when the container starts (its
 * allow-list is of single files, for lxcfs binds, which a named volume or a tmpfs directory cannot be); under /sys
 * and /dev the runtime mounts sysfs and the device nodes, which a volume would hide; and Docker writes /etc/hosts,
 * /etc/resolv.conf and /etc/hostname itself, leaving them out when a mount takes their place, so the container
 * would lose the network's name resolution.
 */
const RUNTIME_DIRECTORIES = ["/proc", "/sys", "/dev"];
const RUNTIME_FILES = ["/etc/hosts", "/etc/resolv.conf", "/etc/hostname"];

/** Why a container path may not hold a mount (a volume or a tmpfs), or undefined. */
export function runtimeMountProblem(path: string): string | undefined {
  const clean = posix.normalize(path).replace(/(.)\/+$/, "$1");
  const dir = RUNTIME_DIRECTORIES.find((d) => clean === d || clean.startsWith(`${d}/`));
  if (dir) return `expected a path outside ${dir}, which the container runtime mounts itself (runc refuses mounts under /proc)`;
  if (RUNTIME_FILES.includes(clean)) return `expected a path other than ${clean}, which Docker writes for the container's network`;
  return undefined;
}

/** Mount points that collide, as Docker compares them (after path.Clean): [index, index of the first] pairs. */
export function duplicateMounts(paths: readonly string[]): [number, number][] {
  const first = new Map<string, number>();
  const duplicates: [number, number][] = [];
  paths.forEach((path, i) => {
    const clean = posix.normalize(path).replace(/(.)\/+$/, "$1");
    const earlier = first.get(clean);
    if (earlier === undefined) first.set(clean, i);
    else duplicates.push([i, earlier]);
  });
  return duplicates;
}

/** Why Docker refuses one argument or environment string (`text`, as execve gets it), or undefined. */
export function execStringProblem(text: string): string | undefined {
  if (text.includes("\0")) return "expected no NUL character: runc refuses it, and execve cannot pass it";
  const bytes = Buffer.byteLength(text, "utf8") + 1;
  if (bytes > MAX_ARG_STRLEN) {
    return `expected at most ${MAX_ARG_STRLEN} bytes with the terminating NUL (got ${bytes}): Linux's MAX_ARG_STRLEN, execve fails with E2BIG`;
  }
  return undefined;
}

/** Why an environment variable is one the container cannot start with, or undefined. */
export function environmentProblem(name: string, value: string): string | undefined {
  return execStringProblem(`${name}=${value}`);
}

/** A problem with a healthcheck test, at `index` of the list (undefined: the whole list). */
export interface HealthcheckProblem {
  readonly index?: number;
  readonly message: string;
}

/**
 * Why Docker refuses a healthcheck test or never runs it: the daemon accepts any first word but runs a probe only
 * for CMD and CMD-SHELL (moby daemon/health.go, getProbe), and NONE turns the check off.
 */
export function healthcheckProblem(test: readonly string[]): HealthcheckProblem | undefined {
  const [form, ...args] = test;
  if (form === "NONE") {
    return args.length > 0 ? { index: 1, message: 'expected nothing after "NONE", which turns the check off' } : undefined;
  }
  if (form !== "CMD" && form !== "CMD-SHELL") {
    return { index: 0, message: 'expected "CMD", "CMD-SHELL" or "NONE": Docker runs no probe for any other form, so the container never becomes healthy' };
  }
  if (form === "CMD-SHELL" && args.length !== 1) {
    return { index: args.length === 0 ? undefined : 2, message: 'expected exactly one shell command after "CMD-SHELL"' };
  }
  if (args.length === 0) return { message: 'expected a program after "CMD"' };
  const empty = args.findIndex((a) => a.trim() === "");
  if (empty >= 0) return { index: empty + 1, message: "expected a non-empty argument: Docker would run nothing, or an empty word" };
  for (const [i, arg] of args.entries()) {
    const problem = execStringProblem(arg);
    if (problem) return { index: i + 1, message: problem };
  }
  return undefined;
}

/**
 * Why distribution/reference (which the daemon parses images with) refuses an image reference for its length, or
 * undefined. The first part is a registry host only when it has a '.' or ':' or is localhost; a reference without
 * one is on Docker Hub, and one without a '/' is in its library/ namespace, which counts in the path.
 */
export function imageLengthProblem(reference: string): string | undefined {
  const [name] = reference.split("@");
  const lastSlash = name.lastIndexOf("/");
  const colon = name.indexOf(":", lastSlash + 1);
  const repository = colon >= 0 ? name.slice(0, colon) : name;
  const tag = colon >= 0 ? name.slice(colon + 1) : undefined;
  const parts = repository.split("/");
  const hasHost = parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === "localhost");
  const path = hasHost ? parts.slice(1).join("/") : parts.length === 1 ? `library/${repository}` : repository;
  if (path.length > IMAGE_PATH_MAX) {
    return `expected a repository path of at most ${IMAGE_PATH_MAX} characters (got ${path.length}${path.startsWith("library/") && !repository.startsWith("library/") ? ", with Docker Hub's library/" : ""}): distribution/reference refuses longer names`;
  }
  if (tag !== undefined && tag.length > IMAGE_TAG_MAX) {
    return `expected a tag of at most ${IMAGE_TAG_MAX} characters (got ${tag.length}): distribution/reference's tag grammar`;
  }
  return undefined;
}
