// The tests' packages bundle (__tests__/package-bundle.js) through jest itself, in a copy of the project: a run of
// one test file, which jest resolves in the process that ran globalSetup, after the bundle was rebuilt.
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../settings/paths";
import { projectCopy } from "./project-copy";

const copy = projectCopy("package-bundle-");

function jest() {
  const result = spawnSync(process.execPath, [join(projectRoot, "node_modules", "jest", "bin", "jest.js"), "--config", "jest.config.js", "__tests__/probe.test.ts"], {
    cwd: copy,
    encoding: "utf8",
  });
  expect(result.stderr).toMatch(/Tests: +1 passed, 1 total/);
  expect(result.status).toBe(0);
}

test("a run of one file after the bundle is rebuilt resolves the packages to the new bundle", () => {
  cpSync(join(projectRoot, "__tests__"), join(copy, "__tests__"), { recursive: true });
  cpSync(join(projectRoot, "jest.config.js"), join(copy, "jest.config.js"));
  writeFileSync(join(copy, "__tests__", "probe.test.ts"), 'import { Testing } from "cdktf";\ntest("loads cdktf", () => expect(typeof Testing.synth).toBe("function"));\n');
  jest();
  const first = readdirSync(join(copy, "dist", "test-packages"));
  // A new recipe (as a new install or a new import would) makes a new bundle, and the old one is removed.
  appendFileSync(join(copy, "deploy", "build-state.js"), "\n// a new recipe\n");
  jest();
  const second = readdirSync(join(copy, "dist", "test-packages"));
  expect(second).toHaveLength(2);
  expect(second.filter((entry) => !first.includes(entry))).toHaveLength(1);
});
