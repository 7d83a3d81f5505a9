import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const STORE = resolve(import.meta.dirname, "../../src/store");

/** The store's source files, migrations aside: a migration is history, frozen on purpose. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "migrations" ? [] : sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });

const SQL = /^(SELECT|INSERT|UPDATE|DELETE|WITH|PRAGMA)\b/i;

/**
 * A statement as written, whatever its engine's placeholders ($1, ?, @name, :name) and spacing; a
 * template's `${…}` holes count as one placeholder each.
 */
const normalise = (sql: string): string =>
  sql
    .replace(/\$\d+|[@:]\w+|\?/g, "?")
    .replace(/\s+/g, " ")
    .replace(/\( /g, "(")
    .replace(/ \)/g, ")")
    .trim();

/** Every SQL string or template literal of a file, normalised. */
const statementsOf = (file: string): string[] => {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | null = null;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node))
      text = node.head.text + node.templateSpans.map((span) => `?${span.literal.text}`).join("");
    if (text !== null && SQL.test(text.trim())) found.push(normalise(text));
    // A template's parts are not statements of their own.
    if (!ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
};

/** Where each statement is written: file names, once per time it is written. */
const whereWritten = (dir: string): Map<string, string[]> => {
  const places = new Map<string, string[]>();
  for (const file of sources(dir))
    for (const sql of statementsOf(file)) places.set(sql, [...(places.get(sql) ?? []), relative(dir, file)]);
  return places;
};

describe("one SQL layer", () => {
  const places = whereWritten(STORE);

  it("finds the store's statements (so the checks below cannot pass on nothing)", () => {
    expect(places.size).toBeGreaterThan(60);
    expect([...places.keys()]).toContain("SELECT * FROM members WHERE id = ?");
  });

  it("no SQL statement appears in both a PostgreSQL and a SQLite file", () => {
    const engine = (file: string) =>
      /(^|\/)pg[-.]/.test(file) ? "postgres" : /(^|\/)sqlite[-.]/.test(file) ? "sqlite" : null;
    const both = [...places].filter(([, files]) => {
      const engines = new Set(files.map(engine));
      return engines.has("postgres") && engines.has("sqlite");
    });
    expect(both.map(([sql, files]) => `${files.join(" + ")}: ${sql}`)).toEqual([]);
  });

  it("no SQL statement is written twice anywhere in src/store", () => {
    const twice = [...places].filter(([, files]) => files.length > 1);
    expect(twice.map(([sql, files]) => `${files.join(" + ")}: ${sql}`)).toEqual([]);
  });

  it("no change kind is switched on: `apply` is a record of handlers", () => {
    const switches = sources(STORE).filter((file) => /switch \(.*kind/.test(readFileSync(file, "utf8")));
    expect(switches.map((file) => relative(STORE, file))).toEqual([]);
  });
});
