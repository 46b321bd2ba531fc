// Property-based: names near each AWS limit, cron fields in and out of range, CIDR blocks in and out of the ranges
// no VPC can use. Each is refused at synth exactly when the rule says, by an oracle written apart from the checks.
// PROPERTY_RUNS sets how many inputs per property (default 100).
import fc from "fast-check";
import { bucketNameProblem } from "../../settings/s3-names";
import { settingsProblems } from "../helpers";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
const LABEL = "prop.json";

/** The problem lines for `overrides` that concern `path` (none when accepted). */
function problemsAt(overrides: unknown, path: string): string[] {
  return settingsProblems(overrides, LABEL).filter((l) => l.startsWith(`${LABEL}: ${path} `));
}

test("cluster names: refused exactly past ECS's 255 (with the environment), EC2's 256 for the Name tag, or, with patching, SSM's 128 for <prefix>-<name>-install-patches", () => {
  const input = fc.record({
    length: fc.oneof(fc.integer({ min: 95, max: 115 }), fc.integer({ min: 240, max: 258 })),
    environment: fc.constantFrom(null, "p", "prod", "staging1"),
    project: fc.constantFrom("soa", "ab", "abcdefghijkl"),
    dataVolume: fc.boolean(),
    patching: fc.boolean(),
  });
  fc.assert(
    fc.property(input, ({ length, environment, project, dataVolume, patching }) => {
      const name = "c".repeat(length);
      const prefix = environment ? `${project}-${environment}` : project;
      const ecs = environment ? length + 1 + environment.length : length;
      const tag = prefix.length + 1 + length + (dataVolume ? 5 : 0);
      const ssm = prefix.length + 1 + length + "-install-patches".length;
      const refused = length > 255 || ecs > 255 || tag > 256 || (patching && ssm > 128);
      const capacity = { type: "instance", dataVolume: dataVolume ? {} : null, patching: patching ? {} : { enabled: false, reason: "a test" } };
      const settings = { project, environment, clusters: { c: { name, capacity } } };
      expect(problemsAt(settings, "clusters.c.name").length > 0).toBe(refused);
    }),
    { numRuns: RUNS },
  );
});

test("key pair names: refused exactly when not 1 to 255 printable ASCII characters without outer spaces", () => {
  const char = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom("a", "Z", "0", "-", "_", ".", " ", "(", "~") },
    { weight: 1, arbitrary: fc.constantFrom("\t", "\n", "\u0000", "\u007f", "é", "€", "😀") },
  );
  const input = fc.oneof(
    fc.string({ unit: char, maxLength: 20 }),
    fc.integer({ min: 250, max: 260 }).chain((n) => fc.tuple(fc.constant(n), char).map(([len, c]) => `k${"e".repeat(len - 2)}${c}`)),
  );
  fc.assert(
    fc.property(input, (keyPair) => {
      const codes = [...keyPair].map((c) => c.codePointAt(0)!);
      const ok = keyPair.length >= 1 && keyPair.length <= 255 && codes.every((c) => c >= 0x20 && c <= 0x7e) && keyPair[0] !== " " && keyPair[keyPair.length - 1] !== " ";
      expect(problemsAt({ dockerHost: { keyPair } }, "dockerHost.keyPair").length > 0).toBe(!ok);
    }),
    { numRuns: RUNS },
  );
});

test("DNS names: refused exactly when a label passes 63 or the name 253", () => {
  // Mostly long labels, so that names of 63-character labels pass 253 characters in all.
  const label = fc.oneof(fc.integer({ min: 1, max: 66 }), fc.integer({ min: 45, max: 64 }), fc.integer({ min: 45, max: 64 }));
  const input = fc.array(label, { minLength: 1, maxLength: 5 });
  fc.assert(
    fc.property(input, (labels) => {
      const name = [...labels.map((n, i) => String.fromCharCode(97 + i).repeat(n)), "com"].join(".");
      const ok = labels.every((n) => n <= 63) && name.length <= 253;
      const settings = { dockerHost: { dns: { hostedZoneId: "Z0123456789ABC", name } } };
      expect(problemsAt(settings, "dockerHost.dns.name").length > 0).toBe(!ok);
    }),
    { numRuns: RUNS },
  );
});

test("health check paths: refused exactly past 1024 characters", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1015, max: 1035 }), (length) => {
      const healthCheckPath = `/${"h".repeat(length - 1)}`;
      const settings = { services: { web: { loadBalancer: { healthCheckPath } } } };
      expect(problemsAt(settings, "services.web.loadBalancer.healthCheckPath").length > 0).toBe(length > 1024);
    }),
    { numRuns: RUNS },
  );
});

