// The security summary of `npm run review`, shown first as `cdk diff` shows it: the IAM statements, managed policy
// attachments, network rules, exposures to the internet, security groups attached to resources and containers'
// privileges on their hosts that a change adds or removes, whichever resource holds them. Statements come from every
// policy document (role trust policies, inline and managed policies, bucket and key policies, policy-document data
// sources); rules from security group rules (standalone or inline), network ACL rules and the ports Docker
// containers publish; exposures from what puts a resource on the internet without a rule of its own (an
// internet-facing load balancer, a public IP address, a publicly accessible database, a public access block that
// lets S3 grant public access). A statement or rule that changes shows as the old one removed and the new one added: what a
// reviewer must judge is what the new one grants.
import { cellCodeSpan } from "./markdown";
import { decodeJsonDocument, isJsonDocument } from "../policy/synthesized";

type Json = Record<string, any>;

export interface IamStatement {
  readonly effect: string;
  /** Actions; NotAction entries start with "not ". */
  readonly actions: string[];
  /** Resources; NotResource entries start with "not ". */
  readonly resources: string[];
  /** `Service:ec2.amazonaws.com`, `AWS:arn…`, `*`; NotPrincipal entries start with "not ". */
  readonly principals: string[];
  /** `StringEquals aws:SourceAccount = 123456789012` */
  readonly conditions: string[];
}

export interface StatementChange {
  readonly change: "added" | "removed";
  readonly stack: string;
  /** The resource that holds the document. */
  readonly address: string;
  /** Which document of it: `trust policy`, `policy`, `inline policy NAME`. */
  readonly document: string;
  /** What the document applies to when another resource holds it, e.g. `role aws_iam_role.web`. */
  readonly subject?: string;
  readonly statement: IamStatement;
}

export interface ManagedPolicyChange {
  readonly change: "added" | "removed";
  readonly stack: string;
  readonly address: string;
  /** The role, user or group the policy is attached to. */
  readonly subject: string;
  readonly policyArn: string;
}

export interface NetworkRuleChange {
  readonly change: "added" | "removed";
  readonly stack: string;
  readonly address: string;
  /** `published`: a port a Docker container publishes on its host. */
  readonly direction: "ingress" | "egress" | "published";
  readonly action: "allow" | "deny";
  /** `tcp`, `udp`, `icmp`, …, or `all`. */
  readonly protocol: string;
  /** `2376`, `32768-65535`, `all`, `type 8`. */
  readonly ports: string;
  /** Where ingress comes from or egress goes to: a CIDR block, a security group, a prefix list, `self`. */
  readonly peer: string;
  /** The security group, network ACL or container the rule belongs to. */
  readonly target: string;
  readonly description?: string;
}

export interface ExposureChange {
  readonly change: "added" | "removed";
  readonly stack: string;
  readonly address: string;
  /** What faces the internet, as a reviewer says it: `internet-facing load balancer (internal = false)`. */
  readonly exposure: string;
}

export interface AttachmentChange {
  readonly change: "added" | "removed";
  readonly stack: string;
  /** The resource whose traffic the security group's rules then govern. */
  readonly address: string;
  /** The security group, `aws_security_group.lb` (or its ID or name as written). */
  readonly group: string;
  /** The argument that attaches it, `vpc_security_group_ids`, `network_interfaces.security_groups`. */
  readonly via: string;
}

export interface PrivilegeChange {
  readonly change: "added" | "removed";
  readonly stack: string;
  readonly address: string;
  /**
   * What a container gains on its host, as a reviewer says it (`capability CAP_NET_ADMIN (container web)`), or a
   * restriction it runs under (`restriction: read-only root filesystem`), whose removal is the change to judge.
   */
  readonly privilege: string;
}

export interface SecurityChanges {
  readonly statements: StatementChange[];
  readonly managedPolicies: ManagedPolicyChange[];
  readonly networkRules: NetworkRuleChange[];
  readonly exposures: ExposureChange[];
  /** Security groups attached to, or taken from, instances, launch templates, load balancers and the like. */
  readonly attachments: AttachmentChange[];
  /** What containers may do on their hosts (privileged mode, capabilities, the host's namespaces, devices, host
   * paths) and the restrictions they run under (dropped capabilities, no-new-privileges, a read-only root). */
  readonly privileges: PrivilegeChange[];
}

