/** An invite just accepted on its page (the HTTP door), for the Slack door to announce. */
export interface AcceptedInvite {
  accountId: string;
  email: string;
  role: string;
  inviterSlackUserId: string | null;
}
