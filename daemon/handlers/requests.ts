/** Handler of goxel.cancel_request when it takes its turn (in a batch, over HTTP or WebSocket). */
import type { JsonRpcId } from "../../protocol/mod.ts";
import type { HandlerGroup } from "./types.ts";

/** Handler for cancel_request; on sockets the connection answers it earlier (daemon/cancels.ts). */
export const requestHandlers: HandlerGroup<"goxel.cancel_request"> = {
  "goxel.cancel_request"(p, { call }) {
    const found = call?.running?.cancel(p.id as JsonRpcId) ?? false;
    return { cancelled: found, state: found ? "running" : "not_found" };
  },
};
