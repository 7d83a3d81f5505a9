/**
 * Slack's Block Kit limits, checked the way Slack checks them: a message, a modal or a Home tab
 * that breaks one is refused whole. Returns what is wrong (empty when Slack would take it).
 */
export type Surface = "message" | "modal" | "home";

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const textOf = (v: unknown): string => String(obj(v)?.text ?? "");

/** Checks one interactive element (button, select, checkboxes, input element, …). */
const checkElement = (el: Json, where: string, problems: string[]): void => {
  const max = (what: string, value: string, limit: number) => {
    if (value.length > limit) problems.push(`${where}: ${what} is ${value.length} characters (max ${limit})`);
  };
  if (typeof el.action_id === "string") max("action_id", el.action_id, 255);
  if (el.type === "button") {
    max("button text", textOf(el.text), 75);
    if (el.style !== undefined && el.style !== "primary" && el.style !== "danger")
      problems.push(`${where}: button style ${String(el.style)} (primary or danger)`);
    if (typeof el.value === "string") max("button value", el.value, 2000);
    if (typeof el.url === "string") max("button url", el.url, 3000);
  }
  const options = [...list(el.options), ...list(el.option_groups).flatMap((g) => list(obj(g)?.options))];
  if (options.length > (el.type === "checkboxes" || el.type === "radio_buttons" ? 10 : 100))
    problems.push(`${where}: ${options.length} options`);
  if (el.type === "overflow" && (options.length < 2 || options.length > 5))
    problems.push(`${where}: an overflow menu has ${options.length} options (2 to 5)`);
  if (
    el.type === "email_text_input" &&
    typeof el.initial_value === "string" &&
    !el.initial_value.includes("@")
  )
    problems.push(`${where}: email_text_input initial_value is not an email`);
  for (const option of options) {
    max("option text", textOf(obj(option)?.text), 75);
    max("option value", String(obj(option)?.value ?? ""), 150);
  }
  if (el.placeholder) max("placeholder", textOf(el.placeholder), 150);
  const confirm = obj(el.confirm);
  if (el.confirm !== undefined && !confirm) problems.push(`${where}: confirm is not an object`);
  if (confirm) {
    // A confirmation dialog needs all four texts; its title and buttons are plain text.
    for (const part of ["title", "text", "confirm", "deny"]) {
      const t = obj(confirm[part]);
      if (!t || typeof t.text !== "string" || t.text === "")
        problems.push(`${where}: confirm ${part} is missing`);
      else if (part !== "text" && t.type !== "plain_text")
        problems.push(`${where}: confirm ${part} is not plain_text`);
    }
    if (confirm.style !== undefined && confirm.style !== "primary" && confirm.style !== "danger")
      problems.push(`${where}: confirm style ${String(confirm.style)}`);
    max("confirm title", textOf(confirm.title), 100);
    max("confirm text", textOf(confirm.text), 300);
    max("confirm button", textOf(confirm.confirm), 30);
    max("deny button", textOf(confirm.deny), 30);
  }
};

const checkBlock = (block: Json, index: number, problems: string[]): void => {
  const where = `block ${index} (${String(block.type)})`;
  const max = (what: string, value: string, limit: number) => {
    if (value.length > limit) problems.push(`${where}: ${what} is ${value.length} characters (max ${limit})`);
  };
  if (typeof block.block_id === "string") max("block_id", block.block_id, 255);
  switch (block.type) {
    case "section": {
      if (block.text) max("text", textOf(block.text), 3000);
      const fields = list(block.fields);
      if (fields.length > 10) problems.push(`${where}: ${fields.length} fields (max 10)`);
      for (const f of fields) max("field", textOf(f), 2000);
      if (!block.text && fields.length === 0) problems.push(`${where}: a section needs text or fields`);
      const accessory = obj(block.accessory);
      if (accessory) checkElement(accessory, where, problems);
      break;
    }
    case "header":
      max("header text", textOf(block.text), 150);
      break;
    case "context": {
      const elements = list(block.elements);
      if (elements.length === 0 || elements.length > 10)
        problems.push(`${where}: ${elements.length} elements (1 to 10)`);
      for (const e of elements) max("element text", textOf(e), 3000);
      break;
    }
    case "actions": {
      const elements = list(block.elements);
      if (elements.length === 0 || elements.length > 25)
        problems.push(`${where}: ${elements.length} elements (1 to 25)`);
      for (const e of elements) checkElement(obj(e) ?? {}, where, problems);
      break;
    }
    case "input":
      max("label", textOf(block.label), 2000);
      if (block.hint) max("hint", textOf(block.hint), 2000);
      checkElement(obj(block.element) ?? {}, where, problems);
      break;
    case "divider":
    case "rich_text":
    case "image":
      break;
    default:
      problems.push(`${where}: unknown block type`);
  }
};

/** Problems with a list of blocks on a surface: counts, lengths, duplicate block ids. */
export const blockProblems = (surface: Surface, blocks: unknown): string[] => {
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return ["blocks is not an array"];
  const problems: string[] = [];
  if (blocks.length > MAX_BLOCKS[surface])
    problems.push(`${blocks.length} blocks (a ${surface} takes at most ${MAX_BLOCKS[surface]})`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    const block = obj(b);
    if (!block) {
      problems.push(`block ${i} is not an object`);
      return;
    }
    if (typeof block.block_id === "string") {
      if (ids.has(block.block_id)) problems.push(`block ${i}: duplicate block_id ${block.block_id}`);
      ids.add(block.block_id);
    }
    checkBlock(block, i, problems);
  });
  return problems;
};

/** Problems with a modal or Home tab view object. */
export const viewProblems = (view: unknown): string[] => {
  const v = obj(view);
  if (!v) return ["view is missing"];
  const surface: Surface = v.type === "home" ? "home" : "modal";
  const problems = blockProblems(surface, v.blocks ?? []);
  const max = (what: string, value: string, limit: number) => {
    if (value.length > limit) problems.push(`view ${what} is ${value.length} characters (max ${limit})`);
  };
  if (surface === "modal") {
    max("title", textOf(v.title), 24);
    if (v.submit) max("submit", textOf(v.submit), 24);
    if (v.close) max("close", textOf(v.close), 24);
    if (!v.title) problems.push("a modal needs a title");
  }
  if (typeof v.private_metadata === "string") max("private_metadata", v.private_metadata, 3000);
  if (typeof v.callback_id === "string") max("callback_id", v.callback_id, 255);
  return problems;
};