type Item<T> = Omit<T, "change" | "stack">;

/** The security changes of one stack, from its elements (by address) before and after. */
export function securityChanges(stack: string, before: Map<string, Json>, after: Map<string, Json>): SecurityChanges {
  // Items alike under `key` are the same grant, however many of them there are on each side: only the surplus of a
  // side is a change.
  const diff = <T>(read: (address: string, body: Json) => Item<T>[], key: (item: Item<T>) => string = (item) => JSON.stringify(item)) => {
    const all = (elements: Map<string, Json>) => [...elements].flatMap(([address, body]) => read(address, body));
    const [x, y] = [all(before), all(after)];
    const surplus = (mine: Item<T>[], theirs: Item<T>[]) => {
      const left = new Map<string, number>();
      for (const k of theirs.map(key)) left.set(k, (left.get(k) ?? 0) + 1);
      return mine.filter((i) => {
        const k = key(i);
        const n = left.get(k) ?? 0;
        left.set(k, n - 1);
        return n <= 0;
      });
    };
    return [
      ...surplus(x, y).map((i) => ({ change: "removed" as const, stack, ...i }) as T),
      ...surplus(y, x).map((i) => ({ change: "added" as const, stack, ...i }) as T),
    ];
  };
  return {
    statements: diff<StatementChange>(statementsOf),
    managedPolicies: diff<ManagedPolicyChange>(managedPoliciesOf),
    // What a rule admits, not the resource that holds it or its description: a rule renamed (rules named by their
    // index, when one before them goes) or described anew admits the same traffic.
    networkRules: diff<NetworkRuleChange>(networkRulesOf, ({ direction, action, protocol, ports, peer, target }) => JSON.stringify([direction, action, protocol, ports, peer, target])),
    exposures: diff<ExposureChange>(exposuresOf),
    attachments: diff<AttachmentChange>(attachmentsOf),
    privileges: diff<PrivilegeChange>(privilegesOf),
  };
}

const count = (s: SecurityChanges) =>
  s.statements.length + s.managedPolicies.length + s.networkRules.length + s.exposures.length + s.attachments.length + s.privileges.length;
export const hasSecurityChanges = (s: SecurityChanges) => count(s) > 0;

/**
 * The data of a JSON document, whether written as jsonencode() or as JSON text: the AWS provider compares
 * policies and container definitions as data, so the same data in another form is no change.
 */
export function documentData(value: string): unknown {
  const text = value.trim();
  if (!isJsonDocument(text) && !/^[[{]/.test(text)) return undefined;
  try {
    const data = decodeJsonDocument(text);
    return typeof data === "object" && data !== null ? data : undefined;
  } catch {
    return undefined;
  }
}

/** `aws_iam_role.web` of `aws_iam_role.web.x`, `data.aws_iam_role.web` of `data.aws_iam_role.web.x`. */
const typeOf = (address: string) => address.split(".")[address.startsWith("data.") ? 1 : 0];
/** A block cdktf writes as an object when there can be one, as a list otherwise. */
const blocks = (v: unknown): Json[] => (Array.isArray(v) ? v : v && typeof v === "object" ? [v as Json] : []);
const list = (v: unknown): string[] => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map((x) => (typeof x === "string" ? x : JSON.stringify(x))));
/** `${aws_security_group.web.id}` reads as `aws_security_group.web`. */
const shortRef = (v: unknown): string => {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.(?:id|arn|name)\}$/.exec(text)?.[1] ?? text;
};

/** Documents a resource holds, by the name a reviewer knows them by. */
function documentsOf(body: Json): [string, unknown][] {
  const out: [string, unknown][] = [];
  if (typeof body.assume_role_policy === "string") out.push(["trust policy", documentData(body.assume_role_policy)]);
  if (typeof body.policy === "string") out.push(["policy", documentData(body.policy)]);
  for (const inline of blocks(body.inline_policy)) {
    if (typeof inline.policy === "string") out.push([`inline policy ${inline.name ?? ""}`.trim(), documentData(inline.policy)]);
  }
  return out;
}

