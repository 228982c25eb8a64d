/**
 * `goxel mcp` end to end: the real program as a subprocess, driven by the MCP SDK's own client
 * over stdio and Streamable HTTP, against a real daemon. Runs against GOXEL_BIN when set.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import {
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { decodePng } from "../core/formats/png_decode.ts";
import { compactSchema } from "../mcp/compact_schema.ts";
import { PROJECT_PARAM, TOOL_PAGE_DEFAULTS } from "../mcp/method_tools.ts";
import { listMethods } from "../protocol/mod.ts";
import type { OpenRpcDocument } from "../protocol/openrpc.ts";
import { callTool, startMcpHttp, startMcpStdio, textOf } from "./mcp_support_testing.ts";
import { goxelCommand, makeTestEnv, RawClient, runGoxel, startDaemon } from "./support_testing.ts";

type Tool = {
  name: string;
  inputSchema: { properties?: Record<string, unknown>; required?: string[] };
  outputSchema?: unknown;
  annotations?: Record<string, boolean>;
};

/** Share of pixels whose colour is clearly `channel`-dominant (0 = red, 1 = green, 2 = blue). */
function dominantShare(png: { width: number; height: number; rgba: Uint8Array }, channel: number) {
  let hits = 0;
  for (let i = 0; i < png.rgba.length; i += 4) {
    const c = [png.rgba[i], png.rgba[i + 1], png.rgba[i + 2]];
    const others = c.filter((_, k) => k !== channel);
    if (c[channel] > 60 && others.every((o) => c[channel] > 2 * o)) hits++;
  }
  return hits / (png.width * png.height);
}

function imageOf(result: { content: unknown }) {
  const blocks = result.content as { type: string; data?: string; mimeType?: string }[];
  const image = blocks.find((b) => b.type === "image");
  assert.ok(image?.data, "render_view returns an image block");
  assert.equal(image.mimeType, "image/png");
  const png = decodePng(new Uint8Array(Buffer.from(image.data, "base64")));
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.rgba) };
}

