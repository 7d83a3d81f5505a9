import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSlack } from "../helpers/fake-slack.js";
import { type OAuthHarness, startOAuthHarness } from "../helpers/oauth-harness.js";
import { freePort } from "../helpers/smtp.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let browser: Browser;
let fake: FakeSlack;
let h: OAuthHarness;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  fake = new FakeSlack();
  await fake.start();
  fake.addWorkspace({ teamId: "T0BETA", name: "Beta Corp" });
  fake.users.set("U0ADA", { email: "ada@beta.test", team: "T0BETA" });
  dir = mkdtempSync(join(tmpdir(), "rolecall-install-"));
  const port = await freePort();
  h = await startOAuthHarness(
    join(dir, "rolecall.db"),
    { PORT: String(port), APP_BASE_URL: `http://127.0.0.1:${port}` },
    { fake },
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
  });
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Add to Slack in a real browser", () => {
  it("clicks Add to Slack, allows on Slack's screen, and lands on a page that says the workspace is ready", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Slack's consent screen: the admin clicks Allow, and Slack sends the browser back with a code.
    let asked: URL | null = null;
    await page.route("https://slack.com/**", async (route) => {
      const authorize = new URL(route.request().url());
      asked = authorize;
      const back = new URL(authorize.searchParams.get("redirect_uri") ?? "");
      back.searchParams.set("code", fake.authorizationCode({ teamId: "T0BETA", userId: "U0ADA" }));
      back.searchParams.set("state", authorize.searchParams.get("state") ?? "");
      await route.fulfill({ status: 302, headers: { location: back.toString() } });
    });

    expect((await page.goto(`${h.base}/slack/install`))?.status()).toBe(200);
    expect(await page.locator("h1").textContent()).toBe("Add Rolecall to your Slack workspace");
    expect((await context.cookies()).map((c) => c.name)).toContain("slack-app-oauth-state");

    await page.click("#add-to-slack");
    await page.waitForSelector("#installed");
    const authorize = asked as URL | null;
    expect(authorize?.searchParams.get("client_id")).toBe(fake.oauthClient.clientId);
    expect(authorize?.searchParams.get("redirect_uri")).toBe(`${h.base}/slack/oauth_redirect`);
    expect(await page.locator("h1").textContent()).toBe("Rolecall is ready in Beta Corp");
    expect(await page.locator("#installed").textContent()).toContain("first Owner");
    // The state was spent: the cookie is gone, and a reload installs nothing again.
    expect((await context.cookies()).map((c) => c.name)).not.toContain("slack-app-oauth-state");
    await page.reload();
    expect(await page.locator("#problem").textContent()).toContain(
      "If you have just installed Rolecall, it is installed",
    );

    const account = await h.running.core.slackAccount("T0BETA");
    expect(await h.running.core.findLinkedMember(account.id, "U0ADA")).toMatchObject({ role: "owner" });
    await context.close();
  });
});
