// certificateProblem, which synth warns with and deploy stops on: each way the files can fail to fit together,
// with the command that fixes it. The files are mixed from two sets made by `npm run certs`'s own generator.
import { execFileSync } from "node:child_process";
import { createPrivateKey, webcrypto } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CERT_FILES, certificateProblem, checkCa, checkCaKey, coversName, dockerHostCertificateNames } from "../../constructs/docker-tls";
import { ensureCertificates } from "../../commands/certs";
// After commands/certs: it loads reflect-metadata and gives @peculiar/x509 its crypto provider.
import * as x509 from "@peculiar/x509";

const NAMES = dockerHostCertificateNames("us-west-1");
const DAY = 86_400_000;
const root = mkdtempSync(join(tmpdir(), "docker-tls-"));
const ours = join(root, "ours");
const theirs = join(root, "theirs");
let count = 0;

beforeAll(async () => {
  await ensureCertificates({ dir: ours, serverNames: NAMES });
  await ensureCertificates({ dir: theirs, serverNames: NAMES });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of our set with some files replaced: by another set's file, by content, or removed (null). */
function mixed(changes: Partial<Record<keyof typeof CERT_FILES, { from: string } | string | null>>): string {
  const dir = join(root, `mixed-${++count}`);
  cpSync(ours, dir, { recursive: true });
  for (const [f, change] of Object.entries(changes) as [keyof typeof CERT_FILES, { from: string } | string | null][]) {
    const path = join(dir, CERT_FILES[f]);
    rmSync(path, { force: true });
    if (typeof change === "string") writeFileSync(path, change);
    else if (change) cpSync(join(change.from, CERT_FILES[f]), path);
  }
  return dir;
}
const problem = (dir: string, now?: Date) => certificateProblem(dir, NAMES, { label: "certs", now });
/** What keeps `npm run certs` from signing with the CA in `dir`: the CA's problem, or its key's. */
function signingProblem(dir: string): string | undefined {
  const ca = checkCa(dir, { label: "certs" });
  return ca.problem !== undefined ? ca.problem : checkCaKey(dir, ca.value, { label: "certs" }).problem;
}

test("a set from one run of the generator has no problem", () => {
  expect(problem(ours)).toBeUndefined();
});

describe("missing files", () => {
  test("none at all: npm run certs", () => {
    expect(problem(join(root, "nowhere"))).toBe("there are no certificates in certs: run `npm run certs` before deploying");
  });

  test("a key or a certificate: npm run certs makes the pair again", () => {
    expect(problem(mixed({ clientKey: null }))).toBe("certs lacks key.pem: run `npm run certs` to make them");
    expect(problem(mixed({ serverCert: null, serverKey: null }))).toBe("certs lacks server.pem, server-key.pem: run `npm run certs` to make them");
  });

  test("the CA: -- --rotate-ca, as nothing can be checked or issued without it", () => {
    expect(problem(mixed({ ca: null }))).toBe("certs lacks ca.pem: run `npm run certs -- --rotate-ca` to start over");
  });

  test("the CA's key: not deploy's concern, but named as missing where it signs", () => {
    const dir = mixed({ caKey: null });
    expect(problem(dir)).toBeUndefined();
    expect(signingProblem(dir)).toBe("certs/ca-key.pem is missing: run `npm run certs -- --rotate-ca`");
  });
});

describe("files that cannot be read", () => {
  test("an empty file", () => {
    expect(problem(mixed({ ca: "" }))).toBe("certs/ca.pem is empty: run `npm run certs -- --rotate-ca`");
    expect(problem(mixed({ serverCert: "\n" }))).toBe("certs/server.pem is empty: run `npm run certs -- --rotate`");
    expect(problem(mixed({ clientKey: " \n" }))).toBe("certs/key.pem is empty: run `npm run certs -- --rotate`");
  });

  test("a file that is not PEM, or the wrong kind of PEM", () => {
    expect(problem(mixed({ serverCert: "not a certificate\n" }))).toMatch(/^certs\/server\.pem does not hold a PEM certificate \(.+\): run `npm run certs -- --rotate`$/);
    expect(problem(mixed({ clientKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }))).toMatch(
      /^certs\/key\.pem does not hold a PEM private key \(.+\): run `npm run certs -- --rotate`$/,
    );
    // A key where its certificate belongs, as a mixed-up copy leaves it.
    const swapped = mixed({});
    cpSync(join(ours, CERT_FILES.clientKey), join(swapped, CERT_FILES.clientCert));
    expect(problem(swapped)).toMatch(/^certs\/cert\.pem does not hold a PEM certificate/);
  });

  test("more than one certificate, or a certificate and something else: named with what it holds (dockerd would trust each CA in ca.pem)", () => {
    const read = (from: string, f: keyof typeof CERT_FILES) => readFileSync(join(from, CERT_FILES[f]), "utf8");
    expect(problem(mixed({ ca: read(ours, "ca") + read(theirs, "ca") }))).toBe("certs/ca.pem holds 2 certificates where one certificate belongs: run `npm run certs -- --rotate-ca`");
    expect(problem(mixed({ serverCert: read(ours, "serverCert") + read(ours, "ca") }))).toBe(
      "certs/server.pem holds 2 certificates where one certificate belongs: run `npm run certs -- --rotate`",
    );
    // A key beside its certificate would be published with it: certificates are 0644.
    expect(problem(mixed({ clientCert: read(ours, "clientCert") + read(ours, "clientKey") }))).toBe(
      "certs/cert.pem holds a certificate and a private key where one certificate belongs: run `npm run certs -- --rotate`",
    );
  });

  test("a key file holding another key before ours, or no key, or an encrypted one: named with what it holds", () => {
    const read = (from: string, f: keyof typeof CERT_FILES) => readFileSync(join(from, CERT_FILES[f]), "utf8");
    expect(problem(mixed({ clientKey: read(theirs, "clientKey") + read(ours, "clientKey") }))).toBe(
      "certs/key.pem holds 2 private keys where one private key belongs: run `npm run certs -- --rotate`",
    );
    const sec1 = createPrivateKey(read(theirs, "serverKey")).export({ type: "sec1", format: "pem" });
    expect(problem(mixed({ serverKey: sec1 + read(ours, "serverKey") }))).toBe(
      "certs/server-key.pem holds 2 private keys where one private key belongs: run `npm run certs -- --rotate`",
    );
    expect(problem(mixed({ clientKey: read(ours, "clientCert") }))).toBe(
      "certs/key.pem does not hold a PEM private key (it holds a certificate): run `npm run certs -- --rotate`",
    );
    const encrypted = createPrivateKey(read(ours, "clientKey")).export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "secret" }).toString();
    expect(problem(mixed({ clientKey: encrypted }))).toBe(
      "certs/key.pem holds an encrypted private key: dockerd and the Docker client need it without a passphrase: " +
        "write it without one (`openssl pkey -in key.pem -out key.pem.new && mv key.pem.new key.pem` asks for the passphrase once, and keeps key.pem until it is read), or run `npm run certs -- --rotate`",
    );
    // As `openssl ecparam -genkey` writes it: the curve's parameters, then the key.
    const withParameters = `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${createPrivateKey(read(ours, "clientKey")).export({ type: "sec1", format: "pem" })}`;
    expect(problem(mixed({ clientKey: withParameters }))).toBeUndefined();
  });

  test("a path that is not a file: named as what it is, and a named pipe is not read (that would wait for a writer)", () => {
    const dir = mixed({ clientCert: null });
    mkdirSync(join(dir, CERT_FILES.clientCert));
    expect(problem(dir)).toBe("certs/cert.pem is a directory, not a file (remove it or move it away): run `npm run certs -- --rotate`");
    const piped = mixed({ serverKey: null });
    execFileSync("mkfifo", [join(piped, CERT_FILES.serverKey)]);
    expect(problem(piped)).toBe("certs/server-key.pem is a named pipe, not a file (remove it or move it away): run `npm run certs -- --rotate`");
  });
});

