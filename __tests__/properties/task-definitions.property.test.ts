// Property-based: container definitions with values on both sides of each ECS limit (health check times, cpu,
// memory, container counts, definition size, image length, dependsOn names and conditions). The checker refuses
// exactly the out-of-range ones, at their path, and never throws, whatever the file holds.
// PROPERTY_RUNS sets how many inputs as for the synth properties, times 8 here (480 by default): no synth, so they are cheap.
import fc from "fast-check";
import { checkContainerDefinitions } from "../../settings/task-definitions";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60) * 8;
const options = { numRuns: RUNS };

type Container = Record<string, unknown>;
const CONDITIONS = ["START", "COMPLETE", "SUCCESS", "HEALTHY"];
const nearAndBeyond = (min: number, max: number) => fc.constantFrom(min - 1, min, max, max + 1);

const healthCheck = fc.record(
  {
    command: fc.constant(["CMD", "true"]),
    interval: nearAndBeyond(5, 300),
    timeout: nearAndBeyond(2, 60),
    retries: nearAndBeyond(1, 10),
    startPeriod: nearAndBeyond(0, 300),
  },
  { requiredKeys: ["command"] },
);
const image = fc.tuple(fc.constantFrom(254, 255, 256), fc.boolean()).map(([n, digest]) => `r.example/${"a".repeat(n - 10)}${digest ? `@sha256:${"0".repeat(64)}` : ""}`);
/** Container k of a file of `count`: it may depend on any of them, itself or a container that does not exist. */
const container = (k: number, count: number): fc.Arbitrary<Container> =>
  fc.record(
    {
      name: fc.constant(`c${k}`),
      image,
      memory: fc.constantFrom(6, 128, 2147483647, 2147483648),
      memoryReservation: fc.constantFrom(5, 6, 128, 129),
      cpu: fc.constantFrom(-1, 0, 1.5, 262144, 262145),
      essential: fc.boolean(),
      healthCheck,
      dependsOn: fc.array(
        fc.record({ containerName: fc.constantFrom(...Array.from({ length: count }, (_, j) => `c${j}`), "ghost"), condition: fc.constantFrom(...CONDITIONS, "STARTED") }),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: ["name", "image", "memory"] },
  );
const file = fc.integer({ min: 1, max: 12 }).chain((count) => fc.tuple(...Array.from({ length: count }, (_, k) => container(k, count))));

/** The paths ECS's rules refuse in `containers`, worked out independently of the checker. */
function refusedPaths(containers: Container[]): Set<string> {
  const refused = new Set<string>();
  const int = (v: unknown) => typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= 2147483647;
  containers.forEach((c, i) => {
    const at = (...path: (string | number)[]) => `[${i}]` + path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
    const memory = c.memory as number;
    const reservation = c.memoryReservation as number | undefined;
    if (!int(memory)) refused.add(at("memory"));
    if (reservation !== undefined && (reservation < 6 || (int(memory) && reservation > memory))) refused.add(at("memoryReservation"));
    if (c.cpu !== undefined && (!int(c.cpu) || (c.cpu as number) < 0 || (c.cpu as number) > 262144)) refused.add(at("cpu"));
    if ((c.image as string).split("@")[0].length > 255) refused.add(at("image"));
    const check = c.healthCheck as Record<string, number> | undefined;
    const ranges: Record<string, [number, number]> = { interval: [5, 300], timeout: [2, 60], retries: [1, 10], startPeriod: [0, 300] };
    for (const [key, [min, max]] of Object.entries(ranges)) {
      if (check?.[key] !== undefined && (check[key] < min || check[key] > max)) refused.add(at("healthCheck", key));
    }
    ((c.dependsOn ?? []) as { containerName: string; condition: string }[]).forEach((d, j) => {
      const target = containers.find((o, k) => k !== i && o.name === d.containerName);
      if (!target) refused.add(at("dependsOn", j, "containerName"));
      const essential = target?.essential !== false;
      if (!CONDITIONS.includes(d.condition)) refused.add(at("dependsOn", j, "condition"));
      else if (target && ["COMPLETE", "SUCCESS"].includes(d.condition) && essential) refused.add(at("dependsOn", j, "condition"));
      else if (target && d.condition === "HEALTHY" && !target.healthCheck) refused.add(at("dependsOn", j, "condition"));
    });
  });
  if (containers.every((c) => c.essential === false)) refused.add("[0].essential");
  if (containers.length > 10) refused.add("");
  return refused;
}

test("near each limit, exactly the values beyond it are refused, at their path", () => {
  fc.assert(
    fc.property(file, (containers) => {
      const found = new Set(checkContainerDefinitions(containers, "t.json").map((p) => p.path));
      expect([...found].sort()).toEqual([...refusedPaths(containers)].sort());
    }),
    options,
  );
});

test("a file of 63 KiB passes and one byte more is refused", () => {
  const base = Buffer.byteLength(JSON.stringify([{ name: "a", image: "i", memory: 6, command: [""] }]));
  fc.assert(
    fc.property(fc.integer({ min: 64512 - 3, max: 64512 + 3 }), fc.constantFrom("x", "é"), (bytes, char) => {
      // A two-byte character reaches the size in fewer characters: the limit is on bytes.
      const text = char.repeat(Math.floor((bytes - base) / Buffer.byteLength(char))) + "x".repeat((bytes - base) % Buffer.byteLength(char));
      const containers = [{ name: "a", image: "i", memory: 6, command: [text] }];
      expect(Buffer.byteLength(JSON.stringify(containers))).toBe(bytes);
      expect(checkContainerDefinitions(containers, "t.json").map((p) => p.path)).toEqual(bytes > 64512 ? [""] : []);
    }),
    options,
  );
});

test("anything at all is refused with problems, never an exception", () => {
  const field = fc.constantFrom("name", "image", "memory", "memoryReservation", "cpu", "essential", "healthCheck", "dependsOn", "ulimits", "logConfiguration", "mountPoints", "linuxParameters", "portMappings");
  const nearLimits = fc.oneof(nearAndBeyond(5, 300), nearAndBeyond(0, 262144), fc.constantFrom(1.5, -0, 2147483648, "ghost", "START", "nofile", "/proc/1", "/data"));
  const value: fc.Arbitrary<unknown> = fc.letrec<{ any: unknown }>((tie) => ({
    any: fc.oneof({ depthSize: "small" }, fc.jsonValue({ maxDepth: 1 }), nearLimits, fc.array(tie("any"), { maxLength: 3 }), fc.dictionary(field, tie("any"), { maxKeys: 4 })),
  })).any;
  const containerish = fc.oneof(file.chain((f) => fc.constant(f[0] as unknown)), fc.dictionary(field, value, { maxKeys: 6 }), value);
  fc.assert(
    fc.property(fc.oneof(fc.array(containerish, { maxLength: 12 }), value), (input) => {
      const problems = checkContainerDefinitions(input, "t.json");
      expect(Array.isArray(problems)).toBe(true);
      for (const p of problems) expect(typeof p.expected).toBe("string");
    }),
    options,
  );
});
