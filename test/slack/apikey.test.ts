import { afterEach, beforeEach, expect, it } from "vitest";
import { IDS } from "../../src/slack/ids.js";
import { json, rolecall } from "../helpers/cli.js";
import { type Harness, messageText, startHarness } from "../helpers/slack-harness.js";
import { blockAction } from "../helpers/slack-payloads.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

const members = (key: string) =>
  fetch(`${h.base}/api/v1/members`, { headers: { authorization: `Bearer ${key}` } });

it("/team apikey shows the prefix and age; Rotate asks about the old key, then shows the new key once", async () => {
  const old = json<{ apiKey: string }>(rolecall(h.db, ["apikey", "rotate", "--json"])).apiKey;
  const shown = messageText((await h.slash("owner", "apikey")).message);
  expect(shown).toContain(`${old.slice(0, 10)}…`);
  expect(shown).toContain("created today");
  expect(shown).not.toContain(old);

  const ask = blockAction(h.fake, { action_id: IDS.actions.apiKeyAsk, value: "ask" });
  await h.interact("owner", ask.payload);
  const confirm = messageText(await h.responseTo(ask.responseId));
  expect(confirm).toContain("old key stops now");
  expect(confirm).toContain("old key works 24 hours");

  const rotate = blockAction(h.fake, { action_id: IDS.actions.apiKeyRotate, value: "24" });
  await h.interact("owner", rotate.payload);
  const answer = await h.responseTo(rotate.responseId);
  expect(answer).toMatchObject({ response_type: "ephemeral", replace_original: true });
  const fresh = /rc_[A-Za-z0-9_-]{43}/.exec(messageText(answer))?.[0] ?? "";
  expect(fresh).not.toBe(old);
  expect(messageText(answer)).toContain("keeps working until");
  expect((await members(fresh)).status).toBe(200);
  expect((await members(old)).status).toBe(200); // the 24-hour grace

  const audit = json<{ action: string; actor: string; source: string }[]>(
    rolecall(h.db, ["audit", "--format", "json"]),
  );
  expect(audit.at(-1)).toMatchObject({ action: "apikey.rotated", actor: "owner@acme.test", source: "slack" });
  expect(JSON.stringify(audit)).not.toContain(fresh);
});

it("/team apikey rotate --grace none rotates at once; the old key stops", async () => {
  const old = json<{ apiKey: string }>(rolecall(h.db, ["apikey", "rotate", "--json"])).apiKey;
  const answer = messageText((await h.slash("owner", "apikey rotate --grace none")).message);
  expect(answer).toContain("The old key stopped working.");
  expect((await members(old)).status).toBe(401);
});

it("members without the api_key permission are refused", async () => {
  await h.slash("owner", "perms revoke teammate api_key");
  for (const text of ["apikey", "apikey rotate", "apikey rotate --grace 24h"]) {
    const r = await h.slash("teammate", text);
    expect(messageText(r.message ?? (await h.responseTo(r.responseId)))).toContain("`FORBIDDEN`");
  }
});
