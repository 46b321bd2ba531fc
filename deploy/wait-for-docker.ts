// The deploy-time readiness gate of the Docker host, run by Terraform (local-exec) in the aws stack: waits until
// the Docker API answers GET /_ping with OK over mutual TLS. What waiting cannot fix (bad arguments, client
// certificates that cannot work, a host without TLS or that answers without a client certificate, a server
// certificate that does not verify) stops it at once; what a booting host shows (a closed port, a name not yet in
// DNS) is waited through, and named if it lasts.
import { readFileSync } from "node:fs";
import { request as plainRequest } from "node:http";
import { request } from "node:https";
import { isIP, isIPv4 } from "node:net";
import { join } from "node:path";
import { CERT_FILES, CERT_FIXES, type CertFile, checkCa, fixOf, leafProblem, missingFiles } from "../constructs/docker-tls";
import { isNetworkAddress } from "../settings/cidr";
import { escapeInvisible } from "../settings/errors";
import { startedAs } from "../settings/paths";
import { type CommandSpec, UsageError, integerOption, runCommand } from "../commands/cli";

export interface WaitOptions {
  readonly host: string;
  readonly port: number;
  /** Directory with ca.pem, cert.pem and key.pem. */
  readonly certs: string;
  readonly timeoutSeconds: number;
  /** Who may connect (dockerHost.adminCidrs), comma-separated; "none" when nobody may, which stops the gate at once. */
  readonly adminCidrs?: string;
  readonly intervalMs?: number;
}

export type WaitResult = { ok: true; seconds: number } | { ok: false; message: string };

const CLIENT_REFUSED = { name: "client certificate refused", meaning: "the host trusts another CA: it booted with other certificates than these" };

/** What the errors a booting host gives mean; waiting may get past each of them. */
const TRANSIENT_ERRORS: Record<string, { readonly name: string; readonly meaning: string }> = {
  ECONNREFUSED: { name: "connection refused", meaning: "the port is closed: dockerd not up yet, or not listening on this port" },
  ENOTFOUND: { name: "name not found", meaning: "the name is not in DNS: a new record takes a minute or two, a wrong name never appears" },
  EAI_AGAIN: { name: "name lookup failed", meaning: "the DNS resolver did not answer: a record not yet served, or no DNS on this machine" },
  ETIMEDOUT: {
    name: "no answer",
    meaning: "packets are dropped: the instance still booting, or a security group that does not admit the address you deploy from",
  },
  ECONNRESET: { name: "connection reset", meaning: "the host hung up: dockerd starting, or refusing our client certificate" },
  EHOSTUNREACH: { name: "host unreachable", meaning: "no route to the address: the instance not up yet, or a network problem on this side" },
  ENETUNREACH: { name: "network unreachable", meaning: "this machine has no route to that network" },
  ANSWER_UNFINISHED: { name: "an answer that did not end", meaning: "the port sends slowly or without end: not dockerd, or a congested link" },
  NO_PING_ANSWER: {
    name: "no answer to /_ping over TLS",
    meaning: "the host took the client certificate but did not answer the request: dockerd starting, or something other than dockerd on the port",
  },
  // A host being replaced may still answer with the old one's CA for a while.
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: CLIENT_REFUSED,
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: CLIENT_REFUSED,
  // dockerd (Go's crypto/tls) answers so for a client certificate outside its validity by the host's clock, which
  // may be wrong until it has synchronized after boot; this machine's checks found the certificate valid by its own.
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: {
    name: "client certificate refused as expired or not yet valid",
    meaning: "the host's clock and this machine's disagree: the host's may not be set yet after boot, or one of them is wrong",
  },
};

/** OpenSSL's words for a server whose first bytes are not TLS. */
const WITHOUT_TLS = new Set(["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PACKET_LENGTH_TOO_LONG", "ERR_SSL_UNKNOWN_PROTOCOL"]);

/** Errors after which asking in plain HTTP cannot tell more: no connection, a silent port, or one that spoke TLS. */
const NO_PLAIN_ANSWER = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ANSWER_UNFINISHED", "NO_PING_ANSWER"]);

