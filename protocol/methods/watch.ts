/** Live-view methods: the change stream (`goxel.changed` notifications) and compact tile reads. */
import { z } from "zod";
import { defineMethod } from "../method.ts";
import { Int32, ProjectRef } from "../wire.ts";

const Seq = z.int().min(0).describe("A project's sequence number (one per committed change)");

/** `goxel.subscribe`. */
export const subscribe = defineMethod({
  name: "goxel.subscribe",
  summary:
    "Receive a goxel.changed notification on this connection for every committed change of a project (or of all projects).",
  description:
    "Each notification carries the project's sequence number `seq` (and `from_seq` when edits " +
    "that arrived together are reported at once), the tiles `[layer, x, y, z]` whose voxels " +
    "changed (a deleted layer's tiles too: read back, they are gone), and flags for layer, " +
    'material, camera and box changes; `kind` is also "opened", "closed" or "selected". With ' +
    "`since`, every change after that sequence number is sent first, without gaps or " +
    "duplicates (an event that merged several changes is sent whole; saves and renames take a " +
    "sequence number without an event). A subscriber that stops reading is never waited for: " +
    "once its buffer is full it gets one `resync` notice (reload, then carry on).",
  params: z.strictObject({
    project: ProjectRef.optional().describe(
      "Project id or name; omitted means every project (then `since` is not allowed)",
    ),
    since: Seq.optional().describe("Send the changes after this sequence number first"),
  }),
  positional: ["project", "since"],
  result: z.object({
    subscribed: z.literal(true),
    project: z.string().nullable().describe("Project id, or null for every project"),
    seq: Seq.describe("The project's sequence number now (0 for every project)"),
  }),
  examples: [{
    params: { project: "p1", since: 0 },
    result: { subscribed: true, project: "p1", seq: 3 },
  }],
});

/** `goxel.unsubscribe`. */
export const unsubscribe = defineMethod({
  name: "goxel.unsubscribe",
  summary: "Stop the change notifications this connection asked for with goxel.subscribe.",
  params: z.strictObject({
    project: ProjectRef.optional().describe("The project subscribed to; omitted means all"),
  }),
  positional: ["project"],
  result: z.object({ removed: z.int().min(0).describe("Subscriptions removed") }),
  examples: [{ params: {}, result: { removed: 1 } }],
});

const LayerInfo = z.object({
  id: z.int(),
  name: z.string(),
  visible: z.boolean(),
});

/** `goxel.get_tiles`. */
export const getTiles = defineMethod({
  name: "goxel.get_tiles",
  summary: "Read a project's voxel tiles in the compact binary form viewers use (base64).",
  description:
    '`data` is base64 of: "GXT1", u32 tile count, then per tile i32 layer, i32 x, y, z ' +
    "(origin), u8 mode (0 gone, 1 runs of u16 length + u32 RGBA, 2 raw 4096 × u32), " +
    "little-endian. Without `tiles`, every tile of every layer.",
  params: z.strictObject({
    tiles: z.array(z.tuple([Int32, Int32, Int32, Int32])).max(65536).optional().describe(
      "Tiles to read as [layer, x, y, z] (origins, multiples of 16)",
    ),
  }),
  positional: [],
  result: z.object({
    project: z.string(),
    name: z.string(),
    seq: Seq,
    box: z.object({ min: z.array(z.int()), max: z.array(z.int()) }).nullable()
      .describe("Inclusive project box, or null when unbounded"),
    layers: z.array(LayerInfo),
    tile_count: z.int().min(0),
    data: z.string().describe("Base64 of the encoded tiles"),
  }),
  examples: [{ params: { tiles: [[1, 0, 0, 0]] } }],
  flags: { project: true },
});

/** `goxel.serve_http`. */
export const serveHttp = defineMethod({
  name: "goxel.serve_http",
  summary: "Make sure the HTTP listener (viewer, /metrics, /rpc, /ws) is on and return its URL.",
  description: "Starts it on a loopback address when it is off (non-loopback addresses need the " +
    "http.listen config key); does nothing but answer when it is already on.",
  params: z.strictObject({
    listen: z.string().min(1).optional().describe(
      'Loopback "HOST:PORT" to use when starting (default 127.0.0.1:7891, else a free port)',
    ),
  }),
  positional: ["listen"],
  result: z.object({
    url: z.string().describe('The base URL, e.g. "http://127.0.0.1:7891"'),
    started: z.boolean().describe("True when this call started it"),
  }),
  examples: [{ params: {}, result: { url: "http://127.0.0.1:7891", started: true } }],
});

/** The live-view methods. */
export const WATCH_METHODS = [subscribe, unsubscribe, getTiles, serveHttp] as const;
