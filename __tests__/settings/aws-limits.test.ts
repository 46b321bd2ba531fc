// What AWS, S3 and Terraform would refuse in names, schedules, ranges and ARNs is refused at synth: each rule with
// its exact message and the edge values it still accepts (a few through the real entry point: aws-limits.cli.test.ts).
import { settingsProblems } from "../helpers";
import { backupScheduleProblem, cronMinutes } from "../../settings/aws-cron";
import { dnsNameProblem, keyPairNameProblem } from "../../settings/aws-names";
import { AWS_RULES } from "../../settings/aws-rules";
import { unusableRange } from "../../settings/cidr";
import { showValue } from "../../settings/errors";
import { backendKeyProblem, bucketNameProblem, bucketPrefixProblem } from "../../settings/s3-names";

const LABEL = "prod.json";

/** The problem lines resolveSettings reports for `overrides` (none when they are accepted). */
const problems = (overrides: unknown) => settingsProblems(overrides, LABEL);

const line = (path: string, value: unknown, expected: string) => `${LABEL}: ${path} = ${showValue(value)}: ${expected}`;

describe("names and lengths", () => {
  // A cluster of its own, so that the default services keep theirs; without patching, whose SSM names have a
  // shorter limit of their own (tested below).
  const unpatched = { enabled: false, reason: "a test of the other limits" };
  const cluster = (name: string, dataVolume: object | null = null, patching: object = unpatched) => ({ clusters: { c: { name, capacity: { type: "instance", dataVolume, patching } } } });

  test("an instance cluster's patching names its SSM resources <prefix>-<name>-install-patches: 128 characters pass, 129 do not; without patching, or prefixed by an environment, the limit moves", () => {
    const patched = {};
    expect(problems(cluster("c".repeat(108), null, patched))).toEqual([]);
    const long = "c".repeat(109);
    const rule = `expected at most 108 characters: ${AWS_RULES.ssmPatchingName.rule}`;
    expect(problems(cluster(long, null, patched))).toEqual([line("clusters.c.name", long, rule)]);
    expect(problems(cluster(long))).toEqual([]);
    expect(problems({ environment: "prod", ...cluster("c".repeat(103), null, patched) })).toEqual([]);
    expect(problems({ environment: "prod", ...cluster("c".repeat(104), null, patched) })).toEqual([
      line("clusters.c.name", "c".repeat(104), `expected at most 103 characters: ${AWS_RULES.ssmPatchingName.rule}`),
    ]);
  });

  test("an auto-scaling cluster's launch template name <prefix>-<name>: 125 characters pass, 126 do not (the AWS provider's limit, under EC2's 128)", () => {
    expect(problems({ clusters: { b: { name: "m".repeat(121) } } })).toEqual([]);
    const long = "m".repeat(122);
    expect(problems({ clusters: { b: { name: long } } })).toEqual([line("clusters.b.name", long, `expected at most 121 characters: ${AWS_RULES.launchTemplateName.rule}`)]);
  });

  test("an ECS cluster name plus the environment over 255 is refused, naming both settings; 255 is not", () => {
    const name = "c".repeat(251);
    expect(problems({ environment: "prod", ...cluster(name) })).toEqual([
      line("clusters.c.name", name, `expected at most 250 characters: the ECS cluster name <clusters.c.name>-<environment> would have 256; ${AWS_RULES.ecsClusterName.rule}`),
      line("clusters.c.name", name, `expected at most 247 characters: the Name tag <project>-<environment>-<clusters.c.name> would have 260; ${AWS_RULES.nameTag.rule}`),
    ]);
    expect(problems({ environment: "prod", ...cluster("c".repeat(250)) }).join("\n")).not.toMatch(/the ECS cluster name/);
  });

  test("a Name tag over 256 is refused; exactly 256 is accepted (soa-<252>, soa-<247>-data)", () => {
    expect(problems(cluster("c".repeat(252)))).toEqual([]);
    expect(problems(cluster("c".repeat(247), {}))).toEqual([]);
    const long = "c".repeat(253);
    expect(problems(cluster(long))).toEqual([
      line("clusters.c.name", long, `expected at most 252 characters: the Name tag <project>-<clusters.c.name> would have 257; ${AWS_RULES.nameTag.rule}`),
    ]);
    const withData = "c".repeat(248);
    expect(problems(cluster(withData, {}))).toEqual([
      line("clusters.c.name", withData, `expected at most 247 characters: the Name tag <project>-<clusters.c.name>-data would have 257; ${AWS_RULES.nameTag.rule}`),
    ]);
  });

  test("key pair names: 255 ASCII characters pass; 256, non-ASCII, control characters and outer spaces do not", () => {
    expect(keyPairNameProblem("k".repeat(255))).toBeUndefined();
    expect(keyPairNameProblem("my key (2024)!")).toBeUndefined();
    expect(keyPairNameProblem("k".repeat(256))).toBe(`expected at most 255 characters, not 256: ${AWS_RULES.keyPairName.rule}`);
    const ascii = `expected printable ASCII characters only, no control or non-ASCII characters: ${AWS_RULES.keyPairName.rule}`;
    expect(keyPairNameProblem("clé")).toBe(ascii);
    expect(keyPairNameProblem("key\tpair")).toBe(ascii);
    expect(keyPairNameProblem("key\u007f")).toBe(ascii);
    expect(keyPairNameProblem(" key")).toBe(`expected no leading or trailing spaces: ${AWS_RULES.keyPairName.rule}`);
    expect(problems({ dockerHost: { keyPair: "clé" } })).toEqual([line("dockerHost.keyPair", "clé", ascii)]);
  });

  test("DNS names: 253 characters and 63-character labels pass; 254, or a 64-character label, do not", () => {
    const name253 = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`;
    expect(name253).toHaveLength(253);
    expect(dnsNameProblem(name253)).toBeUndefined();
    const name254 = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(58)}.com`;
    expect(dnsNameProblem(name254)).toBe(`expected at most 253 characters, not 254: ${AWS_RULES.dnsName.rule}`);
    expect(dnsNameProblem(`${"a".repeat(64)}.com`)).toBe(`expected labels of at most 63 characters, not 64: ${AWS_RULES.dnsName.rule}`);
    const dns = (name: string) => ({ dockerHost: { dns: { hostedZoneId: "Z0123456789ABC", name } } });
    expect(problems(dns(name253))).toEqual([]);
    expect(problems(dns(name254))).toEqual([line("dockerHost.dns.name", name254, `expected at most 253 characters, not 254: ${AWS_RULES.dnsName.rule}`)]);
    const label64 = `${"a".repeat(64)}.example.com`;
    expect(problems(dns(label64))).toEqual([line("dockerHost.dns.name", label64, `expected a DNS name such as docker.example.com: ${AWS_RULES.dnsName.rule}`)]);
  });

  test("health check paths: 1024 characters pass, 1025 do not", () => {
    const path = (n: number) => `/${"p".repeat(n - 1)}`;
    const lb = (healthCheckPath: string) => ({ services: { web: { loadBalancer: { healthCheckPath } } } });
    expect(problems(lb(path(1024)))).toEqual([]);
    const long = path(1025);
    expect(problems(lb(long))).toEqual([
      line("services.web.loadBalancer.healthCheckPath", long, `expected at most 1024 characters, not 1025: ${AWS_RULES.healthCheckPath.rule}`),
    ]);
  });
});

