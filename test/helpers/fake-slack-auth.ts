import { randomBytes } from "node:crypto";

/** Slack's answer to a Web API call: ok, and its error code when not. */
export type Answer = Record<string, unknown> & { ok: boolean; error?: string };
export const fail = (error: string, extra: Record<string, unknown> = {}): Answer => ({
  ok: false,
  error,
  ...extra,
});

/** A workspace; one inside an Enterprise Grid org names its enterprise. */
export interface FakeWorkspace {
  teamId: string;
  name: string;
  enterprise?: { id: string; name: string };
}

/** A workspace's people: email (absent when Slack would not share it) and workspace (default: the first). */
export interface FakeUser {
  email?: string;
  team?: string;
}

/**
 * What Slack knows of a bot token: the installation it belongs to (a workspace, or a whole enterprise
 * for an org-wide install), its scopes, and its life (expiry for rotating tokens, revoked, uninstalled).
 */
export interface FakeToken {
  /** The workspace of a workspace install; absent for an org-wide install. */
  teamId?: string;
  /** The enterprise of the workspace, or of the org-wide install. */
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
  scopes: string[];
  botUserId: string;
  botId: string;
  /** On the fake's clock (see `now()`); absent for a token that does not expire. */
  expiresAt?: number;
  state: "active" | "revoked" | "uninstalled";
}

/** Where a token can come from without the OAuth dance: one workspace, or one enterprise (org-wide). */
export type Installation = { teamId: string } | { enterpriseId: string };

export interface AuthorizationCodeOptions {
  teamId: string;
  /** The installing user; must be one of the workspace's users (`fake.users`). */
  userId: string;
  scopes?: string[];
  /** The installer chose the whole enterprise of `teamId` (org-wide install). */
  enterpriseInstall?: boolean;
  /** The app has token rotation on: the access token expires, and comes with a refresh token. */
  rotation?: { expiresInSeconds: number };
  /** The redirect_uri of the authorize URL: the exchange must then send the same one. */
  redirectUri?: string;
}

/** The bot scopes manifest.yml asks for: what an install gets unless a test names others. */
export const DEFAULT_BOT_SCOPES = ["commands", "chat:write", "users:read", "users:read.email", "im:write"];

export const APP_ID = "A0ROLECALL";

/** An authorization code is good for ten minutes, once. */
export const CODE_TTL_MS = 10 * 60_000;

interface IssuedCode extends AuthorizationCodeOptions {
  issuedAt: number;
  used: boolean;
}

/** What a refresh token renews: the installation it came with, once. */
interface RefreshGrant {
  install: Omit<FakeToken, "expiresAt" | "state">;
  userId: string;
  expiresInSeconds: number;
  used: boolean;
}

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
const secret = (bytes: number) => randomBytes(bytes).toString("hex");
const digits = () => String(1e12 + Math.floor(Math.random() * 9e12));

const basicAuth = (header: string | undefined): { id?: string; secret?: string } => {
  const encoded = /^Basic (.+)$/.exec(header ?? "")?.[1];
  if (!encoded) return {};
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? {} : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
};

/**
 * Slack's side of installations: workspaces and enterprises, who belongs where, bot tokens and what
 * each may see, and the OAuth v2 exchange (`oauth.v2.access`) with Slack's single-use codes and
 * rotating refresh tokens. FakeSlack answers Web API methods on top of it.
 */
export class FakeSlackAuth {
  readonly workspaces = new Map<string, FakeWorkspace>();
  /** Slack user id → user; a user without `team` belongs to the default workspace. */
  readonly users = new Map<string, FakeUser>();
  /** Bot tokens Slack has issued: token → what it is for. */
  readonly tokens = new Map<string, FakeToken>();
  /** The app's credentials `oauth.v2.access` checks (HTTP Basic or client_id/client_secret). */
  oauthClient = { clientId: "1111.2222", clientSecret: "fake-client-secret" };
  readonly appId = APP_ID;
  readonly defaultTeamId: string;
  private readonly codes = new Map<string, IssuedCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  /** Every token issued by `oauth.v2.access`, oldest first, with the installation (team or enterprise id) it is for. */
  readonly granted: { id: string; botToken: string; refreshToken?: string }[] = [];
  private clockOffsetMs = 0;

  constructor(botToken: string, teamId: string) {
    this.defaultTeamId = teamId;
    this.addWorkspace({ teamId, name: "Acme" });
    this.addToken(botToken, { teamId });
  }

  /** Slack's time for codes and token expiry: the real time, plus what `advanceClock` added. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Makes time pass for codes and tokens without sleeping. */
  advanceClock(seconds: number): void {
    this.clockOffsetMs += seconds * 1000;
  }

  addWorkspace(workspace: FakeWorkspace): void {
    this.workspaces.set(workspace.teamId, workspace);
  }

