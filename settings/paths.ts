import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** The directory holding cdktf.json, found from this file so it works from sources and from compiled output alike. */
export const projectRoot: string = (() => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "cdktf.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no cdktf.json above ${__dirname}`);
  }
})();
