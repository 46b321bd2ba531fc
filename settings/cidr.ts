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
