// The readiness gate in this process, against a local HTTPS server that behaves like the Docker API's /_ping (the
// built script as Terraform runs it: wait-for-docker.cli.test.ts; the real daemon is in `npm run test:tls`).
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Server as PlainServer, createServer as createPlainServer } from "node:http";
import { type Server } from "node:https";
import { join } from "node:path";
import { CERT_FILES } from "../../constructs/docker-tls";
import { servesPlainDockerApi, waitForDocker } from "../../deploy/wait-for-docker";
import { mutualTlsServer, tlsServer } from "./mutual-tls-server";

let certs: string;
let server: Server;
let port: number;
let pings = 0;

beforeAll(async () => {
  ({ certs, server, port } = await mutualTlsServer((req, res) => {
    pings += 1;
    // Like a daemon that is still starting: refuse the first request, answer afterwards.
    if (pings === 1) return void req.socket.destroy();
    res.end(req.url === "/_ping" ? "OK" : "not found");
  }));
});
afterAll(() => new Promise((r) => server.close(r)));

test("waits through failures until /_ping answers OK over mutual TLS", async () => {
  const result = await waitForDocker({ host: "localhost", port, certs, timeoutSeconds: 10, intervalMs: 50 });
  expect(result).toEqual({ ok: true, seconds: expect.any(Number) });
  expect(pings).toBeGreaterThanOrEqual(2);
});

test("stops at once when the server's certificate is not for the name it was reached by", async () => {
  const started = Date.now();
  const result = await waitForDocker({ host: "127.0.0.1", port, certs, timeoutSeconds: 30, intervalMs: 50 });
  expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/ERR_TLS_CERT_ALTNAME_INVALID.*--rotate/) });
  expect(Date.now() - started).toBeLessThan(5000);
});

test("without client certificates it says to run npm run certs; without ca.pem beside them, npm run certs -- --rotate-ca", async () => {
  const result = await waitForDocker({ host: "localhost", port, certs: join(certs, "nowhere"), timeoutSeconds: 1 });
  expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/missing\. Run `npm run certs` first/) });
  const lost = join(certs, "..", "lost-ca");
  cpSync(certs, lost, { recursive: true });
  rmSync(join(lost, CERT_FILES.ca));
  const withoutCa = await waitForDocker({ host: "localhost", port, certs: lost, timeoutSeconds: 1 });
  expect(withoutCa).toEqual({ ok: false, message: `no client certificate: ${join(lost, CERT_FILES.ca)} missing. Run \`npm run certs -- --rotate-ca\` first.` });
});

test("gives up at its deadline, naming the last error and the admin CIDRs", async () => {
  const closed = await new Promise<number>((resolve) => {
    const probe = require("node:net").createServer().listen(0, "127.0.0.1", () => {
      const p = probe.address().port;
      probe.close(() => resolve(p));
    });
  });
  const started = Date.now();
  // In seconds as the command line gives it; a fraction here, to keep the edit-test loop short (the whole seconds of
  // the built command: wait-for-docker.cli.test.ts).
  const result = await waitForDocker({ host: "localhost", port: closed, certs, timeoutSeconds: 0.3, intervalMs: 100, adminCidrs: "203.0.113.7/32" });
  expect(result).toMatchObject({
    ok: false,
    message: expect.stringMatching(/within 0\.3 s \(last error: ECONNREFUSED.*dockerHost\.adminCidrs \(203\.0\.113\.7\/32\)/),
  });
  expect(Date.now() - started).toBeLessThan(2300);
});

test("an attempt the deadline cuts short does not replace the last error of a whole one, nor count as what the host did", async () => {
  // The first request is answered, and every later one waits for ever: the second attempt runs into the deadline.
  let requests = 0;
  const server = await mutualTlsServer((_, res) => {
    if (++requests === 1) res.end("nope");
  });
  try {
    const result = await waitForDocker({ host: "localhost", port: server.port, certs: server.certs, timeoutSeconds: 0.6, intervalMs: 100 });
    expect(requests).toBe(2);
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/\(last error: \/_ping answered "nope"; saw: an answer other than OK ×1 \([^)]*\)\)\. /) });
  } finally {
    server.server.closeAllConnections();
    await new Promise((r) => server.server.close(r));
  }
});