/** What a policy held by another resource applies to. */
function subjectOf(body: Json): string | undefined {
  for (const key of ["role", "user", "group", "bucket", "key_id", "repository", "queue_url", "arn", "secret_arn"]) {
    if (typeof body[key] === "string") return `${key.replace(/_(id|url|arn)$/, "")} ${shortRef(body[key])}`;
  }
  return undefined;
}

function statementsOf(address: string, body: Json): Item<StatementChange>[] {
  if (/^(output|local)\./.test(address)) return [];
  const subject = subjectOf(body);
  const out: Item<StatementChange>[] = [];
  for (const [document, data] of documentsOf(body)) {
    const statements = data && typeof data === "object" ? blocks((data as Json).Statement) : [];
    for (const s of statements) out.push({ address, document, ...(subject ? { subject } : {}), statement: fromJson(s) });
  }
  if (typeOf(address) === "aws_iam_policy_document") {
    for (const s of blocks(body.statement)) out.push({ address, document: "policy document", statement: fromHcl(s) });
  }
  return out;
}

const sorted = (xs: string[]) => [...xs].sort();
const not = (xs: string[]) => xs.map((x) => `not ${x}`);

/** A statement of a JSON policy document. */
function fromJson(s: Json): IamStatement {
  const principals = (p: unknown) =>
    p === "*" ? ["*"] : Object.entries((p ?? {}) as Json).flatMap(([kind, ids]) => list(ids).map((id) => `${kind}:${id}`));
  const conditions = Object.entries((s.Condition ?? {}) as Json).flatMap(([test, byKey]) =>
    Object.entries((byKey ?? {}) as Json).map(([key, values]) => `${test} ${key} = ${list(values).join(", ")}`),
  );
  return {
    effect: String(s.Effect ?? "Allow"),
    actions: sorted([...list(s.Action), ...not(list(s.NotAction))]),
    resources: sorted([...list(s.Resource), ...not(list(s.NotResource))]),
    principals: sorted([...principals(s.Principal), ...not(principals(s.NotPrincipal))]),
    conditions: sorted(conditions),
  };
}

/** A `statement` block of the aws_iam_policy_document data source. */
function fromHcl(s: Json): IamStatement {
  const principals = (p: unknown) => blocks(p).flatMap((b) => list(b.identifiers).map((id) => `${b.type}:${id}`));
  return {
    effect: String(s.effect ?? "Allow"),
    actions: sorted([...list(s.actions), ...not(list(s.not_actions))]),
    resources: sorted([...list(s.resources), ...not(list(s.not_resources))]),
    principals: sorted([...principals(s.principals), ...not(principals(s.not_principals))]),
    conditions: sorted(blocks(s.condition).map((c) => `${c.test} ${c.variable} = ${list(c.values).join(", ")}`)),
  };
}

function managedPoliciesOf(address: string, body: Json): Item<ManagedPolicyChange>[] {
  const type = typeOf(address);
  if (address.startsWith("data.")) return [];
  const attach = (subjects: string[], arn: unknown) => subjects.map((subject) => ({ address, subject, policyArn: shortRef(arn) }));
  if (/^aws_iam_(role|user|group)_policy_attachment$/.test(type)) {
    const kind = /^aws_iam_(\w+)_policy_attachment$/.exec(type)![1];
    return attach([`${kind} ${shortRef(body[kind])}`], body.policy_arn);
  }
  if (type === "aws_iam_policy_attachment") {
    const subjects = ["role", "user", "group"].flatMap((kind) => list(body[`${kind}s`]).map((s) => `${kind} ${shortRef(s)}`));
    return attach(subjects, body.policy_arn);
  }
  if (type === "aws_iam_role") return list(body.managed_policy_arns).flatMap((arn) => attach([`role ${address}`], arn));
  return [];
}

/** IANA protocol numbers as names; "-1" is every protocol. */
const PROTOCOLS: Record<string, string> = { "-1": "all", all: "all", "1": "icmp", "6": "tcp", "17": "udp", "58": "icmpv6" };
const protocolName = (p: unknown) => PROTOCOLS[String(p ?? "-1").toLowerCase()] ?? String(p).toLowerCase();

