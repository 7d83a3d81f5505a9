import { afterEach, describe, expect, it } from "vitest";
import { listeningServer } from "../helpers/http-server.js";
import { openRaw } from "../helpers/raw-http.js";
import { openCore, seedTeam } from "../helpers/team.js";

/** REQUEST_BODY_TIMEOUT_MS here: short, so that a form that never arrives is cut while the test waits. */
const TIMEOUT_MS = 1000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The HTTP server on a real core holding one pending invite; its token, as the mail carries it. */
const serve = async () => {
  const wired = await openCore();
  cleanups.push(() => wired.close());
  const seeded = await seedTeam(wired.core, [
    { email: "new@acme.test", role: "teammate", status: "invited" },
  ]);
  const mail = (await wired.store.listMail())
    .map((row) => row.mail as { kind: string; to: string; token?: string })
    .find((m) => m.kind === "invite" && m.to === "new@acme.test");
  const token = mail?.token ?? "";
  const { server, port } = await listeningServer(wired.core, { requestTimeoutMs: TIMEOUT_MS });
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { wired, seeded, token, port };
};

/** A form POST to `path` declaring `declared` bytes of body, of which `sent` are sent. */
const post = (path: string, declared: number, sent: string) =>
  `POST ${path} HTTP/1.1\r\nhost: rolecall.test\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${declared}\r\n\r\n${sent}`;

describe("POST /invites/{token} acts only on a request that arrived whole", () => {
  it("a form declared 1000 bytes that sends 7: 408 at REQUEST_BODY_TIMEOUT_MS, the connection closed, the invite still pending; sent whole, it is accepted", async () => {
    const { wired, token, port } = await serve();
    const conn = await openRaw(port);
    conn.send(post(`/invites/${token}`, 1000, "name=ab"));
    const [answer, ...more] = await conn.closed;
    expect(more).toEqual([]);
    expect(answer).toMatchObject({ status: 408, headers: { connection: "close" } });
    expect(answer?.body).toContain("Nothing was changed");
    expect((await wired.core.inviteByToken(token)).state).toBe("pending");

    // The same form sent whole, in two parts, is accepted, and its connection stays open.
    const whole = await openRaw(port);
    const body = `name=${"a".repeat(995)}`;
    whole.send(post(`/invites/${token}`, body.length, body.slice(0, 7)));
    await new Promise((r) => setTimeout(r, 100));
    whole.send(body.slice(7));
    expect(await whole.answer()).toMatchObject({ status: 200, headers: { connection: "keep-alive" } });
    expect((await wired.core.inviteByToken(token)).state).toBe("accepted");
    expect(whole.isClosed()).toBe(false);
    whole.socket.destroy();
  }, 30_000);

  it("answered early with the body still coming (a broken link, a form too large): the answer closes the connection", async () => {
    const { wired, token, port } = await serve();
    const broken = await openRaw(port);
    broken.send(post("/invites/short", 1000, "name=ab"));
    const tooLarge = await openRaw(port);
    tooLarge.send(post(`/invites/${token}`, 1_000_000, "name=ab"));
    const [brokenAnswer] = await broken.closed;
    expect(brokenAnswer).toMatchObject({ status: 400, headers: { connection: "close" } });
    const [largeAnswer] = await tooLarge.closed;
    expect(largeAnswer).toMatchObject({ status: 413, headers: { connection: "close" } });
    expect((await wired.core.inviteByToken(token)).state).toBe("pending");
  }, 30_000);
});
