// ECS task definition files through the real entry point (npm run synth): what AWS would refuse exits 1 with the file
// and the line, nothing written; the same file without the fault synthesizes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSynth } from "../helpers";
import { AWS_RULES } from "../../settings/aws-rules";

describe("through the real entry point (npm run synth)", () => {
  const root = mkdtempSync(join(tmpdir(), "task-definitions-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let count = 0;
  const webtask = { name: "webtask", image: "nginx:1.27.3", memory: 128, essential: true, readonlyRootFilesystem: true, portMappings: [{ containerPort: 1337 }] };

  /** Synthesizes with the web service's task definition replaced by `containers`; the exit code, stderr and whether anything was written. */
  function synth(containers: unknown) {
    const dir = join(root, String(count++));
    mkdirSync(dir);
    writeFileSync(join(dir, "task.json"), JSON.stringify(containers));
    writeFileSync(join(dir, "infra.json"), JSON.stringify({ services: { web: { taskDefinition: join(dir, "task.json") } } }));
    const result = runSynth(join(dir, "infra.json"), join(dir, "out"));
    return { code: result.status, stderr: result.stderr, wrote: result.wrote, file: join(dir, "task.json") };
  }

  test("the same file without the fault synthesizes", () => {
    expect(synth([{ ...webtask, healthCheck: { command: ["CMD", "true"], interval: 300 } }])).toMatchObject({ code: 0, wrote: true });
  });

  test.each([
    ["health check interval", [{ ...webtask, healthCheck: { command: ["CMD", "true"], interval: 301 } }], `[0].healthCheck.interval = 301: expected 5 to 300: ${AWS_RULES.healthCheck.rule}`],
    ["dependsOn", [{ ...webtask, dependsOn: [{ containerName: "init", condition: "START" }] }], `[0].dependsOn[0].containerName = "init": expected another container of this file (none): ${AWS_RULES.dependsOn.rule}`],
    ["too many containers", Array.from({ length: 11 }, (_, k) => ({ ...webtask, name: k === 0 ? "webtask" : `c${k}` })), `expected at most 10 containers, not 11: ${AWS_RULES.containersPerTask.rule}`],
    ["memoryReservation", [{ ...webtask, memoryReservation: 256 }], `[0].memoryReservation = 256: expected at most memory (128): ${AWS_RULES.memoryReservation.rule}`],
  ])("%s: exit 1, the line, nothing written", (_, containers, line) => {
    const outcome = synth(containers);
    expect(outcome.stderr).toMatch(/^Invalid settings, nothing was synthesized:\n/);
    expect(outcome.stderr.split("\n")).toContain(`${outcome.file}: ${line}`);
    expect(outcome.code).toBe(1);
    expect(outcome.wrote).toBe(false);
  });
});
