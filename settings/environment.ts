// The environment variables cdktf's App reads, checked as settings are: a bad one is named with what was expected,
// before anything is written, instead of failing deep inside cdktf with a trace.
import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { SettingsError, type SettingsProblem, showValue } from "./errors";
import { isPlainObject } from "./json-file";

/** Variables the app reads besides INFRA_CONFIG: where to write, and cdktf's context. */
export const OUTDIR_ENV = "CDKTF_OUTDIR";
export const CONTEXT_ENV = "CDKTF_CONTEXT_JSON";

/**
 * What is wrong with the environment cdktf's App will read; empty when it will do. `variables`: those the caller
 * reads (an App given its own output directory reads only the context), all of them when left out.
 */
export function environmentProblems(env: NodeJS.ProcessEnv, variables: readonly string[] = [OUTDIR_ENV, CONTEXT_ENV]): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const report = (name: string, value: string, expected: string) =>
    problems.push({ file: `environment variable ${name}`, path: "", value: showValue(value), expected });

  const outdir = variables.includes(OUTDIR_ENV) ? env[OUTDIR_ENV] : undefined;
  if (outdir !== undefined && outdir !== "") {
    const problem = outdirProblem(resolve(outdir));
    if (problem) report(OUTDIR_ENV, outdir, `${problem}; expected a directory this user can write, or a new one in such a directory`);
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

/** environmentProblems as a message for a command to print after its name, a line for each; undefined when none. */
export function environmentMessage(env: NodeJS.ProcessEnv, variables?: readonly string[]): string | undefined {
  const problems = environmentProblems(env, variables);
  return problems.length > 0 ? new SettingsError(problems).message : undefined;
}

/** Why `dir` cannot be the output directory (cdktf makes it, but not its parents), or undefined. */
function outdirProblem(dir: string): string | undefined {
  const kind = (path: string) => {
    try {
      return statSync(path).isDirectory() ? "directory" : "file";
    } catch {
      return undefined;
    }
  };
  const writable = (path: string) => {
    try {
      accessSync(path, constants.W_OK | constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const here = kind(dir);
  if (here === "file") return "names a file, not a directory";
  if (here === "directory") return writable(dir) ? undefined : "is a directory this user cannot write";
  const parent = kind(dirname(dir));
  if (parent === undefined) return `its parent ${dirname(dir)} does not exist`;
  if (parent === "file") return `its parent ${dirname(dir)} is a file`;
  return writable(dirname(dir)) ? undefined : `its parent ${dirname(dir)} is a directory this user cannot write`;
}
