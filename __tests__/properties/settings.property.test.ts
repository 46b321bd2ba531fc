// Property-based: random overlays of the settings and random container definitions, through the real entry point.
// Each input either synthesizes both stacks or is refused cleanly (exit 1, the header, one line per problem,
// nothing written); none crashes. A sample of the accepted ones must pass `terraform validate`, both as JSON and
// as the HCL that `cdktf synth --hcl` writes.
// PROPERTY_RUNS sets how many inputs (default 60); a failure prints fast-check's seed to replay it.
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { dockerHostCertificateNames } from "../../constructs/docker-tls";
import { main } from "../../main";
import { runApp } from "../helpers";
import { ensureCertificates } from "../../commands/certs";
import { terraformEnvironment } from "../../commands/provider-mirror";
import { resolveSettings } from "../../settings/load";

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const root = mkdtempSync(join(tmpdir(), "properties-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Values a careless or hostile user writes: plausible ones, edge cases, and template or prototype tricks.
const tricky = fc.constantFrom(
  "${file(\"/etc/hostname\")}", "%{ if true }x%{ endif }", "${TfToken[TOKEN.1]}", "__proto__", "constructor", "toString",
  "", " ", "..", "/..", "/etc", "/data/../var/run", "host", "bridge", "sg-x", "internal", "ecs", "aws-x", "ü", "a".repeat(300),
);
const text = fc.oneof(fc.string({ maxLength: 12 }), tricky);
const number = fc.oneof(fc.integer({ min: -5, max: 70_000 }), fc.constantFrom(0, 1, 6, 2.5, -1, 1e21, Number.MAX_SAFE_INTEGER + 2));
const junk: fc.Arbitrary<unknown> = fc.letrec<{ any: unknown }>((tie) => ({
  any: fc.oneof({ depthSize: "small" }, text, number, fc.boolean(), fc.constant(null), fc.array(tie("any"), { maxLength: 3 }), fc.dictionary(text, tie("any"), { maxKeys: 3 })),
})).any;
/** Mostly a plausible value, sometimes anything at all. */
const maybe = <T>(plausible: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: junk });
const some = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) => fc.record(fields, { requiredKeys: [] });

