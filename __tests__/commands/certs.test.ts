// The certificates `npm run certs` makes, and its command line run in this process (the built command as npm runs
// it: certs.cli.test.ts).
import { X509Certificate, createPrivateKey, webcrypto } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CERT_FILES, certificateProblem, subjectAltNames } from "../../constructs/docker-tls";
import { LEAF_DAYS, USAGE, certsCli, ensureCertificates } from "../../commands/certs";
// After commands/certs: it loads reflect-metadata and gives @peculiar/x509 its crypto provider.
import * as x509 from "@peculiar/x509";

const NAMES = ["*.us-west-1.compute.amazonaws.com"];
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

let dir: string;
const read = (file: string) => readFileSync(join(dir, file));
const cert = (file: string) => new X509Certificate(read(file));
const contents = () => Object.fromEntries(Object.values(CERT_FILES).map((f) => [f, read(f).toString()]));

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), "certs-")), "certs");
  await ensureCertificates({ dir, serverNames: NAMES });
});

test("writes the files the Docker client and daemon expect", () => {
  expect(Object.keys(contents()).sort()).toEqual(["ca-key.pem", "ca.pem", "cert.pem", "key.pem", "server-key.pem", "server.pem"]);
  for (const key of [CERT_FILES.caKey, CERT_FILES.serverKey, CERT_FILES.clientKey]) {
    expect(read(key).toString()).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  }
});

test("keys are readable by their owner only; the directory too", () => {
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  for (const key of [CERT_FILES.caKey, CERT_FILES.serverKey, CERT_FILES.clientKey]) expect(statSync(join(dir, key)).mode & 0o777).toBe(0o600);
  for (const crt of [CERT_FILES.ca, CERT_FILES.serverCert, CERT_FILES.clientCert]) expect(statSync(join(dir, crt)).mode & 0o777).toBe(0o644);
});

test("the chain verifies: both certificates are issued and signed by the CA, which is a CA", () => {
  const ca = cert(CERT_FILES.ca);
  expect(ca.ca).toBe(true);
  expect(ca.verify(ca.publicKey)).toBe(true);
  for (const leaf of [cert(CERT_FILES.serverCert), cert(CERT_FILES.clientCert)]) {
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
  }
});

test("key usages: the server certificate is for servers and its names, the client's for clients", () => {
  const server = cert(CERT_FILES.serverCert);
  const client = cert(CERT_FILES.clientCert);
  expect(server.keyUsage).toEqual([SERVER_AUTH]);
  expect(client.keyUsage).toEqual([CLIENT_AUTH]);
  expect(subjectAltNames(server)).toEqual(NAMES);
  expect(server.checkHost("ec2-203-0-113-10.us-west-1.compute.amazonaws.com")).toBe("*.us-west-1.compute.amazonaws.com");
  expect(server.checkHost("ec2-203-0-113-10.eu-west-1.compute.amazonaws.com")).toBeUndefined();
  const days = (Date.parse(server.validTo) - Date.parse(server.validFrom)) / 86_400_000;
  expect(Math.round(days)).toBe(LEAF_DAYS);
});

test("a TLS handshake with these files succeeds both ways (each side checks the other)", async () => {
  const server = createServer({
    cert: read(CERT_FILES.serverCert),
    key: read(CERT_FILES.serverKey),
    ca: read(CERT_FILES.ca),
    requestCert: true,
    rejectUnauthorized: true,
  }).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as { port: number };
  const socket = connect({
    host: "127.0.0.1",
    port,
    servername: "ec2-203-0-113-10.us-west-1.compute.amazonaws.com",
    ca: read(CERT_FILES.ca),
    cert: read(CERT_FILES.clientCert),
    key: read(CERT_FILES.clientKey),
  });
  try {
    const [peer] = await Promise.all([
      new Promise<string>((resolve) => server.once("secureConnection", (s) => resolve(String(s.getPeerCertificate().subject.CN)))),
      new Promise((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject)),
    ]);
    expect(peer).toBe("docker-client");
    expect(socket.authorized).toBe(true);
  } finally {
    socket.destroy();
    await new Promise((r) => server.close(r));
  }
});

