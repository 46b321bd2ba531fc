// Property-based: Docker's limits at and around their edges (name lengths, environment sizes, mount paths, image
// path lengths). Each input is refused exactly when the rule says, with a SettingsError, and never crashes.
// PROPERTY_RUNS sets how many inputs (default 60); a failure prints fast-check's seed to replay it.
import fc from "fast-check";
import { containerPathProblem } from "../../settings/aws-rules";
import { settingsProblems } from "../helpers";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const LIMIT = 131072;

/** The problem lines for `overlay`; [] when accepted. Anything but a SettingsError fails the test. */
const problems = (overlay: unknown) => settingsProblems(overlay);
const container = (fields: Record<string, unknown>) => ({ image: "nginx:1.27", healthcheck: { test: ["CMD-SHELL", "true"] }, ...fields });
const has = (lines: string[], prefix: string, text: string) => lines.some((l) => l.startsWith(`infra.json: ${prefix}`) && l.includes(text));

const nameChar = fc.constantFrom(..."abcxyz0189-._");
const name = fc.oneof(
  fc.constantFrom("a", "0", "ab", "a0", "00"),
  fc.array(nameChar, { minLength: 1, maxLength: 4 }).map((cs) => cs.join("")),
);
const segment = fc.constantFrom("proc", "sys", "dev", "etc", "hosts", "resolv.conf", "hostname", "data", "cpuinfo", "shm", "x");
const mountPath = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join("/")}`);
// Sizes of NAME=value with its NUL, around the limit; values of 1- and 2-byte characters.
const envValue = fc.tuple(fc.integer({ min: -4, max: 4 }), fc.boolean()).map(([delta, wide]) => {
  const bytes = LIMIT - 3 + delta; // "A=" and the NUL
  return wide ? "é".repeat(Math.floor(bytes / 2)) + "x".repeat(bytes % 2) : "x".repeat(bytes);
});

/** What the rules say about a mount path, independent of the code under test. */
function runtimeOwned(path: string): boolean {
  return ["/proc", "/sys", "/dev"].some((d) => path === d || path.startsWith(`${d}/`)) || ["/etc/hosts", "/etc/resolv.conf", "/etc/hostname"].includes(path);
}

test("container and volume names: refused for their length exactly when shorter than 2", () => {
  fc.assert(
    fc.property(name, name, (containerName, volume) => {
      const lines = problems({ docker: { containers: { [containerName]: container({ volumes: [{ name: volume, containerPath: "/data" }] }) } } });
      const tooShort = "expected at least 2 characters";
      expect(has(lines, `docker.containers.${containerName} `, tooShort)).toBe(/^[a-z0-9]$/.test(containerName));
      if (/^[a-z0-9][a-z0-9_.-]+$/.test(containerName)) {
        expect(has(lines, `docker.containers.${containerName}.volumes[0].name`, tooShort)).toBe(/^[a-z0-9]$/.test(volume));
      }
    }),
    { numRuns: RUNS },
  );
});

test("environment values: refused exactly when NAME=value and its NUL pass 131072 bytes", () => {
  fc.assert(
    fc.property(envValue, (value) => {
      const lines = problems({ docker: { containers: { app: container({ env: { A: value } }) } } });
      const over = Buffer.byteLength(`A=${value}`) + 1 > LIMIT;
      expect(has(lines, "docker.containers.app.env.A", "MAX_ARG_STRLEN")).toBe(over);
      expect(lines.length > 0).toBe(over);
    }),
    { numRuns: RUNS },
  );
});

test("mount paths: refused exactly under the runtime's directories and on Docker's files, or twice", () => {
  fc.assert(
    fc.property(mountPath, mountPath, fc.boolean(), fc.boolean(), (first, other, same, tmpfs) => {
      const second = same ? first : other;
      const mounts = tmpfs
        ? { volumes: [{ name: "one", containerPath: first }], tmpfs: [{ containerPath: second, sizeMb: 1 }] }
        : { volumes: [{ name: "one", containerPath: first }, { name: "two", containerPath: second }] };
      const lines = problems({ docker: { containers: { app: container({ ...mounts, memoryMb: 64 }) } } });
      const at = tmpfs ? "tmpfs[0]" : "volumes[1]";
      expect(has(lines, "docker.containers.app.volumes[0].containerPath", "expected")).toBe(
        runtimeOwned(first) || containerPathProblem(first) !== undefined,
      );
      expect(has(lines, `docker.containers.app.${at}.containerPath`, "Docker refuses a duplicate mount point")).toBe(first === second);
      if (!tmpfs) expect(has(lines, "docker.containers.app.volumes[1].containerPath", "runtime mounts itself")).toBe(containerPathProblem(second) === undefined && runtimeOwned(second) && !["/etc/hosts", "/etc/resolv.conf", "/etc/hostname"].includes(second));
    }),
    { numRuns: RUNS },
  );
});

test("image paths: refused exactly past 255 characters, Docker Hub's library/ counted", () => {
  fc.assert(
    fc.property(fc.integer({ min: 240, max: 260 }), fc.constantFrom("", "team/", "registry.example.com/team/"), (length, prefix) => {
      const image = `${prefix}${"a".repeat(length)}:1.0`;
      const lines = problems({ docker: { containers: { app: container({ image }) } } });
      const path = (prefix === "" ? "library/" : "team/").length + length;
      expect(has(lines, "docker.containers.app.image", "at most 255 characters")).toBe(path > 255);
    }),
    { numRuns: RUNS },
  );
});