const cidr = fc.constantFrom("10.20.0.0/16", "10.20.0.0/24", "10.20.1.0/24", "10.20.2.0/24", "10.0.0.0/8", "10.20.0.0/29", "10.20.0.1/24", "192.168.0.0/16", "203.0.113.7/32", "0.0.0.0/0");
const instanceType = fc.constantFrom("t3.small", "t3.medium", "t4g.small", "m7g.large", "c6i.large", "nonsense");
const region = fc.constantFrom("us-west-1", "us-east-1", "eu-central-1", "cn-north-1", "us-gov-west-1", "moon-1");
const overlay = some({
  project: maybe(fc.constantFrom("soa", "prod", "ecsapp", "sg", "internal", "abcdefghijkl", "x")),
  region: maybe(region),
  network: maybe(some({
    vpcCidr: maybe(cidr),
    publicSubnetCidrs: maybe(fc.array(cidr, { maxLength: 4 })),
    availabilityZones: maybe(fc.option(fc.array(fc.constantFrom("us-west-1a", "us-west-1c", "eu-central-1a"), { maxLength: 3 }))),
  })),
  clusters: maybe(fc.dictionary(fc.constantFrom("a", "b", "c", "constructor"), fc.oneof(
    fc.constant(null),
    some({
      name: maybe(fc.constantFrom("berlin", "munich", "x", "Bad Name")),
      capacity: maybe(some({
        type: fc.constantFrom("instance", "autoScaling"),
        instanceType: maybe(instanceType),
        architecture: maybe(fc.constantFrom("x86_64", "arm64")),
        dataVolume: maybe(fc.option(some({ mountPoint: maybe(fc.constantFrom("/data", "/srv/data", "/etc", "/data/..")), sizeGiB: maybe(number) }))),
        minSize: maybe(number),
        maxSize: maybe(number),
      })),
    }),
  ), { maxKeys: 2 })),
  services: maybe(fc.dictionary(fc.constantFrom("web", "db", "api", "bot", "new", "toString"), fc.oneof(
    fc.constant(null),
    some({
      cluster: maybe(fc.constantFrom("a", "b", "constructor", "__proto__")),
      desiredCount: maybe(number),
      volumes: maybe(fc.array(some({ name: maybe(fc.constantFrom("persistent_data", "v")), hostPath: maybe(fc.constantFrom("/data/db", "/data/../etc", "/var/run")) }), { maxLength: 2 })),
      loadBalancer: maybe(fc.option(some({ container: maybe(fc.constantFrom("webtask", "dbtask", "nope")), containerPort: maybe(number), healthCheckPath: maybe(text) }))),
    }),
  ), { maxKeys: 2 })),
  dockerHost: maybe(some({
    instanceType: maybe(instanceType),
    architecture: maybe(fc.constantFrom("x86_64", "arm64")),
    adminCidrs: maybe(fc.array(cidr, { maxLength: 3 })),
    keyPair: maybe(fc.option(text)),
    apiPort: maybe(number),
    updates: maybe(some({ reboots: maybe(fc.constantFrom("window", "off")), windowStart: maybe(fc.constantFrom("Sun 04:00", "04:00", "Sunday")), windowLength: maybe(fc.constantFrom("1h", "30m", "1d")) })),
    dataVolume: maybe(some({ sizeGiB: maybe(number), device: maybe(fc.constantFrom("/dev/xvdf", "/dev/sda")) })),
  })),
  docker: maybe(some({
    network: maybe(fc.constantFrom("app", "host", "none", "x")),
    containers: maybe(fc.dictionary(fc.constantFrom("elastic", "web", "constructor"), fc.oneof(
      fc.constant(null),
      some({
        image: maybe(fc.constantFrom("nginx:1.27.3", "library/app:1.0", "library-app:1.0", "nginx:latest", "nginx")),
        env: maybe(fc.dictionary(fc.constantFrom("A", "B_1", "bad key"), text, { maxKeys: 2 })),
        healthcheck: maybe(some({ test: maybe(fc.array(text, { minLength: 1, maxLength: 2 })), startPeriodSeconds: maybe(number) })),
        memoryMb: maybe(number),
        volumes: maybe(fc.array(some({ name: maybe(fc.constantFrom("data", "x")), containerPath: maybe(fc.constantFrom("/data", "/etc", "/..", "/usr/share/x")) }), { maxLength: 2 })),
      }),
    ), { maxKeys: 2 })),
  })),
});

const containerDefinitions = fc.array(
  some({
    name: maybe(fc.constantFrom("webtask", "sidecar", "bad name")),
    image: maybe(fc.constantFrom("nginx:1.27.3", "")),
    memory: maybe(number),
    memoryReservation: maybe(number),
    cpu: maybe(number),
    essential: maybe(fc.boolean()),
    privileged: maybe(fc.boolean()),
    portMappings: maybe(fc.array(some({ containerPort: maybe(fc.constantFrom(1337, 80, 0)), hostPort: maybe(fc.constantFrom(0, 8080)), protocol: maybe(fc.constantFrom("tcp", "udp", "sctp")) }), { maxLength: 2 })),
    environment: maybe(fc.array(some({ name: maybe(text), value: maybe(text) }), { maxLength: 2 })),
    command: maybe(fc.array(text, { maxLength: 2 })),
    mountPoints: maybe(fc.array(some({ sourceVolume: maybe(fc.constantFrom("persistent_data", "v")), containerPath: maybe(fc.constantFrom("/data/db", "/proc", "/..")) }), { maxLength: 1 })),
  }),
  { maxLength: 3 },
);

