// The commands end to end, with the real cdktf CLI and Terraform, offline from the provider mirror: what
// `npm run synth` writes is what `npx cdktf synth` writes; docs/cdktf.md's exit recipe works as written; the first
// offline `diff` reaches the plan; `output` before any deploy says so. Each workspace is laid out like the project
// (cdktf.out/stacks/<stack> three levels below certs/ and terraform-state/), in a temporary directory.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { dockerHostCertificateNames } from "../../constructs/docker-tls";
import { projectRoot } from "../../settings/paths";
import { ensureCertificates } from "../../commands/certs";
import { findMirrors } from "../../commands/provider-mirror";

const mirrors = findMirrors();
/** The mirror, named, so no run depends on whether the registry's name happens to resolve. */
const offline: NodeJS.ProcessEnv = {
  TF_PROVIDER_MIRROR: mirrors.map((m) => m.path).join(":"),
  TF_CLI_CONFIG_FILE: "",
  CHECKPOINT_DISABLE: "1",
  AWS_EC2_METADATA_DISABLED: "true",
  INFRA_CONFIG: "",
};

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = projectRoot) {
  const result = spawnSync(command, args, { cwd, env: { ...process.env, INIT_CWD: cwd, ...offline, ...env }, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Every file below `dir`, by path, with its content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out[relative(dir, join(d, e.name))] = readFileSync(join(d, e.name), "utf8");
    }
  };
  walk(dir);
  return out;
}

async function workspace(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "commands-"));
  await ensureCertificates({ dir: join(root, "certs"), serverNames: dockerHostCertificateNames("us-west-1") });
  return root;
}

const cdktf = join(projectRoot, "node_modules", ".bin", "cdktf");
const synth = join(projectRoot, "commands", "synth.js");

test("a provider mirror is on this machine (the tests below run offline from it)", () => {
  expect(mirrors.map((m) => m.providers).flat()).toContain("registry.terraform.io/hashicorp/aws");
});

test.each([[[]], [["--hcl"]]])("npm run synth %j writes byte for byte what npx cdktf synth writes", async (flags) => {
  const root = await workspace();
  const ours = run(process.execPath, [synth, ...flags, "--output", join(root, "ours")]);
  const theirs = run(cdktf, ["synth", ...flags, "--output", join(root, "theirs")]);
  expect(ours.status).toBe(0);
  expect(theirs.status).toBe(0);
  const a = tree(join(root, "ours"));
  expect(Object.keys(a).length).toBeGreaterThan(4);
  expect(a).toEqual(tree(join(root, "theirs")));
  rmSync(root, { recursive: true, force: true });
});

describe("the exit recipe: JSON, then cdktf synth --hcl in the same place, then plain Terraform", () => {
  const terraform = (args: string[], cwd: string) => run("terraform", args, { TF_CLI_CONFIG_FILE: cliConfig }, cwd);
  let cliConfig = "";
  let root = "";
  beforeAll(async () => {
    root = await workspace();
    cliConfig = join(root, "terraform.rc");
    const lines = ["provider_installation {", ...mirrors.map((m) => `  filesystem_mirror {\n    path = ${JSON.stringify(m.path)}\n  }`), "}", ""];
    writeFileSync(cliConfig, lines.join("\n"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test.each([
    ["JSON then HCL", [[synth], [cdktf, "synth", "--hcl"]], "cdk.tf"],
    ["HCL then JSON", [[cdktf, "synth", "--hcl"], [synth]], "cdk.tf.json"],
  ])("%s: Terraform reads one configuration and validates it", (_, steps, kept) => {
    const base = join(root, `out-${kept}`);
    mkdirSync(base);
    cpSync(join(root, "certs"), join(base, "certs"), { recursive: true });
    const out = join(base, "cdktf.out");
    for (const [command, ...args] of steps as string[][]) {
      const step = command === synth ? run(process.execPath, [synth, ...args, "--output", out]) : run(command, [...args, "--output", out]);
      expect(step.status).toBe(0);
    }
    const aws = join(out, "stacks", "aws");
    expect(readdirSync(aws).filter((f) => f.startsWith("cdk.tf"))).toEqual([kept]);
    const init = terraform(["init", "-backend=false", "-input=false", "-no-color"], aws);
    expect(init.output).not.toMatch(/Duplicate/);
    expect(init.status).toBe(0);
    const validate = terraform(["validate", "-no-color"], aws);
    expect(validate.output).toMatch(/Success! The configuration is valid/);
  });
});

describe("npm run diff and npm run output, offline", () => {
  const certsDir = `certs/commands-test-${process.pid}`;
  let root = "";
  let settings = "";
  beforeAll(async () => {
    root = await workspace();
    // The wrapper checks the project's certificates; Terraform reads the workspace's (three levels above the stacks).
    cpSync(join(root, "certs"), join(projectRoot, certsDir), { recursive: true });
    settings = join(root, "settings.json");
    writeFileSync(settings, JSON.stringify({ dockerHost: { certsDir } }));
    for (const base of ["diff", "output"]) cpSync(join(root, "certs"), join(root, base, certsDir), { recursive: true });
  });
  afterAll(() => {
    rmSync(join(projectRoot, certsDir), { recursive: true, force: true });
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
