import { afterEach, expect, it } from "vitest";
import { IDS } from "../../src/slack/ids.js";
import { setPermission } from "../helpers/core.js";
import {
  ERROR_CODE_PATTERN,
  type Harness,
  messageText,
  PEOPLE,
  startHarness,
} from "../helpers/slack-harness.js";
import { blockAction } from "../helpers/slack-payloads.js";
import { manualClock } from "../helpers/team.js";

/**
 * Extend on a grant that already runs as long as GRANT_MAX_HOURS allows offers nothing that could be
 * approved: the holder is told so at once, instead of a form prefilled with "1m" that is refused on
 * submit.
 */

let h: Harness;
afterEach(() => h?.stop());

it("Extend on a grant already at GRANT_MAX_HOURS says so and opens no form", async () => {
  h = await startHarness({}, { clock: manualClock("2026-03-02T14:00:00.000Z") });
  await setPermission(h.running.core, h.as("owner"), {
    role: "teammate",
    permission: "billing",
    allowed: false,
  });
  await h.running.core.change(h.as("owner"), {
    kind: "grant.start",
    member: { email: PEOPLE.teammate.email },
    permission: "billing",
    minutes: 72 * 60,
    reason: null,
  });
  const b = blockAction(h.fake, {
    action_id: IDS.actions.grantExtend,
    value: JSON.stringify({ permission: "billing" }),
  });
  expect((await h.interact("teammate", b.payload)).status).toBe(200);
  const answer = messageText(await h.responseTo(b.responseId));
  expect(answer).toContain("Temporary access lasts at most 3 days from now");
  expect(answer).not.toMatch(ERROR_CODE_PATTERN);
  expect(h.fake.callsTo("views.open")).toHaveLength(0);
});
