/** Builds one MCP server session (the SDK's low-level Server) over the shared tool table. */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  type CallToolRequest,
  CallToolRequestSchema,
  ErrorCode as McpErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  type ReadResourceRequest,
  ReadResourceRequestSchema,
  type SubscribeRequest,
  SubscribeRequestSchema,
  type UnsubscribeRequest,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { McpContext } from "./context.ts";
import { PROJECT_TEMPLATE, ProjectResources, UnknownResourceError } from "./resources.ts";
import { failureResult } from "./tool_result.ts";
import { ToolTable } from "./tools.ts";

const INSTRUCTIONS =
  "goxel edits voxel art in a daemon that keeps every open project. Start with create_project " +
  "or load_project, edit with add_voxel/add_voxels/draw_shape/procedural_shape, look at the " +
  "result with render_view (or describe_project for a text summary), use checkpoint and " +
  "restore_checkpoint to try ideas safely, and save_project to write a .gox file. File paths " +
  "are relative to the workspace root.";

/** Identity announced in `initialize`. */
export interface ServerIdentity {
  version: string;
}

/** A server session and the resource watcher it owns. */
export interface McpSession {
  server: Server;
  resources: ProjectResources;
}

/** The spec's code for a resource that does not exist. */
const RESOURCE_NOT_FOUND = -32002;

function resourceError(err: unknown): McpError {
  if (err instanceof UnknownResourceError) return new McpError(RESOURCE_NOT_FOUND, err.message);
  const message = failureResult("resources", err).content[0];
  const text = message.type === "text" ? message.text : String(err);
  return new McpError(
    McpErrorCode.InvalidParams,
    text.replace(/^resources( failed( unexpectedly)?)?: /, ""),
  );
}

/** A request schema of the SDK's: an object whose `method` is one literal. */
type RequestSchema = z.ZodObject<{ method: z.ZodLiteral<string>; params?: z.ZodType }>;

/** A malformed request: JSON-RPC's −32602 with a readable message (no "MCP error" prefix). */
class InvalidRequestError extends Error {
  readonly code = McpErrorCode.InvalidParams;
}

/**
 * Registers a handler whose params are checked here. The SDK would turn a schema failure into
 * −32603 with zod's raw issue list as the message; a malformed request deserves −32602 and a
 * readable message. The check throws from inside the SDK's own parse, before its handlers run.
 */
function handle<S extends RequestSchema, R>(
  server: Server,
  schema: S,
  handler: (req: z.output<S>, extra: { signal: AbortSignal }) => R | Promise<R>,
): void {
  const method = schema.shape.method.value;
  const paramsSchema = schema.shape.params ?? z.unknown();
  const checked = z.unknown().optional().transform((params) => {
    const parsed = paramsSchema.safeParse(params);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((i) =>
      `${i.path.length > 0 ? i.path.join(".") : "params"}: ${i.message}`
    );
    throw new InvalidRequestError(`Invalid ${method} request: ${issues.join("; ")}`);
  });
  const request = z.object({ method: z.literal(method), params: checked });
  server.setRequestHandler(
    request,
    // deno-lint-ignore no-explicit-any -- the SDK types a handler's result by its schema's method
    (req: unknown, extra: { signal: AbortSignal }) => handler(req as z.output<S>, extra) as any,
  );
}

/** Creates one MCP session (stdio has one; Streamable HTTP one per client session). */
export function createSession(ctx: McpContext, tools: ToolTable, id: ServerIdentity): McpSession {
  const server = new Server(
    { name: "goxel", title: "goxel voxel editor", version: id.version },
    {
      capabilities: { tools: {}, resources: { subscribe: true, listChanged: true } },
      instructions: INSTRUCTIONS,
    },
  );
  const resources = new ProjectResources(ctx, {
    listChanged: () => void server.sendResourceListChanged().catch(() => {}),
    updated: (uri) => void server.sendResourceUpdated({ uri }).catch(() => {}),
  });
  handle(server, ListToolsRequestSchema, () => ({ tools: tools.list() }));
  handle(
    server,
    CallToolRequestSchema,
    (req: CallToolRequest, { signal }) =>
      tools.call(req.params.name, req.params.arguments ?? {}, signal),
  );
  handle(server, ListResourcesRequestSchema, async () => {
    try {
      return { resources: await resources.list() };
    } catch (err) {
      throw resourceError(err);
    }
  });
  handle(
    server,
    ListResourceTemplatesRequestSchema,
    () => ({ resourceTemplates: [PROJECT_TEMPLATE] }),
  );
  handle(server, ReadResourceRequestSchema, async (req: ReadResourceRequest) => {
    try {
      return { contents: [await resources.read(req.params.uri)] };
    } catch (err) {
      throw resourceError(err);
    }
  });
  handle(server, SubscribeRequestSchema, async (req: SubscribeRequest) => {
    try {
      await resources.subscribe(req.params.uri);
    } catch (err) {
      throw resourceError(err);
    }
    return {};
  });
  handle(server, UnsubscribeRequestSchema, (req: UnsubscribeRequest) => {
    resources.unsubscribe(req.params.uri);
    return {};
  });
  server.oninitialized = () => resources.start();
  server.onclose = () => resources.stop();
  return { server, resources };
}
