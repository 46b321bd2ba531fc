import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AWS_RULES } from "../../settings/aws-rules";
import { SettingsError } from "../../settings/errors";
import { INPUT_LIMITS, duplicateKey } from "../../settings/json-file";
import { loadSettings, resolveSettings } from "../../settings/load";

/** The message lines of the SettingsError that resolving `overrides` throws. */
function problems(overrides: unknown): string[] {
  try {
    resolveSettings(overrides, "test.json");
  } catch (error) {
    if (error instanceof SettingsError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected a SettingsError");
}

test("the defaults resolve on their own: the seed's two clusters and four services", () => {
  const settings = loadSettings({});
  expect(settings.region).toBe("us-west-1");
  expect(Object.fromEntries(Object.entries(settings.clusters).map(([k, c]) => [k, [c.name, c.capacity.type]]))).toEqual({
    a: ["berlin", "instance"],
    b: ["munich", "autoScaling"],
  });
  expect(Object.keys(settings.services)).toEqual(["web", "db", "api", "bot"]);
  expect(settings.services.db.containerDefinitions[0].name).toBe("dbtask");
});

describe("INFRA_CONFIG overlays the defaults", () => {
  test("objects merge key by key and lists replace", () => {
    const s = resolveSettings({
      network: { publicSubnetCidrs: ["10.20.8.0/24", "10.20.9.0/24", "10.20.10.0/24"] },
      clusters: { b: { capacity: { maxSize: 6 } } },
    });
    expect(s.network).toEqual({
      vpcCidr: "10.20.0.0/16",
      publicSubnetCidrs: ["10.20.8.0/24", "10.20.9.0/24", "10.20.10.0/24"],
      availabilityZones: null,
      flowLogs: { enabled: true, reason: null },
    });
    expect(s.clusters.b.capacity).toMatchObject({ type: "autoScaling", minSize: 1, maxSize: 6 });
  });

  test("null removes a default service or cluster", () => {
    const s = resolveSettings({ services: { bot: null, api: null }, clusters: { b: null } });
    expect(Object.keys(s.services)).toEqual(["web", "db"]);
    expect(Object.keys(s.clusters)).toEqual(["a"]);
  });

  test("a new capacity type replaces the capacity instead of mixing two shapes", () => {
    const s = resolveSettings({ clusters: { b: { capacity: { type: "instance" } } }, services: { db: null } });
    expect(s.clusters.b.capacity).toEqual({
      type: "instance",
      instanceType: "t3.small",
      architecture: "x86_64",
      rootVolumeGiB: 30,
      dataVolume: null,
      patching: { enabled: true, reason: null, schedule: "cron(0 6 ? * SUN *)", durationHours: 2 },
    });
  });

  test("a new service takes the per-service defaults", () => {
    const s = resolveSettings({ services: { worker: { cluster: "b", taskDefinition: "task-definitions/bottask.json" } } });
    expect(s.services.worker).toMatchObject({
      desiredCount: 1,
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      volumes: [],
      loadBalancer: null,
      autoScaling: null,
    });
  });
});

describe("cross-field checks", () => {
  test("an unknown key inside a capacity lists the keys of that capacity type", () => {
    expect(problems({ clusters: { a: { capacity: { minSize: 1 } } } })).toEqual([
      expect.stringMatching(/^test\.json: clusters\.a\.capacity\.minSize = 1: unknown setting; expected one of: type, instanceType, architecture, rootVolumeGiB, dataVolume, patching$/),
    ]);
  });

  test("an unknown capacity type names the known ones", () => {
    expect(problems({ clusters: { a: { capacity: { type: "fargate" } } } })).toEqual([
      'test.json: clusters.a.capacity.type = "fargate": expected one of "instance", "autoScaling"',
    ]);
  });

  test("a host volume must live on the cluster's data volume", () => {
    expect(problems({ services: { db: { volumes: [{ name: "persistent_data", hostPath: "/var/db" }] } } })).toEqual([
      "test.json: services.db.volumes[0].hostPath = \"/var/db\": expected a data directory, not the host's system directory /var",
      'test.json: services.db.volumes[0].hostPath = "/var/db": expected a path under the data volume of clusters.a (/data/…)',
    ]);
    expect(problems({ services: { db: { cluster: "b" } } })).toEqual([
      'test.json: services.db.volumes[0].hostPath = "/data/db": expected no host volume: clusters.b has no data volume to keep it on',
    ]);
  });

  test("a mount point must name a declared volume", () => {
    expect(problems({ services: { db: { volumes: [] } } })).toEqual([
      'task-definitions/dbtask.json: [0].mountPoints[0].sourceVolume = "persistent_data": expected a volume declared in services.db.volumes (none)',
    ]);
  });

  test("names a message lists stop at 10, and the rest are counted: a file can hold thousands", () => {
    const clusters = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`c${i}`, { name: `cluster${i}`, capacity: { type: "autoScaling" } }]));
    expect(problems({ clusters, services: { web: { cluster: "z" } } })).toEqual([
      'test.json: services.web.cluster = "z": expected one of the cluster keys: a, b, c0, c1, c2, c3, c4, c5, c6, c7 and 4 more',
    ]);
    const volumes = Array.from({ length: 11 }, (_, i) => ({ name: `v${i}`, hostPath: `/data/v${i}` }));
    expect(problems({ services: { db: { volumes } } })).toEqual([
      'task-definitions/dbtask.json: [0].mountPoints[0].sourceVolume = "persistent_data": expected a volume declared in services.db.volumes (v0, v1, v2, v3, v4, v5, v6, v7, v8, v9 and 1 more)',
    ]);
  });

  test("a service's volumes have names of their own, and fit in the task definition with its containers", () => {
    const volume = (name: string, hostPath = `/data/${name}`) => ({ name, hostPath });
    expect(problems({ services: { db: { volumes: [volume("persistent_data"), volume("persistent_data", "/data/other")] } } })).toEqual([
      `test.json: services.db.volumes[1].name = "persistent_data": expected a name no other volume of services.db has: ${AWS_RULES.volumeNames.rule}`,
    ]);
    const many = [volume("persistent_data"), ...Array.from({ length: 2000 }, (_, i) => volume(`v${i}`))];
    expect(problems({ services: { db: { volumes: many } } })).toEqual([
      expect.stringMatching(new RegExp(`^test\\.json: services\\.db\\.volumes: expected fewer volumes: with task-definitions/dbtask\\.json's container definitions they take \\d+ bytes as compact JSON, more than 64512: `)),
    ]);
  });

  test("a task definition named two ways (./x.json and x.json) is read and checked once", () => {
    const dir = mkdtempSync(join(tmpdir(), "two-ways-"));
    try {
      writeFileSync(join(dir, "task.json"), JSON.stringify([{ name: "app", image: "nginx:1.27" }]));
      const services = { web: { taskDefinition: join(dir, "task.json") }, db: { taskDefinition: `${dir}/./task.json`, volumes: [] } };
      expect(problems({ services })).toEqual([`${join(dir, "task.json")}: [0].memory: expected memory or memoryReservation (MiB): EC2 tasks need one of them`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("cluster names are unique, and service keys short enough for load balancer names", () => {
    expect(problems({ clusters: { b: { name: "berlin" } } })).toEqual([
      'test.json: clusters.b.name = "berlin": expected a name not used by clusters.a',
    ]);
    expect(problems({ services: { "web-frontend-of-2025": { cluster: "a" } } })).toEqual([
      'test.json: services.web-frontend-of-2025 = {"cluster":"a"}: invalid key; expected a short lower-case key',
    ]);
  });

  test("enumerated values say which are allowed", () => {
    expect(problems({ logRetentionDays: 2 })[0]).toMatch(/^test\.json: logRetentionDays = 2: expected one of 1, 3, 5, 7, 14, 30, /);
  });
});


describe("duplicateKey: a key given twice in one object, which JSON.parse would keep silently as the last", () => {
  test.each<[string, string, ReturnType<typeof duplicateKey>]>([
    ["at the top", '{"region": "us-west-1",\n "project": "x",\n "region": "eu-central-1"}', { path: ["region"], lines: [1, 3] }],
    ["nested, under a list", '{"services": {"web": {"x": [{"a": 1}, {"b": 1, "b": 2}]}}}', { path: ["services", "web", "x", 1, "b"], lines: [1, 1] }],
    ["the same key written two ways (an escape)", '{"project": "a", "\\u0070roject": "b"}', { path: ["project"], lines: [1, 1] }],
    ["the same key in two objects", '{"a": {"k": 1}, "b": {"k": 2}, "k": [{"k": 1}, {"k": 2}]}', undefined],
    ["text that looks like JSON inside strings", '{"a": "{\\"a\\": 1, \\"a\\": 2}", "b": "[\\\\", "c": ",\\"a\\":"}', undefined],
    ["keys as values", '{"a": "a", "b": ["a", "a"], "c": {"a": "a"}}', undefined],
  ])("%s", (_, text, found) => {
    JSON.parse(text); // valid JSON, as readJsonFile checks first
    expect(duplicateKey(text)).toEqual(found);
  });

  const nested = (levels: number, inner: string) => `${'{"a":'.repeat(levels)}${inner}${"}".repeat(levels)}`;

  test("down to the deepest nesting the settings allow; below it, the nesting is the problem (inputProblems names it)", () => {
    const inside = INPUT_LIMITS.depth - 1;
    expect(duplicateKey(nested(inside, '{"b":1,"b":2}'))).toEqual({ path: [...Array<string>(inside).fill("a"), "b"], lines: [1, 1] });
    expect(duplicateKey(nested(inside + 1, '{"b":1,"b":2}'))).toBeUndefined();
  });

  test("in time linear in the nesting: 20,000 levels take milliseconds", () => {
    // Every key's path used to be made as it was read, in time quadratic in the depth: 20,000 levels took 9.8 s, and
    // the 174,000 a file within the size limit can hold would take minutes (the app command checks those in 0.8 s).
    const text = nested(20_000, '{"b":1,"b":2}');
    const started = performance.now();
    expect(duplicateKey(text)).toBeUndefined();
    expect(duplicateKey(`{"a":1,"a":2,"b":${text}}`)).toEqual({ path: ["a"], lines: [1, 1] });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

test("null for an entry the defaults do not have is refused: it removes nothing, and a misspelt name would leave the meant one deployed", () => {
  const lines = problems({ services: { wbe: null, db: null }, clusters: { c: null }, docker: { containers: { elastik: null } } });
  expect(lines).toEqual(
    expect.arrayContaining([
      'test.json: clusters.c = null: null removes a built-in entry, and there is none named "c" (the built-in ones: a, b); remove this line, or name the entry to remove',
      'test.json: services.wbe = null: null removes a built-in entry, and there is none named "wbe" (the built-in ones: web, db, api, bot); remove this line, or name the entry to remove',
      'test.json: docker.containers.elastik = null: null removes a built-in entry, and there is none named "elastik" (the built-in ones: elastic); remove this line, or name the entry to remove',
    ]),
  );
  expect(lines.join("\n")).not.toMatch(/services\.db/);
});

test.each([
  [{ environment: "PROD" }, "environment"],
  [{ environment: "production-blue-green-canary" }, "environment"],
  [{ environment: "1prod" }, "environment"],
  [{ project: "Bad Project" }, "project"],
])("a refused %j is the one problem: the names made of it are not refused again", (overrides, field) => {
  const lines = problems(overrides).filter((line) => line.startsWith("test.json: "));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^test\\.json: ${field} = `));
});

test("an environment is a lower-case letter, then up to 7 lower-case letters and digits", () => {
  expect(problems({ environment: "1prod" })).toContain(
    'test.json: environment = "1prod": expected a lower-case letter, then up to 7 more lower-case letters and digits, such as prod',
  );
  expect(resolveSettings({ environment: "p1234567" }, "test.json").environment).toBe("p1234567");
});

test("a zone ID where a zone name belongs is one problem per zone, said as such", () => {
  const lines = problems({ region: "eu-central-1", network: { availabilityZones: ["euc1-az2", "eu-central-1b"] } }).filter((l) => l.startsWith("test.json: "));
  expect(lines).toEqual(['test.json: network.availabilityZones[0] = "euc1-az2": expected a zone name such as us-west-1a, not a zone ID such as usw1-az1']);
  expect(problems({ region: "eu-central-1", network: { availabilityZones: ["us-west-1a", "eu-central-1b"] } })).toContain(
    'test.json: network.availabilityZones[0] = "us-west-1a": expected a zone of eu-central-1, such as eu-central-1a',
  );
});