describe("running it again", () => {
  test("keeps every existing file", async () => {
    const before = contents();
    const result = await ensureCertificates({ dir, serverNames: NAMES });
    expect(result.written).toEqual([]);
    expect(contents()).toEqual(before);
  });

  test("--rotate reissues both certificates from the same CA", async () => {
    const before = contents();
    await ensureCertificates({ dir, serverNames: NAMES, rotate: true });
    const after = contents();
    expect(after[CERT_FILES.ca]).toBe(before[CERT_FILES.ca]);
    expect(after[CERT_FILES.caKey]).toBe(before[CERT_FILES.caKey]);
    for (const f of [CERT_FILES.serverCert, CERT_FILES.serverKey, CERT_FILES.clientCert, CERT_FILES.clientKey]) expect(after[f]).not.toBe(before[f]);
    expect(cert(CERT_FILES.serverCert).checkIssued(cert(CERT_FILES.ca))).toBe(true);
  });

  test("--rotate-ca starts over", async () => {
    const before = contents();
    await ensureCertificates({ dir, serverNames: NAMES, rotateCa: true });
    const after = contents();
    for (const f of Object.values(CERT_FILES)) expect(after[f]).not.toBe(before[f]);
  });

  test("refuses to keep certificates that expire within 30 days", async () => {
    const later = new Date(Date.now() + (LEAF_DAYS - 10) * 86_400_000);
    await expect(ensureCertificates({ dir, serverNames: NAMES, now: later })).rejects.toThrow(/server\.pem expires on .*run `npm run certs -- --rotate`/);
  });

  test("refuses to keep a server certificate that does not cover the names the settings need", async () => {
    await expect(ensureCertificates({ dir, serverNames: ["docker.example.com"] })).rejects.toThrow(
      /covers \*\.us-west-1\.compute\.amazonaws\.com but the settings need docker\.example\.com: run `npm run certs -- --rotate`/,
    );
  });
});