describe("S3 bucket names and state keys", () => {
  const rule = AWS_RULES.s3BucketName.rule;
  test.each([
    ["ab", "expected 3 to 63 characters, not 2"],
    ["a".repeat(64), "expected 3 to 63 characters, not 64"],
    ["My-bucket", "expected only lower-case letters, digits, '.' and '-'"],
    ["my_bucket", "expected only lower-case letters, digits, '.' and '-'"],
    ["-bucket", "expected a letter or digit first and last"],
    ["bucket.", "expected a letter or digit first and last"],
    ["my..bucket", "expected no two adjacent periods"],
    ["192.168.5.4", "expected a name that is not formatted as an IP address"],
    ["xn--bucket", "expected a name that does not begin with xn--, which S3 reserves"],
    ["sthree-bucket", "expected a name that does not begin with sthree-, which S3 reserves"],
    ["amzn-s3-demo-bucket", "expected a name that does not begin with amzn-s3-demo-, which S3 reserves"],
    ["bucket-s3alias", "expected a name that does not end with -s3alias, which S3 reserves"],
    ["bucket--ol-s3", "expected a name that does not end with --ol-s3, which S3 reserves"],
    ["bucket.mrap", "expected a name that does not end with .mrap, which S3 reserves"],
    ["bucket--x-s3", "expected a name that does not end with --x-s3, which S3 reserves"],
    ["bucket--table-s3", "expected a name that does not end with --table-s3, which S3 reserves"],
  ])("%s is refused", (name, expected) => {
    expect(bucketNameProblem(name)).toBe(`${expected}: ${rule}`);
  });

  test.each(["abc", "a".repeat(63), "my.state.bucket", "192.168.5.4a", "xn-bucket", "bucket-s3", "my-sthree-bucket"])("%s is accepted", (name) => {
    expect(bucketNameProblem(name)).toBeUndefined();
  });

  test("the state bucket: a reserved name is refused once, a malformed one once", () => {
    expect(problems({ state: { bucket: "sthree-state" } })).toEqual([
      line("state.bucket", "sthree-state", `expected a name that does not begin with sthree-, which S3 reserves: ${rule}`),
    ]);
    expect(problems({ state: { bucket: "a..b" } })).toEqual([line("state.bucket", "a..b", `expected no two adjacent periods: ${rule}`)]);
    expect(problems({ state: { bucket: "AB" } })).toEqual([line("state.bucket", "AB", `expected an S3 bucket name: ${rule}`)]);
    expect(problems({ state: { bucket: "my-state-s3alias-x" } })).toEqual([]);
  });

  test("the access log bucket's prefix, from project and environment: reserved prefixes are refused", () => {
    expect(bucketPrefixProblem("soa-prod-lb-logs-")).toBeUndefined();
    expect(bucketPrefixProblem("p".repeat(37))).toBeUndefined();
    expect(bucketPrefixProblem("p".repeat(38))).toBe(`expected a bucket name prefix of at most 37 characters (the AWS provider appends 26), not 38: ${rule}`);
    expect(problems({ project: "xn--soa" })).toEqual([
      line("project", "xn--soa", `expected a name that does not begin with xn--, which S3 reserves: ${rule} (the access log bucket's name begins with xn--soa-lb-logs-, from project and environment)`),
    ]);
    // No bucket without access logs: nothing to refuse.
    expect(problems({ project: "xn--soa", accessLogs: { enabled: false, reason: "logs go elsewhere in this test setup" } })).toEqual([]);
  });

  test("state keys: no leading or trailing slash, no //", () => {
    const rule = AWS_RULES.s3BackendKey.rule;
    expect(backendKeyProblem("soa/prod")).toBeUndefined();
    expect(backendKeyProblem("/soa")).toBe(`expected no "/" at the start or the end: ${rule}`);
    expect(backendKeyProblem("soa/")).toBe(`expected no "/" at the start or the end: ${rule}`);
    expect(backendKeyProblem("soa//prod")).toBe(`expected no "//": ${rule}`);
    expect(backendKeyProblem(" ")).toBe(`expected a key that is not empty or all whitespace: ${rule}`);
    expect(problems({ state: { keyPrefix: "soa//prod" } })).toEqual([line("state.keyPrefix", "soa//prod", `expected no "//": ${rule}`)]);
    expect(problems({ state: { keyPrefix: "soa/prod/" } })).toEqual([line("state.keyPrefix", "soa/prod/", `expected no "/" at the start or the end: ${rule}`)]);
  });
});

