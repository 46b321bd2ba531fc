// The data volume boot script, run as every boot runs it, against fake block devices made with mknod: root
// only. `npm run test:root` runs it (with the TLS test); CI runs that step, and only that step, as root.
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readBootTemplate } from "../../constructs/boot-config";
import { type Run, VOLUME, relocate, run, sandbox, stubs } from "../boot-script-sandbox";

if (process.getuid?.() !== 0) throw new Error("these tests make device nodes with mknod and need root: sudo npm run test:root");

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

describe("the data volume boot script, run on every boot", () => {
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