/** Errors of an attempt that ran out of time: the gate's own limits. */
const TIMED_OUT = new Set(["ETIMEDOUT", "ANSWER_UNFINISHED", "NO_PING_ANSWER"]);

/** The longest a single attempt (or plain-HTTP probe) takes, when the deadline is further away. */
const ATTEMPT_MS = 5000;

/** Certificate errors do not go away by waiting: they stop the gate at once. */
const VERIFICATION_ERRORS = new Set([
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_SIGNATURE_FAILURE",
  "CERT_HAS_EXPIRED",
  // What Node names no better: OpenSSL's other verification errors ("CA signature digest algorithm too weak",
  // "unhandled critical extension", "permitted subtree violation"). A host's certificate stays what it booted with.
  "UNSPECIFIED",
]);

/** What a TLS error that waiting cannot fix means, in the gate's last words; undefined for any other error. */
function tlsRefusal(code: string | undefined, reason: string, endpoint: string, clientCert: string): string | undefined {
  const rotate = "Run `npm run certs -- --rotate` and deploy again.";
  switch (code) {
    case "CERT_NOT_YET_VALID":
      return (
        `the Docker API at ${endpoint} presented a certificate that is not valid yet (${code}: ${reason}): it was ` +
        `made on a machine whose clock was ahead, or this machine's clock (${new Date().toISOString()}) is behind. ` +
        "Set the clock right or, if it is right, run `npm run certs -- --rotate` and deploy again."
      );
    case "INVALID_PURPOSE":
      return (
        `the Docker API at ${endpoint} presented a certificate that is not for a TLS server (${code}: ${reason}): ` +
        `its key usage or extended key usage does not allow a server (digitalSignature, serverAuth), as those ` +
        `\`npm run certs\` makes do. ${rotate}`
      );
    case "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION":
    case "ERR_SSL_UNSUPPORTED_PROTOCOL":
      // The server offers no TLS version this client takes (1.2 and 1.3, as the Docker client): dockerd, under the
      // host's boot configuration, offers both from its first answer, so another server holds the port.
      return (
        `the server at ${endpoint} speaks no TLS version the Docker client takes (${code}: ${reason}): it offers only ` +
        "versions older than TLS 1.2, which dockerd, as the host boots it, never does, and waiting will not change " +
        "that. Check that the host is the Docker host and the port its dockerHost.apiPort, and that nothing else listens on that port."
      );
    case "ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE":
      // The server's verdict on our certificate, for a reason the checks of the files did not see.
      return (
        `the Docker API at ${endpoint} refused the client certificate ${clientCert} as unsuitable (TLS alert ` +
        '"unsupported certificate"): its key usage or extended key usage does not allow a TLS client ' +
        `(digitalSignature, clientAuth), as those \`npm run certs\` makes do. ${rotate}`
      );
  }
  if (code && VERIFICATION_ERRORS.has(code)) {
    return (
      `the Docker API at ${endpoint} presented a certificate that does not verify (${code}: ${reason}). ` +
      "The host's and the client's certificates must come from one `npm run certs`; after changing the " +
      "region or dockerHost.dns, run `npm run certs -- --rotate` and deploy again."
    );
  }
  return undefined;
}