describe("keys that do not match their certificates", () => {
  test("server-key.pem of another set", () => {
    expect(problem(mixed({ serverKey: { from: theirs } }))).toBe(
      "certs/server-key.pem does not match certs/server.pem (it is the key of another certificate): run `npm run certs -- --rotate`",
    );
  });

  test("key.pem of another set", () => {
    expect(problem(mixed({ clientKey: { from: theirs } }))).toBe(
      "certs/key.pem does not match certs/cert.pem (it is the key of another certificate): run `npm run certs -- --rotate`",
    );
  });

  test("the server's and the client's keys swapped", () => {
    const dir = mixed({});
    cpSync(join(ours, CERT_FILES.serverKey), join(dir, CERT_FILES.clientKey));
    expect(problem(dir)).toMatch(/^certs\/key\.pem does not match certs\/cert\.pem/);
  });

  test("ca-key.pem of another CA: not deploy's concern, but checkCa finds it before anything is signed", () => {
    const dir = mixed({ caKey: { from: theirs } });
    expect(problem(dir)).toBeUndefined();
    expect(signingProblem(dir)).toBe(
      "certs/ca-key.pem does not belong to certs/ca.pem (it is another CA's key): run `npm run certs -- --rotate-ca`",
    );
    expect(signingProblem(ours)).toBeUndefined();
  });
});

