// What Docker, runc and the kernel refuse in the Docker host's containers, through the real entry point
// (commands/synth.js): exit 1 with the field, the value and the rule, nothing written; values at the limits synthesize.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSynth } from "../helpers";
import { MAX_ARG_STRLEN } from "../../settings/docker-rules";

const work = mkdtempSync(join(tmpdir(), "docker-rules-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const HEALTH = { test: ["CMD-SHELL", "true"] };
/** Settings with one container `app` (besides the default one), changed by `fields`. */
const withContainer = (fields: Record<string, unknown>, name = "app") => ({
  docker: { containers: { [name]: { image: "nginx:1.27", healthcheck: HEALTH, ...fields } } },
});

const NAME_RULE = "expected at least 2 characters: Docker's names match [a-zA-Z0-9][a-zA-Z0-9_.-]+ (moby daemon/names)";
const E2BIG = (bytes: number) => `expected at most 131072 bytes with the terminating NUL (got ${bytes}): Linux's MAX_ARG_STRLEN, execve fails with E2BIG`;

describe("through the real entry point", () => {
  let n = 0;
  /** `node commands/synth.js --output <dir>` with INFRA_CONFIG holding `overlay`. */
  function synth(overlay: unknown) {
    const dir = join(work, String(n++));
    const config = `${dir}.json`;
    writeFileSync(config, JSON.stringify(overlay));
    return { ...runSynth(config, dir), config };
  }

  test.each([
    [withContainer({}, "a"), `docker.containers.a = {"image":"nginx:1.27","healthcheck":{"test":["CMD-SHELL","true"]}}: invalid key; ${NAME_RULE}`],
    [withContainer({ volumes: [{ name: "data", containerPath: "/proc/fs" }] }), 'docker.containers.app.volumes[0].containerPath = "/proc/fs": expected a path outside /proc, which the container runtime mounts itself (runc refuses mounts under /proc)'],
    [withContainer({ healthcheck: { test: ["CMD-SHELL"] } }), 'docker.containers.app.healthcheck.test = ["CMD-SHELL"]: expected exactly one shell command after "CMD-SHELL"'],
    [withContainer({ env: { A: "x".repeat(MAX_ARG_STRLEN) } }), `docker.containers.app.env.A = "${"x".repeat(76)}...: ${E2BIG(MAX_ARG_STRLEN + 3)}`],
  ])("%# exits 1, names the field, writes nothing", (overlay, line) => {
    const run = synth(overlay);
    expect(run.lines[0]).toBe("Invalid settings, nothing was synthesized:");
    expect(run.lines).toContain(`INFRA_CONFIG file ${run.config}: ${line}`);
    expect(run.status).toBe(1);
    expect(run.wrote).toBe(false);
  }, 120_000);

  test("values at the limits synthesize", () => {
    const run = synth(withContainer({
      image: `team/${"a".repeat(250)}:${"1".repeat(128)}`,
      env: { A: "x".repeat(131072 - 3) }, // "A=", the value and the NUL: exactly the limit
      volumes: [{ name: "v1", containerPath: "/data" }],
      healthcheck: { test: ["CMD", "true"] },
    }, "ab"));
    expect(run.status).toBe(0);
    expect(existsSync(join(run.config.replace(/\.json$/, ""), "stacks", "docker", "cdk.tf.json"))).toBe(true);
  }, 120_000);
});
