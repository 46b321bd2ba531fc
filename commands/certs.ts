// `npm run certs`: a private CA, the Docker host's server certificate and the client certificate, for the Docker
// API's mutual TLS. Existing files are kept once checked (each key its certificate's, both certificates the CA's),
// and missing ones made; --rotate reissues both certificates from the same CA, --rotate-ca starts over with a new
// CA. Keys it makes are ECDSA P-256 in PKCS#8, written with mode 0600; a CA key made elsewhere signs if it can.
import "reflect-metadata"; // @peculiar/x509's dependency injection needs it before it loads
import { type KeyObject, randomBytes, webcrypto } from "node:crypto";
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import * as x509 from "@peculiar/x509";
import { CERT_FILES, CERT_FIXES, CLOCK_SKEW_MS, type CertFile, LEAVES, type Leaf, RENEW_DAYS, checkCa, checkCaKey, dockerHostCertificateNames, fixOf, leafProblem, missingFiles } from "../constructs/docker-tls";
import { loadSettings } from "../settings/load";
import { projectRoot, startedAs, userPath } from "../settings/paths";
import { type NewFile, WriteError, certificateDirProblem, notAFile, writeAllOrNothing } from "./certs-files";
import { type Refusal, type TlsSet, handshakeRefusals, tlsSetOf } from "./tls-handshake";
import { type CommandSpec, UsageError, UserError, checkPathOption, commandExitCode, runCommand } from "./cli";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A key's algorithm as WebCrypto imports it and @peculiar/x509 signs with it. */
type Algorithm = { readonly name: string; readonly namedCurve?: string; readonly hash?: string };

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const satisfies Algorithm;
const DAY = 86_400_000;
export const CA_DAYS = 3650;
export const LEAF_DAYS = 825;

export interface CertOptions {
  /** Directory of the files; created with mode 0700 when missing, an existing one keeps its mode. */
  readonly dir: string;
  /** DNS names the server certificate covers. */
  readonly serverNames: string[];
  /** Reissue the server and client certificates from the existing CA. */
  readonly rotate?: boolean;
  /** Make a new CA and reissue everything. */
  readonly rotateCa?: boolean;
  readonly now?: Date;
}

export interface CertResult {
  readonly written: string[];
  readonly kept: string[];
  /** Where --rotate-ca put the files it replaced. */
  readonly backup?: string;
  /** What the user should know but that did not stop it (an existing directory open to others). */
  readonly warnings: string[];
}

const ALL_FILES = Object.keys(CERT_FILES) as CertFile[];
const isKey = (f: CertFile) => f.endsWith("Key");

