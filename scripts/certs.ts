// `npm run certs`: a private CA, the Docker host's server certificate and the client certificate, for the Docker
// API's mutual TLS. Existing files are kept; --rotate reissues both certificates from the same CA, --rotate-ca
// starts over with a new CA. Keys are ECDSA P-256 in PKCS#8, written with mode 0600.
import "reflect-metadata"; // @peculiar/x509's dependency injection needs it before it loads
import { X509Certificate as NodeCertificate, randomBytes, webcrypto } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import * as x509 from "@peculiar/x509";
import { CERT_FILES, dockerHostCertificateNames, subjectAltNames } from "../constructs/docker-tls";
import { SettingsError } from "../settings/errors";
import { loadSettings } from "../settings/load";
import { projectRoot, startedAs } from "../settings/paths";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 86_400_000;
export const CA_DAYS = 3650;
export const LEAF_DAYS = 825;

export interface CertOptions {
  /** Directory of the files (created with mode 0700). */
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
}

export async function ensureCertificates(options: CertOptions): Promise<CertResult> {
  const path = (f: keyof typeof CERT_FILES) => join(options.dir, CERT_FILES[f]);
  const now = options.now ?? new Date();
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  // An existing directory keeps whatever mode it had: narrow it, and every file, to what they hold.
  chmodSync(options.dir, 0o700);
  const exists = (Object.keys(CERT_FILES) as (keyof typeof CERT_FILES)[]).filter((f) => existsSync(path(f)));
  for (const f of exists) chmodSync(path(f), f.endsWith("Key") ? 0o600 : 0o644);

  let ca: { cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair } | undefined;
  const written: string[] = [];
  let backup: string | undefined;
  if (options.rotateCa && exists.length > 0) {
    // The old CA signed the certificates deployed hosts and clients still hold: keep it, dated, until they are gone.
    backup = join(options.dir, `backup-${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`);
    mkdirSync(backup, { mode: 0o700 });
    for (const f of exists) copyFileSync(path(f), join(backup, CERT_FILES[f]));
  }
  if (options.rotateCa || !exists.includes("ca")) {
    ca = await makeCa(now);
    written.push(...(await save(path("ca"), path("caKey"), ca.cert, ca.keys.privateKey)));
  } else if (!exists.includes("caKey")) {
    throw new Error(`${path("ca")} exists without ${path("caKey")}: run \`npm run certs -- --rotate-ca\` to start over`);
  }

  const leaves = ["serverCert", "serverKey", "clientCert", "clientKey"] as const;
  const leavesPresent = leaves.every((f) => exists.includes(f));
  if (ca || options.rotate || !leavesPresent) {
    ca ??= await loadCa(path("ca"), path("caKey"));
    const server = await issue(ca, now, options.serverNames[0], options.serverNames, "server");
    written.push(...(await save(path("serverCert"), path("serverKey"), server.cert, server.keys.privateKey)));
    const client = await issue(ca, now, "docker-client", [], "client");
    written.push(...(await save(path("clientCert"), path("clientKey"), client.cert, client.keys.privateKey)));
  } else {
    const server = new NodeCertificate(readFileSync(path("serverCert")));
    const covered = subjectAltNames(server);
    const wanted = options.serverNames.filter((n) => !covered.includes(n));
    if (wanted.length > 0) {
      throw new Error(
        `${path("serverCert")} covers ${covered.join(", ")} but the settings need ${wanted.join(", ")}: ` +
          "run `npm run certs -- --rotate`",
      );
    }
    // Kept files must still work: issued by this CA, and not about to expire.
    const caCert = new NodeCertificate(readFileSync(path("ca")));
    for (const f of ["serverCert", "clientCert"] as const) {
      const leaf = new NodeCertificate(readFileSync(path(f)));
      if (!leaf.verify(caCert.publicKey)) throw new Error(`${path(f)} was not issued by ${path("ca")}: run \`npm run certs -- --rotate\``);
      if (new Date(leaf.validTo).getTime() - now.getTime() < 30 * DAY) {
        throw new Error(`${path(f)} expires on ${leaf.validTo}: run \`npm run certs -- --rotate\``);
      }
    }
  }
  const kept = Object.values(CERT_FILES)
    .map((f) => join(options.dir, f))
    .filter((f) => !written.includes(f));
  return { written, kept, backup };
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

/** Writes the certificate (0644) and its key (0600), each through a temporary file and a rename. */
async function save(certPath: string, keyPath: string, cert: x509.X509Certificate, key: webcrypto.CryptoKey): Promise<string[]> {
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", key);
  writeAtomically(keyPath, x509.PemConverter.encode(pkcs8, "PRIVATE KEY"), 0o600);
  writeAtomically(certPath, `${cert.toString("pem")}\n`, 0o644);
  return [certPath, keyPath];
}

function writeAtomically(path: string, content: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode); // the umask may have narrowed it
  renameSync(temporary, path);
}

