import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { defaultBodyLimit, HTTPModuleFunctions } from "@slack/bolt";
import { z } from "zod";
import { brokenTextAt, brokenTextMessage } from "../core/input.js";
import type { Logger } from "../log.js";
import { BodyError, readBody } from "./body.js";
import { sendJson } from "./server.js";

/** Slack signs requests for five minutes either side; Bolt checks only the past, this checks both. */
export const SLACK_TIMESTAMP_WINDOW_SECONDS = 300;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface SlackGuardOptions {
  signingSecret: string;
  /** SLACK_HOOKS_URL: the only origin a response_url may point at. */
  hooksUrl: string;
  logger: Logger;
  now?: () => number;
}

const originOf = (url: string): string | null => (URL.canParse(url) ? new URL(url).origin : null);

/** What Rolecall's listeners read from each kind of request, so none of them meets a hole. */
const shapes = (hooksOrigin: string | null) => {
  const hook = z
    .string()
    .refine((url) => originOf(url) === hooksOrigin, "is not on Slack's hooks host (SLACK_HOOKS_URL)");
  const id = z.string().min(1);
  return {
    command: z.looseObject({
      command: z.string(),
      text: z.string(),
      team_id: id,
      user_id: id,
      trigger_id: z.string(),
      response_url: hook,
    }),
    event: z.looseObject({
      type: z.literal("event_callback"),
      team_id: z.string().nullish(),
      enterprise_id: z.string().nullish(),
      event_time: z.number().int().nonnegative().optional(),
      event: z.looseObject({ type: id }),
    }),
    interaction: z.looseObject({
      type: id,
      user: z.looseObject({ id }),
      response_url: hook.optional(),
      response_urls: z.array(z.looseObject({ response_url: hook })).optional(),
      actions: z
        .array(z.looseObject({ action_id: z.string(), type: z.string() }))
        .min(1)
        .optional(),
      view: z
        .looseObject({
          callback_id: z.string(),
          private_metadata: z.string().optional(),
          state: z.looseObject({ values: z.record(z.string(), z.unknown()) }).optional(),
        })
        .optional(),
    }),
    /** Slack's own checks (SSL, URL verification, rate-limit notices): Bolt answers these itself. */
    notice: z.union([
      z.looseObject({ ssl_check: z.string() }),
      z.looseObject({ type: z.literal("url_verification"), challenge: z.string() }),
      z.looseObject({ type: z.literal("app_rate_limited") }),
    ]),
  };
};

type Shapes = ReturnType<typeof shapes>;

const kindOf = (body: Record<string, unknown>): keyof Shapes => {
  if ("command" in body) return "command";
  if ("ssl_check" in body || body.type === "url_verification" || body.type === "app_rate_limited")
    return "notice";
  if ("event" in body || body.type === "event_callback") return "event";
  return "interaction";
};

/** What each interaction's listener cannot do without. */
const NEEDS: Partial<Record<string, "actions" | "view">> = {
  block_actions: "actions",
  view_submission: "view",
  view_closed: "view",
};

const filled = (value: unknown): boolean => typeof value === "string" && value.length > 0;

/**
 * A slash command with every field the schema asks for, as Slack sends them, and a response_url
 * under the hooks origin (a URL that begins `<origin>/` has that origin): what `shapes().command`
 * accepts, without running it. Anything else is left to the schema, which words the refusal.
 */
const plainCommand = (body: Record<string, unknown>, hooksPrefix: string | null): boolean =>
  typeof body.command === "string" &&
  typeof body.text === "string" &&
  typeof body.trigger_id === "string" &&
  filled(body.team_id) &&
  filled(body.user_id) &&
  hooksPrefix !== null &&
  typeof body.response_url === "string" &&
  body.response_url.startsWith(hooksPrefix);

/** Why a parsed body is not one Rolecall can handle, or null when it is. */
const problemWith = (body: unknown, schemas: Shapes, hooksPrefix: string | null): string | null => {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return "The body (or its payload) must be a JSON object.";
  // Every field, ids and free text alike, once: Slack never sends these, and no database stores them.
  const broken = brokenTextAt(body);
  if (broken !== null) return brokenTextMessage(broken);
  const record = body as Record<string, unknown>;
  const kind = kindOf(record);
  if (kind === "command" && plainCommand(record, hooksPrefix)) return null;
  const parsed = schemas[kind].safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `A Slack ${kind} whose ${issue?.path.join(".") || "body"} ${issue?.message ?? "is malformed"}.`;
  }
  const needed = kind === "interaction" ? NEEDS[String(record.type)] : undefined;
  return needed && !(needed in record) ? `A Slack ${String(record.type)} without ${needed}.` : null;
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

const isUtf8 = (bytes: Uint8Array): boolean => {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

const hexDigit = (byte: number | undefined): number => {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
};

/** A form's name or value as bytes: `+` is a space, `%XX` a byte; anything else (a stray `%`) as it is. */
const formBytes = (part: Buffer): Buffer => {
  const out = Buffer.allocUnsafe(part.length);
  let n = 0;
  for (let i = 0; i < part.length; i++) {
    const byte = part[i] as number;
    const high = byte === 0x25 ? hexDigit(part[i + 1]) : -1;
    const low = high === -1 ? -1 : hexDigit(part[i + 2]);
    if (low !== -1) {
      out[n++] = high * 16 + low;
      i += 2;
    } else out[n++] = byte === 0x2b ? 0x20 : byte;
  }
  return out.subarray(0, n);
};

/**
 * The first field of a form body whose name or value, percent-decoded, is not UTF-8 (an invalid or
 * overlong sequence, an encoded surrogate, a stray byte), or null when every one is. Node's form
 * parser would turn those bytes into U+FFFD and the text would be stored so.
 */
export const brokenFormField = (body: Buffer): string | null => {
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x26, start);
    if (end === -1) end = body.length;
    const field = body.subarray(start, end);
    const equals = field.indexOf(0x3d);
    const name = formBytes(equals === -1 ? field : field.subarray(0, equals));
    const value = equals === -1 ? null : formBytes(field.subarray(equals + 1));
    if (!isUtf8(name)) return "";
    if (value && !isUtf8(value)) return name.toString("latin1").replace(/[^\x20-\x7e]/g, "?");
    start = end + 1;
  }
  return null;
};