export async function ensureCertificates(options: CertOptions): Promise<CertResult> {
  const { dir } = options;
  const path = (f: CertFile) => join(dir, CERT_FILES[f]);
  const now = options.now ?? new Date();
  const unsafe = certificateDirProblem(dir);
  if (unsafe) throw new UserError(unsafe);
  // A directory or a pipe where a file belongs can be neither read (a pipe waits for a writer) nor replaced by a
  // rename; the fix is the command that works once it is gone (without a CA file, only a new CA).
  const notFiles = ALL_FILES.flatMap((f) => {
    const kind = notAFile(path(f));
    if (kind === undefined) return [];
    const fix = options.rotateCa || f === "ca" || f === "caKey" ? CERT_FIXES.rotateCa : options.rotate ? CERT_FIXES.rotate : CERT_FIXES.make;
    return [`${path(f)} is ${kind}, not a file: remove it or move it away, then ${fix}`];
  });
  if (notFiles.length > 0) throw new UserError(notFiles.join("; "));
  const warnings: string[] = [];
  if (existsSync(dir)) {
    // Not ours to change: the user may share it on purpose. The keys in it are 0600 whatever its mode.
    const mode = statSync(dir).mode & 0o777;
    if (mode & 0o077) {
      warnings.push(
        `${dir} is open to other users (mode ${mode.toString(8).padStart(4, "0")}) and was not made here, so its mode is ` +
          `left as it is: \`chmod 700 ${dir}\` keeps them from listing or replacing the certificates`,
      );
    }
  }
  // A file this user may not look at would count as missing, and be made again over the one the host trusts.
  const looked = missingFiles(dir, ALL_FILES);
  if (looked.problem !== undefined) throw new UserError(`${looked.problem}: ${fixOf(looked, CERT_FIXES.make)}`);
  const exists = ALL_FILES.filter((f) => !looked.value.includes(f));

  // Everything is checked before anything is written: a refusal leaves the directory as it was.
  // A region's own directory is suggested as the setting would name it: relative to the project, inside it.
  const inProject = relative(projectRoot, dir);
  const certsDirSetting = inProject && !inProject.startsWith("..") && !isAbsolute(inProject) ? inProject : undefined;
  const check = { label: dir, now, marginDays: RENEW_DAYS, certsDirSetting };
  const reissue = new Set<Leaf>();
  let newCa = false;
  let signer: Signer | undefined;
  // The CA's key, when it is here and can sign: it tells a refused certificate from a CA whose certificates are refused.
  let caSigning: Signer | undefined;
  if (options.rotateCa) {
    newCa = true;
  } else if (!exists.includes("ca")) {
    if (exists.length > 0) {
      const present = exists.map((f) => CERT_FILES[f]).join(", ");
      throw new UserError(`${path("ca")} is missing but ${present} ${exists.length === 1 ? "is" : "are"} there: ${CERT_FIXES.rotateCa} to start over (it keeps them in a backup)`);
    }
    newCa = true;
  } else {
    const kept = checkCa(dir, check);
    if (kept.problem !== undefined) throw new UserError(kept.problem);
    const problems: string[] = [];
    for (const leaf of Object.keys(LEAVES) as Leaf[]) {
      const { cert, key } = LEAVES[leaf];
      // A missing half is made again with its other half; --rotate remakes both pairs.
      if (options.rotate || !exists.includes(cert) || !exists.includes(key)) reissue.add(leaf);
      else {
        const problem = leafProblem(dir, leaf, kept.value, leaf === "server" ? options.serverNames : [], check);
        if (problem) problems.push(problem);
      }
    }
    // The CA's key signs only what is made again. One kept away (elsewhere, or under a passphrase) may stay away
    // while nothing is; one that is here must be the CA's.
    const caKey = checkCaKey(dir, kept.value, { label: dir });
    if (caKey.problem !== undefined) {
      if (!caKey.keptAway || reissue.size > 0 || problems.length > 0) problems.unshift(caKey.problem);
      else {
        const state = caKey.keptAway === "missing" ? "is not there" : "is under a passphrase";
        warnings.push(`${path("caKey")} ${state}: nothing needed signing, so the certificates were checked without it; \`npm run certs -- --rotate\` will need it here without one`);
      }
    }
    if (problems.length > 0) throw new UserError(problems.join("; "));
    const usable = caKey.value && caSigner(caKey.value, path("caKey"));
    if (typeof usable === "string" && reissue.size > 0) throw new UserError(usable);
    if (typeof usable === "object") caSigning = usable;
    if (reissue.size > 0) signer = caSigning;
  }

  // Everything is made in memory, then written at once: all of it or, on a failure, none.
  const files: NewFile[] = [];
  if (newCa || signer) {
    const ca = signer ? await loadCa(path("ca"), signer) : await makeCa(now);
    if (!signer) {
      files.push(...(await pemFiles(path("ca"), path("caKey"), ca.cert, ca.signingKey)));
      reissue.add("server").add("client");
    }
    if (reissue.has("server")) {
      const server = await issue(ca, now, options.serverNames[0], options.serverNames, "server");
      files.push(...(await pemFiles(path("serverCert"), path("serverKey"), server.cert, server.keys.privateKey)));
    }
    if (reissue.has("client")) {
      const client = await issue(ca, now, "docker-client", [], "client");
      files.push(...(await pemFiles(path("clientCert"), path("clientKey"), client.cert, client.keys.privateKey)));
    }
  }
  const written = files.map((f) => f.path);
  // The set as the two ends of the Docker API's TLS will check each other with it: what the file checks do not read.
  const content = (f: CertFile) => {
    const made = files.find((n) => n.path === path(f));
    return made ? Buffer.from(made.content) : readFileSync(path(f));
  };
  const set = tlsSetOf(content);
  const refusals = await handshakeRefusals(set);
  if (refusals.length > 0) {
    if (newCa) throw new Error(`TLS refuses a set npm run certs has just made: ${refusals.map((r) => `${r.side}: ${r.reason}`).join("; ")}`);
    const faults = [];
    for (const refusal of refusals) {
      faults.push(await refusalProblem(refusal, set, { path, fresh: written.includes(path(LEAVES[refusal.side].cert)), ca: caSigning, now, names: options.serverNames }));
    }
    // A new CA reissues both certificates: its reason is the one to give.
    const caFault = faults.find((f) => f.caRefused);
    throw new UserError(caFault ? caFault.problem : faults.map((f) => f.problem).join("; "));
  }
  // The old CA signed the certificates deployed hosts and clients still hold: keep it, dated, until they are gone.
  let backup: string | undefined;
  if (newCa && exists.length > 0) {
    const dated = join(dir, `backup-${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`);
    // A second --rotate-ca within the same second keeps the first one's backup too.
    backup = dated;
    for (let n = 2; existsSync(backup); n++) backup = `${dated}-${n}`;
  }
  // Kept keys are narrowed with the writes, so that a refused write leaves their modes as they were too. A key that
  // is a symbolic link is the user's file elsewhere: its mode is theirs to change, and said so.
  const open = exists.filter(isKey).map(path).filter((p) => !written.includes(p) && statSync(p).mode & 0o077);
  const linked = open.filter((p) => lstatSync(p).isSymbolicLink());
  for (const link of linked) {
    const [target, mode] = [realpathSync(link), (statSync(link).mode & 0o777).toString(8).padStart(4, "0")];
    warnings.push(`${link} is a symbolic link to ${target}, which others may read (mode ${mode}); it is not ours to change: \`chmod 600 ${target}\``);
  }
  const narrow = open.filter((p) => !linked.includes(p));
  if (files.length > 0 || narrow.length > 0) writeAllOrNothing(dir, files, { backup, narrow });
  const kept = exists.map(path).filter((f) => !written.includes(f));
  return { written, kept, backup, warnings };
}

