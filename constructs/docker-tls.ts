// The Docker API's TLS contract, shared by the boot configuration, the certificate generator, the readiness
// gate and the DockerStack: file names as the Docker client expects them, and the names the server answers to.
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";

export const CERT_FILES = {
  /** The private CA that signs both sides. */
  ca: "ca.pem",
  caKey: "ca-key.pem",
  /** The daemon's certificate and key (shipped to the host in its boot configuration). */
  serverCert: "server.pem",
  serverKey: "server-key.pem",
  /** The client's, as `docker --tlsverify` and DOCKER_CERT_PATH look for them. */
  clientCert: "cert.pem",
  clientKey: "key.pem",
} as const;

export type CertFile = keyof typeof CERT_FILES;

/** Paths of the certificate files as Terraform, running in a stack's directory, sees them. */
export function certPathsFromStack(projectDir: string, certsDir: string): Record<CertFile, string> {
  return Object.fromEntries(
    Object.entries(CERT_FILES).map(([key, file]) => [key, posix.join(projectDir, certsDir, file)]),
  ) as Record<CertFile, string>;
}

/** The DNS domain of EC2 public host names in a region (ec2-203-0-113-10.<domain>). */
export function ec2PublicDnsDomain(region: string): string {
  return region === "us-east-1" ? "compute-1.amazonaws.com" : `${region}.compute.amazonaws.com`;
}

/**
 * The names the server certificate must cover. The host's address is unknown when the certificate is made, so
 * without a Route 53 name it covers every EC2 public name of the region: only our CA's clients trust it, and
 * only the host holds its key, so the wildcard lets nobody else pass as the host.
 */
export function dockerHostCertificateNames(region: string, dnsName?: string | null): string[] {
  return dnsName ? [dnsName] : [`*.${ec2PublicDnsDomain(region)}`];
}

/** The DNS names in a certificate's subjectAltName. */
export function subjectAltNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? "")
    .split(", ")
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4));
}

/**
 * What is wrong with the certificates in `dir` for a host that must answer to `names`, or undefined when they
 * will do: every file deploy reads is there, the server certificate covers the names, comes from the CA and
 * has not expired. Read at synth, so the fix is named before Terraform fails at plan on a missing file.
 */
export function certificateProblem(
  dir: string,
  names: readonly string[],
  { label = dir, now = new Date() }: { readonly label?: string; readonly now?: Date } = {},
): string | undefined {
  const required: CertFile[] = ["ca", "serverCert", "serverKey", "clientCert", "clientKey"];
  const missing = required.map((f) => CERT_FILES[f]).filter((f) => !existsSync(join(dir, f)));
  const file = (f: CertFile) => posix.join(label, CERT_FILES[f]);
  if (missing.length === required.length) return `there are no certificates in ${label}: run \`npm run certs\` before deploying`;
  if (missing.length > 0) return `${label} lacks ${missing.join(", ")}: run \`npm run certs\` to make them`;
  let server: X509Certificate;
  let ca: X509Certificate;
  try {
    server = new X509Certificate(readFileSync(join(dir, CERT_FILES.serverCert)));
    ca = new X509Certificate(readFileSync(join(dir, CERT_FILES.ca)));
  } catch (error) {
    return `${label} holds a certificate that cannot be read (${(error as Error).message}): run \`npm run certs -- --rotate-ca\``;
  }
  const covered = subjectAltNames(server);
  const uncovered = names.filter((n) => !covered.includes(n));
  if (uncovered.length > 0) {
    return `${file("serverCert")} covers ${covered.join(", ") || "no names"} but the settings need ${uncovered.join(", ")}: run \`npm run certs -- --rotate\``;
  }
  if (!server.verify(ca.publicKey)) {
    return `${file("serverCert")} was not issued by ${file("ca")}: run \`npm run certs -- --rotate\``;
  }
  if (new Date(server.validTo) <= now) return `${file("serverCert")} expired on ${server.validTo}: run \`npm run certs -- --rotate\``;
  try {
    const client = new X509Certificate(readFileSync(join(dir, CERT_FILES.clientCert)));
    if (!client.verify(ca.publicKey)) return `${file("clientCert")} was not issued by ${file("ca")}: run \`npm run certs -- --rotate\``;
    if (new Date(client.validTo) <= now) return `${file("clientCert")} expired on ${client.validTo}: run \`npm run certs -- --rotate\``;
  } catch (error) {
    return `${file("clientCert")} cannot be read (${(error as Error).message}): run \`npm run certs -- --rotate\``;
  }
  return undefined;
}
