import { describe, expect, it } from "vitest";
import { CoreError, ERROR_CODES } from "../../src/core/errors.js";
import { ERROR_ICON, errorMessage } from "../../src/slack/blocks/messages.js";
import { messageText } from "../helpers/slack-harness.js";

describe("a refusal in Slack", () => {
  it.each(ERROR_CODES)("%s leads with its own icon and names its code, never the failure message", (code) => {
    const text = messageText(errorMessage(new CoreError(code, "Not like this.")));
    expect(text).toContain(`${ERROR_ICON[code]} Not like this.`);
    expect(text).toContain(`\`${code}\``);
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
});
