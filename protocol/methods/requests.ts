/** Methods about a connection's own requests: cancelling one it sent earlier. */
import { z } from "zod";
import { defineMethod } from "../method.ts";

/** `goxel.cancel_request`. */
export const cancelRequest = defineMethod({
  name: "goxel.cancel_request",
  summary: "Cancel a request sent earlier on this connection (a render, a script, a load …).",
  description:
    "On a socket or /ws WebSocket connection it is handled as soon as it is read, ahead of " +
    "the requests before it. A request still queued behind others is answered with a " +
    'cancelled error (−1000, `data.reason: "cancelled"`) and never runs; a running request ' +
    "that works on the worker pool (renders, scripts, loads, imports, saves, exports, " +
    "checkpoints, big edits) is told to stop: it answers the cancelled error unless it was " +
    "already past its last step (a save already writing its file finishes), so its own reply " +
    "says what happened. Anything else has finished by then or is too short to stop. Send it " +
    "as a notification when no reply is wanted. A one-shot HTTP POST has no earlier requests " +
    "on its connection to cancel.",
  params: z.strictObject({
    id: z.union([z.string(), z.number()]).describe("The id of the request to cancel"),
  }),
  positional: ["id"],
  result: z.object({
    cancelled: z.boolean().describe("Whether a request with that id was found and cancelled"),
    state: z.enum(["queued", "running", "not_found"]).describe(
      "Where the request was: still queued, running, or not found (finished, or never sent)",
    ),
  }),
  examples: [{ params: { id: 7 }, result: { cancelled: true, state: "running" } }],
});

/** The request methods. */
export const REQUEST_METHODS = [cancelRequest] as const;
