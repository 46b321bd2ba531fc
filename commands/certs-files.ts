// Where `npm run certs` may write its files, and how: a directory of its own, on a disk, that no tool empties or
// publishes; the files written all together or not at all, so that a failure leaves the directory as it was.
import {
  type Stats,
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  statfsSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, posix, relative, resolve, sep } from "node:path";
import { CERT_FILES } from "../constructs/docker-tls";
import { isWithin, projectRoot, realPath } from "../settings/paths";
import { certsDirProblem } from "../settings/paths-checks";
import { UserError } from "./cli";

/** A file operation the system refused (permissions, a full disk): one line naming the path and the system's reason. */
export class WriteError extends UserError {
  override name = "WriteError";
}

/** The system's words for a failed file operation, with its code: "permission denied (EACCES)". */
function systemCause(error: NodeJS.ErrnoException): string {
  const code = error.code ?? "";
  // Node's messages read "EACCES: permission denied, mkdir '/x'": the path is named by whoever reports it.
  const words = error.message.startsWith(`${code}: `) ? error.message.slice(code.length + 2).replace(/, \w+ '.*$/s, "") : error.message;
  return code ? `${words} (${code})` : words;
}

const isSystemError = (error: unknown): error is NodeJS.ErrnoException =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && typeof (error as NodeJS.ErrnoException).syscall === "string";

/** Runs `action`; the system's refusal becomes a WriteError "cannot <what>: <why>", anything else stays a bug. */
export function attempt<T>(what: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (isSystemError(error)) throw new WriteError(`cannot ${what}: ${systemCause(error)}`);
    throw error;
  }
}

/** File systems the kernel makes up (linux/magic.h): they hold no files, and some never answer a mkdir. */
const KERNEL_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x1cd1, "devpts"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x64626720, "debugfs"],
  [0x74726163, "tracefs"],
  [0x73636673, "securityfs"],
  [0xcafe4a11, "bpf"],
  [0x6165676c, "pstore"],
  [0xde5e81e4, "efivarfs"],
]);

function kernelFileSystem(dir: string): string | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    return KERNEL_FILE_SYSTEMS.get(statfsSync(dir).type);
  } catch {
    return undefined; // not knowing is no reason to refuse: the write says what is wrong
  }
}

/**
 * Why `dir` cannot be reached or made, found without writing, or undefined: a file or a dangling link on the way, a
 * link loop, a name too long, or a file system of the kernel's.
 */
function reachProblem(dir: string): string | undefined {
  const target = resolve(dir);
  for (let p = target; ; p = dirname(p)) {
    let stat: Stats;
    try {
      stat = statSync(p);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code !== "ENOENT" && e.code !== "ENOTDIR") return `${dir}: ${systemCause(e)}`;
      // Missing: made later, parents and all; a file in the way is named when the walk reaches it.
      let link: Stats | undefined;
      try {
        link = lstatSync(p);
      } catch {
        link = undefined;
      }
      if (link?.isSymbolicLink()) {
        const dangling = `${p} is a symbolic link to ${readlinkSync(p)}, which does not exist`;
        return p === target ? `${dir}${dangling.slice(p.length)}` : `${dir} cannot be created: ${dangling}`;
      }
      if (dirname(p) === p) return undefined;
      continue;
    }
    if (!stat.isDirectory()) return p === target ? `${dir} is not a directory` : `${dir} cannot be created: ${p} is not a directory`;
    const kernel = kernelFileSystem(p);
    if (kernel) return `${dir} is on a ${kernel} file system, which the kernel makes up and which cannot hold files: choose a directory on a disk`;
    return undefined;
  }
}

/**
 * Why `dir` must not receive the certificates, or undefined: private keys go to a directory of their own, on a disk,
 * never into the project (whose files get shared) nor next to other files.
 */
export function certificateDirProblem(dir: string): string | undefined {
  const unreachable = reachProblem(dir);
  if (unreachable) return unreachable;
  const absolute = realPath(dir);
  if (absolute === projectRoot) return `${dir} is the project directory: the certificates need a directory of their own`;
  if (projectRoot.startsWith(absolute + sep)) return `${dir} contains the project: the certificates need a directory of their own`;
  // Inside the project (as typed, or once links are followed) the rules of dockerHost.certsDir hold: git must
  // ignore it, and neither cdktf nor npm may empty it.
  for (const candidate of new Set([resolve(dir), absolute])) {
    const inProject = relative(projectRoot, candidate);
    if (inProject === "" || !isWithin(projectRoot, candidate)) continue;
    const problem = certsDirProblem(inProject.split(sep).join(posix.sep), projectRoot, { whenWriting: true });
    if (problem) return `${dir}: ${problem}`;
  }
  if (!existsSync(absolute)) return undefined;
  let entries;
  try {
    entries = readdirSync(absolute, { withFileTypes: true });
  } catch (error) {
    if (isSystemError(error)) return `${dir} cannot be listed: ${systemCause(error)}`;
    throw error;
  }
  const project = entries.find((e) => e.name === "package.json" || e.name === ".git");
  if (project) return `${dir} holds ${project.name}, so it is a project: the certificates need a directory of their own`;
  // Subdirectories are backups and the certificates of other environments (certs/<environment>).
  const ours = new Set<string>(Object.values(CERT_FILES));
  const others = entries.filter((e) => !e.isDirectory() && !ours.has(e.name) && !/\.pem\.\d+\.tmp$/.test(e.name)).map((e) => e.name);
  if (others.length > 0) {
    const shown = others.length > 3 ? `${others.slice(0, 3).join(", ")}, …` : others.join(", ");
    return `${dir} already holds files that are not certificates (${shown}): choose a new or empty directory`;
  }
  return undefined;
}

