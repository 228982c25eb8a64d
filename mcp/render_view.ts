/**
 * `render_view`: one image content block (PNG) an agent can look at, plus a one-line caption.
 * Several views come as one contact sheet; the longest side is `max_size` (default 512,
 * at most 1024) so an image never floods a model's context.
 */
import { readFile } from "node:fs/promises";
import { Buffer } from "node:buffer";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { CameraPreset, Color, ProjectRef } from "../protocol/wire.ts";
import type { McpContext } from "./context.ts";
import { PROJECT_PARAM } from "./method_tools.ts";
import { contactSheet, decodePicture, encodePicture, type Picture } from "./png.ts";

/** Default longest side of the returned image, in pixels. */
export const DEFAULT_MAX_SIZE = 512;

/** The arguments of render_view. */
export const RenderViewArgs = z.strictObject({
  project: ProjectRef.optional().describe(PROJECT_PARAM),
  views: z.array(CameraPreset).min(1).max(6).optional().describe(
    'Camera presets; several make a contact sheet, left to right then top to bottom (default ["isometric"])',
  ),
  max_size: z.int().min(16).max(1024).optional().describe(
    `Longest side of the image in pixels (default ${DEFAULT_MAX_SIZE}, at most 1024)`,
  ),
  background: Color.optional().describe('Background colour (default "#404040")'),
});

/** The tool declaration. */
export const renderViewTool: Tool = {
  name: "render_view",
  description:
    "Render the project's visible layers and return the picture (PNG) with a one-line caption. " +
    'Ask for several views (e.g. ["isometric", "front", "top"]) to get them side by side in one image.',
  inputSchema: z.toJSONSchema(RenderViewArgs, { io: "input" }) as Tool["inputSchema"],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
};

/** Columns of the grid: 1 view → 1, 2 → 2, 3–4 → 2, 5–6 → 3. */
function columnsFor(n: number): number {
  return Math.ceil(Math.sqrt(n));
}

async function renderOne(
  ctx: McpContext,
  args: z.output<typeof RenderViewArgs>,
  view: string,
  size: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const reply = await ctx.link.call("goxel.render_scene", {
    ...(args.project ? { project: args.project } : {}),
    width: size,
    height: size,
    camera_preset: view,
    options: { return_mode: "file_path", background_color: args.background ?? "#404040" },
  }, { signal }) as { file: { path: string } };
  try {
    return new Uint8Array(await readFile(reply.file.path));
  } finally {
    await ctx.link.call("goxel.cleanup_render", { path: reply.file.path }).catch(() => {});
  }
}

/** Runs render_view with checked arguments. */
export async function renderView(
  ctx: McpContext,
  args: z.output<typeof RenderViewArgs>,
  signal?: AbortSignal,
): Promise<CallToolResult> {
  const views = args.views ?? ["isometric"];
  const maxSize = args.max_size ?? DEFAULT_MAX_SIZE;
  const cols = columnsFor(views.length), rows = Math.ceil(views.length / cols);
  const cell = Math.floor(maxSize / Math.max(cols, rows));
  const info = await ctx.link.call("goxel.get_project_info", {
    ...(args.project ? { project: args.project } : {}),
  }) as { project_id: string; name: string; voxel_count: number };
  const pngs = await Promise.all(views.map((v) => renderOne(ctx, args, v, cell, signal)));
  let png = pngs[0], width = cell, height = cell;
  if (views.length > 1) {
    const sheet: Picture = contactSheet(pngs.map(decodePicture), cols, cell);
    png = encodePicture(sheet);
    width = sheet.width;
    height = sheet.height;
  }
  const order = views.length > 1 ? ` (${cols} per row, left to right then top to bottom)` : "";
  const caption = `"${info.name}" (${info.project_id}), ${info.voxel_count} voxels: ` +
    `${views.join(", ")} view${views.length > 1 ? "s" : ""}${order}, ${width}×${height} px`;
  return {
    content: [
      { type: "image", data: Buffer.from(png).toString("base64"), mimeType: "image/png" },
      { type: "text", text: caption },
    ],
  };
}
