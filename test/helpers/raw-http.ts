import { connect, type Socket } from "node:net";

/** One HTTP answer as the bytes on the wire say it: status, headers (lower-case names) and body. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A chunked body starting at `at`: its bytes and where it ends, or null while incomplete. */
const dechunk = (bytes: Buffer, at: number): { body: Buffer; end: number } | null => {
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = bytes.indexOf("\r\n", at);
    if (lineEnd === -1) return null;
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString("latin1"), 16);
    if (size === 0) {
      const end = bytes.indexOf("\r\n", lineEnd + 2);
      return end === -1 ? null : { body: Buffer.concat(parts), end: end + 2 };
    }
    if (bytes.length < lineEnd + 2 + size + 2) return null;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
};

/** The answers whole in `bytes` (bodies framed by content-length or chunked). */
const parseAnswers = (bytes: Buffer): RawAnswer[] => {
  const answers: RawAnswer[] = [];
  let at = 0;
  for (;;) {
    const headEnd = bytes.indexOf("\r\n\r\n", at);
    if (headEnd === -1) return answers;
    const [statusLine = "", ...lines] = bytes.subarray(at, headEnd).toString("latin1").split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine.split(" ")[1]);
    // A 100 Continue is not the answer.
    if (status === 100) {
      at = headEnd + 4;
      continue;
    }
    if (headers["transfer-encoding"] === "chunked") {
      const chunked = dechunk(bytes, headEnd + 4);
      if (!chunked) return answers;
      answers.push({ status, headers, body: chunked.body.toString("utf8") });
      at = chunked.end;
      continue;
    }
    const length = Number(headers["content-length"] ?? 0);
    if (bytes.length < headEnd + 4 + length) return answers;
    answers.push({
      status,
      headers,
      body: bytes.subarray(headEnd + 4, headEnd + 4 + length).toString("utf8"),
    });
    at = headEnd + 4 + length;
  }
};

/** A raw TCP conversation with an HTTP server: what is sent is exactly what the test writes. */
export interface RawConnection {
  socket: Socket;
  send(text: string): void;
  /** Resolves with the n-th answer (0 first) once it is whole; rejects if the connection closes first. */
  answer(n?: number): Promise<RawAnswer>;
  /** Resolves once the server has closed the connection (it never closes its end itself), with every answer. */
  closed: Promise<RawAnswer[]>;
  /** Whether the server has closed the connection. */
  isClosed(): boolean;
  /** Everything the server has written so far (a 100 Continue included), as text. */
  received(): string;
  /**
   * Sends `byte` every `everyMs` until the server begins to answer or closes the connection; how
   * many were sent.
   */
  dribble(byte: string, everyMs: number): { sent: () => number };
}

export const openRaw = (port: number): Promise<RawConnection> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let bytes = Buffer.alloc(0);
    let closed = false;
    const waiting = new Set<() => void>();
    const notify = () => {
      for (const w of [...waiting]) w();
    };
    socket.on("data", (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      notify();
    });
    // A reset after the answer is one way a server closes: what it wrote is what counts.
    socket.on("error", () => {});
    const closedPromise = new Promise<RawAnswer[]>((done) =>
      socket.once("close", () => {
        closed = true;
        notify();
        done(parseAnswers(bytes));
      }),
    );
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve({
        socket,
        send: (text) => {
          socket.write(text);
        },
        answer: (n = 0) =>
          new Promise((done, fail) => {
            const check = () => {
              const answer = parseAnswers(bytes)[n];
              if (answer) {
                waiting.delete(check);
                done(answer);
              } else if (closed) {
                waiting.delete(check);
                fail(new Error(`closed before answer ${n}: ${JSON.stringify(bytes.toString("latin1"))}`));
              }
            };
            waiting.add(check);
            check();
          }),
        closed: closedPromise,
        isClosed: () => closed,
        received: () => bytes.toString("latin1"),
        dribble: (byte, everyMs) => {
          let sent = 0;
          const timer = setInterval(() => {
            if (closed || bytes.length > 0) return clearInterval(timer);
            socket.write(byte);
            sent++;
          }, everyMs);
          socket.once("close", () => clearInterval(timer));
          return { sent: () => sent };
        },
      });
    });
    socket.once("error", reject);
  });

/** Whether a new connection is refused (the port no longer accepts). */
export const refused = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      done(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code === "ECONNREFUSED"));
  });
