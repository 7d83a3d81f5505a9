import { createHash } from "node:crypto";
import type { webApi } from "@slack/bolt";
import { CoreError } from "../core/errors.js";
import type { AccessCore, ActorContext } from "../core/index.js";
import type { ChangeRequest } from "../core/model.js";
import type { Logger } from "../log.js";
import { refusalWords } from "../words/en/refusals.js";
import type { SlackActors, SlackUser } from "./actor.js";
import { HOME_PAGE_SIZE, homeView, invitedHome, notMemberHome } from "./blocks/home.js";
import type { View } from "./blocks/kit.js";
import { FIRST_PAGE, type TeamState, teamState } from "./blocks/team.js";
import type { SlackClients } from "./clients.js";
import { slackDoor } from "./format.js";

/** Homes kept fresh per account: the people who opened theirs most recently. */
export const HOME_VIEWERS_PER_ACCOUNT = 200;
/** Changes within this window refresh each Home once. */
const REFRESH_DELAY_MS = 250;

interface Viewer {
  user: SlackUser;
  state: TeamState;
  /** What was last published, so a change that does not touch this Home publishes nothing. */
  published: string;
}

const digest = (view: View) => createHash("sha256").update(JSON.stringify(view)).digest("base64url");

/** The team state a Home view carries in its private_metadata, or the first page. */
export const stateOfHome = (metadata: string | undefined): TeamState => {
  try {
    return teamState.parse(JSON.parse(metadata || "{}"));
  } catch {
    return FIRST_PAGE;
  }
};

/**
 * App Home: builds each viewer's dashboard and keeps it current. Every change this process commits
 * re-renders the Homes of the account's recent viewers and publishes only those that changed — so the
 * people a change affects (the member changed, the requester, the Owners deciding) see it at once.
 */