describe("certificates the CA did not issue", () => {
  test("the server's", () => {
    expect(problem(mixed({ serverCert: { from: theirs }, serverKey: { from: theirs } }))).toBe(
      "certs/server.pem was not issued by certs/ca.pem: run `npm run certs -- --rotate`",
    );
  });

  test("the client's", () => {
    expect(problem(mixed({ clientCert: { from: theirs }, clientKey: { from: theirs } }))).toBe(
      "certs/cert.pem was not issued by certs/ca.pem: run `npm run certs -- --rotate`",
    );
  });
});

describe("expired certificates", () => {
  // Two pairs issued 100 days apart: one has expired while the other still holds.
  const staggered = async (reissued: "server" | "client") => {
    const dir = join(root, `staggered-${reissued}`);
    await ensureCertificates({ dir, serverNames: NAMES });
    const pair = reissued === "server" ? [CERT_FILES.serverCert, CERT_FILES.serverKey] : [CERT_FILES.clientCert, CERT_FILES.clientKey];
    for (const f of pair) rmSync(join(dir, f));
    await ensureCertificates({ dir, serverNames: NAMES, now: new Date(Date.now() + 100 * DAY) });
    return dir;
  };
  const later = () => new Date(Date.now() + 850 * DAY);

  test("the server's", async () => {
    expect(problem(await staggered("client"), later())).toMatch(/^certs\/server\.pem expired on .+: run `npm run certs -- --rotate`$/);
  });

  test("the client's", async () => {
    expect(problem(await staggered("server"), later())).toMatch(/^certs\/cert\.pem expired on .+: run `npm run certs -- --rotate`$/);
  });

  test("the CA's, which only a new CA fixes", () => {
    expect(problem(ours, new Date(Date.now() + 3651 * DAY))).toMatch(/^certs\/ca\.pem expired on .+: run `npm run certs -- --rotate-ca`$/);
  });
});

describe("certificates not valid yet (made on a clock that was ahead)", () => {
  const ahead = async (name: string, by: number, pair?: "server" | "client") => {
    const dir = join(root, `ahead-${name}`);
    if (pair) {
      await ensureCertificates({ dir, serverNames: NAMES });
      for (const f of pair === "server" ? [CERT_FILES.serverCert, CERT_FILES.serverKey] : [CERT_FILES.clientCert, CERT_FILES.clientKey]) rmSync(join(dir, f));
    }
    await ensureCertificates({ dir, serverNames: NAMES, now: new Date(Date.now() + by) });
    return dir;
  };

  test("the server's and the client's: named with the time they start, and -- --rotate", async () => {
    expect(problem(await ahead("server", DAY, "server"))).toMatch(/^certs\/server\.pem is not valid until \w{3} .+ GMT: run `npm run certs -- --rotate`$/);
    expect(problem(await ahead("client", DAY, "client"))).toMatch(/^certs\/cert\.pem is not valid until \w{3} .+ GMT: run `npm run certs -- --rotate`$/);
  });

  test("the CA's: -- --rotate-ca", async () => {
    expect(problem(await ahead("ca", DAY))).toMatch(/^certs\/ca\.pem is not valid until .+ GMT: run `npm run certs -- --rotate-ca`$/);
  });

  test("a clock a few minutes ahead is allowed for: a certificate made a moment ago elsewhere is taken", async () => {
    expect(problem(await ahead("skew", 4 * 60_000))).toBeUndefined();
  });
});

