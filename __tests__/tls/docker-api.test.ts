// The TLS contract between the Docker host's cloud-config and the DockerStack, against a real Docker Engine.
// It boots dockerd on loopback with exactly the files and daemon flags the rendered cloud-config carries, the
// certificates `npm run certs` makes, and the client credentials the DockerStack's provider reads.
// Needs root and dockerd (`.ci/run` installs Debian's docker.io). Run with `npm run test:tls`.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { parse } from "yaml";
import { dockerHostCloudConfig } from "../../constructs/docker-host";
import { CERT_FILES, ec2PublicDnsDomain } from "../../constructs/docker-tls";
import { ensureCertificates } from "../../scripts/certs";
import { projectRoot } from "../../settings/paths";
import { buildStacks, synthesize } from "../helpers";

const REGION = "us-west-1";
// The form of name the DockerStack connects to: the Elastic IP's EC2 public DNS name (ec2-a-b-c-d.<domain>).
const HOST = `ec2-198-51-100-7.${ec2PublicDnsDomain(REGION)}`;
const CERTS_DIR = ".tls-test/certs"; // inside the project, so the stack reads it through its relative paths
const work = mkdtempSync(join(tmpdir(), "docker-tls-"));
const root = join(work, "root"); // stands in for the host's file system

let daemon: ChildProcess | undefined;
let daemonLog = "";
let port = 0;
let daemonFlags: string[] = [];
let client: { ca: Buffer; cert: Buffer; key: Buffer };
let stranger: { ca: Buffer; cert: Buffer; key: Buffer };

