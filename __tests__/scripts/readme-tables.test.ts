import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { README, docs as docsIn } from "../../scripts/readme-tables";
import { projectRoot } from "../../settings/paths";

const docsCli = (...args: string[]) =>
  spawnSync(process.execPath, [join(projectRoot, "dist", "scripts", "readme-tables.js"), ...args], { encoding: "utf8" });

test("the README's settings, policy and limits tables are the schema's, the app's and the rules' (npm run docs -- --check)", () => {
  const result = docsCli("--check");
  expect(result.stderr).toBe("");
  expect(result.stdout).toBe("README.md tables and docs/stacks.svg are up to date\n");
  expect(result.status).toBe(0);
});

test("npm run docs leaves an up-to-date README untouched", () => {
  const before = statSync(README).mtimeMs;
  expect(docsCli().stdout).toBe("README.md tables and docs/stacks.svg are up to date\n");
  expect(statSync(README).mtimeMs).toBe(before);
});

test("--check names the drift and fails without writing; without it the tables and the picture are rewritten", async () => {
  const dir = mkdtempSync(join(tmpdir(), "docs-"));
  const [copy, graph] = [join(dir, "README.md"), join(dir, "stacks.svg")];
  const drifted = readFileSync(README, "utf8").replace("| `project` |", "| `projekt` |");
  writeFileSync(copy, drifted);
  writeFileSync(graph, "<svg/>");
  expect(await docsIn(["--check"], copy, graph)).toEqual({
    code: 1,
    message: expect.stringMatching(/^README\.md tables and docs\/stacks\.svg out of date.*run `npm run docs`/),
  });
  expect(readFileSync(copy, "utf8")).toBe(drifted);
  expect(await docsIn([], copy, graph)).toEqual({ code: 0, message: "README.md tables and docs/stacks.svg updated" });
  expect(readFileSync(copy, "utf8")).toBe(readFileSync(README, "utf8"));
  expect(readFileSync(graph, "utf8")).toBe(readFileSync(join(projectRoot, "docs", "stacks.svg"), "utf8"));
});

test("an unknown option gets the usage", () => {
  const unknown = docsCli("--chek");
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toBe("unknown option --chek\nusage: npm run docs [-- --check]\n");
});
