// How IaC scanners read the JSON documents in a cdktf stack's Terraform JSON, as checkov's source states it
// (bridgecrewio/checkov at 03d5fdad), for holding our cdk.tf.json to it. checkov is Python and PyPI cannot be
// reached here, so checkov itself does not run: this is its rule, not the program.
//
// - checkov/terraform_json/parser.py (loads, prepare_definition, hclify): the file is read as data; each resource's
//   attributes stay as written, a string a string. Nothing evaluates a Terraform expression.
// - checkov/common/util/type_forcers.py, extract_policy_dict(): a policy attribute that is a string is json.loads()ed;
//   one that does not parse is None, which the IAM checks pass unread (checks/resource/aws/
//   IAMStarActionPolicyDocument.py, CKV_AWS_63). S3AllowsAnyPrincipal.py (CKV_AWS_70) json.loads() the policy and
//   reports UNKNOWN, which is not reported, when it does not parse. So `${jsonencode({...})}` is never read, and JSON
//   text is, references inside it kept as `${...}` text. KICS's queries read these attributes the same way
//   (json_unmarshal, e.g. assets/queries/terraform/aws/iam_policies_with_full_privileges/query.rego).
// - checkov's ECS container checks (ECSContainerPrivilege.py, CKV_AWS_334; 335, 336) want container_definitions
//   already decoded to a list. Its HCL framework's rendering decodes JSON text (graph_builder/variable_rendering/
//   evaluate_terraform.py, _try_evaluate: json.loads); its terraform_json framework runs these checks on the parsed
//   file, where the attribute is still a string. That gap is checkov's: no form of a string attribute closes it.

/** Attributes that hold a JSON document AWS reads: IAM, bucket and other resource policies, container definitions. */
export const DOCUMENT_ATTRIBUTES = new Set(["policy", "assume_role_policy", "inline_policy", "container_definitions", "access_policies"]);

/**
 * A document attribute as a scanner reads it (extract_policy_dict): data stays as it is; a string is its JSON
 * data when it parses (Python's json.loads and JSON.parse agree on what Terraform JSON holds), and undefined, not
 * read, when it does not.
 */
export function scannerRead(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

export interface ScannedDocument {
  /** Terraform address, e.g. `aws_iam_role.x` or `data.aws_iam_policy.y`. */
  readonly address: string;
  readonly type: string;
  /** The attribute's path in the element, e.g. `policy` or `inline_policy.0.policy`. */
  readonly path: string;
  readonly written: unknown;
  /** What the scanner read: undefined when it could not. */
  readonly read: unknown;
}

type TerraformJson = { resource?: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>> };

/** Every document attribute of every resource and data source in a Terraform JSON configuration, as read. */
export function scannedDocuments(config: TerraformJson): ScannedDocument[] {
  const out: ScannedDocument[] = [];
  const walk = (value: unknown, path: string[], at: { address: string; type: string }) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, String(i)], at));
    else if (value !== null && typeof value === "object") {
      for (const [key, v] of Object.entries(value)) {
        if (key === "//") continue;
        if (DOCUMENT_ATTRIBUTES.has(key) && typeof v === "string") out.push({ ...at, path: [...path, key].join("."), written: v, read: scannerRead(v) });
        else walk(v, [...path, key], at);
      }
    }
  };
  for (const [kind, prefix] of [["resource", ""], ["data", "data."]] as const) {
    for (const [type, elements] of Object.entries(config[kind] ?? {})) {
      for (const [name, body] of Object.entries(elements)) walk(body, [], { address: `${prefix}${type}.${name}`, type: `${prefix}${type}` });
    }
  }
  return out;
}

/** Strings anywhere in a configuration that are a whole `${jsonencode(...)}`, which no scanner reads, by path. */
export function encodedStrings(value: unknown, path = ""): string[] {
  if (typeof value === "string") return /^\$\{jsonencode\(/.test(value) ? [path] : [];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, v]) => encodedStrings(v, path ? `${path}.${key}` : key));
}
