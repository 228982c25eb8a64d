/** Composition root: reads argv and env once and hands off to the CLI (which may run the daemon). */
import process from "node:process";
import { runCli } from "./cli/mod.ts";
import { runDaemon } from "./daemon/lifecycle.ts";
import { offlineOps } from "./daemon/offline.ts";
import { BUILD } from "./version.ts";

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2), {
    env: { ...process.env },
    cwd: process.cwd(),
    build: BUILD,
    runDaemon,
    offline: offlineOps,
  });
  process.exitCode = code;
  process.stdout.write("", () => process.exit(code));
}
