// The environment variables cdktf's App reads, checked as settings are: a bad one is named with what was expected,
// before anything is written, instead of failing deep inside cdktf with a trace.
import { accessSync, constants, lstatSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { SettingsError, type SettingsProblem, invisibleCharacters, showValue } from "./errors";
import { isPlainObject } from "./json-file";
import { isWithin, projectRoot, realPath } from "./paths";

/** Variables the app reads besides INFRA_CONFIG: where to write, and cdktf's context. */
export const OUTDIR_ENV = "CDKTF_OUTDIR";
export const CONTEXT_ENV = "CDKTF_CONTEXT_JSON";
/** HCL (true, 1) or JSON: the cdktf CLI, and `npm run synth` with it, read any other value as JSON. */
export const HCL_ENV = "SYNTH_HCL_OUTPUT";
/** The values of HCL_ENV that say what they mean to cdktf, unset as "" (commands/synth.js, plain JavaScript, keeps a copy). */
const HCL_ENV_VALUES = ["", "true", "1", "false", "0"];
/**
 * Set by `npm run synth` when the output directory came from its --output option, which it hands to the app as
 * CDKTF_OUTDIR: a problem with it is then named as the option the user typed.
 */
export const OUTDIR_OPTION_ENV = "SOA_OUTDIR_OPTION";
/** The command that sets OUTDIR_OPTION_ENV, as its messages name it. */
export const SYNTH_COMMAND = "npm run synth";

/**
 * What is wrong with the environment cdktf's App will read; empty when it will do. `variables`: those the caller
 * reads (an App given its own output directory reads only the context), all of them when left out. `base`: where a
 * relative CDKTF_OUTDIR is (the app's working directory; for a command a user typed, where they typed it).
 */
export function environmentProblems(
  env: NodeJS.ProcessEnv,
  variables: readonly string[] = [OUTDIR_ENV, CONTEXT_ENV, HCL_ENV],
  base: string = process.cwd(),
): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const report = (name: string, value: string, expected: string) =>
    problems.push({ file: `environment variable ${name}`, path: "", value: showValue(value), expected });

  const outdir = variables.includes(OUTDIR_ENV) ? env[OUTDIR_ENV] : undefined;
  if (outdir !== undefined && outdir !== "") {
    const problem = outdirProblem(outdir, base);
    if (problem) {
      const expected = `${problem}; expected a directory of its own (cdktf.out, or a new one) that this user can write`;
      problems.push(outdirProblemAs(outdir, expected, env));
    }
  }
  const hcl = variables.includes(HCL_ENV) ? env[HCL_ENV] : undefined;
  // A typo (`yes`, `TRUE`) would silently write JSON where HCL was asked for.
  if (hcl !== undefined && !HCL_ENV_VALUES.includes(hcl)) {
    report(HCL_ENV, hcl, "expected true or 1 (write HCL, as cdktf synth --hcl does) or false or 0 (JSON): cdktf reads any other value as JSON");
  }
  const context = variables.includes(CONTEXT_ENV) ? env[CONTEXT_ENV] : undefined;
  if (context !== undefined && context !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(context);
    } catch (error) {
      report(CONTEXT_ENV, context, `not valid JSON (${(error as Error).message.split("\n")[0]}); expected a JSON object of context values`);
      return problems;
    }
    if (!isPlainObject(parsed)) report(CONTEXT_ENV, context, "expected a JSON object of context values");
  }
  return problems;
}

/** A problem with the output directory, named as what gave it: npm run synth's option, the variable, or the default. */
export function outdirProblemAs(outdir: string, expected: string, env: NodeJS.ProcessEnv): SettingsProblem {
  const file = env[OUTDIR_OPTION_ENV] || (env[OUTDIR_ENV] ? `environment variable ${OUTDIR_ENV}` : "the output directory");
  return { file, path: "", value: showValue(outdir), expected };
}

/** environmentProblems as a message for a command to print after its name, a line for each; undefined when none. */
export function environmentMessage(env: NodeJS.ProcessEnv, variables?: readonly string[], base?: string): string | undefined {
  const problems = environmentProblems(env, variables, base);
  return problems.length > 0 ? new SettingsError(problems).message : undefined;
}

/** What a synthesis writes at the top of an output directory (and `npm run graph` its picture). */
const OUTPUT_ENTRIES = new Set(["manifest.json", "stacks", "stacks.svg"]);

/**
 * Why the existing directory `dir` is not one to synthesize into, or undefined: it must be empty or hold what an
 * earlier synthesis wrote. Synthesis replaces manifest.json and writes stacks/ beside whatever else is there, so a
 * directory of other files (sources, the certificates, /proc) would gain them, or lose its own manifest.json.
 */
