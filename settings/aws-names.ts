// Names AWS takes from settings as they are, held to the limits AWS states for them.
import { AWS_RULES } from "./aws-rules";

/** Why `name` is not an EC2 key pair name, or undefined: 1 to 255 printable ASCII characters, no outer spaces. */
export function keyPairNameProblem(name: string): string | undefined {
  if (name.length > 255) return `expected at most 255 characters, not ${name.length}: ${AWS_RULES.keyPairName.rule}`;
  if (!/^[\x20-\x7E]+$/.test(name)) return `expected printable ASCII characters only, no control or non-ASCII characters: ${AWS_RULES.keyPairName.rule}`;
  if (name !== name.trim()) return `expected no leading or trailing spaces: ${AWS_RULES.keyPairName.rule}`;
  return undefined;
}

/** Why a DNS name (no trailing dot) is too long, or undefined: labels of at most 63, the name at most 253. */
export function dnsNameProblem(name: string): string | undefined {
  const label = name.split(".").find((l) => l.length > 63);
  if (label) return `expected labels of at most 63 characters, not ${label.length}: ${AWS_RULES.dnsName.rule}`;
  if (name.length > 253) return `expected at most 253 characters, not ${name.length}: ${AWS_RULES.dnsName.rule}`;
  return undefined;
}
