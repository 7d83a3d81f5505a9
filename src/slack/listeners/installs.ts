import type { AnyMiddlewareArgs, App, Middleware } from "@slack/bolt";
import { CoreError } from "../../core/errors.js";
import type { Logger } from "../../log.js";
import { accountKeyOf } from "../actor.js";
import { errorMessage } from "../blocks/messages.js";
import type { InstalledWorkspaces } from "../installations.js";
import type { SlackDeps } from "./deps.js";

/** Slack tells Rolecall it was removed with these; Bolt sends them without asking for a token. */
const INSTALL_EVENTS = new Set(["app_uninstalled", "tokens_revoked"]);

const eventType = (body: unknown): string | undefined =>
  (body as { event?: { type?: unknown } } | null)?.event?.type?.toString();

const notInstalled = (installUrl: string) =>
  new CoreError(
    "NOT_INSTALLED",
    `Rolecall is not installed in this Slack workspace (or its access was removed). A workspace admin can add it at ${installUrl}`,
  );

/**
 * OAuth mode: a request from a workspace with no installation (never installed, uninstalled, or its
 * tokens revoked) has no bot token. Its person is told so — a command in its reply, a button in
 * place — and nothing else runs. A database outage says so instead.
 */
export const requireInstallation =
  (workspaces: InstalledWorkspaces, installUrl: string, logger: Logger): Middleware<AnyMiddlewareArgs> =>
  async (args) => {
    const { context, body, next } = args;
    if (context.botToken || INSTALL_EVENTS.has(eventType(body) ?? "")) return next();
    let error: unknown = notInstalled(installUrl);
    const key = accountKeyOf(context);
    // The installation may be there after all, and the database away for a moment.
    if (key) await workspaces.resolve(key).catch((e) => (error = e));
    logger.info(`A request from ${key ?? "an unknown workspace"} without an installation was refused.`);
    const message = { response_type: "ephemeral" as const, ...errorMessage(error) };
    if ("command" in args) return args.ack(message);
    if ("ack" in args && typeof args.ack === "function") await (args.ack as () => Promise<void>)();
    if ("respond" in args && typeof args.respond === "function") await args.respond(message).catch(() => {});
  };

/**
 * `app_uninstalled` and `tokens_revoked` remove the installation, audited; the account and its data
 * stay until an operator deletes them. Both may come late, twice, or after a reinstall: the core
 * removes only an installation older than the event.
 */
export const registerInstallEvents = (
  app: App,
  { core, logger }: Pick<SlackDeps, "core" | "logger">,
): void => {
  const at = (body: { event_time?: number }) =>
    new Date((body.event_time ?? Math.floor(Date.now() / 1000)) * 1000);
  app.event("app_uninstalled", async ({ body, context }) => {
    const key = accountKeyOf(context);
    if (!key) return;
    const { removed } = await core.installs.uninstall(key, at(body), "app_uninstalled");
    logger.info(
      `Rolecall was uninstalled from ${key}${removed ? "" : " (nothing to remove: already gone, or reinstalled since)"}`,
    );
  });
  app.event("tokens_revoked", async ({ event, body, context }) => {
    const key = accountKeyOf(context);
    // Only the bot's tokens matter: Rolecall keeps no user tokens.
    if (!key || (event.tokens.bot ?? []).length === 0) return;
    const { removed } = await core.installs.uninstall(key, at(body), "tokens_revoked");
    logger.info(`Slack revoked Rolecall's tokens in ${key}${removed ? "" : " (nothing to remove)"}`);
  });
};