beforeAll(async () => {
  // The certificates, made by the same CLI users run.
  rmSync(join(projectRoot, CERTS_DIR), { recursive: true, force: true });
  execFileSync(process.execPath, [join(projectRoot, "dist", "scripts", "certs.js"), `--out=${CERTS_DIR}`], {
    cwd: projectRoot,
    env: { ...process.env, INFRA_CONFIG: "" },
  });
  client = providerCredentials();

  // A second, unrelated CA and client, as an attacker with their own certificates would have.
  const other = join(work, "other");
  await ensureCertificates({ dir: other, serverNames: [HOST] });
  stranger = {
    ca: readFileSync(join(other, CERT_FILES.ca)),
    cert: readFileSync(join(other, CERT_FILES.clientCert)),
    key: readFileSync(join(other, CERT_FILES.clientKey)),
  };

  // The host's side, straight from the rendered cloud-config.
  port = await freePort();
  const certs = join(projectRoot, CERTS_DIR);
  const base64 = (file: string) => readFileSync(join(certs, file)).toString("base64");
  const config = parse(
    dockerHostCloudConfig(
      { caPem: base64(CERT_FILES.ca), serverPem: base64(CERT_FILES.serverCert), serverKeyPem: base64(CERT_FILES.serverKey), apiPort: port },
      "plain",
    ),
  );
  for (const file of config.write_files) {
    const target = join(root, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.encoding === "b64" ? Buffer.from(file.content, "base64") : file.content);
    chmodSync(target, Number.parseInt(file.permissions, 8));
  }
  const units = config.coreos.units as { name: string; content?: string; "drop-ins"?: { content: string }[] }[];
  const socket = units.find((u) => u.name === "docker-tls-tcp.socket")!.content!;
  const listen = Number(/^ListenStream=(\d+)$/m.exec(socket)![1]);
  const dropIn = units.find((u) => u.name === "docker.service")!["drop-ins"]![0].content;
  daemonFlags = /^Environment="DOCKER_OPTS=(.*)"$/m.exec(dropIn)![1].split(" ");

  // The host's paths live under `root` here; everything else is the daemon as the cloud-config starts it.
  const flags = daemonFlags.map((f) => f.replace(/=\/etc\/docker\//, `=${root}/etc/docker/`));
  const args = [
    ...flags,
    `-H=tcp://127.0.0.1:${listen}`,
    `-H=unix://${work}/docker.sock`,
    "--storage-driver=vfs",
    "--iptables=false",
    "--bridge=none",
    `--data-root=${work}/data`,
    `--exec-root=${work}/exec`,
    `--pidfile=${work}/docker.pid`,
  ];
  daemon = spawn("dockerd", args, { stdio: ["ignore", "pipe", "pipe"] });
  daemon.stdout!.on("data", (d) => (daemonLog += d));
  daemon.stderr!.on("data", (d) => (daemonLog += d));
  const started = Date.now();
  while (!/API listen on 127\.0\.0\.1/.test(daemonLog)) {
    if (daemon.exitCode !== null || Date.now() - started > 60_000) {
      throw new Error(`dockerd did not start:\n${daemonLog.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  // Stop the daemon by its process id, pass or fail.
  if (daemon?.pid && daemon.exitCode === null) {
    const exited = new Promise((r) => daemon!.once("exit", r));
    process.kill(daemon.pid, "SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
    clearTimeout(timer);
    if (daemon.exitCode === null) process.kill(daemon.pid, "SIGKILL");
  }
  rmSync(work, { recursive: true, force: true });
  rmSync(join(projectRoot, ".tls-test"), { recursive: true, force: true });
}, 30_000);

/** The files the DockerStack's provider block reads, found through its own relative paths. */
function providerCredentials() {
  const stack = synthesize(buildStacks({ region: REGION, dockerHost: { certsDir: CERTS_DIR } }).docker).json;
  const [provider] = stack.provider.docker;
  const stackDir = join(projectRoot, "cdktf.out", "stacks", "docker");
  const read = (expression: string) => {
    const path = /^\$\{file\("(.+)"\)\}$/.exec(expression)![1];
    return readFileSync(resolve(stackDir, ...posix.normalize(path).split("/")));
  };
  return { ca: read(provider.ca_material), cert: read(provider.cert_material), key: read(provider.key_material) };
}

/** GET /_ping at HOST, whose name resolves to loopback; verifies the server against `tls.ca` and HOST. */
function ping(tls: Partial<typeof client>, servername = HOST): Promise<{ status?: number; body: string }> {
  return new Promise((resolvePing, reject) => {
    const req = request(
      {
        host: servername,
        port,
        path: "/_ping",
        ...tls,
        lookup: (_name, options, callback) =>
          (options as { all?: boolean }).all
            ? (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: "127.0.0.1", family: 4 }])
            : callback(null, "127.0.0.1", 4),
        timeout: 10_000,
        agent: false, // no kept-alive socket outliving the test
      },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolvePing({ status: res.statusCode, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Runs a command in a private mount namespace where HOST resolves to 127.0.0.1 (the machine's /etc/hosts is untouched). */
function withHostName(command: string[]) {
  const hosts = join(work, "hosts");
  writeFileSync(hosts, `127.0.0.1 localhost\n127.0.0.1 ${HOST}\n`);
  const script = `mount --bind '${hosts}' /etc/hosts && exec "$@"`;
  return spawnSync("unshare", ["--mount", "sh", "-c", script, "sh", ...command], { encoding: "utf8", timeout: 60_000 });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolvePort(p));
    });
  });
}

test("the daemon runs with the cloud-config's TLS flags: client certificates are required", () => {
  expect(daemonFlags).toEqual([
    "--tlsverify",
    "--tlscacert=/etc/docker/ca.pem",
    "--tlscert=/etc/docker/server.pem",
    "--tlskey=/etc/docker/server-key.pem",
  ]);
  expect(readFileSync(join(root, "etc/docker/server-key.pem"), "utf8")).toContain("PRIVATE KEY");
});

test("the DockerStack's client credentials get OK from /_ping", async () => {
  await expect(ping(client)).resolves.toEqual({ status: 200, body: "OK" });
});

test("the DockerStack's client credentials get an answer from `docker version`", () => {
  const certs = join(projectRoot, CERTS_DIR);
  const result = withHostName([
    "docker",
    "--tlsverify",
    `--tlscacert=${join(certs, CERT_FILES.ca)}`,
    `--tlscert=${join(certs, CERT_FILES.clientCert)}`,
    `--tlskey=${join(certs, CERT_FILES.clientKey)}`,
    `--host=tcp://${HOST}:${port}`,
    "version",
    "--format={{.Server.Version}} {{.Server.Os}}",
  ]);
  expect(result.stderr).toBe("");
  expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\S* linux\n$/);
});

test("a client without a certificate is refused", async () => {
  await expect(ping({ ca: client.ca })).rejects.toThrow(/certificate required|bad certificate|socket hang up|ECONNRESET/i);
  const cli = withHostName(["docker", "--tls", `--tlscacert=${join(projectRoot, CERTS_DIR, CERT_FILES.ca)}`, `--host=tcp://${HOST}:${port}`, "version"]);
  expect(cli.status).not.toBe(0);
  expect(cli.stdout).not.toMatch(/Server:/);
});

test("a client with a certificate from another CA is refused", async () => {
  await expect(ping({ ca: client.ca, cert: stranger.cert, key: stranger.key })).rejects.toThrow(
    /bad certificate|unknown ca|certificate|socket hang up|ECONNRESET/i,
  );
});

test("a client that trusts another CA does not accept the host", async () => {
  await expect(ping({ ...client, ca: stranger.ca })).rejects.toMatchObject({ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
});

test("the server certificate verifies for the host-name form the DockerStack uses, and only for it", async () => {
  const aws = synthesize(buildStacks({ region: REGION }).aws).json;
  const gate = Object.values(aws.resource.terraform_data)[0] as { input: { host: string } };
  expect(gate.input.host).toMatch(/^\$\{aws_eip\.[^.]+\.public_dns\}$/);
  await expect(ping(client, `ec2-203-0-113-250.${ec2PublicDnsDomain(REGION)}`)).resolves.toMatchObject({ body: "OK" });
  await expect(ping(client, `ec2-203-0-113-250.${ec2PublicDnsDomain("eu-west-1")}`)).rejects.toMatchObject({
    code: "ERR_TLS_CERT_ALTNAME_INVALID",
  });
});

describe("the readiness gate", () => {
  const gate = (args: string[]) =>
    withHostName([process.execPath, join(projectRoot, "dist", "scripts", "wait-for-docker.js"), ...args]);

  test("passes once the API answers over TLS", () => {
    const result = gate([`--host=${HOST}`, `--port=${port}`, `--certs=${join(projectRoot, CERTS_DIR)}`, "--timeout=30"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/answers over mutual TLS/);
    expect(result.status).toBe(0);
  });

  test("stops at once, saying what to do, when the host's certificate does not verify", () => {
    const other = join(work, "other");
    const result = gate([`--host=${HOST}`, `--port=${port}`, `--certs=${other}`, "--timeout=60"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/does not verify .*npm run certs -- --rotate/);
  });

  test("gives up after its timeout with a message that names the admin CIDRs", async () => {
    const closed = await freePort();
    const result = gate([
      `--host=${HOST}`,
      `--port=${closed}`,
      `--certs=${join(projectRoot, CERTS_DIR)}`,
      "--timeout=2",
      "--admin-cidrs=none",
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/did not answer over TLS within 2 s \(last error: ECONNREFUSED.*dockerHost\.adminCidrs \(none\)/);
  });
});
