/** Composition root: reads argv and env once and hands off to the CLI (which may run the daemon). */
import { writeSync } from "node:fs";
import process from "node:process";
import { BUILD } from "./version.ts";

if (import.meta.main) {
  const argv = process.argv.slice(2);
  // The version needs nothing else: answer before the CLI (commander, every command) loads.
  if (argv.length === 1 && ["--version", "-V", "-v", "version"].includes(argv[0])) {
    // writeSync: creating process.stdout would cost more than the rest of this run.
    try {
      writeSync(1, `goxel ${BUILD.version} (${BUILD.commit}, ${BUILD.runtime})\n`);
    } catch {
      process.exit(1); // no stdout (closed, or its reader gone): nowhere to say more
    }
    process.exit(0);
  }
  const { runCli, flushStreams } = await import("./cli/mod.ts");
  // The daemon and the MCP server write on process.stdout/stderr themselves.
  let served = false;
  const code = await runCli(argv, {
    env: { ...process.env },
    cwd: process.cwd(),
    build: BUILD,
    // The daemon and the codecs load only when a command needs them, so client commands start fast.
    runDaemon: async (opts) => {
      served = true;
      return (await import("./daemon/lifecycle.ts")).runDaemon(opts);
    },
    runMcp: async (opts) => {
      served = true;
      return (await import("./mcp/mod.ts")).runMcp(opts);
    },
    offline: {
      info: async (...a) => (await import("./daemon/offline.ts")).offlineOps.info(...a),
      convert: async (...a) => (await import("./daemon/offline.ts")).offlineOps.convert(...a),
      render: async (...a) => (await import("./daemon/offline.ts")).offlineOps.render(...a),
      formats: async () => (await import("./daemon/offline.ts")).offlineOps.formats(),
      isFormat: async (...a) => (await import("./daemon/offline.ts")).offlineOps.isFormat(...a),
    },
  });
  process.exitCode = code;
  await flushStreams();
  // Output that could not be written at all sets exit status 1 (cli/output.ts).
  const status = code !== 0 ? code : Number(process.exitCode ?? 0);
  if (served) process.stdout.write("", () => process.exit(status));
  else process.exit(status);
}
