// constructs/token-resolution.ts against cdktf's own resolve() on whole apps: the files the app writes for the
// built-in settings, each example and the Terraform tests' options, as JSON and as HCL, are byte for byte the same
// either way (a few seconds, so here and not in `npm test`, which compares single values).
import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { App } from "cdktf";
import { resolvesFast, withCdktfTokenResolution } from "../../constructs/token-resolution";
import { composeApp } from "../../main";
import { loadSettings } from "../../settings/load";
import { projectRoot } from "../../settings/paths";

/** Every file under `dir`, by path relative to it. */
function files(dir: string, under = dir): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? Object.entries(files(path, under)) : [[relative(under, path), readFileSync(path, "utf8")]];
    }),
  );
}

/** What the app writes for the settings file `config` (undefined: the built-in settings), as JSON or HCL. */
function synthesized(config: string | undefined, hcl: boolean): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), "token-resolution-"));
  const settings = loadSettings({ INFRA_CONFIG: config, INIT_CWD: projectRoot });
  process.env.SYNTH_HCL_OUTPUT = String(hcl);
  try {
    const app = new App({ outdir, stackTraces: false, skipValidation: true });
    composeApp(app, settings);
    app.synth();
  } finally {
    delete process.env.SYNTH_HCL_OUTPUT;
  }
  return files(outdir);
}

test("the app is synthesized with it here, as the app command does", () => {
  expect(resolvesFast()).toBe(true);
});

describe.each([false, true])("the app's files are byte for byte cdktf's (HCL: %s)", (hcl) => {
  test.each([
    ["the built-in settings", undefined],
    ["examples/minimal.json", "examples/minimal.json"],
    ["examples/production.json", "examples/production.json"],
    ["examples/staging.json", "examples/staging.json"],
    ["the Terraform tests' options", "__tests__/terraform/options/settings.json"],
  ])("%s", (_, config) => {
    const own = withCdktfTokenResolution(() => synthesized(config, hcl));
    const fast = synthesized(config, hcl);
    expect(Object.keys(fast).sort()).toEqual(Object.keys(own).sort());
    for (const [path, text] of Object.entries(own)) expect([path, fast[path]]).toEqual([path, text]);
  });
});

