// The compiled app (dist/main.js) as a process: a settings error is its exit code and its stderr.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../settings/paths";

const dir = mkdtempSync(join(tmpdir(), "soa-main-"));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

test("the compiled entry point exits non-zero with the message on stderr (npm run test:commands compiles it first)", () => {
  const out = join(dir, "out");
  const result = spawnSync(process.execPath, [join(projectRoot, "dist", "main.js")], {
    env: { ...process.env, INFRA_CONFIG: file("bad.json", JSON.stringify({ region: 7 })), CDKTF_OUTDIR: out },
    encoding: "utf8",
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/bad\.json: region = 7: expected a string/);
  expect(existsSync(out)).toBe(false);
});
