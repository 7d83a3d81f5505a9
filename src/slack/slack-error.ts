/** Slack's error code on a refused Web API call (`user_not_found`, `channel_not_found`…), if it is one. */
export const slackErrorCode = (error: unknown): string | undefined =>
  (error as { data?: { error?: unknown } } | null)?.data?.error?.toString();
