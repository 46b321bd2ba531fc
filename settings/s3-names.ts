// S3 bucket names (S3 User Guide, "General purpose bucket naming rules") and the keys Terraform's s3 backend takes
// (hashicorp/terraform internal/backend/remote-state/s3/validate.go): what S3 or Terraform would refuse, or
// what S3 reserves for its own names, at apply or init.
import { AWS_RULES } from "./aws-rules";

export const RESERVED_BUCKET_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"] as const;
export const RESERVED_BUCKET_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] as const;

/**
 * Characters the AWS provider appends to a bucket_prefix (a timestamp and a counter, id.UniqueIDSuffixLength in
 * terraform-plugin-sdk), so a prefix has 63 − 26 = 37 characters at most.
 */
export const UNIQUE_SUFFIX_LENGTH = 26;

/** Why `name` is not a general purpose bucket name S3 accepts, or undefined when it is. */
export function bucketNameProblem(name: string): string | undefined {
  const why = ((): string | undefined => {
    if (name.length < 3 || name.length > 63) return `expected 3 to 63 characters, not ${name.length}`;
    if (!/^[a-z0-9.-]+$/.test(name)) return "expected only lower-case letters, digits, '.' and '-'";
    if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "expected a letter or digit first and last";
    if (name.includes("..")) return "expected no two adjacent periods";
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "expected a name that is not formatted as an IP address";
    const prefix = RESERVED_BUCKET_PREFIXES.find((p) => name.startsWith(p));
    if (prefix) return `expected a name that does not begin with ${prefix}, which S3 reserves`;
    const suffix = RESERVED_BUCKET_SUFFIXES.find((s) => name.endsWith(s));
    if (suffix) return `expected a name that does not end with ${suffix}, which S3 reserves`;
    return undefined;
  })();
  return why && `${why}: ${AWS_RULES.s3BucketName.rule}`;
}

/** Why a bucket_prefix cannot make a valid name once the provider appends its unique suffix, or undefined. */
export function bucketPrefixProblem(prefix: string): string | undefined {
  const max = 63 - UNIQUE_SUFFIX_LENGTH;
  if (prefix.length > max) return `expected a bucket name prefix of at most ${max} characters (the AWS provider appends ${UNIQUE_SUFFIX_LENGTH}), not ${prefix.length}: ${AWS_RULES.s3BucketName.rule}`;
  return bucketNameProblem(`${prefix}${"0".repeat(UNIQUE_SUFFIX_LENGTH)}`);
}

/** Why `key` is not a state key Terraform's s3 backend takes, or undefined when it is. */
export function backendKeyProblem(key: string): string | undefined {
  if (key.trim() === "") return `expected a key that is not empty or all whitespace: ${AWS_RULES.s3BackendKey.rule}`;
  if (key.startsWith("/") || key.endsWith("/")) return `expected no "/" at the start or the end: ${AWS_RULES.s3BackendKey.rule}`;
  if (key.includes("//")) return `expected no "//": ${AWS_RULES.s3BackendKey.rule}`;
  return undefined;
}
