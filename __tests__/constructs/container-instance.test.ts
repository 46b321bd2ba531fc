// Runs the real boot scripts of a container instance: the data volume script against fake block devices
// (mknod, so root only), and the user data around it, with blkid, mkfs.xfs, mount, systemctl and friends
// replaced by recording stubs.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBootTemplate } from "../../constructs/boot-config";
import { containerInstanceUserData } from "../../constructs/container-instance";

const VOLUME = "vol-0123456789abcdef0";
const isRoot = process.getuid?.() === 0;

const sandboxes: string[] = [];
afterAll(() => sandboxes.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function sandbox(): string {
  const root = mkdtempSync(join(tmpdir(), "boot-"));
  sandboxes.push(root);
  return root;
}

interface Run {
  readonly status: number | null;
  readonly stderr: string;
  readonly calls: string[];
}

/** Commands the scripts run, replaced by stubs that record their arguments; `bodies` sets what one does. */
function stubs(root: string, bodies: Record<string, string>): string {
  mkdirSync(join(root, "bin"), { recursive: true });
  const calls = join(root, "calls");
  for (const [name, body] of Object.entries(bodies)) {
    writeFileSync(join(root, "bin", name), `#!/bin/bash\necho "${name} $*" >> '${calls}'\n${body}\n`);
    chmodSync(join(root, "bin", name), 0o755);
  }
  return calls;
}

function run(root: string, script: string, args: string[], calls: string, path = process.env.PATH): Run {
  writeFileSync(join(root, "script.sh"), script);
  const result = spawnSync("bash", [join(root, "script.sh"), ...args], {
    env: { PATH: `${join(root, "bin")}:${path}` },
    encoding: "utf8",
  });
  return {
    status: result.status,
    stderr: result.stderr,
    calls: existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n").filter(Boolean) : [],
  };
}

/** Points a script's system paths into the sandbox; each line must be found exactly once. */
function relocate(script: string, lines: [string, string][]): string {
  for (const [line, path] of lines) {
    expect(script.split(`\n${line}\n`)).toHaveLength(2);
    script = script.replace(`\n${line}\n`, `\n${line.split("=")[0]}='${path}'\n`);
  }
  return script;
}

/**
 * Runs data-volume.sh, as the boot unit does on every boot. `attached`: how the volume shows up (NVMe with its
 * by-id link, the requested xvd name, or never); `probe`: what `blkid -p` answers (2 blank, 0 something there,
 * 8 ambiguous); `fsType`: what blkid reports once it is formatted; `mounted`: whether it is mounted already.
 */
function mountVolume(
  attached: "nvme" | "xvdh" | "never",
  {
    probe = 2,
    fsType = "xfs",
    mounted = false,
    mountedFrom,
    existing,
  }: { probe?: number; fsType?: string; mounted?: boolean; mountedFrom?: string; existing?: string } = {},
): Run {
  const root = sandbox();
  if (existing) {
    mkdirSync(join(root, "data"), { recursive: true });
    writeFileSync(join(root, "data", "existing"), existing);
  }
  const dev = join(root, "dev");
  mkdirSync(join(dev, "disk", "by-id"), { recursive: true });
  if (attached === "nvme") {
    spawnSync("mknod", [join(dev, "nvme1n1"), "b", "259", "1"]);
    symlinkSync("../../nvme1n1", join(dev, "disk", "by-id", `nvme-Amazon_Elastic_Block_Store_${VOLUME.replace("-", "")}`));
  }
  if (attached === "xvdh") spawnSync("mknod", [join(dev, "xvdh"), "b", "202", "112"]);
  const calls = stubs(root, {
    blkid: `if [ "$1" = -p ]; then exit ${probe}; fi\necho ${fsType}`,
    "mkfs.xfs": "",
    mount: "",
    mountpoint: mounted ? "exit 0" : "exit 1",
    findmnt: `echo ${mountedFrom ?? join(dev, attached === "xvdh" ? "xvdh" : "nvme1n1")}`,
    // A staging directory in the sandbox; unmounting it leaves it empty, as a real unmount would.
    mktemp: `mkdir -p '${join(root, "staging")}' && echo '${join(root, "staging")}'`,
    umount: 'find "$1" -mindepth 1 -delete',
    sleep: "",
    xfs_growfs: "",
    resize2fs: "",
  });
  const script = relocate(readBootTemplate("data-volume.sh"), [["by_id=/dev/disk/by-id", join(dev, "disk", "by-id")]]);
  return run(root, script, [VOLUME, join(dev, "xvdh"), join(root, "data")], calls);
}

// Skipped for a developer who is not root (jest reports them as skipped); never silently in CI.
const describeAsRoot = isRoot ? describe : describe.skip;
if (!isRoot && process.env.CI) {
  test("the boot script tests run in CI, which runs as root", () => {
    throw new Error("these tests make device nodes with mknod and need root; run CI as root");
  });
}

describeAsRoot("the data volume boot script, run on every boot (as root: it makes device nodes)", () => {
  test("formats a blank volume found under its NVMe name, mounts it and grows it", () => {
    const result = mountVolume("nvme");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.calls).toContainEqual(expect.stringMatching(/^mkfs\.xfs -L data \/.*\/dev\/nvme1n1$/));
    expect(result.calls).toContainEqual(expect.stringMatching(/^mount \/.*\/dev\/nvme1n1 \/.*\/data$/));
    expect(result.calls).toContainEqual(expect.stringMatching(/^xfs_growfs -d \/.*\/data$/));
  });

  test("never formats a volume that already holds a filesystem", () => {
    const result = mountVolume("nvme", { probe: 0 });
    expect(result.status).toBe(0);
    expect(result.calls.filter((c) => c.startsWith("mkfs"))).toEqual([]);
    expect(result.calls).toContainEqual(expect.stringMatching(/^mount /));
  });

  test("on a later boot, with the volume mounted, formats and mounts nothing but still grows it", () => {
    const result = mountVolume("nvme", { probe: 0, mounted: true });
    expect(result.status).toBe(0);
    expect(result.calls.filter((c) => /^(mkfs|mount )/.test(c))).toEqual([]);
    expect(result.calls).toContainEqual(expect.stringMatching(/^xfs_growfs -d /));
  });

  test("copies what the mount point already held onto a new volume before mounting over it", () => {
    const result = mountVolume("nvme", { existing: "written before the volume existed" });
    expect(result.stderr).toMatch(/^copied the existing contents/);
    expect(result.status).toBe(0);
    const mkfs = result.calls.findIndex((c) => c.startsWith("mkfs.xfs"));
    const staging = result.calls.findIndex((c) => /^mount \/.*\/dev\/nvme1n1 \/.*\/staging$/.test(c));
    const umount = result.calls.findIndex((c) => c.startsWith("umount "));
    const final = result.calls.findIndex((c) => /^mount \/.*\/dev\/nvme1n1 \/.*\/data$/.test(c));
    expect([mkfs, staging, umount, final].every((i) => i >= 0)).toBe(true);
    expect(mkfs < staging && staging < umount && umount < final).toBe(true);
    expect(result.stderr).toMatch(/copied the existing contents of .*\/data onto data volume vol-/);
  });

  test("never copies onto a volume that already holds a file system", () => {
    const result = mountVolume("nvme", { probe: 0, existing: "old" });
    expect(result.calls.filter((c) => c.startsWith("umount"))).toEqual([]);
  });

  test("fails when the mount point is mounted from something other than the volume", () => {
    const result = mountVolume("nvme", { probe: 0, mounted: true, mountedFrom: "/dev/nvme0n1p9" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/data is mounted from \/dev\/nvme0n1p9, not from data volume vol-0123456789abcdef0/);
  });

  test("grows an existing ext4 volume with resize2fs", () => {
    const result = mountVolume("nvme", { probe: 0, fsType: "ext4" });
    expect(result.status).toBe(0);
    expect(result.calls).toContainEqual(expect.stringMatching(/^resize2fs \/.*\/dev\/nvme1n1$/));
    expect(result.calls.filter((c) => c.startsWith("xfs_growfs"))).toEqual([]);
  });

  test("stops without formatting or mounting when blkid cannot tell", () => {
    const result = mountVolume("nvme", { probe: 8 });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot tell whether .*nvme1n1 is blank \(blkid -p exit 8\); not formatting it/);
    expect(result.calls.filter((c) => /^(mkfs|mount )/.test(c))).toEqual([]);
  });

  test("finds the volume under the requested xvd name where there is no NVMe", () => {
    const result = mountVolume("xvdh");
    expect(result.status).toBe(0);
    expect(result.calls).toContainEqual(expect.stringMatching(/^mkfs\.xfs -L data \/.*\/dev\/xvdh$/));
  });

  test("gives up after ten minutes of waiting when the volume never arrives, and so fails its unit", () => {
    const result = mountVolume("never");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`data volume ${VOLUME} was not attached within 10 minutes`);
    expect(result.calls.filter((c) => c === "sleep 5")).toHaveLength(120);
    expect(result.calls.filter((c) => /^(mkfs|mount )/.test(c))).toEqual([]);
  });
});

