// The Docker API's certificates as the two ends of its TLS check them when they meet, before a host is made with
// them: a handshake between a server holding server.pem and a client holding cert.pem, both trusting only ca.pem,
// in memory (no port is opened). OpenSSL, as Node's TLS runs it, is the readiness gate's own verifier, and it refuses
// what the file checks of constructs/docker-tls.ts do not read: a critical extension it does not handle, a name
// outside the CA's name constraints, a key usage not meant for the side, an authority key identifier that is not
// the CA's. Go's crypto/x509, in dockerd and the Docker client, refuses the first two as well; the client's
// certificate, which only dockerd verifies, is held to those alone.
import { Duplex } from "node:stream";
import { type TLSSocket, connect, createServer } from "node:tls";

/** The PEM texts of a set, as the Docker client and dockerd load them. */
export interface TlsSet {
  readonly ca: Buffer;
  readonly serverCert: Buffer;
  readonly serverKey: Buffer;
  readonly clientCert: Buffer;
  readonly clientKey: Buffer;
}

/** The set from the files of a certificates directory, each read by `read` (from disk, or as about to be written). */
export function tlsSetOf(read: (file: "ca" | "serverCert" | "serverKey" | "clientCert" | "clientKey") => Buffer): TlsSet {
  return { ca: read("ca"), serverCert: read("serverCert"), serverKey: read("serverKey"), clientCert: read("clientCert"), clientKey: read("clientKey") };
}

/** Which side's certificate TLS refused, and why: OpenSSL's code and words. */
export interface Refusal {
  readonly side: "server" | "client";
  readonly code: string;
  readonly reason: string;
}

/** The verdicts on time: their own checks, which allow a clock ahead by minutes, judge them instead. */
const ON_TIME = new Set(["CERT_NOT_YET_VALID", "CERT_HAS_EXPIRED"]);

/**
 * What a refusal means, by OpenSSL's code: added to OpenSSL's words, which Node gives only for the client's verdict
 * on the server (the server's verdict on the client comes as a code alone).
 */
const MEANINGS: Record<string, (side: "server" | "client") => string> = {
  INVALID_PURPOSE: (side) => `its key usage or extended key usage is not for a TLS ${side}`,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: () => "OpenSSL finds no issuer for it in the CA file: its issuer's name or authority key identifier is not the CA's",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: () => "OpenSSL finds no issuer for it in the CA file",
  UNSPECIFIED: () => "an error Node does not name, such as a critical extension TLS does not handle or a name outside the CA's name constraints",
};

/** OpenSSL's words (when Node gives them) and what they mean, in one line. */
function reasonOf(side: "server" | "client", code: string, text?: string): string {
  // "…:error:0A000076:SSL routines:tls_choose_sigalg:no suitable signature algorithm:…/t1_lib.c:3242:" says its
  // reason in the field after the function's name.
  const words = text && (/routines:[^:]*:([^:]+)/.exec(text)?.[1] ?? text).replace(/\s+/g, " ").trim();
  // OpenSSL's words name what Node's code leaves unnamed.
  const meaning = words && code === "UNSPECIFIED" ? undefined : MEANINGS[code]?.(side);
  return [words, meaning].filter(Boolean).join(": ") || code.toLowerCase().replace(/_/g, " ");
}

/** Two streams joined end to end: what one is written, the other reads. */
function streamPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const end = (other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk, _encoding, callback) {
        other().push(chunk);
        callback();
      },
      final(callback) {
        other().push(null);
        callback();
      },
    });
  ends.push(end(() => ends[1]), end(() => ends[0]));
  return [ends[0], ends[1]];
}

/**
 * How long a handshake in memory may take. It takes tens of milliseconds; one that has not ended by then is a
 * refusal of its own, so that a check that cannot finish never reads as a pass.
 */
const HANDSHAKE_MS = 20_000;

/**
 * One handshake in memory: the client verifies the server's certificate (`verify: "server"`, with OpenSSL's words on
 * a refusal) or the server the client's (`verify: "client"`). The refusal, or undefined when that side is accepted;
 * a handshake that fails otherwise (a key no cipher suite takes) is a refusal of the side whose pair was loaded last.
 */
