import { CoreError } from "../core/errors.js";
import type { AccessCore } from "../core/index.js";
import { ROLE_LABEL, type Role } from "../core/roles.js";
import type { Logger } from "../log.js";
import type { AcceptedInvite } from "../shared/accepted-invite.js";
import type { SlackClients } from "./clients.js";
import { esc } from "./escape.js";

/** After an invite is accepted: link the new member's Slack user by email, and tell the inviter. */
export const announceAcceptedInvite = async (
  clients: SlackClients,
  core: AccessCore,
  logger: Logger,
  accepted: AcceptedInvite,
): Promise<void> => {
  const client = await clients.forAccount(accepted.accountId);
  try {
    const found = await client.users.lookupByEmail({ email: accepted.email });
    if (found.user?.id) await core.linkSlackUser(accepted.accountId, accepted.email, found.user.id);
  } catch (error) {
    // Not in this Slack workspace (users_not_found), or Slack is unreachable: they link on first use.
    if (!(error instanceof CoreError))
      logger.debug("users.lookupByEmail:", error instanceof Error ? error.message : error);
  }
  if (!accepted.inviterSlackUserId) return;
  const role = ROLE_LABEL[accepted.role as Role] ?? accepted.role;
  await client.chat
    .postMessage({
      channel: accepted.inviterSlackUserId,
      text: `${esc(accepted.email)} accepted your invite and joined as ${role}.`,
    })
    .catch((error) =>
      logger.warn("Could not tell the inviter:", error instanceof Error ? error.message : error),
    );
};
