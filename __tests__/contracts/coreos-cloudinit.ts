// How Flatcar's coreos-cloudinit reads a cloud-config, as its source states it (flatcar/coreos-cloudinit at
// 8df59e8, the commit Flatcar's ebuild pins; config/*.go, initialize/, system/), for holding what we render to it.
//
// - It parses with gopkg.in/yaml.v3 into Go structs and silently ignores every key no struct field names. Since
//   2024 ("config: use upstream go-yaml") keys are matched exactly: `drop-ins` is ignored, only `drop_ins` is read.
//   Its `-validate` mode still turns dashes into underscores before checking, so it does not notice.
// - Releases before 2024 parsed with a YAML 1.1 fork, where an unquoted `off` is a boolean and `0644` an octal
//   number: string fields are held to being strings under YAML 1.1 too, so both parsers read the same text.
// - A type mismatch (a string where a bool belongs) fails the whole part: none of its files or units are applied.
// - `valid:` struct tags are the patterns below; `$public_ipv4`, `$private_ipv4`, `$public_ipv6` and
//   `$private_ipv6` are replaced in the whole user data before it is parsed (initialize/env.go).
import { type Document, isMap, isScalar, isSeq, parseDocument } from "yaml";

type Field =
  | { readonly kind: "string"; readonly valid?: RegExp }
  | { readonly kind: "bool" }
  | { readonly kind: "strings" }
  | { readonly kind: "struct"; readonly of: Struct }
  | { readonly kind: "list"; readonly of: Struct };
type Struct = { readonly name: string; readonly fields: Record<string, Field> };

const string = (valid?: RegExp): Field => ({ kind: "string", valid });
const bool: Field = { kind: "bool" };
const strings: Field = { kind: "strings" };
const struct = (of: Struct): Field => ({ kind: "struct", of });
const list = (of: Struct): Field => ({ kind: "list", of });

// config/file.go
const FILE: Struct = {
  name: "File",
  fields: {
    encoding: string(/^(base64|b64|gz|gzip|gz\+base64|gzip\+base64|gz\+b64|gzip\+b64)$/),
    content: string(),
    owner: string(),
    path: string(),
    permissions: string(/^0?[0-7]{3,4}$/),
  },
};
// config/unit.go
const DROP_IN: Struct = { name: "UnitDropIn", fields: { name: string(), content: string() } };
const UNIT: Struct = {
  name: "Unit",
  fields: {
    name: string(),
    mask: bool,
    enable: bool,
    runtime: bool,
    content: string(),
    command: string(/^(start|stop|restart|reload|try-restart|reload-or-restart|reload-or-try-restart)$/),
    drop_ins: list(DROP_IN),
  },
};
// config/update.go
const UPDATE: Struct = {
  name: "Update",
  fields: { reboot_strategy: string(/^(etcd-lock|reboot|off)$/), group: string(), server: string() },
};
// config/locksmith.go; Go's (?i:…) group spelled out, as JavaScript has no inline flags.
const DAY = "[Ss][Uu][Nn]|[Mm][Oo][Nn]|[Tt][Uu][Ee]|[Ww][Ee][Dd]|[Tt][Hh][Uu]|[Ff][Rr][Ii]|[Ss][Aa][Tt]";
const LOCKSMITH: Struct = {
  name: "Locksmith",
  fields: {
    endpoint: string(),
    etcd_cafile: string(),
    etcd_certfile: string(),
    etcd_keyfile: string(),
    etcd_username: string(),
    etcd_password: string(),
    group: string(),
    window_start: string(new RegExp(`^((${DAY}) )?0*([0-9]|1[0-9]|2[0-3]):0*([0-9]|[1-5][0-9])$`)),
    window_length: string(/^[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+$/),
  },
};
// config/oem.go, config/flannel.go
const OEM: Struct = {
  name: "OEM",
  fields: { id: string(), name: string(), version_id: string(), home_url: string(), bug_report_url: string() },
};
const FLANNEL: Struct = {
  name: "Flannel",
  fields: Object.fromEntries(
    ["etcd_endpoints", "etcd_cafile", "etcd_certfile", "etcd_keyfile", "etcd_prefix", "etcd_username", "etcd_password",
      "ip_masq", "subnet_file", "interface", "public_ip"].map((k) => [k, string()]),
  ),
};
// config/config.go; etcd, etcd2 and fleet are deprecated ("no longer shipped") and refused here.
const COREOS: Struct = {
  name: "CoreOS",
  fields: { flannel: struct(FLANNEL), locksmith: struct(LOCKSMITH), oem: struct(OEM), update: struct(UPDATE), units: list(UNIT) },
};
// config/user.go
const USER: Struct = {
  name: "User",
  fields: {
    name: string(),
    passwd: string(),
    ssh_authorized_keys: strings,
    gecos: string(),
    homedir: string(),
    no_create_home: bool,
    primary_group: string(),
    groups: strings,
    no_user_group: bool,
    system: bool,
    no_log_init: bool,
    shell: string(),
  },
};
const CLOUD_CONFIG: Struct = {
  name: "CloudConfig",
  fields: {
    ssh_authorized_keys: strings,
    coreos: struct(COREOS),
    write_files: list(FILE),
    hostname: string(),
    users: list(USER),
    manage_etc_hosts: string(/^localhost$/),
  },
};

const SUBSTITUTED = /\$(public|private)_ipv[46]/;

/**
 * Every way `text` departs from what coreos-cloudinit reads: unknown or misspelled keys at any level, values of
 * the wrong YAML type, values outside the `valid:` patterns, undecodable base64, and substituted variables.
 * Empty when coreos-cloudinit reads every key and value as written.
 */
export function cloudConfigProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.startsWith("#cloud-config\n")) problems.push('the first line must be "#cloud-config"');
  const substituted = SUBSTITUTED.exec(text);
  if (substituted) problems.push(`${substituted[0]} would be replaced by coreos-cloudinit before parsing`);
  // Both YAML versions coreos-cloudinit has used: yaml.v3 (1.2 scalars) now, a 1.1 fork before 2024.
  const versions = ["1.2", "1.1"] as const;
  const docs = versions.map((version) => parseDocument(text, { version, uniqueKeys: true }));
  docs.forEach((doc, i) => doc.errors.forEach((e) => problems.push(`YAML ${versions[i]}: ${e.message}`)));
  if (problems.length > 0) return problems;
  check(docs, [], CLOUD_CONFIG, problems);
  return [...new Set(problems)];
}

