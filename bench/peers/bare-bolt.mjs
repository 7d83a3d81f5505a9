// The peer of a signed `/team whoami`: a bare Bolt app (HTTP receiver, signature checked) whose one
// command listener acks the reply Rolecall gives (BARE_REPLY, JSON). Run as its own process.
import { createServer } from "node:http";
import { App, HTTPReceiver } from "@slack/bolt";

const reply = JSON.parse(process.env.BARE_REPLY ?? "{}");
const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? "",
  endpoints: "/slack/events",
  processBeforeResponse: false,
});
const app = new App({ receiver, authorize: async () => ({ botToken: "xoxb-bench" }) });
app.command("/team", async ({ ack }) => {
  await ack(reply);
});
const server = createServer((req, res) => {
  // The bench's "are you up?" probe.
  if (req.url === "/healthz") return res.end("ok");
  receiver.requestListener(req, res);
});
server.listen(Number(process.env.PORT), "127.0.0.1");
