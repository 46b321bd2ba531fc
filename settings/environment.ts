// The environment variables cdktf's App reads, checked as settings are: a bad one is named with what was expected,
// before anything is written, instead of failing deep inside cdktf with a trace.
import { accessSync, constants, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type SettingsProblem, showValue } from "./errors";
import { isPlainObject } from "./json-file";

/** Variables the app reads besides INFRA_CONFIG: where to write, and cdktf's context. */
export const OUTDIR_ENV = "CDKTF_OUTDIR";
export const CONTEXT_ENV = "CDKTF_CONTEXT_JSON";

/** What is wrong with the environment cdktf's App will read; empty when it will do. */
export function environmentProblems(env: NodeJS.ProcessEnv): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const report = (name: string, value: string, expected: string) =>
    problems.push({ file: `environment variable ${name}`, path: "", value: showValue(value), expected });

  const outdir = env[OUTDIR_ENV];
  if (outdir !== undefined && outdir !== "") {
    const problem = outdirProblem(resolve(outdir));
    if (problem) report(OUTDIR_ENV, outdir, `${problem}; expected a directory this user can write, or a new one in such a directory`);
  }
  const context = env[CONTEXT_ENV];
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

/** Why `dir` cannot be the output directory (cdktf makes it, but not its parents), or undefined. */
export function outdirProblem(dir: string): string | undefined {
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
  if (here === "directory") {
    if (!writable(dir)) return "is a directory this user cannot write";
    // Both cdktf and the app read or make stacks/<stack> in it, and fail on ENOTDIR with a trace.
    return kind(join(dir, "stacks")) === "file" ? "holds a file named stacks, where cdktf writes a directory for each stack" : undefined;
  }
  const parent = kind(dirname(dir));
  if (parent === undefined) return `its parent ${dirname(dir)} does not exist`;
  if (parent === "file") return `its parent ${dirname(dir)} is a file`;
  return writable(dirname(dir)) ? undefined : `its parent ${dirname(dir)} is a directory this user cannot write`;
}