/** A slash command's `text` Rolecall cannot read: told in words, as Slack shows an answer to a command. */
export const UNREADABLE_COMMAND =
  "That command has a character Rolecall cannot read (a NUL or broken text); nothing was changed.";

const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/**
 * Slack's v0 signature: HMAC-SHA256 of `v0:<timestamp>:<body bytes>` with the signing secret,
 * compared in constant time. The one check of a Slack request's signature: Bolt's receiver, which
 * only ever gets requests through this guard, does not check again.
 */
export const signedBySlack = (
  secret: string,
  timestamp: number,
  body: Buffer,
  signature: string,
): boolean => {
  if (!secret || !SIGNATURE.test(signature)) return false;
  const ours = createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest();
  return timingSafeEqual(Buffer.from(signature.slice(3), "hex"), ours);
};

const header = (req: IncomingMessage, name: string): string | null => {
  const value = req.headers[name];
  return typeof value === "string" ? value : null;
};

/**
 * In front of Bolt's receiver. A request must be signed by Slack with a timestamp within five
 * minutes either side of now (401), and its body must have the shape Rolecall's listeners read
 * (400): Bolt hangs on a `null` body and answers 500 for an action without a user, and a NUL or a
 * lone surrogate in any field (a team or user id included) would reach the database. A response_url
 * that is not on Slack's hooks host is refused too, since Bolt's `respond()` posts to whatever URL a
 * payload names. Bolt then gets the body already read, and checks the signature again.
 */
export const guardSlackRequests = (
  options: SlackGuardOptions,
  listener: RequestListener,
): RequestListener => {
  const { signingSecret, logger, now = Date.now } = options;
  const hooksOrigin = originOf(options.hooksUrl);
  const schemas = shapes(hooksOrigin);
  const hooksPrefix = hooksOrigin === null || hooksOrigin === "null" ? null : `${hooksOrigin}/`;
  const refuse = (res: ServerResponse, status: number, error: string) => {
    logger.warn(`Slack request refused (${status}): ${error}`);
    sendJson(res, status, { error });
  };

  const check = async (req: IncomingMessage, res: ServerResponse, timestamp: number) => {
    let raw: Buffer;
    try {
      raw = await readBody(req, defaultBodyLimit);
    } catch (error) {
      // Not signed yet (the signature covers the body): answered, not logged.
      if (error instanceof BodyError) return sendJson(res, error.status, { error: error.message });
      throw error;
    }
    if (!signedBySlack(signingSecret, timestamp, raw, header(req, "x-slack-signature") ?? ""))
      return sendJson(res, 401, { error: "The request signature is not valid." });
    // Bolt takes a body already buffered on `rawBody` instead of reading the (drained) stream.
    const buffered = Object.assign(req, { rawBody: raw });
    let body: unknown;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    } catch {
      return refuse(res, 400, "The body is not valid JSON or form data.");
    }
    const form = req.headers["content-type"] === "application/x-www-form-urlencoded";
    // Bytes that are no UTF-8 (Node would read them as U+FFFD), then NUL and lone surrogates.
    const notUtf8 = form ? brokenFormField(raw) : isUtf8(raw) ? null : "";
    const problem =
      notUtf8 !== null
        ? `${notUtf8 ? `${notUtf8}: text` : "The body"} is not valid UTF-8.`
        : problemWith(body, schemas, hooksPrefix);
    if (problem) {
      // What a person typed after the command: answered in words, as Slack shows an answer (a 400 is
      // shown as a failure of the app). Ids and the rest are Slack's, and refused.
      const command =
        typeof body === "object" &&
        body !== null &&
        !Array.isArray(body) &&
        kindOf(body as Record<string, unknown>) === "command";
      const inText = notUtf8 === "text" || (notUtf8 === null && brokenTextAt(body) === "text");
      if (command && inText) {
        logger.warn(`Slack command refused: ${problem}`);
        return sendJson(res, 200, { response_type: "ephemeral", text: UNREADABLE_COMMAND });
      }
      return refuse(res, 400, problem);
    }
    listener(buffered, res);
  };

  return (req, res) => {
    const timestamp = header(req, "x-slack-request-timestamp") ?? "";
    if (
      !/^\d{1,12}$/.test(timestamp) ||
      Math.abs(now() / 1000 - Number(timestamp)) > SLACK_TIMESTAMP_WINDOW_SECONDS
    ) {
      req.resume();
      sendJson(res, 401, { error: "The request timestamp is missing or too far from now." });
      return;
    }
    check(req, res, Number(timestamp)).catch((error: unknown) => {
      logger.error("Handling a Slack request failed:", error);
      if (!res.headersSent) sendJson(res, 500, { error: "Internal error" });
    });
  };
};