/** A positive 128-bit serial number. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString("hex");
}

export const USAGE = `usage: npm run certs [-- [--rotate | --rotate-ca] [--out=DIR]]

Makes the private CA, the Docker host's server certificate and the client certificate for the Docker API's
mutual TLS, in dockerHost.certsDir (certs/), directory 0700, keys 0600. Existing files are kept.
  --rotate      reissue the server and client certificates from the same CA (after changing region or dns)
  --rotate-ca   start over with a new CA; the replaced files are kept in a dated backup-… directory
  --out=DIR     write to DIR instead of dockerHost.certsDir
  --help        show this
Options go after \`--\`: npm takes \`npm run certs --rotate\` as its own option (that form is understood too).`;

/** Runs the CLI with `args`; npm's environment tells whether npm swallowed an option. */
export async function certsCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; err: string }> {
  let values: { out?: string; rotate?: boolean; "rotate-ca"?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        out: { type: "string" },
        rotate: { type: "boolean" },
        "rotate-ca": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return { code: 2, out: "", err: `npm run certs: ${(error as Error).message.split("\n")[0]}\n${USAGE}\n` };
  }
  if (values.help) return { code: 0, out: `${USAGE}\n`, err: "" };
  // `npm run certs --rotate` reaches us only as npm's own configuration, in its environment.
  const swallowed = (["rotate", "rotate-ca"] as const).filter((o) => !values[o] && env[`npm_config_${o.replace("-", "_")}`] === "true");
  for (const o of swallowed) values[o] = true;
  const notes = swallowed.map((o) => `(npm took --${o} as its own option; read as \`npm run certs -- --${o}\`)\n`).join("");
  if (values.rotate && values["rotate-ca"]) return { code: 2, out: "", err: `npm run certs: --rotate and --rotate-ca exclude each other\n${USAGE}\n` };

  let settings;
  try {
    settings = loadSettings(env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return { code: 1, out: "", err: `Invalid settings, no certificates were made:\n${error.message}\n` };
  }
  const dir = resolve(projectRoot, values.out ?? settings.dockerHost.certsDir);
  const serverNames = dockerHostCertificateNames(settings.region, settings.dockerHost.dns?.name);
  try {
    const result = await ensureCertificates({ dir, serverNames, rotate: values.rotate, rotateCa: values["rotate-ca"] });
    const lines = result.written.map((f) => `wrote ${f}`);
    if (result.backup) lines.push(`kept the replaced files in ${result.backup}`);
    if (result.kept.length === Object.keys(CERT_FILES).length) {
      lines.push(`kept all ${result.kept.length} files in ${dir}: they cover the settings (-- --rotate reissues the certificates, -- --rotate-ca the CA too)`);
    } else if (result.kept.length > 0) {
      lines.push(`kept the CA in ${dir} (${result.kept.map((f) => f.slice(dir.length + 1)).join(", ")}); -- --rotate-ca replaces it`);
    }
    lines.push(`server certificate names: ${serverNames.join(", ")}`);
    return { code: 0, out: `${notes}${lines.join("\n")}\n`, err: "" };
  } catch (error) {
    return { code: 1, out: notes, err: `npm run certs: ${(error as Error).message}\n` };
  }
}

if (startedAs("certs")) {
  certsCli(process.argv.slice(2)).then(({ code, out, err }) => {
    process.stdout.write(out);
    process.stderr.write(err);
    process.exitCode = code;
  });
}
