// dist/deploy/wait-for-docker.js as Terraform's local-exec runs it, against a local HTTPS server that answers like the
// Docker API's /_ping: its command line, exit codes and the one line it prints (the real daemon is in `npm run test:tls`).
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createPlainServer } from "node:http";
import { type Socket, createServer as createNetServer } from "node:net";
import { type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CERT_FILES } from "../../constructs/docker-tls";
import { ensureCertificates } from "../../commands/certs";
import { USAGE } from "../../deploy/wait-for-docker";
import { projectRoot } from "../../settings/paths";
import { boundByModes } from "../file-permissions";
import { type Oddity, issue, mutualTlsServer, tlsServer } from "./mutual-tls-server";

let certs: string;
let server: Server;
let port: number;

beforeAll(async () => {
  ({ certs, server, port } = await mutualTlsServer((req, res) => res.end(req.url === "/_ping" ? "OK" : "not found")));
});
afterAll(() => new Promise((r) => server.close(r)));

/** A port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = require("node:net").createServer().listen(0, "127.0.0.1", () => {
      const p = probe.address().port;
      probe.close(() => resolve(p));
    });
  });
}

describe("dist/deploy/wait-for-docker.js, as Terraform's local-exec runs it", () => {
  jest.setTimeout(15_000);
  // Run asynchronously: the servers it talks to live in this process.
  // `bound`: bound by file modes, as a user other than root is.
  const gate = (args: string[], bound = false) =>
    new Promise<{ status: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
      const started = Date.now();
      const argv = [join(projectRoot, "dist", "deploy", "wait-for-docker.js"), ...args];
      const [command, commandArgs] = bound ? boundByModes(process.execPath, argv) : [process.execPath, argv];
      const child = spawn(command, commandArgs, {
        cwd: mkdtempSync(join(tmpdir(), "gate-cwd-")), // where a relative --certs would be looked for: nothing there
        timeout: 10_000, // a gate that waits when it should stop never outlives its test (given 15 s)
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (status) => resolve({ status, stdout, stderr, ms: Date.now() - started }));
    });
  const usageError = (line: string) => `wait-for-docker: ${line} (wait-for-docker --help shows the usage)\n`;
  /** A copy of the client files with one changed: other content, another set's file, or a directory in its place. */
  const broken = (file: string, change: string | { from: string } | "directory") => {
    const dir = join(mkdtempSync(join(tmpdir(), "gate-broken-")), "certs");
    cpSync(certs, dir, { recursive: true });
    rmSync(join(dir, file));
    if (change === "directory") mkdirSync(join(dir, file));
    else if (typeof change === "string") writeFileSync(join(dir, file), change);
    else copyFileSync(join(change.from, file), join(dir, file));
    return dir;
  };
  let theirs: string;
  beforeAll(async () => {
    theirs = join(mkdtempSync(join(tmpdir(), "gate-theirs-")), "certs");
    await ensureCertificates({ dir: theirs, serverNames: ["localhost"] });
  });

  test("--help prints the usage, exit 0; run bare it prints it too, exit 2", async () => {
    expect(await gate(["--help"])).toMatchObject({ status: 0, stdout: `${USAGE}\n`, stderr: "" });
    expect(await gate([])).toMatchObject({ status: 2, stdout: "", stderr: `${USAGE}\n` });
  });

  test.each([
    [["--host=localhost", "--wait=5"], "unknown option --wait"],
    [["--port=2376"], "--host=NAME is required"],
    [["--host="], "--host needs a value, got an empty one"],
    [["--host=not a host"], "--host=not a host: expected a DNS name or an IP address"],
    [["--host=${aws_eip.docker-host.public_dns}"], "--host=${aws_eip.docker-host.public_dns}: expected a DNS name or an IP address"],
    [["--host=-bad.example.com"], "--host=-bad.example.com: expected a DNS name or an IP address"],
    [["--host=1.2.3"], "--host=1.2.3: expected a DNS name or an IP address"],
    [["--host=256.256.256.256"], "--host=256.256.256.256: expected a DNS name or an IP address"],
    [["--host=localhost", "--timeout=abc"], "--timeout=abc: expected a whole number of seconds from 1 to 86400"],
    [["--host=localhost", "--timeout=0"], "--timeout=0: expected a whole number of seconds from 1 to 86400"],
    [["--host=localhost", "--timeout=1.5"], "--timeout=1.5: expected a whole number of seconds from 1 to 86400"],
    [["--host=localhost", "--timeout=86401"], "--timeout=86401: expected a whole number of seconds from 1 to 86400"],
    [["--host=localhost", "--port=0"], "--port=0: expected a whole number from 1 to 65535"],
    [["--host=localhost", "--port=65536"], "--port=65536: expected a whole number from 1 to 65535"],
    [["--host=localhost", "--port=docker"], "--port=docker: expected a whole number from 1 to 65535"],
    [["--host=localhost", "--host=other.example.com"], "--host is given more than once; give it once"],
    [["--host=localhost", "--port=-1"], "--port=-1: expected a whole number from 1 to 65535"],
    [["--host=localhost", "--port= 2376"], "--port= 2376: expected a whole number from 1 to 65535"],
    [["--host=localhost", "--admin-cidrs=garbage"], "--admin-cidrs=garbage: expected none or IPv4 CIDR blocks (network addresses) joined by commas, such as 203.0.113.0/24,198.51.100.7/32"],
    [["--host=localhost", "--admin-cidrs=10.0.0.0/33"], "--admin-cidrs=10.0.0.0/33: expected none or IPv4 CIDR blocks (network addresses) joined by commas, such as 203.0.113.0/24,198.51.100.7/32"],
    [["--host=localhost", "--admin-cidrs=10.0.0.0/08"], "--admin-cidrs=10.0.0.0/08: expected none or IPv4 CIDR blocks (network addresses) joined by commas, such as 203.0.113.0/24,198.51.100.7/32"],
    [["--host=localhost", "--admin-cidrs= "], "--admin-cidrs= : expected none or IPv4 CIDR blocks (network addresses) joined by commas, such as 203.0.113.0/24,198.51.100.7/32"],
    [["--host=localhost", "--admin-cidrs=10.0.0.0/8,"], "--admin-cidrs=10.0.0.0/8,: expected none or IPv4 CIDR blocks (network addresses) joined by commas, such as 203.0.113.0/24,198.51.100.7/32"],
    [["--host=localhost", "--admin-cidrs=2001:db8::/32"], "--admin-cidrs=2001:db8::/32: expected none or IPv4 CIDR blocks (network addresses) joined by commas, such as 203.0.113.0/24,198.51.100.7/32"],
    // Host bits set past the prefix: the settings refuse it, so the aws stack never passes it.
    [["--host=localhost", "--admin-cidrs=203.0.113.7/24"], "--admin-cidrs=203.0.113.7/24: expected none or IPv4 CIDR blocks (network addresses) joined by commas, such as 203.0.113.0/24,198.51.100.7/32"],
    [["--host=localhost", "--admin-cidrs=10.0.0.0/8\n"], "--admin-cidrs=10.0.0.0/8\\u000A: expected none or IPv4 CIDR blocks (network addresses) joined by commas, such as 203.0.113.0/24,198.51.100.7/32"],
  ])("%j is a usage error, exit 2, before any waiting", async (args, line) => {
    const result = await gate(args);
    expect(result).toMatchObject({ status: 2, stdout: "", stderr: usageError(line) });
    expect(result.ms).toBeLessThan(5000);
  });

  test("takes an IP address, bracketed or not, and a name with a trailing dot", async () => {
    for (const host of ["127.0.0.1", "[::1]", "localhost."]) {
      // Past the arguments, to the first check of the files.
      const result = await gate([`--host=${host}`, "--certs=nowhere"]);
      expect(result).toMatchObject({ status: 1, stderr: expect.stringMatching(/^Docker host not ready: no client certificate/) });
    }
  });

  test("takes none, and IPv4 CIDR blocks joined by commas, as --admin-cidrs", async () => {
    for (const cidrs of ["203.0.113.0/24,198.51.100.7/32", "0.0.0.0/0"]) {
      // Past the arguments, to the first check of the files.
      const result = await gate(["--host=localhost", `--admin-cidrs=${cidrs}`, "--certs=nowhere"]);
      expect(result).toMatchObject({ status: 1, stderr: expect.stringMatching(/^Docker host not ready: no client certificate/) });
    }
    const result = await gate(["--host=localhost", "--admin-cidrs=none", "--certs=nowhere"]);
    expect(result).toMatchObject({ status: 1, stderr: expect.stringMatching(/^Docker host not ready: dockerHost\.adminCidrs is empty/) });
  });

  test.each([
    ["a missing file", () => join(certs, "nowhere"), /no client certificate: .*nowhere\/ca\.pem, .*nowhere\/cert\.pem, .*nowhere\/key\.pem missing\. Run `npm run certs` first\./],
    ["an empty ca.pem", () => broken(CERT_FILES.ca, ""), /certs\/ca\.pem is empty: run `npm run certs -- --rotate-ca`, then deploy again\.$/],
    ["an empty cert.pem", () => broken(CERT_FILES.clientCert, "\n"), /certs\/cert\.pem is empty: run `npm run certs -- --rotate`, then deploy again\.$/],
    ["a key.pem that is a directory", () => broken(CERT_FILES.clientKey, "directory"), /certs\/key\.pem is a directory, not a file \(remove it or move it away\): run `npm run certs -- --rotate`/],
    ["a ca.pem that is not PEM", () => broken(CERT_FILES.ca, "ca\n"), /certs\/ca\.pem does not hold a PEM certificate \(.+\): run `npm run certs -- --rotate-ca`/],
    ["a key.pem that is not PEM", () => broken(CERT_FILES.clientKey, "key\n"), /certs\/key\.pem does not hold a PEM private key \(.+\): run `npm run certs -- --rotate`/],
    [
      "a key.pem that is not cert.pem's",
      () => broken(CERT_FILES.clientKey, { from: theirs }),
      /certs\/key\.pem does not match .*certs\/cert\.pem \(it is the key of another certificate\): run `npm run certs -- --rotate`/,
    ],
  ])("stops at once, exit 1, on %s", async (_, dir, message) => {
    const result = await gate(["--host=localhost", `--port=${port}`, `--certs=${dir()}`, "--timeout=600"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^Docker host not ready: /);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.ms).toBeLessThan(5000);
  });

  test.each([
    ["a key.pem this user may not read", CERT_FILES.clientKey, 0o600, /certs\/key\.pem cannot be read \(permission denied, EACCES\): run the command as the user the certificates belong to/],
    ["a ca.pem this user may not read", CERT_FILES.ca, 0o644, /certs\/ca\.pem cannot be read \(permission denied, EACCES\): run the command as the user the certificates belong to/],
    ["a directory this user may not search", "", 0o700, /certs cannot be searched for ca\.pem \(permission denied, EACCES\): run the command as the user the certificates belong to/],
  ])("stops at once, exit 1, on %s: no new certificates as the fix, not missing files", async (_, file, mode, message) => {
    const dir = join(mkdtempSync(join(tmpdir(), "gate-modes-")), "certs");
    cpSync(certs, dir, { recursive: true });
    chmodSync(join(dir, file), 0o000);
    try {
      const result = await gate(["--host=localhost", `--port=${port}`, `--certs=${dir}`, "--timeout=600"], true);
      expect(result.status).toBe(1);
      expect(result.stderr.trimEnd()).toMatch(message);
      expect(result.stderr).not.toMatch(/npm run certs/);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    } finally {
      chmodSync(join(dir, file), mode);
    }
  });

  test("stops at once, exit 1, on a server certificate that does not verify", async () => {
    const result = await gate(["--host=127.0.0.1", `--port=${port}`, `--certs=${certs}`, "--timeout=600"]);
    expect(result).toMatchObject({ status: 1, stderr: expect.stringMatching(/does not verify \(ERR_TLS_CERT_ALTNAME_INVALID.*npm run certs -- --rotate/) });
    expect(result.ms).toBeLessThan(5000);
  });

  const inFuture = () => new Date(Date.now() + 86_400_000);
  test.each<[string, Oddity, RegExp]>([
    ["not valid yet", { notBefore: inFuture() }, /presented a certificate that is not valid yet \(CERT_NOT_YET_VALID\b.*clock/],
    [
      "not for a TLS server (extended key usage clientAuth only)",
      { extendedKeyUsage: ["clientAuth"] },
      /presented a certificate that is not for a TLS server \(INVALID_PURPOSE\b.*serverAuth.*npm run certs -- --rotate/,
    ],
  ])("stops at once, exit 1, on a server certificate %s", async (_, oddity, message) => {
    const odd = await tlsServer(certs, await issue(certs, "server", oddity), (_, res) => res.end("OK"));
    try {
      const result = await gate(["--host=localhost", `--port=${odd.port}`, `--certs=${certs}`, "--timeout=600"]);
      expect(result).toMatchObject({ status: 1, stderr: expect.stringMatching(message) });
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(result.ms).toBeLessThan(5000);
    } finally {
      await new Promise((r) => odd.server.close(r));
    }
  });

  test.each<[string, Oddity, RegExp]>([
    ["not valid yet", { notBefore: inFuture() }, /certs\/cert\.pem is not valid until .*: run `npm run certs -- --rotate`, then deploy again\.$/],
    [
      "not for a TLS client (extended key usage serverAuth only)",
      { extendedKeyUsage: ["serverAuth"] },
      /certs\/cert\.pem is not a client certificate \(its extended key usage allows serverAuth, not clientAuth\): run `npm run certs -- --rotate`, then deploy again\.$/,
    ],
  ])("stops at once, exit 1, on a client certificate %s", async (_, oddity, message) => {
    const pair = await issue(certs, "client", oddity);
    const dir = broken(CERT_FILES.clientCert, pair.cert);
    writeFileSync(join(dir, CERT_FILES.clientKey), pair.key, { mode: 0o600 });
    const result = await gate(["--host=localhost", `--port=${port}`, `--certs=${dir}`, "--timeout=600"]);
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.ms).toBeLessThan(5000);
  });

  /** Runs the gate against a server that answers the ClientHello with the fatal TLS alert `alert`, as a host refusing our certificate does. */
  async function againstAlert(alert: number, timeout: string) {
    const sockets = new Set<Socket>();
    const refusing = createNetServer((socket) => {
      sockets.add(socket);
      socket.once("data", () => socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, alert])));
    }).listen(0, "127.0.0.1");
    await new Promise((r) => refusing.once("listening", r));
    try {
      return await gate(["--host=localhost", `--port=${(refusing.address() as { port: number }).port}`, `--certs=${certs}`, `--timeout=${timeout}`]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => refusing.close(r));
    }
  }

  test("stops at once, exit 1, when the host refuses the client certificate as unsuitable", async () => {
    // What an OpenSSL server sends for a client certificate whose key usage does not allow a client: the TLS alert
    // "unsupported certificate" (fatal, 43).
    const result = await againstAlert(43, "600");
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd()).toMatch(
      /refused the client certificate .*certs\/cert\.pem as unsuitable \(TLS alert "unsupported certificate"\): its key usage or extended key usage does not allow a TLS client.*npm run certs -- --rotate/,
    );
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.ms).toBeLessThan(5000);
  });

  test("waits, and names the clocks, when the host refuses the client certificate as expired (dockerd's alert for a host clock not yet set)", async () => {
    // Go's crypto/tls, which dockerd uses, answers a client certificate outside its validity by the host's clock
    // with the TLS alert "certificate expired" (fatal, 45).
    const result = await againstAlert(45, "2");
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/saw: client certificate refused as expired or not yet valid ×\d+ \(the host's clock and this machine's disagree/);
  });

  test("stops at once, exit 1, on a server that speaks only TLS older than 1.2", async () => {
    const file = (f: string) => readFileSync(join(certs, f));
    // OpenSSL's lowest security level: at its default it would offer no cipher for TLS 1.0 or 1.1 either.
    const old = await tlsServer(certs, { cert: file(CERT_FILES.serverCert), key: file(CERT_FILES.serverKey) }, (_, res) => res.end("OK"), {
      ciphers: "DEFAULT@SECLEVEL=0",
      tlsVersions: { min: "TLSv1", max: "TLSv1.1" },
    });
    try {
      const result = await gate(["--host=localhost", `--port=${old.port}`, `--certs=${certs}`, "--timeout=600"]);
      expect(result.status).toBe(1);
      expect(result.stderr.trimEnd()).toMatch(/^Docker host not ready: the server at tcp:\/\/localhost:\d+ speaks no TLS version the Docker client takes \(ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: .*older than TLS 1\.2/);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(result.ms).toBeLessThan(5000);
    } finally {
      await new Promise((r) => old.server.close(r));
    }
  });

  test("stops at once, exit 1, on a Docker API served in plain HTTP", async () => {
    const plain = createPlainServer((_, res) => {
      res.setHeader("Api-Version", "1.51");
      res.end("OK");
    }).listen(0, "127.0.0.1");
    await new Promise((r) => plain.once("listening", r));
    try {
      const result = await gate(["--host=localhost", `--port=${(plain.address() as { port: number }).port}`, `--certs=${certs}`, "--timeout=600", "--admin-cidrs=203.0.113.7/32"]);
      expect(result).toMatchObject({ status: 1, stderr: expect.stringMatching(/answers in plain HTTP: not serving TLS/) });
      expect(result.ms).toBeLessThan(5000);
    } finally {
      plain.closeAllConnections();
      await new Promise((r) => plain.close(r));
    }
  });

  test("stops at once, exit 1, on a port that answers in plain HTTP as something other than Docker", async () => {
    // As `python3 -m http.server` does: a 404, and no Api-Version header.
    const plain = createPlainServer((_, res) => {
      res.statusCode = 404;
      res.end("File not found");
    }).listen(0, "127.0.0.1");
    await new Promise((r) => plain.once("listening", r));
    const plainPort = (plain.address() as { port: number }).port;
    try {
      const result = await gate(["--host=localhost", `--port=${plainPort}`, `--certs=${certs}`, "--timeout=600"]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^Docker host not ready: port ${plainPort} of localhost answers without TLS \\(plain HTTP: GET /_ping answered 404\\)`));
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(result.ms).toBeLessThan(5000);
    } finally {
      plain.closeAllConnections();
      await new Promise((r) => plain.close(r));
    }
  });

  test.each([
    ["greets and hangs up", (socket: Socket) => socket.end("SSH-2.0-OpenSSH_9.6\r\n"), String.raw`"SSH-2\.0-OpenSSH_9\.6\\u000D\\u000A"`],
    // As sshd does: it greets first, a few bytes at a time over a slow link, and keeps the connection open.
    ["greets a few bytes at a time and stays connected", (socket: Socket) => {
      socket.write("SSH-2");
      setTimeout(() => socket.writable && socket.write(".0-OpenSSH_9.6\r\n"), 100);
    }, '"SSH-2"'],
  ] as const)("stops at once, exit 1, naming what it sent, on a port that is neither TLS nor HTTP: an SSH server that %s", async (_, greet, sent) => {
    const sockets = new Set<Socket>();
    const ssh = createNetServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
      greet(socket);
    }).listen(0, "127.0.0.1");
    await new Promise((r) => ssh.once("listening", r));
    const sshPort = (ssh.address() as { port: number }).port;
    try {
      const result = await gate(["--host=localhost", `--port=${sshPort}`, `--certs=${certs}`, "--timeout=600"]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^Docker host not ready: port ${sshPort} of localhost answers without TLS \\(neither TLS nor HTTP: it sent ${sent}\\), so it is not the Docker API`));
      expect(result.ms).toBeLessThan(5000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => ssh.close(r));
    }
  });

  test("passes, exit 0, once /_ping answers OK", async () => {
    const result = await gate(["--host=localhost", `--port=${port}`, `--certs=${certs}`, "--timeout=10"]);
    expect(result).toMatchObject({ status: 0, stderr: "", stdout: expect.stringMatching(/answers over mutual TLS/) });
  });

  test("waits through a closed port, then says what it saw and what that means", async () => {
    const result = await gate(["--host=localhost", `--port=${await closedPort()}`, `--certs=${certs}`, "--timeout=2", "--admin-cidrs=203.0.113.7/32"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /did not answer over TLS within 2 s \(last error: ECONNREFUSED: .*; saw: connection refused ×\d+ \(the port is closed: dockerd not up yet, or not listening on this port\)\)\. Check that dockerHost\.adminCidrs \(203\.0\.113\.7\/32\)/,
    );
    expect(result.ms).toBeGreaterThanOrEqual(2000);
    expect(result.ms).toBeLessThan(6000);
  });

  // Two seconds of slack: node's own start takes up to a second on a loaded two-core machine (CI runs this beside
  // other tests). Before the deadline held, --timeout=2 ran 9 s against a silent port, and for ever against a slow one.
  describe("never runs past its timeout (by more than two seconds, process start included)", () => {
    test("against a port that accepts connections and never says a word", async () => {
      const sockets = new Set<Socket>();
      const silent = createNetServer((socket) => sockets.add(socket)).listen(0, "127.0.0.1");
      await new Promise((r) => silent.once("listening", r));
      try {
        const result = await gate(["--host=localhost", `--port=${(silent.address() as { port: number }).port}`, `--certs=${certs}`, "--timeout=2"]);
        expect(result).toMatchObject({ status: 1, stderr: expect.stringMatching(/within 2 s \(last error: ETIMEDOUT: .*; saw: no answer ×\d+ \(packets are dropped/) });
        expect(result.ms).toBeLessThan(4000);
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((r) => silent.close(r));
      }
    });

    test("against a TLS server that takes the client certificate and never answers /_ping, named as such, not as dropped packets", async () => {
      const mute = await mutualTlsServer(() => undefined);
      try {
        const result = await gate(["--host=localhost", `--port=${mute.port}`, `--certs=${mute.certs}`, "--timeout=2"]);
        expect(result).toMatchObject({ status: 1, stderr: expect.stringMatching(/within 2 s \(last error: NO_PING_ANSWER: .*; saw: no answer to \/_ping over TLS ×\d+ \(the host took the client certificate but did not answer the request/) });
        expect(result.stderr).not.toContain("packets are dropped");
        expect(result.ms).toBeLessThan(4000);
      } finally {
        mute.server.closeAllConnections();
        await new Promise((r) => mute.server.close(r));
      }
    });

    test("against a server that sends its answer a byte every half second", async () => {
      const drip = await mutualTlsServer((_, res) => {
        res.writeHead(200, { "Content-Type": "text/plain" }); // chunked: no length, so the end is never in sight
        const timer = setInterval(() => res.write("O"), 500);
        res.on("close", () => clearInterval(timer));
      });
      try {
        const result = await gate(["--host=localhost", `--port=${drip.port}`, `--certs=${drip.certs}`, "--timeout=2"]);
        expect(result).toMatchObject({ status: 1, stderr: expect.stringMatching(/within 2 s \(last error: .*did not end/) });
        expect(result.ms).toBeLessThan(4000);
      } finally {
        drip.server.closeAllConnections();
        await new Promise((r) => drip.server.close(r));
      }
    });
  });

  test("waits through a name that does not resolve (yet), then names it", async () => {
    // .invalid never resolves (RFC 6761); a machine without DNS says so differently.
    const result = await gate(["--host=docker-host.invalid", `--port=${port}`, `--certs=${certs}`, "--timeout=1"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /within 1 s \(last error: (ENOTFOUND|EAI_AGAIN)\b.*; saw: (name not found ×\d+ \(the name is not in DNS: a new record takes a minute or two, a wrong name never appears\)|name lookup failed ×\d+ \(the DNS resolver did not answer.*\))\)/,
    );
  });
});