// Inputs AWS and Docker would take, with free text as hostile as it gets: these must synthesize.
const freeText = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("${file(\"/etc/hostname\")}", "%{ if true }x%{ endif }", "${path.cwd}"));
const plausibleOverlay = some({
  project: fc.constantFrom("soa", "prod", "shop"),
  region: fc.constantFrom("us-west-1", "eu-central-1", "ap-southeast-2"),
  clusters: some({ b: some({ capacity: some({ instanceType: fc.constantFrom("t3.small", "m6i.large"), maxSize: fc.integer({ min: 2, max: 5 }) }) }) }),
  services: some({
    api: some({ desiredCount: fc.integer({ min: 1, max: 4 }) }),
    bot: fc.constant(null),
    web: some({ loadBalancer: some({ healthCheckPath: fc.constantFrom("/", "/health", "/${x}") }) }),
  }),
  dockerHost: some({
    adminCidrs: fc.uniqueArray(fc.constantFrom("203.0.113.7/32", "198.51.100.0/24", "192.0.2.0/28"), { maxLength: 3 }),
    // EC2 key pair names: printable ASCII without leading or trailing spaces (CreateKeyPair).
    keyPair: fc.option(freeText.filter((k) => k.length > 0 && k === k.trim() && /^[\x20-\x7e]+$/.test(k))),
    updates: some({ reboots: fc.constantFrom("window", "off"), windowStart: fc.constantFrom("Sun 04:00", "23:30", "Mon 00:00"), windowLength: fc.constantFrom("1h", "2h30m") }),
  }),
  docker: some({
    containers: some({
      elastic: some({ env: fc.dictionary(fc.constantFrom("A", "B_1", "node.name"), freeText, { maxKeys: 3 }), memoryMb: fc.integer({ min: 64, max: 4096 }) }),
      // A new container needs its image and healthcheck.
      // A test Docker runs: CMD-SHELL and one command, or CMD and non-empty arguments (settings/docker-rules.ts).
      web: fc.record({ image: fc.constantFrom("nginx:1.27.3", "library/app:1.0"), healthcheck: fc.record({ test: fc.tuple(fc.constantFrom(["CMD-SHELL"], ["CMD"]), fc.array(freeText.filter((t) => t.trim() !== ""), { minLength: 1, maxLength: 2 })).map(([form, args]) => [...form, ...(form[0] === "CMD-SHELL" ? args.slice(0, 1) : args)]) }) }),
    }),
  }),
});
const plausibleDefinitions = fc.tuple(fc.array(freeText, { maxLength: 3 }), fc.array(freeText, { maxLength: 2 })).map(([command, values]) => [
  {
    name: "webtask",
    image: "nginx:1.27.3",
    memory: 128,
    essential: true,
    readonlyRootFilesystem: true,
    portMappings: [{ containerPort: 1337 }],
    command,
    environment: values.map((value, i) => ({ name: `V${i}`, value })),
  },
]);

/** Terraform with `args` in `cwd`, without blocking the test's process; its output. */
function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile("terraform", args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // A non-zero exit is an outcome the test judges from the output; only a failure to start is an error.
      if (error && typeof error.code !== "number") reject(error);
      else resolvePromise({ stdout, stderr });
    });
  });
}

let count = 0;
const accepted: { dir: string; overlay: Record<string, unknown> }[] = [];

