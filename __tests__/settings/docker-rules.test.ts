// What Docker, runc and the kernel refuse in the Docker host's containers is refused at synth, with the field, the
// value and the rule; the values at the very limits pass (through the real entry point: docker-rules.cli.test.ts).
import { settingsProblems } from "../helpers";
import {
  MAX_ARG_STRLEN, duplicateMounts, environmentProblem, healthcheckProblem, imageLengthProblem, runtimeMountProblem,
} from "../../settings/docker-rules";

const HEALTH = { test: ["CMD-SHELL", "true"] };
/** Settings with one container `app` (besides the default one), changed by `fields`. */
const withContainer = (fields: Record<string, unknown>, name = "app") => ({
  docker: { containers: { [name]: { image: "nginx:1.27", healthcheck: HEALTH, ...fields } } },
});

/** The problem lines for `overlay`, or [] when it is accepted. */
const problems = (overlay: unknown) => settingsProblems(overlay);

const NAME_RULE = "expected at least 2 characters: Docker's names match [a-zA-Z0-9][a-zA-Z0-9_.-]+ (moby daemon/names)";
const E2BIG = (bytes: number) => `expected at most 131072 bytes with the terminating NUL (got ${bytes}): Linux's MAX_ARG_STRLEN, execve fails with E2BIG`;

describe("names", () => {
  test("a one-character container name is refused, two characters pass", () => {
    expect(problems(withContainer({}, "a"))).toEqual([
      `infra.json: docker.containers.a = {"image":"nginx:1.27","healthcheck":{"test":["CMD-SHELL","true"]}}: invalid key; ${NAME_RULE}`,
    ]);
    expect(problems(withContainer({}, "ab"))).toEqual([]);
  });

  test("a one-character volume name is refused, two characters pass", () => {
    expect(problems(withContainer({ volumes: [{ name: "v", containerPath: "/data" }] }))).toEqual([
      `infra.json: docker.containers.app.volumes[0].name = "v": ${NAME_RULE}`,
    ]);
    expect(problems(withContainer({ volumes: [{ name: "v1", containerPath: "/data" }] }))).toEqual([]);
  });
});

describe("mounts", () => {
  test("two mounts on one container path are refused, volume or tmpfs, however the path is spelled", () => {
    expect(duplicateMounts(["/data", "/tmp", "/data/", "//data"])).toEqual([[2, 0], [3, 0]]);
    expect(problems(withContainer({
      volumes: [{ name: "one", containerPath: "/data" }, { name: "two", containerPath: "/data" }],
      tmpfs: [{ containerPath: "/data", sizeMb: 8 }],
    }))).toEqual([
      'infra.json: docker.containers.app.volumes[1].containerPath = "/data": expected a path not already mounted by volumes[0]: Docker refuses a duplicate mount point',
      'infra.json: docker.containers.app.tmpfs[0].containerPath = "/data": expected a path not already mounted by volumes[0]: Docker refuses a duplicate mount point',
    ]);
  });

  test.each([
    ["/proc/sys", "expected a path outside /proc, which the container runtime mounts itself (runc refuses mounts under /proc)"],
    ["/sys/fs/cgroup", "expected a path outside /sys, which the container runtime mounts itself (runc refuses mounts under /proc)"],
    ["/dev/shm", "expected a path outside /dev, which the container runtime mounts itself (runc refuses mounts under /proc)"],
    ["/etc/resolv.conf", "expected a path other than /etc/resolv.conf, which Docker writes for the container's network"],
    ["/etc/hosts", "expected a path other than /etc/hosts, which Docker writes for the container's network"],
    ["/etc/hostname", "expected a path other than /etc/hostname, which Docker writes for the container's network"],
  ])("a volume on %s is refused", (path, message) => {
    expect(problems(withContainer({ volumes: [{ name: "data", containerPath: path }] }))).toEqual([
      `infra.json: docker.containers.app.volumes[0].containerPath = "${path}": ${message}`,
    ]);
  });

  test("a tmpfs on a file Docker writes is refused; neighbours of the runtime's paths pass", () => {
    expect(problems(withContainer({ tmpfs: [{ containerPath: "/etc/hosts", sizeMb: 1 }] }))).toEqual([
      'infra.json: docker.containers.app.tmpfs[0].containerPath = "/etc/hosts": expected a path other than /etc/hosts, which Docker writes for the container\'s network',
    ]);
    for (const path of ["/process", "/system", "/devices", "/etc/hosts.d", "/etc/app"]) expect(runtimeMountProblem(path)).toBeUndefined();
    // Compared as Docker compares them, after path.Clean.
    expect(runtimeMountProblem("/etc/./hosts/")).toBe("expected a path other than /etc/hosts, which Docker writes for the container's network");
  });
});