function handshake(set: TlsSet, verify: "server" | "client"): Promise<Refusal | undefined> {
  return new Promise((resolve) => {
    const sockets: TLSSocket[] = [];
    // Not unref()'d: the streams in memory hold the process open no more than the promise does.
    const timer = setTimeout(() => settle({ side: verify, code: "TIMEOUT", reason: `the handshake did not end within ${HANDSHAKE_MS / 1000} s` }), HANDSHAKE_MS);
    let settled = false;
    function settle(refusal: Refusal | undefined) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      resolve(refusal);
    }
    const failed = (side: "server" | "client", error: NodeJS.ErrnoException) =>
      settle({ side, code: error.code ?? "ERR_TLS", reason: reasonOf(side, error.code ?? "ERR_TLS", error.message) });
    const [serverEnd, clientEnd] = streamPair();
    let server;
    try {
      server = createServer({ cert: set.serverCert, key: set.serverKey, ca: set.ca, minVersion: "TLSv1.2", requestCert: verify === "client", rejectUnauthorized: false });
    } catch (error) {
      // OpenSSL refused to load the server's pair at all (a signature or key too weak for its security level).
      return failed("server", error as NodeJS.ErrnoException);
    }
    server.on("tlsClientError", (error: NodeJS.ErrnoException) => failed(verify, error));
    server.on("secureConnection", (socket: TLSSocket) => {
      sockets.push(socket);
      if (verify !== "client") return;
      const error = socket.authorizationError as unknown as string | Error | null;
      if (socket.authorized || !error) return settle(undefined);
      const code = typeof error === "string" ? error : ((error as NodeJS.ErrnoException).code ?? error.message);
      settle({ side: "client", code, reason: reasonOf("client", code) });
    });
    server.emit("connection", serverEnd);
    let client: TLSSocket;
    try {
      // Names are the file checks' to judge (a wildcard of EC2's names, against addresses not known yet).
      client = connect({ socket: clientEnd, ca: set.ca, cert: set.clientCert, key: set.clientKey, minVersion: "TLSv1.2", rejectUnauthorized: verify === "server", checkServerIdentity: () => undefined });
    } catch (error) {
      return failed("client", error as NodeJS.ErrnoException);
    }
    sockets.push(client);
    client.on("secureConnect", () => {
      if (verify === "server") settle(undefined);
    });
    client.on("error", (error: NodeJS.ErrnoException) => failed(verify === "server" ? "server" : "client", error));
  });
}

/**
 * What OpenSSL's verdict on the client's certificate means for dockerd, which verifies it with Go's crypto/x509: Go
 * ignores the key usage and finds an issuer by name even when the authority key identifier differs, and what else
 * OpenSSL names so (another issuer, the extended key usage) the file checks judge as Go does. The rest (a critical
 * extension, the CA's name constraints) Go refuses too.
 */
const GO_TAKES_CLIENT = new Set(["INVALID_PURPOSE", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "UNABLE_TO_GET_ISSUER_CERT"]);

/**
 * What TLS refuses in the set, side by side (the server's certificate first, as the readiness gate verifies it with
 * OpenSSL; the client's as dockerd verifies it with Go); empty when both ends accept each other. Refusals on time are
 * left to the file checks, which allow for a clock a few minutes ahead.
 */
export async function handshakeRefusals(set: TlsSet): Promise<Refusal[]> {
  const server = await handshake(set, "server");
  const client = await handshake(set, "client");
  const refusals: Refusal[] = [];
  if (server && !ON_TIME.has(server.code)) refusals.push(server);
  // A pair that fails to load fails both handshakes alike: said once.
  const repeated = server && client && server.code === client.code && server.reason === client.reason;
  if (client && !repeated && !ON_TIME.has(client.code) && !(client.side === "client" && GO_TAKES_CLIENT.has(client.code))) refusals.push(client);
  return refusals;
}
