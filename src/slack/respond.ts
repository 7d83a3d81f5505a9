import type { RespondArguments } from "@slack/bolt";

/**
 * Posts to a response_url Rolecall kept from an earlier interaction (a form's metadata), the way
 * Bolt's `respond()` does inside a listener. Its host was checked when the payload arrived.
 */
export const respondLater = async (responseUrl: string, message: RespondArguments): Promise<void> => {
  const answer = await fetch(responseUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(10_000),
  });
  if (!answer.ok) throw new Error(`response_url answered ${answer.status}: ${await answer.text()}`);
};
