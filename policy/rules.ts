// Policy rules, each named after the checkov check it matches, over the resolved Terraform configuration of
// one element (the same shape as the synthesized JSON: snake_case keys, ${…} references).
import { decodeJsonDocument } from "../constructs/json-document";

export interface PolicyRule {
  /** The checkov check this rule matches. */
  readonly id: string;
  /** What the rule requires, in a line. */
  readonly title: string;
  /** Terraform types it looks at (`data.` prefixed for data sources); undefined: every element. */
  readonly types?: readonly string[];
  /** The violations in one element's configuration, empty when it complies. */
  check?(config: Config, type: string): string[];
  /**
   * For rules about how elements relate (checkov's graph checks, CKV2_*): the violations in a whole stack, each
   * on the element it is about.
   */
  checkStack?(stack: StackView): { address: string; detail: string }[];
}

/** A stack's resources and data sources of a type, with their resolved configuration and Terraform address. */
export interface StackView {
  of(type: string): { address: string; config: Config }[];
}

/** Whether any string in `value` refers to the Terraform `address` (${address.attribute}). */
function refersTo(value: unknown, address: string): boolean {
  return strings(value).some((s) => s.includes(`\${${address}.`));
}

type Config = Record<string, any>;

const WORLD = new Set(["0.0.0.0/0", "::/0"]);
const INGRESS_RULES = ["aws_vpc_security_group_ingress_rule", "aws_security_group_rule", "aws_security_group"];
const IAM_POLICIES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"];
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;

/** Ingress rules of an element, whichever way the rule is written, as [cidrs, from, to, protocol]. */
function ingress(config: Config, type: string): { cidrs: string[]; from: number; to: number; protocol: string }[] {
  const one = (r: Config, cidrs: string[]) => ({
    cidrs,
    from: Number(r.from_port ?? 0),
    to: Number(r.to_port ?? r.from_port ?? 65535),
    protocol: String(r.ip_protocol ?? r.protocol ?? "tcp"),
  });
  switch (type) {
    case "aws_vpc_security_group_ingress_rule":
      return [one(config, [config.cidr_ipv4, config.cidr_ipv6].filter(Boolean))];
    case "aws_security_group_rule":
      return config.type === "ingress" ? [one(config, [...(config.cidr_blocks ?? []), ...(config.ipv6_cidr_blocks ?? [])])] : [];
    case "aws_security_group":
      return (config.ingress ?? []).map((r: Config) => one(r, [...(r.cidr_blocks ?? []), ...(r.ipv6_cidr_blocks ?? [])]));
    default:
      return [];
  }
}

function openToWorld(port: number, name: string): PolicyRule["check"] {
  return (config, type) =>
    ingress(config, type)
      .filter((r) => r.cidrs.some((c) => WORLD.has(c)))
      .filter((r) => r.protocol === "-1" || r.protocol === "all" || (r.from <= port && port <= r.to))
      .map((r) => `${name} (port ${port}) is open to ${r.cidrs.filter((c) => WORLD.has(c)).join(", ")}`);
}

/**
 * A JSON document attribute as data: undefined when absent; an unreadable one is a finding of its own. (Before
 * references are resolved a document is one opaque token, a finding that policy-checks.ts then confirms on the
 * resolved configuration, where the document reads.)
 */
function document(value: unknown): { data?: any; problem?: string } {
  if (value === undefined || value === null) return {};
  try {
    return { data: decodeJsonDocument(String(value)) };
  } catch (error) {
    return { problem: `cannot be read as a JSON document, so it cannot be checked: ${(error as Error).message}` };
  }
}

function statements(value: unknown): { statements: Config[]; problems: string[] } {
  const { data, problem } = document(value);
  return { statements: ([] as Config[]).concat(data?.Statement ?? []), problems: problem ? [`the policy ${problem}`] : [] };
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : ([] as unknown[]).concat(v));

