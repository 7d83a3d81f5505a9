import { createHash } from "node:crypto";
import { z } from "zod";
import { API_BODY_LIMIT } from "./api-schema.js";

export const OPENAPI_PATH = "/api/v1/openapi.json";

const schemaRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/**
 * The components: every schema api-schema.ts gives an id, converted by zod to JSON Schema 2020-12 (the
 * dialect of OpenAPI 3.1). Only api-schema.ts gives schemas ids.
 */
const componentSchemas = (): Record<string, unknown> => {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: "draft-2020-12",
    io: "output",
    uri: (id) => `#/components/schemas/${id}`,
  });
  // One dialect for the whole document (jsonSchemaDialect), and components are named by their place.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema]),
  );
};

const json = (schema: object) => ({ "application/json": { schema } });
const errorResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  content: json(schemaRef("Error")),
  ...(headers ? { headers } : {}),
});

/** Refusals and failures, each once; operations refer to the ones they can answer. */
const RESPONSES = {
  BadRequest: errorResponse(
    "Malformed input, a NUL or broken UTF-16 (a lone surrogate) in any string included (code INVALID_INPUT).",
  ),
  Unauthorized: errorResponse("The organisation API key is missing or wrong (code UNAUTHORIZED).", {
    "WWW-Authenticate": { schema: { type: "string" }, description: 'Bearer realm="rolecall"' },
  }),
  TooManyWrongKeys: errorResponse(
    "Too many requests with a wrong key came from this client address lately (code RATE_LIMITED); a valid key is still served.",
    { "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait before trying again." } },
  ),
  NoSuchMember: errorResponse("Nobody with that email is a current member (code NO_SUCH_MEMBER)."),
  MethodNotAllowed: errorResponse(
    "The path exists but not with this method (code INVALID_INPUT); `Allow` names the one it takes.",
    { Allow: { schema: { type: "string" } } },
  ),
  TooLarge: errorResponse(`The body is larger than ${API_BODY_LIMIT} bytes (code INVALID_INPUT).`),
  TooLate: errorResponse(
    "The request (headers and body) did not arrive in full within the server's REQUEST_BODY_TIMEOUT_MS of its first byte (code INVALID_INPUT); the connection is closed.",
  ),
  Unavailable: errorResponse("The database is not answering; nothing was changed (code UNAVAILABLE).", {
    "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait before trying again." },
  }),
  Internal: errorResponse("Something failed on Rolecall's side (code INTERNAL)."),
} as const;

const ref = (name: keyof typeof RESPONSES) => ({ $ref: `#/components/responses/${name}` });
const always = {
  "401": ref("Unauthorized"),
  "429": ref("TooManyWrongKeys"),
  "503": ref("Unavailable"),
  "500": ref("Internal"),
};
const otherMethods = (allowed: string) =>
  `Any other method is answered 405 (see components.responses.MethodNotAllowed) with \`Allow: ${allowed}\`.`;

/** The OpenAPI 3.1 document of /api/v1 (PRODUCT §8). */
export const buildOpenApiDocument = () => ({
  openapi: "3.1.0",
  jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
  info: {
    title: "Rolecall authorization API",
    version: "1.0.0",
    description:
      "Who is on the team, with which role, and whether a member may use a feature. Every operation but this document needs the organisation API key as a Bearer token.",
  },
  security: [{ organisationKey: [] }],
  paths: {
    "/api/v1/members": {
      description: otherMethods("GET"),
      get: {
        operationId: "listMembers",
        summary: "Every current member with role and status",
        responses: {
          "200": { description: "The members.", content: json(schemaRef("MemberList")) },
          ...always,
        },
      },
    },
    "/api/v1/members/{email}": {
      description: otherMethods("GET"),
      get: {
        operationId: "getMember",
        summary: "One member with the permissions they may use now",
        parameters: [
          {
            name: "email",
            in: "path",
            required: true,
            description: "The member's email, URL-encoded (compared case-insensitively).",
            schema: { type: "string" },
          },
        ],
        responses: {
          "200": { description: "The member.", content: json(schemaRef("MemberWithPermissions")) },
          "400": ref("BadRequest"),
          "404": ref("NoSuchMember"),
          ...always,
        },
      },
    },
    "/api/v1/authorize": {
      description: otherMethods("POST"),
      post: {
        operationId: "authorize",
        summary: "May this member use this feature?",
        description:
          "Honours time-bound grants, and says so in `reason` and `grant`. Takes one check, or a batch " +
          "`{ checks: [...] }` (1 to 100) answered as `{ results: [...] }` in the same order; one bad entry " +
          "refuses the whole batch with 400, its message naming the entry (`checks[3].permission: …`).",
        requestBody: { required: true, content: json(schemaRef("AuthorizeBody")) },
        responses: {
          "200": {
            description: "The answer (a non-member is answered `allowed: false`, not 404).",
            content: json(schemaRef("AuthorizeAnswer")),
          },
          "400": ref("BadRequest"),
          "408": ref("TooLate"),
          "413": ref("TooLarge"),
          ...always,
        },
      },
    },
    [OPENAPI_PATH]: {
      get: {
        operationId: "openApiDocument",
        summary: "This document",
        security: [],
        responses: { "200": { description: "The OpenAPI 3.1 document.", content: json({ type: "object" }) } },
      },
    },
  },
  components: {
    securitySchemes: {
      organisationKey: {
        type: "http",
        scheme: "bearer",
        description:
          "The organisation API key (rc_…), shown once when the account is created or the key rotated.",
      },
    },
    schemas: componentSchemas(),
    responses: RESPONSES,
  },
});

/** The document as served: built once, with a validator so clients and caches can ask "changed?". */
export const servedOpenApi = (() => {
  let built: { body: string; etag: string } | null = null;
  return () => {
    if (!built) {
      const body = JSON.stringify(buildOpenApiDocument());
      built = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
    }
    return built;
  };
})();
