/** Import rules `npm test` enforces (npm run depcheck): no cycles; the core depends on nothing outside it. */
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
        "src/core talks to ports only: no commands, adapters, store, mail, Slack, SQL driver or mailer.",
      from: { path: "^src/core/" },
      to: {
        path: [
          "^commands/",
          "^src/(slack|http|cli|mail|store)/",
          "^src/(config|main|server|wiring|log)\\.ts$",
          "node_modules/(@slack|better-sqlite3|pg|nodemailer|kysely)/",
        ],
      },
    },
    {
      name: "commands-above-adapters",
      severity: "error",
      comment: "The /team grammar serves every adapter; it never imports one.",
      from: { path: "^commands/" },
      to: { path: "^src/(slack|http|cli|mail|store)/" },
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
