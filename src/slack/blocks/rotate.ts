import { z } from "zod";
import { IDS } from "../ids.js";
import { button, type SlackMessage, section } from "./kit.js";

/**
 * What a Rotate button carries: the key (prefix) it replaces and the old key's grace in hours. A
 * second click, or Slack delivering the same click again, finds that key gone and rotates nothing.
 */
export const rotateButton = z.object({
  from: z.string().regex(/^rc_[A-Za-z0-9_-]{7}$/),
  grace: z.union([z.literal(0), z.literal(24)]),
});
export type RotateButton = z.infer<typeof rotateButton>;

/** Before rotating: does the old key stop now (Owners only), or in 24 hours? */
export const rotateConfirmation = (choices: { from: string; mayStopAtOnce: boolean }): SlackMessage => {
  const value = (grace: RotateButton["grace"]) => JSON.stringify({ from: choices.from, grace });
  return {
    text: "Rotate the organisation API key?",
    blocks: [
      section(
        `*Rotate the organisation API key* \`${choices.from}…\`*?* The new key is shown once, here. Services still using the old key need the new one.`,
      ),
      {
        type: "actions",
        elements: [
          ...(choices.mayStopAtOnce
            ? [button("Rotate; old key stops now", IDS.actions.apiKeyRotate, value(0), "danger")]
            : []),
          button("Rotate; old key works 24 hours", IDS.actions.apiKeyRotate, value(24), "primary"),
          button("Cancel", IDS.actions.cancel, "cancel"),
        ],
      },
    ],
  };
};

/** The answer to a repeated Rotate click: nothing more was done. */
export const alreadyRotated = (prefix: string): SlackMessage => ({
  text: "The key was already rotated",
  blocks: [
    section(
      `:white_check_mark: That key was already rotated; the key in use now is \`${prefix}…\`. Its full value was shown once, to whoever rotated it — nothing more was changed.`,
    ),
  ],
});

/** With four-eyes on, rotating without grace waits for a second Owner: the key is unchanged so far. */
export const heldForSecondOwner = (requestId: string): SlackMessage => ({
  text: "The rotation waits for a second Owner",
  blocks: [
    section(
      `:busts_in_silhouette: Four-eyes is on, so stopping the old key at once needs a second Owner. Request *${requestId}* went to the Owners; the key in use is unchanged until one of them approves.`,
    ),
  ],
});
