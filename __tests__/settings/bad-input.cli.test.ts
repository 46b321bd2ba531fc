// Bad input that crashed the app, refused by the compiled app in its own process, as cdktf runs it (dist/main.js):
// nesting thousands of levels deep, unbounded reads and hundreds of thousands of bad entries.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INPUT_LIMITS } from "../../settings/json-file";
import { projectRoot } from "../../settings/paths";
import { type Outcome, expectRefused, inputFiles, webTask } from "./refused-input";

const root = mkdtempSync(join(tmpdir(), "bad-input-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** A fresh directory with the given files (objects are written as JSON). */
const files = inputFiles(root);

/** Runs the compiled app as cdktf does, in its own process. */
function runProcess(dir: string, config = join(dir, "infra.json")): Outcome {
  const result = spawnSync(process.execPath, [join(projectRoot, "dist", "main.js")], {
    env: { ...process.env, INFRA_CONFIG: config, CDKTF_OUTDIR: join(dir, "out") },
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stderr: result.stderr, wrote: existsSync(join(dir, "out")) };
}

describe("what crashed the app is refused with a message", () => {
  const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

  // As deep as a file within the size limit can nest: 174,000 levels. Checks in time quadratic in the depth took
  // 9.8 s for 20,000 levels (the spawn's timeout of 60 s ends such a run).
  const deepest = Math.floor((INPUT_LIMITS.fileBytes - 2) / '{"a":}'.length);

  test("nesting as deep as a file within the size limit holds, in settings and in a task definition (its own process)", () => {
    expectRefused(runProcess(files({ "infra.json": deep(deepest) })), /infra\.json: (a\.){31}a: nested deeper than 32 levels/);
    const dir = files({ "task.json": `[${deep(deepest)}]` });
    writeFileSync(join(dir, "infra.json"), JSON.stringify(webTask(dir)));
    expectRefused(runProcess(dir), /task\.json: \[0\](\.a){31}: nested deeper than 32 levels/);
  });

  test("an unbounded read: /dev/zero and a file over the size limit (its own process)", () => {
    expectRefused(runProcess(files({}), "/dev/zero"), /^INFRA_CONFIG file \/dev\/zero: cannot be read \(not a regular file\)/);
    const big = files({ "infra.json": `{"services":{${Array.from({ length: 120_000 }, (_, i) => `"s${i}":{"x":1}`).join(",")}}}` });
    expectRefused(runProcess(big), /larger than 1048576 bytes; expected a smaller JSON file$/);
  });

  test("more problems in a task definition than a call can take as arguments (58,000 ulimits)", () => {
    const ulimits = Array.from({ length: 58_000 }, () => ({ name: "nofile" }));
    const dir = files({ "task.json": [{ name: "web", image: "nginx", memory: 128, ulimits }] });
    writeFileSync(join(dir, "infra.json"), JSON.stringify(webTask(dir)));
    expectRefused(runProcess(dir), /task\.json: \[0\]\.ulimits\[0\]\.softLimit: expected a whole number/, /^… and 173980 more problems$/);
  });

  test("a key, a path or a quoted name of a million characters: each part of a line is cut to a readable length", () => {
    const key = "k".repeat(1_000_000);
    expectRefused(runProcess(files({ "infra.json": { [key]: 1 } })), /^INFRA_CONFIG file .*infra\.json: k{280,300}\.\.\. = 1: unknown setting/);
    expectRefused(runProcess(files({ "infra.json": { services: { ["\u200b".repeat(300_000)]: {} } } })), /^INFRA_CONFIG file .*: services\.(\\u200B){40,50}\.\.\.:/);
    expectRefused(runProcess(files({ "infra.json": { services: { web: { taskDefinition: `${"a/".repeat(400_000)}x.json` } } } })), /cannot be read \(ENAMETOOLONG\) at .*\.\.\.$/);
  });

  test("hundreds of thousands of bad entries: the first problems, and a count of the rest", () => {
    const entries = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, 1]));
    const outcome = runProcess(files({ "infra.json": { network: entries } }));
    expectRefused(outcome, /network\.k0 = 1: unknown setting/, /^… and 49980 more problems$/);
  });
});
