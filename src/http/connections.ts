import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from "node:http";
import { Server as NetServer, type Socket } from "node:net";
import { BodyError, expireBody, lateRequestMessage } from "./body.js";

/**
 * How long a connection must have been at rest (no answer under way, no byte received) before a
 * stopping server closes it: a keep-alive client's next request, or a new connection's first, may be
 * on its way, and is answered (with `Connection: close`) if it arrives in that time.
 */
export const REST_BEFORE_CLOSE_MS = 1_000;

/**
 * Before the port closes: new connections are still accepted (and answered with keep-alive, so that
 * clients told to leave during a drain stay on the ones they reopened) until none has come for this
 * long, so that none is waiting in the kernel's accept queue (which resets them) when the port closes.
 */
export const SETTLE_QUIET_MS = 100;
/** At most this long: clients that open a connection per request never fall quiet. */
export const SETTLE_MAX_MS = 1_000;

/** How often a draining server looks for connections at rest. */
const SWEEP_MS = 50;

/**
 * Node's bounds on a request, from REQUEST_BODY_TIMEOUT_MS: its headers and its body must both have
 * arrived that long after its first byte (Node's defaults, 60 s and 300 s, let a slow client hold a
 * connection for minutes). Node looks for late requests every `connectionsCheckingInterval`
 * (30 s by default): here a twentieth of the timeout, at most a second.
 */
export const requestTimeouts = (timeoutMs: number) => ({
  headersTimeout: timeoutMs,
  requestTimeout: timeoutMs,
  connectionsCheckingInterval: Math.min(1_000, Math.max(10, Math.round(timeoutMs / 20))),
});

interface Connection {
  /** Requests read on it whose answers have not ended (more than one only when a client pipelines). */
  open: number;
  /** The request read last, and its answer, until it is at rest: a body may still be arriving after its answer. */
  lastRequest: IncomingMessage | null;
  lastAnswer: ServerResponse | null;
  /** When it came to rest (no answer under way, every request on it read whole); null while not at rest. */
  restingSince: number | null;
  /** Its bytes read when it came to rest: more than these, and a request is on its way. */
  bytesAtRest: number;
}

export interface DrainOptions {
  /**
   * How long a connection at rest is left for its client's next request before it is closed
   * (REST_BEFORE_CLOSE_MS). Only a test that stops a server it is done with passes less.
   */
  restMs?: number;
}

export interface Connections {
  /** A request's headers are in: its connection is busy until its answer has ended. */
  started(req: IncomingMessage, res: ServerResponse): void;
  ended(req: IncomingMessage, res: ServerResponse): void;
  /** Whether the shutdown has begun (`shutdown`). */
  readonly shuttingDown: boolean;
  /** From now on, every answer not yet begun closes its connection; requests are still served. */
  shutdown(): void;
  /**
   * Stops accepting connections; the requests accepted are answered (each answer closing its
   * connection) and each connection at rest for REST_BEFORE_CLOSE_MS is closed; resolves when every
   * connection is gone. Connections still arriving are accepted first (SETTLE_QUIET_MS).
   */
  drain(options?: DrainOptions): Promise<void>;
}

/** The 408 written on a connection whose request's headers did not all arrive: no request to answer through. */
const lateHeadersAnswer = (timeoutMs: number): string => {
  const body = JSON.stringify({ error: { code: "INVALID_INPUT", message: lateRequestMessage(timeoutMs) } });
  return [
    "HTTP/1.1 408 Request Timeout",
    "content-type: application/json; charset=utf-8",
    "cache-control: no-store",
    `content-length: ${Buffer.byteLength(body)}`,
    "connection: close",
    "",
    body,
  ].join("\r\n");
};