describe("certificates made for another role", () => {
  const NOT_A_CA =
    "certs/ca.pem is not a CA certificate (its basic constraints do not say CA:TRUE, or its key usage leaves out keyCertSign): run `npm run certs -- --rotate-ca`";

  test("the server's pair copied over the client's: cert.pem is not for clients; and the other way round", () => {
    const dir = mixed({});
    cpSync(join(ours, CERT_FILES.serverCert), join(dir, CERT_FILES.clientCert));
    cpSync(join(ours, CERT_FILES.serverKey), join(dir, CERT_FILES.clientKey));
    expect(problem(dir)).toBe(
      "certs/cert.pem is not a client certificate (its extended key usage allows serverAuth, not clientAuth): run `npm run certs -- --rotate`",
    );
    const other = mixed({});
    cpSync(join(ours, CERT_FILES.clientCert), join(other, CERT_FILES.serverCert));
    cpSync(join(ours, CERT_FILES.clientKey), join(other, CERT_FILES.serverKey));
    // The names are checked after the role: the client's certificate covers none.
    expect(problem(other)).toBe(
      "certs/server.pem is not a server certificate (its extended key usage allows clientAuth, not serverAuth): run `npm run certs -- --rotate`",
    );
  });

  test("a ca.pem that is not a CA (the client's certificate, with its key as ca-key.pem): refused before anything is signed with it", () => {
    const dir = mixed({});
    cpSync(join(ours, CERT_FILES.clientCert), join(dir, CERT_FILES.ca));
    cpSync(join(ours, CERT_FILES.clientKey), join(dir, CERT_FILES.caKey));
    expect(problem(dir)).toBe(NOT_A_CA);
    expect(signingProblem(dir)).toBe(NOT_A_CA);
  });

  /** A self-signed certificate with `extensions`, as ca.pem. */
  const selfSigned = async (extensions: x509.Extension[]) => {
    const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
    const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: "01",
      name: "CN=not quite a CA",
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 100 * DAY),
      keys: keys as webcrypto.CryptoKeyPair,
      signingAlgorithm: algorithm,
      extensions,
    });
    return mixed({ ca: cert.toString("pem") });
  };

  test("a CA certificate without basic constraints, or whose key usage leaves out keyCertSign", async () => {
    expect(problem(await selfSigned([]))).toBe(NOT_A_CA);
    const noSigning = await selfSigned([
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.cRLSign, true),
    ]);
    expect(problem(noSigning)).toBe(NOT_A_CA);
    // Without a key usage extension, a CA may sign (RFC 5280 4.2.1.3 requires it, but verifiers do not).
    const noKeyUsage = await selfSigned([new x509.BasicConstraintsExtension(true, 0, true)]);
    expect(problem(noKeyUsage)).toBe("certs/server.pem was not issued by certs/ca.pem: run `npm run certs -- --rotate`");
  });
});

test("a server certificate that does not cover the settings' names", () => {
  expect(certificateProblem(ours, ["docker.example.com"], { label: "certs" })).toBe(
    "certs/server.pem covers *.us-west-1.compute.amazonaws.com but the settings need docker.example.com: run `npm run certs -- --rotate`",
  );
  // Another region's EC2 names: the host moved, or one environment runs in two regions, which --rotate would break.
  expect(certificateProblem(ours, dockerHostCertificateNames("us-east-1"), { label: "certs/staging" })).toBe(
    "certs/staging/server.pem covers *.us-west-1.compute.amazonaws.com but the settings need *.compute-1.amazonaws.com: " +
      "run `npm run certs -- --rotate` if the Docker host moved from us-west-1 to us-east-1; if the same environment also stays in us-west-1, " +
      "give each region its own dockerHost.certsDir (such as certs/staging-us-east-1) instead, since the rotated certificates would no longer cover us-west-1",
  );
});

