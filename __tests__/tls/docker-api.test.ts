// The TLS contract between the Docker host's cloud-config and the DockerStack, against a real Docker Engine.
// The rendered cloud-config is applied as Flatcar applies it (only the keys coreos-cloudinit reads, see
// ../contracts/flatcar-docker.ts), and dockerd is started as Flatcar's docker.service starts it: its flags, its
// /etc/docker/daemon.json, and its TCP socket handed over by systemd (`--host=fd://`, through
// systemd-socket-activate). So the test fails wherever Flatcar would ignore the TLS settings.
// Needs root, dockerd and systemd-socket-activate (`.ci/run` installs them). Run with `npm run test:tls`.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, posix, resolve } from "node:path";
import { parse } from "yaml";
import { type DockerHostBoot, dockerHostCloudConfig } from "../../constructs/docker-host";
import { CERT_FILES, ec2PublicDnsDomain } from "../../constructs/docker-tls";
import { ensureCertificates } from "../../commands/certs";
import { servesPlainDockerApi } from "../../deploy/wait-for-docker";
import { projectRoot } from "../../settings/paths";
import { goDuration } from "../../stacks/docker-stack";
import { cloudConfigProblems } from "../contracts/coreos-cloudinit";
import { applyAsFlatcar } from "../contracts/flatcar-docker";
import { buildStacks, only, synthesize } from "../helpers";

const REGION = "us-west-1";
// The form of name the DockerStack connects to: the Elastic IP's EC2 public DNS name (ec2-a-b-c-d.<domain>).
const HOST = `ec2-198-51-100-7.${ec2PublicDnsDomain(REGION)}`;
const CERTS_DIR = ".tls-test/certs"; // inside the project, so the stack reads it through its relative paths
const work = mkdtempSync(join(tmpdir(), "docker-tls-"));

interface Daemon {
  readonly process: ChildProcess;
  readonly port: number;
  log: string;
}
const daemons: Daemon[] = [];
let daemon: Daemon;
let port = 0;
let client: { ca: Buffer; cert: Buffer; key: Buffer };
let stranger: { ca: Buffer; cert: Buffer; key: Buffer };

/** The cloud-config as the aws stack renders it, with the real certificates, for a host whose API is on `apiPort`. */
function renderedCloudConfig(apiPort: number): string {
  const certs = join(projectRoot, CERTS_DIR);
  const base64 = (file: string) => readFileSync(join(certs, file)).toString("base64");
  const boot: DockerHostBoot = {
    caPem: base64(CERT_FILES.ca),
    serverPem: base64(CERT_FILES.serverCert),
    serverKeyPem: base64(CERT_FILES.serverKey),
    apiPort,
    dataVolume: { volumeId: "vol-0123456789abcdef0", device: "/dev/xvdf" },
    updates: { reboots: "window", windowStart: "Sun 04:00", windowLength: "1h" },
  };
  return dockerHostCloudConfig(boot, "plain");
}

/**
 * Boots dockerd from `cloudConfig` as a Flatcar host would: files and units through coreos-cloudinit's keys, the
 * flags of Flatcar's docker.service, its daemon.json, and the API socket handed over by systemd. Only the host's
 * paths are moved into a private directory, and the daemon keeps its state there.
 */