/** Checks the node at `path` in each parse against `shape`. */
function check(docs: Document[], path: (string | number)[], shape: Struct, problems: string[]): void {
  const here = path.join(".") || "(top level)";
  const nodes = docs.map((d) => (path.length ? d.getIn(path, true) : d.contents));
  if (!nodes.every((n) => isMap(n))) return void problems.push(`${here}: expected a mapping (${shape.name})`);
  const keys = (nodes[0] as { items: { key: unknown }[] }).items.map((item) => (isScalar(item.key) ? item.key.value : item.key));
  for (const key of keys) {
    const at = [...path, String(key)];
    const field = typeof key === "string" ? shape.fields[key] : undefined;
    if (!field) {
      const hint = typeof key === "string" && shape.fields[key.replace(/-/g, "_")] ? ` (coreos-cloudinit reads only "${key.replace(/-/g, "_")}")` : "";
      problems.push(`${at.join(".")}: not a key of ${shape.name}; coreos-cloudinit ignores it${hint}`);
      continue;
    }
    const values = docs.map((d) => d.getIn(at, true));
    if (field.kind === "struct") check(docs, at, field.of, problems);
    else if (field.kind === "list" || field.kind === "strings") {
      if (!values.every((v) => isSeq(v))) {
        problems.push(`${at.join(".")}: expected a list`);
        continue;
      }
      const length = (values[0] as { items: unknown[] }).items.length;
      for (let i = 0; i < length; i++) {
        if (field.kind === "list") check(docs, [...at, i], field.of, problems);
        else scalar(docs.map((d) => d.getIn([...at, i], true)), [...at, i], string(), problems);
      }
    } else scalar(values, at, field, problems);
  }
}

function scalar(values: unknown[], at: (string | number)[], field: Field, problems: string[]): void {
  const where = at.join(".");
  if (!values.every((v) => isScalar(v))) return void problems.push(`${where}: expected a scalar`);
  const parsed = values.map((v) => (v as { value: unknown }).value);
  if (field.kind === "bool") {
    if (!parsed.every((v) => typeof v === "boolean")) problems.push(`${where}: expected true or false, got ${JSON.stringify(parsed[0])}`);
    return;
  }
  if (!parsed.every((v) => typeof v === "string")) {
    return void problems.push(`${where}: expected a string under YAML 1.1 and 1.2 (quote it), got ${JSON.stringify(parsed[1])}`);
  }
  const text = parsed[0] as string;
  if (field.kind === "string" && field.valid && !field.valid.test(text)) {
    problems.push(`${where}: ${JSON.stringify(text)} does not match coreos-cloudinit's pattern ${field.valid.source}`);
  }
}

/** write_files content as coreos-cloudinit decodes it (config/decode.go): only the encodings we use. */
export function decodedContent(file: { content?: string; encoding?: string }): Buffer {
  const content = file.content ?? "";
  if (!file.encoding) return Buffer.from(content);
  if (file.encoding !== "b64" && file.encoding !== "base64") throw new Error(`encoding ${file.encoding} is not decoded here`);
  const bytes = Buffer.from(content, "base64");
  // Go's StdEncoding refuses what Node's decoder skips over: insist on the canonical text.
  if (bytes.toString("base64") !== content.replace(/\s/g, "")) throw new Error("content is not canonical base64");
  return bytes;
}
