// docs/cdktf.md's exit recipe works as written, in both orders: JSON and HCL synthesized into the same place leave
// one configuration, which plain Terraform initialises and validates offline, and which `terraform fmt` leaves as it is.
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cdktf, mirrors, run, synth, workspace } from "./workspace";

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
    // Valid and nothing more: a warning (a quoted reference, deprecated) would come before this line.
    expect(validate.output.trim()).toBe("Success! The configuration is valid.");
    if (kept !== "cdk.tf") return;
    // As `terraform fmt` leaves it: a `fmt -check` in the CI of the repository that takes the HCL over passes.
    for (const stack of ["aws", "docker"]) {
      const fmt = terraform(["fmt", "-check", "-no-color"], join(out, "stacks", stack));
      expect({ stack, ...fmt }).toEqual({ stack, status: 0, output: "" });
    }
  });
});
