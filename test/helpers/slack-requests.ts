import { createHmac } from "node:crypto";

export const SIGNING_SECRET = "test-signing-secret-0123456789abcdef";

/** Slack's v0 signature: HMAC-SHA256 over `v0:{timestamp}:{body}`. */
export const signature = (timestamp: number, body: string, secret = SIGNING_SECRET): string =>
  `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;

export interface SignedOptions {
  timestamp?: number;
  signature?: string;
  secret?: string;
}

export interface HttpReply {
  status: number;
  text: string;
}

/** POSTs to /slack/events exactly as Slack does. */
export const postSigned = async (
  base: string,
  body: string,
  contentType: "application/x-www-form-urlencoded" | "application/json",
  options: SignedOptions = {},
): Promise<HttpReply> => {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(`${base}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": contentType,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": options.signature ?? signature(timestamp, body, options.secret),
    },
    body,
  });
  return { status: res.status, text: await res.text() };
};

export const slashCommandBody = (fields: {
  text: string;
  userId: string;
  teamId: string;
  responseUrl: string;
  triggerId: string;
  channelId?: string;
}): string =>
  new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: fields.teamId,
    team_domain: "acme",
    channel_id: fields.channelId ?? "C0GENERAL",
    channel_name: "general",
    user_id: fields.userId,
    user_name: fields.userId.toLowerCase(),
    command: "/team",
    text: fields.text,
    api_app_id: "A0ROLECALL",
    is_enterprise_install: "false",
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId,
  }).toString();

export const interactiveBody = (payload: unknown): string =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
