// The Docker API's TLS contract, shared by the boot configuration, the certificate generator, the readiness
// gate and the DockerStack: file names as the Docker client expects them, the names the server answers to, and
// the checks that the files fit together (each key its certificate's, both certificates the CA's).
import { type KeyObject, X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename, isAbsolute, join, posix } from "node:path";

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

/** The region whose EC2 public names a name covers (`*.eu-central-1.compute.amazonaws.com`), or undefined. */
function ec2Region(name: string): string | undefined {
  if (name.toLowerCase() === `*.${ec2PublicDnsDomain("us-east-1")}`) return "us-east-1";
  return /^\*\.([a-z0-9-]+)\.compute\.amazonaws\.com$/i.exec(name)?.[1].toLowerCase();
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
 * Whether a certificate's DNS name covers a name the settings need, as TLS clients match them (RFC 6125, Go's
 * crypto/x509): without regard to case, and a wildcard `*.domain` for one more label in front of the domain. A
 * needed wildcard (the region's EC2 names) takes the same wildcard.
 */
export function coversName(san: string, needed: string): boolean {
  const [have, want] = [san.toLowerCase(), needed.toLowerCase()];
  if (have === want) return true;
  if (!have.startsWith("*.") || want.startsWith("*.")) return false;
  const label = want.slice(0, want.length - have.length + 1);
  return want.endsWith(have.slice(1)) && label.length > 0 && !label.includes(".");
}

/** The commands that fix what the checks below find; every message ends with one. */
export const CERT_FIXES = {
  make: "run `npm run certs`",
  rotate: "run `npm run certs -- --rotate`",
  rotateCa: "run `npm run certs -- --rotate-ca`",
} as const;

/** Each certificate the CA issues, with its key. */
export const LEAVES = {
  server: { cert: "serverCert", key: "serverKey" },
  client: { cert: "clientCert", key: "clientKey" },
} as const satisfies Record<string, { cert: CertFile; key: CertFile }>;

export type Leaf = keyof typeof LEAVES;

export interface CertCheckOptions {
  /** How messages name the directory. @default the directory's path */
  readonly label?: string;
  /** The time certificates must be valid at. @default now */
  readonly now?: Date;
  /** Also refuse certificates that expire within this many days after `now`. @default 0 */
  readonly marginDays?: number;
  /**
   * The directory as dockerHost.certsDir names it (relative to the project), beside which a region's own is
   * suggested; undefined when no setting can name it. @default `label`, when relative
   */
  readonly certsDirSetting?: string;
}

/**
 * A value read, or the problem; `repair`, when there is one, keeps the files (the usual fix makes new ones), and
 * `fix` replaces the usual fix where new files would not help (a file this user may not read).
 */
type Read<T> =
  | { readonly value: T; readonly problem?: undefined }
  | { readonly value?: undefined; readonly problem: string; readonly repair?: string; readonly fix?: string };

/** The fix of a problem read: its own fix, or its repair first, when it has one, then `renew`. */
export const fixOf = (read: { readonly repair?: string; readonly fix?: string }, renew: string) =>
  read.fix ?? (read.repair ? `${read.repair}, or ${renew}` : renew);

/** The system's refusals that are about this user's permissions, not about the files. */
const DENIED = new Set(["EACCES", "EPERM"]);

/**
 * The fix where this user may not read or look for the files: new ones would not help (writing them fails alike,
 * and a new CA would not be the one the host trusts).
 */
export const PERMISSION_FIX = "run the command as the user the certificates belong to, or give this user read access to them and their directory";

/**
 * Which of `files` are missing from `dir` (the system says ENOENT or ENOTDIR), or the problem when the system
 * refused to look: a directory this user may not search hides files that are there, and "missing" would have
 * them made again.
 */
export function missingFiles(dir: string, files: readonly CertFile[], label = dir): Read<CertFile[]> {
  const missing: CertFile[] = [];
  for (const f of files) {
    try {
      statSync(join(dir, CERT_FILES[f]));
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code === "ENOENT" || e.code === "ENOTDIR") missing.push(f);
      else if (DENIED.has(e.code ?? "")) return { problem: `${label} cannot be searched for ${CERT_FILES[f]} (permission denied, ${e.code})`, fix: PERMISSION_FIX };
      else return { problem: `${posix.join(label, CERT_FILES[f])} cannot be looked up (${e.code ?? e.message})` };
    }
  }
  return { value: missing };
}

