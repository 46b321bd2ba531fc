import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** The directory holding cdktf.json, found from this file so it works from sources and from compiled output alike. */
export const projectRoot: string = (() => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "cdktf.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no cdktf.json above ${__dirname}`);
  }
})();

/**
 * Whether this process was started to run the entry point `name` (dist/<…>/<name>.js, or <name>.ts). Each entry
 * point is bundled with everything it imports, and bundled modules share one `module`, so `require.main ===
 * module` would be true in every one of them.
 */
export function startedAs(name: string): boolean {
  const script = process.argv[1];
  return script !== undefined && basename(script).replace(/\.[cm]?[jt]s$/, "") === name;
}
