/** Rendering methods: render to a file or a managed render file, inspect and clean renders, camera. */
import { RENDER_PATH } from "../render_path.ts";
import { z } from "zod";
import { defineMethod } from "../method.ts";
import { CameraPreset, Color, FilePath, PictureSize, Vec3 } from "../wire.ts";
import { Ok } from "./common.ts";

const RenderFile = z.object({
  path: z.string().describe("Absolute path of the PNG"),
  size: z.int().min(0).describe("File size in bytes"),
  format: z.string().describe('Always "png"'),
  dimensions: z.object({ width: z.int(), height: z.int() }),
  checksum: z.string().describe('"sha256:" followed by 64 hex digits'),
  created_at: z.number().describe("Unix time in seconds"),
  expires_at: z.number().describe("Unix time in seconds after which the file may be deleted"),
  session_id: z.string().optional(),
});

/** `goxel.render_scene`. */
export const renderScene = defineMethod({
  name: "goxel.render_scene",
  tool: { destructive: true, idempotent: true },
  summary:
    "Render the visible layers to a PNG at output_path, or to a managed render file (file_path mode).",
  description:
    'With output_path (mode "file") the PNG is written there and the C daemon\'s flat result comes ' +
    'back. With options.return_mode "file_path" and no output_path the daemon picks a path in its render ' +
    "directory, keeps the file until expires_at, and returns its details in file.",
  params: z.strictObject({
    output_path: FilePath.regex(RENDER_PATH, {
      message: "renders are written as PNG only: give a path ending in .png",
    }).optional().describe("Where to write the PNG (a path ending in .png)"),
    width: PictureSize.optional().describe("Image width in pixels (default 512)"),
    height: PictureSize.optional().describe("Image height in pixels (default 512)"),
    camera_preset: CameraPreset.optional().describe(
      "front, back, left, right, top, bottom or isometric (default: the project's camera " +
        "direction); the whole model is framed",
    ),
    options: z.strictObject({
      return_mode: z.enum(["file", "file_path"]).optional().describe(
        '"file" writes output_path (default when given); "file_path" writes a managed render file',
      ),
      background_color: Color.optional().describe("Background colour (default transparent)"),
    }).optional(),
    quality: z.enum(["raster", "path"]).optional().describe(
      '"raster" (default): meshed faces with a depth buffer, ambient occlusion and a shadow map, ' +
        'fast; "path": one ray per sample, slower, for reference pictures',
    ),
  }).refine((p) => p.output_path !== undefined || p.options?.return_mode === "file_path", {
    path: ["output_path"],
    message: 'give output_path, or options.return_mode "file_path"',
  }),
  positional: ["output_path", "width", "height", "camera_preset", "options", "quality"],
  result: z.object({
    success: Ok,
    width: z.int().optional(),
    height: z.int().optional(),
    format: z.literal("png").optional(),
    output_path: z.string().optional().describe("Where the PNG was written (file mode)"),
    file: RenderFile.optional().describe("The managed render file (file_path mode)"),
  }),
  examples: [
    {
      params: ["scene.png", 256, 256],
      result: {
        success: true,
        width: 256,
        height: 256,
        format: "png",
        output_path: "/home/me/scene.png",
      },
    },
    {
      params: {
        width: 640,
        height: 480,
        camera_preset: "isometric",
        options: { return_mode: "file_path" },
      },
    },
  ],
  flags: { project: true, heavy: true },
});

const PathParam = z.strictObject({
  path: z.string().min(1).describe("Path of a render from file_path mode"),
});

/** `goxel.get_render_info`. */
export const getRenderInfo = defineMethod({
  name: "goxel.get_render_info",
  summary: "Describe a managed render file: size, dimensions, checksum, expiry.",
  params: PathParam,
  positional: ["path"],
  result: z.object({ success: Ok, render: RenderFile }),
  examples: [{ params: ["/run/user/1000/goxel/renders/render_1.png"] }],
});

/** `goxel.cleanup_render`. */
export const cleanupRender = defineMethod({
  name: "goxel.cleanup_render",
  summary: "Delete a managed render file now instead of waiting for it to expire.",
  params: PathParam,
  positional: ["path"],
  result: z.object({ success: Ok, message: z.string() }),
  examples: [{
    params: ["/run/user/1000/goxel/renders/render_1.png"],
    result: { success: true, message: "Render cleaned up successfully" },
  }],
});

/** `goxel.list_renders`. */
export const listRenders = defineMethod({
  name: "goxel.list_renders",
  summary: "List the managed render files that have not expired.",
  params: z.strictObject({}),
  positional: [],
  result: z.object({ success: Ok, count: z.int().min(0), renders: z.array(RenderFile) }),
  examples: [{ params: {} }],
});

/** `goxel.set_camera`. */
export const setCamera = defineMethod({
  name: "goxel.set_camera",
  tool: { destructive: false, idempotent: true },
  summary: "Point the project's camera: a preset view, or an explicit position and target.",
  description:
    "A preset turns the camera around the model and fits it in view; position/target then adjust it.",
  params: z.strictObject({
    preset: CameraPreset.optional().describe("front, back, left, right, top, bottom or isometric"),
    position: Vec3.optional().describe("Eye position in voxel units"),
    target: Vec3.optional().describe("Point looked at (default: the model centre)"),
    ortho: z.boolean().optional().describe("Orthographic instead of perspective projection"),
  }).refine(
    (p) =>
      p.preset !== undefined || p.position !== undefined || p.target !== undefined ||
      p.ortho !== undefined,
    {
      message: "give a preset, position, target or ortho",
    },
  ),
  positional: ["preset"],
  result: z.object({
    success: Ok,
    position: Vec3,
    target: Vec3,
    ortho: z.boolean(),
  }),
  examples: [{ params: ["isometric"] }, {
    params: { position: [40, -40, 40], target: [0, 0, 8], ortho: true },
  }],
  flags: { project: true, mutates: true },
});

/** The render methods. */
export const RENDER_METHODS = [
  renderScene,
  getRenderInfo,
  cleanupRender,
  listRenders,
  setCamera,
] as const;
