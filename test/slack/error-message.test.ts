import { describe, expect, it } from "vitest";
import { CoreError, ERROR_CODES } from "../../src/core/errors.js";
import { ERROR_ICON, errorMessage } from "../../src/slack/blocks/messages.js";
import { slackDoor } from "../../src/slack/format.js";
import { refusalWords } from "../../src/words/en/refusals.js";
import { refusalWithCode } from "../helpers/refusals.js";
import { buttonsOf, ERROR_CODE_PATTERN, messageText } from "../helpers/slack-harness.js";

describe("a refusal in Slack", () => {
  it.each(ERROR_CODES)("%s leads with its own icon and its sentence, and never shows the code", (code) => {
    const refusal = refusalWithCode(code);
    const message = errorMessage(refusal);
    const text = messageText(message);
    expect(text).toContain(`${ERROR_ICON[code]} ${refusalWords(refusal.refusal, slackDoor)}`);
    expect(text).not.toMatch(ERROR_CODE_PATTERN);
    expect(text).not.toContain("went wrong on our side");
  });

  it("bad input leads with a warning, a refusal with a no-entry sign", () => {
    expect(ERROR_ICON).toMatchObject({
      INVALID_INPUT: ":warning:",
      GRANT_TOO_LONG: ":warning:",
      FORBIDDEN: ":no_entry_sign:",
      RANK_TOO_LOW: ":no_entry_sign:",
    });
  });

  it("Ask an Owner sits beside the request in words, and carries the typed change", () => {
    const askFor = { kind: "member.edit", member: { email: "tom@acme.test" }, role: "admin" } as const;
    const message = errorMessage(
      new CoreError({ reason: "owner_acts_on_owner", action: "member.edit" }),
      askFor,
    );
    const ask = message.blocks.find((b) => b.type === "section" && "accessory" in b && b.accessory);
    expect(ask).toMatchObject({
      text: { text: expect.stringContaining("Ask an Owner to make tom@acme.test an Admin?") },
      accessory: { text: { text: "Ask an Owner" } },
    });
    expect(JSON.parse(buttonsOf(message)[0]?.value ?? "")).toEqual(askFor);
  });

  it("a change typed with Slack markup is asked for in escaped words", () => {
    const askFor = { kind: "member.add", email: "x@acme.test", name: "<!channel> *Bob*" } as const;
    const [, ask] = errorMessage(new CoreError({ reason: "owners_only_settings" }), askFor).blocks;
    const shown = (ask as { text: { text: string } }).text.text;
    expect(shown).toContain(
      "Ask an Owner to invite x@acme.test as a Teammate, named &lt;!channel&gt; *\u200bBob*\u200b?",
    );
    expect(shown).not.toContain("<!channel>");
  });

  it("a change that cannot be read back is not offered (and nothing breaks)", () => {
    const message = errorMessage(new CoreError({ reason: "owners_only_settings" }), {
      kind: "member.teleport",
    } as never);
    expect(buttonsOf(message)).toEqual([]);
    expect(messageText(message)).toContain("Only Owners can change settings.");
  });
});
