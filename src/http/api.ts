import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { CoreError, type ErrorCode, TEMPORARY_CODES } from "../core/errors.js";
import type { AccessCore } from "../core/index.js";
import type { PermissionKey } from "../core/permissions.js";
import { clientAddress } from "../shared/client-address.js";
import { refusalWords } from "../words/en/refusals.js";
import { plainDoor } from "../words/format.js";
import {
  API_BODY_LIMIT,
  type ApiError,
  type ApiErrorCode,
  type Authorization,
  type AuthorizationBatch,
  authorizeBatchRequestSchema,
  authorizeRequestSchema,
  canonicalBatch,
  canonicalCheck,
  type MemberList,
  type MemberWithPermissions,
} from "./api-schema.js";
import { BodyError, readJson } from "./body.js";
import { HTTP_STATUS, RETRY_AFTER_SECONDS } from "./error-status.js";
import { OPENAPI_PATH, servedOpenApi } from "./openapi.js";
import { RateLimiter } from "./rate-limit.js";

/**
 * Requests with a wrong API key (PRODUCT §8). Past its limit, an address is answered 429 for any key
 * that cannot open an account, told from memory, so a flood of made-up keys costs the database
 * nothing. Only keys that open nothing count; a valid key is served whatever its address did.
 */
export interface ApiKeyAttempts {
  /** Wrong keys per client address. */
  limiter: RateLimiter;
  /**
   * Wrong keys from all addresses together: past its limit (a flood spread over many addresses), every
   * key is told from memory first too, and a made-up one is answered 401 without a lookup.
   */
  everywhere: RateLimiter;
  /** Proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES). */
  trustedProxies: ReadonlySet<string>;
}

/** How many wrong keys the API takes, per address and from all together, in ten minutes (as the invite page). */
export const apiKeyAttempts = (
  trustedProxies: ReadonlySet<string>,
  limiter = new RateLimiter(30, 10 * 60_000),
): ApiKeyAttempts => ({
  limiter,
  everywhere: new RateLimiter(1_000, 10 * 60_000, Date.now, 2),
  trustedProxies,
});

/** The one key `ApiKeyAttempts.everywhere` counts under. */
const EVERYWHERE = "*";

export const apiError = (
  res: ServerResponse,
  status: number,
  code: ApiErrorCode,
  message: string,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  const body: ApiError = { error: { code, message } };
  res.end(JSON.stringify(body));
};

/** A refusal with a stable code: its status comes from the one table; "not now" says when to retry. */
const refuse = (res: ServerResponse, code: ErrorCode, message: string) =>
  apiError(
    res,
    HTTP_STATUS[code],
    code,
    message,
    TEMPORARY_CODES.has(code) ? { "retry-after": RETRY_AFTER_SECONDS } : {},
  );

/** A 200 answer: its shape is one of the document's (api-schema.ts), checked when compiled, not per request. */
const ok = (
  res: ServerResponse,
  body: MemberList | MemberWithPermissions | Authorization | AuthorizationBatch,
) => {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
};

/**
 * What the API asks of the core, typed with the document's shapes: a core answer that drifts from
 * what the document says (a field more, less or of another type) fails to compile here.
 */
export interface ApiCore {
  authenticateApiKey(key: string): string | null | Promise<string | null>;
  /** Whether a key could open an account at all, answered without asking the database per key. */
  apiKeyPrefixInUse(key: string): boolean | Promise<boolean>;
  apiMembers(accountId: string): Promise<Exactly<MemberList, Awaited<ReturnType<AccessCore["apiMembers"]>>>>;
  apiMember(
    accountId: string,
    email: unknown,
  ): Promise<Exactly<MemberWithPermissions, Awaited<ReturnType<AccessCore["apiMember"]>>>>;
  explain(
    accountId: string,
    email: string,
    permission: PermissionKey,
  ): Exactly<Authorization, Awaited<ReturnType<AccessCore["explain"]>>> | Promise<Authorization>;
}

/** `Document` when `Code` has exactly its shape, else `never` (so the core no longer fits ApiCore). */
type Exactly<Document, Code> = [Document] extends [Code]
  ? [Code] extends [Document]
    ? Document
    : never
  : never;

/** GET /api/v1/openapi.json: public and cacheable; built once. */
const serveOpenApi = (req: IncomingMessage, res: ServerResponse) => {
  req.resume();
  if (req.method !== "GET" && req.method !== "HEAD")
    return apiError(res, 405, "INVALID_INPUT", "Use GET.", { allow: "GET, HEAD" });
  const { body, etag } = servedOpenApi();
  const headers = { etag, "cache-control": "public, max-age=300", "access-control-allow-origin": "*" };
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, headers);
    return res.end();
  }
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(req.method === "HEAD" ? undefined : body);
};

/** Where an issue is, as a reader writes it: `checks[3].permission`. */
const issuePath = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");

/** The one message a refused body gets: the first issue, named by where it is in a batch. */
const bodyProblem = (issues: readonly z.core.$ZodIssue[], batch: boolean): string => {
  const first = issues[0];
  if (batch && first) return `${issuePath(first.path)}: ${first.message}`;
  // A well-formed single check naming an unknown permission is told the permissions there are.
  const unknownPermission = issues.every((i) => i.path[0] === "permission" && i.code === "invalid_value");
  return unknownPermission && first
    ? first.message
    : 'Send JSON: { "email": "…", "permission": "export_users" }, or { "checks": [ … ] }.';
};