/** A PEM file's bytes, or why there are none to use ("is missing", "is empty", "cannot be read (EACCES)"). */
function readPem(path: string): Read<Buffer> {
  try {
    // Reading a named pipe would wait for a writer: synth and deploy would hang.
    const stat = statSync(path);
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? "a directory" : stat.isFIFO() ? "a named pipe" : stat.isSocket() ? "a socket" : "a device";
      return { problem: `is ${kind}, not a file (remove it or move it away)` };
    }
    const pem = readFileSync(path);
    return pem.toString("utf8").trim() === "" ? { problem: "is empty" } : { value: pem };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (DENIED.has(e.code ?? "")) return { problem: `cannot be read (permission denied, ${e.code})`, fix: PERMISSION_FIX };
    return { problem: e.code === "ENOENT" ? "is missing" : `cannot be read (${e.code ?? e.message})` };
  }
}

/**
 * The labels of a PEM file's blocks, in order ("CERTIFICATE", "PRIVATE KEY", …): also where a file without a
 * final line break was joined to another (`cat a.pem b.pem`), so that the second block starts mid-line.
 */
function pemLabels(pem: Buffer): string[] {
  return [...pem.toString("latin1").matchAll(/-----BEGIN ([^\r\n]*?)-----/g)].map((m) => m[1]);
}

/** What PEM blocks are, in words: "2 certificates", "a certificate and a private key". */
function inventory(labels: readonly string[]): string {
  const noun = (label: string) =>
    label === "CERTIFICATE" ? "certificate" : label === "ENCRYPTED PRIVATE KEY" ? "encrypted private key" : label.endsWith("PRIVATE KEY") ? "private key" : `"${label}" block`;
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(noun(label), (counts.get(noun(label)) ?? 0) + 1);
  const parts = [...counts].map(([n, count]) => (count > 1 ? `${count} ${n}s` : `${/^[aeiou]/.test(n) ? "an" : "a"} ${n}`));
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts.join("");
}

/**
 * Why a PEM file's blocks are not the one `kind` it should hold, or undefined. dockerd and the Docker client read
 * every certificate in a file (a second CA in ca.pem would be trusted too) and the first private key in a key
 * file, while node:crypto reads the first block only: what is checked must be all there is.
 */
function blocksProblem(labels: readonly string[], kind: "certificate" | "private key", isKind: (label: string) => boolean): string | undefined {
  if (labels.length === 0) return `does not hold a PEM ${kind} (there is no -----BEGIN line in it)`;
  if (!labels.some(isKind)) return `does not hold a PEM ${kind} (it holds ${inventory(labels)})`;
  if (labels.length > 1) return `holds ${inventory(labels)} where one ${kind} belongs`;
  return undefined;
}

/** The certificate in a PEM file, or what keeps it from being read. */
function readCertificate(path: string): Read<X509Certificate> {
  const pem = readPem(path);
  if (pem.problem !== undefined) return pem;
  const blocks = blocksProblem(pemLabels(pem.value), "certificate", (label) => label === "CERTIFICATE");
  if (blocks) return { problem: blocks };
  try {
    return { value: new X509Certificate(pem.value) };
  } catch (error) {
    return { problem: `does not hold a PEM certificate (${(error as Error).message})` };
  }
}

/**
 * The private key in a PEM file, or what keeps it from being read; `usedBy` says who needs it without a
 * passphrase. A key encrypted under a passphrase keeps its certificate: written again without one, it serves.
 */
