import assert from "node:assert/strict";
import net from "node:net";
import type { CliDeps } from "./deps.ts";
import { callWithin, connect, NotAnsweringError, resolveSocket, seconds } from "./socket.ts";

function depsWith(env: Record<string, string | undefined>, cwd: string): CliDeps {
  return { env, cwd } as unknown as CliDeps;
}

Deno.test("resolveSocket() layers flag, GOXEL_SOCKET, config file and default as the daemon does", async (t) => {
  const dir = await Deno.makeTempDir();
  const base = { XDG_RUNTIME_DIR: `${dir}/run`, XDG_CONFIG_HOME: `${dir}/config`, HOME: dir };
  const defaultFile = `${dir}/config/goxel/config.yaml`;
  await Deno.mkdir(`${dir}/config/goxel`, { recursive: true });
  await Deno.writeTextFile(`${dir}/named.yaml`, "socket: named.sock\n");
  await Deno.writeTextFile(`${dir}/env.yaml`, `socket: ${dir}/env-config.sock\n`);
  await Deno.writeTextFile(`${dir}/none.yaml`, "log:\n  level: debug\n");
  try {
    const cases: [string, string | null, Record<string, string>, [string?, string?], string][] = [
      ["the default", null, {}, [], `${dir}/run/goxel/goxel.sock`],
      ["the default config file", `socket: ${dir}/d.sock\n`, {}, [], `${dir}/d.sock`],
      [
        "the default config file without socket",
        "workspace: /tmp\n",
        {},
        [],
        `${dir}/run/goxel/goxel.sock`,
      ],
      ["a broken default config file", "socket: [\n", {}, [], `${dir}/run/goxel/goxel.sock`],
      [
        "GOXEL_CONFIG over the default file",
        `socket: ${dir}/d.sock\n`,
        {
          GOXEL_CONFIG: `${dir}/env.yaml`,
        },
        [],
        `${dir}/env-config.sock`,
      ],
      [
        "--config over GOXEL_CONFIG (relative to cwd)",
        null,
        {
          GOXEL_CONFIG: `${dir}/env.yaml`,
        },
        [undefined, "named.yaml"],
        `${dir}/named.sock`,
      ],
      ["a --config without socket gives the default", `socket: ${dir}/d.sock\n`, {}, [
        undefined,
        `${dir}/none.yaml`,
      ], `${dir}/run/goxel/goxel.sock`],
      [
        "GOXEL_SOCKET over the config file",
        `socket: ${dir}/d.sock\n`,
        {
          GOXEL_SOCKET: "env.sock",
        },
        [],
        `${dir}/env.sock`,
      ],
      ["--socket over everything", `socket: ${dir}/d.sock\n`, { GOXEL_SOCKET: "env.sock" }, [
        "flag.sock",
        `${dir}/named.yaml`,
      ], `${dir}/flag.sock`],
    ];
    for (const [label, defaultYaml, env, [flag, config], want] of cases) {
      await t.step(label, async () => {
        await Deno.remove(defaultFile).catch(() => {});
        if (defaultYaml !== null) await Deno.writeTextFile(defaultFile, defaultYaml);
        assert.equal(await resolveSocket(depsWith({ ...base, ...env }, dir), flag, config), want);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("callWithin() rejects with NotAnsweringError when the daemon takes the call but never answers", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/mute.sock`;
  const peers: net.Socket[] = [];
  const server = net.createServer((s) => peers.push(s)); // reads nothing, answers nothing
  await new Promise<void>((r) => server.listen(path, r));
  try {
    const client = await connect(path);
    const started = Date.now();
    await assert.rejects(callWithin(client, path, 200, "goxel.status"), (err: unknown) => {
      assert.ok(err instanceof NotAnsweringError);
      assert.equal(err.reason, "not_answering");
      assert.match(err.message, /did not answer goxel\.status within 200 ms/);
      assert.ok(err.message.includes(path));
      return true;
    });
    assert.ok(Date.now() - started < 2000, "gave up at the deadline");
    await client.close();
  } finally {
    for (const p of peers) p.destroy();
    await new Promise((r) => server.close(r));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("seconds() prints whole seconds as s and the rest as ms", () => {
  assert.equal(seconds(3000), "3 s");
  assert.equal(seconds(10_000), "10 s");
  assert.equal(seconds(250), "250 ms");
});
