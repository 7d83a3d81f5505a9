import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, rolecall } from "../helpers/cli.js";
import { type Harness, startHarness } from "../helpers/slack-harness.js";
import { eventually, freePort, TestSmtp } from "../helpers/smtp.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let browser: Browser;
let h: Harness;
let smtp: TestSmtp;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  smtp = new TestSmtp(await freePort());
  await smtp.start();
  h = await startHarness({ SMTP_URL: smtp.url, MAIL_RETRY_SECONDS: "0.05" });
  profile = mkdtempSync(join(tmpdir(), "rolecall-chromium-"));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await h?.stop();
  await smtp?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe("the invite page in a real browser", () => {
  it("opens the link from the mail, clicks Accept, and sees the confirmation", async () => {
    await h.slash("owner", "add browser@acme.test admin Bea Browser");
    await eventually(() => smtp.to("browser@acme.test").length === 1, "the invite mail");
    const mailed = TestSmtp.inviteLink(smtp.to("browser@acme.test")[0] ?? ({} as never));
    const link = mailed.replace(/^http:\/\/localhost:\d+/, h.base);

    const page = await browser.newPage();
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(await page.locator("h1").textContent()).toBe("Join Acme");
    expect(await page.locator("dl").textContent()).toContain("Admin");
    await page.screenshot({ path: process.env.SCREENSHOT ?? join(profile, "invite.png") });

    await page.getByRole("button", { name: "Accept invite" }).click();
    await page.waitForSelector("#accepted");
    expect(await page.locator("#accepted").textContent()).toContain("joined as Admin");
    const member = json<{ members: { email: string; status: string }[] }>(
      rolecall(h.db, ["--as", "owner@acme.test", "list", "--json"]),
    ).members.find((m) => m.email === "browser@acme.test");
    expect(member?.status).toBe("active");

    // Back and submit again: the link is used up, and the browser is told so.
    await page.goBack();
    await page.reload();
    expect(await page.locator("#problem").textContent()).toContain("already been accepted");
    await page.close();
  });
});