describe("what Go reads: dockerd, the Docker client and the Docker provider", () => {
  const openssl = (args: string[], cwd: string) => execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  /** A key made by openssl with `genpkey` options, and a certificate for it from our CA, as the `role` it is for. */
  const opensslLeaf = (dir: string, name: string, role: "serverAuth" | "clientAuth", keyOptions: string[]) => {
    const ext = join(dir, `${name}.ext`);
    writeFileSync(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${role}\nsubjectAltName=DNS:${NAMES[0]}\n`);
    openssl(["genpkey", ...keyOptions, "-out", `${name}-key.pem`], dir);
    openssl(["req", "-new", "-key", `${name}-key.pem`, "-subj", "/CN=odd", "-out", `${name}.csr`], dir);
    openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-set_serial", "7", "-days", "30", "-extfile", ext, "-out", `${name}.pem`], dir);
  };

  test("a CA whose extended key usage leaves out a side (clientAuth only): -- --rotate-ca, as nothing it issues serves the server", () => {
    const dir = mixed({});
    // The CA made again from its key, limited to clients, and a server certificate from it.
    openssl(
      ["req", "-x509", "-new", "-key", "ca-key.pem", "-subj", "/CN=clients only", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign", "-addext", "extendedKeyUsage=clientAuth", "-out", "ca.pem"],
      dir,
    );
    opensslLeaf(dir, "server", "serverAuth", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
    // OpenSSL, as Go's crypto/x509, holds the whole chain to the usage: the server's certificate fails for a server.
    expect(() => openssl(["verify", "-CAfile", "ca.pem", "-purpose", "sslserver", "server.pem"], dir)).toThrow(/error 26 at 1 depth lookup: unsuitable certificate purpose/);
    expect(problem(dir)).toBe(
      "certs/ca.pem limits the certificates under it to clientAuth (its extended key usage), and the Docker API's TLS also needs serverAuth along the chain: run `npm run certs -- --rotate-ca`",
    );
    // Both sides, or any use, will do.
    openssl(["req", "-x509", "-new", "-key", "ca-key.pem", "-subj", "/CN=both", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE",
      "-addext", "keyUsage=critical,keyCertSign", "-addext", "extendedKeyUsage=serverAuth,clientAuth", "-out", "ca.pem"], dir);
    expect(checkCa(dir).problem).toBeUndefined();
  });

  test("a key on a curve Go does not take, or of a type it cannot load: named, with -- --rotate", () => {
    const dir = mixed({});
    opensslLeaf(dir, "k1", "clientAuth", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"]);
    cpSync(join(dir, "k1.pem"), join(dir, CERT_FILES.clientCert));
    cpSync(join(dir, "k1-key.pem"), join(dir, CERT_FILES.clientKey));
    expect(problem(dir)).toBe(
      "certs/key.pem holds an EC key on secp256k1, which the Docker API's TLS does not take (it takes RSA of 2048 bits or more, ECDSA on P-256, P-384 or P-521, or Ed25519): run `npm run certs -- --rotate`",
    );
    opensslLeaf(dir, "ed448", "serverAuth", ["-algorithm", "ED448"]);
    cpSync(join(ours, CERT_FILES.clientCert), join(dir, CERT_FILES.clientCert));
    cpSync(join(ours, CERT_FILES.clientKey), join(dir, CERT_FILES.clientKey));
    cpSync(join(dir, "ed448.pem"), join(dir, CERT_FILES.serverCert));
    cpSync(join(dir, "ed448-key.pem"), join(dir, CERT_FILES.serverKey));
    expect(problem(dir)).toMatch(/^certs\/server-key\.pem holds a key of type ed448, which the Docker API's TLS does not take/);
  });

  test("a CA made elsewhere, its name as openssl encodes it (UTF8String): what npm run certs issues names it with the same bytes", async () => {
    const dir = join(root, "openssl-ca");
    mkdirSync(dir, { mode: 0o700 });
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca-key.pem"], dir);
    openssl(["req", "-new", "-x509", "-key", "ca-key.pem", "-subj", "/CN=Docker CA", "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign", "-out", "ca.pem"], dir);
    await ensureCertificates({ dir, serverNames: NAMES });
    expect(problem(dir)).toBeUndefined();
  });

  test("a CA made again from the same key under another name: the certificates it signed no longer name it", () => {
    const dir = mixed({});
    openssl(["req", "-new", "-x509", "-key", "ca-key.pem", "-subj", "/CN=soa Docker API CA 2", "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign", "-out", "ca.pem"], dir);
    expect(problem(dir)).toBe(
      "certs/server.pem names its issuer otherwise than certs/ca.pem names itself, byte for byte as dockerd and the Docker client compare them: run `npm run certs -- --rotate`",
    );
  });
});

test("a certificate's names cover what the settings need as TLS clients match them: any case, a wildcard for one label", () => {
  expect(coversName("*.example.com", "docker.example.com")).toBe(true);
  expect(coversName("*.US-WEST-1.compute.amazonaws.com", "*.us-west-1.compute.amazonaws.com")).toBe(true);
  expect(coversName("Docker.Example.com", "docker.example.com")).toBe(true);
  expect(coversName("*.example.com", "a.b.example.com")).toBe(false);
  expect(coversName("*.example.com", "example.com")).toBe(false);
  expect(coversName("*.example.com", "dockerexample.com")).toBe(false);
  expect(coversName("docker.example.com", "*.example.com")).toBe(false);
  expect(coversName("*.example.com", "*.example.com")).toBe(true);
});

test("a server certificate for *.example.com serves dockerHost.dns docker.example.com", async () => {
  const dir = join(root, "wildcard");
  await ensureCertificates({ dir, serverNames: ["*.example.com"] });
  expect(certificateProblem(dir, ["docker.example.com"], { label: "certs" })).toBeUndefined();
  expect(certificateProblem(dir, ["a.docker.example.com"], { label: "certs" })).toMatch(/covers \*\.example\.com but the settings need a\.docker\.example\.com/);
});

describe("files the checks cannot use as they are, with the fix that works", () => {
  test("an encrypted ca-key.pem: npm run certs takes no passphrase, and writing it without one keeps the CA", () => {
    const dir = mixed({});
    execFileSync("openssl", ["pkcs8", "-topk8", "-in", CERT_FILES.caKey, "-passout", "pass:secret", "-out", "encrypted.pem"], { cwd: dir });
    cpSync(join(dir, "encrypted.pem"), join(dir, CERT_FILES.caKey));
    expect(signingProblem(dir)).toBe(
      "certs/ca-key.pem holds an encrypted private key: npm run certs signs with it and takes no passphrase: " +
        "write it without one (`openssl pkey -in ca-key.pem -out ca-key.pem.new && mv ca-key.pem.new ca-key.pem` asks for the passphrase once, and keeps ca-key.pem until it is read), or run `npm run certs -- --rotate-ca`",
    );
    // Deploy never signs: the set still serves.
    expect(problem(dir)).toBeUndefined();
  });
});

test("a certificate signed with SHA-1, which OpenSSL still verifies and Go refuses: named, with -- --rotate", () => {
  const dir = mixed({});
  const ext = join(dir, "server.ext");
  writeFileSync(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${NAMES[0]}\n`);
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  run(["req", "-new", "-key", CERT_FILES.serverKey, "-subj", "/CN=sha1", "-out", "server.csr"]);
  run(["x509", "-req", "-sha1", "-in", "server.csr", "-CA", CERT_FILES.ca, "-CAkey", CERT_FILES.caKey, "-set_serial", "9", "-days", "30", "-extfile", ext, "-out", "sha1.pem"]);
  cpSync(join(dir, "sha1.pem"), join(dir, CERT_FILES.serverCert));
  expect(problem(dir)).toBe(
    "certs/server.pem is signed with ECDSA with SHA-1, which dockerd and the Docker client refuse (Go takes no SHA-1 or MD5 signatures): run `npm run certs -- --rotate`",
  );
});
