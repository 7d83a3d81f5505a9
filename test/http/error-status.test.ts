import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvitePreview } from "../../src/core/access-core.js";
import { ERROR_CODES, type ErrorCode, TEMPORARY_CODES } from "../../src/core/errors.js";
import { escapeHtml } from "../../src/html.js";
import { type ApiCore, handleApi } from "../../src/http/api.js";
import { HTTP_STATUS } from "../../src/http/error-status.js";
import { handleInvite, type InviteRouteDeps } from "../../src/http/invites.js";
import { RateLimiter } from "../../src/http/rate-limit.js";
import { createLogger } from "../../src/log.js";
import { plainWords, refusalWithCode } from "../helpers/refusals.js";

describe("every error code has an HTTP status", () => {
  const refusals = ERROR_CODES.filter((code) => !TEMPORARY_CODES.has(code));
  it.each(refusals)("%s is a 4xx, never a 500", (code) => {
    expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
    expect(HTTP_STATUS[code]).toBeLessThan(500);
  });

  it.each([...TEMPORARY_CODES])("%s (not now rather than no) is a 503", (code) => {
    expect(HTTP_STATUS[code]).toBe(503);
  });

  it("bad input is 400, refusals 403, unknown things 404, conflicts 409, dead invites 410", () => {
    expect(HTTP_STATUS).toMatchObject({
      INVALID_INPUT: 400,
      FORBIDDEN: 403,
      RANK_TOO_LOW: 403,
      SECOND_OWNER_NEEDED: 403,
      NO_SUCH_MEMBER: 404,
      NOT_INSTALLED: 404,
      LAST_OWNER: 409,
      REQUEST_CLOSED: 409,
      INVITE_EXPIRED: 410,
    });
  });
});

/**
 * The real API and invite handlers on a real HTTP server, in front of a core that refuses with
 * whichever code a test picks: the real core can raise only a few codes on these routes today, and
 * every code must still get its status rather than a 500.
 */
let refusal: ErrorCode = "INVALID_INPUT";
const refuse = (): never => {
  throw refusalWithCode(refusal);
};
/** What the refusal with that code says on the API and the invite pages. */
const said = (code: ErrorCode): string => plainWords(refusalWithCode(code));
const core: ApiCore & InviteRouteDeps["core"] = {
  authenticateApiKey: async () => "account-1",
  apiKeyPrefixInUse: () => true,
  apiMembers: refuse,
  apiMember: refuse,
  explain: refuse,
  inviteByToken: async (): Promise<InvitePreview> => ({
    state: "pending",
    accountId: "account-1",
    accountName: "Acme",
    email: "bob@acme.test",
    role: "teammate",
    permissions: [],
    inviter: null,
    expiresAt: "2099-01-01T00:00:00.000Z",
  }),
  acceptInvite: () => {
    if (bug) throw bug;
    return refuse();
  },
};
/** A failure that is no refusal (a bug of ours), when set. */
let bug: Error | null = null;
const TOKEN = "a".repeat(43);

let server: Server;
let base = "";
beforeAll(async () => {
  const invites: InviteRouteDeps = {
    core,
    logger: createLogger("silent"),
    limiter: new RateLimiter(100, 60_000),
    trustedProxies: new Set(),
  };
  const failed = (res: ServerResponse) => {
    res.writeHead(500);
    res.end();
  };
  server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? "/";
    if (path.startsWith("/api/"))
      handleApi(core, req, res, path, {
        limiter: new RateLimiter(100, 60_000),
        everywhere: new RateLimiter(1_000, 60_000),
        trustedProxies: new Set(),
      }).catch(() => failed(res));
    else {
      try {
        await handleInvite(invites, req, res, TOKEN);
      } catch {
        failed(res);
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("a refusal over HTTP gets its mapped status, never a 500", () => {
  it.each(ERROR_CODES)(
    "the API answers %s with its status and { error: { code, message } }",
    async (code) => {
      refusal = code;
      const res = await fetch(`${base}/api/v1/members`, { headers: { authorization: "Bearer key" } });
      expect(res.status).toBe(HTTP_STATUS[code]);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await res.json()).toEqual({ error: { code, message: said(code) } });
    },
  );

  it.each(ERROR_CODES.filter((code) => !code.startsWith("INVITE_")))(
    "accepting an invite refused with %s shows a page with its status and the reason",
    async (code) => {
      refusal = code;
      const res = await fetch(`${base}/invites/${TOKEN}`, { method: "POST" });
      expect(res.status).toBe(HTTP_STATUS[code]);
      expect(await res.text()).toContain(escapeHtml(said(code)));
    },
  );
});

describe("a browser on the invite page always gets a page", () => {
  it.each([...TEMPORARY_CODES])("%s (not now): an HTML 503 page with Retry-After", async (code) => {
    refusal = code;
    const res = await fetch(`${base}/invites/${TOKEN}`, { method: "POST" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await res.text();
    expect(page).toContain("Try again in a moment");
    expect(page).toContain(escapeHtml(said(code)));
    expect(page).not.toContain("send a new invite");
  });

  it("a failure of ours: an HTML 500 page, not JSON", async () => {
    bug = new Error("relation does not exist");
    try {
      const res = await fetch(`${base}/invites/${TOKEN}`, { method: "POST" });
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const page = await res.text();
      expect(page).toContain("Something went wrong on our side; nothing was changed.");
      expect(page).not.toContain("relation does not exist");
    } finally {
      bug = null;
    }
  });
});
