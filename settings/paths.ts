import { type Stats, existsSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** The directory holding cdktf.json, found from this file so it works from sources and from compiled output alike. */
export const projectRoot: string = (() => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "cdktf.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no cdktf.json above ${__dirname}`);
  }
})();

/** The readiness gate the aws stack runs at deploy (`npm run compile` builds it), from the project. */
export const READINESS_GATE = "dist/deploy/wait-for-docker.js";

/**
 * Whether this process was started to run the entry point `name` (dist/<…>/<name>.js, or <name>.ts). Each entry
 * point is bundled with everything it imports, and bundled modules share one `module`, so `require.main ===
 * module` would be true in every one of them.
 */
export function startedAs(name: string): boolean {
  const script = process.argv[1];
  // `npm run compile` writes each program as <name>.bundle.js, run by <name>.js; either may be the script.
  return script !== undefined && basename(script).replace(/(\.bundle)?\.[cm]?[jt]s$/, "") === name;
}

/**
 * The directory the user typed the command in. npm runs scripts in the project root and says where it was started
 * in INIT_CWD; a relative path the user gives (INFRA_CONFIG, --out) means a path from there.
 */
export function invocationDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.INIT_CWD || process.cwd();
}

/** A path the user gave, resolved from where they typed the command. */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(invocationDir(env), path);
}

/**
 * `path` with every symbolic link on its way followed, as the system follows them (a stack's `../../..` is the
 * real parent's); for a path that does not exist yet, its nearest existing directory's real path and the rest.
 */
export function realPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(realPath(parent), basename(absolute));
  }
}

/** Whether `path` is `dir` or inside it (a name such as `..notes` inside it is inside; another drive is not). */
export function isWithin(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * The project as seen from a stack's directory: cdktf runs Terraform in <outdir>/stacks/<stack>, and paths to the
 * project (state, certificates) start from there. From an output directory outside the project the stacks use the
 * default layout's path, three levels up, rather than spell out this machine's directories: they then read the
 * certificates and keep the local state in the directory that holds the output directory (stacksProjectDir).
 */
export function projectDirFromStacks(outdir: string): string {
  // Terraform runs in the stack's real directory: a linked output directory's `..` is its target's parent.
  const real = realPath(outdir);
  const fromStack = relative(join(real, "stacks", "any"), projectRoot);
  return isWithin(projectRoot, real) ? fromStack.split(sep).join("/") : "../../..";
}

/** The directory the stacks in `outdir` take for the project, as projectDirFromStacks leads them to it. */
export function stacksProjectDir(outdir: string): string {
  const real = realPath(outdir);
  return isWithin(projectRoot, real) ? projectRoot : dirname(real);
}

/** What a path holds, for a message: "a file", "a directory", "a named pipe (FIFO)", … */
export function kindOf(stats: Stats): string {
  if (stats.isFile()) return "a file";
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a named pipe (FIFO)";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  return "not a file";
}

/** The environment to run git in when its words are read: English whatever the user's locale. */
export function gitEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, LC_ALL: "C", LANGUAGE: undefined };
}
