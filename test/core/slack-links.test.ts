import { afterEach, describe, expect, it } from "vitest";
import { removeMember } from "../helpers/core.js";
import { closeTeams, codeOf, errorOf, team } from "../helpers/core-team.js";

/** PRODUCT §6: linking a member to their Slack user, once, and never over another's link. */

afterEach(closeTeams);

describe("§6 linking Slack users: a member linked to one Slack user is not taken over by another", () => {
  it("re-linking a member already linked to another Slack user is refused, and the first link stays", async () => {
    const { core, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    expect((await core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0FIRST")).changed).toBe(true);
    const refusal = await errorOf(() => core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0SECOND"));
    expect(refusal.code).toBe("NOT_A_MEMBER");
    expect(refusal.message).toContain("linked to another Slack user");
    expect((await core.findLinkedMember(seeded.accountId, "U0FIRST"))?.email).toBe("tm@acme.test");
    expect(await core.findLinkedMember(seeded.accountId, "U0SECOND")).toBeNull();
    expect(
      (await core.whoami({ accountId: seeded.accountId, actor: { slackUserId: "U0FIRST" }, source: "slack" }))
        .email,
    ).toBe("tm@acme.test");
  });

  it("linking the same Slack user again changes nothing and audits nothing", async () => {
    const { core, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    await core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0FIRST");
    const entries = (await core.fullAuditLog(seeded.accountId)).length;
    expect(await core.linkSlackUser(seeded.accountId, "TM@acme.test", "U0FIRST")).toMatchObject({
      changed: false,
      why: { of: "slack_link", member: { email: "tm@acme.test", role: "teammate" } },
    });
    expect(await core.fullAuditLog(seeded.accountId)).toHaveLength(entries);
  });

  it("a first link is audited from no Slack user to the new one", async () => {
    const { core, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    await core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0FIRST");
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      actor: "system",
      source: "slack",
      action: "member.slack_linked",
      target: { type: "member", email: "tm@acme.test" },
      before: { slackUserId: null },
      after: { slackUserId: "U0FIRST" },
    });
  });

  it("linking a removed member is refused (NOT_A_MEMBER) and links nobody", async () => {
    const { core, seeded } = await team([{ email: "gone@acme.test", role: "admin", status: "removed" }]);
    const refusal = await errorOf(() => core.linkSlackUser(seeded.accountId, "gone@acme.test", "U0GONE"));
    expect(refusal.code).toBe("NOT_A_MEMBER");
    expect(await core.findLinkedMember(seeded.accountId, "U0GONE")).toBeNull();
    expect(await codeOf(() => core.linkSlackUser(seeded.accountId, "nobody@acme.test", "U0NOBODY"))).toBe(
      "NOT_A_MEMBER",
    );
  });

  it("a linked member who is later removed is no longer found by their Slack user", async () => {
    const { core, seeded, owner } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    await core.linkSlackUser(seeded.accountId, "tm@acme.test", "U0TM");
    await removeMember(core, owner, { email: "tm@acme.test" });
    expect(await core.findLinkedMember(seeded.accountId, "U0TM")).toBeNull();
  });
});
