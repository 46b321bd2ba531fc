// The deploy-time readiness gate of the Docker host, run by Terraform (local-exec) in the aws stack: waits until
// the Docker API answers GET /_ping with OK over mutual TLS, and fails with a message that says what to check.
import { existsSync, readFileSync } from "node:fs";
import { request as plainRequest } from "node:http";
import { request } from "node:https";
import { isIP } from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CERT_FILES } from "../constructs/docker-tls";
import { startedAs } from "../settings/paths";

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

/** Certificate errors do not go away by waiting: they stop the gate at once. */
const VERIFICATION_ERRORS = new Set([
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_SIGNATURE_FAILURE",
  "CERT_HAS_EXPIRED",
]);

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
  const files = [CERT_FILES.ca, CERT_FILES.clientCert, CERT_FILES.clientKey].map((f) => join(options.certs, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    return { ok: false, message: `no client certificate: ${missing.join(", ")} missing. Run \`npm run certs\` first.` };
  }
  const [ca, cert, key] = files.map((f) => readFileSync(f));
  const started = Date.now();
  const deadline = started + options.timeoutSeconds * 1000;
  let lastError = "no attempt yet";
  for (;;) {
    try {
      const body = await ping(options.host, options.port, { ca, cert, key });
      if (body === "OK") return { ok: true, seconds: Math.round((Date.now() - started) / 1000) };
      lastError = `/_ping answered ${JSON.stringify(body.slice(0, 80))}`;
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code && VERIFICATION_ERRORS.has(e.code)) {
        return {
          ok: false,
          message:
            `the Docker API at ${endpoint} presented a certificate that does not verify (${e.code}: ${e.message}). ` +
            "The host's and the client's certificates must come from one `npm run certs`; after changing the " +
            "region or dockerHost.dns, run `npm run certs -- --rotate` and deploy again.",
        };
      }
      lastError = e.code ? `${e.code}: ${e.message}` : e.message;
      // A daemon that never got its TLS settings answers /_ping in plain HTTP: that is a broken boot, not a slow one.
      if (await servesPlainDockerApi(options.host, options.port)) {
        return {
          ok: false,
          message:
            `the Docker API at ${endpoint} answers in plain HTTP: not serving TLS: the host's boot configuration did ` +
            `not apply. Anyone in dockerHost.adminCidrs (${options.adminCidrs ?? "?"}) can control the host without a ` +
            "certificate: stop the instance now, then read its system log (EC2 console: Monitor and troubleshoot, " +
            "Get system log) for coreos-cloudinit's errors.",
        };
      }
    }
    if (Date.now() >= deadline) {
      return {
        ok: false,
        message:
          `the Docker API at ${endpoint} did not answer over TLS within ${options.timeoutSeconds} s (last error: ${lastError}). ` +
          `Check that dockerHost.adminCidrs (${options.adminCidrs ?? "?"}) contains the address you deploy from, ` +
          "and read the host's boot log (EC2 console: Monitor and troubleshoot, Get system log).",
      };
    }
    const pause = Math.min(options.intervalMs ?? 5000, deadline - Date.now());
    await new Promise((resolve) => setTimeout(resolve, Math.max(pause, 0)));
  }
}

/**
 * Whether `host:port` answers GET /_ping without TLS as the Docker API does (200, or its Api-Version header).
 * A TLS server answers plain HTTP with a 400 of its own, and a closed or silent port not at all.
 */
export function servesPlainDockerApi(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = plainRequest({ host, port, path: "/_ping", method: "GET", timeout: 5000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 || res.headers["api-version"] !== undefined);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** GET /_ping with the client certificate, verifying the server against the CA and `host`. */
function ping(host: string, port: number, tls: { ca: Buffer; cert: Buffer; key: Buffer }): Promise<string> {
  return new Promise((resolve, reject) => {
    // SNI carries host names only (RFC 6066); the certificate is still checked against an IP address.
    const servername = isIP(host) ? undefined : host;
    const options = { host, port, path: "/_ping", method: "GET", ...tls, servername, timeout: 5000, agent: false };
    const req = request(options, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("no answer within 5 s"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}

async function cli(): Promise<number> {
  const { values } = parseArgs({
    options: {
      host: { type: "string" },
      port: { type: "string", default: "2376" },
      certs: { type: "string", default: "certs" },
      timeout: { type: "string", default: "600" },
      "admin-cidrs": { type: "string" },
    },
  });
  if (!values.host) {
    process.stderr.write("usage: wait-for-docker --host=NAME [--port=2376] [--certs=DIR] [--timeout=SECONDS] [--admin-cidrs=LIST|none]\n");
    return 2;
  }
  process.stdout.write(`waiting for the Docker API at tcp://${values.host}:${values.port} (up to ${values.timeout} s)\n`);
  const result = await waitForDocker({
    host: values.host,
    port: Number(values.port),
    certs: values.certs,
    timeoutSeconds: Number(values.timeout),
    adminCidrs: values["admin-cidrs"],
  });
  if (result.ok) {
    process.stdout.write(`the Docker API answers over mutual TLS (after ${result.seconds} s)\n`);
    return 0;
  }
  process.stderr.write(`Docker host not ready: ${result.message}\n`);
  return 1;
}

if (startedAs("wait-for-docker")) {
  cli().then((code) => (process.exitCode = code));
}
