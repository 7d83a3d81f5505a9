import type { IncomingMessage, ServerResponse } from "node:http";
import { CoreError, type ErrorCode, TEMPORARY_CODES } from "../core/errors.js";
import type { AccessCore, InvitePreview } from "../core/index.js";
import type { Logger } from "../log.js";
import type { AcceptedInvite } from "../shared/accepted-invite.js";
import { clientAddress } from "../shared/client-address.js";
import { acceptedPage, invitePage, problemPage, tryAgainPage } from "../shared/pages.js";
import { refusalWords } from "../words/en/refusals.js";
import { plainDoor } from "../words/format.js";
import { BodyError, readBody } from "./body.js";
import { HTTP_STATUS, RETRY_AFTER_SECONDS } from "./error-status.js";
import type { RateLimiter } from "./rate-limit.js";

export interface InviteRouteDeps {
  core: Pick<AccessCore, "inviteByToken" | "acceptInvite">;
  logger: Logger;
  limiter: RateLimiter;
  /** Proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES). */
  trustedProxies: ReadonlySet<string>;
  /** After a commit: link the member in Slack, tell the inviter. Never blocks the page. */
  onAccepted?: (accepted: AcceptedInvite) => void;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

type GoneState = Exclude<InvitePreview["state"], "pending">;

interface Problem {
  code: ErrorCode;
  title: string;
  message: string;
}

const GONE: Record<GoneState, Problem> = {
  unknown: {
    code: "INVITE_INVALID",
    title: "Invite not found",
    message: "This invite link is not valid. It may have been mistyped.",
  },
  expired: { code: "INVITE_EXPIRED", title: "Invite expired", message: "This invite has expired." },
  accepted: {
    code: "INVITE_USED",
    title: "Invite already used",
    message: "This invite has already been accepted. Each link works once.",
  },
  revoked: {
    code: "INVITE_INVALID",
    title: "Invite revoked",
    message: "This invite was revoked, or replaced by a newer one.",
  },
};

const BROKEN: Problem = {
  code: "INVALID_INPUT",
  title: "Broken invite link",
  message: "This link is incomplete. Copy the whole link from your invite mail.",
};

/** The most an invite's form (one button, no fields) may send: more is no browser's. */
const INVITE_BODY_LIMIT = 4096;

const send = (res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}) => {
  // Answered before the request's body is all in: the rest is read away, and the connection closes
  // rather than waiting on it for a next request.
  if (!res.req.complete) {
    res.shouldKeepAlive = false;
    res.req.resume();
  }
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy":
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ...extra,
  });
  res.end(html);
};

/**
 * GET and POST /invites/{token}: the page and the acceptance. The token is never logged. Only failed
 * lookups (malformed or unknown tokens) count toward the per-address limit and only they are refused
 * by it, so a flood of guesses from an address never locks out a real invitee behind it. A browser
 * always gets a page: a database that is not answering (or too busy) is a 503 page with
 * Retry-After, and a failure of ours a 500 page.
 */
export const handleInvite = async (
  deps: InviteRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
): Promise<void> => {
  try {
    await answerInvite(deps, req, res, token);
  } catch (error) {
    if (res.headersSent) throw error;
    if (error instanceof BodyError) {
      // The form never arrived whole (408 at REQUEST_BODY_TIMEOUT_MS), or is no form's: nothing was done.
      const title = error.status === 408 ? "The request did not arrive" : "Invite not accepted";
      send(res, error.status, problemPage(title, `${error.message} Nothing was changed; try again.`));
      return;
    }
    if (error instanceof CoreError && TEMPORARY_CODES.has(error.code)) {
      deps.logger.warn("Invite page refused:", error.message);
      send(res, HTTP_STATUS[error.code], tryAgainPage(refusalWords(error.refusal, plainDoor)), {
        "retry-after": RETRY_AFTER_SECONDS,
      });
      return;
    }
    deps.logger.error("Invite page failed:", error);
    send(res, 500, tryAgainPage("Something went wrong on our side; nothing was changed."));
  }
};

const answerInvite = async (
  deps: InviteRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
): Promise<void> => {
  const problem = ({ code, title, message }: Problem) =>
    send(res, HTTP_STATUS[code], problemPage(title, message));
  const failedLookup = (lookup: Problem) => {
    const address = clientAddress(req, deps.trustedProxies);
    const wait = deps.limiter.retryAfter(address);
    if (wait > 0) {
      send(
        res,
        429,
        problemPage("Too many attempts", "Too many invalid invite links from your address. Try again later."),
        { "retry-after": String(wait) },
      );
      return;
    }
    deps.limiter.hit(address);
    problem(lookup);
  };
  if (!TOKEN.test(token)) {
    failedLookup(BROKEN);
    return;
  }
  const isGet = req.method === "GET" || req.method === "HEAD";
  if (!isGet && req.method !== "POST") {
    send(res, 405, problemPage("Not allowed", "Open the link from your invite mail."), {
      allow: "GET, POST",
    });
    return;
  }
  const before = await deps.core.inviteByToken(token);
  if (before.state === "unknown") {
    failedLookup(GONE.unknown);
    return;
  }
  if (isGet) {
    req.resume();
    if (before.state === "pending") send(res, 200, invitePage(before, `/invites/${token}`));
    else problem(GONE[before.state]);
    return;
  }
  // The acceptance needs nothing from the form, but acts only on a request that arrived whole.
  await readBody(req, INVITE_BODY_LIMIT);
  try {
    const accepted = await deps.core.acceptInvite(token);
    send(res, 200, acceptedPage(before.accountName, accepted.member.role));
    deps.onAccepted?.({
      accountId: accepted.accountId,
      email: accepted.member.email,
      role: accepted.member.role,
      inviterSlackUserId: before.inviter?.slackUserId ?? null,
    });
  } catch (error) {
    if (!(error instanceof CoreError) || TEMPORARY_CODES.has(error.code)) throw error;
    if (!error.code.startsWith("INVITE_")) {
      problem({
        code: error.code,
        title: "Invite not accepted",
        message: refusalWords(error.refusal, plainDoor),
      });
      return;
    }
    // Refused (expired, used, revoked): the page says which, from the state as it is now.
    const now = (await deps.core.inviteByToken(token)).state;
    problem(GONE[now === "pending" ? "unknown" : now]);
  }
};
