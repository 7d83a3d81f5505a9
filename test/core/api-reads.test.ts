import { describe, expect, it } from "vitest";
import { setPermission } from "../helpers/core.js";
import { refusalOf, refusedWith } from "../helpers/refusals.js";
import { testTeam } from "../helpers/team.js";

/** PRODUCT §8: what the API reads — members, one member's permissions, authorize with its reasons. */

const OWNER = "owner@acme.test";

const EVERYDAY = ["export_users", "add_users", "bulk_tag_users", "billing", "api_key", "whatsapp_setup"];

const team = testTeam;

describe("§8 the API: members, one member, authorize with reasons", () => {
  const api = () =>
    team([
      { email: "admin@acme.test", role: "admin" },
      { email: "inv@acme.test", role: "teammate", status: "invited" },
      { email: "gone@acme.test", role: "teammate", status: "removed" },
    ]);

  it("lists current members with role and status (not removed ones)", async () => {
    const { core, seeded } = await api();
    expect((await core.apiMembers(seeded.accountId)).members).toEqual([
      { email: OWNER, name: null, role: "owner", status: "active" },
      { email: "admin@acme.test", name: null, role: "admin", status: "active" },
      { email: "inv@acme.test", name: null, role: "teammate", status: "invited" },
    ]);
  });

  it("one member's effective permissions: none until active; a removed member is not found", async () => {
    const { core, seeded } = await api();
    expect(await core.apiMember(seeded.accountId, "Admin@acme.test")).toEqual({
      email: "admin@acme.test",
      name: null,
      role: "admin",
      status: "active",
      permissions: EVERYDAY,
    });
    expect((await core.apiMember(seeded.accountId, "inv@acme.test")).permissions).toEqual([]);
    expect((await refusalOf(() => core.apiMember(seeded.accountId, "gone@acme.test"))).code).toBe(
      "NO_SUCH_MEMBER",
    );
    expect((await refusalOf(() => core.apiMember(seeded.accountId, "nobody@acme.test"))).code).toBe(
      "NO_SUCH_MEMBER",
    );
  });

  it("authorize explains every answer in words", async () => {
    const { core, seeded } = await api();
    const id = seeded.accountId;
    expect(await core.explain(id, "admin@acme.test", "billing")).toEqual({
      allowed: true,
      role: "admin",
      reason: "Admins may use Billing.",
    });
    expect(await core.explain(id, "admin@acme.test", "team_settings")).toEqual({
      allowed: false,
      role: "admin",
      reason: "Admins may not use Team Settings.",
    });
    expect(await core.explain(id, OWNER, "team_settings")).toEqual({
      allowed: true,
      role: "owner",
      reason: "Owners hold every permission.",
    });
    expect(await core.explain(id, "inv@acme.test", "billing")).toEqual({
      allowed: false,
      role: "teammate",
      reason: "inv@acme.test is invited, not active.",
    });
    expect(await core.explain(id, "gone@acme.test", "billing")).toEqual({
      allowed: false,
      role: null,
      reason: "gone@acme.test is not a member of this team.",
    });
    expect(await core.access.can(id, " ADMIN@acme.test ", "billing")).toBe(true);
  });

  it("the answer follows a permission change at once", async () => {
    const { core, seeded, owner } = await api();
    await setPermission(core, owner, { role: "admin", permission: "billing", allowed: false });
    expect(await core.explain(seeded.accountId, "admin@acme.test", "billing")).toMatchObject({
      allowed: false,
    });
    await core.changeRole(owner, { email: "admin@acme.test" }, "owner");
    expect(await core.explain(seeded.accountId, "admin@acme.test", "billing")).toMatchObject({
      allowed: true,
      role: "owner",
    });
  });

  it("a request's effect names the member as they are now, and how many active members a toggle affects", async () => {
    const { core, seeded } = await api();
    const admin = seeded.as("admin@acme.test");
    const effect = async (intent: Parameters<typeof core.requests.file>[1]) =>
      (await core.requests.file(admin, intent)).effect;
    expect(await effect({ kind: "invite.resend", member: { email: "inv@acme.test" } })).toBe(
      "Sends inv@acme.test a new invite link; the old one stops working.",
    );
    expect(
      await effect({ kind: "permission.set", role: "admin", permission: "team_settings", allowed: true }),
    ).toBe("Admins: Team Settings off → on. Affects 1 active member.");
    expect(
      await effect({ kind: "permission.set", role: "teammate", permission: "team_settings", allowed: true }),
    ).toBe("Teammates: Team Settings off → on. Affects 0 active members.");
    // A removed member is nobody: asking to remove them is refused, not described.
    expect(await refusedWith(effect({ kind: "member.remove", member: { email: "gone@acme.test" } }))).toMatch(
      /not a member/,
    );
  });
});