describe("AWS Backup schedules", () => {
  const rule = AWS_RULES.backupSchedule.rule;
  test.each([
    "cron(0 3 * * ? *)",
    "cron(0 * * * ? *)",
    "cron(59 23 ? * SUN *)",
    "cron(30 0/2 ? * MON-FRI *)",
    "cron(15 4 L * ? 2030-2199)",
    "cron(0 5 ? * 3#2 *)",
    "cron(0 5 15W JAN,JUL ? *)",
    "cron(5-5 1 1 * ? *)",
  ])("%s (at most hourly) is accepted", (schedule) => {
    expect(backupScheduleProblem(schedule)).toBeUndefined();
  });

  test.each([
    ["cron(* 3 * * ? *)", "expected one minute of the hour in the minutes field, not 60"],
    ["cron(0/30 * * * ? *)", "expected one minute of the hour in the minutes field, not 2"],
    ["cron(0,30 3 * * ? *)", "expected one minute of the hour in the minutes field, not 2"],
    ["cron(10-12 3 * * ? *)", "expected one minute of the hour in the minutes field, not 3"],
    ["cron(60 3 * * ? *)", 'minutes field "60": expected values from 0 to 59, not 60'],
    ["cron(0 24 * * ? *)", 'hours field "24": expected values from 0 to 23, not 24'],
    ["cron(0 3 0 * ? *)", 'day-of-month field "0": expected values from 1 to 31, not 0'],
    ["cron(0 3 ? 13 MON *)", 'month field "13": expected values from 1 to 12, not 13'],
    ["cron(0 3 ? * 8 *)", 'day-of-week field "8": expected values from 1 to 7, not 8'],
    ["cron(0 3 * * ? 2200)", 'year field "2200": expected values from 1970 to 2199, not 2200'],
    ["cron(0 3 * * MON *)", "expected ? in exactly one of day-of-month and day-of-week: AWS Backup does not take a value in both"],
    ["cron(0 3 ? * ? *)", "expected ? in exactly one of day-of-month and day-of-week: AWS Backup does not take a value in both"],
    ["cron(0 3 * * ?)", "expected six cron fields separated by single spaces (minutes hours day-of-month month day-of-week year), such as cron(0 3 * * ? *) (daily 03:00 UTC)"],
    ["rate(1 day)", "expected an AWS Backup cron expression such as cron(0 3 * * ? *) (daily 03:00 UTC)"],
  ])("%s is refused", (schedule, expected) => {
    expect(backupScheduleProblem(schedule)).toBe(`${expected}: ${rule}`);
  });

  test("the minutes a field names", () => {
    expect(cronMinutes("0")).toEqual([0]);
    expect(cronMinutes("*/15")).toEqual([0, 15, 30, 45]);
    expect(cronMinutes("50/5")).toEqual([50, 55]);
    expect(cronMinutes("1-3,2")).toEqual([1, 2, 3]);
  });

  test("backups.schedule is checked at synth, naming the field", () => {
    expect(problems({ backups: { schedule: "cron(*/5 * * * ? *)" } })).toEqual([
      line("backups.schedule", "cron(*/5 * * * ? *)", `expected one minute of the hour in the minutes field, not 12: ${rule}`),
    ]);
    expect(problems({ backups: { schedule: "0 3 * * *" } })).toEqual([
      line("backups.schedule", "0 3 * * *", `expected an AWS Backup cron expression such as cron(0 3 * * ? *): ${rule}`),
    ]);
  });
});