export async function waitForDocker(options: WaitOptions): Promise<WaitResult> {
  const endpoint = `tcp://${options.host}:${options.port}`;
  if (options.adminCidrs === "none" || options.adminCidrs === "") {
    return {
      ok: false,
      message:
        `dockerHost.adminCidrs is empty, so the Docker API at ${endpoint} admits nobody and waiting cannot help. ` +
        "Add the address range you deploy from to dockerHost.adminCidrs (INFRA_CONFIG) and deploy again.",
    };
  }
  const used: CertFile[] = ["ca", "clientCert", "clientKey"];
  // A directory this user may not search hides the files: that is the message, not "missing".
  const checked: CertFile[] = [...used, "serverCert", "serverKey"];
  const looked = missingFiles(options.certs, checked, options.certs);
  if (looked.problem !== undefined) {
    return { ok: false, message: `the certificates in ${options.certs} cannot be used: ${looked.problem}: ${fixOf(looked, CERT_FIXES.make)}, then deploy again.` };
  }
  const missing = used.filter((f) => looked.value.includes(f));
  if (missing.length > 0) {
    // Without ca.pem beside other files, npm run certs makes nothing until told to start over (they go to a backup).
    const startOver = missing.includes("ca") && checked.some((f) => !looked.value.includes(f));
    const fix = startOver ? "npm run certs -- --rotate-ca" : "npm run certs";
    return { ok: false, message: `no client certificate: ${missing.map((f) => join(options.certs, CERT_FILES[f])).join(", ")} missing. Run \`${fix}\` first.` };
  }
  // Files that cannot work never will: the client would wait out the whole timeout for nothing.
  const ca = checkCa(options.certs, { label: options.certs });
  const unusable =
    ca.problem !== undefined
      ? ca.problem
      : leafProblem(options.certs, "client", ca.value, [], { label: options.certs });
  if (unusable) return { ok: false, message: `the certificates in ${options.certs} cannot be used: ${unusable}, then deploy again.` };
  const [caPem, cert, key] = used.map((f) => readFileSync(join(options.certs, CERT_FILES[f])));
  const started = Date.now();
  const deadline = started + options.timeoutSeconds * 1000;
  let lastError = "no attempt yet";
  const seen = new Map<string, { count: number; name: string; meaning?: string }>();
  const saw = (kind: string, name: string, meaning?: string) => {
    const entry = seen.get(kind) ?? { count: 0, name, meaning };
    entry.count += 1;
    seen.set(kind, entry);
  };
  // Every attempt, probe and pause ends by the deadline, so the gate does not wait past its timeout; only the check
  // without a client certificate that follows an OK may take up to ATTEMPT_MS more, to finish what the OK began.
  for (let left = options.timeoutSeconds * 1000; left > 0; left = deadline - Date.now()) {
    const limitMs = Math.min(ATTEMPT_MS, left);
    try {
      const body = await ping(options.host, options.port, { ca: caPem, cert, key }, limitMs);
      if (body === "OK") {
        // Mutual TLS means a client without a certificate is turned away. dockerd with TLS but without --tlsverify
        // answers anyone: as exposed as plain HTTP, and as little fixed by waiting.
        if (await answersWithoutCertificate(options.host, options.port, caPem)) {
          return {
            ok: false,
            message:
              `the Docker API at ${endpoint} answers GET /_ping without a client certificate: it serves TLS but does not ` +
              `verify clients, so anyone in dockerHost.adminCidrs (${options.adminCidrs ?? "?"}) can control the host ` +
              "without a certificate: the host's boot configuration did not apply as written (dockerd needs " +
              "--tlsverify). Stop the instance now, then read its system log (EC2 console: Monitor and troubleshoot, " +
              "Get system log).",
          };
        }
        return { ok: true, seconds: Math.round((Date.now() - started) / 1000) };
      }
      lastError = `/_ping answered ${JSON.stringify(body.slice(0, 80))}`;
      saw("answer", "an answer other than OK", "something other than dockerd serves this port");
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const code = errorCode(e);
      const firstLine = e.message.split("\n")[0].trim();
      const refusal = tlsRefusal(code, firstLine, endpoint, join(options.certs, CERT_FILES.clientCert));
      if (refusal) return { ok: false, message: refusal };
      // The deadline cut this attempt short ("no answer within 0.0 s"): that says nothing of the host, so the last
      // error stays the one a whole attempt met.
      if (limitMs < ATTEMPT_MS && TIMED_OUT.has(code ?? "") && seen.size > 0) break;
      lastError = code ? `${code}: ${firstLine}` : firstLine;
      const known = code ? TRANSIENT_ERRORS[code] : undefined;
      saw(code ?? firstLine, known?.name ?? code ?? firstLine, known ? known.meaning : code && firstLine);
      // A port that answers without TLS will not start to speak it: whatever serves it, waiting cannot help.
      const notTls = WITHOUT_TLS.has(code ?? "");
      const probeMs = Math.min(ATTEMPT_MS, deadline - Date.now());
      if (notTls || !NO_PLAIN_ANSWER.has(code ?? "")) {
        const plain = probeMs > 0 ? await plainAnswer(options.host, options.port, probeMs) : undefined;
        // A daemon that never got its TLS settings answers /_ping in plain HTTP: that is a broken boot, not a slow one.
        if (plain?.dockerApi) {
          return {
            ok: false,
            message:
              `the Docker API at ${endpoint} answers in plain HTTP: not serving TLS: the host's boot configuration did ` +
              `not apply. Anyone in dockerHost.adminCidrs (${options.adminCidrs ?? "?"}) can control the host without a ` +
              "certificate: stop the instance now, then read its system log (EC2 console: Monitor and troubleshoot, " +
              "Get system log) for coreos-cloudinit's errors.",
          };
        }
        if (notTls) {
          const what =
            plain?.status !== undefined
              ? `plain HTTP: GET /_ping answered ${plain.status}`
              : plain
                ? `neither TLS nor HTTP: it sent "${escapeInvisible(plain.firstBytes)}"`
                : "its first bytes are not TLS, and it sent nothing to a plain HTTP request";
          return {
            ok: false,
            message:
              `port ${options.port} of ${options.host} answers without TLS (${what}), so it is not the Docker API ` +
              `with TLS, and waiting will not make it one. Check that ${options.host} is the Docker host and ${options.port} ` +
              "its dockerHost.apiPort, and that nothing else listens on that port.",
          };
        }
      }
    }
    const pause = Math.min(options.intervalMs ?? 5000, deadline - Date.now());
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return {
    ok: false,
    message:
      `the Docker API at ${endpoint} did not answer over TLS within ${options.timeoutSeconds} s (last error: ${lastError}; ` +
      `saw: ${[...seen.values()]
        .sort((a, b) => b.count - a.count)
        .map((s) => `${s.name} ×${s.count}${s.meaning ? ` (${s.meaning})` : ""}`)
        .join(", ")}). ` +
      `Check that dockerHost.adminCidrs (${options.adminCidrs ?? "?"}) contains the address you deploy from, ` +
      "and read the host's boot log (EC2 console: Monitor and troubleshoot, Get system log).",
  };
}

/**
 * Whether `host:port` answers GET /_ping without TLS as the Docker API does (200, or its Api-Version header),
 * within `timeoutMs`. A TLS server answers plain HTTP with a 400 of its own, and a closed or silent port not at all.
 */
export async function servesPlainDockerApi(host: string, port: number, timeoutMs = ATTEMPT_MS): Promise<boolean> {
  return (await plainAnswer(host, port, timeoutMs))?.dockerApi ?? false;
}

/** What `host:port` answered to GET /_ping in plain HTTP: an HTTP status, or the first bytes of something else. */
type PlainAnswer = { status: number; dockerApi: boolean } | { status?: undefined; dockerApi?: undefined; firstBytes: string };

/** How many bytes of an answer that is not HTTP are kept, to be shown. */
const FIRST_BYTES = 40;

/** How `host:port` answers GET /_ping in plain HTTP within `timeoutMs`, or undefined when it sends nothing. */
function plainAnswer(host: string, port: number, timeoutMs: number): Promise<PlainAnswer | undefined> {
  return new Promise((resolve) => {
    let firstBytes = "";
    const settle = (answer?: PlainAnswer) => {
      clearTimeout(timer);
      resolve(answer ?? (firstBytes ? { firstBytes } : undefined));
      req.destroy();
    };
    // The status line and headers are all it reads: the body could take as long as the server likes.
    const req = plainRequest({ host, port, path: "/_ping", method: "GET", agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      settle({ status, dockerApi: status === 200 || res.headers["api-version"] !== undefined });
    });
    // What else serves the port (an SSH greeting) is named by what it sent: kept before the HTTP parser, which
    // fails on it, sees it.
    req.on("socket", (socket) =>
      socket.prependListener("data", (chunk: Buffer) => {
        if (firstBytes.length < FIRST_BYTES) firstBytes = (firstBytes + chunk.toString("latin1")).slice(0, FIRST_BYTES);
      }),
    );
    const timer = setTimeout(() => settle(), timeoutMs);
    req.on("error", () => settle());
    req.end();
  });
}

/**
 * The error's code. During the handshake Node gives EPROTO for every OpenSSL error, with the reason in the message
 * only: the code is then the one Node gives the same reason elsewhere (ERR_SSL_ and the reason, "wrong version
 * number" as ERR_SSL_WRONG_VERSION_NUMBER), so that each reason is named and judged alike.
 */
function errorCode(error: NodeJS.ErrnoException): string | undefined {
  const reason = error.code === "EPROTO" ? /SSL routines:[^:]*:([^:]+):/.exec(error.message)?.[1] : undefined;
  return reason ? `ERR_SSL_${reason.toUpperCase().replace(/ /g, "_")}` : error.code;
}

/** How much of an answer to /_ping is read, in characters: dockerd answers "OK", so a longer one is something else. */
const MAX_ANSWER_LENGTH = 4096;

/**
 * Whether the server, having answered with the client certificate, also answers GET /_ping without one. A refused
 * handshake, a reset or no answer within ATTEMPT_MS all count as no: only an answer proves clients go unverified.
 */
async function answersWithoutCertificate(host: string, port: number, ca: Buffer): Promise<boolean> {
  try {
    await ping(host, port, { ca }, ATTEMPT_MS);
    return true;
  } catch {
    return false;
  }
}

/**
 * GET /_ping with the client certificate (or, to test that the server asks for one, without), verifying the server
 * against the CA and `host`: the answer, or an error once `timeoutMs` has passed, however slowly the server sends it.
 */
function ping(host: string, port: number, tls: { ca: Buffer; cert?: Buffer; key?: Buffer }, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // SNI carries host names only (RFC 6066); the certificate is still checked against an IP address.
    const servername = isIP(host) ? undefined : host;
    let answered = false;
    // Whether the TLS handshake completed: a silence after it is the server's, not the network's.
    let secured = false;
    const settle = (settled: () => void) => {
      clearTimeout(timer);
      settled();
      req.destroy();
    };
    const req = request({ host, port, path: "/_ping", method: "GET", ...tls, servername, agent: false }, (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
        if (body.length > MAX_ANSWER_LENGTH) settle(() => resolve(body));
      });
      res.on("end", () => settle(() => resolve(body)));
      res.on("error", (error) => settle(() => reject(error)));
    });
    // A socket timeout counts idle time only: a server that sends a byte now and then would hold it forever.
    const timer = setTimeout(() => {
      const seconds = (timeoutMs / 1000).toFixed(1);
      const error = answered
        ? Object.assign(new Error(`the answer to /_ping did not end within ${seconds} s`), { code: "ANSWER_UNFINISHED" })
        : secured
          ? Object.assign(new Error(`no answer to GET /_ping within ${seconds} s, over TLS set up with the client certificate`), { code: "NO_PING_ANSWER" })
          : Object.assign(new Error(`no answer within ${seconds} s`), { code: "ETIMEDOUT" });
      settle(() => reject(error));
    }, timeoutMs);
    req.on("socket", (socket) => socket.once("secureConnect", () => (secured = true)));
    req.on("error", (error) => settle(() => reject(error)));
    req.end();
  });
}

