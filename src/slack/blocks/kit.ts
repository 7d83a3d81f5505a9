import type { types } from "@slack/bolt";
import { clip } from "../escape.js";

export type Block = types.KnownBlock;
export type View = types.View;

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Slack's limits: 50 blocks a message, 100 a modal or Home tab, 3000 characters a text. */
export const MESSAGE_BLOCK_LIMIT = 50;
export const VIEW_BLOCK_LIMIT = 100;

export const section = (text: string): Block => ({
  type: "section",
  text: { type: "mrkdwn", text: clip(text) },
});

export const context = (text: string): Block => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: clip(text) }],
});

export const header = (text: string): Block => ({
  type: "header",
  text: { type: "plain_text", text: clip(text, 150) },
});

export const divider = (): Block => ({ type: "divider" });

export const button = (
  text: string,
  actionId: string,
  value: string,
  style?: "primary" | "danger",
): types.Button => ({
  type: "button",
  text: { type: "plain_text", text: clip(text, 75) },
  action_id: actionId,
  value: clip(value, 2000),
  ...(style ? { style } : {}),
});

export const option = (text: string, value: string): types.PlainTextOption => ({
  text: { type: "plain_text", text: clip(text, 75) },
  value,
});

/** Splits lines into sections that each stay under the text limit. */
export const linesToSections = (lines: string[], maxSections: number): { blocks: Block[]; shown: number } => {
  const blocks: Block[] = [];
  let current: string[] = [];
  let length = 0;
  let shown = 0;
  for (const line of lines) {
    if (length + line.length + 1 > 2900 && current.length > 0) {
      if (blocks.length + 1 >= maxSections) break;
      blocks.push(section(current.join("\n")));
      current = [];
      length = 0;
    }
    current.push(clip(line, 2900));
    length += line.length + 1;
    shown++;
  }
  if (current.length > 0) blocks.push(section(current.join("\n")));
  return { blocks, shown };
};