  /** Registers a bot token as if the app had been installed there (no OAuth dance). */
  addToken(
    token: string,
    install: Installation,
    options: { scopes?: string[]; expiresInSeconds?: number } = {},
  ): void {
    const { expiresInSeconds } = options;
    this.tokens.set(token, {
      ...this.botOf(install),
      scopes: options.scopes ?? DEFAULT_BOT_SCOPES,
      ...(expiresInSeconds === undefined ? {} : { expiresAt: this.now() + expiresInSeconds * 1000 }),
      state: "active",
    });
  }

  /** The code Slack hands the browser when a user clicks Allow: valid for ten minutes, once. */
  authorizationCode(options: AuthorizationCodeOptions): string {
    const workspace = this.workspaceOf(options.teamId);
    if (options.enterpriseInstall && !workspace.enterprise)
      throw new Error(`${options.teamId} belongs to no enterprise: it cannot be installed org-wide`);
    if (this.teamOf(options.userId) !== options.teamId)
      throw new Error(`${options.userId} is not a user of ${options.teamId}: add it to fake.users first`);
    const code = `${digits()}.${digits()}.${secret(32)}`;
    this.codes.set(code, { ...options, issuedAt: this.now(), used: false });
    return code;
  }

  /** The token stops working as if its expiry had passed (`token_expired`). */
  expireToken(token: string): void {
    const known = this.tokens.get(token);
    if (!known) throw new Error(`Slack never issued ${token}`);
    known.expiresAt = this.now() - 1;
  }

  /**
   * The tokens of that installation (a workspace id, or an enterprise id for an org-wide install)
   * answer `token_revoked`; its refresh tokens stop working.
   */
  revokeTokens(teamOrEnterpriseId: string): void {
    this.endInstallation(teamOrEnterpriseId, "revoked");
  }

  /** The app is uninstalled there: its tokens answer `account_inactive`; its refresh tokens stop working. */
  uninstall(teamOrEnterpriseId: string): void {
    this.endInstallation(teamOrEnterpriseId, "uninstalled");
  }

  /** The workspace a user belongs to. */
  teamOf(userId: string): string | undefined {
    const user = this.users.get(userId);
    return user ? (user.team ?? this.defaultTeamId) : undefined;
  }

  /** A workspace token reaches its workspace; an org-wide token, every workspace of its enterprise. */
  reaches(token: FakeToken, teamId: string): boolean {
    if (!token.isEnterpriseInstall) return teamId === token.teamId;
    return this.workspaces.get(teamId)?.enterprise?.id === token.enterpriseId;
  }

  /** A user exists for a token only in a workspace the token reaches. */
  canSee(token: FakeToken, userId: string): boolean {
    const team = this.teamOf(userId);
    return team !== undefined && this.reaches(token, team);
  }

  /** Why Slack would refuse a call carrying this token, or null when it is good. */
  tokenProblem(token: string | undefined): Answer | null {
    if (!token) return fail("not_authed");
    const known = this.tokens.get(token);
    if (!known) return fail("invalid_auth");
    if (known.state === "revoked") return fail("token_revoked");
    if (known.state === "uninstalled") return fail("account_inactive");
    if (known.expiresAt !== undefined && this.now() >= known.expiresAt) return fail("token_expired");
    return null;
  }

  authTest(token: FakeToken): Answer {
    const enterprise = token.enterpriseId ? this.enterpriseOf(token.enterpriseId) : undefined;
    const workspace = token.teamId ? this.workspaceOf(token.teamId) : undefined;
    const url =
      token.isEnterpriseInstall && enterprise
        ? `https://${slug(enterprise.name)}.enterprise.slack.com/`
        : `https://${slug(workspace?.name ?? "")}.slack.com/`;
    return {
      ok: true,
      url,
      team: token.isEnterpriseInstall ? enterprise?.name : workspace?.name,
      user: "rolecall",
      team_id: token.isEnterpriseInstall ? token.enterpriseId : token.teamId,
      user_id: token.botUserId,
      bot_id: token.botId,
      ...(token.enterpriseId ? { enterprise_id: token.enterpriseId } : {}),
      is_enterprise_install: token.isEnterpriseInstall,
    };
  }

  /** `oauth.v2.access`: a code exchange, or a refresh (`grant_type=refresh_token`). */
  oauthAccess(args: Record<string, unknown>, authorization: string | undefined): Answer {
    const basic = basicAuth(authorization);
    const clientId = typeof args.client_id === "string" ? args.client_id : basic.id;
    const clientSecret = typeof args.client_secret === "string" ? args.client_secret : basic.secret;
    if (clientId !== this.oauthClient.clientId) return fail("invalid_client_id");
    if (clientSecret !== this.oauthClient.clientSecret) return fail("bad_client_secret");
    const grantType = args.grant_type ?? "authorization_code";
    if (grantType === "authorization_code") return this.exchangeCode(args);
    if (grantType === "refresh_token") return this.refresh(args);
    return fail("invalid_grant_type");
  }