/**
 * POST /api/v1/authorize: one check, or `{ checks: [...] }` (1..100) answered `{ results: [...] }`
 * in the same order. One bad entry refuses the whole batch, naming it.
 */
const authorize = async (core: ApiCore, accountId: string, req: IncomingMessage, res: ServerResponse) => {
  const body = await readJson(req, API_BODY_LIMIT);
  const batch = typeof body === "object" && body !== null && !Array.isArray(body) && "checks" in body;
  if (!batch) {
    let check = canonicalCheck(body);
    if (check === null) {
      const parsed = authorizeRequestSchema.safeParse(body);
      if (!parsed.success) return refuse(res, "INVALID_INPUT", bodyProblem(parsed.error.issues, false));
      check = parsed.data;
    }
    const answer = core.explain(accountId, check.email, check.permission);
    return ok(res, answer instanceof Promise ? await answer : answer);
  }
  let checks = canonicalBatch(body)?.checks;
  if (checks === undefined) {
    const parsed = authorizeBatchRequestSchema.safeParse(body);
    if (!parsed.success) return refuse(res, "INVALID_INPUT", bodyProblem(parsed.error.issues, true));
    checks = parsed.data.checks;
  }
  const results: Authorization[] = [];
  for (const check of checks) {
    const answer = core.explain(accountId, check.email, check.permission);
    results.push(answer instanceof Promise ? await answer : answer);
  }
  return ok(res, { results });
};

/**
 * The account a key opens, asked during a flood: the key is looked up only when its prefix is one in
 * use (known from memory), so a valid key is still served and a made-up one never reaches the store.
 */
const ifPrefixInUse = async (core: ApiCore, key: string): Promise<string | null> => {
  const inUse = core.apiKeyPrefixInUse(key);
  if (!(inUse instanceof Promise ? await inUse : inUse)) return null;
  return core.authenticateApiKey(key);
};

/**
 * §8: the rest of the product asks here, with the organisation key, who is on the team and whether a
 * member may use a feature. Answers come from the same cache as the core's `can()`.
 */
export const handleApi = async (
  core: ApiCore,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  attempts: ApiKeyAttempts,
) => {
  if (path === OPENAPI_PATH) return serveOpenApi(req, res);
  const bearer = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? "")?.[1];
  // No key has failed lately (the limiter is empty): nothing to look up on the hot path.
  const someFailed = bearer !== undefined && attempts.limiter.size > 0;
  const wait = someFailed ? attempts.limiter.retryAfter(clientAddress(req, attempts.trustedProxies)) : 0;
  const flooded = wait > 0 || (someFailed && attempts.everywhere.retryAfter(EVERYWHERE) > 0);
  let accountId: string | null = null;
  if (bearer) {
    const known = flooded ? ifPrefixInUse(core, bearer) : core.authenticateApiKey(bearer);
    if (known instanceof Promise) {
      // A lookup under way counts toward its address's limit until it is known (a failure is then
      // counted below): many wrong keys at once from one address are not all looked up.
      const address = clientAddress(req, attempts.trustedProxies);
      attempts.limiter.reserve(address);
      try {
        accountId = await known;
      } finally {
        attempts.limiter.release(address);
      }
    } else accountId = known;
  }
  if (!accountId && wait > 0) {
    req.resume();
    apiError(
      res,
      429,
      "RATE_LIMITED",
      `Too many requests with a wrong API key from your address; try again in ${wait} s.`,
      { "retry-after": String(wait) },
    );
    return;
  }
  if (!accountId) {
    // Only a key shown and refused counts; a request without one cost no lookup.
    if (bearer) {
      attempts.limiter.hit(clientAddress(req, attempts.trustedProxies));
      attempts.everywhere.hit(EVERYWHERE);
    }
    req.resume();
    apiError(
      res,
      401,
      "UNAUTHORIZED",
      "A valid organisation API key is required (Authorization: Bearer …).",
      {
        "www-authenticate": 'Bearer realm="rolecall"',
      },
    );
    return;
  }
  try {
    if (path === "/api/v1/members") {
      req.resume();
      if (req.method !== "GET") return apiError(res, 405, "INVALID_INPUT", "Use GET.", { allow: "GET" });
      return ok(res, await core.apiMembers(accountId));
    }
    const one = /^\/api\/v1\/members\/([^/]+)$/.exec(path);
    if (one?.[1]) {
      req.resume();
      if (req.method !== "GET") return apiError(res, 405, "INVALID_INPUT", "Use GET.", { allow: "GET" });
      let email: string;
      try {
        email = decodeURIComponent(one[1]);
      } catch {
        return refuse(res, "INVALID_INPUT", "The email in the path is not valid URL encoding.");
      }
      return ok(res, await core.apiMember(accountId, email));
    }
    if (path === "/api/v1/authorize") {
      if (req.method !== "POST") {
        req.resume();
        return apiError(res, 405, "INVALID_INPUT", "Use POST.", { allow: "POST" });
      }
      return await authorize(core, accountId, req, res);
    }
    req.resume();
    return apiError(res, 404, "NOT_FOUND", "No such endpoint.");
  } catch (error) {
    if (error instanceof BodyError) return apiError(res, error.status, "INVALID_INPUT", error.message);
    if (error instanceof CoreError) return refuse(res, error.code, refusalWords(error.refusal, plainDoor));
    throw error;
  }
};
