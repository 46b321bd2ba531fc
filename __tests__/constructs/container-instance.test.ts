// Runs the real boot script of a container instance against fake block devices (mknod, so root only),
// with blkid, mkfs.xfs, mount and friends replaced by recording stubs.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { containerInstanceUserData } from "../../constructs/container-instance";

const VOLUME = "vol-0123456789abcdef0";
const isRoot = process.getuid?.() === 0;

interface Run {
  readonly status: number | null;
  readonly stderr: string;
  readonly calls: string[];
  readonly ecsConfig: string;
  readonly fstab: string;
}

/**
 * `attached`: how the volume shows up (NVMe with its by-id link, the requested xvd name, or never);
 * `probe`: what `blkid -p` answers (2 blank, 0 something there, 8 ambiguous).
 */
function boot(attached: "nvme" | "xvdh" | "never", probe: number, root = mkdtempSync(join(tmpdir(), "boot-"))): Run {
  const dev = join(root, "dev");
  mkdirSync(join(dev, "disk", "by-id"), { recursive: true });
  mkdirSync(join(root, "etc", "ecs"), { recursive: true });
  mkdirSync(join(root, "bin"), { recursive: true });
  if (!existsSync(join(root, "etc", "fstab"))) writeFileSync(join(root, "etc", "fstab"), "");
  if (attached === "nvme" && !existsSync(join(dev, "nvme1n1"))) {
    spawnSync("mknod", [join(dev, "nvme1n1"), "b", "259", "1"]);
    symlinkSync("../../nvme1n1", join(dev, "disk", "by-id", `nvme-Amazon_Elastic_Block_Store_${VOLUME.replace("-", "")}`));
  }
  if (attached === "xvdh" && !existsSync(join(dev, "xvdh"))) spawnSync("mknod", [join(dev, "xvdh"), "b", "202", "112"]);

  const calls = join(root, "calls");
  const stub = (name: string, body: string) => {
    writeFileSync(join(root, "bin", name), `#!/bin/bash\necho "${name} $*" >> '${calls}'\n${body}\n`);
    chmodSync(join(root, "bin", name), 0o755);
  };
  stub("blkid", `if [ "$1" = -p ]; then exit ${probe}; fi\necho 1111-2222`);
  stub("mkfs.xfs", "");
  stub("mount", "");
  stub("mountpoint", "exit 1");
  stub("sleep", "");

  let script = containerInstanceUserData(
    { clusterName: "berlin", dataVolume: { volumeId: VOLUME, device: join(dev, "xvdh"), mountPoint: join(root, "data") } },
    "plain",
  );
  // Point the script's system paths into the sandbox; each must be found exactly once.
  for (const [line, path] of [
    ["ecs_config=/etc/ecs/ecs.config", join(root, "etc", "ecs", "ecs.config")],
    ["fstab=/etc/fstab", join(root, "etc", "fstab")],
    ["by_id=/dev/disk/by-id", join(dev, "disk", "by-id")],
  ]) {
    expect(script.split(`\n${line}\n`)).toHaveLength(2);
    script = script.replace(`\n${line}\n`, `\n${line.split("=")[0]}='${path}'\n`);
  }
  writeFileSync(join(root, "boot.sh"), script);
  const result = spawnSync("bash", [join(root, "boot.sh")], {
    env: { PATH: `${join(root, "bin")}:${process.env.PATH}` },
    encoding: "utf8",
  });
  const read = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : "");
  return {
    status: result.status,
    stderr: result.stderr,
    calls: read(calls).trim().split("\n").filter(Boolean),
    ecsConfig: read(join(root, "etc", "ecs", "ecs.config")),
    fstab: read(join(root, "etc", "fstab")),
  };
}

// Skipped for a developer who is not root (jest reports them as skipped); never silently in CI.
const describeAsRoot = isRoot ? describe : describe.skip;
if (!isRoot && process.env.CI) {
  test("the boot script tests run in CI, which runs as root", () => {
    throw new Error("these tests make device nodes with mknod and need root; run CI as root");
  });
}

describeAsRoot("the container instance boot script (runs as root: it makes device nodes)", () => {
  test("formats a blank volume found under its NVMe name, mounts it and flags the instance", () => {
    const run = boot("nvme", 2);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.calls).toContainEqual(expect.stringMatching(/^mkfs\.xfs -L data \/.*\/dev\/nvme1n1$/));
    expect(run.fstab).toMatch(/^UUID=1111-2222 \/.*\/data auto defaults,nofail 0 2\n$/);
    expect(run.calls).toContainEqual(expect.stringMatching(/^mount \/.*\/data$/));
    expect(run.ecsConfig).toBe(
      'ECS_CLUSTER=berlin\nECS_DISABLE_PRIVILEGED=true\nECS_ENABLE_CONTAINER_METADATA=true\nECS_INSTANCE_ATTRIBUTES={"data-volume":"mounted"}\n',
    );
  });

  test("never formats a volume that already holds a filesystem", () => {
    const run = boot("nvme", 0);
    expect(run.status).toBe(0);
    expect(run.calls.filter((c) => c.startsWith("mkfs"))).toEqual([]);
    expect(run.calls).toContainEqual(expect.stringMatching(/^mount /));
    expect(run.ecsConfig).toContain("ECS_INSTANCE_ATTRIBUTES");
  });

  test("stops without formatting, mounting or flagging when blkid cannot tell", () => {
    const run = boot("nvme", 8);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/cannot tell whether .*nvme1n1 is blank \(blkid -p exit 8\); not formatting it/);
    expect(run.calls.filter((c) => /^(mkfs|mount )/.test(c))).toEqual([]);
    expect(run.ecsConfig).toBe("ECS_CLUSTER=berlin\nECS_DISABLE_PRIVILEGED=true\nECS_ENABLE_CONTAINER_METADATA=true\n");
  });

  test("finds the volume under the requested xvd name where there is no NVMe", () => {
    const run = boot("xvdh", 2);
    expect(run.status).toBe(0);
    expect(run.calls).toContainEqual(expect.stringMatching(/^mkfs\.xfs -L data \/.*\/dev\/xvdh$/));
  });

  test("gives up after ten minutes of waiting when the volume never arrives", () => {
    const run = boot("never", 2);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`data volume ${VOLUME} was not attached within 10 minutes`);
    expect(run.calls.filter((c) => c === "sleep 5")).toHaveLength(120);
    expect(run.ecsConfig).not.toContain("ECS_INSTANCE_ATTRIBUTES");
  });

  test("adds the fstab entry once, however often it runs", () => {
    const root = mkdtempSync(join(tmpdir(), "boot-"));
    boot("nvme", 2, root);
    const second = boot("nvme", 0, root);
    expect(second.fstab.match(/UUID=1111-2222/g)).toHaveLength(1);
  });
});

test("without a data volume the script only joins the cluster", () => {
  const script = containerInstanceUserData({ clusterName: "munich" }, "plain");
  expect(script).toContain("ECS_CLUSTER=munich");
  expect(script).not.toMatch(/blkid|mkfs|ECS_INSTANCE_ATTRIBUTES/);
  const syntax = spawnSync("bash", ["-n"], { input: script });
  expect(syntax.status).toBe(0);
});