function readPrivateKey(path: string, usedBy = "dockerd and the Docker client need it without a passphrase"): Read<KeyObject> {
  const pem = readPem(path);
  if (pem.problem !== undefined) return pem;
  // The curve's parameters before an EC key, as `openssl ecparam -genkey` writes them, are read past by all.
  const labels = pemLabels(pem.value).filter((label) => label !== "EC PARAMETERS");
  const blocks = blocksProblem(labels, "private key", (label) => label.endsWith("PRIVATE KEY"));
  if (blocks) return { problem: blocks };
  // PKCS#8's ENCRYPTED PRIVATE KEY, or OpenSSL's older header on an RSA or EC key.
  if (labels[0] === "ENCRYPTED PRIVATE KEY" || /^Proc-Type: 4,ENCRYPTED/m.test(pem.value.toString("latin1"))) {
    const file = basename(path);
    return {
      problem: `holds an encrypted private key: ${usedBy}`,
      // Not `-out` onto itself: OpenSSL empties the output before it reads the key, so a wrong passphrase lost it.
      repair: `write it without one (\`openssl pkey -in ${file} -out ${file}.new && mv ${file}.new ${file}\` asks for the passphrase once, and keeps ${file} until it is read)`,
    };
  }
  try {
    return { value: createPrivateKey(pem.value) };
  } catch (error) {
    return { problem: `does not hold a PEM private key (${(error as Error).message})` };
  }
}

/** How many days before they expire `npm run certs` renews certificates, and diff and deploy say they will need it. */
export const RENEW_DAYS = 30;

/** How far ahead of this machine's clock a certificate's start may be: one made a moment ago elsewhere is taken. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * "not valid until …" when `cert` starts later than `now` (give or take the skew), "expired on …" or "expires on …"
 * when it is not valid until `margin` days after `now`.
 */
function validity(cert: X509Certificate, now: Date, marginDays: number): string | undefined {
  if (Date.parse(cert.validFrom) > now.getTime() + CLOCK_SKEW_MS) return `is not valid until ${cert.validFrom}`;
  const end = new Date(cert.validTo).getTime();
  if (end <= now.getTime()) return `expired on ${cert.validTo}`;
  if (end <= now.getTime() + marginDays * 86_400_000) return `expires on ${cert.validTo}`;
  return undefined;
}

/** The extended key usage each certificate needs: the TLS side it is presented on. */
const EXTENDED_KEY_USAGE = {
  server: { oid: "1.3.6.1.5.5.7.3.1", name: "serverAuth" },
  client: { oid: "1.3.6.1.5.5.7.3.2", name: "clientAuth" },
} as const satisfies Record<Leaf, { oid: string; name: string }>;
const ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

/** Why `cert` may not be presented as `leaf`'s certificate, or undefined: its extended key usage, when it has one. */
function roleProblem(cert: X509Certificate, leaf: Leaf): string | undefined {
  const usages = cert.keyUsage; // node:crypto's name for the extended key usage; undefined when there is none
  const { oid, name } = EXTENDED_KEY_USAGE[leaf];
  if (usages === undefined || usages.includes(oid) || usages.includes(ANY_EXTENDED_KEY_USAGE)) return undefined;
  return `is not a ${leaf} certificate (its extended key usage allows ${usageNames(usages)}, not ${name})`;
}

/** Extended key usages as words: by name where they are ours (serverAuth), else by OID; "nothing" for none. */
function usageNames(usages: readonly string[]): string {
  const names = new Map<string, string>(Object.values(EXTENDED_KEY_USAGE).map((u) => [u.oid, u.name]));
  return usages.map((u) => names.get(u) ?? u).join(", ") || "nothing";
}

/**
 * The keys the Docker API's TLS takes: what Go's crypto/tls (dockerd, the Docker client, the Docker provider) loads
 * and signs with, RSA no shorter than we accept anywhere.
 */
export const GO_TLS_KEYS = "RSA of 2048 bits or more, ECDSA on P-256, P-384 or P-521, or Ed25519";
const GO_CURVES = new Set(["prime256v1", "secp384r1", "secp521r1"]);

/**
 * What a key is, when Go cannot use it for TLS (or RSA is shorter than we accept), or undefined: other curves
 * (secp256k1, brainpool, P-224, P-192), RSA-PSS keys, DSA, Ed448 and X25519 parse in Node but not in Go, or fail
 * its handshake.
 */
