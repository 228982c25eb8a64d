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
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.list() }));
  server.setRequestHandler(
    CallToolRequestSchema,
    (req: CallToolRequest) => tools.call(req.params.name, req.params.arguments ?? {}),
  );
  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    try {
      return { resources: await resources.list() };
    } catch (err) {
      throw resourceError(err);
    }
  });
  server.setRequestHandler(
    ListResourceTemplatesRequestSchema,
    () => ({ resourceTemplates: [PROJECT_TEMPLATE] }),
  );
  server.setRequestHandler(ReadResourceRequestSchema, async (req: ReadResourceRequest) => {
    try {
      return { contents: [await resources.read(req.params.uri)] };
    } catch (err) {
      throw resourceError(err);
    }
  });
  server.setRequestHandler(SubscribeRequestSchema, async (req: SubscribeRequest) => {
    try {
      await resources.subscribe(req.params.uri);
    } catch (err) {
      throw resourceError(err);
    }
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, (req: UnsubscribeRequest) => {
    resources.unsubscribe(req.params.uri);
    return {};
  });
  server.oninitialized = () => resources.start();
  server.onclose = () => resources.stop();
  return { server, resources };
}
