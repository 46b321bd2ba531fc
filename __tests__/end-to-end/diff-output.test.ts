// The first offline `npm run diff` reaches the plan, and `npm run output` before any deploy says the stack has not
// been deployed: the cdktf wrapper with the real cdktf CLI and Terraform, offline from the provider mirror.
import { cpSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../settings/paths";
import { run, workspace } from "./workspace";

describe("npm run diff and npm run output, offline", () => {
  const certsDir = `certs/commands-test-${process.pid}`;
  let root = "";
  let settings = "";
  beforeAll(async () => {
    root = await workspace();
    // The stacks, outside the project, read the certificates three levels above their own directories; the wrapper
    // checks them there.
    settings = join(root, "settings.json");
    writeFileSync(settings, JSON.stringify({ dockerHost: { certsDir } }));
    for (const base of ["diff", "output"]) cpSync(join(root, "certs"), join(root, base, certsDir), { recursive: true });
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test("the first diff reaches the plan: terraform providers lock, which needs a registry, is skipped", () => {
    const out = join(root, "diff", "cdktf.out");
    const result = run(process.execPath, [join(projectRoot, "dist", "commands", "cdktf.js"), "diff", "aws", "--no-color", `--output=${out}`], {
      INFRA_CONFIG: settings,
    });
    expect(result.output).toMatch(/providers: provider mirror/);
    expect(existsSync(join(out, "stacks", "aws", ".terraform.lock.hcl"))).toBe(true);
    // Without credentials the plan stops where the AWS provider is configured: past init and the lock.
    expect(result.output).toMatch(/No valid credential sources found/);
    expect(result.output).not.toMatch(/Error:.*(lock|Failed to query available provider packages)/i);
  });

  test("output before any deploy exits 1 and says the stack has not been deployed", () => {
    const out = join(root, "output", "cdktf.out");
    const result = run(process.execPath, [join(projectRoot, "dist", "commands", "cdktf.js"), "output", "aws", "--no-color", `--output=${out}`], {
      INFRA_CONFIG: settings,
    });
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/npm run output: no outputs for aws: not deployed yet \(npm run deploy -- aws\)/);
  });
});
