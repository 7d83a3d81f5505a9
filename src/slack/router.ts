import type { AnyMiddlewareArgs, App, Middleware } from "@slack/bolt";
import { IDS } from "./ids.js";
import type { SlackRegistry } from "./listeners/deps.js";

type Listener = (args: never) => Promise<void>;

/**
 * Bolt runs every registered listener's middleware (its kind and name matchers, each with a copy of
 * the request's arguments) on every request, so each `app.command`, `app.event`, `app.action` or
 * `app.view` taxes even a `/team whoami`. Rolecall's listener modules register against this router
 * instead, and the app gets one global middleware that looks the handler up by kind and exact name:
 * one pass per request, however many handlers there are. What it does not know goes on to Bolt.
 */
export class SlackRouter {
  private readonly commands = new Map<string, Listener>();
  private readonly events = new Map<string, Listener>();
  private readonly actions = new Map<string, Listener>();
  private readonly views = new Map<string, Listener>();

  /** What listener modules register against: the same calls as Bolt's, by exact name or id. */
  readonly registry: SlackRegistry = {
    command: ((name: string, listener: Listener) => {
      this.commands.set(name, listener);
    }) as unknown as App["command"],
    event: ((type: string, listener: Listener) => {
      this.events.set(type, listener);
    }) as unknown as App["event"],
    action: ((id: string, listener: Listener) => {
      this.actions.set(id, listener);
    }) as unknown as App["action"],
    view: ((id: string, listener: Listener) => {
      this.views.set(id, listener);
    }) as unknown as App["view"],
  };

  /** The handler for a request, or what to do without one. */
  private readonly route: Middleware<AnyMiddlewareArgs> = async (args) => {
    const a = args as Partial<
      Record<
        "command" | "event" | "action" | "view",
        { command?: unknown; type?: unknown; action_id?: unknown; callback_id?: unknown }
      >
    >;
    let handler: Listener | undefined;
    let ours = false;
    if (a.command) handler = this.commands.get(String(a.command.command));
    else if (a.event) handler = this.events.get(String(a.event.type));
    else if (a.action) {
      const id = String(a.action.action_id);
      handler = this.actions.get(id);
      ours = id.startsWith(IDS.prefix);
    } else if (a.view) {
      const id = String(a.view.callback_id);
      handler = this.views.get(id);
      ours = id.startsWith(IDS.prefix);
    }
    if (handler) await handler(args as never);
    // A button or form of Rolecall's that no longer has a handler (an old message): acknowledged, so
    // Slack shows no error; anything else is Bolt's to answer.
    else if (ours && "ack" in args) await (args.ack as () => Promise<void>)();
    else await args.next();
  };

  mount(app: App): void {
    app.use(this.route);
  }
}