/** Node's answer to a request it cannot parse, which it leaves to whoever listens for 'clientError'. */
const unparsableAnswer = (code: string | undefined): string => {
  const status = code === "HPE_HEADER_OVERFLOW" ? 431 : code === "HPE_CHUNK_EXTENSIONS_OVERFLOW" ? 413 : 400;
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`;
};

/**
 * Keeps the server's connections: which are answering, which are at rest between requests, and what
 * a request that does not arrive in time gets. A request whose time (REQUEST_BODY_TIMEOUT_MS) is up
 * before its body is all in is answered 408 by whoever reads its body, and its connection closes; one
 * answered before its body was read (401, 404, 413…) keeps its connection only if the rest of the body
 * arrives in that time; one whose headers never all arrive is answered 408 here.
 *
 * When the server stops, a connection is closed only once it has been at rest for REST_BEFORE_CLOSE_MS:
 * no answer under way and no byte of a next request received in that time. A connection that has just
 * answered with keep-alive, or has just been accepted, is left that moment for the request its client
 * may already be sending; it is answered, with `Connection: close`.
 */
export const trackConnections = (server: Server, timeoutMs: number): Connections => {
  const connections = new Map<Socket, Connection>();
  const answering = new Set<ServerResponse>();
  let shutdownBegan: number | null = null;
  /** Whether answers not yet begun close their connection (false while settling at the end of a drain). */
  let closing = false;
  let lastAccepted = 0;
  const lateHeaders = lateHeadersAnswer(timeoutMs);

  const rest = (socket: Socket, connection: Connection) => {
    connection.restingSince = Date.now();
    connection.bytesAtRest = socket.bytesRead;
    connection.lastRequest = null;
    connection.lastAnswer = null;
  };

  server.on("connection", (socket: Socket) => {
    lastAccepted = Date.now();
    connections.set(socket, {
      open: 0,
      lastRequest: null,
      lastAnswer: null,
      restingSince: Date.now(),
      bytesAtRest: 0,
    });
    socket.once("close", () => connections.delete(socket));
  });

  /** Time is up for the request arriving on `socket` (Node's headersTimeout / requestTimeout). */
  const late = (socket: Socket, connection: Connection | undefined) => {
    const req = connection?.lastRequest;
    const res = connection?.lastAnswer;
    if (req && res && !req.complete) {
      if (!res.headersSent) {
        // Not answered yet: its answer (a 408, once it reads the body) closes the connection.
        res.shouldKeepAlive = false;
        expireBody(req, new BodyError(408, lateRequestMessage(timeoutMs)));
        return;
      }
      // Answered before its body was read, and the rest of the body never came.
      socket.destroy();
      return;
    }
    // Its headers are not all in: there is no request to answer through, so the 408 is written whole.
    if (connection?.open === 0 && socket.writable) socket.write(lateHeaders);
    socket.destroySoon();
  };

  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    const connection = connections.get(socket);
    if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return late(socket, connection);
    // As Node does when nobody listens: answer, unless an answer is already being written.
    const writing =
      connection && connection.open > 0 && (connection.open > 1 || connection.lastAnswer?.headersSent);
    if (socket.writable && !writing) socket.write(unparsableAnswer(error.code));
    socket.destroy(error);
  });

  /** Closes each connection that has been at rest, with no byte received, for `restMs`. */
  const closeResting = (restMs: number) => {
    const now = Date.now();
    for (const [socket, connection] of connections) {
      const { open, restingSince, bytesAtRest } = connection;
      // A request under way, or the first bytes of one received: it is answered, or cut off when late.
      if (open > 0 || restingSince === null || socket.bytesRead !== bytesAtRest) continue;
      if (now - restingSince >= restMs) socket.destroy();
    }
  };

  /** From now on every answer not yet begun closes its connection. */
  const closeAnswers = () => {
    closing = true;
    for (const res of answering) if (!res.headersSent) res.shouldKeepAlive = false;
  };

  const shutdown = () => {
    if (shutdownBegan !== null) return;
    shutdownBegan = Date.now();
    closeAnswers();
  };

  /**
   * Resolves once no connection has been accepted for SETTLE_QUIET_MS (at most SETTLE_MAX_MS), looked
   * at right after the event loop has accepted what was waiting; answers keep their connections open
   * meanwhile, so that the clients told to leave settle on the connections they reopened.
   */
  const settle = () =>
    new Promise<void>((done) => {
      closing = false;
      const until = Date.now() + SETTLE_MAX_MS;
      const look = () =>
        setImmediate(() => {
          const now = Date.now();
          if (now >= until || now - lastAccepted >= SETTLE_QUIET_MS) done();
          else setTimeout(look, Math.min(SWEEP_MS, SETTLE_QUIET_MS));
        });
      look();
    });

  return {
    started: (req, res) => {
      answering.add(res);
      if (closing) res.shouldKeepAlive = false;
      const connection = connections.get(req.socket);
      if (!connection) return;
      connection.open++;
      connection.lastRequest = req;
      connection.lastAnswer = res;
      connection.restingSince = null;
    },
    ended: (req, res) => {
      answering.delete(res);
      const socket = req.socket;
      const connection = connections.get(socket);
      if (!connection || --connection.open > 0) return;
      if (req.complete) rest(socket, connection);
      // Answered before its body was all in: at rest once the rest of the body has been read.
      else
        req.once("end", () => {
          if (connection.open === 0 && connection.lastRequest === req) rest(socket, connection);
        });
    },
    get shuttingDown() {
      return shutdownBegan !== null;
    },
    shutdown,
    drain: async ({ restMs = REST_BEFORE_CLOSE_MS } = {}) => {
      // Connections still arriving (clients reconnecting after the drain's answers told them to, or
      // any client opening one) are let in before the port closes: the kernel resets what waits in
      // its accept queue at close.
      shutdownBegan ??= Date.now();
      await settle();
      closeAnswers();
      // Only stops accepting: http.Server's close() would also close at once every connection Node
      // deems idle (racing a request on its way to one that has just answered) and stop the checks
      // for late requests, which still bound what was accepted.
      const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      closeResting(restMs);
      const sweep = setInterval(() => closeResting(restMs), SWEEP_MS);
      try {
        await closed;
      } finally {
        clearInterval(sweep);
      }
      // Every connection is gone: http.Server's close() now only ends those checks.
      server.close();
    },
  };
};