describe("AWS Backup schedules", () => {
  /** A field value with the numbers it names, or undefined when one of them is out of [min, max]. */
  type Field = { text: string; values: number[] | "?" };
  const numbers = (min: number, max: number, slack: number): fc.Arbitrary<Field> =>
    fc.oneof(
      fc.integer({ min: min - slack, max: max + slack }).map((n) => ({ text: String(n), values: [n] })),
      fc.constant({ text: "*", values: Array.from({ length: max - min + 1 }, (_, i) => min + i) }),
    );
  const minutes: fc.Arbitrary<Field> = fc.oneof(
    numbers(0, 59, 10),
    fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 1, max: 70 })).map(([from, step]) => ({
      text: `${from}/${step}`,
      values: Array.from({ length: Math.floor((59 - from) / step) + 1 }, (_, i) => from + i * step),
    })),
    fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 })).map(([a, b]) => ({ text: `${a},${b}`, values: [...new Set([a, b])] })),
  );
  const day = (min: number, max: number): fc.Arbitrary<Field> => fc.oneof(numbers(min, max, 2), fc.constant({ text: "?", values: "?" as const }));
  const schedule = fc.record({
    minutes,
    hours: numbers(0, 23, 3),
    dom: day(1, 31),
    month: numbers(1, 12, 2),
    dow: day(1, 7),
    year: numbers(1970, 2199, 5),
  });
  const RANGES = { minutes: [0, 59], hours: [0, 23], dom: [1, 31], month: [1, 12], dow: [1, 7], year: [1970, 2199] } as const;

  test("refused exactly when a field is out of range, both or neither day field is ?, or more than one minute an hour", () => {
    fc.assert(
      fc.property(schedule, (fields) => {
        const text = `cron(${[fields.minutes, fields.hours, fields.dom, fields.month, fields.dow, fields.year].map((f) => f.text).join(" ")})`;
        const inRange = (Object.keys(RANGES) as (keyof typeof RANGES)[]).every((key) => {
          const values = fields[key].values;
          return values === "?" || values.every((v) => v >= RANGES[key][0] && v <= RANGES[key][1]);
        });
        const oneQuestion = (fields.dom.values === "?") !== (fields.dow.values === "?");
        const hourly = fields.minutes.values !== "?" && fields.minutes.values.length === 1;
        const ok = inRange && oneQuestion && hourly;
        expect(problemsAt({ backups: { schedule: text } }, "backups.schedule").length > 0).toBe(!ok);
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe("network ranges", () => {
  test("a VPC is refused exactly in 0/8, 127/8, 169.254/16, 224/4 and 240/4", () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 126, 127, 128, 169, 223, 224, 239, 240, 255));
    fc.assert(
      fc.property(octet, octet, (a, b) => {
        const forbidden = a === 0 || a === 127 || (a === 169 && b === 254) || a >= 224;
        const network = { vpcCidr: `${a}.${b}.0.0/16`, publicSubnetCidrs: [`${a}.${b}.0.0/24`, `${a}.${b}.1.0/24`] };
        expect(problemsAt({ network }, "network.vpcCidr").length > 0).toBe(forbidden);
      }),
      { numRuns: RUNS },
    );
  });

  test("a load balancer's subnet is refused exactly when smaller than /27", () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 28 }), fc.boolean(), (prefix, balanced) => {
        const network = { vpcCidr: "10.20.0.0/16", publicSubnetCidrs: ["10.20.0.0/24", `10.20.128.0/${prefix}`] };
        const services = balanced ? {} : { services: { web: { loadBalancer: null }, db: { loadBalancer: null }, api: { loadBalancer: null } } };
        expect(problemsAt({ network, ...services }, "network.publicSubnetCidrs[1]").length > 0).toBe(balanced && prefix > 27);
      }),
      { numRuns: RUNS },
    );
  });
});

test("S3 bucket names: refused exactly as the S3 User Guide's naming rules say", () => {
  const piece = fc.constantFrom("a", "b", "z", "0", "9", ".", "-", "A", "_", "xn--", "sthree-", "amzn-s3-demo-", "-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3", "192.168.5.4", "..");
  const names = fc.oneof(
    fc.array(piece, { maxLength: 8 }).map((p) => p.join("")),
    fc.integer({ min: 1, max: 66 }).map((n) => "b".repeat(n)),
  );
  const PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
  const SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
  const alnum = (c: string | undefined) => c !== undefined && ((c >= "a" && c <= "z") || (c >= "0" && c <= "9"));
  fc.assert(
    fc.property(names, (name) => {
      const chars = [...name];
      const ok =
        name.length >= 3 &&
        name.length <= 63 &&
        chars.every((c) => alnum(c) || c === "." || c === "-") &&
        alnum(chars[0]) &&
        alnum(chars[chars.length - 1]) &&
        !name.includes("..") &&
        !(name.split(".").length === 4 && name.split(".").every((part) => part.length >= 1 && part.length <= 3 && [...part].every((c) => c >= "0" && c <= "9"))) &&
        !PREFIXES.some((p) => name.startsWith(p)) &&
        !SUFFIXES.some((s) => name.endsWith(s));
      expect(bucketNameProblem(name) === undefined).toBe(ok);
      expect(problemsAt({ state: { bucket: name } }, "state.bucket").length > 0).toBe(!ok);
    }),
    { numRuns: RUNS * 2 },
  );
});
