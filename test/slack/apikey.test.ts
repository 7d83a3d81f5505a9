import { afterEach, beforeEach, expect, it } from "vitest";
import { IDS } from "../../src/slack/ids.js";
import { json, rolecall } from "../helpers/cli.js";
import { type Harness, messageText, type Person, startHarness } from "../helpers/slack-harness.js";
import { blockAction } from "../helpers/slack-payloads.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

const members = (key: string) =>
  fetch(`${h.base}/api/v1/members`, { headers: { authorization: `Bearer ${key}` } });

const rotations = () =>
  json<{ action: string; actor: string; source: string }[]>(
    rolecall(h.db, ["audit", "--format", "json"]),
  ).filter((e) => e.action === "apikey.rotated");

type Button = { action_id: string; value: string; text: { text: string } };

/** Clicks Rotate…, and returns the buttons of the confirmation it answers with. */
const askToRotate = async (person: Person): Promise<Button[]> => {
  const ask = blockAction(h.fake, { action_id: IDS.actions.apiKeyAsk, value: "ask" });
  await h.interact(person, ask.payload);
  const confirm = (await h.responseTo(ask.responseId)) as { blocks: { elements?: Button[] }[] };
  return confirm.blocks
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.action_id === IDS.actions.apiKeyRotate);
};
const labelled = (buttons: Button[], text: string): Button => {
  const found = buttons.find((b) => b.text.text.includes(text));
  if (!found) throw new Error(`no button "${text}" among ${buttons.map((b) => b.text.text).join(", ")}`);
  return found;
};

it("/team apikey shows the prefix and age; Rotate asks about the old key, then shows the new key once", async () => {
  const old = json<{ apiKey: string }>(rolecall(h.db, ["apikey", "rotate", "--json"])).apiKey;
  const shown = messageText((await h.slash("owner", "apikey")).message);
  expect(shown).toContain(`${old.slice(0, 10)}…`);
  expect(shown).toContain("created today");
  expect(shown).not.toContain(old);

  const buttons = await askToRotate("owner");
  expect(buttons.map((b) => b.text.text)).toEqual([
    "Rotate; old key stops now",
    "Rotate; old key works 24 hours",
  ]);

  const rotate = blockAction(h.fake, {
    action_id: IDS.actions.apiKeyRotate,
    value: labelled(buttons, "24 hours").value,
  });
  await h.interact("owner", rotate.payload);
  const answer = await h.responseTo(rotate.responseId);
  expect(answer).toMatchObject({ response_type: "ephemeral", replace_original: true });
  const fresh = /rc_[A-Za-z0-9_-]{43}/.exec(messageText(answer))?.[0] ?? "";
  expect(fresh).not.toBe(old);
  expect(messageText(answer)).toContain("keeps working until");
  expect((await members(fresh)).status).toBe(200);
  expect((await members(old)).status).toBe(200); // the 24-hour grace

  expect(rotations().at(-1)).toMatchObject({ actor: "owner@acme.test", source: "slack" });
  expect(JSON.stringify(rotations())).not.toContain(fresh);
});

it("a double click on Rotate, or Slack delivering the same click twice, rotates once", async () => {
  const before = rotations().length;
  const buttons = await askToRotate("owner");
  const value = labelled(buttons, "stops now").value;
  const first = blockAction(h.fake, { action_id: IDS.actions.apiKeyRotate, value });
  const second = blockAction(h.fake, { action_id: IDS.actions.apiKeyRotate, value });
  // Both clicks at once, then the first click's payload delivered again.
  await Promise.all([h.interact("owner", first.payload), h.interact("owner", second.payload)]);
  const replies = [await h.responseTo(first.responseId), await h.responseTo(second.responseId)];
  const again = blockAction(h.fake, { action_id: IDS.actions.apiKeyRotate, value }, first.responseId);
  await h.interact("owner", again.payload);
  await h.fake.waitFor(
    () => (h.fake.responses.filter((r) => r.id === first.responseId).length === 2 ? true : undefined),
    "the answer to the redelivered click",
  );
  replies.push(h.fake.responses.filter((r) => r.id === first.responseId)[1]?.body ?? {});

  expect(rotations()).toHaveLength(before + 1);
  const withKey = replies.filter((r) => /rc_[A-Za-z0-9_-]{43}/.test(messageText(r)));
  expect(withKey).toHaveLength(1);
  const fresh = /rc_[A-Za-z0-9_-]{43}/.exec(messageText(withKey[0]))?.[0] ?? "";
  expect((await members(fresh)).status).toBe(200);
  const repeats = replies.filter((r) => r !== withKey[0]);
  for (const reply of repeats) {
    expect(messageText(reply)).toContain("already rotated");
    expect(messageText(reply)).toContain(`${fresh.slice(0, 10)}…`);
    expect(reply).toMatchObject({ replace_original: false }); // the message showing the key stays
  }
});

it("an Admin is offered only the 24-hour grace; a forged stop-now click is refused and changes nothing", async () => {
  const before = rotations().length;
  const buttons = await askToRotate("admin");
  expect(buttons.map((b) => b.text.text)).toEqual(["Rotate; old key works 24 hours"]);
  const { from } = JSON.parse(labelled(buttons, "24 hours").value) as { from: string };

  const forged = blockAction(h.fake, {
    action_id: IDS.actions.apiKeyRotate,
    value: JSON.stringify({ from, grace: 0 }),
  });
  await h.interact("admin", forged.payload);
  const refusal = messageText(await h.responseTo(forged.responseId));
  expect(refusal).toContain("Only Owners can stop the key in use at once");
  expect(rotations()).toHaveLength(before);

  const typed = await h.slash("admin", "apikey rotate --grace none");
  const typedReply = messageText(typed.message ?? (await h.responseTo(typed.responseId)));
  expect(typedReply).toContain("Only Owners can stop the key in use at once");
  expect(rotations()).toHaveLength(before);

  const rotate = blockAction(h.fake, {
    action_id: IDS.actions.apiKeyRotate,
    value: labelled(buttons, "24 hours").value,
  });
  await h.interact("admin", rotate.payload);
  expect(messageText(await h.responseTo(rotate.responseId))).toContain("keeps working until");
  expect(rotations()).toHaveLength(before + 1);
});

it("a Rotate button from before this release (no key named) is refused as out of date", async () => {
  const before = rotations().length;
  const stale = blockAction(h.fake, { action_id: IDS.actions.apiKeyRotate, value: "24" });
  await h.interact("owner", stale.payload);
  expect(messageText(await h.responseTo(stale.responseId))).toContain("out of date");
  expect(rotations()).toHaveLength(before);
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
    expect(messageText(r.message ?? (await h.responseTo(r.responseId)))).toContain(
      "You need the Organisation API key permission",
    );
  }
});
