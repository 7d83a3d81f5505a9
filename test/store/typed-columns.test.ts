import { describe, expect, it } from "vitest";
import {
  AUDIT_TARGET_TEXT,
  auditTargetFromColumn,
  auditTargetText,
  auditTargetToColumn,
  legacyAuditTarget,
} from "../../src/core/audit.js";
import type { AuditTarget, RequestOutcome } from "../../src/core/model.js";
import { outcomeFromColumn, outcomeToColumn } from "../../src/store/rows.js";

/**
 * What the store keeps as typed data (an audit entry's target, a request's outcome) is JSON; rows
 * written before, as strings, still read — into the same types, once, in the store.
 */

const TARGETS: { [T in AuditTarget["type"]]: Extract<AuditTarget, { type: T }> } = {
  member: { type: "member", email: "tom@acme.test" },
  role: { type: "role", role: "admin" },
  setting: { type: "setting", setting: "four_eyes" },
  request: { type: "request", id: "RABC234" },
  api_key: { type: "api_key" },
  account: { type: "account", slackTeamId: "T0ACME" },
  installation: { type: "installation", key: "T0ACME" },
  unknown: { type: "unknown", text: "whatsapp:+447700900123" },
};

describe("an audit entry's target", () => {
  it.each(Object.values(TARGETS))("%j is stored as JSON and reads back as itself", (target) => {
    expect(auditTargetFromColumn(auditTargetToColumn(target))).toEqual({ target });
  });

  it.each(Object.values(TARGETS))("%j, written as a string before, reads as the same type", (target) => {
    const legacy = auditTargetText(target);
    expect(legacyAuditTarget(legacy)).toEqual(target);
    // The string it stored stays beside it: the entry's hash covers that string.
    expect(auditTargetFromColumn(legacy)).toEqual({ target, legacyTarget: legacy });
  });

  it("has a text form for every type (the CLI's audit shows it)", () => {
    expect(Object.keys(AUDIT_TARGET_TEXT).sort()).toEqual(Object.keys(TARGETS).sort());
    expect(auditTargetText(TARGETS.role)).toBe("role:admin");
    expect(auditTargetText(TARGETS.setting)).toBe("setting:four_eyes");
    expect(auditTargetText(TARGETS.api_key)).toBe("account:api_key");
  });
});

describe("a request's outcome", () => {
  it.each<RequestOutcome>([
    { applied: true },
    { applied: true, until: "2026-01-01T02:00:00.000Z" },
    { applied: false, code: "NO_SUCH_MEMBER", why: "tm@acme.test is not a member of this team." },
    { closed: "Rolecall could not carry this request over." },
  ])("%j is stored as JSON and reads back as itself", (outcome) => {
    expect(outcomeFromColumn(outcomeToColumn(outcome), "approved")).toEqual(outcome);
  });

  it("written as a sentence before, reads as the same facts", () => {
    expect(outcomeFromColumn("applied", "approved")).toEqual({ applied: true });
    expect(outcomeFromColumn("applied until 2026-01-01T02:00:00.000Z", "approved")).toEqual({
      applied: true,
      until: "2026-01-01T02:00:00.000Z",
    });
    expect(outcomeFromColumn("tm@acme.test is not a member of this team.", "failed")).toEqual({
      applied: false,
      why: "tm@acme.test is not a member of this team.",
    });
    expect(outcomeFromColumn("Rolecall could not carry this request over.", "expired")).toEqual({
      closed: "Rolecall could not carry this request over.",
    });
    expect(outcomeFromColumn(null, "pending")).toBeNull();
  });
});
