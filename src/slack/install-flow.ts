import type { ServerResponse } from "node:http";
import type { HTTPReceiverOptions } from "@slack/bolt";
import { DatabaseUnavailableError } from "../core/errors.js";
import type { Clock, InstallationStore } from "../core/ports.js";
import type { Logger } from "../log.js";
import { installedPage, installFailedPage, installPage } from "../shared/pages.js";
import type { ClientOptions } from "./clients.js";
import { type InstalledWorkspaces, InstallRefusedError } from "./installations.js";
import { SingleUseStateStore } from "./oauth-state.js";
import { BOT_SCOPES } from "./scopes.js";

export const INSTALL_PATH = "/slack/install";
export const REDIRECT_PATH = "/slack/oauth_redirect";

export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  /** APP_BASE_URL: where Slack sends the installer back. */
  baseUrl: string;
  /** For `oauth.v2.access` and `auth.test` at SLACK_API_URL. */
  clientOptions: ClientOptions;
}

const sendPage = (res: ServerResponse, status: number, html: string): void => {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(html);
};

/** Each way an install can fail, as the installer reads it. Nothing was stored in any of them. */
const failureOf = (error: {
  code?: string;
  message?: string;
}): { status: number; title: string; message: string } => {
  if (error instanceof InstallRefusedError)
    return { status: 400, title: "Rolecall was not installed", message: error.message };
  if (error instanceof DatabaseUnavailableError)
    return {
      status: 503,
      title: "Rolecall was not installed",
      message:
        "Rolecall could not save the installation just now, so nothing was installed. Please try again in a minute.",
    };
  switch (error.code) {
    case "slack_oauth_installer_authorization_error":
      return {
        status: 403,
        title: "Rolecall was not installed",
        message: "You chose not to allow Rolecall in Slack, so nothing was installed.",
      };
    case "slack_oauth_invalid_state":
    case "slack_oauth_missing_state":
    case "slack_oauth_missing_code":
      return {
        status: 400,
        title: "This install link no longer works",
        message:
          "The link has expired, was already used, or was started in another browser, so this page installed nothing. If you have just installed Rolecall, it is installed: open Slack and type /team help. Otherwise, start again from this browser.",
      };
    case "slack_webapi_platform_error":
    case "slack_webapi_request_error":
    case "slack_webapi_http_error":
    case "slack_webapi_rate_limited_error":
      return {
        status: 502,
        title: "Slack did not complete the install",
        message: "Slack did not confirm the installation, so nothing was installed. Please start again.",
      };
    default:
      return {
        status: 500,
        title: "Rolecall was not installed",
        message: "Something went wrong on our side, so nothing was installed. Please start again.",
      };
  }
};

/**
 * Slack's OAuth v2 flow through Bolt's own InstallProvider (the receiver's OAuth options): the
 * Add-to-Slack page sets the state cookie, the redirect checks it, exchanges the code with
 * `oauth.v2.access`, and stores what Slack granted through `workspaces` (the token resolver).
 */
export const oauthReceiverOptions = (
  settings: OAuthSettings,
  workspaces: InstalledWorkspaces,
  installations: InstallationStore,
  clock: Clock,
  logger: Logger,
): Pick<
  HTTPReceiverOptions,
  | "clientId"
  | "clientSecret"
  | "stateSecret"
  | "scopes"
  | "installationStore"
  | "redirectUri"
  | "installerOptions"
> => {
  const redirectUri = `${settings.baseUrl}${REDIRECT_PATH}`;
  // Without a logger: the InstallProvider gives its clients its own (the receiver's, no debug bodies).
  const { logger: _own, ...installerClientOptions } = settings.clientOptions;
  const scopes = [...BOT_SCOPES];
  return {
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    stateSecret: settings.stateSecret,
    scopes,
    redirectUri,
    installationStore: workspaces.boltStore,
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: REDIRECT_PATH,
      directInstall: false,
      clientOptions: installerClientOptions,
      stateVerification: true,
      stateStore: new SingleUseStateStore(settings.stateSecret, installations, clock, {
        scopes,
        redirectUri,
      }),
      renderHtmlForInstallPath: installPage,
      callbackOptions: {
        success: (installation, _options, _req, res) => {
          const outcome = workspaces.outcomeOf(installation);
          const team = installation.team?.id ?? installation.enterprise?.id;
          const slackUrl =
            installation.appId && team
              ? `https://slack.com/app_redirect?app=${encodeURIComponent(installation.appId)}&team=${encodeURIComponent(team)}`
              : null;
          sendPage(
            res,
            200,
            installedPage({
              accountName: outcome?.account.name ?? installation.team?.name ?? "your workspace",
              created: outcome?.created ?? false,
              welcomed: outcome?.welcomed ?? false,
              slackUrl,
            }),
          );
        },
        failure: (error, _options, req, res) => {
          // Slack sends installers back with ?error=… when it refused (access_denied is Cancel).
          const refused = new URL(req.url ?? "/", "http://localhost").searchParams.get("error");
          const failure =
            refused !== null && refused !== "access_denied"
              ? {
                  status: 502,
                  title: "Slack did not complete the install",
                  message: "Slack refused the installation, so nothing was installed. Please start again.",
                }
              : failureOf(error);
          logger.warn(
            `Slack install failed (${refused === null ? (error.code ?? "unknown") : `Slack said ${refused.slice(0, 100)}`}): ${error.message}`,
          );
          sendPage(res, failure.status, installFailedPage(failure.title, failure.message));
        },
      },
    },
  };
};
