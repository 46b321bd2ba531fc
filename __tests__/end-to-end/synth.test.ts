// `npm run synth` writes, byte for byte, what `npx cdktf synth` writes, as JSON and as HCL; offline, with the real
// cdktf CLI.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { cdktf, mirrors, run, synth, tree, workspace } from "./workspace";

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
