// `npm run synth` writes, byte for byte, what `npx cdktf synth` writes, as JSON and as HCL; offline, with the real
// cdktf CLI.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { cdktf, mirrors, run, synth, tree, workspace } from "./workspace";

test("a provider mirror is on this machine (the tests below run offline from it)", () => {
  expect(mirrors.map((m) => m.providers).flat()).toContain("registry.terraform.io/hashicorp/aws");
});

test.each<[string[], NodeJS.ProcessEnv]>([
  [[], {}],
  [["--hcl"], {}],
  // The CLI's other way to ask for HCL (@cdktf/cli-core reads "true" and "1").
  [[], { SYNTH_HCL_OUTPUT: "1" }],
])("npm run synth %j, environment %j, writes byte for byte what npx cdktf synth writes", async (flags, env) => {
  const root = await workspace();
  const ours = run(process.execPath, [synth, ...flags, "--output", join(root, "ours")], env);
  const theirs = run(cdktf, ["synth", ...flags, "--output", join(root, "theirs")], env);
  expect(ours.status).toBe(0);
  expect(theirs.status).toBe(0);
  const a = tree(join(root, "ours"));
  expect(Object.keys(a).length).toBeGreaterThan(4);
  expect(Object.keys(a)).toContain(flags.length > 0 || env.SYNTH_HCL_OUTPUT ? "stacks/aws/cdk.tf" : "stacks/aws/cdk.tf.json");
  expect(a).toEqual(tree(join(root, "theirs")));
  rmSync(root, { recursive: true, force: true });
});