/**
 * What stands at `path` when it is not a regular file ("a directory", "a named pipe"), or undefined: a file, or
 * nothing (a dangling link counts as nothing: the rename that writes the file replaces the link).
 */
export function notAFile(path: string): string | undefined {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    return undefined; // missing, or unreadable: the checks that read it say so
  }
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a named pipe";
  if (stat.isSocket()) return "a socket";
  return "a device";
}

/** A file to write: its path, its content and its mode. */
export interface NewFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

/**
 * Writes `files` into `dir` all together or not at all. A missing `dir` is made 0700, parents and all (one level at
 * a time: Node 20's recursive mkdirSync loops forever where a parent exists but refuses children, as in /proc).
 * `backup`, a new directory, first receives copies of the files about to be replaced. Each file is written to a
 * temporary name beside its place, and only once all are written are they renamed into place. When the system
 * refuses any step, what was done is undone (a replaced file gets its old content back) and a WriteError names the
 * step and the reason. Last, the files of `narrow` (keys it keeps) get mode 0600, undone with the rest.
 */
export function writeAllOrNothing(dir: string, files: readonly NewFile[], { backup, narrow = [] }: { backup?: string; narrow?: readonly string[] } = {}): void {
  const undo: { path: string; run: () => void }[] = [];
  try {
    const missing: string[] = [];
    for (let p = resolve(dir); !existsSync(p) && dirname(p) !== p; p = dirname(p)) missing.unshift(p);
    for (const p of missing) {
      attempt(`create ${p}`, () => mkdirSync(p, { mode: 0o700 }));
      undo.push({ path: p, run: () => rmSync(p, { recursive: true, force: true }) });
    }
    if (missing.length > 0) attempt(`set the mode of ${dir}`, () => chmodSync(dir, 0o700)); // the umask may have narrowed it

    // What each file held, to put back should a later rename fail.
    const previous = files.map((f) =>
      existsSync(f.path) ? attempt(`read ${f.path}`, () => ({ content: readFileSync(f.path), mode: statSync(f.path).mode & 0o777 })) : undefined,
    );
    if (backup) {
      attempt(`create ${backup}`, () => mkdirSync(backup, { mode: 0o700 }));
      undo.push({ path: backup, run: () => rmSync(backup, { recursive: true, force: true }) });
      for (const f of files.filter((_, i) => previous[i])) {
        const copy = join(backup, basename(f.path));
        attempt(`copy ${f.path} to ${backup}`, () => copyFileSync(f.path, copy, constants.COPYFILE_EXCL));
        // The copy keeps the original's mode, which a key made by hand may have left open: a kept key is 0600.
        if (/key\.pem$/.test(f.path)) attempt(`narrow the mode of ${copy} to 0600`, () => chmodSync(copy, 0o600));
      }
    }

    for (const f of files) {
      // A new file ("wx"): one that was there before may be a link planted to receive the key.
      const fd = attempt(`write ${f.path}`, () => openSync(temporary(f.path), "wx", f.mode));
      undo.push({ path: temporary(f.path), run: () => rmSync(temporary(f.path), { force: true }) });
      try {
        attempt(`write ${f.path}`, () => writeFileSync(fd, f.content));
      } finally {
        closeSync(fd);
      }
      attempt(`write ${f.path}`, () => chmodSync(temporary(f.path), f.mode)); // the umask may have narrowed it
    }
    files.forEach((f, i) => {
      attempt(`replace ${f.path}`, () => renameSync(temporary(f.path), f.path));
      const old = previous[i];
      undo.push({ path: f.path, run: old ? () => putBack(f.path, old.content, old.mode) : () => rmSync(f.path, { force: true }) });
    });
    for (const path of narrow) {
      const mode = attempt(`read the mode of ${path}`, () => statSync(path).mode & 0o777);
      attempt(`narrow the mode of ${path} to 0600`, () => chmodSync(path, 0o600));
      undo.push({ path, run: () => chmodSync(path, mode) });
    }
  } catch (error) {
    const left: string[] = [];
    for (const step of undo.reverse()) {
      try {
        step.run();
      } catch {
        left.push(step.path);
      }
    }
    if (!(error instanceof WriteError)) throw error;
    throw new WriteError(left.length === 0 ? `${error.message}; nothing was changed` : `${error.message}; could not undo the change to ${left.join(", ")}`);
  }
}

const temporary = (path: string) => `${path}.${process.pid}.tmp`;

/** Gives `path` its old content and mode back, through a temporary file and a rename as it was replaced. */
function putBack(path: string, content: Buffer, mode: number): void {
  writeFileSync(temporary(path), content, { mode, flag: "wx" });
  chmodSync(temporary(path), mode);
  renameSync(temporary(path), path);
}