describe("network ranges", () => {
  const net = (vpcCidr: string, publicSubnetCidrs: string[]) => ({ network: { vpcCidr, publicSubnetCidrs } });
  test.each([
    ["0.0.0.0/16", '0.0.0.0/8 ("this network")'],
    ["127.0.0.0/16", "127.0.0.0/8 (loopback)"],
    ["169.254.0.0/16", "169.254.0.0/16 (link-local (the instance metadata service, DNS and time servers live there))"],
    ["224.1.0.0/16", "224.0.0.0/4 (multicast)"],
    ["239.255.0.0/16", "224.0.0.0/4 (multicast)"],
    ["250.0.0.0/16", "240.0.0.0/4 (reserved)"],
  ])("a VPC in %s is refused", (vpc, range) => {
    const [a, b] = vpc.split(".");
    expect(problems(net(vpc, [`${a}.${b}.0.0/24`, `${a}.${b}.1.0/24`]))).toEqual([
      line("network.vpcCidr", vpc, `expected a block outside ${range}: ${AWS_RULES.vpcRange.rule}`),
    ]);
  });

  test.each(["1.0.0.0/16", "126.255.0.0/16", "128.0.0.0/16", "169.253.0.0/16", "169.255.0.0/16", "223.255.0.0/16", "10.0.0.0/16"])("a VPC in %s is accepted", (vpc) => {
    expect(unusableRange(vpc)).toBeUndefined();
    const [a, b] = vpc.split(".");
    expect(problems(net(vpc, [`${a}.${b}.0.0/24`, `${a}.${b}.1.0/24`]))).toEqual([]);
  });

  test("a load balancer's subnets: /27 is accepted, /28 refused", () => {
    expect(problems(net("10.20.0.0/16", ["10.20.0.0/27", "10.20.0.32/27"]))).toEqual([]);
    expect(problems(net("10.20.0.0/16", ["10.20.0.0/27", "10.20.0.32/28"]))).toEqual([
      line("network.publicSubnetCidrs[1]", "10.20.0.32/28", `expected a /27 or larger block for the load balancer of services.web: ${AWS_RULES.albSubnetSize.rule}`),
    ]);
    // Without a load balancer, a /28 is fine.
    const noBalancers = { services: { web: { loadBalancer: null }, db: { loadBalancer: null }, api: { loadBalancer: null } } };
    expect(problems({ ...net("10.20.0.0/16", ["10.20.0.0/28", "10.20.0.16/28"]), ...noBalancers })).toEqual([]);
  });

  describe("the Docker host's admin ranges: as many as its security groups can hold", () => {
    const ranges = (count: number, same = false) => Array.from({ length: count }, (_, i) => (same ? "198.51.100.0/24" : `10.${i >> 8}.${i & 255}.0/24`));
    const admin = (count: number, keyPair: string | null = null) => ({ dockerHost: { adminCidrs: ranges(count), keyPair } });

    test("500 with the API's and the web's groups on its interface, 333 with SSH's too (1,000 rules per interface)", () => {
      expect(problems(admin(500))).toEqual([]);
      expect(problems(admin(501))).toEqual([line("dockerHost.adminCidrs", ranges(501), `expected at most 500 ranges, not 501: ${AWS_RULES.securityGroupRules.rule}`)]);
      expect(problems(admin(333, "ops"))).toEqual([]);
      expect(problems(admin(334, "ops"))).toEqual([line("dockerHost.adminCidrs", ranges(334), `expected at most 333 ranges, not 334: ${AWS_RULES.securityGroupRules.rule}`)]);
    });

    test("a duplicate among tens of thousands is found in time linear in the list (it was quadratic: 60,000 took 11 s, 20,000 here 5 s)", () => {
      const listed = [...ranges(20_000), "10.0.1.0/24"];
      const started = performance.now();
      const found = problems({ dockerHost: { adminCidrs: listed } });
      expect(performance.now() - started).toBeLessThan(3000);
      expect(found).toEqual([
        line("dockerHost.adminCidrs", listed, `expected at most 500 ranges, not 20001: ${AWS_RULES.securityGroupRules.rule}`),
        line("dockerHost.adminCidrs[20000]", "10.0.1.0/24", `expected a block not already listed as adminCidrs[1] (${AWS_RULES.duplicateRule.source})`),
      ]);
    });
  });
});