async function bootAsFlatcar(name: string, cloudConfig: string): Promise<Daemon> {
  const dir = join(work, name);
  const root = join(dir, "root"); // stands in for the host's file system
  const flatcar = applyAsFlatcar(cloudConfig, root);
  expect(flatcar.tcpPorts).toHaveLength(1);
  // daemon.json names the host's paths; here they live under `root`. Without one dockerd runs on its defaults.
  const config = join(dir, "daemon.json");
  const settings = flatcar.configFile ? JSON.parse(readFileSync(flatcar.configFile, "utf8")) : {};
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value === "string" && value.startsWith("/etc/")) settings[key] = join(root, value);
  }
  writeFileSync(config, JSON.stringify(settings));
  const args = [
    `--listen=127.0.0.1:${flatcar.tcpPorts[0]}`,
    "dockerd",
    ...flatcar.args,
    `--config-file=${config}`,
    "--storage-driver=vfs",
    "--iptables=false",
    "--bridge=none",
    `--data-root=${dir}/data`,
    `--exec-root=${dir}/exec`,
    `--pidfile=${dir}/docker.pid`,
  ];
  // systemd-socket-activate listens, then execs dockerd in its own process on the first connection.
  const d: Daemon = { process: spawn("systemd-socket-activate", args, { stdio: ["ignore", "pipe", "pipe"] }), port: flatcar.tcpPorts[0], log: "" };
  daemons.push(d);
  d.process.stdout!.on("data", (chunk) => (d.log += chunk));
  d.process.stderr!.on("data", (chunk) => (d.log += chunk));
  const started = Date.now();
  while (!/Listening on 127\.0\.0\.1/.test(d.log)) {
    if (d.process.exitCode !== null || Date.now() - started > 30_000) throw new Error(`systemd-socket-activate did not listen:\n${d.log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The first connection starts dockerd; it answers once its API is up (over TLS or not).
  await servesPlainDockerApi("127.0.0.1", d.port);
  while (!/API listen on|Daemon has completed initialization/.test(d.log)) {
    if (d.process.exitCode !== null || Date.now() - started > 60_000) throw new Error(`dockerd did not start:\n${d.log.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return d;
}

beforeAll(async () => {
  // The certificates, made by the same CLI users run.
  rmSync(join(projectRoot, CERTS_DIR), { recursive: true, force: true });
  execFileSync(process.execPath, [join(projectRoot, "dist", "commands", "certs.js"), `--out=${CERTS_DIR}`], {
    cwd: projectRoot,
    // --out is read from where the user typed the command: here, the project.
    env: { ...process.env, INFRA_CONFIG: "", INIT_CWD: projectRoot },
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

  const config = renderedCloudConfig(await freePort());
  expect(cloudConfigProblems(config)).toEqual([]);
  daemon = await bootAsFlatcar("host", config);
  port = daemon.port;
}, 120_000);

afterAll(async () => {
  // Stop every daemon by its process id, pass or fail.
  for (const d of daemons) {
    const pid = d.process.pid;
    if (!pid || d.process.exitCode !== null) continue;
    const exited = new Promise((r) => d.process.once("exit", r));
    process.kill(pid, "SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
    clearTimeout(timer);
    if (d.process.exitCode === null) process.kill(pid, "SIGKILL");
  }
  rmSync(work, { recursive: true, force: true });
  rmSync(join(projectRoot, ".tls-test"), { recursive: true, force: true });
}, 60_000);

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

/** A request to the Engine API at HOST over mutual TLS with the DockerStack's credentials; JSON in and out. */
function engine(method: string, path: string, body?: Buffer | object): Promise<{ status?: number; json: any }> {
  return new Promise((resolveCall, reject) => {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const req = request(
      {
        host: HOST,
        port,
        path,
        method,
        ...client,
        headers: payload ? { "Content-Type": Buffer.isBuffer(body) ? "application/x-tar" : "application/json" } : {},
        lookup: (_name, options, callback) =>
          (options as { all?: boolean }).all
            ? (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: "127.0.0.1", family: 4 }])
            : callback(null, "127.0.0.1", 4),
        timeout: 30_000,
        agent: false,
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => {
          const last = text.trim().split("\n").pop() ?? "";
          resolveCall({ status: res.statusCode, json: last.startsWith("{") || last.startsWith("[") ? JSON.parse(last) : text });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
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

test("the API port does not answer in plain HTTP", async () => {
  await expect(servesPlainDockerApi("127.0.0.1", port)).resolves.toBe(false);
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
    withHostName([process.execPath, join(projectRoot, "dist", "deploy", "wait-for-docker.js"), ...args]);

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
      "--admin-cidrs=198.51.100.0/24",
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/did not answer over TLS within 2 s \(last error: ECONNREFUSED.*dockerHost\.adminCidrs \(198\.51\.100\.0\/24\)/);
  });
});

describe("a boot configuration whose TLS settings Flatcar ignores", () => {
  // The form shipped before: DOCKER_OPTS in a `drop-ins` drop-in, which coreos-cloudinit has not read since 2024.
  const legacy = (apiPort: number) =>
    renderedCloudConfig(apiPort)
      .replace(/^  - path: \/etc\/docker\/daemon\.json\n(    .*\n|      .*\n)+/m, "")
      .replace(
        "    - name: docker.service\n      command: restart\n",
        "    - name: docker.service\n      command: restart\n      drop-ins:\n        - name: 10-tls-verify.conf\n          content: |\n            [Service]\n            Environment=\"DOCKER_OPTS=--tlsverify --tlscacert=/etc/docker/ca.pem --tlscert=/etc/docker/server.pem --tlskey=/etc/docker/server-key.pem\"\n",
      );

  test("is refused by the contract, and served by dockerd in plain HTTP; the gate stops at once, saying so", async () => {
    const config = legacy(await freePort());
    expect(parse(config).write_files.map((f: { path: string }) => f.path)).not.toContain("/etc/docker/daemon.json");
    expect(cloudConfigProblems(config)).toContainEqual(expect.stringMatching(/drop-ins: not a key of Unit.*"drop_ins"/));
    const plain = await bootAsFlatcar("legacy", config);
    await expect(servesPlainDockerApi("127.0.0.1", plain.port)).resolves.toBe(true);
    const started = Date.now();
    const result = withHostName([
      process.execPath,
      join(projectRoot, "dist", "deploy", "wait-for-docker.js"),
      `--host=${HOST}`,
      `--port=${plain.port}`,
      `--certs=${join(projectRoot, CERTS_DIR)}`,
      "--timeout=600",
      "--admin-cidrs=198.51.100.0/24",
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/answers in plain HTTP: not serving TLS: the host's boot configuration did not apply/);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 120_000);
});

describe("no drift: what the provider reads back from a container made with the stack's settings", () => {
  const MiB = 1024 * 1024;
  const seconds = (ns: number) => ns / 1e9;

  test("equals what the docker stack declares", async () => {
    const declared = only(synthesize(buildStacks().docker).json, "docker_container");
    const image = only(synthesize(buildStacks().docker).json, "docker_image").name as string;
    // A one-file image under the stack's image name (nothing can be pulled here).
    const layer = mkdtempSync(join(work, "layer-"));
    writeFileSync(join(layer, "hello"), "hello\n");
    const tar = spawnSync("tar", ["-C", layer, "-cf", "-", "."]).stdout;
    const [repo, tag] = image.split(":");
    expect((await engine("POST", `/images/create?fromSrc=-&repo=${repo}&tag=${tag}`, tar)).status).toBe(200);

    // The create request as kreuzwerker/docker 3.6.2 builds it: MiB times 1024², durations through Go's
    // time.ParseDuration (whole seconds here), nothing for what is unset.
    const hc = declared.healthcheck;
    const parseSeconds = (d: string) => {
      const m = /^(?:(\d+)h)?(?:(\d+)m)?(\d+)s$/.exec(d);
      if (!m) throw new Error(`not a duration the stack writes: ${d}`);
      return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3])) * 1e9;
    };
    const created = await engine("POST", `/containers/create?name=${declared.name}`, {
      Image: image,
      Hostname: declared.hostname,
      Env: declared.env,
      Cmd: ["/hello"],
      Healthcheck: {
        Test: hc.test,
        Interval: parseSeconds(hc.interval),
        Timeout: parseSeconds(hc.timeout),
        StartPeriod: parseSeconds(hc.start_period),
        Retries: hc.retries,
      },
      HostConfig: {
        Memory: declared.memory * MiB,
        MemorySwap: declared.memory_swap * MiB,
        RestartPolicy: { Name: declared.restart },
        LogConfig: { Type: declared.log_driver, Config: declared.log_opts },
      },
    });
    expect(created.status).toBe(201);
    const info = (await engine("GET", "/info")).json;
    const inspect = (await engine("GET", `/containers/${declared.name}/json`)).json;

    // resourceDockerContainerRead of 3.6.2, field by field.
    const read = {
      memory: inspect.HostConfig.Memory / MiB,
      memory_swap: inspect.HostConfig.MemorySwap > 0 ? inspect.HostConfig.MemorySwap / MiB : inspect.HostConfig.MemorySwap,
      hostname: inspect.Config.Hostname,
      restart: inspect.HostConfig.RestartPolicy.Name,
      log_driver: inspect.HostConfig.LogConfig.Type,
      log_opts: inspect.HostConfig.LogConfig.Config,
      healthcheck: {
        test: inspect.Config.Healthcheck.Test,
        interval: goDuration(seconds(inspect.Config.Healthcheck.Interval)),
        timeout: goDuration(seconds(inspect.Config.Healthcheck.Timeout)),
        start_period: goDuration(seconds(inspect.Config.Healthcheck.StartPeriod)),
        retries: inspect.Config.Healthcheck.Retries,
      },
    };
    // Without swap accounting in the kernel (cgroup v1 without memsw, as on some CI machines) the daemon drops
    // any swap limit to -1 and says so; Flatcar's cgroup v2 accounts swap, and there the limit must hold as written.
    const swap = info.SwapLimit ? declared.memory_swap : -1;
    if (!info.SwapLimit) expect(created.json.Warnings.join(" ")).toMatch(/swap limit/i);
    expect(read).toEqual({
      memory: declared.memory,
      memory_swap: swap,
      hostname: declared.hostname,
      restart: declared.restart,
      log_driver: declared.log_driver,
      log_opts: declared.log_opts,
      healthcheck: { test: hc.test, interval: hc.interval, timeout: hc.timeout, start_period: hc.start_period, retries: hc.retries },
    });
  }, 60_000);
});