function portRange(protocol: string, from: unknown, to: unknown): string {
  if (protocol === "all") return "all";
  if (protocol.startsWith("icmp")) {
    if (from === undefined || Number(from) === -1) return "all";
    return `type ${from}${to !== undefined && Number(to) !== -1 ? ` code ${to}` : ""}`;
  }
  // TCP and UDP name ports 0 to 65535: a range of 0 to 0 is port 0 (EC2's rules), not every port.
  if (from === undefined && to === undefined) return "all";
  if (Number(from) === 0 && Number(to) === 65535) return "all";
  return to === undefined || String(from) === String(to) ? String(from) : `${from}-${to}`;
}

/** One rule per peer: a new CIDR block in a rule's list reads as a new rule. */
function peersOf(rule: Json): string[] {
  return [
    ...list(rule.cidr_ipv4 ?? rule.cidr_ipv6 ?? rule.cidr_block ?? rule.ipv6_cidr_block),
    ...list(rule.cidr_blocks),
    ...list(rule.ipv6_cidr_blocks),
    ...list(rule.referenced_security_group_id ?? rule.source_security_group_id).map(shortRef),
    ...list(rule.security_groups).map(shortRef),
    ...list(rule.prefix_list_id).map((p) => `prefix list ${shortRef(p)}`),
    ...list(rule.prefix_list_ids).map((p) => `prefix list ${shortRef(p)}`),
    ...(rule.self === true || rule.self === "true" ? ["self"] : []),
  ];
}

function networkRulesOf(address: string, body: Json): Item<NetworkRuleChange>[] {
  if (address.startsWith("data.")) return [];
  const type = typeOf(address);
  const description = typeof body.description === "string" ? { description: body.description } : {};
  const rules = (direction: "ingress" | "egress", target: string, rule: Json, action: "allow" | "deny" = "allow", info = description) => {
    const protocol = protocolName(rule.ip_protocol ?? rule.protocol);
    const ports = portRange(protocol, rule.from_port ?? rule.icmp_type, rule.to_port ?? rule.icmp_code);
    const peers = peersOf(rule);
    return (peers.length ? peers : ["(none)"]).map((peer) => ({ address, direction, action, protocol, ports, peer, target, ...info }));
  };
  switch (type) {
    case "aws_vpc_security_group_ingress_rule":
    case "aws_vpc_security_group_egress_rule":
      return rules(type.endsWith("ingress_rule") ? "ingress" : "egress", shortRef(body.security_group_id), body);
    case "aws_security_group_rule":
      return rules(body.type === "egress" ? "egress" : "ingress", shortRef(body.security_group_id), body);
    case "aws_security_group":
    case "aws_default_security_group":
      return (["ingress", "egress"] as const).flatMap((direction) =>
        blocks(body[direction]).flatMap((rule) =>
          rules(direction, address, rule, "allow", typeof rule.description === "string" ? { description: rule.description } : {}),
        ),
      );
    case "aws_network_acl_rule": {
      const egress = body.egress === true || body.egress === "true";
      const target = `${shortRef(body.network_acl_id)} rule ${body.rule_number}`;
      return rules(egress ? "egress" : "ingress", target, body, body.rule_action === "deny" ? "deny" : "allow");
    }
    case "aws_network_acl":
    case "aws_default_network_acl":
      return (["ingress", "egress"] as const).flatMap((direction) =>
        blocks(body[direction]).flatMap((rule) => rules(direction, `${address} rule ${rule.rule_no}`, rule, rule.action === "deny" ? "deny" : "allow", {})),
      );
    case "docker_container":
      return blocks(body.ports).map((port) => ({
        address,
        direction: "published" as const,
        action: "allow" as const,
        protocol: protocolName(port.protocol ?? "tcp"),
        ports: String(port.external ?? port.internal),
        peer: String(port.ip ?? "0.0.0.0"),
        target: `${address} port ${port.internal}`,
      }));
    default:
      return [];
  }
}

const isTrue = (v: unknown) => v === true || v === "true";
const isFalse = (v: unknown) => v === false || v === "false";

/**
 * What a resource puts on the internet by its own arguments. A load balancer is internet-facing unless `internal`
 * is true (the provider's default is false); an instance, launch template or subnet gives public IP addresses
 * when told to; a public access block lets S3 grant public access in each setting that is false or unset.
 */