describe("the container instance boot script", () => {
  /** The whole user data with systemctl and dnf stubbed; `unitStarts`: whether data-volume.service comes up. */
  function boot(unitStarts: boolean, hasXfs = true) {
    const root = sandbox();
    mkdirSync(join(root, "etc"), { recursive: true });
    const calls = stubs(root, {
      systemctl: `if [ "$1" = enable ]; then exit ${unitStarts ? 0 : 1}; fi`,
      dnf: "",
      ...(hasXfs ? { "mkfs.xfs": "" } : {}),
    });
    const ecsConfig = join(root, "etc", "ecs.config");
    let script = containerInstanceUserData(
      { clusterName: "berlin", dataVolume: { volumeId: VOLUME, device: "/dev/xvdh", mountPoint: "/data" } },
      "plain",
    );
    script = relocate(script, [["ecs_config=/etc/ecs/ecs.config", ecsConfig]])
      .replace(/\/usr\/local\/sbin\/data-volume\.sh(?= <<|$)/gm, join(root, "data-volume.sh"))
      .replace(/^chmod 0755 \/usr\/local\/sbin\/data-volume\.sh$/m, `chmod 0755 ${join(root, "data-volume.sh")}`)
      .replace("/etc/systemd/system/data-volume.service", join(root, "data-volume.service"));
    // Without xfsprogs: only the stubs and the plain tools, none of the machine's sbin.
    const result = run(root, script, [], calls, hasXfs ? process.env.PATH : "/usr/bin:/bin");
    const read = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : "");
    return { ...result, ecsConfig: read(ecsConfig), unit: read(join(root, "data-volume.service")), script: read(join(root, "data-volume.sh")) };
  }

  test("installs the volume script and a unit the ECS agent requires, starts it, then flags the instance", () => {
    const result = boot(true);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.script).toBe(readBootTemplate("data-volume.sh"));
    expect(result.unit).toMatch(/^Before=ecs\.service$/m);
    expect(result.unit).toMatch(/^RequiredBy=ecs\.service$/m);
    expect(result.unit).toMatch(/^ExecStart=\/usr\/local\/sbin\/data-volume\.sh vol-0123456789abcdef0 \/dev\/xvdh \/data$/m);
    expect(result.calls).toEqual(["systemctl daemon-reload", "systemctl enable --now data-volume.service"]);
    expect(result.ecsConfig).toBe(
      'ECS_CLUSTER=berlin\nECS_DISABLE_PRIVILEGED=true\nECS_ENABLE_CONTAINER_METADATA=true\nECS_INSTANCE_ATTRIBUTES={"data-volume":"mounted"}\n',
    );
  });

  test("does not flag the instance when the volume cannot be mounted", () => {
    const result = boot(false);
    expect(result.status).not.toBe(0);
    expect(result.ecsConfig).not.toContain("ECS_INSTANCE_ATTRIBUTES");
  });

  test("installs xfsprogs where the image lacks it", () => {
    expect(boot(true, false).calls).toContain("dnf install -y -q xfsprogs");
    expect(boot(true, true).calls.filter((c) => c.startsWith("dnf"))).toEqual([]);
  });
});

test("without a data volume the script only joins the cluster", () => {
  const script = containerInstanceUserData({ clusterName: "munich" }, "plain");
  expect(script).toContain("ECS_CLUSTER=munich");
  expect(script).not.toMatch(/blkid|mkfs|data-volume|ECS_INSTANCE_ATTRIBUTES/);
  const syntax = spawnSync("bash", ["-n"], { input: script });
  expect(syntax.status).toBe(0);
});
