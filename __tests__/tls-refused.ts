// Certificate sets that TLS refuses although every file fits the others (each key its certificate's, each
// certificate signed by the CA's key under the CA's name): made from a set `npm run certs` wrote, with the CA's key.
import "reflect-metadata"; // @peculiar/x509's dependency injection needs it before it loads
import { webcrypto } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import "../commands/certs"; // sets @peculiar/x509's crypto provider
import { CERT_FILES, LEAVES, type Leaf } from "../constructs/docker-tls";

export const { KeyUsageFlags } = x509;

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

/** A critical extension no TLS library handles (an OID under a private arc, its value DER NULL). */
export const unknownCritical = () => new x509.Extension("1.3.6.1.4.1.55555.1", true, new Uint8Array([0x05, 0x00]));

/** Name constraints that permit DNS names under `domain` only. */
export function permittedDns(domain: string): x509.Extension {
  const name = Buffer.from(domain, "ascii");
  // NameConstraints ::= SEQUENCE { permittedSubtrees [0] SEQUENCE OF GeneralSubtree { base dNSName [2] } }
  const subtree = Buffer.concat([Buffer.from([0x30, name.length + 2, 0x82, name.length]), name]);
  const permitted = Buffer.concat([Buffer.from([0xa0, subtree.length]), subtree]);
  return new x509.Extension("2.5.29.30", true, Buffer.concat([Buffer.from([0x30, permitted.length]), permitted]));
}

async function caOf(dir: string) {
  const cert = new x509.X509Certificate(readFileSync(join(dir, CERT_FILES.ca), "utf8"));
  const pem = readFileSync(join(dir, CERT_FILES.caKey), "utf8");
  const signingKey = await webcrypto.subtle.importKey("pkcs8", x509.PemConverter.decodeFirst(pem), ALGORITHM, true, ["sign"]);
  return { cert, signingKey };
}

/**
 * Writes a new certificate and key for `leaf` in `dir`, from its CA, as `npm run certs` issues them but with the
 * key usage, the extended key usage and the authority key identifier given, and `extra` extensions.
 */
export async function reissue(
  dir: string,
  leaf: Leaf,
  { keyUsage = x509.KeyUsageFlags.digitalSignature, authorityKeyOf, extra = [] }: { keyUsage?: number; authorityKeyOf?: x509.X509Certificate; extra?: x509.Extension[] } = {},
): Promise<void> {
  const ca = await caOf(dir);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const names = leaf === "server" ? new x509.X509Certificate(readFileSync(join(dir, CERT_FILES.serverCert), "utf8")).getExtension(x509.SubjectAlternativeNameExtension) : null;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: "0a",
    subject: `CN=${leaf}`,
    issuer: ca.cert.subjectName,
    notBefore: new Date(Date.now() - 600_000),
    notAfter: new Date(Date.now() + 30 * 86_400_000 * 12),
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(keyUsage, true),
      new x509.ExtendedKeyUsageExtension([leaf === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(authorityKeyOf ?? ca.cert),
      ...(names ? [names] : []),
      ...extra,
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  writeFileSync(join(dir, CERT_FILES[LEAVES[leaf].cert]), `${cert.toString("pem")}\n`);
  writeFileSync(join(dir, CERT_FILES[LEAVES[leaf].key]), x509.PemConverter.encode(pkcs8, "PRIVATE KEY"), { mode: 0o600 });
}

/** A subject key identifier that is not the SHA-1 of the key, as a CA made by other tools may have. */
export const ownKeyIdentifier = () => new x509.SubjectKeyIdentifierExtension("0102030405060708");

/**
 * Writes ca.pem again from the same key and name, with `extra` extensions in place of its own of the same kind: the
 * certificates it issued still verify by signature and name.
 */
export async function remakeCa(dir: string, extra: x509.Extension[]): Promise<void> {
  const ca = await caOf(dir);
  const publicKey = await ca.cert.publicKey.export(ALGORITHM, ["verify"]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: "0b",
    subject: ca.cert.subjectName,
    issuer: ca.cert.subjectName,
    notBefore: ca.cert.notBefore,
    notAfter: ca.cert.notAfter,
    publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ALGORITHM,
    extensions: [...ca.cert.extensions.filter((e) => !extra.some((x) => x.type === e.type)), ...extra],
  });
  writeFileSync(join(dir, CERT_FILES.ca), `${cert.toString("pem")}\n`);
}

/** A certificate of another CA's key: its key identifier is not this CA's. */
export async function otherAuthority(): Promise<x509.X509Certificate> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0c",
    name: "CN=other",
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
}