/** Every string in plain data; unresolved tokens (class instances) are not walked into. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && Object.getPrototypeOf(value) === Object.prototype) Object.values(value).forEach((v) => strings(v, out));
  return out;
}

export const RULES: readonly PolicyRule[] = [
  {
    id: "CKV2_AWS_9",
    title: "Every EBS data volume, created or attached, is in an AWS Backup plan",
    checkStack: (stack) => {
      const selections = stack.of("aws_backup_selection");
      return [...stack.of("aws_ebs_volume"), ...stack.of("data.aws_ebs_volume")]
        .filter((volume) => !selections.some((s) => refersTo(s.config.resources, volume.address)))
        .map((volume) => ({ address: volume.address, detail: "no aws_backup_selection names this volume" }));
    },
  },
  {
    id: "CKV2_AWS_11",
    title: "Every VPC has flow logs",
    checkStack: (stack) => {
      const logs = stack.of("aws_flow_log");
      return stack
        .of("aws_vpc")
        .filter((vpc) => !logs.some((l) => refersTo(l.config.vpc_id, vpc.address)))
        .map((vpc) => ({ address: vpc.address, detail: "no aws_flow_log records this VPC's traffic" }));
    },
  },
  {
    id: "CKV_AWS_91",
    title: "Load balancers write access logs",
    types: ["aws_lb", "aws_alb", "aws_elb"],
    check: (c, type) => {
      const logs = list(c.access_logs)[0] as Config | undefined;
      // Application load balancers log only with enabled = true; classic ELBs log unless it is false.
      const enabled = type === "aws_elb" ? logs?.enabled !== false : logs?.enabled === true;
      return logs && enabled && typeof logs.bucket === "string" && logs.bucket !== "" ? [] : ["access_logs is not enabled"];
    },
  },
  {
    id: "CKV_AWS_79",
    title: "Instance metadata service version 2 only (IMDSv2)",
    types: ["aws_instance", "aws_launch_template"],
    check: (c) => (c.metadata_options?.http_tokens === "required" ? [] : ["metadata_options.http_tokens is not \"required\""]),
  },
  {
    id: "CKV_AWS_8",
    title: "Encrypted EBS volumes on instances and launch templates",
    types: ["aws_instance", "aws_launch_template"],
    check: (c, type) => {
      if (type === "aws_instance") {
        return [
          ...(c.root_block_device?.encrypted === true ? [] : ["root_block_device.encrypted is not true"]),
          ...list(c.ebs_block_device)
            .filter((d: any) => d.encrypted !== true)
            .map((d: any) => `ebs_block_device ${d.device_name} is not encrypted`),
        ];
      }
      return list(c.block_device_mappings)
        .filter((m: any) => m.ebs && String(m.ebs.encrypted) !== "true")
        .map((m: any) => `block device ${m.device_name} is not encrypted`);
    },
  },
  {
    id: "CKV_AWS_3",
    title: "Encrypted EBS volumes",
    types: ["aws_ebs_volume"],
    check: (c) => (c.encrypted === true ? [] : ["encrypted is not true"]),
  },
  {
    id: "CKV_AWS_24",
    title: "No SSH (port 22) from 0.0.0.0/0 or ::/0",
    types: INGRESS_RULES,
    check: openToWorld(22, "SSH"),
  },
  {
    id: "CKV_AWS_260",
    title: "No HTTP (port 80) from 0.0.0.0/0 or ::/0",
    types: INGRESS_RULES,
    check: openToWorld(80, "HTTP"),
  },
  {
    id: "CKV_AWS_23",
    title: "Every security group and rule has a description",
    types: ["aws_security_group", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_security_group_rule"],
    check: (c, type) => {
      const missing = (d: unknown) => typeof d !== "string" || d.trim() === "";
      const problems = missing(c.description) ? [`${type} has no description`] : [];
      if (type === "aws_security_group") {
        for (const direction of ["ingress", "egress"]) {
          list(c[direction]).forEach((r: any, i) => missing(r.description) && problems.push(`${direction}[${i}] has no description`));
        }
      }
      return problems;
    },
  },
  {
    id: "CKV_AWS_63",
    title: "No IAM policy allows \"*\" as an action",
    types: [...IAM_POLICIES, "aws_iam_role"],
    check: (c, type) => {
      const policy = statements(type === "aws_iam_role" ? c.assume_role_policy : c.policy);
      return [
        ...policy.problems,
        ...policy.statements
          .filter((s) => s.Effect === "Allow" && list(s.Action).some((a) => a === "*" || a === "*:*"))
          .map(() => "a statement allows every action"),
      ];
    },
  },
  {
    id: "CKV_AWS_355",
    title: "No IAM policy allows \"*\" as a resource",
    types: IAM_POLICIES,
    check: (c) => {
      const policy = statements(c.policy);
      return [
        ...policy.problems,
        ...policy.statements
          .filter((s) => s.Effect === "Allow" && list(s.Resource).some((r) => r === "*"))
          .map((s) => `a statement allows ${list(s.Action).join(", ")} on every resource`),
      ];
    },
  },
  {
    id: "CKV_AWS_65",
    title: "ECS clusters have Container Insights",
    types: ["aws_ecs_cluster"],
    check: (c) =>
      list(c.setting).some((s: any) => s.name === "containerInsights" && ["enabled", "enhanced"].includes(s.value))
        ? []
        : ["containerInsights is not enabled"],
  },
  {
    id: "CKV_AWS_334",
    title: "No privileged ECS containers",
    types: ["aws_ecs_task_definition"],
    check: (c) => {
      const { data, problem } = document(c.container_definitions);
      if (problem) return [`container_definitions ${problem}`];
      return ([] as Config[]).concat(data ?? []).filter((x) => x.privileged === true).map((x) => `container ${x.name} is privileged`);
    },
  },
  {
    id: "CKV_SECRET_13",
    title: "No private key in the synthesized configuration",
    check: (c) => (strings(c).some((s) => PRIVATE_KEY.test(s)) ? ["holds a PEM private key"] : []),
  },
];
