/** Handlers of the live-view methods: subscribe/unsubscribe to the change stream, read tiles. */
import { InvalidInputError, NotFoundError } from "../../core/errors.ts";
import { encodeTiles, type TileOut, wireBox } from "../changes_tiles.ts";
import type { DaemonContext } from "../context.ts";
import type { Project } from "../projects.ts";
import type { HandlerEnv, HandlerGroup } from "./types.ts";

type WatchMethods =
  | "goxel.subscribe"
  | "goxel.unsubscribe"
  | "goxel.get_tiles"
  | "goxel.serve_http";

/** Where `goxel view` puts the listener when the config does not say. */
const DEFAULT_LISTEN = "127.0.0.1:7891";

function findProject(ctx: DaemonContext, ref: string | undefined): Project | null {
  if (ref === undefined) return null;
  const p = ctx.projects.find(ref);
  if (!p) throw new NotFoundError(`Project "${ref}" is not open`);
  return p;
}

function peerOf(env: HandlerEnv) {
  const peer = env.call.peer;
  if (!peer) {
    throw new InvalidInputError(
      "Cannot subscribe over one-shot HTTP: use a socket, TCP or the /ws WebSocket",
    );
  }
  return peer;
}

function readTiles(project: Project, refs: [number, number, number, number][] | undefined) {
  const out: TileOut[] = [];
  const layers = project.image.layers;
  if (!refs) {
    for (const l of layers) {
      for (const [x, y, z, voxels] of l.volume.tiles()) out.push({ layer: l.id, x, y, z, voxels });
    }
    return out;
  }
  for (const [layer, x, y, z] of refs) {
    if ((x | y | z) & 15) {
      throw new InvalidInputError(`Tile origin (${x}, ${y}, ${z}) is not a multiple of 16`);
    }
    const l = layers.find((l) => l.id === layer);
    out.push({ layer, x, y, z, voxels: l?.volume.readTile(x, y, z) ?? null });
  }
  return out;
}

/** Handlers for the live-view methods. */
export const watchHandlers: HandlerGroup<WatchMethods> = {
  "goxel.subscribe"(p, env) {
    const project = findProject(env.ctx, p.project);
    const seq = env.ctx.changes.subscribe(peerOf(env), project, p.since);
    return { subscribed: true, project: project?.id ?? null, seq };
  },

  "goxel.unsubscribe"(p, env) {
    const project = p.project === undefined ? undefined : findProject(env.ctx, p.project);
    return { removed: env.ctx.changes.unsubscribe(peerOf(env), project) };
  },

  async "goxel.serve_http"(p, { ctx }) {
    if (ctx.http.url) return { url: ctx.http.url, started: false };
    try {
      return { url: await ctx.http.start(p.listen ?? DEFAULT_LISTEN, false), started: true };
    } catch (err) {
      if (p.listen !== undefined) throw err;
      // The usual port is taken (another daemon?): any free loopback port will do.
      return { url: await ctx.http.start("127.0.0.1:0", false), started: true };
    }
  },

  "goxel.get_tiles"(p, { ctx, project }) {
    // From here on the project's changes are kept, so `subscribe since=seq` resumes exactly.
    ctx.changes.watch(project);
    const tiles = readTiles(project, p.tiles);
    return {
      project: project.id,
      name: project.name,
      seq: ctx.changes.seqOf(project),
      box: wireBox(project.image),
      layers: project.image.layers.map((l) => ({ id: l.id, name: l.name, visible: l.visible })),
      tile_count: tiles.length,
      data: encodeTiles(tiles),
    };
  },
};
