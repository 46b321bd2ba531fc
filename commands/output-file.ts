// Where a command may write a file the user names (graph's picture, the outputs cdktf writes for deploy and
// output): a new file in a directory that exists, or a file of the same kind it wrote before, never a tracked one.
import { spawnSync } from "node:child_process";
import { type Stats, accessSync, closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { gitEnvironment, kindOf } from "../settings/paths";

/** What a command may replace, and how it knows one. */
export interface Replaceable {
  /** The command, as a refusal names it: "graph". */
  readonly command: string;
  /** What it writes, as a refusal names it: "an SVG picture". */
  readonly holds: string;
  /** Whether an existing file holds what it writes (an empty file always does). */
  readonly looksRight: (file: string) => boolean;
}

/** The stats of `path`; undefined when nothing is there, or a file stands where a directory should. */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if (["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) return undefined;
    throw error;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first kilobyte of `file`, as text. */
export function fileHead(file: string): string {
  const fd = openSync(file, "r");
  try {
    const bytes = Buffer.alloc(1024);
    return bytes.subarray(0, readSync(fd, bytes, 0, bytes.length, 0)).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** Whether `stats` are those of this process's standard output or error (/dev/stdout, a redirect's file). */
function isOwnOutput(stats: Stats): boolean {
  return [1, 2].some((fd) => {
    try {
      const own = fstatSync(fd);
      return own.dev === stats.dev && own.ino === stats.ino;
    } catch {
      return false;
    }
  });
}

/**
 * Whether git tracks `file` in the repository that holds it: "tracked", "untracked" (also without git or a
 * repository), or git's first line when it cannot say (a checkout owned by another user).
 */
function trackedByGit(file: string): "tracked" | "untracked" | string {
  const answer = spawnSync("git", ["--literal-pathspecs", "-C", dirname(file), "ls-files", "--error-unmatch", "--", basename(file)], {
    encoding: "utf8",
    timeout: 10_000,
    env: gitEnvironment(),
  });
  if ((answer.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") return "untracked";
  if (answer.status === 0) return "tracked";
  const said = (answer.stderr ?? "").trim().split("\n")[0] ?? "";
  // --error-unmatch: exit 1 and "did not match any file(s) known to git"; no repository: "not a git repository".
  if (/did not match any file|not a git repository/.test(said)) return "untracked";
  return said || `exit ${answer.status}`;
}

/**
 * Why `kind.command` cannot write `file`, or undefined. Only a regular file is replaced, and only one that holds what
 * it writes and git does not track: writing to a named pipe would wait for a reader forever, to a device or its own
 * output is no file of its kind, and over a source, a settings file or a committed file would lose what it held. A
 * new file needs a directory this user can write; a missing one is made only when `makeDirectory`.
 */
export function fileTargetProblem(file: string, kind: Replaceable, makeDirectory: boolean): string | undefined {
  try {
    const stats = statOf(file);
    if (stats) {
      if (!stats.isFile()) return `${file} is ${kindOf(stats)}, not a regular file`;
      if (isOwnOutput(stats)) return `${file} is where ${kind.command} prints what it did; name a file of its own`;
      if (!writable(file)) return `${file} is a file this user cannot write`;
      if (stats.size > 0 && !kind.looksRight(file)) return `${file} holds something other than ${kind.holds}, which ${kind.command} would replace; name a new file or one it wrote before`;
      // Through a link, the file written is its target.
      const tracked = trackedByGit(realpathSync(file));
      if (tracked === "tracked") return `${file} is tracked by git, and ${kind.command} writes no tracked file; name a file git does not track`;
      if (tracked !== "untracked") return `git could not say whether it tracks ${file} (${JSON.stringify(tracked)}), and ${kind.command} writes no tracked file; name a new file`;
      return undefined;
    }
    // The nearest of its directories that exists, or what stands in their way.
    let dir = dirname(file);
    while (!statOf(dir)) dir = dirname(dir);
    const found = statOf(dir)!;
    if (!found.isDirectory()) return `${dir} is ${kindOf(found)}, not a directory`;
    if (dir !== dirname(file) && !makeDirectory) return `no directory ${dirname(file)} to write it in; create it first`;
    return writable(dir) ? undefined : `${dir} is a directory this user cannot write`;
  } catch (error) {
    // A directory on the way this user may not search (EACCES), a loop of links (ELOOP), …
    return `cannot reach ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}
