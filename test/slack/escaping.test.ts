import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { json, rolecall } from "../helpers/cli.js";
import { type Harness, messageText, type Person, startHarness } from "../helpers/slack-harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.stop());

const reply = async (person: Person, words: string) => {
  const r = await h.slash(person, words);
  return r.message ?? (await h.responseTo(r.responseId));
};
const nameOf = (email: string) =>
  json<{ members: { email: string; name: string | null }[] }>(
    rolecall(h.db, ["--as", "owner@acme.test", "list", "--json"]),
  ).members.find((m) => m.email === email)?.name;

const PLANTED = "<!channel> <https://evil.example|Approve here>";
const expectInert = (shown: string) => {
  expect(shown).not.toContain("<!channel>");
  expect(shown).not.toContain("<https://evil.example|");
};

describe("the top-level text of every message is escaped like its blocks", () => {
  it("a request naming <!channel> and a planted link: the post pings nobody and links nowhere", async () => {
    await reply("owner", "settings approvals <#C0APPROVE|approvals>");
    expectInert(messageText(await reply("admin", `request add x@acme.test teammate ${PLANTED}`)));
    const post = await h.fake.waitFor(
      () => h.fake.callsTo("chat.postMessage").find((c) => c.args.channel === "C0APPROVE"),
      "the request post",
    );
    expect(String(post.args.text)).toContain("&lt;!channel&gt;");
    expectInert(String(post.args.text));
    expectInert(messageText(post.args.blocks));

    await h.event({ event: { type: "app_home_opened", user: "U0OWNER", channel: "D1", tab: "home" } });
    const home = await h.fake.waitFor(() => h.fake.callsTo("views.publish")[0], "views.publish");
    expectInert(messageText(home.args.view));
    expect(messageText(home.args.view)).toContain("&lt;!channel&gt;");
  });

  it("a refusal that repeats what was typed escapes it in text and blocks", async () => {
    const refused = (await reply("owner", "<!here> now")) as { text?: string };
    expect(refused.text).toContain("&lt;!here&gt;");
    expect(messageText(refused)).not.toContain("<!here>");
  });
});

describe("Slack's escapes in command text are decoded once, before storing", () => {
  it("`Tom &amp; Jerry` is stored as typed and shown escaped once", async () => {
    const added = messageText(await reply("owner", "add x@acme.test teammate Tom &amp; Jerry &lt;3"));
    expect(nameOf("x@acme.test")).toBe("Tom & Jerry <3");
    expect(added).toContain("Tom &amp; Jerry &lt;3");
    expect(added).not.toContain("&amp;amp;");
    const listed = messageText(await reply("owner", "list"));
    expect(listed).toContain("Tom &amp; Jerry &lt;3");
    expect(listed).not.toContain("&amp;amp;");
  });

  it("the CLI's words are taken as typed: `&amp;` there is what the user means", () => {
    const added = rolecall(h.db, ["--as", "owner@acme.test", "add", "y@acme.test", "teammate", "A &amp; B"]);
    expect(added.code).toBe(0);
    expect(nameOf("y@acme.test")).toBe("A &amp; B");
  });
});

describe("escaping never alters what a user copies", () => {
  it("emails come out exact in replies, lists and refusals", async () => {
    for (const email of ["first_last@acme.test", "_odd_@acme.test"]) {
      const added = messageText(await reply("owner", `add ${email} teammate`));
      expect(added).toContain(`Invited ${email} as Teammate`);
      expect(messageText(await reply("owner", "list"))).toContain(email);
      expect(messageText(await reply("owner", `add ${email}`))).toContain(`${email} is already invited`);
    }
  });

  it("emails and channels in the audit log come out exact", async () => {
    await reply("owner", "add first_last@acme.test teammate");
    await reply("owner", "role first_last@acme.test admin");
    await reply("owner", "settings approvals <#C0APPROVE|approvals>");
    const shown = messageText(await reply("owner", "audit 3"));
    expect(shown).toContain("made first_last@acme.test an Admin");
    expect(shown).toContain("invited first_last@acme.test as Teammate");
    expect(shown).toContain("set the approvals channel to <#C0APPROVE>");
  });

  it("a name that would format still does not: *bold* keeps its zero-width guard", async () => {
    await reply("owner", "add z@acme.test teammate *bold* _it_");
    const listed = messageText(await reply("owner", "list"));
    expect(listed).toContain("*\u200bbold*\u200b _\u200bit_\u200b");
  });
});

describe("help and usage lines show their <placeholders>", () => {
  it("`/team help` escapes < and > so Slack does not read them as links", async () => {
    const help = (await reply("owner", "help")) as { text?: string; blocks?: unknown[] };
    const shown = messageText(help);
    expect(shown).toContain("&lt;owner|admin|teammate&gt;");
    expect(shown).toContain("add &lt;email&gt;");
    expect(shown).not.toMatch(/<(owner|email|member|request id)\b/);
  });

  it("a usage line inside a refusal is escaped too, in text and blocks", async () => {
    const refused = (await reply("owner", "role")) as { text?: string };
    expect(refused.text).toContain("role &lt;member&gt; &lt;owner|admin|teammate&gt;");
    expect(messageText(refused)).not.toContain("<owner|");
  });
});

describe("names with invisible characters are refused at the slash command", () => {
  it.each([
    ["a bidi override", "Bob\u202enimda"],
    ["a zero-width joiner", "Bo\u200db"],
  ])("%s → refused in words, nobody added", async (_label, name) => {
    const refused = messageText(await reply("owner", `add bob@acme.test teammate ${name}`));
    expect(refused).toContain("invisible characters");
    expect(nameOf("bob@acme.test")).toBeUndefined();
  });
});