export const USAGE = `usage: wait-for-docker --host=NAME [--port=2376] [--certs=DIR] [--timeout=SECONDS] [--admin-cidrs=LIST|none]

Waits until the Docker API at tcp://NAME:PORT answers GET /_ping with OK over mutual TLS, using ca.pem, cert.pem
and key.pem in DIR. Deploy runs it (Terraform local-exec) between the Docker host and the docker stack. It stops
at once on what waiting cannot fix, and after SECONDS names the errors it saw and what each means.
  --host=NAME          the host's DNS name or IP address
  --port=PORT          the API's port, 1 to 65535 (default 2376)
  --certs=DIR          the client certificates, from the current directory (default certs)
  --timeout=SECONDS    how long to wait, 1 to 86400 (default 600)
  --admin-cidrs=LIST   dockerHost.adminCidrs, IPv4 blocks joined by commas, for the messages; none stops at once
  -h, --help           this text`;

const COMMAND = {
  name: "wait-for-docker",
  usage: USAGE,
  options: {
    host: { type: "string" },
    port: { type: "string", default: "2376" },
    certs: { type: "string", default: "certs" },
    timeout: { type: "string", default: "600" },
    "admin-cidrs": { type: "string" },
  },
} as const satisfies CommandSpec<Record<string, { type: "string"; default?: string }>>;