describe("healthcheck", () => {
  const health = (test: string[]) => problems(withContainer({ healthcheck: { test } }));
  test.each([
    [["CMD-SHELL"], "healthcheck.test = [\"CMD-SHELL\"]", 'expected exactly one shell command after "CMD-SHELL"'],
    [["CMD-SHELL", "true", "extra"], "healthcheck.test[2] = \"extra\"", 'expected exactly one shell command after "CMD-SHELL"'],
    [["CMD-SHELL", " "], "healthcheck.test[1] = \" \"", "expected a non-empty argument: Docker would run nothing, or an empty word"],
    [["CMD"], "healthcheck.test = [\"CMD\"]", 'expected a program after "CMD"'],
    [["CMD", "curl", ""], "healthcheck.test[2] = \"\"", "expected a non-empty argument: Docker would run nothing, or an empty word"],
    [["curl -f http://localhost/"], "healthcheck.test[0] = \"curl -f http://localhost/\"", 'expected "CMD", "CMD-SHELL" or "NONE": Docker runs no probe for any other form, so the container never becomes healthy'],
    [["NONE", "x"], "healthcheck.test[1] = \"x\"", 'expected nothing after "NONE", which turns the check off'],
  ])("%j is refused", (test, where, message) => {
    expect(health(test)).toEqual([`infra.json: docker.containers.app.${where}: ${message}`]);
  });

  test("the three forms Docker runs pass", () => {
    for (const test of [["NONE"], ["CMD", "curl", "-f", "http://localhost/"], ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]]) {
      expect(healthcheckProblem(test)).toBeUndefined();
    }
  });
});

describe("environment", () => {
  // "A=" and the value, with the NUL: exactly MAX_ARG_STRLEN bytes is the most execve takes.
  const atLimit = "x".repeat(MAX_ARG_STRLEN - 3);
  test("NAME=value of exactly 131072 bytes with its NUL passes; one byte more is refused", () => {
    expect(problems(withContainer({ env: { A: atLimit } }))).toEqual([]);
    expect(problems(withContainer({ env: { A: `${atLimit}x` } }))).toEqual([
      `infra.json: docker.containers.app.env.A = "${"x".repeat(76)}...: ${E2BIG(131073)}`,
    ]);
  });

  test("bytes, not characters, count", () => {
    expect(environmentProblem("A", "é".repeat(65534))).toBeUndefined(); // 2 + 131068 + 1 bytes
    expect(environmentProblem("A", "é".repeat(65535))).toBe(E2BIG(131073));
  });

  test("a NUL in a value is refused", () => {
    expect(environmentProblem("A", "a\0b")).toBe("expected no NUL character: runc refuses it, and execve cannot pass it");
  });
});

describe("image references", () => {
  test("a repository path of 255 characters passes, 256 is refused; Docker Hub's library/ counts", () => {
    expect(problems(withContainer({ image: `team/${"a".repeat(250)}:1.0` }))).toEqual([]);
    expect(problems(withContainer({ image: `${"a".repeat(247)}:1.0` }))).toEqual([]);
    const long = `${"a".repeat(248)}:1.0`;
    expect(problems(withContainer({ image: long }))).toEqual([
      `infra.json: docker.containers.app.image = "${long.slice(0, 76)}...: expected a repository path of at most 255 characters (got 256, with Docker Hub's library/): distribution/reference refuses longer names`,
    ]);
  });

  test("the registry host does not count; a tag of 129 characters is refused, 128 passes", () => {
    expect(imageLengthProblem(`registry.example.com:5000/team/${"a".repeat(250)}:1.0`)).toBeUndefined();
    expect(imageLengthProblem(`registry.example.com/team/${"a".repeat(251)}:1.0`)).toBe(
      "expected a repository path of at most 255 characters (got 256): distribution/reference refuses longer names",
    );
    expect(problems(withContainer({ image: `nginx:${"1".repeat(128)}` }))).toEqual([]);
    const tag = `nginx:${"1".repeat(129)}`;
    expect(problems(withContainer({ image: tag }))).toEqual([
      `infra.json: docker.containers.app.image = "${tag.slice(0, 76)}...: expected a tag of at most 128 characters (got 129): distribution/reference's tag grammar`,
    ]);
  });

  test("a digest does not count in the path", () => {
    expect(imageLengthProblem(`team/${"a".repeat(250)}@sha256:${"0".repeat(64)}`)).toBeUndefined();
  });
});
