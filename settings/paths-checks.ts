// Directories of the project that other tools delete or publish: the state and the certificates must not be there.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, posix, relative, resolve, sep } from "node:path";
import { gitEnvironment, projectRoot } from "./paths";

/** A directory relative to the project, normalized ("" and "./" are "."). */
const normalized = (dir: string) => posix.normalize(dir || ".").replace(/(.)\/+$/, "$1");

/**
 * Why a directory of the project would be deleted by another tool, or undefined: cdktf synth removes what is not a
 * stack under its output's stacks/ (all of cdktf.out is kept clear; cdktf.out.<environment>, as the docs name one
 * per environment, where synth removes), npm ci empties node_modules.
 */
export function deletedDirectoryProblem(dir: string): string | undefined {
  // Compared without case: on macOS and Windows, CDKTF.OUT is cdktf.out.
  const segments = normalized(dir).toLowerCase().split("/");
  const [first, second] = segments;
  if (first === "cdktf.out" || (first.startsWith("cdktf.out.") && second === "stacks")) {
    return `expected a directory outside ${first}: cdktf synth removes every directory under ${first}/stacks that is not a stack's`;
  }
  if (segments.includes("node_modules")) return "expected a directory outside node_modules: npm ci removes everything in node_modules before it installs";
  return undefined;
}

/** Why `dir` (relative to the project) may not hold the local Terraform state, or undefined. */
export function stateDirProblem(dir: string): string | undefined {
  return deletedDirectoryProblem(dir);
}

/** What dockerHost.certsDir may be written as; the JSON Schema holds it too (settings/schema/docker-host.ts). */
export const CERTS_DIR_PATTERN = /^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/;

/** Names of the characters a message would not show. */
const UNSEEN: Readonly<Record<string, string>> = { " ": "a space", "\t": "a tab", "\n": "a line break" };

/**
 * Why `dir` cannot be written as dockerHost.certsDir, or undefined: what CERTS_DIR_PATTERN refuses, in words. The
 * path goes unquoted into the readiness gate's command line (a space would split it) and into Terraform's
 * expressions (`${`, a quote), so it is kept to characters that mean nothing to either.
 */
export function certsDirFormatProblem(dir: string): string | undefined {
  if (CERTS_DIR_PATTERN.test(dir)) return undefined;
  if (dir === "") return "expected a directory relative to the project, got an empty string";
  if (dir.startsWith("/")) return "expected a directory relative to the project, not an absolute path";
  if (dir.includes("..")) return 'expected a path without ".." (the directory must be inside the project)';
  const [bad] = dir.replace(/[A-Za-z0-9._/-]/g, "");
  const got = UNSEEN[bad] ? `${JSON.stringify(bad)} (${UNSEEN[bad]})` : JSON.stringify(bad);
  return `expected only letters, digits, ".", "_", "-" and "/" (the path goes into the readiness gate's shell command and into Terraform expressions), got ${got}`;
}

/**
 * Why `dir` (relative to `root`) may not hold the CA's and the client's private keys, or undefined: a directory
 * other tools delete, the project itself or a package, or one git would commit. A git that cannot answer (a
 * checkout owned by another user) refuses only `whenWriting`, for the command that writes the keys: a synth
 * under another user, as in a CI container, writes none.
 */
export function certsDirProblem(dir: string, root: string = projectRoot, { whenWriting = false }: { readonly whenWriting?: boolean } = {}): string | undefined {
  const deleted = deletedDirectoryProblem(dir);
  if (deleted) return deleted;
  const clean = normalized(dir);
  if (clean === ".") return "expected a directory of its own, not the project directory: its files are committed and shared";
  if (existsSync(join(root, clean, "package.json"))) return "expected a directory of its own, not a package (it holds package.json)";
  const key = JSON.stringify([root, clean, process.env.PATH]);
  if (!gitAnswers.has(key)) gitAnswers.set(key, gitProblem(clean, root));
  const answer = gitAnswers.get(key)!;
  return answer.problem ?? (whenWriting ? answer.unanswered : undefined);
}

/** What git said of a directory: a reason it would commit the keys, or that it could not say. */
interface GitAnswer {
  readonly problem?: string;
  readonly unanswered?: string;
}

/**
 * git's answers, per repository, directory and PATH, for this process: a synth asks once, but the tests and the
 * commands that settle several settings files (review) would otherwise start git twice per check (14 ms). Kept on
 * the global object, so one process has one: jest evaluates this module again for each test file, and its workers
 * run many files in one process and one global object (__tests__/environment.js), which asked git again per file.
 */
const gitAnswers: Map<string, GitAnswer> = ((globalThis as Record<symbol, unknown>)[Symbol.for("soa-platform.gitAnswers")] ??= new Map()) as Map<string, GitAnswer>;

/**
 * Why git would commit a private key written to `dir`, or undefined (also when git or the repository is missing).
 * git failing for another reason is no "no": a checkout owned by another user ("dubious ownership") is a
 * repository all the same, and would commit the keys once its owner runs `git add`.
 */
function gitProblem(dir: string, root: string): GitAnswer {
  // env: the environment as it is now, not as the process started (a test takes git off the PATH).
  // Its messages in English whatever the user's locale: "not a git repository" is read from them.
  const env = gitEnvironment();
  const git = (...args: string[]) => spawnSync("git", ["-C", root, ...args], { encoding: "utf8", timeout: 10_000, env });
  // git keeps its own files there, and neither tracks nor ignores what is put among them.
  if (relative(root, resolve(root, dir)).split(sep)[0] === ".git") return { problem: "expected a directory of its own: .git is where git keeps its own files" };
  const tracked = git("ls-files", "--", dir);
  if ((tracked.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") return {}; // no git
  // Not a repository (a copy of the project, an unpacked release): nothing will be committed from here.
  if (tracked.status !== 0 && /^fatal: not a git repository/m.test(tracked.stderr ?? "")) return {};
  if (tracked.error || tracked.status !== 0) return { unanswered: gitFailed(dir, tracked) };
  if (tracked.stdout.trim() !== "") return { problem: "expected a directory git does not track: the private keys would be committed next to its files" };
  // Exit 0: ignored; 1: not ignored.
  const ignored = git("check-ignore", "-q", "--", `${dir}/ca-key.pem`);
  if (ignored.status === 0) return {};
  if (ignored.status === 1) return { problem: `expected a directory .gitignore matches (as certs/): git would commit ${dir}/ca-key.pem, the CA's private key` };
  // git stores a symbolic link, never what it leads to: the directory it leads to is checked where it is.
  if (/is beyond a symbolic link/.test(ignored.stderr ?? "")) return {};
  return { unanswered: gitFailed(dir, ignored) };
}

/** One line for a git that could not answer: git's own first line, and what to do about it. */
function gitFailed(dir: string, result: SpawnSyncReturns<string>): string {
  const error = result.error as NodeJS.ErrnoException | undefined;
  const stderr = result.stderr ?? "";
  let said = stderr.trim().split("\n")[0] || `exit ${result.status}`;
  if (error) said = error.code === "ETIMEDOUT" ? "no answer within 10 s" : error.message;
  // git names the repository and the command that trusts it; the user may rather run as the owner.
  const trust = /git config --global --add safe\.directory .+/.exec(stderr)?.[0].trim();
  const owner = / in repository at '(.+)'/.exec(said)?.[1] ?? "the checkout";
  const fix = trust ? `run this as the owner of ${owner}, or trust it with \`${trust}\`` : "fix what git reports and run this again";
  return `git could not say whether it would commit the private keys in ${dir} (${JSON.stringify(said)}): ${fix}`;
}
