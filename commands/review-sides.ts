// The two sides `npm run review` compares, and what each is synthesized from. The head is the working tree with
// the INFRA_CONFIG file as it is now. The base is the base ref's tree with the settings file named by
// --base-settings; without it, with the INFRA_CONFIG file as committed at the base ref when that file is in the
// repository and tracked there, and otherwise with the same working-tree file. Without INFRA_CONFIG, the head
// uses the built-in defaults. Each side gets an absolute path: neither depends on how its code resolves a relative
// one, and an uncommitted file is read once, here.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { escapeInvisible } from "../settings/errors";
import { isPlainObject, readJsonFile } from "../settings/json-file";
import { CONFIG_ENV, configFileOf } from "../settings/config-file";
import { isWithin, projectRoot, userPath } from "../settings/paths";
import { UsageError, UserError } from "./cli";

/** The settings one side is synthesized with. */
export interface SideSettings {
  /** The absolute path to give the app as INFRA_CONFIG; undefined for the built-in defaults. */
  readonly file?: string;
  /** How the output names it. */
  readonly shown: string;
}

export interface ReviewSettings {
  readonly base: SideSettings;
  readonly head: SideSettings;
  /** One line for the output: which settings each side used. */
  readonly summary: string;
}

/** Runs git in the project; says plainly when there is no git or no repository, for every caller. */
function git(args: string[], cwd = projectRoot): { status: number; stdout: string; stderr: string; out: Buffer } {
  const result = spawnSync("git", args, { cwd, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new UserError(`needs a git checkout to compare with, and ${missing ? "git is not installed (not found on PATH)" : `git could not run: ${result.error.message}`}`);
  }
  const stderr = result.stderr.toString().trim();
  if (result.status !== 0 && /not a git repository/i.test(stderr)) {
    throw new UserError(`needs a git checkout to compare with: ${projectRoot} is not in a git repository`);
  }
  return { status: result.status ?? 1, stdout: result.stdout.toString().trim(), stderr, out: result.stdout };
}

/** The top directory of the repository the project is in. */
export function repositoryTop(): string {
  const top = git(["rev-parse", "--show-toplevel"]);
  if (top.status !== 0) throw new UserError(`needs a git checkout to compare with; git failed in ${projectRoot}: ${top.stderr.split("\n")[0]}`);
  return top.stdout;
}

/** The commit to compare with: the given ref, or the merge base of HEAD with main (or origin/main). */
export function baseCommit(given?: string): string {
  if (given !== undefined) {
    // A leading "-" would be read as an option of rev-parse.
    const commit = given.startsWith("-") ? undefined : git(["rev-parse", "--verify", "--quiet", `${given}^{commit}`]);
    // The argument is wrong, not the checkout (git() has said so already when there is none): a bad command line.
    if (!commit || commit.status !== 0) throw new UsageError(`base ref ${escapeInvisible(JSON.stringify(given))} is not a commit in this repository`);
    return commit.stdout;
  }
  for (const main of ["main", "origin/main"]) {
    const base = git(["merge-base", "HEAD", main]);
    if (base.status === 0) return base.stdout;
  }
  throw new UserError("no base ref given, and HEAD has no merge base with main or origin/main: pass one, e.g. npm run review -- HEAD~1");
}

/** The base ref's files of the project into `dir`, as committed; a base without the project is the user's error. */
export function extractTree(commit: string, dir: string): void {
  const short = commit.slice(0, 12);
  // `<commit>:./` is the project's directory at that commit, as git archive below takes it from where it runs.
  if (git(["cat-file", "-e", `${commit}:./cdktf.json`]).status !== 0) {
    throw new UserError(`the base ${short} has no project at ${projectRoot} (no cdktf.json there): compare with a commit that has it, e.g. npm run review -- <ref>`);
  }
  mkdirSync(dir, { recursive: true });
  const archive = git(["archive", "--format=tar", commit]);
  if (archive.status !== 0) throw new UserError(`git archive of the base ${short} failed: ${archive.stderr.split("\n")[0]}`);
  const tar = spawnSync("tar", ["-x", "-C", dir], { input: archive.out });
  if (tar.status !== 0) throw new UserError(`tar could not unpack the base ${short}: ${(tar.stderr?.toString() || tar.error?.message || "").split("\n")[0]}`);
}

/** A working-tree settings file the user named, checked to be a readable JSON file. */
function userFile(given: string, what: string, env: NodeJS.ProcessEnv): string {
  const path = userPath(given, env);
  const label = path === given ? `${what} ${given}` : `${what} ${given} (${path})`;
  const read = readJsonFile(path, label);
  if (!read.ok) throw new UserError(escapeInvisible(`${read.problem.file}: ${read.problem.expected}`));
  return path;
}

/** `path` inside the repository at `top`, as a git path; undefined when it is outside. */
function repositoryPath(top: string, path: string): string | undefined {
  const rel = relative(realpathSync(top), realpathSync(path));
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? undefined : rel.split(sep).join("/");
}

/**
 * The settings of each side (see the top of this file). A file committed at the base is written into `work`.
 * `baseSettings` is the --base-settings value.
 */
export function reviewSettings(opts: { commit: string; top: string; work: string; baseSettings?: string; env?: NodeJS.ProcessEnv }): ReviewSettings {
  const env = opts.env ?? process.env;
  const short = opts.commit.slice(0, 12);
  const given = configFileOf(env);
  const headPath = given === undefined ? undefined : userFile(given, `${CONFIG_ENV} file`, env);
  const shown = (path: string) => repositoryPath(opts.top, path) ?? path;
  const head: SideSettings = headPath ? { file: headPath, shown: `${shown(headPath)} (working tree)` } : { shown: `built-in defaults (${CONFIG_ENV} not set)` };
  if (opts.baseSettings !== undefined) {
    const path = userFile(opts.baseSettings, "--base-settings file", env);
    const base = { file: path, shown: `${shown(path)} (working tree, --base-settings)` };
    return { base, head, summary: `settings: base = ${base.shown}, head = ${head.shown}` };
  }
  if (!headPath) return { base: head, head, summary: `settings: built-in defaults on both sides (${CONFIG_ENV} not set)` };
  const inRepository = repositoryPath(opts.top, headPath);
  const committed = inRepository === undefined ? undefined : git(["cat-file", "blob", `${opts.commit}:${inRepository}`], opts.top);
  if (committed && committed.status === 0) {
    const file = join(opts.work, "base-settings", basename(headPath));
    mkdirSync(join(opts.work, "base-settings"), { recursive: true });
    writeFileSync(file, committed.out);
    return { base: { file, shown: `${inRepository} at ${short}` }, head, summary: `settings: base = ${inRepository} at ${short}, head = ${head.shown}` };
  }
  const why = inRepository === undefined ? "outside the repository" : `not tracked at ${short}`;
  return { base: head, head, summary: `settings: base = head = ${shown(headPath)} (working tree; ${why})` };
}

/**
 * The base's settings with each services.<name>.taskDefinition that names a file of the project made relative to
 * the project (as the app reads a relative one), so that the base reads that file as committed there. Written as it
 * is, an absolute path (or one out and back in through `..`) names the working tree's file on both sides, and a
 * change to it would not show; a file that exists only at the base is found there all the same. A file the base
 * lacks (new, or not committed yet), and one outside the project, are read as they are now on both sides: the notes
 * say so. `tree` is the base's project, as extracted; `short` names the base.
 */
export function baseTaskDefinitions(side: SideSettings, work: string, tree: string, short: string): { side: SideSettings; notes: string[] } {
  if (!side.file) return { side, notes: [] };
  // Read as the app reads it (a byte order mark, say); one it cannot read, it names.
  const read = readJsonFile(side.file);
  if (!read.ok) return { side, notes: [] };
  const settings = read.value;
  const services = isPlainObject(settings) ? settings.services : undefined;
  if (!isPlainObject(services)) return { side, notes: [] };
  const project = realpathSync(projectRoot);
  const notes: string[] = [];
  let rewritten = false;
  for (const [name, service] of Object.entries(services)) {
    const file = isPlainObject(service) ? service.taskDefinition : undefined;
    if (typeof file !== "string" || file === "") continue;
    const path = resolve(projectRoot, file);
    const now = existsSync(path);
    // Through links where it exists now; as written where it does not (it may exist at the base alone).
    const real = now ? realpathSync(path) : path;
    const within = (now ? [project] : [projectRoot, project]).find((dir) => isWithin(dir, real));
    const fromProject = within === undefined ? undefined : relative(within, real);
    if (fromProject === undefined) {
      if (now) notes.push(`services.${name}.taskDefinition ${file} is outside the project: both sides read it as it is now`);
      continue; // one that is nowhere, the app names
    }
    let wanted = fromProject.split(sep).join("/");
    if (!existsSync(join(tree, fromProject)) && now) {
      notes.push(`services.${name}.taskDefinition ${file} is not in the base (${short}): both sides read it as it is now`);
      wanted = realpathSync(path);
    }
    if (wanted !== file) {
      (service as Record<string, unknown>).taskDefinition = wanted;
      rewritten = true;
    }
  }
  if (!rewritten) return { side, notes };
  const file = join(work, "base-settings", "with-task-definitions-of-the-base.json");
  mkdirSync(join(work, "base-settings"), { recursive: true });
  writeFileSync(file, JSON.stringify(settings));
  return { side: { file, shown: side.shown }, notes };
}
