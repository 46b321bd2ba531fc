// The Docker host's containers, hardened as the ECS ones are: a read-only root filesystem with tmpfs where they
// write, no privilege gained through setuid files, and no Linux capability they do not name.
import { DEFAULT_CONTAINERS } from "../../settings/schema";
import { resolveSettings } from "../../settings/load";
import { buildStacks, named, synthesize } from "../helpers";

const web = { image: "nginx:1.27.3", memoryMb: 256, healthcheck: { test: ["CMD", "true"] } };
/** The synthesized docker_container of `name`, with `container` as its settings. */
const synthesized = (name: string, container?: object) =>
  named(synthesize(buildStacks(container ? { docker: { containers: { [name]: container } } } : {}).docker).json, "docker_container", name);

test("a container gets a read-only root, a 64 MiB noexec /tmp, no-new-privileges and no capabilities by default", () => {
  const c = synthesized("web", web);
  expect(c).toMatchObject({
    read_only: true,
    tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=64m" },
    security_opts: ["no-new-privileges:true"],
    capabilities: { drop: ["ALL"] },
  });
  expect(c.capabilities.add).toBeUndefined();
});

test("keeps the capabilities and tmpfs mounts the settings name, in the form Docker stores and the provider reads back", () => {
  const c = synthesized("web", {
    ...web,
    capabilities: ["CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
    tmpfs: [{ containerPath: "/var/cache/nginx", sizeMb: 32 }, { containerPath: "/var/run", sizeMb: 1 }],
  });
  expect(c.capabilities).toEqual({ drop: ["ALL"], add: ["CAP_NET_BIND_SERVICE", "CAP_CHOWN"] });
  expect(c.tmpfs).toEqual({ "/var/cache/nginx": "rw,noexec,nosuid,nodev,size=32m", "/var/run": "rw,noexec,nosuid,nodev,size=1m" });
});

test("Elasticsearch keeps a writable root, for the stated reason, and still drops every capability", () => {
  const elastic = synthesized("elastic");
  expect(elastic).toMatchObject({ read_only: false, security_opts: ["no-new-privileges:true"], capabilities: { drop: ["ALL"] } });
  // Its temp directory under /tmp holds native libraries it loads: no noexec tmpfs there.
  expect(elastic.tmpfs).toBeUndefined();
  expect(DEFAULT_CONTAINERS.elastic.readOnlyRootFilesystem.reason).toMatch(/config\/elasticsearch\.keystore at every start/);
});

describe("the settings refuse", () => {
  const problems = (container: object) => {
    try {
      resolveSettings({ docker: { containers: { web: { ...web, ...container } } } }, "infra.json");
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };

  test("a writable root without a reason", () => {
    expect(problems({ readOnlyRootFilesystem: { enabled: false } })).toMatch(
      /docker\.containers\.web\.readOnlyRootFilesystem\.reason: expected a reason of at least 20 characters/,
    );
  });

  test("a capability beyond Docker's default set", () => {
    expect(problems({ capabilities: ["CAP_SYS_ADMIN"] })).toMatch(/docker\.containers\.web\.capabilities\[0\] = "CAP_SYS_ADMIN": expected one of "CAP_AUDIT_WRITE"/);
    expect(problems({ capabilities: ["NET_BIND_SERVICE"] })).toMatch(/capabilities\[0\] = "NET_BIND_SERVICE"/);
  });

  test("tmpfs mounts on the kernel's directories, on a volume, or as big as the container's memory", () => {
    expect(problems({ tmpfs: [{ containerPath: "/proc/sys", sizeMb: 1 }] })).toMatch(/tmpfs\[0\]\.containerPath = "\/proc\/sys": expected a directory other than \/proc/);
    expect(problems({ volumes: [{ name: "d", containerPath: "/data" }], tmpfs: [{ containerPath: "/data", sizeMb: 1 }] })).toMatch(
      /tmpfs\[0\]\.containerPath = "\/data": expected a path not already mounted by volumes/,
    );
    expect(problems({ tmpfs: [{ containerPath: "/tmp", sizeMb: 200 }, { containerPath: "/run", sizeMb: 56 }] })).toMatch(
      /docker\.containers\.web\.tmpfs = .*: expected tmpfs sizes \(256 MiB in all\) below memoryMb \(256\)/,
    );
  });
});
