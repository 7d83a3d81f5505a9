import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it } from "vitest";
import { json, rolecall } from "../helpers/cli.js";
import { grantTeammateBilling, PEOPLE, startHarness } from "../helpers/slack-harness.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, Response>;
    securitySchemes: Record<string, { type: string; scheme?: string }>;
  };
}
interface Response {
  $ref?: string;
  content?: Record<string, { schema: object }>;
  headers?: Record<string, unknown>;
}

/** The real app (harness), its organisation key, and its document as it serves it. */
const setup = async () => {
  const h = await startHarness();
  cleanups.push(() => h.stop());
  const { apiKey } = json<{ apiKey: string }>(rolecall(h.db, ["apikey", "rotate", "--json"]));
  const call = (path: string, init: RequestInit & { key?: string | null } = {}) => {
    const headers = new Headers(init.headers);
    const key = init.key === undefined ? apiKey : init.key;
    if (key) headers.set("authorization", `Bearer ${key}`);
    return fetch(`${h.base}${path}`, { ...init, headers });
  };
  const served = await fetch(`${h.base}/api/v1/openapi.json`);
  const doc = (await served.json()) as Doc;
  return { h, call, served, doc };
};

/**
 * Checks a real answer against the document: the operation lists its status (or, for a method the
 * path does not take, components.responses.MethodNotAllowed), its body is JSON matching the schema
 * there (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses), and the headers it declares are sent.
 */
const conformance = (doc: Doc) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat("date-time", (s: string) =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s),
  );
  ajv.addSchema({ $id: "rolecall:openapi", components: doc.components });
  const resolve = (response: Response | undefined): Response | undefined =>
    response?.$ref
      ? doc.components.responses[response.$ref.replace("#/components/responses/", "")]
      : response;
  return async (path: string, method: string, res: globalThis.Response) => {
    const operation = doc.paths[path]?.[method.toLowerCase()];
    const documented = resolve(
      operation ? operation.responses[String(res.status)] : doc.components.responses.MethodNotAllowed,
    );
    const where = `${method} ${path} → ${res.status}`;
    expect(documented, `${where} is in the document`).toBeDefined();
    expect(res.headers.get("content-type"), where).toMatch(/^application\/json/);
    const schema = documented?.content?.["application/json"]?.schema as { $ref?: string } | undefined;
    expect(schema?.$ref, where).toMatch(/^#\/components\/schemas\//);
    const validate = ajv.compile({ $ref: `rolecall:openapi${schema?.$ref}` });
    const body: unknown = await res.json();
    expect({ where, valid: validate(body), errors: validate.errors ?? null, body }).toMatchObject({
      valid: true,
      errors: null,
    });
    for (const header of Object.keys(documented?.headers ?? {}))
      expect(res.headers.get(header), `${where}: ${header}`).not.toBeNull();
    return body;
  };
};

