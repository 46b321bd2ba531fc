// Each script is bundled with everything it imports, so one bundle holds several modules that can be run as
// commands. Only the one the process was started for may run (startedAs), never the ones it imports.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot, startedAs } from "../../settings/paths";

const run = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [join(projectRoot, "dist", ...script.split("/")), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });

test("terraform-checks runs its own command only, not the certificate generator it imports", () => {
  const result = run("commands/terraform-checks.js", ["bogus"]);
  expect(result.stderr).toMatch(/^usage: terraform-checks validate\|test/);
  expect(result.stderr).not.toMatch(/ERR_PARSE_ARGS|wrote /);
  expect(result.status).toBe(2);
});

test("certs runs the generator only, and the app it shares settings with does not synthesize", () => {
  const dir = mkdtempSync(join(tmpdir(), "entry-"));
  const result = run("commands/certs.js", [`--out=${join(dir, "certs")}`], { INFRA_CONFIG: "", CDKTF_OUTDIR: join(dir, "out") });
  expect(result.status).toBe(0);
  expect(readdirSync(join(dir, "certs")).sort()).toEqual(["ca-key.pem", "ca.pem", "cert.pem", "key.pem", "server-key.pem", "server.pem"]);
  expect(existsSync(join(dir, "out"))).toBe(false);
});

test("the gate script without a host prints its usage", () => {
  const result = run("deploy/wait-for-docker.js", []);
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/^usage: wait-for-docker --host=NAME/);
});

test("startedAs matches the entry point's name, whatever its extension", () => {
  const argv = process.argv;
  try {
    process.argv = [argv[0], "/x/dist/commands/certs.js"];
    expect(startedAs("certs")).toBe(true);
    expect(startedAs("main")).toBe(false);
    process.argv = [argv[0], "/x/main.ts"];
    expect(startedAs("main")).toBe(true);
  } finally {
    process.argv = argv;
  }
});
