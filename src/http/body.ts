import type { IncomingMessage } from "node:http";
import { brokenTextAt, brokenTextMessage } from "../core/input.js";

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads a body of at most `limit` bytes; too many bytes, or a broken stream, is a BodyError. */
export const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) {
      req.resume();
      reject(new BodyError(413, `The body is larger than ${limit} bytes.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
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
