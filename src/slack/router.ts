import type { App } from "@slack/bolt";
import { IDS } from "./ids.js";

type ActionListener = Parameters<App["action"]>[1];
type ViewListener = Parameters<App["view"]>[1];

/**
 * Bolt runs every registered listener's matching middleware on every request, so many small
 * `app.action(id, …)` listeners tax even a `/team whoami`. Rolecall's listener modules register
 * against this router instead, and the app gets one action and one view listener that look the
 * handler up by id.
 */
export class SlackRouter {
  private readonly actions = new Map<string, ActionListener>();
  private readonly views = new Map<string, ViewListener>();

  /** What listener modules register against: the same calls as Bolt's, by exact id. */
  readonly registry = {
    action: ((id: string, listener: ActionListener) => {
      this.actions.set(id, listener);
    }) as unknown as App["action"],
    view: ((id: string, listener: ViewListener) => {
      this.views.set(id, listener);
    }) as unknown as App["view"],
  };

  mount(app: App): void {
    const prefix = new RegExp(`^${IDS.prefix}`);
    app.action({ action_id: prefix }, async (args) => {
      const handler = this.actions.get((args.action as { action_id: string }).action_id);
      if (handler) await handler(args as never);
      else await args.ack();
    });
    app.view({ callback_id: prefix }, async (args) => {
      const handler = this.views.get(args.view.callback_id);
      if (handler) await handler(args as never);
      else await args.ack();
    });
  }
}
