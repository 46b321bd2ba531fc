// The Docker API's TLS contract, shared by the boot configuration, the certificate generator, the readiness
// gate and the DockerStack: file names as the Docker client expects them, and the names the server answers to.
import { posix } from "node:path";

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
