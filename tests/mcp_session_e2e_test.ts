/**
 * An MCP session's current project over `goxel mcp` (stdio, against a real daemon; GOXEL_BIN
 * when set): once the session closes it, calls without a project are not sent to another.
 */
import assert from "node:assert/strict";
import { callTool, startMcpStdio, textOf } from "./mcp_support_testing.ts";
import { makeTestEnv, startDaemon } from "./support_testing.ts";

Deno.test("a session that closed its current project is not sent to another one", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const mcp = await startMcpStdio(env, ["--socket", env.socket]);
  try {
    const id = (r: Awaited<ReturnType<typeof callTool>>) =>
      (JSON.parse(textOf(r)) as { project_id: string }).project_id;
    const other = id(await callTool(mcp.client, "create_project", { name: "other" }));
    await callTool(mcp.client, "add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000" });
    const mine = id(await callTool(mcp.client, "create_project", { name: "mine" }));
    assert.notEqual(mine, other);
    assert.equal((await callTool(mcp.client, "close_project", { force: true })).isError, undefined);
    // Without a project the next calls would have reached "other": refused instead.
    for (
      const [tool, args] of [["close_project", { force: true }], ["describe_project", {}]] as const
    ) {
      const r = await callTool(mcp.client, tool, args);
      assert.equal(r.isError, true, tool);
      assert.match(textOf(r), /closed its current project: pass project/);
    }
    const listed = JSON.parse(textOf(await callTool(mcp.client, "list_projects"))) as {
      projects: { id: string }[];
    };
    assert.deepEqual(listed.projects.map((p) => p.id), [other], "other's work is still open");
    await callTool(mcp.client, "select_project", { project: other });
    assert.equal((await callTool(mcp.client, "describe_project")).isError, undefined);
  } finally {
    await mcp.close();
    await daemon.stop();
    await env.cleanup();
  }
});