export function goKeyProblem(key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  const { namedCurve, modulusLength } = key.asymmetricKeyDetails ?? {};
  if (type === "ed25519" || (type === "ec" && GO_CURVES.has(namedCurve ?? ""))) return undefined;
  if (type === "rsa" && (modulusLength ?? 0) >= 2048) return undefined;
  if (type === "ec") return `an EC key on ${namedCurve ?? "an unnamed curve"}`;
  if (type === "rsa") return `an RSA key of ${modulusLength} bits`;
  return `a key of type ${type}`;
}

/** A DER element at `at`: where its content starts and where it ends. */
function derElement(der: Buffer, at: number): { body: number; end: number } {
  let length = der[at + 1];
  let body = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[body + i];
    body += bytes;
  }
  return { body, end: body + length };
}

/** Signature algorithms Go refuses in certificates (crypto/x509: SHA-1 since Go 1.18, MD5 and MD2 long before), by DER. */
const REFUSED_SIGNATURES: ReadonlyMap<string, string> = new Map([
  ["06092a864886f70d010105", "SHA-1 with RSA"],
  ["06072a8648ce3d0401", "ECDSA with SHA-1"],
  ["06072a8648ce380403", "DSA with SHA-1"],
  ["06092a864886f70d010104", "MD5 with RSA"],
  ["06092a864886f70d010102", "MD2 with RSA"],
]);

/** The signature algorithm a certificate was signed with, when Go refuses it: "SHA-1 with RSA", or undefined. */
export function refusedSignature(cert: X509Certificate): string | undefined {
  const der = cert.raw;
  const outer = derElement(der, 0);
  const algorithm = derElement(der, derElement(der, outer.body).end);
  const oid = der.subarray(algorithm.body, derElement(der, algorithm.body).end).toString("hex");
  return REFUSED_SIGNATURES.get(oid);
}

/**
 * The issuer and the subject of a certificate as its DER holds them. Go finds a certificate's issuer by comparing
 * these bytes (RawIssuer with the CA's RawSubject); OpenSSL and Node compare the names loosely, so a name
 * re-encoded (a UTF8String written again as a PrintableString) passes their checks and fails dockerd's.
 */
export function rawNames(cert: X509Certificate): { issuer: Buffer; subject: Buffer } {
  const der = cert.raw;
  const tbs = derElement(der, derElement(der, 0).body);
  const fields: Buffer[] = [];
  for (let at = tbs.body; at < tbs.end && fields.length < 6; ) {
    const end = derElement(der, at).end;
    fields.push(der.subarray(at, end));
    at = end;
  }
  // version [0] is optional; then serialNumber, signature, issuer, validity, subject.
  const first = der[tbs.body] === 0xa0 ? 1 : 0;
  return { issuer: fields[first + 2], subject: fields[first + 4] };
}

const NOT_A_CA = "is not a CA certificate (its basic constraints do not say CA:TRUE, or its key usage leaves out keyCertSign)";

/**
 * The CA certificate in `dir`, or what is wrong with it: unreadable, not a CA, limited to other uses, not valid yet
 * or expired, or with a key the Docker API's TLS does not take.
 */
