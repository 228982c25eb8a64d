/** Composition root: reads argv and env once and hands off to the CLI. */
import process from "node:process";
import { runCli } from "./cli/mod.ts";

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2), process.env);
}
