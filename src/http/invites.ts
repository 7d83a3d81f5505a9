import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@slack/bolt";
import type { AccessCore, InvitePreview } from "../core/access-core.js";
import { CoreError } from "../core/errors.js";
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

/** GET and POST /invites/{token}: the page and the acceptance. The token is never logged. */
export const handleInvite = (
  deps: InviteRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
): void => {
  const address = req.socket.remoteAddress ?? "unknown";
  req.resume(); // the acceptance needs no body; drain whatever came
  const wait = deps.limiter.retryAfter(address);
  if (wait > 0) {
    send(
      res,
      429,
      problemPage("Too many attempts", "Too many invalid invite links from your address. Try again later."),
      {
        "retry-after": String(wait),
      },
    );
    return;
  }
  const gone = (state: GoneState) => {
    deps.limiter.hit(address);
    send(res, 410, problemPage(GONE[state].title, GONE[state].message));
  };
  if (!TOKEN.test(token)) {
    deps.limiter.hit(address);
    send(
      res,
      400,
      problemPage(
        "Broken invite link",
        "This link is incomplete. Copy the whole link from your invite mail.",
      ),
    );
    return;
  }
  if (req.method === "GET" || req.method === "HEAD") {
    const invite = deps.core.inviteByToken(token);
    if (invite.state === "pending") send(res, 200, invitePage(invite, `/invites/${token}`));
    else gone(invite.state);
    return;
  }
  if (req.method !== "POST") {
    send(res, 405, problemPage("Not allowed", "Open the link from your invite mail."), {
      allow: "GET, POST",
    });
    return;
  }
  try {
    const before = deps.core.inviteByToken(token);
    const accepted = deps.core.acceptInvite(token);
    const accountName = before.state === "unknown" ? "" : before.accountName;
    send(res, 200, acceptedPage(accountName, accepted.role ?? "teammate"));
    if (before.state !== "unknown") {
      deps.onAccepted?.({
        accountId: accepted.accountId,
        email: accepted.email ?? "",
        role: accepted.role ?? "teammate",
        inviterSlackUserId: before.inviter?.slackUserId ?? null,
      });
    }
  } catch (error) {
    // Refused (expired, used, revoked, unknown): the page says which, from the state as it is now.
    if (!(error instanceof CoreError && error.code.startsWith("INVITE_"))) throw error;
    const now = deps.core.inviteByToken(token).state;
    gone(now === "pending" ? "unknown" : now);
  }
};
