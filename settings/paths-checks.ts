// Directories of the project that other tools delete or publish: the state and the certificates must not be there.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, posix } from "node:path";
import { projectRoot } from "./paths";

/** Directories that tools empty: cdktf synth removes what is not a stack under its output, npm ci empties node_modules. */
const DELETED_DIRECTORIES: readonly [string, string][] = [
  ["cdktf.out", "cdktf synth removes every directory under cdktf.out/stacks that is not a stack's"],
  ["node_modules", "npm ci removes everything in node_modules before it installs"],
];

/** A directory relative to the project, normalized ("" and "./" are "."). */
const normalized = (dir: string) => posix.normalize(dir || ".").replace(/(.)\/+$/, "$1");

/** Why a directory of the project would be deleted by another tool, or undefined. */
export function deletedDirectoryProblem(dir: string): string | undefined {
  // Compared without case: on macOS and Windows, CDKTF.OUT is cdktf.out.
  const segments = normalized(dir).toLowerCase().split("/");
  for (const [name, why] of DELETED_DIRECTORIES) {
    if (name === "cdktf.out" ? segments[0] === name : segments.includes(name)) return `expected a directory outside ${name}: ${why}`;
  }
  return undefined;
}

/** Why `dir` (relative to the project) may not hold the local Terraform state, or undefined. */
export function stateDirProblem(dir: string): string | undefined {
  return deletedDirectoryProblem(dir);
}

/**
 * Why `dir` (relative to `root`) may not hold the CA's and the client's private keys, or undefined: a directory
 * other tools delete, the project itself or a package, or one git would commit.
 */
export function certsDirProblem(dir: string, root: string = projectRoot): string | undefined {
  const deleted = deletedDirectoryProblem(dir);
  if (deleted) return deleted;
  const clean = normalized(dir);
  if (clean === ".") return "expected a directory of its own, not the project directory: its files are committed and shared";
  if (existsSync(join(root, clean, "package.json"))) return "expected a directory of its own, not a package (it holds package.json)";
  const key = JSON.stringify([root, clean, process.env.PATH]);
  if (!gitAnswers.has(key)) gitAnswers.set(key, gitProblem(clean, root));
  return gitAnswers.get(key);
}

/**
 * git's answers, per repository, directory and PATH, for this process: a synth asks once, but the tests and the
 * commands that settle several settings files (review) would otherwise start git twice per check (14 ms).
 */
const gitAnswers = new Map<string, string | undefined>();

/** Why git would commit a private key written to `dir`, or undefined (also when git or the repository is missing). */
function gitProblem(dir: string, root: string): string | undefined {
  // env: the environment as it is now, not as the process started (a test takes git off the PATH).
  const git = (...args: string[]) => spawnSync("git", ["-C", root, ...args], { encoding: "utf8", timeout: 10_000, env: process.env });
  const tracked = git("ls-files", "--", dir);
  // No git, or not a repository (a copy of the project, an unpacked release): nothing will be committed from here.
  if (tracked.error || tracked.status !== 0) return undefined;
  if (tracked.stdout.trim() !== "") return "expected a directory git does not track: the private keys would be committed next to its files";
  // Exit 0: ignored; 1: not ignored; anything else: git could not tell, as when there is no repository.
  const ignored = git("check-ignore", "-q", "--", `${dir}/ca-key.pem`);
  if (ignored.status === 1) return `expected a directory .gitignore matches (as certs/): git would commit ${dir}/ca-key.pem, the CA's private key`;
  return undefined;
}
