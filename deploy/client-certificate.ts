// What the readiness gate checks in the client's certificates beyond constructs/docker-tls.ts (files that parse and
// fit together, none expired): that they are valid already and that cert.pem is made for a TLS client. A host
// refuses such a certificate at every attempt, so without these checks the gate would wait out its timeout.
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { CERT_FILES, CERT_FIXES } from "../constructs/docker-tls";

/** The extended key usages that allow a TLS client: clientAuth, and anyExtendedKeyUsage (RFC 5280, 4.2.1.12). */
const CLIENT_USAGES = ["1.3.6.1.5.5.7.3.2", "2.5.29.37.0"];

/** An instant as UTC to the second, as both dates of one message read. */
const utc = (date: Date) => date.toISOString().replace(/\.\d+Z$/, "Z");

/**
 * What keeps the CA and client certificates in `dir`, which docker-tls.ts's checks have passed, from being used
 * at `now`, or undefined; every message ends with the command that fixes it.
 */
export function clientCertificateProblem(dir: string, { label = dir, now = new Date() }: { readonly label?: string; readonly now?: Date } = {}): string | undefined {
  const read = (file: string) => new X509Certificate(readFileSync(join(dir, file)));
  for (const [file, fix] of [
    [CERT_FILES.ca, CERT_FIXES.rotateCa],
    [CERT_FILES.clientCert, CERT_FIXES.rotate],
  ]) {
    const from = new Date(read(file).validFrom);
    if (from > now) return `${posix.join(label, file)} is not valid until ${utc(from)} (this machine's clock says ${utc(now)}): ${fix}`;
  }
  // Node 20 gives the extended key usage as keyUsage, undefined when the certificate has none (any use is allowed).
  const client = read(CERT_FILES.clientCert) as X509Certificate & { readonly extKeyUsage?: string[] };
  const usages: string[] | undefined = client.extKeyUsage ?? client.keyUsage;
  if (usages && !usages.some((u) => CLIENT_USAGES.includes(u))) {
    return `${posix.join(label, CERT_FILES.clientCert)} is not for a TLS client (its extended key usage lacks clientAuth): ${CERT_FIXES.rotate}`;
  }
  return undefined;
}