test("reads no more than a few kilobytes of an answer: one without end is named as an answer, not waited out", async () => {
  const flood = await mutualTlsServer((_, res) => {
    const chunk = "x".repeat(65_536);
    const more = () => {
      while (res.write(chunk));
      res.once("drain", more);
    };
    res.on("close", () => res.removeAllListeners("drain"));
    more();
  });
  try {
    const started = Date.now();
    const result = await waitForDocker({ host: "localhost", port: flood.port, certs: flood.certs, timeoutSeconds: 0.3, intervalMs: 100 });
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/\(last error: \/_ping answered "x{80}"; saw: an answer other than OK ×\d+/) });
    expect(Date.now() - started).toBeLessThan(1300);
  } finally {
    flood.server.closeAllConnections();
    await new Promise((r) => flood.server.close(r));
  }
});

describe("a port that answers without TLS", () => {
  let plain: PlainServer;
  let plainPort: number;
  beforeAll(async () => {
    // What dockerd serves when its TLS settings never reached it: the Docker API in plain HTTP.
    plain = createPlainServer((req, res) => {
      res.setHeader("Api-Version", "1.51");
      res.end(req.url === "/_ping" ? "OK" : "{}");
    }).listen(0, "127.0.0.1");
    await new Promise((r) => plain.once("listening", r));
    plainPort = (plain.address() as { port: number }).port;
  });
  afterAll(() => new Promise((r) => plain.close(r)));

  test("stops the gate within seconds: not serving TLS, the boot configuration did not apply", async () => {
    const started = Date.now();
    const result = await waitForDocker({ host: "localhost", port: plainPort, certs, timeoutSeconds: 600, intervalMs: 50, adminCidrs: "203.0.113.7/32" });
    expect(result).toMatchObject({
      ok: false,
      message: expect.stringMatching(/answers in plain HTTP: not serving TLS: the host's boot configuration did not apply\. Anyone in dockerHost\.adminCidrs \(203\.0\.113\.7\/32\)/),
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test("is told apart from a TLS server, which answers plain HTTP with a 400 of its own, and from a closed port", async () => {
    await expect(servesPlainDockerApi("localhost", plainPort)).resolves.toBe(true);
    await expect(servesPlainDockerApi("localhost", port)).resolves.toBe(false);
    server.closeIdleConnections?.();
  });
});

test("with no admin CIDRs it stops at once: nobody can reach the API, so there is nothing to wait for", async () => {
  const started = Date.now();
  const result = await waitForDocker({ host: "localhost", port, certs, timeoutSeconds: 600, adminCidrs: "none" });
  expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/^dockerHost\.adminCidrs is empty, .*admits nobody.*Add the address range you deploy from/) });
  expect(Date.now() - started).toBeLessThan(1000);
});

test("stops at once when the API answers without a client certificate too: TLS without --tlsverify serves anyone", async () => {
  const file = (f: keyof typeof CERT_FILES) => readFileSync(join(certs, CERT_FILES[f]));
  const open = await tlsServer(certs, { cert: file("serverCert"), key: file("serverKey") }, (_req, res) => res.end("OK"), { verifyClients: false });
  try {
    const started = Date.now();
    const result = await waitForDocker({ host: "localhost", port: open.port, certs, timeoutSeconds: 600, intervalMs: 50, adminCidrs: "203.0.113.7/32" });
    expect(result).toEqual({
      ok: false,
      message: expect.stringMatching(/^the Docker API at tcp:\/\/localhost:\d+ answers GET \/_ping without a client certificate: .*203\.0\.113\.7\/32.*--tlsverify/),
    });
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    await new Promise((r) => open.server.close(r));
  }
});

test("stops at once on a host certificate OpenSSL names no better than UNSPECIFIED (signed with SHA-1): it stays what the host booted with", async () => {
  const dir = join(certs, "..", "sha1");
  cpSync(certs, dir, { recursive: true });
  writeFileSync(join(dir, "server.ext"), "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n");
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  run(["req", "-new", "-key", CERT_FILES.serverKey, "-subj", "/CN=sha1", "-out", "server.csr"]);
  run(["x509", "-req", "-sha1", "-in", "server.csr", "-CA", CERT_FILES.ca, "-CAkey", CERT_FILES.caKey, "-set_serial", "9", "-days", "30", "-extfile", "server.ext", "-out", CERT_FILES.serverCert]);
  const file = (f: keyof typeof CERT_FILES) => readFileSync(join(dir, CERT_FILES[f]));
  const weak = await tlsServer(dir, { cert: file("serverCert"), key: file("serverKey") }, (_req, res) => res.end("OK"), { ciphers: "DEFAULT@SECLEVEL=0" });
  try {
    const started = Date.now();
    const result = await waitForDocker({ host: "localhost", port: weak.port, certs: dir, timeoutSeconds: 600, intervalMs: 50 });
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/presented a certificate that does not verify \(UNSPECIFIED: .*too weak/) });
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    await new Promise((r) => weak.server.close(r));
  }
});
