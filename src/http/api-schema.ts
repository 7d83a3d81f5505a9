import { z } from "zod";
import { ERROR_CODES } from "../core/errors.js";
import { permissionSchema, roleSchema } from "../core/input.js";
import { MEMBER_STATUSES } from "../core/model.js";
import { PERMISSION_KEYS, type PermissionKey } from "../core/permissions.js";

/**
 * The shapes of /api/v1 (PRODUCT §8), in and out. Requests are validated with these schemas, handlers
 * are type-checked against what they infer, and the OpenAPI document (openapi.ts) is generated from
 * them, so the three cannot drift apart.
 */

/** The largest batch POST /api/v1/authorize answers in one request. */
export const AUTHORIZE_BATCH_MAX = 100;

/**
 * The largest body POST /api/v1/authorize reads (413 beyond): room for a full batch of the longest
 * emails (100 × ~300 bytes), and no more.
 */
export const API_BODY_LIMIT = 64 * 1024;

/** Codes only HTTP has, beside the core's refusals: no key, too many wrong keys, no such endpoint, a bug. */
export const API_ONLY_ERROR_CODES = ["UNAUTHORIZED", "RATE_LIMITED", "NOT_FOUND", "INTERNAL"] as const;
export const API_ERROR_CODES = [...ERROR_CODES, ...API_ONLY_ERROR_CODES] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z
        .enum(API_ERROR_CODES)
        .meta({ description: "A stable code: branch on this, not on the message." }),
      message: z.string().meta({ description: "A sentence a person can act on." }),
    }),
  })
  .meta({ id: "Error", description: "Every refusal and failure of the API has this shape." });
export type ApiError = z.infer<typeof apiErrorSchema>;

export const authorizeRequestSchema = z
  .object({
    email: z.string().max(254).meta({ description: "The member's email (compared case-insensitively)." }),
    permission: permissionSchema.meta({
      description: `A permission key: ${PERMISSION_KEYS.join(", ")} (case and dashes are forgiven).`,
      examples: ["export_users"],
    }),
  })
  .strict()
  .meta({ id: "AuthorizeRequest", description: "May this member use this feature?" });

const PERMISSION_KEY_SET: ReadonlySet<string> = new Set(PERMISSION_KEYS);

/**
 * A check already in the form `authorizeRequestSchema` reads it as (exactly `email`, a string of at
 * most 254, and `permission`, a key as written in the catalog), taken as it is; null for anything
 * else, which the schema then reads (forgiving case and dashes) or refuses with its words. The hot
 * path's shortcut: a test holds it to the schema's answer.
 */
export const canonicalCheck = (body: unknown): z.infer<typeof authorizeRequestSchema> | null => {
  if (typeof body !== "object" || body === null) return null;
  const { email, permission } = body as { email?: unknown; permission?: unknown };
  if (typeof email !== "string" || email.length > 254) return null;
  if (typeof permission !== "string" || !PERMISSION_KEY_SET.has(permission)) return null;
  let keys = 0;
  for (const key in body) if (Object.hasOwn(body, key)) keys++;
  return keys === 2 ? { email, permission: permission as PermissionKey } : null;
};

/** A batch whose every check is canonical (see `canonicalCheck`), taken as it is; else null. */
export const canonicalBatch = (body: unknown): z.infer<typeof authorizeBatchRequestSchema> | null => {
  if (typeof body !== "object" || body === null) return null;
  const { checks } = body as { checks?: unknown };
  if (!Array.isArray(checks) || checks.length < 1 || checks.length > AUTHORIZE_BATCH_MAX) return null;
  let keys = 0;
  for (const key in body) if (Object.hasOwn(body, key)) keys++;
  if (keys !== 1) return null;
  const read: z.infer<typeof authorizeRequestSchema>[] = [];
  for (const check of checks) {
    const one = canonicalCheck(check);
    if (one === null) return null;
    read.push(one);
  }
  return { checks: read };
};

export const authorizeBatchRequestSchema = z
  .object({
    checks: z
      .array(authorizeRequestSchema)
      .min(1, "Send at least one check.")
      .max(AUTHORIZE_BATCH_MAX, `At most ${AUTHORIZE_BATCH_MAX} checks per request.`)
      .meta({ description: `1 to ${AUTHORIZE_BATCH_MAX} checks, answered in the same order.` }),
  })
  .strict()
  .meta({
    id: "AuthorizeBatchRequest",
    description:
      "Several checks in one request; one bad entry refuses the whole request (400 naming its index).",
  });

/** The body of POST /api/v1/authorize: one check, or a batch. */
export const authorizeBodySchema = z
  .xor([authorizeRequestSchema, authorizeBatchRequestSchema])
  .meta({ id: "AuthorizeBody", description: "One check, or `{ checks: [...] }`." });

const permissionKeySchema = z.enum(PERMISSION_KEYS).meta({ id: "Permission" });
const roleKeySchema = roleSchema.meta({ id: "Role" });

export const apiMemberSchema = z
  .object({
    email: z.string(),
    name: z.string().nullable(),
    role: roleKeySchema,
    status: z.enum(MEMBER_STATUSES).meta({ id: "MemberStatus" }),
  })
  .meta({ id: "Member" });

export const memberListSchema = z
  .object({ members: z.array(apiMemberSchema) })
  .meta({ id: "MemberList", description: "Every current member (invited or active), with role and status." });
export type MemberList = z.infer<typeof memberListSchema>;

export const memberWithPermissionsSchema = apiMemberSchema
  .extend({
    permissions: z.array(permissionKeySchema).meta({
      description:
        "What the member may use now: by role, or by a time-bound grant before its end. None unless active.",
    }),
  })
  .meta({ id: "MemberWithPermissions" });
export type MemberWithPermissions = z.infer<typeof memberWithPermissionsSchema>;

export const authorizationSchema = z
  .object({
    allowed: z.boolean(),
    role: roleKeySchema
      .nullable()
      .meta({ description: "The member's role; null when they are not a member." }),
    reason: z
      .string()
      .meta({ description: "Why, in plain words (names a time-bound grant when one allows it)." }),
    grant: z
      .object({
        permission: permissionKeySchema,
        endsAt: z.string().meta({ description: "When the grant ends (ISO 8601).", format: "date-time" }),
        grantedBy: z.string().meta({ description: "The email of whoever granted or approved it." }),
      })
      .optional()
      .meta({ description: "Present when a time-bound grant is what allows it." }),
  })
  .meta({ id: "Authorization" });
export type Authorization = z.infer<typeof authorizationSchema>;

export const authorizationBatchSchema = z
  .object({
    results: z
      .array(authorizationSchema)
      .meta({ description: "One answer per check, in the order of `checks`." }),
  })
  .meta({ id: "AuthorizationBatch" });
export type AuthorizationBatch = z.infer<typeof authorizationBatchSchema>;

/** The answer of POST /api/v1/authorize: one answer for one check, `results` for a batch. */
export const authorizeAnswerSchema = z.xor([authorizationSchema, authorizationBatchSchema]).meta({
  id: "AuthorizeAnswer",
  description: "An Authorization for one check; AuthorizationBatch for `checks`.",
});
