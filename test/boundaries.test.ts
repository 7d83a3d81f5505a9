import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseConfig from "dependency-cruiser/config-utl/extract-depcruise-config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The import rules `npm run depcheck` enforces (.dependency-cruiser.cjs), tried on a throwaway tree:
 * each case is one module importing one other, and the rule it breaks (null: allowed). Without this,
 * a rule whose pattern stopped matching would pass every `npm test` while guarding nothing.
 */
const CASES: [from: string, to: string, rule: string | null][] = [
  // Doors never import each other.
  ["src/slack/a.ts", "src/http/pages.ts", "adapters-apart"],
  ["src/cli/a.ts", "src/slack/token-cipher.ts", "adapters-apart"],
  ["src/http/a.ts", "src/store/sqlite-store.ts", "adapters-apart"],
  ["src/mail/a.ts", "src/cli/render.ts", "adapters-apart"],
  ["src/store/a.ts", "src/mail/worker.ts", "adapters-apart"],
  ["src/store/b.ts", "src/mail/outbox.ts", "adapters-apart"],
  ["src/slack/b.ts", "src/slack/ids.ts", null],
  // What doors may import.
  ["src/slack/c.ts", "src/shared/pages.ts", null],
  ["src/slack/d.ts", "src/core/model.ts", null],
  ["src/slack/e.ts", "src/words/en/outcomes.ts", null],
  ["src/slack/f.ts", "commands/index.ts", null],
  ["src/slack/g.ts", "src/log.ts", null],
  ["src/http/b.ts", "src/config.ts", null],
  // Composition builds the doors; only the CLI may use wiring and the mailer.
  ["src/http/c.ts", "src/server.ts", "adapters-do-not-compose"],
  ["src/slack/h.ts", "src/wiring.ts", "adapters-do-not-compose"],
  ["src/cli/b.ts", "src/wiring.ts", null],
  ["src/cli/c.ts", "src/mailer.ts", null],
  ["src/cli/d.ts", "src/main.ts", "cli-composes-through-wiring"],
  ["src/server.ts", "src/slack/app.ts", null],
  // The core stands alone.
  ["src/core/a.ts", "src/html.ts", "core-stands-alone"],
  ["src/core/b.ts", "src/words/en/refusals.ts", "core-stands-alone"],
  ["src/core/c.ts", "src/shared/pages.ts", "core-stands-alone"],
  ["src/core/d.ts", "commands/index.ts", "core-stands-alone"],
  ["src/core/decide/a.ts", "src/core/model.ts", null],
  ["src/core/results.ts", "src/html.ts", "core-stands-alone"],
  // The words read the core only; the grammar, the core and the words.
  ["src/words/en/a.ts", "src/core/roles.ts", null],
  ["src/words/en/b.ts", "src/slack/escape.ts", "words-beside-core"],
  ["src/words/en/c.ts", "src/html.ts", "words-beside-core"],
  ["commands/a.ts", "src/words/en/outcomes.ts", null],
  ["commands/b.ts", "src/shared/pages.ts", "commands-above-adapters"],
  ["commands/c.ts", "src/slack/app.ts", "commands-above-adapters"],
  // Neutral modules import no door.
  ["src/shared/a.ts", "src/slack/app.ts", "neutral-modules-stay-neutral"],
  ["src/config.ts", "src/http/connections.ts", "neutral-modules-stay-neutral"],
  ["src/metrics.ts", "src/store/opened.ts", "neutral-modules-stay-neutral"],
  ["src/shared/b.ts", "src/core/model.ts", null],
];

let violations: Map<string, string | null>;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "rolecall-boundaries-"));
  const files = new Map<string, string>();
  for (const [from, to] of CASES) {
    files.set(to, files.get(to) ?? "export {};\n");
    const specifier = resolve("/", to).slice(0, -".ts".length);
    const relative = join(
      ...dirname(from)
        .split("/")
        .map(() => ".."),
      specifier,
    );
    files.set(from, `${files.get(from) ?? ""}import "${relative}";\n`);
  }
  for (const [path, text] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  const config = await extractDepcruiseConfig(resolve(".dependency-cruiser.cjs"));
  const { output } = await cruise(["src", "commands"], {
    validate: true,
    ruleSet: { forbidden: config.forbidden ?? [] },
    baseDir: root,
    tsPreCompilationDeps: true,
  });
  const result = output as ICruiseResult;
  violations = new Map(result.summary.violations.map((v) => [`${v.from} → ${v.to}`, v.rule.name] as const));
  expect(result.modules.flatMap((m) => m.dependencies).filter((d) => d.couldNotResolve)).toEqual([]);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the import rules (npm run depcheck)", () => {
  it.each(CASES)("%s → %s breaks %s", (from, to, rule) => {
    expect(violations.get(`${from} → ${to}`) ?? null).toBe(rule);
  });
});