/** Who checks each side's certificate, against ca.pem, when the Docker API's TLS meets. */
const CHECKED_BY: Record<Leaf, string> = { server: "the Docker client and the readiness gate check it", client: "dockerd checks it" };

/**
 * What a TLS refusal asks of the user: new certificates, or a new CA when one new from the CA is refused too (a
 * critical extension or name constraints of the CA's own). A kept certificate is tried against a new one from the
 * CA, made in memory, when the CA's key is here; without it, both fixes are named.
 */
async function refusalProblem(
  refusal: Refusal,
  set: TlsSet,
  { path, fresh, ca, now, names }: { path: (f: CertFile) => string; fresh: boolean; ca?: Signer; now: Date; names: readonly string[] },
): Promise<{ problem: string; caRefused: boolean }> {
  const leaf = refusal.side;
  const { cert: certFile, key: keyFile } = LEAVES[leaf];
  const why = `${refusal.reason} (OpenSSL: ${refusal.code})`;
  let caRefused = fresh;
  if (!fresh && ca) {
    const caCert = await loadCa(path("ca"), ca);
    // As `-- --rotate` would issue it.
    const probe = leaf === "server" ? await issue(caCert, now, names[0], [...names], "server") : await issue(caCert, now, "docker-client", [], "client");
    const [probeCert, probeKey] = await pemFiles(path(certFile), path(keyFile), probe.cert, probe.keys.privateKey);
    const probed = { ...set, [certFile]: Buffer.from(probeCert.content), [keyFile]: Buffer.from(probeKey.content) };
    caRefused = (await handshakeRefusals(probed)).some((r) => r.side === leaf);
  }
  if (caRefused) {
    const problem = `TLS refuses the ${leaf} certificates ${path("ca")} issues, a new one too, as ${CHECKED_BY[leaf]}: ${why}: ${CERT_FIXES.rotateCa}`;
    return { problem, caRefused };
  }
  const fix = ca ? CERT_FIXES.rotate : `${CERT_FIXES.rotate} (with ${path("caKey")} here), or, if a new one is refused too, ${CERT_FIXES.rotateCa.replace(/^run /, "")}`;
  return { problem: `${path(certFile)} is refused by TLS as ${CHECKED_BY[leaf]} against ${path("ca")}: ${why}: ${fix}`, caRefused };
}

/** A CA that can sign: its certificate, its key and the algorithm it signs with. */
interface Ca {
  readonly cert: x509.X509Certificate;
  readonly signingKey: webcrypto.CryptoKey;
  readonly algorithm: Algorithm;
}

