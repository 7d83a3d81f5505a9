import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** Set once the fake has sent its answer. */
  answered: boolean;
}

export interface RecordedResponse {
  id: string;
  body: Record<string, unknown>;
}

/** How the fake answers one Web API method: slowly, with an HTTP error, or held until released. */
export interface Behaviour {
  delayMs?: number;
  status?: number;
  retryAfterSeconds?: number;
  hold?: Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });

/** Web API arguments arrive form-encoded with JSON inside (views, blocks); decode both. */
const parseArgs = (raw: string, contentType: string | undefined): Record<string, unknown> => {
  if (contentType?.includes("application/json"))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
};

/** A loopback stand-in for Slack's Web API and response_url endpoints, recording every call. */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly users = new Map<string, { email?: string }>();
  readonly behaviours = new Map<string, Behaviour>();
  private server: Server | null = null;
  port = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  async start(): Promise<void> {
    const server = createServer(async (req, res) => {
      const raw = await readBody(req);
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const respond = /^\/respond\/(.+)$/.exec(path);
      if (respond?.[1]) {
        this.responses.push({ id: respond[1], body: JSON.parse(raw || "{}") as Record<string, unknown> });
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
        return;
      }
      const method = path.replace(/^\/api\//, "");
      const args = parseArgs(raw, req.headers["content-type"]);
      const call: RecordedCall = { method, args, answered: false };
      this.calls.push(call);
      res.on("finish", () => {
        call.answered = true;
      });
      const behaviour = this.behaviours.get(method);
      if (behaviour?.hold) await behaviour.hold;
      if (behaviour?.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
      if (behaviour?.status) {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (behaviour.retryAfterSeconds !== undefined)
          headers["retry-after"] = String(behaviour.retryAfterSeconds);
        res.writeHead(behaviour.status, headers);
        res.end(
          JSON.stringify({ ok: false, error: behaviour.status === 429 ? "ratelimited" : "internal_error" }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(this.answer(method, args)));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (server.address() as AddressInfo).port;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return { ok: true, user_id: "UBOT", bot_id: "BBOT", user: "rolecall", team: "Acme" };
      case "users.info": {
        const id = String(args.user);
        const user = this.users.get(id);
        return user
          ? { ok: true, user: { id, profile: user.email ? { email: user.email } : {} } }
          : { ok: false, error: "user_not_found" };
      }
      case "users.lookupByEmail": {
        const found = [...this.users].find(([, u]) => u.email === args.email);
        return found
          ? { ok: true, user: { id: found[0], profile: { email: args.email } } }
          : { ok: false, error: "users_not_found" };
      }
      case "views.open":
      case "views.publish":
      case "views.update":
        return { ok: true, view: { id: "V123", ...(args.view as object) } };
      case "chat.postMessage":
        return { ok: true, channel: args.channel, ts: `${Date.now() / 1000}` };
      default:
        return { ok: true };
    }
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits (bounded) until `find` returns something. */
  async waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
