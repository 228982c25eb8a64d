import assert from "node:assert/strict";
import type { McpContext } from "./context.ts";
import { ProjectResources, UnknownResourceError } from "./resources.ts";

/** A daemon stand-in whose answers the test changes between polls. */
function fakeContext(state: { ids: string[]; voxels: number }): McpContext {
  const link = {
    call(method: string, params?: { project?: string }) {
      if (method === "goxel.list_projects") {
        return Promise.resolve({
          projects: state.ids.map((id) => ({ id, name: id, dirty: false })),
        });
      }
      if (params?.project && !state.ids.includes(params.project)) {
        return Promise.reject(new Error(`Project "${params.project}" is not open`));
      }
      return Promise.resolve({ voxel_count: state.voxels });
    },
  };
  return { link, root: null, allowScripts: false } as unknown as McpContext;
}

Deno.test("ProjectResources.poll() notifies list changes and updates of subscribed projects", async () => {
  const state = { ids: ["p1"], voxels: 0 };
  const events: string[] = [];
  const res = new ProjectResources(fakeContext(state), {
    listChanged: () => events.push("list"),
    updated: (uri) => events.push(uri),
  });
  await res.subscribe("goxel://projects/p1");
  await res.poll();
  assert.deepEqual(events, [], "nothing changed since the subscription");
  state.voxels = 5;
  await res.poll();
  state.ids = ["p1", "p2"];
  await res.poll();
  await res.poll();
  assert.deepEqual(events, ["goxel://projects/p1", "list"]);
  assert.deepEqual((await res.list()).map((r) => r.uri), [
    "goxel://projects",
    "goxel://projects/p1",
    "goxel://projects/p2",
  ]);
  await assert.rejects(res.subscribe("goxel://elsewhere"), /Unknown resource/);
  await assert.rejects(res.read("goxel://projects/a/b"), /Unknown resource/);
});

Deno.test("ProjectResources.poll() notifies the first project opened and the last one closed", async () => {
  const state = { ids: [] as string[], voxels: 0 };
  let changes = 0;
  const res = new ProjectResources(fakeContext(state), {
    listChanged: () => changes++,
    updated: () => {},
  });
  await res.poll(); // no project open: an empty list
  state.ids = ["p1"];
  await res.poll();
  assert.equal(changes, 1, "from none to one (it was missed: the empty list looked unseen)");
  state.ids = [];
  await res.poll();
  state.ids = ["p2"];
  await res.poll();
  assert.equal(changes, 3);
});

Deno.test("unknown resources and projects that are not open are refused as not found", async () => {
  const res = new ProjectResources(fakeContext({ ids: ["p1"], voxels: 0 }), {
    listChanged: () => {},
    updated: () => {},
  });
  await assert.rejects(res.read("file:///etc/passwd"), UnknownResourceError);
  await assert.rejects(res.subscribe("goxel://projects/p9"), UnknownResourceError);
  await res.subscribe("goxel://projects/p1");
});
