import type { App } from "@slack/bolt";
import { CoreError } from "../../core/errors.js";
import { homeView, notMemberHome } from "../blocks/home.js";
import { logIfUnexpected, type SlackDeps } from "./deps.js";

/** Members shown on App Home before "…and N more". */
export const HOME_TEAM_SIZE = 30;

export const registerHome = (app: App, { core, actors, logger }: SlackDeps): void => {
  app.event("app_home_opened", async ({ event, body, client }) => {
    if (event.tab !== "home") return;
    let view: ReturnType<typeof homeView>;
    try {
      const actor = await actors.resolve({ teamId: body.team_id, userId: event.user }, client);
      const me = core.whoami(actor);
      const holds = (p: "team_settings" | "access_permissions") => me.permissions.includes(p);
      view = homeView({
        me,
        team: holds("team_settings")
          ? core.listMembers(actor, {}, { offset: 0, limit: HOME_TEAM_SIZE })
          : null,
        permissions: holds("access_permissions") ? core.permissions(actor) : null,
        requests: me.role === "owner" ? core.requests.list(actor).toDecide : null,
      });
    } catch (error) {
      logIfUnexpected(logger, "app_home_opened", error);
      if (!(error instanceof CoreError)) return;
      view = notMemberHome(error.message);
    }
    await client.views
      .publish({ user_id: event.user, view })
      .catch((e) => logger.warn("views.publish failed:", e));
  });
};
