// The Docker API's certificates as the two ends of its TLS check them when they meet, before a host is made with
// them: a handshake between a server holding server.pem and a client holding cert.pem, both trusting only ca.pem,
// in memory (no port is opened). OpenSSL, as Node's TLS runs it, is the readiness gate's own verifier, and it refuses
// what the file checks of constructs/docker-tls.ts do not read: a critical extension it does not handle, a name
// outside the CA's name constraints, a key usage not meant for the side, an authority key identifier that is not
// the CA's. Go's crypto/x509, in dockerd and the Docker client, refuses the first two as well.
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

/** OpenSSL's words (when Node gives them) and what they mean. */
function reasonOf(side: "server" | "client", code: string, words?: string): string {
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

/** How long a handshake in memory may take before it is given up on, with no verdict. */
const HANDSHAKE_MS = 5000;

/**
 * One handshake in memory: the client verifies the server's certificate (`verify: "server"`, with OpenSSL's words on
 * a refusal) or the server the client's (`verify: "client"`). The refusal, undefined when that side is accepted or no
 * verdict came.
 */
function handshake(set: TlsSet, verify: "server" | "client"): Promise<Refusal | undefined> {
  return new Promise((resolve) => {
    const sockets: TLSSocket[] = [];
    const timer = setTimeout(() => settle(undefined), HANDSHAKE_MS);
    timer.unref();
    function settle(refusal: Refusal | undefined) {
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      resolve(refusal);
    }
    const [serverEnd, clientEnd] = streamPair();
    let server;
    try {
      server = createServer({ cert: set.serverCert, key: set.serverKey, ca: set.ca, minVersion: "TLSv1.2", requestCert: verify === "client", rejectUnauthorized: false });
    } catch (error) {
      // OpenSSL refused to load the server's pair at all (a signature or key too weak for its security level).
      return settle({ side: "server", code: (error as NodeJS.ErrnoException).code ?? "ERR_OSSL", reason: (error as Error).message });
    }
    server.on("tlsClientError", () => undefined);
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
      return settle({ side: "client", code: (error as NodeJS.ErrnoException).code ?? "ERR_OSSL", reason: (error as Error).message });
    }
    sockets.push(client);
    client.on("secureConnect", () => {
      if (verify === "server") settle(undefined);
    });
    client.on("error", (error: NodeJS.ErrnoException) => {
      if (verify === "server") settle({ side: "server", code: error.code ?? "ERR_TLS", reason: reasonOf("server", error.code ?? "ERR_TLS", error.message) });
    });
  });
}

/**
 * What TLS refuses in the set, side by side (the server's certificate first); empty when both ends accept each
 * other. Refusals on time are left to the file checks, which allow for a clock a few minutes ahead.
 */
export async function handshakeRefusals(set: TlsSet): Promise<Refusal[]> {
  const verdicts = [await handshake(set, "server"), await handshake(set, "client")];
  return verdicts.filter((r): r is Refusal => r !== undefined && !ON_TIME.has(r.code));
}