/** A DNS name (labels of letters, digits, hyphens and underscores) or an IP address, bracketed or not. */
function hostName(value: string): string {
  const bare = value.replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare)) return bare;
  const label = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;
  const labels = value.replace(/\.$/, "").split(".");
  // Digits and dots that are not an IPv4 address (1.2.3, 256.1.1.1) are no name: resolvers read 1.2.3 as 1.2.0.3.
  const numeric = labels.every((l) => /^\d+$/.test(l));
  if (value.length <= 253 && !numeric && labels.every((l) => label.test(l))) return value;
  throw new UsageError(`--host=${value}: expected a DNS name or an IP address`);
}

/**
 * Ends the process half a second from now if it is still running: a name lookup cannot be cancelled, and one that
 * waits for a slow resolver would keep it alive after its answer, past its timeout.
 */
function exitSoon(): void {
  setTimeout(() => process.exit(), 500).unref();
}

/**
 * dockerHost.adminCidrs as the aws stack passes it: its IPv4 CIDR blocks joined by commas, or none. The messages
 * echo it, so anything else is refused rather than shown as the ranges the host admits.
 */
function adminCidrs(value: string): string {
  const block = (b: string) => {
    const [address, prefix, ...rest] = b.split("/");
    // As the settings hold them: a network address, no bits set past the prefix (10.0.0.0/16, not 10.0.0.1/16).
    return rest.length === 0 && isIPv4(address) && /^(0|[1-9]\d?)$/.test(prefix ?? "") && Number(prefix) <= 32 && isNetworkAddress(b);
  };
  if (value === "none" || value.split(",").every(block)) return value;
  throw new UsageError(`--admin-cidrs=${escapeInvisible(value)}: expected none or IPv4 CIDR blocks (network addresses) joined by commas, such as 203.0.113.0/24,198.51.100.7/32`);
}

async function gate(values: Record<string, string | undefined>, args: readonly string[]): Promise<number> {
  if (values.host === undefined) {
    // Run bare, it says how to run it.
    if (args.length === 0) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    throw new UsageError("--host=NAME is required");
  }
  const host = hostName(values.host);
  const port = integerOption("port", values.port!, 1, 65_535);
  const timeoutSeconds = integerOption("timeout", values.timeout!, 1, 86_400, "seconds");
  const cidrs = values["admin-cidrs"] === undefined ? undefined : adminCidrs(values["admin-cidrs"]);
  process.stdout.write(`waiting for the Docker API at tcp://${values.host}:${port} (up to ${timeoutSeconds} s)\n`);
  const result = await waitForDocker({ host, port, certs: values.certs!, timeoutSeconds, adminCidrs: cidrs });
  if (result.ok) {
    process.stdout.write(`the Docker API answers over mutual TLS (after ${result.seconds} s)\n`);
    exitSoon();
    return 0;
  }
  process.stderr.write(`Docker host not ready: ${result.message}\n`);
  exitSoon();
  return 1;
}

if (startedAs("wait-for-docker")) {
  const args = process.argv.slice(2);
  runCommand(COMMAND, ({ values }) => gate(values, args), args);
}
