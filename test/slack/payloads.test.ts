import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { IDS } from "../../src/slack/ids.js";
import { type Harness, messageText, startHarness, TEAM_ID } from "../helpers/slack-harness.js";
import { blockAction } from "../helpers/slack-payloads.js";

/**
 * Values Rolecall put on its buttons and forms come back from Slack; junk there (tampered, or from
 * an older release) is a plain refusal, INVALID_INPUT, and no error in the log.
 */
let h: Harness;
let errors: string[];
beforeEach(async () => {
  errors = [];
  const logger = createLogger("error", (line) => errors.push(line));
  h = await startHarness({}, { logger });
});
afterEach(() => h.stop());

const LIST_OUT_OF_DATE = "That button is out of date; run /team list again.";

describe("junk on a button is refused in plain words", () => {
  it.each([
    ["a page out of range and an unknown role", IDS.actions.listPage, { value: '{"page":-4,"role":"god"}' }],
    ["a page value that is not JSON", IDS.actions.listPage, { value: "{nope" }],
    ["a page button with no value", IDS.actions.listPage, {}],
    ["a page value of null", IDS.actions.listPage, { value: "null" }],
    ["a role filter that is not JSON", IDS.actions.listFilterRole, { selected: "owner" }],
    ["a role filter with no option", IDS.actions.listFilterRole, { selected: "" }],
    ["a status filter of the wrong shape", IDS.actions.listFilterStatus, { selected: '{"status":"gone"}' }],
  ])("%s", async (_label, action_id, value) => {
    const click = blockAction(h.fake, { action_id, ...value });
    expect((await h.interact("owner", click.payload)).status).toBe(200);
    const answer = messageText(await h.responseTo(click.responseId));
    expect(answer).toContain(LIST_OUT_OF_DATE);
    expect(answer).toContain(":warning:");
    expect(answer).not.toContain("Something went wrong");
    expect(errors).toEqual([]);
  });

  it("an Ask-an-Owner button whose change is not JSON", async () => {
    const click = blockAction(h.fake, { action_id: IDS.actions.requestAsk, value: "{nope" });
    await h.interact("admin", click.payload);
    expect(messageText(await h.responseTo(click.responseId))).toContain(
      "That request could not be read; type it with /team request.",
    );
    expect(errors).toEqual([]);
  });
});

describe("junk in a form's private_metadata is refused on the form", () => {
  const submit = (callback_id: string, private_metadata: string) =>
    h.interact("owner", {
      type: "view_submission",
      trigger_id: "trigger-junk",
      view: {
        id: "V1",
        team_id: TEAM_ID,
        type: "modal",
        callback_id,
        private_metadata,
        state: { values: {} },
      },
    });

  it.each([
    ["null", "null"],
    ["not JSON", "{nope"],
    ["no metadata at all", ""],
    ["a request id that is a number", '{"requestId":5}'],
  ])("the Reject form with %s", async (_label, metadata) => {
    const reply = await submit(IDS.views.rejectRequest, metadata);
    expect(JSON.parse(reply.text)).toEqual({
      response_action: "errors",
      errors: { [IDS.blocks.reason]: "This form is out of date; click Reject on the request again." },
    });
    expect(errors).toEqual([]);
  });

  it.each([
    ["null", "null"],
    ["a response_url that is no URL", '{"responseUrl":"nope"}'],
  ])("the Add form with %s", async (_label, metadata) => {
    const reply = await submit(IDS.views.addMember, metadata);
    expect(JSON.parse(reply.text)).toMatchObject({
      response_action: "errors",
      errors: { [IDS.blocks.email]: "This form is out of date; open it again." },
    });
    expect(errors).toEqual([]);
  });
});
