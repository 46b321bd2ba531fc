// Directories other tools delete (node_modules) or publish (whatever git does not ignore), for the state or the
// certificates, through the real entry point (commands/synth.js): exit 1, the field and the rule, nothing written.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSynth } from "../helpers";

const work = mkdtempSync(join(tmpdir(), "paths-checks-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const NODE_MODULES = "expected a directory outside node_modules: npm ci removes everything in node_modules before it installs";
const NOT_IGNORED = (dir: string) => `expected a directory .gitignore matches (as certs/): git would commit ${dir}/ca-key.pem, the CA's private key`;

describe("through the real entry point", () => {
  let n = 0;
  test.each([
    [{ state: { localDir: "node_modules/state" } }, `state.localDir = "node_modules/state": ${NODE_MODULES}`],
    [{ dockerHost: { certsDir: "keys" } }, `dockerHost.certsDir = "keys": ${NOT_IGNORED("keys")}`],
  ])("%j exits 1, names the field, writes nothing", (overlay, line) => {
    const out = join(work, String(n++));
    const config = `${out}.json`;
    writeFileSync(config, JSON.stringify(overlay));
    const result = runSynth(config, out);
    const lines = result.lines;
    expect(lines[0]).toBe("Invalid settings, nothing was synthesized:");
    expect(lines).toContain(`INFRA_CONFIG file ${config}: ${line}`);
    expect(result.status).toBe(1);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
