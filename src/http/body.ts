import type { IncomingMessage } from "node:http";
import { brokenTextAt, brokenTextMessage } from "../core/input.js";

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 408 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** The words of a 408, wherever it is given: the request's headers and body did not all arrive in time. */
export const lateRequestMessage = (timeoutMs: number): string => {
  const within =
    timeoutMs === 1000
      ? "1 second"
      : timeoutMs % 1000 === 0
        ? `${timeoutMs / 1000} seconds`
        : `${timeoutMs} ms`;
  return `The request did not arrive in full within ${within}; the connection is closed.`;
};

const LATE = Symbol("rolecall.lateBody");

/** A request whose time is up: the 408 to give, or the read under way to fail with it. */
type Watched = IncomingMessage & { [LATE]?: BodyError | ((late: BodyError) => void) };

/**
 * The request's time to arrive (REQUEST_BODY_TIMEOUT_MS) is up and its body is not all here: the
 * read under way fails with `late` (408), and so does any read started afterwards.
 */
export const expireBody = (req: IncomingMessage, late: BodyError): void => {
  const watched = req as Watched;
  const reading = watched[LATE];
  watched[LATE] = late;
  if (typeof reading === "function") reading(late);
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads a body of at most `limit` bytes; too many bytes, a broken stream or one too late is a BodyError. */
export const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const watched = req as Watched;
    const late = watched[LATE];
    if (late instanceof BodyError) {
      reject(late);
      return;
    }
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(new BodyError(413, `The body is larger than ${limit} bytes.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    watched[LATE] = (error) => {
      if (!failed) reject(error);
      failed = true;
    };
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyError(413, `The body is larger than ${limit} bytes.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      // Most bodies arrive in one chunk: that chunk is the body (no copy).
      if (!failed) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    req.on("error", () => {
      if (!failed) reject(new BodyError(400, "The body could not be read."));
      failed = true;
    });
  });

/**
 * Reads a JSON body of at most `limit` bytes; bad UTF-8, bad JSON, too many bytes, or a string with
 * a NUL or a lone surrogate anywhere in it (no database stores those) is a BodyError.
 */
export const readJson = async (req: IncomingMessage, limit: number): Promise<unknown> => {
  let text: string;
  try {
    text = utf8.decode(await readBody(req, limit));
  } catch (error) {
    if (error instanceof BodyError) throw error;
    throw new BodyError(400, "The body is not valid UTF-8.");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BodyError(400, "The body is not valid JSON.");
  }
  // NUL and lone surrogates can only come from `\u` escapes (raw control characters are not JSON, and
  // the UTF-8 was checked), so most bodies need no walk.
  const broken = text.includes("\\u") ? brokenTextAt(body) : null;
  if (broken !== null) throw new BodyError(400, brokenTextMessage(broken));
  return body;
};
