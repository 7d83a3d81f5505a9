import { accountKeyOf } from "../actor.js";
import { stateOfHome } from "../home.js";
import type { SlackDeps, SlackRegistry } from "./deps.js";

/** App Home: opening the tab shows the dashboard as it is now, on the page the viewer last chose. */
export const registerHome = (app: SlackRegistry, { homes, logger }: SlackDeps): void => {
  app.event("app_home_opened", async ({ event, body, client, context }) => {
    if (event.tab !== "home") return;
    const state = stateOfHome(event.view?.private_metadata);
    await homes
      .show({ teamId: accountKeyOf(context, body.team_id), userId: event.user }, state, client)
      .catch((e) => logger.warn("Could not show App Home:", e));
  });
};
