// IPv4 CIDR arithmetic for the settings checks: small enough that a library would cost more than it saves.

export interface Ipv4Range {
  readonly first: number;
  readonly last: number;
  readonly prefix: number;
}

export function parseCidr(cidr: string): Ipv4Range {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const base = address
    .split(".")
    .reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - prefix);
  return { first: base, last: base + size - 1, prefix };
}

/** True when the address part has no bits set past the prefix (10.0.0.0/16, not 10.0.0.1/16). */
export function isNetworkAddress(cidr: string): boolean {
  const range = parseCidr(cidr);
  return range.first % 2 ** (32 - range.prefix) === 0;
}

export function contains(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  return b.first >= a.first && b.last <= a.last;
}

export function overlaps(x: string, y: string): boolean {
  const a = parseCidr(x);
  const b = parseCidr(y);
  return a.first <= b.last && b.first <= a.last;
}

/**
 * Ranges no VPC can use: AWS documents no deny-list, so this is our policy (RFC 6890 special-purpose blocks that
 * are never routed as unicast: this network, loopback, link-local, multicast and reserved).
 */
export const UNUSABLE_RANGES: readonly (readonly [string, string])[] = [
  ["0.0.0.0/8", "\"this network\""],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local (the instance metadata service, DNS and time servers live there)"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
];

/** The unusable range `cidr` overlaps, or undefined. */
export function unusableRange(cidr: string): readonly [string, string] | undefined {
  return UNUSABLE_RANGES.find(([range]) => overlaps(range, cidr));
}
