/** The complete handler table: one handler per declared method, checked at compile time. */
import { batchHandlers } from "./batch.ts";
import { checkpointHandlers } from "./checkpoints.ts";
import { colorHandlers } from "./colors.ts";
import { drawHandlers } from "./draw.ts";
import { filterHandlers } from "./filters.ts";
import { layerHandlers } from "./layers.ts";
import { materialHandlers } from "./materials.ts";
import { metaHandlers } from "./meta.ts";
import { projectHandlers } from "./projects.ts";
import { renderHandlers } from "./render.ts";
import { requestHandlers } from "./requests.ts";
import { scriptHandlers } from "./script.ts";
import type { HandlerTable } from "./types.ts";
import { voxelHandlers } from "./voxels.ts";
import { watchHandlers } from "./watch.ts";

/** Returns the handler of every method. */
export function createHandlers(): HandlerTable {
  const table: HandlerTable = {
    ...projectHandlers,
    ...voxelHandlers,
    ...batchHandlers(() => table),
    ...drawHandlers,
    ...filterHandlers,
    ...layerHandlers,
    ...colorHandlers,
    ...renderHandlers,
    ...checkpointHandlers,
    ...materialHandlers,
    ...scriptHandlers,
    ...metaHandlers,
    ...requestHandlers,
    ...watchHandlers,
  };
  return table;
}
