import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { AccessCore } from "../core/access-core.js";
import { CoreError, type ErrorCode } from "../core/errors.js";
import { permissionSchema } from "../core/input.js";
import { BodyError, readJson } from "./body.js";
import { HTTP_STATUS } from "./error-status.js";

export const API_BODY_LIMIT = 16 * 1024;

const authorizeBody = z.object({ email: z.string().max(254), permission: z.string().max(64) }).strict();

const apiError = (
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(JSON.stringify({ error: { code, message } }));
};

/** A refusal with a stable code: its status comes from the one table. */
const refuse = (res: ServerResponse, code: ErrorCode, message: string) =>
  apiError(res, HTTP_STATUS[code], code, message);

const ok = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
};

/** What the API asks of the core. */
export type ApiCore = Pick<AccessCore, "authenticateApiKey" | "apiMembers" | "apiMember" | "explain">;

/**
 * §8: the rest of the product asks here, with the organisation key, who is on the team and whether a
 * member may use a feature. Answers come from the same cache as the core's `can()`.
 */
export const handleApi = async (core: ApiCore, req: IncomingMessage, res: ServerResponse, path: string) => {
  const bearer = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? "")?.[1];
  const accountId = bearer ? await core.authenticateApiKey(bearer) : null;
  if (!accountId) {
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
      const parsed = authorizeBody.safeParse(await readJson(req, API_BODY_LIMIT));
      if (!parsed.success) {
        return refuse(res, "INVALID_INPUT", 'Send JSON: { "email": "…", "permission": "export_users" }.');
      }
      const permission = permissionSchema.safeParse(parsed.data.permission);
      if (!permission.success) return refuse(res, "INVALID_INPUT", permission.error.issues[0]?.message ?? "");
      return ok(res, await core.explain(accountId, parsed.data.email, permission.data));
    }
    req.resume();
    return apiError(res, 404, "NOT_FOUND", "No such endpoint.");
  } catch (error) {
    if (error instanceof BodyError) return apiError(res, error.status, "INVALID_INPUT", error.message);
    if (error instanceof CoreError) return refuse(res, error.code, error.message);
    throw error;
  }
};