export function checkCa(dir: string, options: CertCheckOptions = {}): Read<X509Certificate> {
  const { label = dir, now = new Date(), marginDays = 0 } = options;
  const name = (f: CertFile) => posix.join(label, CERT_FILES[f]);
  const ca = readCertificate(join(dir, CERT_FILES.ca));
  if (ca.problem !== undefined) return { problem: `${name("ca")} ${ca.problem}: ${fixOf(ca, CERT_FIXES.rotateCa)}` };
  // What is not a CA signs certificates nobody can verify: `npm run certs` would issue them, dockerd refuse them.
  // node:crypto's `ca` is OpenSSL's X509_check_ca(): CA:TRUE, and keyCertSign if it has a key usage.
  if (!ca.value.ca) return { problem: `${name("ca")} ${NOT_A_CA}: ${CERT_FIXES.rotateCa}` };
  // An extended key usage on a CA limits every certificate under it (Go's crypto/x509 and OpenSSL check the whole
  // chain): both sides of the Docker API's TLS need theirs, so a CA for clients only fails the server, and no new
  // certificate from it would do.
  const usages = ca.value.keyUsage;
  if (usages !== undefined && !usages.includes(ANY_EXTENDED_KEY_USAGE)) {
    const lacking = Object.values(EXTENDED_KEY_USAGE).filter((u) => !usages.includes(u.oid));
    if (lacking.length > 0) {
      return {
        problem:
          `${name("ca")} limits the certificates under it to ${usageNames(usages)} (its extended key usage), and the Docker API's TLS ` +
          `also needs ${lacking.map((u) => u.name).join(" and ")} along the chain: ${CERT_FIXES.rotateCa}`,
      };
    }
  }
  const invalid = validity(ca.value, now, marginDays);
  if (invalid) return { problem: `${name("ca")} ${invalid}: ${CERT_FIXES.rotateCa}` };
  const caKind = goKeyProblem(ca.value.publicKey);
  if (caKind) {
    return { problem: `${name("ca")} holds ${caKind}, which the Docker API's TLS does not take (it takes ${GO_TLS_KEYS}): ${CERT_FIXES.rotateCa}` };
  }
  return ca;
}

/**
 * The CA's key in `dir`, for signing, or what is wrong with it: missing, unreadable, or not `ca`'s. `keptAway`
 * marks a key that is not here to sign with (missing, or under a passphrase) but may well be the CA's, as a careful
 * user keeps it: that matters only when something is to be signed.
 */
export function checkCaKey(
  dir: string,
  ca: X509Certificate,
  { label = dir }: { readonly label?: string } = {},
): Read<KeyObject> & { readonly keptAway?: "missing" | "encrypted" } {
  const name = (f: CertFile) => posix.join(label, CERT_FILES[f]);
  const key = readPrivateKey(join(dir, CERT_FILES.caKey), "npm run certs signs with it and takes no passphrase");
  if (key.problem !== undefined) {
    const keptAway = key.problem === "is missing" ? "missing" : key.repair !== undefined ? "encrypted" : undefined;
    return { problem: `${name("caKey")} ${key.problem}: ${fixOf(key, CERT_FIXES.rotateCa)}`, keptAway };
  }
  // Signing with a key that is not the CA's makes certificates nobody can verify.
  if (!ca.checkPrivateKey(key.value)) {
    return { problem: `${name("caKey")} does not belong to ${name("ca")} (it is another CA's key): ${CERT_FIXES.rotateCa}` };
  }
  return key;
}

/**
 * What is wrong with a certificate and its key in `dir`, or undefined: both readable, the key is the
 * certificate's, `ca` issued it for its role (serverAuth, clientAuth), it is valid now (started and not expired),
 * and (the server's) it covers `names`.
 */
