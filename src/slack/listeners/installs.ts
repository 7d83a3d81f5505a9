import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { UninstallReason } from "../../core/decide/installs.js";
import { CoreError, DatabaseUnavailableError } from "../../core/errors.js";
import type { Clock } from "../../core/ports.js";
import type { Logger } from "../../log.js";
import { accountKeyOf, SlackUnavailableError } from "../actor.js";
import { errorMessage } from "../blocks/messages.js";
import { messageModal } from "../blocks/modals.js";
import type { InstalledWorkspaces } from "../installations.js";
import type { SlackDeps, SlackRegistry } from "./deps.js";

/** Slack tells Rolecall it was removed with these; Bolt sends them without asking for a token. */
const INSTALL_EVENTS = new Set(["app_uninstalled", "tokens_revoked"]);

const eventType = (body: unknown): string | undefined =>
  (body as { event?: { type?: unknown } } | null)?.event?.type?.toString();

/**
 * OAuth mode: a request from a workspace with no installation (never installed, uninstalled, or its
 * tokens revoked) has no bot token. Its person is told so — a command in its reply, a button beside
 * it, a form in place — and nothing else runs. When the installation is there after all (the
 * database was away a moment, a token could not be renewed), they are told to try again.
 */
export const requireInstallation =
  (workspaces: InstalledWorkspaces, installUrl: string, logger: Logger): Middleware<AnyMiddlewareArgs> =>
  async (args) => {
    const { context, body, next } = args;
    if (context.botToken || INSTALL_EVENTS.has(eventType(body) ?? "")) return next();
    const key = accountKeyOf(context);
    let error: unknown = new CoreError({ reason: "not_installed_here", installUrl });
    try {
      if (key && (await workspaces.resolve(key)))
        error = new SlackUnavailableError(
          "Rolecall could not reach Slack for this workspace just now; nothing was changed. Please try again in a moment.",
        );
    } catch (e) {
      error = e;
      if (!(e instanceof DatabaseUnavailableError || e instanceof SlackUnavailableError))
        logger.error(`Could not read the installation of ${key}:`, e);
    }
    if (error instanceof CoreError && error.code === "NOT_INSTALLED")
      logger.info(
        `A request from ${key ?? "an unknown workspace"}, where Rolecall is not installed, was refused.`,
      );
    const message = { response_type: "ephemeral" as const, ...errorMessage(error) };
    if ("command" in args) return args.ack(message);
    if ((body as { type?: string }).type === "view_submission" && "ack" in args)
      return (args.ack as (r: unknown) => Promise<void>)({
        response_action: "update",
        view: messageModal(message),
      });
    if ("ack" in args && typeof args.ack === "function") await (args.ack as () => Promise<void>)();
    if ("respond" in args && typeof args.respond === "function") await args.respond(message).catch(() => {});
  };

/**
 * `app_uninstalled` and `tokens_revoked` remove the installation, audited; the account and its data
 * stay until an operator deletes them. Both may come late, twice, or after a reinstall, so Slack is
 * asked first whether the stored token still works (`auth.test`): a working one belongs to a newer
 * installation and stays. When Slack cannot say, only an installation stored before the event is
 * removed.
 */
export const registerInstallEvents = (
  app: SlackRegistry,
  { core, logger }: Pick<SlackDeps, "core" | "logger">,
  workspaces: InstalledWorkspaces,
  clock: Clock,
): void => {
  const ended = async (key: string | undefined, eventTime: number | undefined, reason: UninstallReason) => {
    if (!key) return;
    const checkedAt = clock.now();
    const works = await workspaces.stillWorks(key);
    if (works) {
      logger.info(
        `Slack says Rolecall's access ended in ${key} (${reason}), but its installation works: a newer one; kept`,
      );
      return;
    }
    // Slack's word on when it happened, never later than now (a later one would outrank a reinstall).
    const said = typeof eventTime === "number" && Number.isFinite(eventTime) ? eventTime * 1000 : 0;
    const at = works === false ? checkedAt : new Date(Math.min(said, checkedAt.getTime()));
    const { removed } = await core.installs.uninstall(key, at, reason);
    logger.info(`Rolecall's access ended in ${key} (${reason})${removed ? "" : "; nothing to remove"}`);
  };
  app.event("app_uninstalled", async ({ body, context }) => {
    await ended(accountKeyOf(context), body.event_time, "app_uninstalled");
  });
  app.event("tokens_revoked", async ({ event, body, context }) => {
    // Only the bot's tokens matter: Rolecall keeps no user tokens.
    if ((event.tokens?.bot ?? []).length > 0)
      await ended(accountKeyOf(context), body.event_time, "tokens_revoked");
  });
};