Deno.test("goxel mcp over stdio: tools from the protocol, agent tools, checkpoints, safe paths", async (t) => {
  const env = await makeTestEnv();
  const root = `${env.dir}/work`;
  await Deno.mkdir(root);
  let daemon = await startDaemon(env);
  const castleId = "p1";
  const mcp = await startMcpStdio(env, ["--socket", env.socket, "--root", root]);
  const { client } = mcp;
  try {
    await t.step("initialise on the newest protocol revision", () => {
      assert.equal(client.getServerVersion()?.name, "goxel");
      assert.ok(client.getServerCapabilities()?.tools);
      assert.ok(client.getServerCapabilities()?.resources?.subscribe);
    });

    await t.step("every declared method is a tool whose schemas match rpc.discover", async () => {
      const tools = (await client.listTools()).tools as Tool[];
      const raw = await RawClient.unix(env.socket);
      const doc = (await raw.request("rpc.discover")).result as OpenRpcDocument;
      raw.close();
      const byName = new Map(tools.map((x) => [x.name, x]));
      const declared = listMethods().filter((d) => d.tool && d.name !== "goxel.execute_script");
      assert.ok(declared.length > 40);
      const ajv = new AjvJsonSchemaValidator();
      for (const decl of declared) {
        const tool = byName.get(decl.name.replace(/^goxel\./, ""));
        assert.ok(tool, `${decl.name} is offered as a tool`);
        const method = doc.methods.find((m) => m.name === decl.name)!;
        const hasColor = method.params.some((p) => p.name === "color");
        for (const p of method.params) {
          // Colour channels are offered as `color` alone.
          if (hasColor && ["r", "g", "b", "a"].includes(p.name)) {
            assert.ok(!(p.name in (tool.inputSchema.properties ?? {})), `${decl.name}.${p.name}`);
            continue;
          }
          // Page sizes differ only in the default the tool applies (and says); schemas are
          // compacted for agents.
          const { description: said, ...shape } = tool.inputSchema.properties?.[p.name] as {
            description?: string;
          };
          const { description: declaredSaid, ...declaredShape } = compactSchema(p.schema) as {
            description?: string;
          };
          assert.deepEqual(shape, declaredShape, `${decl.name}.${p.name}`);
          if (p.name in TOOL_PAGE_DEFAULTS) {
            assert.match(said ?? "", /\(default \d+ here; `truncated` says if more\)$/);
          } else if (p.name === "project" && !p.required) assert.equal(said, PROJECT_PARAM);
          else assert.equal(said, declaredSaid, `${decl.name}.${p.name}`);
        }
        const required = method.params.filter((p) => p.required).map((p) => p.name);
        assert.deepEqual(tool.inputSchema.required ?? [], required, decl.name);
        const result = method.result.schema;
        const output = result.type === "object" ? compactSchema(result) : undefined;
        assert.deepEqual(tool.outputSchema, output, `${decl.name} result`);
        assert.equal(tool.annotations?.readOnlyHint, decl.tool!.readOnly === true, decl.name);
      }
      for (const tool of tools) {
        ajv.getValidator(tool.inputSchema as never);
        if (tool.outputSchema) ajv.getValidator(tool.outputSchema as never);
      }
      assert.ok(byName.has("render_view") && byName.has("describe_project"));
      assert.ok(byName.has("checkpoint") && byName.has("restore_checkpoint"));
      assert.ok(!byName.has("execute_script"), "scripts need --allow-scripts");
    });

    await t.step("create a project, add voxels, draw a shape", async () => {
      const created = await callTool(client, "create_project", {
        name: "castle",
        width: 16,
        height: 16,
        depth: 16,
      });
      assert.equal(created.isError, undefined, textOf(created));
      assert.equal((created.structuredContent as { project_id: string }).project_id, "p1");
      const voxels = [];
      for (let x = -4; x < 4; x++) for (let y = -4; y < 4; y++) voxels.push([x, y, 0, 255, 0, 0]);
      const added = await callTool(client, "add_voxels", { voxels });
      assert.equal((added.structuredContent as { added: number }).added, 64, textOf(added));
      const drawn = await callTool(client, "draw_shape", {
        shape: "cube",
        from: [-4, -4, 1],
        to: [3, 3, 6],
        color: "#ff0000",
      });
      assert.ok(!drawn.isError, textOf(drawn));
      const text = textOf(await callTool(client, "describe_project"));
      assert.match(text, /Project "castle" \(p1\)/);
      assert.match(text, /Voxels: 448 visible/);
      assert.match(text, /#ff0000 100\.0%/);
    });

    await t.step(
      "render_view returns a PNG of the requested size in the model's colours",
      async () => {
        const one = await callTool(client, "render_view", { max_size: 200 });
        const png = imageOf(one);
        assert.deepEqual([png.width, png.height], [200, 200]);
        assert.ok(dominantShare(png, 0) > 0.05, "the red model is visible");
        assert.equal(dominantShare(png, 2), 0, "no blue in a red model");
        assert.match(textOf(one), /"castle" \(p1\), 448 voxels: isometric view, 200×200 px/);
        const sheet = await callTool(client, "render_view", {
          views: ["isometric", "front", "top"],
        });
        const big = imageOf(sheet);
        assert.deepEqual([big.width, big.height], [512, 512]);
        assert.match(textOf(sheet), /isometric, front, top views \(2 per row/);
        const bad = await callTool(client, "render_view", { max_size: 4096 });
        assert.equal(bad.isError, true);
        assert.match(textOf(bad), /Invalid arguments for render_view: max_size/);
      },
    );

    await t.step("checkpoint, edit, restore", async () => {
      assert.ok(!(await callTool(client, "checkpoint", { name: "walls" })).isError);
      await callTool(client, "add_voxel", { x: 7, y: 7, z: 7, color: "#0000ff" });
      const listed = await callTool(client, "list_checkpoints");
      assert.deepEqual(
        (listed.structuredContent as { checkpoints: { name: string }[] }).checkpoints.map((c) =>
          c.name
        ),
        ["walls"],
      );
      const restored = await callTool(client, "restore_checkpoint", { name: "walls" });
      assert.ok(!restored.isError, textOf(restored));
      const info = await callTool(client, "get_project_info");
      assert.equal((info.structuredContent as { voxel_count: number }).voxel_count, 448);
      const missing = await callTool(client, "restore_checkpoint", { name: "nope" });
      assert.equal(missing.isError, true);
      assert.match(textOf(missing), /Checkpoint "nope" .* does not exist \(checkpoints: walls\)/);
    });

    await t.step("checkpoints survive a daemon restart; the server reconnects", async () => {
      // An edit after the checkpoint: the restarted session has it, the checkpoint does not.
      await callTool(client, "add_voxel", { x: 7, y: 7, z: 7, color: "#0000ff" });
      assert.equal(await daemon.stop(), 0);
      daemon = await startDaemon(env);
      const before = await callTool(client, "get_project_info", { project: castleId });
      assert.equal((before.structuredContent as { voxel_count: number }).voxel_count, 449);
      const listed = await callTool(client, "list_checkpoints", { project: castleId });
      assert.ok(!listed.isError, textOf(listed));
      const names = (listed.structuredContent as { checkpoints: { name: string }[] }).checkpoints;
      assert.deepEqual(names.map((c) => c.name), ["walls"]);
      assert.ok(!(await callTool(client, "restore_checkpoint", { name: "walls" })).isError);
      const info = await callTool(client, "get_project_info");
      assert.equal((info.structuredContent as { voxel_count: number }).voxel_count, 448);
      // Checkpoints belong to their project: a new one of the same name has none.
      await callTool(client, "create_project", {
        name: "castle",
        width: 16,
        height: 16,
        depth: 16,
      });
      const fresh = await callTool(client, "list_checkpoints");
      assert.equal((fresh.structuredContent as { count: number }).count, 0);
      await callTool(client, "select_project", { project: castleId });
    });

    await t.step("save a .gox inside the root; paths outside it are refused", async () => {
      // Writers never create missing directories (issue #11.7): the folder must exist.
      await Deno.mkdir(`${root}/out`);
      const saved = await callTool(client, "save_project", { path: "out/castle.gox" });
      assert.ok(!saved.isError, textOf(saved));
      const bytes = await Deno.readFile(`${root}/out/castle.gox`);
      assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), "GOX ");
      await Deno.symlink(env.dir, `${root}/up`);
      for (const path of ["../escape.gox", `${env.dir}/escape.gox`, "up/escape.gox"]) {
        const refused = await callTool(client, "save_project", { path });
        assert.equal(refused.isError, true, path);
        assert.match(textOf(refused), /Refused path .*(outside the workspace root|symbolic link)/);
      }
      await assert.rejects(Deno.stat(`${env.dir}/escape.gox`));
    });

    await t.step("invalid arguments and unknown tools give error results", async () => {
      const bad = await callTool(client, "add_voxel", { x: "left", y: 0, z: 0 });
      assert.equal(bad.isError, true);
      assert.match(
        textOf(bad),
        /Invalid arguments for add_voxel: x: expected a number, got string/,
      );
      const unknown = await callTool(client, "teleport");
      assert.equal(unknown.isError, true);
      assert.match(textOf(unknown), /Unknown tool "teleport"; the tools\/list/);
      const typo = await callTool(client, "add_voxle", { x: 0, y: 0, z: 0 });
      assert.match(
        textOf(typo),
        /Unknown tool "add_voxle" \(did you mean add_voxel or add_voxels\?\)/,
      );
      const batch = await callTool(client, "batch_operations", {
        operations: [{ type: "add_voxel", x: 0, y: 0, z: 0 }, { type: "add_voxel", x: 1, y: 0 }],
      });
      assert.match(
        textOf(batch),
        /Invalid arguments for batch_operations: operations\[1\]\.z: required/,
      );
      const script = await callTool(client, "execute_script", { script: "1" });
      assert.match(textOf(script), /--allow-scripts/);
      // A managed render file would be written outside the root, where the agent cannot go.
      const managed = await callTool(client, "render_scene", { width: 64, height: 64 });
      assert.equal(managed.isError, true);
      assert.match(textOf(managed), /needs output_path .* render_view/);
    });

    await t.step("resources list projects and notify on changes", async () => {
      const listed = (await client.listResources()).resources.map((r: { uri: string }) => r.uri);
      const open = await callTool(client, "list_projects");
      const ids = (open.structuredContent as { projects: { id: string }[] }).projects.map((p) =>
        p.id
      );
      assert.ok(ids.includes(castleId));
      assert.deepEqual(listed, ["goxel://projects", ...ids.map((id) => `goxel://projects/${id}`)]);
      const read = await client.readResource({ uri: `goxel://projects/${castleId}` });
      const text = (read.contents[0] as { text: string }).text;
      assert.equal(JSON.parse(text).name, "castle");
      await assert.rejects(
        client.readResource({ uri: "file:///etc/passwd" }),
        (e: { code?: number; message?: string }) =>
          e.code === -32002 && /Unknown resource/.test(e.message ?? ""),
        "the spec's resource-not-found code",
      );
      const updated = new Promise<string>((resolve) =>
        client.setNotificationHandler(
          ResourceUpdatedNotificationSchema,
          (n: { params: { uri: string } }) => resolve(n.params.uri),
        )
      );
      await client.subscribeResource({ uri: `goxel://projects/${castleId}` });
      await callTool(client, "add_voxel", { x: 7, y: 7, z: 7, color: "#00ff00" });
      assert.equal(await updated, `goxel://projects/${castleId}`);
      const listChanged = new Promise<void>((resolve) =>
        client.setNotificationHandler(ResourceListChangedNotificationSchema, () => resolve())
      );
      await callTool(client, "create_project", { name: "second" });
      await listChanged;
    });

    await t.step("voxel reads default to a page an agent can take, and say truncated", async () => {
      const drawn = await callTool(client, "procedural_shape", {
        shape_type: "cube",
        size_x: 10,
        size_y: 10,
        size_z: 10,
        color: "#ff0000",
      });
      assert.ok(!drawn.isError, textOf(drawn));
      const page = await callTool(client, "get_layer_voxels", {});
      const r = page.structuredContent as { count: number; truncated: boolean };
      assert.deepEqual([r.count, r.truncated], [TOOL_PAGE_DEFAULTS.limit, true]);
      const all = await callTool(client, "get_layer_voxels", { limit: 2000 });
      assert.equal((all.structuredContent as { count: number }).count, 1000, "asked: all of it");
    });
  } finally {
    await mcp.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("goxel mcp answers hosts that initialise on 2025-06-18 and 2025-11-25", async () => {
  const env = await makeTestEnv();
  const [cmd, ...prefix] = goxelCommand();
  try {
    for (const version of ["2025-06-18", "2025-11-25"]) {
      const init = {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: version,
          capabilities: {},
          clientInfo: { name: "h", version: "1" },
        },
      };
      const out = await new Deno.Command(cmd, {
        args: [...prefix, "mcp", "--no-spawn", "--socket", env.socket],
        env: env.env,
        clearEnv: true,
        cwd: env.dir,
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const w = out.stdin.getWriter();
      await w.write(new TextEncoder().encode(JSON.stringify(init) + "\n"));
      await w.close();
      const { stdout, code } = await out.output();
      assert.equal(code, 0, "stdin closing ends the server cleanly");
      const reply = JSON.parse(new TextDecoder().decode(stdout).split("\n")[0]);
      assert.equal(reply.result.protocolVersion, version);
    }
  } finally {
    await env.cleanup();
  }
});

Deno.test("with the daemon stopped and --no-spawn, a tool call fails within 2 s", async () => {
  const env = await makeTestEnv();
  const mcp = await startMcpStdio(env, ["--no-spawn", "--socket", env.socket]);
  try {
    const started = Date.now();
    const result = await callTool(mcp.client, "add_voxel", { x: 0, y: 0, z: 0 });
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.equal(result.isError, true);
    assert.match(textOf(result), /add_voxel: goxel is not running on .*start it with: goxel start/);
    assert.ok((await mcp.client.listTools()).tools.length > 40, "the server keeps serving");
  } finally {
    await mcp.close();
    await env.cleanup();
  }
});

Deno.test("goxel mcp over Streamable HTTP starts the daemon when none runs", async () => {
  const env = await makeTestEnv();
  const mcp = await startMcpHttp(env, ["--root", env.dir, "--allow-scripts"]);
  try {
    const tools = (await mcp.client.listTools()).tools.map((x: { name: string }) => x.name);
    assert.ok(tools.includes("execute_script") && tools.includes("render_view"));
    const created = await callTool(mcp.client, "create_project", { name: "web" });
    assert.ok(!created.isError, textOf(created));
    await callTool(mcp.client, "add_voxel", { x: 0, y: 0, z: 0, color: "#00ff00" });
    const png = imageOf(await callTool(mcp.client, "render_view", { max_size: 64 }));
    assert.deepEqual([png.width, png.height], [64, 64]);
    assert.ok(dominantShare(png, 1) > 0.001, "the green voxel is visible");
    const anon = await fetch(mcp.url, { method: "POST", body: "{}" });
    assert.equal(anon.status, 400);
    await anon.body?.cancel();
  } finally {
    await mcp.close();
    await runGoxel(["stop"], env);
    await env.cleanup();
  }
});