describe("a CA made elsewhere, or its key rewritten (`openssl ec -in ca-key.pem -out ca-key.pem`)", () => {
  type Algorithm = { name: string; namedCurve?: string; hash?: string; modulusLength?: number; publicExponent?: Uint8Array };
  const RSA = { name: "RSASSA-PKCS1-v1_5", publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
  /** A directory holding only a CA of `algorithm`, its key written in `format`. */
  const caOf = async (algorithm: Algorithm, format: "pkcs8" | "sec1" | "pkcs1" = "pkcs8") => {
    const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: "01",
      name: "CN=a CA made elsewhere",
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 3650 * 86_400_000),
      keys,
      signingAlgorithm: algorithm,
      extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    const key = createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)), format: "der", type: "pkcs8" });
    const out = join(mkdtempSync(join(tmpdir(), "certs-ca-")), "certs");
    mkdirSync(out, { mode: 0o700 });
    writeFileSync(join(out, CERT_FILES.ca), ca.toString("pem"));
    writeFileSync(join(out, CERT_FILES.caKey), key.export({ type: format, format: "pem" }), { mode: 0o600 });
    return out;
  };

  test.each([
    ["ECDSA P-256 in SEC1 (BEGIN EC PRIVATE KEY)", { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" }, "sec1"],
    ["ECDSA P-384", { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" }, "pkcs8"],
    ["ECDSA P-521", { name: "ECDSA", namedCurve: "P-521", hash: "SHA-512" }, "pkcs8"],
    ["RSA 2048 in PKCS#1 (BEGIN RSA PRIVATE KEY)", { ...RSA, modulusLength: 2048 }, "pkcs1"],
    ["Ed25519", { name: "Ed25519" }, "pkcs8"],
  ] as const)("%s: it signs with it, and what it issues verifies", async (_, algorithm, format) => {
    const out = await caOf(algorithm, format);
    const caKey = readFileSync(join(out, CERT_FILES.caKey), "utf8");
    const result = await certsCli([`--out=${out}`], { INFRA_CONFIG: "" });
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(certificateProblem(out, NAMES)).toBeUndefined();
    expect(readFileSync(join(out, CERT_FILES.caKey), "utf8")).toBe(caKey);
  });

  test("the generator's own CA key rewritten as SEC1 still signs: --rotate works", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "certs-sec1-")), "certs");
    await ensureCertificates({ dir: out, serverNames: NAMES });
    const key = createPrivateKey(readFileSync(join(out, CERT_FILES.caKey)));
    writeFileSync(join(out, CERT_FILES.caKey), key.export({ type: "sec1", format: "pem" }));
    const result = await certsCli([`--out=${out}`, "--rotate"], { INFRA_CONFIG: "" });
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(certificateProblem(out, NAMES)).toBeUndefined();
  });

  test("a CA whose key the Docker API's TLS does not take (RSA of 1024 bits) is one line naming ca.pem, what it takes and -- --rotate-ca; nothing is written", async () => {
    const out = await caOf({ ...RSA, modulusLength: 1024 });
    const result = await certsCli([`--out=${out}`], { INFRA_CONFIG: "" });
    expect(result).toEqual({
      code: 1,
      out: "",
      err:
        `npm run certs: ${join(out, CERT_FILES.ca)} holds an RSA key of 1024 bits, which the Docker API's TLS does not take ` +
        "(it takes RSA of 2048 bits or more, ECDSA on P-256, P-384 or P-521, or Ed25519): run `npm run certs -- --rotate-ca`\n",
    });
    expect(readdirSync(out).sort()).toEqual([CERT_FILES.caKey, CERT_FILES.ca]);
  });
});

