// A stand-in for the Docker API's TLS port: certificates for localhost, as `npm run certs` makes them, and an HTTPS
// server on 127.0.0.1 that, like dockerd with --tlsverify, only talks to clients holding a certificate of its CA.
import { mkdtempSync, readFileSync } from "node:fs";
import { type RequestListener } from "node:http";
import { type Server, createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CERT_FILES } from "../../constructs/docker-tls";
import { ensureCertificates } from "../../commands/certs";

/** Makes the certificates in a new directory and starts the server on a free port, answering with `handler`. */
export async function mutualTlsServer(handler: RequestListener): Promise<{ certs: string; server: Server; port: number }> {
  const certs = join(mkdtempSync(join(tmpdir(), "gate-")), "certs");
  await ensureCertificates({ dir: certs, serverNames: ["localhost"] });
  const file = (f: string) => readFileSync(join(certs, f));
  const server = createServer(
    { cert: file(CERT_FILES.serverCert), key: file(CERT_FILES.serverKey), ca: file(CERT_FILES.ca), requestCert: true, rejectUnauthorized: true },
    handler,
  ).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return { certs, server, port: (server.address() as { port: number }).port };
}