async function makeCa(now: Date): Promise<Ca> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=soa Docker API CA",
    // Valid from a little before now: a host whose clock is behind (before it synchronizes) still takes it.
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, signingKey: keys.privateKey, algorithm: ALGORITHM };
}

/** A CA key that can sign, read, and how it signs. */
interface Signer {
  readonly key: KeyObject;
  readonly algorithm: Algorithm;
}

/** The curves WebCrypto and Go's crypto/x509 (dockerd, the Docker client) both take, by OpenSSL's names. */
const CURVES: Readonly<Record<string, Algorithm>> = {
  prime256v1: { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" },
  secp384r1: { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" },
  secp521r1: { name: "ECDSA", namedCurve: "P-521", hash: "SHA-512" },
};
/** node:crypto's names of the key types it cannot sign with, as people write them. */
const KEY_TYPES: Readonly<Record<string, string>> = { ed448: "Ed448", "rsa-pss": "RSA-PSS", dsa: "DSA", dh: "DH", x25519: "X25519", x448: "X448" };
const SIGNING_KEYS = "ECDSA P-256, P-384 or P-521, RSA of 2048 bits or more, or Ed25519";

/**
 * The CA's key and the algorithm it signs with, or why it cannot sign: a key made elsewhere or rewritten
 * (`openssl ec` writes SEC1, older tools PKCS#1) is taken in any form, and of any type dockerd and the Docker
 * client verify; OpenSSL's default security level refuses RSA under 2048 bits.
 */
function caSigner(key: KeyObject, keyPath: string): Signer | string {
  const { namedCurve, modulusLength } = key.asymmetricKeyDetails ?? {};
  let kind: string;
  if (key.asymmetricKeyType === "ec") {
    if (CURVES[namedCurve ?? ""]) return { key, algorithm: CURVES[namedCurve ?? ""] };
    kind = `an EC key on ${namedCurve}`;
  } else if (key.asymmetricKeyType === "rsa") {
    if ((modulusLength ?? 0) >= 2048) return { key, algorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } };
    kind = `a ${modulusLength}-bit RSA key`;
  } else if (key.asymmetricKeyType === "ed25519") {
    return { key, algorithm: { name: "Ed25519" } };
  } else {
    kind = `a key of type ${KEY_TYPES[key.asymmetricKeyType ?? ""] ?? key.asymmetricKeyType}`;
  }
  return `${keyPath} is ${kind}, which npm run certs cannot sign with (it takes ${SIGNING_KEYS}): ${CERT_FIXES.rotateCa}`;
}

async function loadCa(certPath: string, { key, algorithm }: Signer): Promise<Ca> {
  const cert = new x509.X509Certificate(readFileSync(certPath, "utf8"));
  const pkcs8 = key.export({ type: "pkcs8", format: "der" });
  const signingKey = await webcrypto.subtle.importKey("pkcs8", pkcs8, algorithm, false, ["sign"]);
  return { cert, signingKey, algorithm };
}

async function issue(
  ca: Ca,
  now: Date,
  commonName: string,
  dnsNames: string[],
  role: "server" | "client",
) {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${commonName}`,
    // The CA's name as its certificate encodes it: Go matches issuer and CA by these bytes.
    issuer: ca.cert.subjectName,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + LEAF_DAYS * DAY),
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ca.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([role === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await authorityKeyIdentifier(ca.cert),
      ...(dnsNames.length ? [new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: "dns" as const, value })))] : []),
    ],
  });
  return { cert, keys };
}

/**
 * The authority key identifier of what `ca` issues: the CA's own subject key identifier, copied, as OpenSSL compares
 * the two (a CA made elsewhere may name its key otherwise than by the SHA-1 of it, which is what a new identifier
 * would be); made from its key when it names none.
 */
async function authorityKeyIdentifier(ca: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const own = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  return own ? new x509.AuthorityKeyIdentifierExtension(own.keyId) : x509.AuthorityKeyIdentifierExtension.create(ca);
}

/** The certificate (0644) and its key (0600) as files to write, in PEM. */
async function pemFiles(certPath: string, keyPath: string, cert: x509.X509Certificate, key: webcrypto.CryptoKey): Promise<NewFile[]> {
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", key);
  return [
    { path: certPath, content: `${cert.toString("pem")}\n`, mode: 0o644 },
    { path: keyPath, content: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"), mode: 0o600 },
  ];
}

/** A positive 128-bit serial number. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString("hex");
}

export const USAGE = `usage: npm run certs [-- [--rotate | --rotate-ca] [--out=DIR]]

Makes the private CA, the Docker host's server certificate and the client certificate for the Docker API's
mutual TLS, in dockerHost.certsDir (certs/); keys 0600, a directory it makes 0700 (an existing one keeps its
mode). Existing files are kept when they still fit together (each key its certificate's, both certificates the
CA's) and cover the settings, and missing ones are made; otherwise it stops and names the option that fixes them.
  --rotate      reissue the server and client certificates from the same CA (after changing region or dns)
  --rotate-ca   start over with a new CA; the replaced files are kept in a dated backup-… directory
  --out=DIR     write to DIR (from where you typed the command) instead of dockerHost.certsDir; a new or empty
                directory, or one holding only certificates; inside the project, one git ignores (as certs/)
  -h, --help    this text
Options go after \`--\`: npm takes \`npm run certs --rotate\` as its own option (that form is understood too, with a
note; \`--out DIR\` with a space is not, since npm passes DIR on as an argument).`;

const COMMAND = {
  name: "npm run certs",
  usage: USAGE,
  options: {
    out: { type: "string" },
    rotate: { type: "boolean" },
    "rotate-ca": { type: "boolean" },
  },
} as const satisfies CommandSpec<Record<string, { type: "string" | "boolean" }>>;

type Io = { out: (s: string) => void; err: (s: string) => void };

async function certs(values: { out?: string; rotate?: boolean; "rotate-ca"?: boolean }, env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  // `npm run certs --rotate` (no `--`) arrives in values too: commandExitCode reads what npm took as its own.
  const options = { ...values };
  if (options.rotate && options["rotate-ca"]) throw new UsageError("--rotate and --rotate-ca exclude each other");

  const settings = loadSettings(env);
  let dir: string;
  // What the messages about the directory name it by: the option or the setting it came from.
  let source: string;
  if (options.out !== undefined) {
    checkPathOption("out", options.out);
    dir = userPath(options.out, env);
    source = `--out=${options.out}`;
    const unsafe = certificateDirProblem(dir);
    if (unsafe) throw new UsageError(`${source}: ${unsafe}`);
  } else {
    dir = resolve(projectRoot, settings.dockerHost.certsDir);
    source = `dockerHost.certsDir (${settings.dockerHost.certsDir})`;
    const unsafe = certificateDirProblem(dir);
    if (unsafe) throw new UserError(`${source}: ${unsafe}`);
  }
  const serverNames = dockerHostCertificateNames(settings.region, settings.dockerHost.dns?.name);
  let result: CertResult;
  try {
    result = await ensureCertificates({ dir, serverNames, rotate: options.rotate, rotateCa: options["rotate-ca"] });
  } catch (error) {
    // The path was fine but the system refused a write (permissions, a full disk): exit 1, nothing changed.
    if (error instanceof WriteError) throw new UserError(`${source}: ${error.message}`);
    throw error;
  }
  for (const warning of result.warnings) io.err(`npm run certs: warning: ${warning}\n`);
  const lines = result.written.map((f) => `wrote ${f}`);
  if (result.backup) lines.push(`kept the replaced files in ${result.backup}`);
  const kept = result.kept.map((f) => f.slice(dir.length + 1));
  if (kept.length === ALL_FILES.length) {
    lines.push(`kept all ${kept.length} files in ${dir}: they cover the settings (-- --rotate reissues the certificates, -- --rotate-ca the CA too)`);
  } else if (kept.join() === [CERT_FILES.ca, CERT_FILES.caKey].join()) {
    lines.push(`kept the CA in ${dir} (${kept.join(", ")}); -- --rotate-ca replaces it`);
  } else if (kept.length > 0) {
    lines.push(`kept ${kept.join(", ")} in ${dir}: they still fit the CA and the settings (-- --rotate reissues them)`);
  }
  lines.push(`server certificate names: ${serverNames.join(", ")}`);
  io.out(`${lines.join("\n")}\n`);
  return 0;
}

/** Runs the command with `args` and `env` (npm's environment tells whether npm swallowed an option), capturing its output. */
export async function certsCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s) };
  const code = await commandExitCode(COMMAND, ({ values }) => certs(values, env, io), args, io, env);
  return { code, out, err };
}

if (startedAs("certs")) {
  const io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
  runCommand(COMMAND, ({ values }) => certs(values, process.env, io));
}