describe("counts AWS and Linux cannot exceed", () => {
  test("at most 499 clusters with a data volume while backups are on: one backup selection names them and the Docker host's, 500 ARNs at most", () => {
    const clusters = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`c${i}`, { name: `data${i}`, capacity: { type: "instance", dataVolume: {} } }]));
    // Cluster a of the defaults has a data volume too.
    expect(problems({ clusters: clusters(498) })).toEqual([]);
    expect(problems({ clusters: clusters(499) })).toEqual([
      expect.stringMatching(/^prod\.json: clusters = \{"a":.*\.\.\.: expected at most 499 clusters with a data volume while backups are on, not 500: An AWS Backup selection names at most 500/),
    ]);
    expect(problems({ clusters: clusters(499), backups: { enabled: false, reason: "the data is rebuilt from upstream on every start" } })).toEqual([]);
  });

  test("at most 1,023 Docker containers: each takes a port of the one bridge network", () => {
    const containers = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`c${i}`, { image: "nginx:1.27", healthcheck: { test: ["NONE"] } }]));
    // The defaults have one container.
    expect(problems({ docker: { containers: containers(1022) } })).toEqual([]);
    expect(problems({ docker: { containers: containers(1023) } })).toEqual([
      expect.stringMatching(/^prod\.json: docker\.containers = \{"elastic":.*\.\.\.: expected at most 1023 containers, not 1024: A Docker bridge network holds at most 1,023 containers/),
    ]);
  });
});

describe("KMS key ARNs", () => {
  const secret = "arn:aws:secretsmanager:us-west-1:123456789012:secret:registry-AbCdEf";
  const withKey = (key: string) => ({ registryCredentialsSecretArn: secret, registryCredentialsKmsKeyArn: key });
  test.each([
    "arn:aws:kms:us-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
    "arn:aws:kms:us-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  ])("%s is accepted", (key) => {
    expect(problems(withKey(key))).toEqual([]);
  });

  test.each([
    "arn:aws:kms:us-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890a",
    "arn:aws:kms:us-west-1:123456789012:key/mrk-1234ABCD12ab34cd56ef1234567890ab",
    "arn:aws:kms:us-west-1:123456789012:key/------------------------------------",
  ])("%s is refused", (key) => {
    expect(problems(withKey(key))).toEqual([
      line("registryCredentialsKmsKeyArn", key, `expected an ARN like arn:aws:kms:us-west-1:123456789012:key/1234abcd-… or …:key/mrk-… (${AWS_RULES.kmsKeyArn.rule})`),
    ]);
  });
});
