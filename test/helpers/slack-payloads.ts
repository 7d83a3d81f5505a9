import { randomUUID } from "node:crypto";
import type { FakeSlack } from "./fake-slack.js";

type Value =
  | { type: "plain_text_input"; value: string | null }
  | {
      type: "static_select";
      selected_option: { value: string; text: { type: "plain_text"; text: string } } | null;
    }
  | { type: "checkboxes"; selected_options: { value: string; text: { type: "plain_text"; text: string } }[] };

export const text = (value: string | null): Value => ({ type: "plain_text_input", value });
export const select = (value: string): Value => ({
  type: "static_select",
  selected_option: { value, text: { type: "plain_text", text: value } },
});
export const checked = (...values: string[]): Value => ({
  type: "checkboxes",
  selected_options: values.map((value) => ({ value, text: { type: "plain_text", text: value } })),
});

export interface OpenedView {
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; type: string; element?: Record<string, unknown> }[];
}

/** The view the app last asked Slack to open for this trigger. */
export const openedView = (fake: FakeSlack, triggerId: string): Promise<OpenedView> =>
  fake.waitFor(
    () =>
      fake.callsTo("views.open").find((c) => c.args.trigger_id === triggerId)?.args.view as
        | OpenedView
        | undefined,
    `views.open for ${triggerId}`,
  );

/** A view_submission for a view the app opened, with the given input values by block id. */
export const viewSubmission = (view: OpenedView, values: Record<string, Value>) => {
  const inputOf = (blockId: string) =>
    String(view.blocks.find((b) => b.block_id === blockId)?.element?.action_id ?? `${blockId}_input`);
  return {
    type: "view_submission",
    trigger_id: `trigger-${randomUUID()}`,
    view: {
      id: "V123",
      team_id: "T0ACME",
      type: "modal",
      callback_id: view.callback_id,
      private_metadata: view.private_metadata,
      hash: "hash",
      title: { type: "plain_text", text: "x" },
      blocks: view.blocks,
      state: {
        values: Object.fromEntries(
          Object.entries(values).map(([block, v]) => [block, { [inputOf(block)]: v }]),
        ),
      },
    },
  };
};

/** A block_actions payload for a button or menu on an ephemeral message. */
export const blockAction = (
  fake: FakeSlack,
  action: { action_id: string; value?: string; selected?: string },
  responseId = randomUUID(),
) => ({
  payload: {
    type: "block_actions",
    trigger_id: fake.triggerId(),
    response_url: fake.responseUrl(responseId),
    container: { type: "message", message_ts: "1.0", channel_id: "C0GENERAL", is_ephemeral: true },
    channel: { id: "C0GENERAL", name: "general" },
    actions: [
      action.selected === undefined
        ? {
            type: "button",
            action_id: action.action_id,
            block_id: "b",
            value: action.value,
            action_ts: "1.0",
          }
        : {
            type: "static_select",
            action_id: action.action_id,
            block_id: "b",
            selected_option: { value: action.selected, text: { type: "plain_text", text: "x" } },
            action_ts: "1.0",
          },
    ],
  },
  responseId,
});

/**
 * A block_actions payload from App Home: no response_url (Slack sends none for views), the Home view
 * with its private_metadata. `block_id` is the block the element sits in (a team row's is the email).
 */
export const homeAction = (
  fake: FakeSlack,
  action:
    | { type: "button"; action_id: string; value: string; block_id?: string }
    | { type: "overflow" | "static_select"; action_id: string; selected: string; block_id?: string },
  privateMetadata = "{}",
) => ({
  type: "block_actions",
  trigger_id: fake.triggerId(),
  container: { type: "view", view_id: "VHOME" },
  view: {
    id: "VHOME",
    type: "home",
    callback_id: "",
    private_metadata: privateMetadata,
    blocks: [],
    state: { values: {} },
  },
  actions: [
    action.type === "button"
      ? { ...action, block_id: action.block_id ?? "b", action_ts: "1.0" }
      : {
          type: action.type,
          action_id: action.action_id,
          block_id: action.block_id ?? "b",
          selected_option: { value: action.selected, text: { type: "plain_text", text: "x" } },
          action_ts: "1.0",
        },
  ],
});

/** The radio buttons' state in a view submission. */
export const radio = (value: string) =>
  ({
    type: "radio_buttons",
    selected_option: { value, text: { type: "plain_text", text: value } },
  }) as unknown as ReturnType<typeof text>;