export function leafProblem(
  dir: string,
  leaf: Leaf,
  ca: X509Certificate,
  names: readonly string[],
  options: CertCheckOptions = {},
): string | undefined {
  const { label = dir, now = new Date(), marginDays = 0 } = options;
  const setting = "certsDirSetting" in options ? options.certsDirSetting : isAbsolute(label) ? undefined : label;
  const { cert: certFile, key: keyFile } = LEAVES[leaf];
  const name = (f: CertFile) => posix.join(label, CERT_FILES[f]);
  const cert = readCertificate(join(dir, CERT_FILES[certFile]));
  if (cert.problem !== undefined) return `${name(certFile)} ${cert.problem}: ${fixOf(cert, CERT_FIXES.rotate)}`;
  const key = readPrivateKey(join(dir, CERT_FILES[keyFile]));
  if (key.problem !== undefined) return `${name(keyFile)} ${key.problem}: ${fixOf(key, CERT_FIXES.rotate)}`;
  const kind = goKeyProblem(key.value);
  if (kind) return `${name(keyFile)} holds ${kind}, which the Docker API's TLS does not take (it takes ${GO_TLS_KEYS}): ${CERT_FIXES.rotate}`;
  if (!cert.value.checkPrivateKey(key.value)) {
    return `${name(keyFile)} does not match ${name(certFile)} (it is the key of another certificate): ${CERT_FIXES.rotate}`;
  }
  if (!cert.value.verify(ca.publicKey)) return `${name(certFile)} was not issued by ${name("ca")}: ${CERT_FIXES.rotate}`;
  const weak = refusedSignature(cert.value);
  if (weak) return `${name(certFile)} is signed with ${weak}, which dockerd and the Docker client refuse (Go takes no SHA-1 or MD5 signatures): ${CERT_FIXES.rotate}`;
  // Signed by the CA's key, but under another name than the CA's (a CA made again from the same key, or a name
  // written again in another encoding): dockerd and the Docker client would not find its issuer.
  if (!rawNames(cert.value).issuer.equals(rawNames(ca).subject)) {
    return `${name(certFile)} names its issuer otherwise than ${name("ca")} names itself, byte for byte as dockerd and the Docker client compare them: ${CERT_FIXES.rotate}`;
  }
  // The server's pair copied over the client's fits the CA, but TLS refuses it on the other side.
  const role = roleProblem(cert.value, leaf);
  if (role) return `${name(certFile)} ${role}: ${CERT_FIXES.rotate}`;
  const invalid = validity(cert.value, now, marginDays);
  if (invalid) return `${name(certFile)} ${invalid}: ${CERT_FIXES.rotate}`;
  const covered = subjectAltNames(cert.value);
  const uncovered = names.filter((n) => !covered.some((san) => coversName(san, n)));
  if (uncovered.length > 0) {
    const problem = `${name(certFile)} covers ${covered.join(", ") || "no names"} but the settings need ${uncovered.join(", ")}`;
    // Another region's EC2 names: the host moved, or the same environment runs there too, and rotating would break that one.
    const [from, to] = [covered.map(ec2Region).find(Boolean), uncovered.map(ec2Region).find(Boolean)];
    if (from && to && from !== to) {
      return (
        `${problem}: ${CERT_FIXES.rotate} if the Docker host moved from ${from} to ${to}; if the same environment also stays in ${from}, ` +
        `give each region its own dockerHost.certsDir${setting ? ` (such as ${setting}-${to})` : ""} instead, since the rotated certificates would no longer cover ${from}`
      );
    }
    return `${problem}: ${CERT_FIXES.rotate}`;
  }
  return undefined;
}

/**
 * What is wrong with the certificates in `dir` for a host that must answer to `names`, or undefined when they
 * will do: every file deploy reads is there and parses, each key is its certificate's, both certificates come
 * from the CA, each is valid now (started, within the clock skew, and not expired), and the server's covers the
 * names. Synth warns with it; the deploy wrapper stops on it, so the fix is named before Terraform fails at plan or
 * the readiness gate waits in vain.
 */
export function certificateProblem(
  dir: string,
  names: readonly string[],
  { label = dir, now = new Date(), marginDays = 0 }: CertCheckOptions = {},
): string | undefined {
  // ca-key.pem is not among them: deploy never signs, and `npm run certs` checks it before it does.
  const required: CertFile[] = ["ca", "serverCert", "serverKey", "clientCert", "clientKey"];
  const looked = missingFiles(dir, required, label);
  if (looked.problem !== undefined) return `${looked.problem}: ${fixOf(looked, CERT_FIXES.make)}`;
  const missing = looked.value.map((f) => CERT_FILES[f]);
  if (missing.length === required.length) return `there are no certificates in ${label}: ${CERT_FIXES.make} before deploying`;
  // Without ca.pem nothing can be checked or issued: starting over keeps the other files in a backup.
  if (missing.includes(CERT_FILES.ca)) return `${label} lacks ${missing.join(", ")}: ${CERT_FIXES.rotateCa} to start over`;
  if (missing.length > 0) return `${label} lacks ${missing.join(", ")}: ${CERT_FIXES.make} to make them`;
  const check = { label, now, marginDays };
  const ca = checkCa(dir, check);
  if (ca.problem !== undefined) return ca.problem;
  return leafProblem(dir, "server", ca.value, names, check) ?? leafProblem(dir, "client", ca.value, [], check);
}
