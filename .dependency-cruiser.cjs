/**
 * Import rules `npm test` enforces (npm run depcheck). The layers, from the inside out:
 *
 * - the core, src/core/: the rules and use-cases; imports nothing outside src/core.
 * - the words, src/words/: the sentences, one module per language; imports the core only.
 * - the grammar, commands/: the /team words every door shares; imports the core and the words.
 * - neutral modules: src/shared/ (pieces more than one door uses: pages, the HTTP request log, the
 *   token cipher, client addresses…) and the process-wide services at the top of src/ listed in
 *   NEUTRAL (configuration, log, metrics, HTML escaping). They import the core, the words and each
 *   other, never a door.
 * - the doors (adapters), each a folder in ADAPTERS: Slack, HTTP, the CLI, mail and the store. A door
 *   imports the layers above, never another door.
 * - composition, the other top-level src/*.ts modules (main, server, wiring, try-out, mailer): they
 *   build the doors and join them up, and may import anything; no door imports them (the CLI, a
 *   process of its own, builds its core and mailer through wiring.ts and mailer.ts).
 */
const ADAPTERS = "(slack|http|cli|mail|store)";
const NEUTRAL = "^src/(config|log|log-destination|html|metrics)\\.ts$";
const COMPOSITION = "^src/(main|server|wiring|try-out|mailer)\\.ts$";
/** What nothing in the core may reach: everything in src/ but the core, the grammar, and I/O libraries. */
const OUTSIDE_CORE = [
  "^src/(?!core/)",
  "^commands/",
  "^bin/",
  "node_modules/(@slack|better-sqlite3|pg|nodemailer|kysely|pino|prom-client)/",
];

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle makes modules impossible to understand (or load) one at a time.",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-stands-alone",
      severity: "error",
      comment:
        "src/core talks to ports only: nothing in src/ outside src/core (no door, no words, no html.ts, " +
        "no config), no commands, and no SQL driver, mailer, logger or Slack library.",
      from: { path: "^src/core/" },
      to: { path: OUTSIDE_CORE },
    },
    {
      name: "words-beside-core",
      severity: "error",
      comment:
        "src/words turns the core's results and refusals into sentences; it reads the core's types and " +
        "data only, so every door (and the grammar) can use it.",
      from: { path: "^src/words/" },
      to: { path: ["^src/(?!core/|words/)", "^commands/", "^bin/"] },
    },
    {
      name: "commands-above-adapters",
      severity: "error",
      comment:
        "The /team grammar serves every door; it imports the core and the words, never a door, a " +
        "neutral module or composition.",
      from: { path: "^commands/" },
      to: { path: ["^src/(?!core/|words/)", "^bin/"] },
    },
    {
      name: "adapters-apart",
      severity: "error",
      comment:
        "A door (src/slack, src/http, src/cli, src/mail, src/store) never imports another door: what two " +
        "doors share moves to src/shared/ (or the core, or the words), and composition joins them.",
      from: { path: `^src/${ADAPTERS}/` },
      to: { path: `^src/${ADAPTERS}/`, pathNot: "^src/$1/" },
    },
    {
      name: "adapters-do-not-compose",
      severity: "error",
      comment:
        "Composition (main, server, wiring, try-out, mailer) builds the doors; a door that imported it " +
        "would reach every other door through it. Only the CLI, a process of its own, may build its core " +
        "(wiring.ts) and its mailer (mailer.ts).",
      from: { path: `^src/${ADAPTERS}/`, pathNot: "^src/cli/" },
      to: { path: COMPOSITION },
    },
    {
      name: "cli-composes-through-wiring",
      severity: "error",
      comment:
        "The CLI builds what it runs through wiring.ts and mailer.ts only, never main, server or try-out.",
      from: { path: "^src/cli/" },
      to: { path: COMPOSITION, pathNot: "^src/(wiring|mailer)\\.ts$" },
    },
    {
      name: "neutral-modules-stay-neutral",
      severity: "error",
      comment:
        "src/shared/ and the neutral top-level modules (config, log, log-destination, html, metrics) are " +
        "imported by every door, so they import no door, no composition and no grammar — else a door " +
        "would reach another through them. A neutral module defines the port a door fills (metrics.ts's " +
        "StoreGauges).",
      from: { path: ["^src/shared/", NEUTRAL] },
      to: { path: [`^src/${ADAPTERS}/`, COMPOSITION, "^commands/", "^bin/"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