function exposuresOf(address: string, body: Json): Item<ExposureChange>[] {
  if (address.startsWith("data.")) return [];
  const type = typeOf(address);
  const exposure = (what: string) => [{ address, exposure: what }];
  switch (type) {
    case "aws_lb":
    case "aws_alb": {
      const groups = list(body.security_groups).map(shortRef);
      const behind = groups.length ? `, behind ${groups.join(", ")}` : "";
      return isTrue(body.internal) ? [] : exposure(`internet-facing load balancer (internal = ${JSON.stringify(body.internal ?? false)})${behind}`);
    }
    case "aws_elb":
      return isTrue(body.internal) ? [] : exposure(`internet-facing classic load balancer (internal = ${JSON.stringify(body.internal ?? false)})`);
    case "aws_instance":
      return isTrue(body.associate_public_ip_address) ? exposure("public IP address (associate_public_ip_address = true)") : [];
    case "aws_launch_template":
    case "aws_launch_configuration":
      return [...blocks(body.network_interfaces), body].some((b) => isTrue(b.associate_public_ip_address))
        ? exposure("public IP address for every instance launched (associate_public_ip_address = true)")
        : [];
    case "aws_subnet":
      return isTrue(body.map_public_ip_on_launch) ? exposure("public IP address for every instance launched in it (map_public_ip_on_launch = true)") : [];
    case "aws_eip":
      return exposure(`elastic IP address${body.instance ? ` of ${shortRef(body.instance)}` : ""}`);
    case "aws_db_instance":
    case "aws_rds_cluster_instance":
      return isTrue(body.publicly_accessible) ? exposure("publicly accessible database (publicly_accessible = true)") : [];
    case "aws_s3_bucket_public_access_block":
    case "aws_s3_account_public_access_block": {
      const open = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].filter((k) => !isTrue(body[k]) || isFalse(body[k]));
      return open.length ? exposure(`public access allowed: ${open.map((k) => `${k} = ${JSON.stringify(body[k] ?? false)}`).join(", ")}`) : [];
    }
    default:
      return [];
  }
}

/** Resources whose security-group lists are peers of rules, not attachments. */
const GROUPS_AS_PEERS = new Set(["aws_security_group", "aws_default_security_group", "aws_security_group_rule"]);
const ATTACHING = /^(vpc_)?security_groups?(_ids|_names)?$/;
/** Arguments that hold the user's words, not the resource's configuration: a tag named security_group attaches none. */
const WORDS = new Set(["tags", "tags_all", "default_tags", "labels", "input", "triggers", "triggers_replace", "description"]);
/** Resources that attach a security group to another: by argument of the group and of what it is attached to. */
const ASSOCIATIONS: Record<string, [group: string, to: string]> = {
  aws_network_interface_sg_attachment: ["security_group_id", "network_interface_id"],
  aws_vpc_endpoint_security_group_association: ["security_group_id", "vpc_endpoint_id"],
};

/**
 * The security groups a resource attaches, by argument, at its top level and in its blocks (an instance's
 * `vpc_security_group_ids`, a launch template's `network_interfaces.security_groups`, an ECS service's
 * `network_configuration.security_groups`, a Lambda function's `vpc_config.security_group_ids`), and those an
 * association resource attaches to another.
 */
function attachmentsOf(address: string, body: Json): Item<AttachmentChange>[] {
  // Resources only: not data sources, and not the provider's, Terraform's, outputs' or locals' blocks.
  if (/^(data|provider|terraform|output|local|variable|module)\b/.test(address)) return [];
  const type = typeOf(address);
  if (GROUPS_AS_PEERS.has(type)) return [];
  const association = ASSOCIATIONS[type];
  if (association) return [{ address: shortRef(body[association[1]]), group: shortRef(body[association[0]]), via: address }];
  const out: Item<AttachmentChange>[] = [];
  const scan = (node: Json, path: string[], depth: number) => {
    for (const [key, value] of Object.entries(node)) {
      if (WORDS.has(key)) continue;
      if (ATTACHING.test(key)) for (const group of list(value)) out.push({ address, group: shortRef(group), via: [...path, key].join(".") });
      else if (depth < 2) for (const block of Array.isArray(value) ? value : [value]) if (block && typeof block === "object" && !Array.isArray(block)) scan(block, [...path, key], depth + 1);
    }
  };
  scan(body, [], 0);
  return out;
}

