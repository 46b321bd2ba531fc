// npm run bench through its real entry point: what stops it before it copies the project or times anything.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../../settings/paths";

test("a CDKTF_CONTEXT_JSON the app would refuse stops it in one line, exit 1, before any copy is made", () => {
  const tmp = mkdtempSync(join(tmpdir(), "bench-tmp-"));
  const benchDirExisted = existsSync(join(projectRoot, ".bench"));
  const result = spawnSync(process.execPath, [join(projectRoot, "dist", "maintainer", "bench.js"), "--runs=1", "--synth-runs=1", "--template-runs=1"], {
    cwd: projectRoot,
    env: { ...process.env, CDKTF_CONTEXT_JSON: "{bad", TMPDIR: tmp },
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(result.stderr).toMatch(/^npm run bench: environment variable CDKTF_CONTEXT_JSON = "\{bad": not valid JSON \([^)\n]*\); expected a JSON object of context values\n$/);
  expect(result.stdout).toBe("");
  expect(result.status).toBe(1);
  expect(readdirSync(tmp)).toEqual([]);
  expect(existsSync(join(projectRoot, ".bench"))).toBe(benchDirExisted);
});
