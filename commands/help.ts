import { z } from "zod";
import { defineCommand } from "./lib/command.js";

/** Filled in by the registry, which knows every command. */
export const helpCommand = (list: () => { usage: string; summary: string }[]) =>
  defineCommand({
    name: "help",
    usage: "help",
    summary: "This list",
    toInput: () => ({}),
    schema: z.object({}),
    run: () => ({ type: "help", commands: list() }),
  });
