import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PERMISSION_KEYS } from "../../src/core/permissions.js";
import {
  authorizeBatchRequestSchema,
  authorizeRequestSchema,
  canonicalBatch,
  canonicalCheck,
} from "../../src/http/api-schema.js";

/** Bodies near the canonical form, so the shortcut and the schema are held to each other where it matters. */
const permission = fc.oneof(
  fc.constantFrom(...PERMISSION_KEYS),
  fc.constantFrom("Export-Users", " billing", "BILLING", "launch", "", "__proto__", "toString"),
  fc.anything(),
);
const email = fc.oneof(fc.emailAddress(), fc.string({ maxLength: 300 }), fc.anything());
const check = fc.oneof(
  fc.record({ email, permission }),
  fc.record({ email, permission }, { requiredKeys: [] }),
  fc.record({ email, permission, extra: fc.anything() }),
  fc.anything(),
);

describe("the authorize shortcut (canonicalCheck, canonicalBatch)", () => {
  it("takes a body only when the schema reads it to the same check, else leaves it to the schema", () => {
    fc.assert(
      fc.property(check, (raw) => {
        const body: unknown = JSON.parse(JSON.stringify(raw) ?? "null");
        const fast = canonicalCheck(body);
        const parsed = authorizeRequestSchema.safeParse(body);
        if (fast !== null) expect(parsed).toEqual({ success: true, data: fast });
        const canonical =
          parsed.success &&
          JSON.stringify(parsed.data) === JSON.stringify(body) &&
          Object.keys(body as object).length === 2;
        if (canonical) expect(fast).toEqual(parsed.data);
      }),
      { numRuns: 3_000 },
    );
  });

  it("does the same for batches: every entry canonical, 1 to 100 of them, nothing beside", () => {
    const batch = fc.oneof(
      fc.record({ checks: fc.array(check, { maxLength: 4 }) }),
      fc.record({
        checks: fc.array(
          fc.record({ email: fc.emailAddress(), permission: fc.constantFrom(...PERMISSION_KEYS) }),
          { minLength: 99, maxLength: 102 },
        ),
      }),
      fc.record({ checks: fc.array(check, { maxLength: 2 }), other: fc.anything() }),
      fc.record({ checks: fc.anything() }),
    );
    fc.assert(
      fc.property(batch, (raw) => {
        const body: unknown = JSON.parse(JSON.stringify(raw) ?? "null");
        const fast = canonicalBatch(body);
        const parsed = authorizeBatchRequestSchema.safeParse(body);
        if (fast !== null) expect(parsed).toEqual({ success: true, data: fast });
        else if (parsed.success)
          expect((body as { checks: unknown[] }).checks.some((c) => canonicalCheck(c) === null)).toBe(true);
      }),
      { numRuns: 1_500 },
    );
    expect(
      canonicalBatch({
        checks: Array.from({ length: 101 }, () => ({ email: "a@b.c", permission: "billing" })),
      }),
    ).toBeNull();
    expect(canonicalCheck(JSON.parse('{"email":"a@b.c","permission":"billing","__proto__":{}}'))).toBeNull();
  });
});
