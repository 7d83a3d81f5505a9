import { createServer } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A free loopback port (nothing listens on it until we start something there). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

/** A real SMTP server on loopback that keeps every message it accepts, parsed. */
export class TestSmtp {
  readonly messages: ParsedMail[] = [];
  /** Return an SMTP reply code to refuse a recipient (451: try later, 550: never). */
  refuse: (recipient: string) => number | null = () => null;
  /** While set, every new transaction waits at MAIL FROM (before anything is accepted) until it resolves. */
  hold: Promise<void> | null = null;
  private server: SMTPServer | null = null;

  constructor(readonly port: number) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onMailFrom: (_address, _session, callback) => {
        if (!this.hold) return callback();
        this.hold.then(() => callback()).catch(callback);
      },
      onRcptTo: (address, _session, callback) => {
        const code = this.refuse(address.address);
        if (!code) return callback();
        const error = Object.assign(new Error(code >= 500 ? "No such mailbox" : "Try again later"), {
          responseCode: code,
        });
        return callback(error);
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            this.messages.push(parsed);
            callback();
          })
          .catch(callback);
      },
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", () => resolve()));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  to(email: string): ParsedMail[] {
    return this.messages.filter((m) => {
      const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
      return to.some((a) => a.value.some((v) => v.address === email));
    });
  }

  /** The invite link in a parsed mail's text part. */
  static inviteLink(mail: ParsedMail): string {
    const link = /https?:\/\/\S+\/invites\/[A-Za-z0-9_-]{43}/.exec(mail.text ?? "")?.[0];
    if (!link) throw new Error("No invite link in the mail");
    return link;
  }
}

/** Waits, bounded, for a condition to hold. */
export const eventually = async (
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** The outbox as the database holds it, read directly (cheap enough to poll). */
export const outboxRows = async (
  db: string,
): Promise<{ recipient: string; status: string; attempts: number }[]> => {
  const Database = (await import("better-sqlite3")).default;
  const raw = new Database(db, { readonly: true });
  try {
    return raw.prepare("SELECT recipient, status, attempts FROM outbox ORDER BY created_at").all() as {
      recipient: string;
      status: string;
      attempts: number;
    }[];
  } finally {
    raw.close();
  }
};