export class HomeTabs {
  private readonly viewers = new Map<string, Map<string, Viewer>>();
  /** Each watched account's version when its Homes were last rendered. */
  private readonly versions = new Map<string, number>();
  private readonly due = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly core: AccessCore,
    private readonly actors: SlackActors,
    private readonly clients: SlackClients,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = core.onCommit((accountId) => this.changed(accountId));
  }

  private changed(accountId: string): void {
    if (!this.viewers.has(accountId)) return;
    this.due.add(accountId);
    this.timer ??= setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
    this.timer.unref?.();
  }

  /**
   * Notices changes committed elsewhere (the CLI, another instance): an account whose version moved
   * since its Homes were rendered is refreshed. Run on the app's sync beat.
   */
  async poll(): Promise<void> {
    for (const accountId of this.viewers.keys()) {
      try {
        if ((await this.core.dashboard.version(accountId)) !== this.versions.get(accountId))
          this.changed(accountId);
      } catch (error) {
        this.logger.warn("Could not check for changes to App Home:", error);
      }
    }
  }

  /** The Home this Slack user should see now (resolving and linking them by email when needed). */
  async view(user: SlackUser, state: TeamState, client: webApi.WebClient): Promise<View> {
    let actor: ActorContext;
    try {
      actor = await this.actors.resolve(user, client);
    } catch (error) {
      if (!(error instanceof CoreError)) throw error;
      return notMemberHome(refusalWords(error.refusal, slackDoor));
    }
    return this.renderOrNotice(actor, state);
  }

  /** Publishes a viewer's Home and remembers them, so later changes keep it fresh. */
  async show(user: SlackUser, state: TeamState, client: webApi.WebClient): Promise<void> {
    const view = await this.view(user, state, client);
    await client.views.publish({ user_id: user.userId, view });
    const linked = await this.linkedAccount(user);
    if (linked) {
      this.remember(linked, { user, state, published: digest(view) });
      if (!this.versions.has(linked)) this.versions.set(linked, await this.core.dashboard.version(linked));
    }
  }

  /** The account of a Slack user Rolecall has linked to a current member (invited or active), if any. */
  private async linkedAccount(user: SlackUser): Promise<string | null> {
    try {
      return (await this.actors.local(user))?.accountId ?? null;
    } catch {
      return null;
    }
  }

  /** Stops refreshing (the process is shutting down); a refresh under way finishes. */
  async stop(): Promise<void> {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.due.clear();
    await this.running;
  }

  /** Re-renders and publishes the changed Homes of every account that changed since the last run. */
  refresh(): Promise<void> {
    this.timer = null;
    const accounts = [...this.due];
    this.due.clear();
    this.running = this.running.then(async () => {
      for (const accountId of accounts) {
        // One account's trouble (its database row, its Slack client) never stops the others.
        await this.refreshAccount(accountId).catch((error) =>
          this.logger.warn(`Could not refresh App Homes of account ${accountId}:`, error),
        );
      }
    });
    return this.running;
  }

  private async refreshAccount(accountId: string): Promise<void> {
    const viewers = this.viewers.get(accountId);
    if (!viewers) return;
    const client = await this.clients.forAccount(accountId);
    this.versions.set(accountId, await this.core.dashboard.version(accountId));
    for (const viewer of [...viewers.values()]) {
      let view: View;
      try {
        // Refreshes never call Slack: a viewer is the member linked to them (removed ones are told so).
        const actor: ActorContext = {
          accountId,
          actor: { slackUserId: viewer.user.userId },
          source: "slack",
        };
        view = await this.renderOrNotice(actor, viewer.state);
      } catch (error) {
        this.logger.warn("Could not render App Home:", error);
        continue;
      }
      const published = digest(view);
      if (published === viewer.published) continue;
      try {
        await client.views.publish({ user_id: viewer.user.userId, view });
        viewer.published = published;
      } catch (error) {
        this.logger.warn(`views.publish failed for ${viewer.user.userId}:`, error);
      }
    }
  }

  private async renderOrNotice(actor: ActorContext, state: TeamState): Promise<View> {
    try {
      return await this.render(actor, state);
    } catch (error) {
      if (!(error instanceof CoreError)) throw error;
      const invite = await this.core.dashboard.invitation(actor);
      return invite ? invitedHome(invite) : notMemberHome(refusalWords(error.refusal, slackDoor));
    }
  }

  private async render(actor: ActorContext, wanted: TeamState): Promise<View> {
    const { core } = this;
    const me = await core.whoami(actor);
    const allowed = new Set(await core.dashboard.allowed(actor));
    const requests = await core.requests.list(actor);
    const grants = await core.grants.list(actor);
    const permissions = allowed.has("matrix.view_all") ? await core.permissions(actor) : null;
    // Judged now, before rendering: the blocks are drawn synchronously.
    const sensitiveIds = new Set<string>();
    for (const r of requests.toDecide) if (await core.requests.isSensitive(r)) sensitiveIds.add(r.id);
    const sensitive = (r: ChangeRequest) => sensitiveIds.has(r.id);
    if (!allowed.has("team.view"))
      return homeView({ me, requests, sensitive, team: null, permissions, grants });
    const filter = { role: wanted.role, status: wanted.status };
    const pageOf = (state: TeamState) =>
      core.dashboard.teamPage(actor, filter, {
        offset: (state.page - 1) * HOME_PAGE_SIZE,
        limit: HOME_PAGE_SIZE,
      });
    let state = wanted;
    let page = await pageOf(state);
    // A page that no longer exists (members were removed) shows the last one there is.
    if (page.rows.length === 0 && state.page > 1) {
      state = { ...state, page: Math.max(1, Math.ceil(page.matching / HOME_PAGE_SIZE)) };
      page = await pageOf(state);
    }
    const canAdd = (await core.prepareMemberForm(actor)).assignableRoles.length > 0;
    return homeView({ me, requests, sensitive, permissions, grants, team: { page, state, canAdd } });
  }

  private remember(accountId: string, viewer: Viewer): void {
    let viewers = this.viewers.get(accountId);
    if (!viewers) {
      viewers = new Map();
      this.viewers.set(accountId, viewers);
    }
    viewers.delete(viewer.user.userId);
    viewers.set(viewer.user.userId, viewer);
    if (viewers.size > HOME_VIEWERS_PER_ACCOUNT) {
      const oldest = viewers.keys().next().value;
      if (oldest !== undefined) viewers.delete(oldest);
    }
  }
}
