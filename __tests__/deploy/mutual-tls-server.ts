// A stand-in for the Docker API's TLS port: certificates for localhost, as `npm run certs` makes them, and an HTTPS
// server on 127.0.0.1 that, like dockerd with --tlsverify, only talks to clients holding a certificate of its CA.
import "reflect-metadata"; // @peculiar/x509's dependency injection needs it before it loads
import { randomBytes, webcrypto } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { type RequestListener } from "node:http";
import { type Server, createServer } from "node:https";
import { tmpdir } from "node:os";
import { type SecureVersion } from "node:tls";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { CERT_FILES } from "../../constructs/docker-tls";
import { ensureCertificates } from "../../commands/certs";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** Makes the certificates in a new directory and starts the server on a free port, answering with `handler`. */
export async function mutualTlsServer(handler: RequestListener): Promise<{ certs: string; server: Server; port: number }> {
  const certs = join(mkdtempSync(join(tmpdir(), "gate-")), "certs");
  await ensureCertificates({ dir: certs, serverNames: ["localhost"] });
  const file = (f: string) => readFileSync(join(certs, f));
  return { certs, ...(await tlsServer(certs, { cert: file(CERT_FILES.serverCert), key: file(CERT_FILES.serverKey) }, handler)) };
}

/**
 * Starts the server with the CA of `certs` and the certificate and key given, on a free port of 127.0.0.1; with
 * `verifyClients: false`, as dockerd with TLS but without --tlsverify, it asks no client for a certificate; with
 * `tlsVersions`, it speaks only those.
 */
export async function tlsServer(
  certs: string,
  pair: { cert: string | Buffer; key: string | Buffer },
  handler: RequestListener,
  { verifyClients = true, ciphers, tlsVersions }: { verifyClients?: boolean; ciphers?: string; tlsVersions?: { min: SecureVersion; max: SecureVersion } } = {},
): Promise<{ server: Server; port: number }> {
  const ca = readFileSync(join(certs, CERT_FILES.ca));
  const versions = tlsVersions ? { minVersion: tlsVersions.min, maxVersion: tlsVersions.max } : {};
  const server = createServer({ ...pair, ca, requestCert: verifyClients, rejectUnauthorized: verifyClients, ciphers, ...versions }, handler).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return { server, port: (server.address() as { port: number }).port };
}

export interface Oddity {
  /** @default now */
  readonly notBefore?: Date;
  /** @default serverAuth for the server, clientAuth for the client, as `npm run certs` */
  readonly extendedKeyUsage?: ("serverAuth" | "clientAuth")[];
}

/**
 * A certificate and its key (PEM) that the CA in `certs` issues for `role` as `npm run certs` would, but for what
 * `oddity` changes: for the certificate problems that no file check of docker-tls.ts sees.
 */
export async function issue(certs: string, role: "server" | "client", oddity: Oddity = {}): Promise<{ cert: string; key: string }> {
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
  const caCert = new x509.X509Certificate(readFileSync(join(certs, CERT_FILES.ca), "utf8"));
  const caKey = await webcrypto.subtle.importKey("pkcs8", x509.PemConverter.decodeFirst(readFileSync(join(certs, CERT_FILES.caKey), "utf8")), algorithm, false, ["sign"]);
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const notBefore = oddity.notBefore ?? new Date();
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString("hex"),
    subject: `CN=${role === "server" ? "localhost" : "docker-client"}`,
    issuer: caCert.subjectName,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 30 * 86_400_000),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension((oddity.extendedKeyUsage ?? [role === "server" ? "serverAuth" : "clientAuth"]).map((u) => x509.ExtendedKeyUsage[u])),
      ...(role === "server" ? [new x509.SubjectAlternativeNameExtension([{ type: "dns" as const, value: "localhost" }])] : []),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { cert: `${cert.toString("pem")}\n`, key: x509.PemConverter.encode(pkcs8, "PRIVATE KEY") };
}