/** Linux capabilities as Docker and ECS take them: with or without `CAP_`, in any case. */
const capability = (c: unknown) => String(c).toUpperCase().replace(/^(CAP_)?/, "CAP_").replace(/^CAP_ALL$/, "ALL");
/** A restriction a container runs under: what matters is when one goes, which the summary shows as removed. */
const restriction = (what: string) => `restriction: ${what}`;
/** Security options that take a protection away (seccomp, AppArmor or SELinux off); no-new-privileges adds one. */
const WEAKENING = /unconfined|label[=:]disable/i;
const NO_NEW_PRIVILEGES = /^no-new-privileges(?:[=:]true)?$/i;

/**
 * What a container may do on its host beyond the defaults, and the restrictions it runs under (which a change may
 * take away): a Docker container's privileged mode, added capabilities, the host's network, PID, IPC, cgroup or user
 * namespace, security options, devices and host paths it mounts, and its dropped capabilities, no-new-privileges and
 * read-only root filesystem; an ECS task's host namespaces and host volumes, and its containers' privileged mode,
 * capabilities, devices and read-only root filesystems.
 */
function privilegesOf(address: string, body: Json): Item<PrivilegeChange>[] {
  if (address.startsWith("data.")) return [];
  const type = typeOf(address);
  const of = (privilege: string) => ({ address, privilege });
  const hostModes = (node: Json, modes: string[]) =>
    modes.filter((mode) => String(node[mode] ?? "") === "host").map((mode) => of(`the host's ${mode.replace(/_mode$/, "").replace("userns", "user").replace("cgroupns", "cgroup")} namespace (${mode} = "host")`));
  if (type === "docker_container") {
    const out: Item<PrivilegeChange>[] = [];
    if (isTrue(body.privileged)) out.push(of("privileged mode (privileged = true)"));
    for (const caps of blocks(body.capabilities)) {
      for (const c of list(caps.add)) out.push(of(`capability ${capability(c)}`));
      for (const c of list(caps.drop)) out.push(of(restriction(`capability ${capability(c)} dropped`)));
    }
    out.push(...hostModes(body, ["network_mode", "pid_mode", "ipc_mode", "userns_mode", "cgroupns_mode"]));
    for (const opt of list(body.security_opts)) {
      if (NO_NEW_PRIVILEGES.test(opt)) out.push(of(restriction(`no new privileges (security_opts ${opt})`)));
      else if (WEAKENING.test(opt)) out.push(of(`security option ${opt}`));
    }
    if (isTrue(body.read_only)) out.push(of(restriction("read-only root filesystem (read_only = true)")));
    for (const device of blocks(body.devices)) out.push(of(`device ${device.host_path}${device.container_path ? ` as ${device.container_path}` : ""}`));
    for (const mount of blocks(body.mounts)) {
      if (String(mount.type ?? "") === "bind") out.push(of(`host path ${mount.source} mounted at ${mount.target}${isTrue(mount.read_only) ? ", read-only" : ""}`));
    }
    for (const volume of blocks(body.volumes)) {
      if (volume.host_path) out.push(of(`host path ${volume.host_path} mounted at ${volume.container_path}${isTrue(volume.read_only) ? ", read-only" : ""}`));
    }
    return out;
  }
  if (type === "aws_ecs_task_definition") {
    const out: Item<PrivilegeChange>[] = hostModes(body, ["network_mode", "pid_mode", "ipc_mode"]);
    for (const volume of blocks(body.volume)) if (volume.host_path) out.push(of(`host path ${volume.host_path} (volume ${volume.name})`));
    const definitions = typeof body.container_definitions === "string" ? documentData(body.container_definitions) : undefined;
    for (const container of Array.isArray(definitions) ? (definitions as Json[]) : []) {
      const name = `(container ${container.name})`;
      if (container.privileged === true) out.push(of(`privileged mode ${name}`));
      for (const c of list(container.linuxParameters?.capabilities?.add)) out.push(of(`capability ${capability(c)} ${name}`));
      for (const c of list(container.linuxParameters?.capabilities?.drop)) out.push(of(restriction(`capability ${capability(c)} dropped ${name}`)));
      for (const device of blocks(container.linuxParameters?.devices)) out.push(of(`device ${device.hostPath} ${name}`));
      if (container.readonlyRootFilesystem === true) out.push(of(restriction(`read-only root filesystem ${name}`)));
    }
    return out;
  }
  return [];
}

