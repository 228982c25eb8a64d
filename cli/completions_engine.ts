/**
 * What `goxel complete -- <words…>` offers for the last word, found by walking the commander tree
 * (subcommands, options, arguments) and the method index (for `call` and `help`). Where a file
 * path goes — an argument or option whose value is named file, path, dir, in or out, or a method
 * param the declarations mark as a path — the reply has no values and lets the shell complete
 * file names; everywhere else it turns file names off.
 */
import type { Argument, Command, Option } from "commander";
import { METHOD_INDEX } from "../protocol/method_index.ts";
import { METHOD_PREFIX } from "../protocol/method_lookup.ts";
import { findEntry, positionalParam } from "./call_params.ts";

/** One value to offer, with the text shells show beside it. */
export interface Completion {
  value: string;
  description: string;
}

/** The values for the word being completed and the directive the shell scripts read. */
export interface CompletionReply {
  items: Completion[];
  directive: number;
}

/** Directives of the completion protocol (cobra's, which the shell scripts implement). */
export const DIRECTIVE = { files: 0, noFiles: 4 } as const;

/** Value names of arguments and options (`<file>`, `--socket <path>`) that take a file path. */
const PATH_VALUES = new Set(["file", "path", "dir", "in", "out"]);

const FILES: CompletionReply = { items: [], directive: DIRECTIVE.files };
const NOTHING: CompletionReply = { items: [], directive: DIRECTIVE.noFiles };

/** Where the words before the one being completed leave the command line. */
interface Position {
  command: Command;
  /** Positional words given to `command` so far. */
  operands: string[];
  /** An option still waiting for its value (the next word). */
  pending?: Option;
  /** Whether `--` was seen: everything after it is positional. */
  dashes: boolean;
}

/** Returns what to offer for the last of `words` (the words after the program name). */
export function completeWords(root: Command, words: readonly string[]): CompletionReply {
  const word = words.at(-1) ?? "";
  const at = walk(root, words.slice(0, -1));
  if (at.pending) return optionValues(at.pending, word);
  if (!at.dashes && isOption(word)) {
    const eq = word.indexOf("=");
    if (eq < 0) return matching(optionNames(at.command, word), word, DIRECTIVE.noFiles);
    const option = findOption(at.command, word.slice(0, eq));
    return option && takesValue(option) ? optionValues(option, word.slice(eq + 1)) : NOTHING;
  }
  const commands = at.operands.length === 0 && !at.dashes ? subcommands(at.command) : [];
  const operand = operandValues(at, word);
  return matching([...commands, ...operand.items], word, operand.directive);
}

/** Formats a reply as the scripts read it: `value<TAB>description` lines, then `:directive`. */
export function formatReply(reply: CompletionReply): string {
  const lines = reply.items.map((c) => `${c.value}\t${c.description}`);
  return [...lines, `:${reply.directive}`].join("\n") + "\n";
}

function walk(root: Command, words: readonly string[]): Position {
  const at: Position = { command: root, operands: [], dashes: false };
  for (const word of words) {
    if (at.pending) {
      at.pending = undefined;
    } else if (!at.dashes && word === "--") {
      at.dashes = true;
    } else if (!at.dashes && isOption(word)) {
      const eq = word.indexOf("=");
      const option = findOption(at.command, eq < 0 ? word : word.slice(0, eq));
      if (option && takesValue(option) && eq < 0) at.pending = option;
    } else {
      const sub = at.operands.length || at.dashes ? undefined : findCommand(at.command, word);
      if (sub) Object.assign(at, { command: sub, operands: [] });
      else at.operands.push(word);
    }
  }
  return at;
}

/** An option word: not `-` (stdin) and not a negative number (`goxel call add_voxel -1 0 0`). */
function isOption(word: string): boolean {
  return word.startsWith("-") && word !== "-" && !/^-[\d.]/.test(word);
}

function findCommand(command: Command, name: string): Command | undefined {
  return command.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

function allOptions(command: Command): readonly Option[] {
  const visible = command.createHelp().visibleOptions(command);
  return [...command.options, ...visible.filter((o) => !command.options.includes(o))];
}

function findOption(command: Command, flag: string): Option | undefined {
  for (let c: Command | null = command; c; c = c.parent) {
    const found = allOptions(c).find((o) => o.long === flag || o.short === flag);
    if (found) return found;
  }
  return undefined;
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

function optionNames(command: Command, word: string): Completion[] {
  const items: Completion[] = [];
  for (const o of command.createHelp().visibleOptions(command)) {
    if (o.long) items.push({ value: o.long, description: o.description });
    if (o.short && !word.startsWith("--")) {
      items.push({ value: o.short, description: o.description });
    }
  }
  return items;
}

function optionValues(option: Option, word: string): CompletionReply {
  if (option.argChoices?.length) {
    const items = option.argChoices.map((value) => ({ value, description: "" }));
    return matching(items, word, DIRECTIVE.noFiles);
  }
  const valueName = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? "";
  return PATH_VALUES.has(valueName) ? FILES : NOTHING;
}

function subcommands(command: Command): Completion[] {
  return command.createHelp().visibleCommands(command)
    .map((c) => ({ value: c.name(), description: c.description() }));
}

/** Values for the next positional word of the command (its next declared argument). */
function operandValues(at: Position, word: string): CompletionReply {
  const args = at.command.registeredArguments;
  const index = at.operands.length;
  const arg: Argument | undefined = args[index] ??
    (args.at(-1)?.variadic ? args.at(-1) : undefined);
  if (!arg) return NOTHING;
  const key = `${at.command.name()} ${arg.name()}`;
  if (key === "call method") return { items: methodNames(word), directive: DIRECTIVE.noFiles };
  if (key === "call args") return callParamValues(at.operands[0], at.operands.slice(1), word);
  if (key === "help topic") {
    const root = at.command.parent ?? at.command;
    return { items: [...subcommands(root), ...methodNames(word)], directive: DIRECTIVE.noFiles };
  }
  if (arg.argChoices?.length) {
    const items = arg.argChoices.map((value) => ({ value, description: "" }));
    return { items, directive: DIRECTIVE.noFiles };
  }
  return PATH_VALUES.has(arg.name()) ? FILES : NOTHING;
}

/** The methods by their short names, or by their full names once the word starts "gox". */
function methodNames(word: string): Completion[] {
  const full = word.startsWith(METHOD_PREFIX.slice(0, 3));
  return METHOD_INDEX.filter((m) => !m.conformance).map((m) => ({
    value: full ? m.name : m.name.replace(METHOD_PREFIX, ""),
    description: m.summary,
  }));
}

/** File names where the word is a param declared as a path (by position or as name=value). */
function callParamValues(method: string, given: string[], word: string): CompletionReply {
  const entry = findEntry(method ?? "", { conformance: true });
  if (!entry) return NOTHING;
  const named = (arg: string) => {
    const eq = arg.indexOf("=");
    return eq > 0 && entry.params.includes(arg.slice(0, eq)) ? arg.slice(0, eq) : undefined;
  };
  const position = given.filter((a) => named(a) === undefined).length;
  const param = named(word) ?? positionalParam(entry.positional, position);
  return entry.paths.includes(param) ? FILES : NOTHING;
}

/** Keeps the items that start with the word (a value after `=` is matched on its own). */
function matching(items: Completion[], word: string, directive: number): CompletionReply {
  const seen = new Set<string>();
  const kept = items.filter((c) => {
    if (seen.has(c.value) || !c.value.startsWith(word)) return false;
    seen.add(c.value);
    return true;
  });
  return { items: kept, directive };
}
