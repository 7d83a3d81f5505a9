import type { App } from "@slack/bolt";
import { CoreError } from "../../core/errors.js";
import type { AccessCore } from "../../core/index.js";
import type { ChangeRequest } from "../../core/model.js";
import type { Clock } from "../../core/ports.js";
import type { Logger } from "../../log.js";
import type { SlackActors } from "../actor.js";
import { SlackUnavailableError } from "../actor.js";
import type { Delivery } from "../blocks/requests.js";
import type { HomeTabs } from "../home.js";
import { noteOutcome } from "../request-log.js";

export interface SlackDeps {
  core: AccessCore;
  actors: SlackActors;
  logger: Logger;
  /** App Home: shows a viewer's dashboard and keeps it current after changes. */
  homes: HomeTabs;
  /** Tell Slack about filed or decided requests now (posts, threads, DMs), without waiting for the timer. */
  requestsChanged: () => void;
  /** Posts a just-filed request now, and says where it stands (sent, waiting for Slack, nobody to send to). */
  deliverRequest: (request: ChangeRequest) => Promise<Delivery>;
  /** The app's clock (tests inject one): grant end times are worded against it. */
  clock: Clock;
}

/** Refusals are expected; anything else is logged with where it happened. Either way the request's log line says how it ended. */
export const logIfUnexpected = (logger: Logger, where: string, error: unknown, context: object): void => {
  noteOutcome(context, error);
  if (error instanceof CoreError || error instanceof SlackUnavailableError) return;
  logger.error(`${where} failed:`, error);
};

/** Where listener modules register their commands, events, buttons and forms (see router.ts). */
export interface SlackRegistry {
  command: App["command"];
  event: App["event"];
  action: App["action"];
  view: App["view"];
}
