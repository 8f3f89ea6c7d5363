// How long the server waits for a slow client. A client that sends a request line and then one
// header byte a second (or a body byte by byte) keeps a socket busy for as long as we let it; a few
// hundred such sockets exhaust a server that waits forever. Node enforces the header and request
// deadlines only when it sweeps its connections (every `checkIntervalMs`, 30 s by default), so a
// slow client is cut within its deadline plus one sweep:
//   headers not complete 10 s after the request began → cut within 11 s (408 then close)
//   request (headers and body) not complete after 30 s → cut within 31 s
//   a socket that sends nothing at all for 30 s         → closed at 30 s (its idle timer)
export interface ServerTimeouts {
  /** The request's headers must be complete this long after it began (Node's server.headersTimeout). */
  headersMs: number;
  /** The whole request, body included, must have arrived this long after it began (server.requestTimeout). */
  requestMs: number;
  /** A socket with no traffic either way for this long is closed (Fastify's connectionTimeout, socket idle). */
  idleMs: number;
  /** How long an idle keep-alive connection waits for its next request. */
  keepAliveMs: number;
  /** How often Node checks the header and request deadlines (http.createServer's connectionsCheckingInterval). */
  checkIntervalMs: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  idleMs: 30_000,
  // Node's own default: a local server has no load balancer in front whose idle timeout it must outlast.
  keepAliveMs: 5_000,
  checkIntervalMs: 1_000,
};

/** The Fastify options that apply `timeouts`. */
export function timeoutOptions(timeouts: ServerTimeouts) {
  return {
    connectionTimeout: timeouts.idleMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkIntervalMs },
  };
}