describe("GET /api/v1/openapi.json (PRODUCT §8)", () => {
  it("is a valid OpenAPI 3.1 document, served without a key, cacheable", async () => {
    const { call, served, doc } = await setup();
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toMatch(/^application\/json/);
    expect(served.headers.get("cache-control")).toMatch(/public/);
    const etag = served.headers.get("etag") ?? "";
    expect(etag).not.toBe("");
    const again = await call("/api/v1/openapi.json", { key: null, headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect((await call("/api/v1/openapi.json", { method: "POST", key: null })).status).toBe(405);

    const validator = new Validator();
    const result = await validator.validate(
      structuredClone(doc) as unknown as Parameters<Validator["validate"]>[0],
    );
    expect(result).toEqual({ valid: true });
    expect(validator.version).toBe("3.1");
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.components.securitySchemes).toEqual({
      organisationKey: expect.objectContaining({ type: "http", scheme: "bearer" }),
    });
    expect(Object.keys(doc.paths).sort()).toEqual(
      ["/api/v1/authorize", "/api/v1/members", "/api/v1/members/{email}", "/api/v1/openapi.json"].sort(),
    );
    expect(doc.components.schemas.Error).toMatchObject({
      properties: { error: { properties: { code: { enum: expect.arrayContaining(["NO_SUCH_MEMBER"]) } } } },
    });
  });

  it("describes every real answer of the API: successes and refusals match its schemas", async () => {
    const { h, call, doc } = await setup();
    const check = conformance(doc);
    const authorize = (body: string, key?: string | null) =>
      call("/api/v1/authorize", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        ...(key === undefined ? {} : { key }),
      });

    // A time-bound grant, so an answer with `grant` is among those checked.
    await grantTeammateBilling(h);

    const list = (await check("/api/v1/members", "GET", await call("/api/v1/members"))) as {
      members: unknown[];
    };
    expect(list.members.length).toBeGreaterThan(3);
    await check("/api/v1/members/{email}", "GET", await call("/api/v1/members/admin%40acme.test"));
    await check("/api/v1/members/{email}", "GET", await call("/api/v1/members/invited%40acme.test"));
    const granted = await check(
      "/api/v1/authorize",
      "POST",
      await authorize(JSON.stringify({ email: PEOPLE.teammate.email, permission: "billing" })),
    );
    expect(granted).toMatchObject({ allowed: true, grant: { permission: "billing" } });
    for (const [email, permission] of [
      [PEOPLE.owner.email, "team_settings"],
      [PEOPLE.admin.email, "team_settings"],
      [PEOPLE.invited.email, "billing"],
      ["nobody@acme.test", "billing"],
    ] as const)
      await check("/api/v1/authorize", "POST", await authorize(JSON.stringify({ email, permission })));

    // The batch form: a real answer, one entry granted for a time, is one the document describes.
    const checks = [
      { email: PEOPLE.teammate.email, permission: "billing" },
      { email: PEOPLE.admin.email, permission: "team_settings" },
      { email: "nobody@acme.test", permission: "billing" },
    ];
    const answered = (await check(
      "/api/v1/authorize",
      "POST",
      await authorize(JSON.stringify({ checks })),
    )) as { results: { allowed: boolean; grant?: object }[] };
    expect(answered.results.map((r) => [r.allowed, Boolean(r.grant)])).toEqual([
      [true, true],
      [false, false],
      [false, false],
    ]);
    expect(
      await check(
        "/api/v1/authorize",
        "POST",
        await authorize(JSON.stringify({ checks: [...checks, { email: "a@b.c", permission: "launch" }] })),
      ),
    ).toMatchObject({ error: { code: "INVALID_INPUT", message: expect.stringMatching(/^checks\[3\]/) } });

    // Refusals: 400, 401, 404, 405, 413 (and 429 below).
    for (const body of ["{", '{"email":"a@b.c"}', JSON.stringify({ email: "a@b.c", permission: "launch" })])
      expect(await check("/api/v1/authorize", "POST", await authorize(body))).toMatchObject({
        error: { code: "INVALID_INPUT" },
      });
    await check("/api/v1/authorize", "POST", await authorize("x".repeat(70_000)));
    await check("/api/v1/authorize", "POST", await authorize("{}", null));
    await check("/api/v1/members", "GET", await call("/api/v1/members", { key: "rc_wrong" }));
    await check("/api/v1/members/{email}", "GET", await call("/api/v1/members/nobody%40acme.test"));
    await check("/api/v1/members/{email}", "GET", await call("/api/v1/members/%E0%A4%A"));
    await check("/api/v1/members/{email}", "GET", await call("/api/v1/members/not-an-email"));
    await check("/api/v1/authorize", "GET", await call("/api/v1/authorize"));
    await check("/api/v1/members", "DELETE", await call("/api/v1/members", { method: "DELETE" }));

    // 429: wrong keys from this address past its limit (last: from now on this address is limited).
    let limited: globalThis.Response | undefined;
    for (let i = 0; i < 100 && limited === undefined; i++) {
      const res = await call("/api/v1/members", { key: `rc_${"x".repeat(43)}` });
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    expect(limited?.status).toBe(429);
    if (limited) await check("/api/v1/members", "GET", limited);
  });
});
