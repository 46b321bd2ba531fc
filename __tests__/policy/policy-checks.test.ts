import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aspects, Fn, TerraformLocal, TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { jsonDocument } from "../../constructs/json-document";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { DataAwsEbsVolume } from "@cdktf/provider-aws/lib/data-aws-ebs-volume";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { PolicyChecks, checkStack, suppressRule, suppressionsIn } from "../../policy/policy-checks";
import { RULES } from "../../policy/rules";
import { TLS_POLICY } from "../../constructs/service-load-balancer";
import { PLAIN_HTTP_REASON, settingsSchema } from "../../settings/schema";
import { projectRoot } from "../../settings/paths";
import { buildStacks, runApp } from "../helpers";

/** Synthesizes a stack holding what `build` adds, under the policy; returns the error message, if any. */
function synthWith(build: (stack: TerraformStack) => void): string | undefined {
  const stack = new TerraformStack(Testing.app(), "bad");
  new AwsProvider(stack, "aws", { region: "us-west-1" });
  build(stack);
  Aspects.of(stack).add(new PolicyChecks());
  try {
    Testing.synth(stack);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const good = { ami: "ami-0123456789abcdef0", instanceType: "t3.small" };
const imdsv2 = { httpTokens: "required", httpPutResponseHopLimit: 1 } as const;
const worldOn = (scope: Construct, port: number) =>
  new VpcSecurityGroupIngressRule(scope, `world-${port}`, {
    securityGroupId: "sg-0123",
    cidrIpv4: "0.0.0.0/0",
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    description: "open",
  });

const CERTIFICATE = "arn:aws:acm:us-west-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";
const balancer = (scope: Construct) => new Lb(scope, "lb", { name: "lb", subnets: ["subnet-1", "subnet-2"], dropInvalidHeaderFields: true, accessLogs: { bucket: "logs", enabled: true } });
const listener = (scope: Construct, id: string, lb: Lb, config: { port: number; protocol: string; sslPolicy?: string; redirect?: boolean }) =>
  new LbListener(scope, id, {
    loadBalancerArn: lb.arn,
    port: config.port,
    protocol: config.protocol,
    sslPolicy: config.sslPolicy,
    certificateArn: config.protocol === "HTTPS" ? CERTIFICATE : undefined,
    defaultAction: [
      config.redirect
        ? { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }
        : { type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:us-west-1:123456789012:targetgroup/t/0123456789abcdef" },
    ],
  });

// For each rule: a deliberately bad construct, and the violation it must produce.
const cases: Record<string, { build: (s: TerraformStack) => void; detail: RegExp }> = {
  CKV_AWS_79: {
    build: (s) => new Instance(s, "imdsv1", { ...good, rootBlockDevice: { encrypted: true } }),
    detail: /bad\/imdsv1: CKV_AWS_79 .*http_tokens is not "required"/,
  },
  CKV_AWS_8: {
    build: (s) =>
      new LaunchTemplate(s, "plain-disk", {
        metadataOptions: imdsv2,
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 30, encrypted: "false" } }],
      }),
    detail: /bad\/plain-disk: CKV_AWS_8 .*block device \/dev\/xvda is not encrypted/,
  },
  CKV_AWS_3: {
    build: (s) => new EbsVolume(s, "volume", { availabilityZone: "us-west-1a", size: 10 }),
    detail: /bad\/volume: CKV_AWS_3 .*encrypted is not true/,
  },
  CKV_AWS_24: { build: (s) => worldOn(s, 22), detail: /bad\/world-22: CKV_AWS_24 .*SSH \(port 22\) is open to 0\.0\.0\.0\/0/ },
  CKV_AWS_260: { build: (s) => worldOn(s, 80), detail: /bad\/world-80: CKV_AWS_260 .*HTTP \(port 80\) is open to 0\.0\.0\.0\/0/ },
  CKV_AWS_23: {
    build: (s) => new SecurityGroup(s, "undocumented", { name: "x", ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["10.0.0.0/8"] }] }),
    detail: /bad\/undocumented: CKV_AWS_23 .*aws_security_group has no description[\s\S]*ingress\[0\] has no description/,
  },
  CKV_AWS_63: {
    build: (s) =>
      new IamRolePolicy(s, "admin", {
        role: "r",
        // As the stack writes policies: jsonDocument(), with a reference, so only the resolved form shows it.
        policy: jsonDocument({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: Fn.lower("arn:aws:s3:::b") }] }),
      }),
    detail: /bad\/admin: CKV_AWS_63 .*allows every action/,
  },
  CKV_AWS_355: {
    build: (s) =>
      new IamRolePolicy(s, "everything", {
        role: "r",
        policy: jsonDocument({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "*" }] }),
      }),
    detail: /bad\/everything: CKV_AWS_355 .*allows s3:GetObject on every resource/,
  },
  CKV_AWS_65: { build: (s) => new EcsCluster(s, "blind", { name: "blind" }), detail: /bad\/blind: CKV_AWS_65 .*containerInsights is not enabled/ },
  CKV_AWS_334: {
    build: (s) =>
      new EcsTaskDefinition(s, "root", {
        family: "root",
        containerDefinitions: JSON.stringify([{ name: "app", image: "busybox:1.36", memory: 64, privileged: true }]),
      }),
    detail: /bad\/root: CKV_AWS_334 .*container app is privileged/,
  },
  "CKV_AWS_334 (jsonDocument)": {
    build: (s) =>
      new EcsTaskDefinition(s, "root", {
        family: "root",
        containerDefinitions: jsonDocument([{ name: "app", image: "busybox:1.36", memory: 64, privileged: true }]),
      }),
    detail: /bad\/root: CKV_AWS_334 .*container app is privileged/,
  },
  CKV_AWS_336: {
    build: (s) =>
      new EcsTaskDefinition(s, "writable", {
        family: "writable",
        containerDefinitions: JSON.stringify([{ name: "app", image: "busybox:1.36", memory: 64 }]),
      }),
    detail: /bad\/writable: CKV_AWS_336 .*container app: readonlyRootFilesystem is null/,
  },
  "CKV_AWS_63 (an unreadable policy)": {
    build: (s) => new IamRolePolicy(s, "opaque", { role: "r", policy: Fn.file("policy.json") }),
    detail: /bad\/opaque: CKV_AWS_63 .*the policy cannot be read as a JSON document/,
  },
  CKV2_AWS_9: {
    // Backed up: the first volume; not: the second, and the existing one attached by ID.
    build: (s) => {
      const kept = new EbsVolume(s, "kept", { availabilityZone: "us-west-1a", size: 10, encrypted: true });
      new EbsVolume(s, "unprotected", { availabilityZone: "us-west-1a", size: 10, encrypted: true });
      new DataAwsEbsVolume(s, "existing", { filter: [{ name: "volume-id", values: ["vol-0123456789abcdef0"] }] });
      new BackupSelection(s, "selection", { name: "data", planId: "plan", iamRoleArn: "arn:aws:iam::123456789012:role/backup", resources: [kept.arn] });
    },
    detail: /bad\/unprotected: CKV2_AWS_9 .*no aws_backup_selection names this volume[\s\S]*bad\/existing: CKV2_AWS_9/,
  },
  CKV2_AWS_11: {
    build: (s) => new Vpc(s, "dark", { cidrBlock: "10.0.0.0/16" }),
    detail: /bad\/dark: CKV2_AWS_11 .*no aws_flow_log records this VPC's traffic/,
  },
  CKV_AWS_91: {
    // A bucket alone does not turn an ALB's logging on: enabled defaults to false.
    build: (s) => {
      new Lb(s, "unlogged", { name: "unlogged", subnets: ["subnet-1", "subnet-2"], dropInvalidHeaderFields: true });
      new Lb(s, "bucket-only", { name: "bucket-only", subnets: ["subnet-1", "subnet-2"], dropInvalidHeaderFields: true, accessLogs: { bucket: "logs" } });
    },
    detail: /bad\/unlogged: CKV_AWS_91 .*access_logs is not enabled[\s\S]*bad\/bucket-only: CKV_AWS_91/,
  },
  CKV_AWS_2: {
    build: (s) => listener(s, "plain", balancer(s), { port: 80, protocol: "HTTP" }),
    detail: /bad\/plain: CKV_AWS_2 .*port 80 serves plain HTTP without redirecting to HTTPS; fix: set certificateArn .*plainHttp\.reason/,
  },
  CKV_AWS_103: {
    // TLS13 in the name is not enough: ELBSecurityPolicy-TLS13-1-0-2021-06 still accepts TLS 1.0.
    build: (s) => listener(s, "old-tls", balancer(s), { port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-0-2021-06" }),
    detail: /bad\/old-tls: CKV_AWS_103 .*ssl_policy ELBSecurityPolicy-TLS13-1-0-2021-06 accepts protocols older than TLS 1\.2; fix: .*TLS_POLICY in constructs\/service-load-balancer\.ts/,
  },
  "CKV_AWS_103 (plain HTTP)": {
    build: (s) => listener(s, "plain", balancer(s), { port: 80, protocol: "HTTP" }),
    detail: /bad\/plain: CKV_AWS_103 .*port 80 serves plain HTTP, without TLS; fix: set certificateArn/,
  },
  CKV2_AWS_20: {
    // HTTPS beside it does not make the HTTP listener safe: it must redirect.
    build: (s) => {
      const lb = balancer(s);
      listener(s, "https", lb, { port: 443, protocol: "HTTPS", sslPolicy: TLS_POLICY });
      listener(s, "plain", lb, { port: 80, protocol: "HTTP" });
    },
    detail: /bad\/lb: CKV2_AWS_20 .*aws_lb_listener\.plain takes HTTP on port 80 without redirecting it to HTTPS on 443; fix: set certificateArn/,
  },
  CKV_SECRET_13: {
    // Assembled here so that no key-shaped text sits in the repository.
    build: (s) => new TerraformLocal(s, "leak", ["-----BEGIN EC", "PRIVATE KEY-----\nMHcCAQEE\n-----END EC", "PRIVATE KEY-----\n"].join(" ")),
    detail: /bad\/leak: CKV_SECRET_13 .*holds a PEM private key/,
  },
};

describe("each rule fires on a deliberately bad construct, naming the path and the rule", () => {
  test("every rule has a case here", () => {
    expect([...new Set(Object.keys(cases).map((k) => k.split(" ")[0]))].sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test.each(Object.entries(cases))("%s", (_id, { build, detail }) => {
    expect(synthWith(build)).toMatch(detail);
  });
});

test("rules look at what they cover and nothing else: a compliant construct passes", () => {
  expect(
    synthWith((s) => {
      new Instance(s, "fine", { ...good, metadataOptions: imdsv2, rootBlockDevice: { encrypted: true } });
      new IamRole(s, "role", {
        assumeRolePolicy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      });
      new TerraformLocal(s, "key-path", Fn.file("certs/key.pem"));
      const lb = balancer(s);
      listener(s, "https", lb, { port: 443, protocol: "HTTPS", sslPolicy: TLS_POLICY });
      listener(s, "http", lb, { port: 80, protocol: "HTTP", redirect: true });
    }),
  ).toBeUndefined();
});

describe("every finding says what fixes it", () => {
  const CODE = "in code, not in settings: ";
  /** Whether `path` (dotted, `<key>` for any map key) is a setting, by the built-in settings. */
  const isSetting = (path: string) => {
    let value: unknown = settingsSchema.parse({});
    for (const part of path.split(".")) {
      if (!value || typeof value !== "object") return false;
      const record = value as Record<string, unknown>;
      value = part === "<key>" ? Object.values(record)[0] : part in record ? (record[part] ?? {}) : undefined;
    }
    return value !== undefined;
  };

  test.each(RULES.map((r) => [r.id, r.fix]))("%s names a setting to change, or the code", (_id, fix) => {
    const files = fix.match(/constructs\/[a-z-]+\.ts/g) ?? [];
    for (const file of files) expect(existsSync(join(projectRoot, file))).toBe(true);
    // Dotted names from a top-level setting are settings paths, and must exist (others, such as a task definition's
    // fields, are not settings).
    const topLevel = Object.keys(settingsSchema.parse({}));
    const paths = (fix.match(/(?<![\w/-])[a-z][A-Za-z]*(?:\.(?:<key>|[a-z][A-Za-z]*))+/g) ?? []).filter((p) => topLevel.includes(p.split(".")[0]));
    for (const path of paths) expect([path, isSetting(path)]).toEqual([path, true]);
    // Either a setting to change, or the code that makes what the rule reads.
    if (fix.startsWith(CODE)) expect(files.length).toBeGreaterThan(0);
    else expect(paths.length + (/\bcertificateArn\b/.test(fix) ? 1 : 0)).toBeGreaterThan(0);
  });

  test("in the message of the finding", () => {
    const message = synthWith((s) => worldOn(s, 22));
    expect(message).toMatch(/SSH \(port 22\) is open to 0\.0\.0\.0\/0; fix: set dockerHost\.adminCidrs to the address ranges you administer from/);
  });
});

test("all findings are reported at once", () => {
  const message = synthWith((s) => {
    worldOn(s, 22);
    new EbsVolume(s, "volume", { availabilityZone: "us-west-1a", size: 10 });
  });
  // SSH from anywhere; the volume unencrypted, and in no backup plan.
  expect(message).toMatch(/^3 policy violations:\n/);
});

test("backups, flow logs and access logs go off only with a reason, which becomes the rule's suppression", () => {
  const reason = "a throwaway test environment, rebuilt every night";
  for (const [settings, rule] of [
    [{ backups: { enabled: false } }, "CKV2_AWS_9"],
    [{ network: { flowLogs: { enabled: false } } }, "CKV2_AWS_11"],
    [{ accessLogs: { enabled: false } }, "CKV_AWS_91"],
  ] as const) {
    const [key, value] = Object.entries(settings)[0];
    expect(() => buildStacks(settings)).toThrow(/reason = .*expected a reason of at least 20 characters/s);
    const withReason = key === "network" ? { network: { flowLogs: { enabled: false, reason } } } : { [key]: { ...(value as object), reason } };
    const stacks = buildStacks(withReason);
    expect(checkStack(stacks.aws)).toEqual([]);
    expect(suppressionsIn(stacks.aws)).toContainEqual(expect.objectContaining({ rule, reason: expect.stringContaining(reason) }));
  }
  expect(checkStack(buildStacks().aws)).toEqual([]);
});

describe("plain HTTP on the load balancers", () => {
  const HTTP_RULES = ["CKV_AWS_2", "CKV_AWS_103", "CKV2_AWS_20"];
  const httpSuppressions = (overrides: unknown) => suppressionsIn(buildStacks(overrides).aws).filter((s) => HTTP_RULES.includes(s.rule));

  test("is what the built-in settings serve, for the reason they give, which the report shows", () => {
    expect(httpSuppressions({}).map((s) => [s.path, s.rule, s.reason])).toEqual(
      HTTP_RULES.map((rule) => ["aws", rule, `certificateArn is null (plainHttp.reason): ${PLAIN_HTTP_REASON}`]),
    );
    expect(PLAIN_HTTP_REASON).toMatch(/trying the stack out.*certificateArn/);
  });

  test("without a certificate, needs a reason: the error names certificateArn and the reason's setting", () => {
    expect(() => buildStacks({ plainHttp: { reason: null } })).toThrow(
      /plainHttp\.reason = null: expected a reason of at least 20 characters while certificateArn is null, for services\.web\.loadBalancer would serve plain HTTP/,
    );
    const reason = "an internal demo, reached only through a VPN";
    expect(httpSuppressions({ plainHttp: { reason } }).map((s) => s.reason)).toEqual(Array(3).fill(`certificateArn is null (plainHttp.reason): ${reason}`));
    // Nothing to serve HTTP, nothing to explain.
    const services = { web: null, db: null, api: null };
    expect(httpSuppressions({ plainHttp: { reason: null }, services })).toEqual([]);
  });

  test("with a certificate, needs no reason and is suppressed nowhere: HTTPS passes the rules", () => {
    const stacks = buildStacks({ certificateArn: CERTIFICATE, plainHttp: { reason: null } });
    expect(suppressionsIn(stacks.aws).filter((s) => HTTP_RULES.includes(s.rule))).toEqual([]);
    expect(checkStack(stacks.aws)).toEqual([]);
    expect(httpSuppressions({ certificateArn: CERTIFICATE })).toEqual([]);
  });
});

describe("suppressions", () => {
  test("exempt a construct and what it contains from one rule, and only that rule", () => {
    const message = synthWith((s) => {
      const rule = worldOn(s, 80);
      suppressRule(rule, "CKV_AWS_260", "a public web endpoint, reviewed and accepted");
      const ssh = worldOn(s, 22);
      suppressRule(ssh, "CKV_AWS_260", "the wrong rule does not exempt SSH");
    });
    expect(message).toMatch(/^1 policy violation:\n.*CKV_AWS_24/);
  });

  test("need a written reason and an existing rule", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => suppressRule(stack, "CKV_AWS_260", "because")).toThrow(/needs a reason of at least 20 characters/);
    expect(() => suppressRule(stack, "CKV_AWS_999", "a long enough reason for this")).toThrow(/no policy rule CKV_AWS_999/);
  });
});

describe("the app itself", () => {
  test.each([
    ["the built-in settings", {}],
    ["the options of the Terraform tests", JSON.parse(readFileSync(join(__dirname, "..", "terraform", "options", "settings.json"), "utf8"))],
  ])("synthesizes with none firing: %s", (_name, overrides) => {
    const stacks = buildStacks(overrides);
    for (const stack of Object.values(stacks)) {
      expect(checkStack(stack)).toEqual([]);
      expect(() => Testing.synth(stack)).not.toThrow();
    }
  });

  test("refuses, with nothing written, settings that would open SSH to the world", () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-"));
    const config = join(dir, "infra.json");
    writeFileSync(config, JSON.stringify({ dockerHost: { keyPair: "ops", adminCidrs: ["0.0.0.0/0"] } }));
    const { code, stderr } = runApp(config, join(dir, "out"));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Policy check failed, nothing was synthesized:\n1 policy violation:\naws\/docker-host\/ssh\/in-0: CKV_AWS_24 .*; fix: set dockerHost\.adminCidrs /);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});