const SIGN = { added: "+", removed: "-" } as const;

function statementLine(s: IamStatement): string {
  const parts = [s.effect, s.actions.join(", ") || "(no action)"];
  if (s.resources.length) parts.push("on", s.resources.join(", "));
  if (s.principals.length) parts.push("for", s.principals.join(", "));
  if (s.conditions.length) parts.push("if", s.conditions.join(" and "));
  return parts.join(" ");
}

function ruleLine(r: NetworkRuleChange): string {
  // ICMP has types and codes, not ports (EC2 takes the type as from_port and the code as to_port).
  const icmp = r.protocol.startsWith("icmp");
  const what =
    r.protocol === "all"
      ? "all traffic"
      : `${r.protocol} ${r.ports === "all" ? (icmp ? "all types" : "all ports") : icmp ? r.ports : `port ${r.ports}`}`;
  const verb = r.action === "deny" ? "deny " : "";
  if (r.direction === "published") return `published ${what} on host address ${r.peer}, to ${r.target}`;
  return r.direction === "ingress" ? `${r.direction} ${verb}${what} from ${r.peer} to ${r.target}` : `${r.direction} ${verb}${what} from ${r.target} to ${r.peer}`;
}

const where = (c: StatementChange) => `${c.document} of ${c.address}${c.subject ? ` (${c.subject})` : ""}`;

/** The security summary as plain text, across stacks. */
export function securityText(all: SecurityChanges[]): string[] {
  const statements = all.flatMap((s) => s.statements);
  const managed = all.flatMap((s) => s.managedPolicies);
  const rules = all.flatMap((s) => s.networkRules);
  const exposures = all.flatMap((s) => s.exposures);
  const attachments = all.flatMap((s) => s.attachments);
  const privileges = all.flatMap((s) => s.privileges);
  if (statements.length + managed.length + rules.length + exposures.length + attachments.length + privileges.length === 0) {
    return [`Security changes: none (${NONE})`];
  }
  const out = [`Security changes (${counted([...statements, ...managed, ...rules, ...exposures, ...attachments, ...privileges])}):`];
  const section = <T extends { change: "added" | "removed" }>(title: string, items: T[], line: (item: T) => string, place: (item: T) => string) => {
    if (items.length === 0) return;
    out.push(`  ${title} (${counted(items)}):`);
    // The same change in many places (a rule of every service) is one line, with where it is.
    const places = new Map<string, string[]>();
    for (const item of items) {
      const key = `${SIGN[item.change]} ${line(item)}`;
      const at = places.get(key);
      if (at) at.push(place(item));
      else places.set(key, [place(item)]);
    }
    for (const [key, at] of places) {
      const shown = at.length > PLACES_SHOWN ? [...at.slice(0, PLACES_SHOWN), `and ${at.length - PLACES_SHOWN} more`] : at;
      out.push(`    ${key}${at.length > 1 ? ` (×${at.length})` : ""}`, ...shown.map((p) => `        ${p}`));
    }
  };
  section("IAM statements", statements, (c) => statementLine(c.statement), (c) => `${c.stack}: ${where(c)}`);
  section("Managed policies", managed, (c) => `${c.policyArn} attached to ${c.subject}`, (c) => `${c.stack}: ${c.address}`);
  section("Network rules", rules, ruleLine, (r) => `${r.stack}: ${r.address}${r.description ? ` "${r.description}"` : ""}`);
  section("Exposure to the internet", exposures, (e) => e.exposure, (e) => `${e.stack}: ${e.address}`);
  section("Security groups attached", attachments, (a) => `${a.group} on ${a.address}`, (a) => `${a.stack}: ${a.via}`);
  section("Container privileges and restrictions", privileges, (p) => p.privilege, (p) => `${p.stack}: ${p.address}`);
  return out;
}

