// A copy of the project for tests that edit its sources and build it: everything a build reads, with the
// installed packages linked, not copied. Removed when the test file ends.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../settings/paths";

const SOURCES = ["main.ts", "settings", "stacks", "constructs", "policy", "commands", "deploy", "maintainer", "cloud-config", "task-definitions", "schemas", "cdktf.json", "package.json", "tsconfig.json"];

/** Makes the copy before the file's tests (in `$TMPDIR`, under `prefix`) and returns its path. */
export function projectCopy(prefix: string): string {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  beforeAll(() => {
    for (const entry of SOURCES) cpSync(join(projectRoot, entry), join(copy, entry), { recursive: true });
    symlinkSync(join(projectRoot, "node_modules"), join(copy, "node_modules"));
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));
  return copy;
}