  private exchangeCode(args: Record<string, unknown>): Answer {
    const issued = this.codes.get(String(args.code ?? ""));
    if (!issued || issued.used || this.now() - issued.issuedAt > CODE_TTL_MS) return fail("invalid_code");
    if (issued.redirectUri !== undefined && args.redirect_uri !== issued.redirectUri)
      return fail("bad_redirect_uri");
    issued.used = true;
    const workspace = this.workspaceOf(issued.teamId);
    const enterpriseId = workspace.enterprise?.id;
    const install: RefreshGrant["install"] = {
      ...this.botOf(issued.enterpriseInstall && enterpriseId ? { enterpriseId } : { teamId: issued.teamId }),
      scopes: issued.scopes ?? DEFAULT_BOT_SCOPES,
    };
    return this.grant(install, issued.userId, issued.rotation?.expiresInSeconds);
  }

  private refresh(args: Record<string, unknown>): Answer {
    const grant = this.refreshTokens.get(String(args.refresh_token ?? ""));
    if (!grant || grant.used) return fail("invalid_refresh_token");
    grant.used = true;
    return this.grant(grant.install, grant.userId, grant.expiresInSeconds);
  }

  /** Issues an access token (and, with rotation, a refresh token) and answers as Slack documents. */
  private grant(install: RefreshGrant["install"], userId: string, expiresInSeconds?: number): Answer {
    const rotating = expiresInSeconds !== undefined;
    // Slack's rotating bot tokens carry the xoxe. prefix; the others are plain xoxb- tokens.
    const accessToken = `${rotating ? "xoxe.xoxb-1-" : "xoxb-"}${digits()}-${digits()}-${secret(12)}`;
    this.tokens.set(accessToken, {
      ...install,
      ...(rotating ? { expiresAt: this.now() + expiresInSeconds * 1000 } : {}),
      state: "active",
    });
    const refreshToken = rotating ? `xoxe-1-${secret(40)}` : undefined;
    if (refreshToken && rotating)
      this.refreshTokens.set(refreshToken, { install, userId, expiresInSeconds, used: false });
    const workspace = install.teamId ? this.workspaceOf(install.teamId) : undefined;
    const enterprise = install.enterpriseId ? this.enterpriseOf(install.enterpriseId) : undefined;
    this.granted.push({
      id: (install.isEnterpriseInstall ? install.enterpriseId : install.teamId) ?? "",
      botToken: accessToken,
      ...(refreshToken ? { refreshToken } : {}),
    });
    return {
      ok: true,
      app_id: this.appId,
      authed_user: { id: userId },
      scope: install.scopes.join(","),
      token_type: "bot",
      access_token: accessToken,
      bot_user_id: install.botUserId,
      ...(refreshToken ? { refresh_token: refreshToken, expires_in: expiresInSeconds } : {}),
      team: install.isEnterpriseInstall || !workspace ? null : { id: workspace.teamId, name: workspace.name },
      enterprise: enterprise ? { id: enterprise.id, name: enterprise.name } : null,
      is_enterprise_install: install.isEnterpriseInstall,
    };
  }

  /** The newest tokens issued for a workspace (or, org-wide, an enterprise); a test fails loudly without one. */
  latestGrant(id: string): { botToken: string; refreshToken?: string } {
    const grant = this.granted.findLast((g) => g.id === id);
    if (!grant) throw new Error(`no token was issued for ${id}`);
    return grant;
  }

  private endInstallation(id: string, state: "revoked" | "uninstalled"): void {
    const isOf = (t: Omit<FakeToken, "expiresAt" | "state">) =>
      t.isEnterpriseInstall ? t.enterpriseId === id : t.teamId === id;
    for (const token of this.tokens.values()) if (isOf(token)) token.state = state;
    for (const grant of this.refreshTokens.values()) if (isOf(grant.install)) grant.used = true;
  }

  /** The bot user of an installation: the default workspace keeps UBOT/BBOT, the others get their own. */
  private botOf(install: Installation): Omit<FakeToken, "scopes" | "expiresAt" | "state"> {
    if ("enterpriseId" in install) {
      this.enterpriseOf(install.enterpriseId);
      const tail = install.enterpriseId.slice(1);
      return {
        enterpriseId: install.enterpriseId,
        isEnterpriseInstall: true,
        botUserId: `WBOT${tail}`,
        botId: `BBOT${tail}`,
      };
    }
    const workspace = this.workspaceOf(install.teamId);
    const tail = install.teamId === this.defaultTeamId ? "" : install.teamId.slice(1);
    return {
      teamId: install.teamId,
      ...(workspace.enterprise ? { enterpriseId: workspace.enterprise.id } : {}),
      isEnterpriseInstall: false,
      botUserId: `UBOT${tail}`,
      botId: `BBOT${tail}`,
    };
  }

  private workspaceOf(teamId: string): FakeWorkspace {
    const workspace = this.workspaces.get(teamId);
    if (!workspace) throw new Error(`No workspace ${teamId}: call fake.addWorkspace first`);
    return workspace;
  }

  private enterpriseOf(enterpriseId: string): { id: string; name: string } {
    const enterprise = [...this.workspaces.values()].find(
      (w) => w.enterprise?.id === enterpriseId,
    )?.enterprise;
    if (!enterprise) throw new Error(`No workspace belongs to enterprise ${enterpriseId}`);
    return enterprise;
  }
}
