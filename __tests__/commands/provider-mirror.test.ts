import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliConfig, findMirrors, terraformEnvironment } from "../../commands/provider-mirror";

function mirrorWith(...providers: string[]): string {
  const root = mkdtempSync(join(tmpdir(), "mirror-"));
  for (const p of providers) mkdirSync(join(root, "registry.terraform.io", p, "1.0.0", "linux_amd64"), { recursive: true });
  return root;
}

test("a mirror named in TF_PROVIDER_MIRROR is read for the providers it holds", () => {
  const root = mirrorWith("hashicorp/aws", "kreuzwerker/docker");
  expect(findMirrors({ TF_PROVIDER_MIRROR: root })).toEqual([
    { path: root, providers: ["registry.terraform.io/hashicorp/aws", "registry.terraform.io/kreuzwerker/docker"] },
  ]);
});

test("without TF_PROVIDER_MIRROR, Terraform's implied mirror directories are found", () => {
  const home = mkdtempSync(join(tmpdir(), "home-"));
  mkdirSync(join(home, ".terraform.d", "plugins", "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64"), { recursive: true });
  const mirrors = findMirrors({ HOME: home, XDG_DATA_DIRS: join(home, "none") });
  expect(mirrors).toContainEqual({ path: join(home, ".terraform.d", "plugins"), providers: ["registry.terraform.io/hashicorp/aws"] });
});

test("a TF_PROVIDER_MIRROR without providers is an error, not a silent fallback", () => {
  expect(() => findMirrors({ TF_PROVIDER_MIRROR: mkdtempSync(join(tmpdir(), "empty-")) })).toThrow(/holds no providers/);
});

test("the CLI configuration takes mirrored providers from the mirror and every other from its registry", () => {
  const config = cliConfig([{ path: "/mirror", providers: ["registry.terraform.io/hashicorp/aws"] }]);
  expect(config).toBe(
    [
      "provider_installation {",
      "  filesystem_mirror {",
      '    path    = "/mirror"',
      '    include = ["registry.terraform.io/hashicorp/aws"]',
      "  }",
      "  direct {",
      '    exclude = ["registry.terraform.io/hashicorp/aws"]',
      "  }",
      "}",
      "",
    ].join("\n"),
  );
});

test("Terraform's garbage collector runs less often for our checks, unless GOGC says otherwise", () => {
  const scratch = mkdtempSync(join(tmpdir(), "scratch-"));
  const mirror = mirrorWith("hashicorp/aws");
  expect(terraformEnvironment(scratch, { TF_PROVIDER_MIRROR: mirror }).env.GOGC).toBe("400");
  expect(terraformEnvironment(scratch, { TF_PROVIDER_MIRROR: mirror, GOGC: "off" }).env.GOGC).toBe("off");
  expect(terraformEnvironment(scratch, { TF_PROVIDER_MIRROR: mirror, GOGC: "50" }).env).toMatchObject({ GOGC: "50", TF_IN_AUTOMATION: "1" });
});