/** Runs the app on one input; checks it synthesized or refused cleanly. */
function check(input: Record<string, unknown>, definitions: unknown, useDefinitions: boolean, mustSynthesize = false): void {
  const dir = join(root, String(count++));
  mkdirSync(dir);
  const task = join(dir, "task.json");
  writeFileSync(task, JSON.stringify(definitions));
  const services = (input.services ?? {}) as Record<string, unknown>;
  const overlayed = useDefinitions && typeof services === "object" && services !== null
    ? { ...input, services: { ...services, web: { ...((services.web as object) ?? {}), taskDefinition: task } } }
    : input;
  writeFileSync(join(dir, "infra.json"), JSON.stringify(overlayed));
  const { code, stderr } = runApp(join(dir, "infra.json"), join(dir, "cdktf.out"));
  // Plausible inputs (hostile free text included) are what AWS and Docker take: refusing one is a regression.
  if (mustSynthesize) expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  if (code === 0) {
    expect(existsSync(join(dir, "cdktf.out", "stacks", "aws", "cdk.tf.json"))).toBe(true);
    expect(existsSync(join(dir, "cdktf.out", "stacks", "docker", "cdk.tf.json"))).toBe(true);
    if (accepted.length < 3) accepted.push({ dir, overlay: overlayed });
    else rmSync(dir, { recursive: true, force: true });
    return;
  }
  expect(code).toBe(1);
  expect(stderr).toMatch(/^(Invalid settings|Policy check failed), nothing was synthesized:\n/);
  const lines = stderr.trim().split("\n").slice(1);
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.length).toBeLessThanOrEqual(21);
  for (const line of lines) expect(line).toMatch(/^(\S.*: .+|… and \d+ more problems?|aws\/\S+: CKV\w+ .*)$/);
  expect(existsSync(join(dir, "cdktf.out"))).toBe(false);
  rmSync(dir, { recursive: true, force: true });
}

test(`${RUNS} random inputs: each synthesizes or is refused cleanly, none crashes`, () => {
  const inputs = fc.oneof(
    fc.tuple(overlay, containerDefinitions, fc.boolean(), fc.constant(false)),
    fc.tuple(plausibleOverlay, plausibleDefinitions, fc.boolean(), fc.constant(true)),
  );
  fc.assert(fc.property(inputs, ([o, d, use, plausible]) => check(o, d, use, plausible)), { numRuns: RUNS });
  // Plausible values dominate, so some inputs must get through: an always-refusing app would pass otherwise.
  expect(accepted.length).toBeGreaterThan(0);
}, 300_000);

test("a sample of the accepted inputs passes terraform validate, as JSON and as the HCL of cdktf synth --hcl", async () => {
  const hasTerraform = spawnSync("terraform", ["version"]).status === 0;
  if (!hasTerraform && !process.env.CI) return; // a developer without Terraform; CI always has it
  const scratch = mkdtempSync(join(tmpdir(), "properties-terraform-"));
  try {
    const { env } = terraformEnvironment(scratch);
    const stacks: string[] = [];
    for (const { dir, overlay: o } of accepted) {
      const settings = resolveSettings(o);
      await ensureCertificates({
        dir: join(dir, settings.dockerHost.certsDir),
        serverNames: dockerHostCertificateNames(settings.region, settings.dockerHost.dns?.name),
      });
      process.env.SYNTH_HCL_OUTPUT = "true"; // as `cdktf synth --hcl` asks for it
      try {
        expect(main({ INFRA_CONFIG: join(dir, "infra.json"), CDKTF_OUTDIR: join(dir, "cdktf.out.hcl") })).toBe(0);
      } finally {
        delete process.env.SYNTH_HCL_OUTPUT;
      }
      stacks.push(join(dir, "cdktf.out", "stacks", "aws"), join(dir, "cdktf.out.hcl", "stacks", "aws"));
    }
    // Two at a time: each Terraform keeps about one core busy, and by now the other property tests are done.
    const results: { stack: string; init: string; validate: string }[] = [];
    const next = async (): Promise<void> => {
      const stack = stacks.shift();
      if (!stack) return;
      const init = await terraform(["init", "-backend=false", "-input=false", "-no-color"], stack, env);
      const validate = await terraform(["validate", "-no-color"], stack, env);
      results.push({ stack, init: init.stderr, validate: `${validate.stdout}${validate.stderr}` });
      return next();
    };
    await Promise.all([next(), next()]);
    expect(results).toHaveLength(accepted.length * 2);
    for (const { init, validate } of results) {
      expect(init).toBe("");
      // Valid and nothing more, JSON and HCL: a warning (a quoted reference, deprecated) would come before this line.
      expect(validate.trim()).toBe("Success! The configuration is valid.");
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}, 300_000);
