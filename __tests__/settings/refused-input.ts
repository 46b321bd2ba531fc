// What the bad-input tests share, in this process and through dist/main.js: input files in fresh directories, and a
// refusal as docs/settings.md, "Bad input", describes it.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** How a run of the app ended: its exit code, what it printed on stderr, and whether it wrote an output directory. */
export interface Outcome {
  readonly code: number;
  readonly stderr: string;
  readonly wrote: boolean;
}

/** Makes a fresh directory under `root` for each call, with the given files (objects are written as JSON). */
export function inputFiles(root: string): (contents: Record<string, unknown>) => string {
  let count = 0;
  return (contents) => {
    const dir = join(root, String(count++));
    mkdirSync(dir);
    for (const [name, content] of Object.entries(contents)) {
      writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
    }
    return dir;
  };
}

export function expectRefused(outcome: Outcome, ...lines: RegExp[]): void {
  expect(outcome.stderr).toMatch(/^Invalid settings, nothing was synthesized:\n/);
  for (const line of lines) expect(outcome.stderr.split("\n")).toContainEqual(expect.stringMatching(line));
  expect(outcome.stderr).not.toMatch(/^\s+at /m);
  expect(outcome.stderr.length).toBeLessThan(8000);
  expect(outcome.code).toBe(1);
  expect(outcome.wrote).toBe(false);
}

/** Settings that point the web service at dir/task.json. */
export const webTask = (dir: string) => ({ services: { web: { taskDefinition: join(dir, "task.json") } } });