function foreignContentProblem(dir: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (error) {
    return `cannot be listed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  // Hidden files (.gitignore, .DS_Store) and a mounted volume's lost+found are the directory's, not a project's.
  const others = entries.filter((e) => !OUTPUT_ENTRIES.has(e) && !e.startsWith(".") && e !== "lost+found");
  if (others.length > 0 && !entries.includes("manifest.json") && !entries.includes("stacks")) {
    const shown = others.slice(0, 3).join(", ") + (others.length > 3 ? `, and ${others.length - 3} more` : "");
    return `holds files no synthesis wrote (${shown}), among which synthesis would write its own`;
  }
  if (entries.includes("manifest.json")) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    } catch {
      // Cut short (an interrupted synthesis), or not JSON at all: synthesis writes it whole again.
      return undefined;
    }
    const ours = typeof manifest === "object" && manifest !== null && "version" in manifest && "stacks" in manifest;
    if (!ours) return "holds a manifest.json that is not cdktf's (no version and stacks in it), which synthesis would replace";
  }
  return undefined;
}

/**
 * Why `path` cannot be the output directory (cdktf makes it, but not its parents), or undefined. Synthesis writes
 * manifest.json and stacks/<stack>/ there and removes stack directories it no longer makes, so the project itself
 * (or a directory above it) is refused, as are a directory whose `stacks` is not a directory and one that holds
 * files no synthesis wrote.
 */
export function outdirProblem(path: string, base: string = process.cwd()): string | undefined {
  if (path.trim() !== path || invisibleCharacters(path).length > 0) return "has leading or trailing spaces, or control characters";
  const dir = resolve(base, path);
  const kind = (p: string): "directory" | "file" | "missing" | "dangling link" | string => {
    try {
      return statSync(p).isDirectory() ? "directory" : "file";
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a file on the way to it, which the parent's check names.
      if (code !== "ENOENT" && code !== "ENOTDIR") return `cannot be used (${code})`;
      try {
        return lstatSync(p).isSymbolicLink() ? "dangling link" : "missing";
      } catch {
        return "missing";
      }
    }
  };
  const writable = (p: string) => {
    try {
      accessSync(p, constants.W_OK | constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  // Through links as the system follows them: a link to the project is the project.
  const real = realPath(dir);
  const project = realPath(projectRoot);
  if (isWithin(dir, projectRoot) || isWithin(real, project)) {
    const isProject = dir === projectRoot || real === project;
    return `${isProject ? "is the project directory, which holds the sources" : "is a directory above the project"}${real !== dir ? ` (through a link: ${real})` : ""}`;
  }
  // git's own directory: a synthesis there is lost to git and can break the repository.
  const gitDir = join(project, ".git");
  if (isWithin(gitDir, real) || isWithin(gitDir, dir)) return "is inside the repository's .git directory, which is git's own";
  const here = kind(dir);
  if (here === "file") return "names a file, not a directory";
  if (here === "dangling link") return "is a symbolic link to nothing";
  if (here === "directory") {
    // Both cdktf and the app read or make stacks/<stack> in it, and fail on ENOTDIR with a trace.
    const stacks = kind(join(dir, "stacks"));
    if (stacks === "file") return "holds a file named stacks, where cdktf writes a directory for each stack";
    if (stacks !== "directory" && stacks !== "missing") {
      return `its stacks ${stacks === "dangling link" ? "is a symbolic link to nothing" : stacks}, where cdktf writes a directory for each stack`;
    }
    if (!writable(dir)) return "is a directory this user cannot write";
    return foreignContentProblem(dir);
  }
  if (here !== "missing") return here;
  const parent = kind(dirname(dir));
  if (parent === "missing" || parent === "dangling link") return `its parent ${dirname(dir)} does not exist`;
  if (parent === "file") return `its parent ${dirname(dir)} is a file`;
  if (parent !== "directory") return `its parent ${dirname(dir)} ${parent}`;
  if (!writable(dirname(dir))) return `its parent ${dirname(dir)} is a directory this user cannot write`;
  // Made and removed again: a kernel's directory (/proc, /sys) passes the checks above and still refuses it. One
  // that appears meanwhile (EEXIST), or fills (ENOTEMPTY), was made by someone else: synthesis checks it again.
  try {
    mkdirSync(dir);
    rmdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EEXIST" && code !== "ENOTEMPTY") return `cannot be made there (${code ?? (error as Error).message})`;
  }
  return undefined;
}

/**
 * Why `outdir` may not be the output directory of settings whose certificates are in `certsDir` (relative to the
 * project), or undefined: the CA's private key is there, and synthesis would write its files beside it. Compared
 * without case where the file system ignores it (macOS, Windows), as `Certs` is `certs` there.
 */
export function outdirCertsProblem(outdir: string, certsDir: string): string | undefined {
  const fold = (p: string) => (process.platform === "darwin" || process.platform === "win32" ? p.toLowerCase() : p);
  // Links followed: a link to the certificates' directory is that directory.
  if (!isWithin(fold(realPath(resolve(projectRoot, certsDir))), fold(realPath(outdir)))) return undefined;
  return `is the certificates' directory (dockerHost.certsDir = ${certsDir}), which holds the private keys`;
}

/**
 * Why the stacks in an output directory outside the project may not take `dir` (the directory that holds it) for
 * the project, or undefined: they read the certificates from it and keep the local state in it, so another user
 * who can write there could plant a CA the Docker host would trust, or read the state. Not checked where there are
 * no user ids (Windows).
 */
export function sharedDirectoryProblem(dir: string): string | undefined {
  if (typeof process.getuid !== "function") return undefined;
  let stats;
  try {
    stats = statSync(dir);
  } catch {
    return undefined; // made by the synthesis that follows, by this user
  }
  if (stats.uid !== process.getuid()) return `is owned by another user (uid ${stats.uid})`;
  if ((stats.mode & 0o022) !== 0) return `is writable by other users (mode ${(stats.mode & 0o7777).toString(8)})`;
  return undefined;
}