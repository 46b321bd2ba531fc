// `npm run certs`: a private CA, the Docker host's server certificate and the client certificate, for the Docker
// API's mutual TLS. Existing files are kept once checked (each key its certificate's, both certificates the CA's),
// and missing ones made; --rotate reissues both certificates from the same CA, --rotate-ca starts over with a new
// CA. Keys are ECDSA P-256 in PKCS#8, written with mode 0600.
import "reflect-metadata"; // @peculiar/x509's dependency injection needs it before it loads
import { randomBytes, webcrypto } from "node:crypto";
import { chmodSync, existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import * as x509 from "@peculiar/x509";
import {
  CERT_FILES,
  CERT_FIXES,
  type CertFile,
  LEAVES,
  type Leaf,
  checkCa,
  dockerHostCertificateNames,
  leafProblem,
} from "../constructs/docker-tls";
import { loadSettings } from "../settings/load";
import { projectRoot, startedAs, userPath } from "../settings/paths";
import { type NewFile, WriteError, attempt, certificateDirProblem, notAFile, writeAllOrNothing } from "./certs-files";
import { type CommandSpec, UsageError, UserError, commandExitCode, runCommand } from "./cli";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
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
  const exists = ALL_FILES.filter((f) => existsSync(path(f)));

  // Everything is checked before anything is written: a refusal leaves the directory as it was.
  const check = { label: dir, now, marginDays: 30 };
  const reissue = new Set<Leaf>();
  let newCa = false;
  if (options.rotateCa) {
    newCa = true;
  } else if (!exists.includes("ca")) {
    if (exists.length > 0) {
      const present = exists.map((f) => CERT_FILES[f]).join(", ");
      throw new UserError(`${path("ca")} is missing but ${present} ${exists.length === 1 ? "is" : "are"} there: ${CERT_FIXES.rotateCa} to start over (it keeps them in a backup)`);
    }
    newCa = true;
  } else {
    const kept = checkCa(dir, { ...check, withKey: true });
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
    if (problems.length > 0) throw new UserError(problems.join("; "));
  }

  // Everything is made in memory, then written at once: all of it or, on a failure, none.
  const files: NewFile[] = [];
  let ca: { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair };
  if (newCa) {
    ca = await makeCa(now);
    files.push(...(await pemFiles(path("ca"), path("caKey"), ca.cert, ca.keys.privateKey)));
    reissue.add("server").add("client");
  } else {
    ca = await loadCa(path("ca"), path("caKey"));
  }
  if (reissue.has("server")) {
    const server = await issue(ca, now, options.serverNames[0], options.serverNames, "server");
    files.push(...(await pemFiles(path("serverCert"), path("serverKey"), server.cert, server.keys.privateKey)));
  }
  if (reissue.has("client")) {
    const client = await issue(ca, now, "docker-client", [], "client");
    files.push(...(await pemFiles(path("clientCert"), path("clientKey"), client.cert, client.keys.privateKey)));
  }
  const written = files.map((f) => f.path);
  // The old CA signed the certificates deployed hosts and clients still hold: keep it, dated, until they are gone.
  let backup: string | undefined;
  if (newCa && exists.length > 0) {
    const dated = join(dir, `backup-${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`);
    // A second --rotate-ca within the same second keeps the first one's backup too.
    backup = dated;
    for (let n = 2; existsSync(backup); n++) backup = `${dated}-${n}`;
  }
  for (const f of exists.filter(isKey)) {
    if (!written.includes(path(f)) && statSync(path(f)).mode & 0o077) attempt(`narrow the mode of ${path(f)} to 0600`, () => chmodSync(path(f), 0o600));
  }
  if (files.length > 0) writeAllOrNothing(dir, files, backup);
  const kept = ALL_FILES.map(path).filter((f) => !written.includes(f));
  return { written, kept, backup, warnings };
}

async function makeCa(now: Date) {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=soa Docker API CA",
    notBefore: now,
    notAfter: new Date(now.getTime() + CA_DAYS * DAY),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

async function loadCa(certPath: string, keyPath: string) {
  const cert = new x509.X509Certificate(readFileSync(certPath, "utf8"));
  const privateKey = await webcrypto.subtle.importKey(
    "pkcs8",
    x509.PemConverter.decodeFirst(readFileSync(keyPath, "utf8")),
    ALGORITHM,
    true,
    ["sign"],
  );
  const publicKey = await cert.publicKey.export(ALGORITHM, ["verify"]);
  return { cert, keys: { privateKey, publicKey } };
}

async function issue(
  ca: { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair },
  now: Date,
  commonName: string,
  dnsNames: string[],
  role: "server" | "client",
) {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${commonName}`,
    issuer: ca.cert.subject,
    notBefore: now,
    notAfter: new Date(now.getTime() + LEAF_DAYS * DAY),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([role === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      ...(dnsNames.length ? [new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: "dns" as const, value })))] : []),
    ],
  });
  return { cert, keys };
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
