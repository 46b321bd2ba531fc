// Policy rules, each named after the checkov check it matches, over the resolved Terraform configuration of
// one element (the same shape as the synthesized JSON: snake_case keys, ${…} references).
import { decodeJsonDocument } from "./synthesized";

export interface PolicyRule {
  /** The checkov check this rule matches. */
  readonly id: string;
  /** What the rule requires, in a line. */
  readonly title: string;
  /**
   * What a user changes to comply: the settings path, or, where only code makes what the rule reads, which code.
   * Every finding's message ends with it.
   */
  readonly fix: string;
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

/** A reference to an element's attribute in a Terraform string: `${aws_lb.web.arn}`, `${data.aws_ebs_volume.v.id}`. */
const REFERENCE = /\$\{((?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\./g;

/**
 * The addresses of the elements any string in `value` refers to (`${address.attribute}`): found once, then looked
 * up, since testing every pair of elements took time growing with the square of the stack (3,200 services, 6 s).
 */
function referencedAddresses(value: unknown): Set<string> {
  const found = new Set<string>();
  for (const text of strings(value)) for (const [, address] of text.matchAll(REFERENCE)) found.add(address);
  return found;
}

type Config = Record<string, any>;

const WORLD = new Set(["0.0.0.0/0", "::/0"]);
const INGRESS_RULES = ["aws_vpc_security_group_ingress_rule", "aws_security_group_rule", "aws_security_group"];
const IAM_POLICIES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"];
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const LISTENERS = ["aws_lb_listener", "aws_alb_listener"];
/** Security policies whose oldest protocol is TLS 1.2, by the name prefixes checkov accepts for CKV_AWS_103. */
const TLS12_OR_LATER = /^ELBSecurityPolicy-(FS-1-2|TLS-1-2|TLS13-1-2|TLS13-1-3)-/;
const PLAIN_HTTP_FIX = "set certificateArn to an ACM certificate (HTTPS, with HTTP redirected to it), or give plainHttp.reason";

/** Whether a listener's default action redirects to HTTPS (on 443 when `port` says so). */
function redirectsToHttps(listener: Config, port?: string): boolean {
  return list(listener.default_action).some((action: any) =>
    list(action.redirect).some((r: any) => r.protocol === "HTTPS" && (port === undefined || String(r.port) === port)),
  );
}

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

/** A rule whose every finding ends with what fixes it. */
function withFix(rule: PolicyRule): PolicyRule {
  const told = (detail: string) => `${detail}; fix: ${rule.fix}`;
  const { check, checkStack } = rule;
  return {
    ...rule,
    check: check && ((config, type) => check(config, type).map(told)),
    checkStack: checkStack && ((stack) => checkStack(stack).map((f) => ({ ...f, detail: told(f.detail) }))),
  };
}

export const RULES: readonly PolicyRule[] = ([
  {
    id: "CKV2_AWS_9",
    title: "Every EBS data volume, created or attached, is in an AWS Backup plan",
    fix: "set backups.enabled to true (every data volume joins the plan), or to false with backups.reason",
    checkStack: (stack) => {
      const selected = referencedAddresses(stack.of("aws_backup_selection").map((s) => s.config.resources));
      return [...stack.of("aws_ebs_volume"), ...stack.of("data.aws_ebs_volume")]
        .filter((volume) => !selected.has(volume.address))
        .map((volume) => ({ address: volume.address, detail: "no aws_backup_selection names this volume" }));
    },
  },
  {
    id: "CKV2_AWS_11",
    title: "Every VPC has flow logs",
    fix: "set network.flowLogs.enabled to true, or to false with network.flowLogs.reason",
    checkStack: (stack) => {
      const logged = referencedAddresses(stack.of("aws_flow_log").map((l) => l.config.vpc_id));
      return stack
        .of("aws_vpc")
        .filter((vpc) => !logged.has(vpc.address))
        .map((vpc) => ({ address: vpc.address, detail: "no aws_flow_log records this VPC's traffic" }));
    },
  },
  {
    id: "CKV_AWS_91",
    title: "Load balancers write access logs",
    fix: "set accessLogs.enabled to true, or to false with accessLogs.reason",
    types: ["aws_lb", "aws_alb", "aws_elb"],
    check: (c, type) => {
      const logs = list(c.access_logs)[0] as Config | undefined;
      // Application load balancers log only with enabled = true; classic ELBs log unless it is false.
      const enabled = type === "aws_elb" ? logs?.enabled !== false : logs?.enabled === true;
      return logs && enabled && typeof logs.bucket === "string" && logs.bucket !== "" ? [] : ["access_logs is not enabled"];
    },
  },
  {
    id: "CKV_AWS_2",
    title: "Load balancer listeners serve HTTPS (or TLS), or redirect HTTP to HTTPS",
    fix: PLAIN_HTTP_FIX,
    types: LISTENERS,
    check: (c) => {
      const protocol = c.protocol ?? "HTTP";
      if (["HTTPS", "TLS", "TCP", "UDP", "TCP_UDP"].includes(protocol) || (protocol === "HTTP" && redirectsToHttps(c))) return [];
      return [`port ${c.port} serves plain ${protocol} without redirecting to HTTPS`];
    },
  },
  {
    id: "CKV_AWS_103",
    title: "HTTPS and TLS listeners accept TLS 1.2 or later only; HTTP ones redirect to HTTPS",
    fix: `${PLAIN_HTTP_FIX}; the TLS policy itself is in code, not in settings: TLS_POLICY in constructs/service-load-balancer.ts`,
    types: LISTENERS,
    check: (c) => {
      const protocol = c.protocol ?? "HTTP";
      if (["HTTPS", "TLS"].includes(protocol)) {
        if (typeof c.ssl_policy === "string" && TLS12_OR_LATER.test(c.ssl_policy)) return [];
        // Without one, AWS applies ELBSecurityPolicy-2016-08, which accepts TLS 1.0.
        return [`ssl_policy ${c.ssl_policy ?? "(none: AWS's default accepts TLS 1.0)"} accepts protocols older than TLS 1.2`];
      }
      if (["TCP", "UDP", "TCP_UDP"].includes(protocol) || redirectsToHttps(c)) return [];
      return [`port ${c.port} serves plain ${protocol}, without TLS`];
    },
  },
  {
    id: "CKV2_AWS_20",
    title: "Application load balancers redirect HTTP to HTTPS",
    fix: PLAIN_HTTP_FIX,
    checkStack: (stack) => {
      // Each load balancer's listeners, in their order.
      const onBalancer = new Map<string, { address: string; config: Config }[]>();
      for (const listener of LISTENERS.flatMap((type) => stack.of(type))) {
        for (const address of referencedAddresses(listener.config.load_balancer_arn)) {
          const listeners = onBalancer.get(address);
          if (listeners) listeners.push(listener);
          else onBalancer.set(address, [listener]);
        }
      }
      return ["aws_lb", "aws_alb"]
        .flatMap((type) => stack.of(type))
        .filter((lb) => (lb.config.load_balancer_type ?? "application") === "application")
        .flatMap((lb) =>
          (onBalancer.get(lb.address) ?? [])
            .filter((l) => (l.config.protocol ?? "HTTP") === "HTTP" || Number(l.config.port) === 80)
            .filter((l) => !(Number(l.config.port) === 80 && (l.config.protocol ?? "HTTP") === "HTTP" && redirectsToHttps(l.config, "443")))
            .map((l) => ({ address: lb.address, detail: `${l.address} takes HTTP on port ${l.config.port} without redirecting it to HTTPS on 443` })),
        );
    },
  },
  {
    id: "CKV_AWS_79",
    title: "Instance metadata service version 2 only (IMDSv2)",
    fix: "in code, not in settings: IMDSV2_ONLY in constructs/instance-defaults.ts, for every instance and launch template",
    types: ["aws_instance", "aws_launch_template"],
    check: (c) => (c.metadata_options?.http_tokens === "required" ? [] : ["metadata_options.http_tokens is not \"required\""]),
  },
  {
    id: "CKV_AWS_8",
    title: "Encrypted EBS volumes on instances and launch templates",
    fix: "in code, not in settings: encryptedRoot() in constructs/instance-defaults.ts, for every instance and launch template",
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
    fix: "in code, not in settings: constructs/persistent-volume.ts creates the data volumes (a volumeId setting attaches one it does not create)",
    types: ["aws_ebs_volume"],
    check: (c) => (c.encrypted === true ? [] : ["encrypted is not true"]),
  },
  {
    id: "CKV_AWS_24",
    title: "No SSH (port 22) from 0.0.0.0/0 or ::/0",
    fix:
      "set dockerHost.adminCidrs to the address ranges you administer from, or dockerHost.keyPair to null for no SSH at all " +
      "(that is the Docker host's SSH rule; another rule whose ports include 22 comes from code: narrow it there)",
    types: INGRESS_RULES,
    check: openToWorld(22, "SSH"),
  },
  {
    id: "CKV_AWS_260",
    title: "No HTTP (port 80) from 0.0.0.0/0 or ::/0",
    fix: "in code, not in settings: only constructs/ecs-firewalls.ts and constructs/docker-host.ts open HTTP to anywhere, each rule suppressed with its reason",
    types: INGRESS_RULES,
    check: openToWorld(80, "HTTP"),
  },
  {
    id: "CKV_AWS_23",
    title: "Every security group and rule has a description",
    fix: "in code, not in settings: Firewall in constructs/firewall.ts, which takes a description for every group and rule",
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
    fix: "in code, not in settings: the statements of constructs/iam.ts and of the constructs that grant access",
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
    fix: "in code, not in settings: the statements of constructs/iam.ts and of the constructs that grant access",
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
    fix: "in code, not in settings: constructs/ecs-cluster.ts turns Container Insights on",
    types: ["aws_ecs_cluster"],
    check: (c) =>
      list(c.setting).some((s: any) => s.name === "containerInsights" && ["enabled", "enhanced"].includes(s.value))
        ? []
        : ["containerInsights is not enabled"],
  },
  {
    id: "CKV_AWS_334",
    title: "No privileged ECS containers",
    fix: "remove privileged from that container in the file services.<key>.taskDefinition names",
    types: ["aws_ecs_task_definition"],
    check: (c) => {
      const { data, problem } = document(c.container_definitions);
      if (problem) return [`container_definitions ${problem}`];
      return ([] as Config[]).concat(data ?? []).filter((x) => x.privileged === true).map((x) => `container ${x.name} is privileged`);
    },
  },
  {
    // As checkov's ECSContainerReadOnlyRoot: every container of the task definition, not just one, has it true.
    id: "CKV_AWS_336",
    title: "ECS containers have read-only root filesystems",
    fix: 'set "readonlyRootFilesystem": true on that container in the file services.<key>.taskDefinition names, with a linuxParameters.tmpfs or a volume where it writes; or give why in services.<key>.readonlyRootFilesystemExceptions.<container>',
    types: ["aws_ecs_task_definition"],
    check: (c) => {
      const { data, problem } = document(c.container_definitions);
      if (problem) return [`container_definitions ${problem}`];
      // Each finding names its container first: a suppression for one container (suppressRule's subject) covers it.
      return ([] as Config[])
        .concat(data ?? [])
        .filter((x) => x.readonlyRootFilesystem !== true)
        .map((x) => `container ${x.name}: readonlyRootFilesystem is ${JSON.stringify(x.readonlyRootFilesystem ?? null)}, not true`);
    },
  },
  {
    id: "CKV_SECRET_13",
    title: "No private key in the synthesized configuration",
    fix: "take the key out of the settings or task definition that holds it: a container reads secrets from Secrets Manager, and the Docker host its keys from dockerHost.certsDir at plan time",
    check: (c) => (strings(c).some((s) => PRIVATE_KEY.test(s)) ? ["holds a PEM private key"] : []),
  },
] satisfies PolicyRule[]).map(withFix);
