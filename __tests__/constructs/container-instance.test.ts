// Runs the real boot script of a container instance, with systemctl, dnf and mkfs.xfs replaced by recording
// stubs. The data volume script itself runs against fake block devices in __tests__/root/ (root only).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readBootTemplate } from "../../constructs/boot-config";
import { containerInstanceUserData } from "../../constructs/container-instance";
import { VOLUME, relocate, run, sandbox, stubs } from "../boot-script-sandbox";

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
