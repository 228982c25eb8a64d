/**
 * The JSON-RPC 2.0 specification's example methods (§7), registered only when the daemon runs
 * with `--conformance`, so ../../shared/spec/jsonrpc_vectors.jsonl can be run against it.
 * Their names have no `goxel.` prefix; `foobar` and `foo.get` must stay undeclared.
 */
import { z } from "zod";
import { defineMethod } from "../method.ts";

const FLAGS = { conformance: true } as const;
const Values = z.strictObject({
  values: z.array(z.number()).describe("Numbers (positional params land here)"),
});
const AnyValues = z.strictObject({
  values: z.array(z.unknown()).optional().describe("Any positional params"),
});

/** `subtract`: minuend − subtrahend. */
export const subtract = defineMethod({
  name: "subtract",
  summary: "Return minuend - subtrahend (JSON-RPC spec example).",
  params: z.strictObject({ minuend: z.number(), subtrahend: z.number() }),
  positional: ["minuend", "subtrahend"],
  result: z.number(),
  examples: [{ params: [42, 23], result: 19 }, {
    params: { subtrahend: 23, minuend: 42 },
    result: 19,
  }],
  flags: FLAGS,
});

/** `sum`: the total of its positional params. */
export const sum = defineMethod({
  name: "sum",
  summary: "Return the sum of the numbers given (JSON-RPC spec example).",
  params: Values,
  positional: ["...values"],
  result: z.number(),
  examples: [{ params: [1, 2, 4], result: 7 }],
  flags: FLAGS,
});

/** `get_data`: a fixed array. */
export const getData = defineMethod({
  name: "get_data",
  summary: 'Return ["hello", 5] (JSON-RPC spec example).',
  params: z.strictObject({}),
  positional: [],
  result: z.tuple([z.literal("hello"), z.literal(5)]),
  examples: [{ params: [], result: ["hello", 5] }],
  flags: FLAGS,
});

/** `update`: accepts anything, returns null (sent as a notification). */
export const update = defineMethod({
  name: "update",
  summary: "Accept any positional params and return null (JSON-RPC spec notification example).",
  params: AnyValues,
  positional: ["...values"],
  result: z.null(),
  examples: [{ params: [1, 2, 3, 4, 5], result: null }],
  flags: FLAGS,
});

/** `notify_hello`: accepts anything, returns null. */
export const notifyHello = defineMethod({
  name: "notify_hello",
  summary: "Accept any positional params and return null (JSON-RPC spec notification example).",
  params: AnyValues,
  positional: ["...values"],
  result: z.null(),
  examples: [{ params: [7], result: null }],
  flags: FLAGS,
});

/** `notify_sum`: the total of its params (sent as a notification, so never seen). */
export const notifySum = defineMethod({
  name: "notify_sum",
  summary: "Return the sum of the numbers given (JSON-RPC spec notification example).",
  params: Values,
  positional: ["...values"],
  result: z.number(),
  examples: [{ params: [1, 2, 4], result: 7 }],
  flags: FLAGS,
});

/** The conformance methods. */
export const CONFORMANCE_METHODS = [
  subtract,
  sum,
  getData,
  update,
  notifyHello,
  notifySum,
] as const;
