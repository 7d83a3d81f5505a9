import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A loopback TCP relay to the PostgreSQL server that a test controls: `down()` drops every open
 * connection and refuses new ones (what an app sees when the server stops); `freeze(match)` silently
 * stops passing bytes on the connections whose start-up message contains `match` (a route that died
 * without a reset), while the others go on.
 */
export class Relay {
  private readonly sockets = new Set<Socket>();
  private readonly hellos = new Map<Socket, string>();
  private readonly upstreams = new Map<Socket, Socket>();
  private up = true;
  private server: Server | null = null;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (!this.up) return client.destroy();
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.once("data", (chunk: Buffer) => this.hellos.set(client, chunk.toString("latin1")));
      this.upstreams.set(client, upstream);
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((done) => this.server?.listen(0, "127.0.0.1", done));
    this.port = (this.server?.address() as { port: number } | null)?.port ?? 0;
  }

  /** Silently stops the connections that introduced themselves with `match` (e.g. their application_name). */
  freeze(match: string): void {
    for (const [client, hello] of this.hellos) if (hello.includes(match)) client.unpipe();
    for (const [client, hello] of this.hellos)
      if (hello.includes(match)) this.upstreams.get(client)?.unpipe();
  }

  down(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.up = true;
  }

  async stop(): Promise<void> {
    this.down();
    await new Promise<void>((done) => this.server?.close(() => done()));
  }
}

/** A started relay to the server a PostgreSQL URL names, and the same URL through the relay. */
export const relayTo = async (url: string): Promise<{ relay: Relay; url: string }> => {
  const direct = new URL(url);
  const relay = new Relay({ host: direct.hostname, port: Number(direct.port || 5432) });
  await relay.start();
  const relayed = new URL(url);
  relayed.hostname = "127.0.0.1";
  relayed.port = String(relay.port);
  return { relay, url: relayed.toString() };
};