describe("npm run certs", () => {
  const env = { INFRA_CONFIG: "" };
  const fresh = () => join(mkdtempSync(join(tmpdir(), "certs-cli-")), "certs");

  test("--help prints the usage; an unknown option is one line and the usage, exit 2", async () => {
    expect(await certsCli(["--help"], env)).toEqual({ code: 0, out: `${USAGE}\n`, err: "" });
    const typo = await certsCli(["--rotat"], env);
    expect(typo).toEqual({ code: 2, out: "", err: "npm run certs: unknown option --rotat (npm run certs -- --help shows the usage)\n" });
    expect(await certsCli(["--rotate", "--rotate-ca"], env)).toMatchObject({
      code: 2,
      err: "npm run certs: --rotate and --rotate-ca exclude each other (npm run certs -- --help shows the usage)\n",
    });
  });

  test("says what it wrote and what it kept, accurately after --rotate", async () => {
    const out = fresh();
    const first = await certsCli([`--out=${out}`], env);
    expect(first.out).toMatch(/^wrote .*ca\.pem\n/);
    const again = await certsCli([`--out=${out}`], env);
    expect(again.out).toMatch(/kept all 6 files in .*: they cover the settings \(-- --rotate reissues the certificates, -- --rotate-ca the CA too\)/);
    const rotated = await certsCli([`--out=${out}`, "--rotate"], env);
    expect(rotated.out).toMatch(/wrote .*server\.pem/);
    expect(rotated.out).toMatch(/kept the CA in .* \(ca\.pem, ca-key\.pem\); -- --rotate-ca replaces it/);
    expect(rotated.out).not.toMatch(/--rotate to reissue/);
  });

  test("the form npm swallows (`npm run certs --rotate`) is understood, and said so", async () => {
    const out = fresh();
    await certsCli([`--out=${out}`], env);
    const before = readFileSync(join(out, CERT_FILES.serverCert), "utf8");
    const swallowed = await certsCli([`--out=${out}`], { ...env, npm_lifecycle_event: "certs", npm_config_rotate: "true" });
    expect(swallowed.err).toBe("(npm took --rotate as its own option; read as `npm run certs -- --rotate`)\n");
    expect(readFileSync(join(out, CERT_FILES.serverCert), "utf8")).not.toBe(before);
  });

  test("--rotate-ca keeps the old CA and certificates in a dated backup", async () => {
    const out = fresh();
    await certsCli([`--out=${out}`], env);
    const oldCa = readFileSync(join(out, CERT_FILES.ca), "utf8");
    // Keys a user opened up by hand stay 0600 in the backup too.
    for (const key of [CERT_FILES.caKey, CERT_FILES.serverKey, CERT_FILES.clientKey]) chmodSync(join(out, key), 0o644);
    const result = await certsCli([`--out=${out}`, "--rotate-ca"], env);
    const [backup] = readdirSync(out).filter((f) => f.startsWith("backup-"));
    expect(backup).toMatch(/^backup-\d{8}T\d{6}Z$/);
    expect(result.out).toContain(`kept the replaced files in ${join(out, backup)}`);
    expect(readFileSync(join(out, backup, CERT_FILES.ca), "utf8")).toBe(oldCa);
    expect(readFileSync(join(out, CERT_FILES.ca), "utf8")).not.toBe(oldCa);
    expect(statSync(join(out, backup)).mode & 0o777).toBe(0o700);
    for (const key of [CERT_FILES.caKey, CERT_FILES.serverKey, CERT_FILES.clientKey]) expect(statSync(join(out, backup, key)).mode & 0o777).toBe(0o600);
  });

  test("narrows its key files, but leaves an existing directory's mode alone, warning when others may enter it", async () => {
    const out = fresh();
    await certsCli([`--out=${out}`], env);
    chmodSync(out, 0o755);
    chmodSync(join(out, CERT_FILES.caKey), 0o644);
    const again = await certsCli([`--out=${out}`], env);
    expect(again.code).toBe(0);
    expect(again.err).toBe(
      `npm run certs: warning: ${out} is open to other users (mode 0755) and was not made here, so its mode is left as it is: ` +
        `\`chmod 700 ${out}\` keeps them from listing or replacing the certificates\n`,
    );
    expect(statSync(out).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, CERT_FILES.caKey)).mode & 0o777).toBe(0o600);
  });

  test("leaves the mode of a key that links to a file elsewhere alone, and says so", async () => {
    const out = fresh();
    await certsCli([`--out=${out}`], env);
    const elsewhere = join(mkdtempSync(join(tmpdir(), "certs-elsewhere-")), "key.pem");
    renameSync(join(out, CERT_FILES.clientKey), elsewhere);
    chmodSync(elsewhere, 0o644);
    symlinkSync(elsewhere, join(out, CERT_FILES.clientKey));
    const again = await certsCli([`--out=${out}`], env);
    expect(again.code).toBe(0);
    expect(again.err).toBe(
      `npm run certs: warning: ${join(out, CERT_FILES.clientKey)} is a symbolic link to ${elsewhere}, which others may read (mode 0644); ` +
        `it is not ours to change: \`chmod 600 ${elsewhere}\`\n`,
    );
    expect(statSync(elsewhere).mode & 0o777).toBe(0o644);
  });
});

test("certificates are valid from a little before they are made, so a host whose clock is a few minutes behind takes them", async () => {
  const dir = mkdtempSync(join(tmpdir(), "certs-skew-"));
  const now = new Date("2026-06-01T12:00:00Z");
  await ensureCertificates({ dir, serverNames: NAMES, now });
  for (const file of ["ca.pem", "server.pem", "cert.pem"]) {
    expect(Date.parse(new X509Certificate(readFileSync(join(dir, file))).validFrom)).toBeLessThanOrEqual(now.getTime() - 4 * 60_000);
  }
  rmSync(dir, { recursive: true, force: true });
});