/** What "none" covers, in both forms of the summary. */
const NONE = "no IAM statement, managed policy, network rule, exposure to the internet, security group attachment, or container privilege or restriction added or removed";

/** How many places of one change the text lists; the rest are counted. */
const PLACES_SHOWN = 5;

/** "3 added, 1 removed", of the changes a section lists. */
function counted(items: { change: "added" | "removed" }[]): string {
  const added = items.filter((i) => i.change === "added").length;
  return [added ? `${added} added` : "", items.length - added ? `${items.length - added} removed` : ""].filter(Boolean).join(", ");
}

/** The security summary as GitHub-flavoured Markdown tables, across stacks. */
export function securityMarkdown(all: SecurityChanges[]): string[] {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, "<br>");
  const code = cellCodeSpan;
  const codes = (xs: string[]) => xs.map(code).join("<br>");
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const statements = all.flatMap((s) => s.statements);
  const managed = all.flatMap((s) => s.managedPolicies);
  const rules = all.flatMap((s) => s.networkRules);
  const exposures = all.flatMap((s) => s.exposures);
  const attachments = all.flatMap((s) => s.attachments);
  const privileges = all.flatMap((s) => s.privileges);
  const out = ["### Security changes", ""];
  if (statements.length + managed.length + rules.length + exposures.length + attachments.length + privileges.length === 0) {
    return [...out, `None: ${NONE}.`];
  }
  if (statements.length) {
    out.push(`**IAM statements** (${counted(statements)})`, "", row(["", "Stack", "Where", "Effect", "Actions", "Resources", "Principals", "Conditions"]), row(Array(8).fill("---")));
    for (const c of statements) {
      const s = c.statement;
      const [kind, ...subject] = (c.subject ?? "").split(" ");
      const where = `${cell(c.document)} of ${code(c.address)}${subject.length ? ` (${cell(kind)} ${code(subject.join(" "))})` : ""}`;
      out.push(row([SIGN[c.change], c.stack, where, s.effect, codes(s.actions), codes(s.resources), codes(s.principals), codes(s.conditions)]));
    }
    out.push("");
  }
  if (managed.length) {
    out.push(`**Managed policies** (${counted(managed)})`, "", row(["", "Stack", "Managed policy", "Attached to", "Resource"]), row(Array(5).fill("---")));
    for (const c of managed) out.push(row([SIGN[c.change], c.stack, code(c.policyArn), cell(c.subject), code(c.address)]));
    out.push("");
  }
  if (rules.length) {
    out.push(`**Network rules** (${counted(rules)})`, "", row(["", "Stack", "Direction", "Action", "Protocol", "Ports", "Peer", "Rule of", "Resource", "Description"]), row(Array(10).fill("---")));
    for (const r of rules) {
      out.push(row([SIGN[r.change], r.stack, r.direction, r.action, r.protocol, r.ports, code(r.peer), code(r.target), code(r.address), cell(r.description ?? "")]));
    }
    out.push("");
  }
  if (exposures.length) {
    out.push(`**Exposure to the internet** (${counted(exposures)})`, "", row(["", "Stack", "Resource", "Exposure"]), row(Array(4).fill("---")));
    for (const e of exposures) out.push(row([SIGN[e.change], e.stack, code(e.address), cell(e.exposure)]));
    out.push("");
  }
  if (attachments.length) {
    out.push(`**Security groups attached** (${counted(attachments)})`, "", row(["", "Stack", "Security group", "On", "By"]), row(Array(5).fill("---")));
    for (const a of attachments) out.push(row([SIGN[a.change], a.stack, code(a.group), code(a.address), code(a.via)]));
    out.push("");
  }
  if (privileges.length) {
    out.push(`**Container privileges and restrictions** (${counted(privileges)})`, "", row(["", "Stack", "Resource", "Privilege or restriction"]), row(Array(4).fill("---")));
    for (const p of privileges) out.push(row([SIGN[p.change], p.stack, code(p.address), cell(p.privilege)]));
    out.push("");
  }
  return out.slice(0, -1);
}
