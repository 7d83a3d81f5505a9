import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@slack/bolt";
import type { AccessCore, InvitePreview } from "../core/access-core.js";
import { CoreError } from "../core/errors.js";
import { clientAddress } from "./client-address.js";
import { acceptedPage, invitePage, problemPage } from "./pages.js";
import type { RateLimiter } from "./rate-limit.js";

export interface AcceptedInvite {
  accountId: string;
  email: string;
  role: string;
  inviterSlackUserId: string | null;
}

export interface InviteRouteDeps {
  core: AccessCore;
  logger: Logger;
  limiter: RateLimiter;
  /** Proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES). */
  trustedProxies: ReadonlySet<string>;
  /** After a commit: link the member in Slack, tell the inviter. Never blocks the page. */
  onAccepted?: (accepted: AcceptedInvite) => void;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

type GoneState = Exclude<InvitePreview["state"], "pending">;

const GONE: Record<GoneState, { title: string; message: string }> = {
  unknown: {
    title: "Invite not found",
    message: "This invite link is not valid. It may have been mistyped.",
  },
  expired: { title: "Invite expired", message: "This invite has expired." },
  accepted: {
    title: "Invite already used",
    message: "This invite has already been accepted. Each link works once.",
  },
  revoked: { title: "Invite revoked", message: "This invite was revoked, or replaced by a newer one." },
};

const send = (res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}) => {
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
 * by it, so a flood of guesses from an address never locks out a real invitee behind it.
 */
export const handleInvite = (
  deps: InviteRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
): void => {
  req.resume(); // the acceptance needs no body; drain whatever came
  const failedLookup = (status: 400 | 410, title: string, message: string) => {
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
    send(res, status, problemPage(title, message));
  };
  if (!TOKEN.test(token)) {
    failedLookup(
      400,
      "Broken invite link",
      "This link is incomplete. Copy the whole link from your invite mail.",
    );
    return;
  }
  const isGet = req.method === "GET" || req.method === "HEAD";
  if (!isGet && req.method !== "POST") {
    send(res, 405, problemPage("Not allowed", "Open the link from your invite mail."), {
      allow: "GET, POST",
    });
    return;
  }
  const before = deps.core.inviteByToken(token);
  if (before.state === "unknown") {
    failedLookup(410, GONE.unknown.title, GONE.unknown.message);
    return;
  }
  const gone = (state: GoneState) => send(res, 410, problemPage(GONE[state].title, GONE[state].message));
  if (isGet) {
    if (before.state === "pending") send(res, 200, invitePage(before, `/invites/${token}`));
    else gone(before.state);
    return;
  }
  try {
    const accepted = deps.core.acceptInvite(token);
    send(res, 200, acceptedPage(before.accountName, accepted.role ?? "teammate"));
    deps.onAccepted?.({
      accountId: accepted.accountId,
      email: accepted.email ?? "",
      role: accepted.role ?? "teammate",
      inviterSlackUserId: before.inviter?.slackUserId ?? null,
    });
  } catch (error) {
    // Refused (expired, used, revoked): the page says which, from the state as it is now.
    if (!(error instanceof CoreError && error.code.startsWith("INVITE_"))) throw error;
    const now = deps.core.inviteByToken(token).state;
    gone(now === "pending" ? "unknown" : now);
  }
};
