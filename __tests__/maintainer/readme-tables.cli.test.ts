import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../../commands/cli";
import { DOCS_FILES, README, SETTINGS_SCHEMA_FILE, docs } from "../../maintainer/readme-tables";
import { projectRoot } from "../../settings/paths";

// Each docs run synthesizes the app three times over (tables, outputs, picture): seconds, more on a busy machine.
jest.setTimeout(60_000);

const docsCli = (...args: string[]) =>
  spawnSync(process.execPath, [join(projectRoot, "dist", "maintainer", "readme-tables.js"), ...args], { encoding: "utf8" });
const UP_TO_DATE = "README.md tables, docs/stacks.svg and schemas/settings.schema.json are up to date\n";

test("the README's tables, the picture of the stacks and the settings' JSON Schema are current (npm run docs -- --check)", () => {
  const result = docsCli("--check");
  expect(result.stderr).toBe("");
  expect(result.stdout).toBe(UP_TO_DATE);
  expect(result.status).toBe(0);
});

test("npm run docs leaves up-to-date files untouched", () => {
  const files = Object.values(DOCS_FILES);
  const before = files.map((f) => statSync(f).mtimeMs);
  expect(docsCli().stdout).toBe(UP_TO_DATE);
  expect(files.map((f) => statSync(f).mtimeMs)).toEqual(before);
});

/** Copies of the files npm run docs keeps, in a temporary directory, each changed by `drift`. */
function copies(drift: Partial<Record<keyof typeof DOCS_FILES, (text: string) => string>>) {
  const dir = mkdtempSync(join(tmpdir(), "docs-"));
  const files = { readme: join(dir, "README.md"), graph: join(dir, "stacks.svg"), settingsSchema: join(dir, "settings.schema.json") };
  for (const key of Object.keys(files) as (keyof typeof files)[]) {
    writeFileSync(files[key], (drift[key] ?? ((t: string) => t))(readFileSync(DOCS_FILES[key], "utf8")));
  }
  return files;
}

test("--check names the drift and fails without writing; without it the tables and the picture are rewritten", async () => {
  const files = copies({ readme: (t) => t.replace("| `project` |", "| `projekt` |"), graph: () => "<svg/>" });
  const drifted = readFileSync(files.readme, "utf8");
  await expect(docs(true, files)).rejects.toThrow(
    new UserError("README.md tables and docs/stacks.svg out of date with the schema, the policy, the AWS rules or the stacks: run `npm run docs`"),
  );
  expect(readFileSync(files.readme, "utf8")).toBe(drifted);
  expect(await docs(false, files)).toBe("README.md tables and docs/stacks.svg updated");
  expect(readFileSync(files.readme, "utf8")).toBe(readFileSync(README, "utf8"));
  expect(readFileSync(files.graph, "utf8")).toBe(readFileSync(join(projectRoot, "docs", "stacks.svg"), "utf8"));
});

test("--check fails on a stale JSON Schema of the settings, naming it; without it the schema is rewritten", async () => {
  const stale = (text: string) => text.replace('"Prefix of resource names', '"Prefix of the names');
  const files = copies({ settingsSchema: stale });
  expect(readFileSync(files.settingsSchema, "utf8")).not.toBe(readFileSync(DOCS_FILES.settingsSchema, "utf8"));
  await expect(docs(true, files)).rejects.toThrow(
    `${SETTINGS_SCHEMA_FILE} out of date with the schema, the policy, the AWS rules or the stacks: run \`npm run docs\``,
  );
  expect(await docs(false, files)).toBe(`${SETTINGS_SCHEMA_FILE} updated`);
  expect(readFileSync(files.settingsSchema, "utf8")).toBe(readFileSync(DOCS_FILES.settingsSchema, "utf8"));
});

test("a missing JSON Schema is stale, and written", async () => {
  const files = { ...copies({}), settingsSchema: join(mkdtempSync(join(tmpdir(), "docs-")), "settings.schema.json") };
  await expect(docs(true, files)).rejects.toThrow(/^schemas\/settings\.schema\.json out of date/);
  expect(await docs(false, files)).toBe(`${SETTINGS_SCHEMA_FILE} updated`);
});
