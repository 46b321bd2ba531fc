// The npm scripts' cdktf wrapper: telemetry off; the provider mirror only where it helps and the user has no
// Terraform CLI configuration of their own.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TerraformStack } from "cdktf";
import { STACK_DEPENDENCIES, cdktfEnvironment } from "../../commands/cdktf";
import { buildStacks } from "../helpers";

const dir = mkdtempSync(join(tmpdir(), "cdktf-"));
const mirror = join(dir, "mirror");
mkdirSync(join(mirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64"), { recursive: true });
const home = join(dir, "home");
mkdirSync(home);
const base = { HOME: home, XDG_DATA_DIRS: join(dir, "none"), TF_PROVIDER_MIRROR: mirror };
const online = async () => true;
const offline = async () => false;

test("telemetry is off, and a user's own CLI configuration is left alone", async () => {
  const own = join(dir, "own.tfrc");
  writeFileSync(own, "");
  const { env, note } = await cdktfEnvironment({ ...base, TF_CLI_CONFIG_FILE: own }, dir, offline);
  expect(env.CHECKPOINT_DISABLE).toBe("1");
  expect(env.TF_CLI_CONFIG_FILE).toBe(own);
  expect(note).toBeUndefined();
});

test("a named mirror is used even while the registry answers; a mirror only found on the machine is not", async () => {
  expect((await cdktfEnvironment(base, dir, online)).note).toMatch(/^providers: provider mirror: .*mirror/);
  const found = { HOME: home, XDG_DATA_DIRS: join(dir, "none") };
  expect((await cdktfEnvironment(found, dir, online)).env.TF_CLI_CONFIG_FILE).toBeUndefined();
});

test("the stacks the wrapper selects from, and what each reads, are the app's (as cdktf's manifest records them)", () => {
  const stacks: Record<string, TerraformStack> = { ...buildStacks() };
  expect(Object.fromEntries(Object.entries(stacks).map(([name, stack]) => [name, stack.dependencies.map((d) => d.node.id)]))).toEqual(STACK_DEPENDENCIES);
});
