import { describe, expect, it } from "vitest";
import { setApprovalsChannel } from "../helpers/core.js";
import { refusalOf } from "../helpers/refusals.js";
import { testTeam } from "../helpers/team.js";

/** The account's settings: the approvals channel, Owners only. */

const team = testTeam;

describe("settings: the approvals channel (Owners only)", () => {
  it("is set, cleared and audited; setting it to what it is changes nothing", async () => {
    const { core, owner, seeded } = await team();
    expect(await core.settings(owner)).toEqual({ approvalsChannel: null, fourEyes: false });
    expect(await setApprovalsChannel(core, owner, "C0APPROVE")).toMatchObject({
      changed: true,
      setting: "approvals_channel",
      value: "C0APPROVE",
    });
    expect((await core.fullAuditLog(seeded.accountId)).at(-1)).toMatchObject({
      action: "setting.changed",
      target: { type: "setting", setting: "approvals_channel" },
      before: { channel: null },
      after: { channel: "C0APPROVE" },
    });
    expect(await setApprovalsChannel(core, owner, "C0APPROVE")).toMatchObject({
      changed: false,
      why: { setting: "approvals_channel", value: "C0APPROVE" },
    });
    expect(await setApprovalsChannel(core, owner, null)).toMatchObject({ changed: true, value: null });
    expect(await core.settings(owner)).toEqual({ approvalsChannel: null, fourEyes: false });
    expect(await setApprovalsChannel(core, owner, null)).toMatchObject({
      changed: false,
      why: { setting: "approvals_channel", value: null },
    });
    expect((await refusalOf(() => setApprovalsChannel(core, owner, "#general"))).code).toBe("INVALID_INPUT");
  });
});
