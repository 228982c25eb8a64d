/** `describe_project`: a compact text summary of a project for models that read better than they look. */
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ProjectRef } from "../protocol/wire.ts";
import type { McpContext } from "./context.ts";
import { PROJECT_PARAM } from "./method_tools.ts";

/** The arguments of describe_project. */
export const DescribeProjectArgs = z.strictObject({
  project: ProjectRef.optional().describe(PROJECT_PARAM),
});

/** The tool declaration. */
export const describeProjectTool: Tool = {
  name: "describe_project",
  description:
    "Summarise a project in a few lines of text: box, voxel counts, layers, top colours, materials, " +
    "undo depth.",
  inputSchema: z.toJSONSchema(DescribeProjectArgs, { io: "input" }) as Tool["inputSchema"],
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
};

type Vec3 = [number, number, number];
interface Info {
  project_id: string;
  name: string;
  path: string | null;
  dirty: boolean;
  width: number;
  height: number;
  depth: number;
  box: { min: Vec3; max: Vec3 } | null;
  voxel_count: number;
  undo_count: number;
  redo_count: number;
}
interface Layers {
  layers: { id: number; name: string; visible: boolean; active: boolean; voxel_count?: number }[];
}
interface Histogram {
  total_voxels: number;
  bin_count: number;
  bins: { color: number[]; count: number; percentage: number }[];
}
interface Materials {
  materials: { name: string; metallic: number; roughness: number; layer_ids: number[] }[];
}
interface Bounds {
  empty: boolean;
  min: Vec3 | null;
  max: Vec3 | null;
}

function hex(c: number[]): string {
  const rgb = c.slice(0, 3).map((v) => v.toString(16).padStart(2, "0")).join("");
  return `#${rgb}${c[3] !== undefined && c[3] !== 255 ? c[3].toString(16).padStart(2, "0") : ""}`;
}

function range(min: Vec3, max: Vec3): string {
  const size = min.map((v, i) => max[i] - v + 1).join("×");
  return `${size} (x ${min[0]}..${max[0]}, y ${min[1]}..${max[1]}, z ${min[2]}..${max[2]})`;
}

function lines(info: Info, layers: Layers, hist: Histogram, mats: Materials, b: Bounds): string[] {
  const saved = info.path
    ? `file ${info.path}${info.dirty ? " (unsaved changes)" : ""}`
    : "never saved";
  const box = info.box ? range(info.box.min, info.box.max) : "unbounded";
  const layerText = layers.layers.map((l) =>
    `${l.id} "${l.name}" ${l.voxel_count ?? "?"}${l.active ? " active" : ""}${
      l.visible ? "" : " hidden"
    }`
  ).join("; ");
  const colours = hist.bins.map((c) => `${hex(c.color)} ${c.percentage.toFixed(1)}%`).join(", ");
  const more = hist.bin_count > hist.bins.length ? ` (${hist.bin_count} colours in all)` : "";
  const mat = mats.materials.map((m) =>
    `"${m.name}" metallic ${m.metallic} roughness ${m.roughness} (layers ${
      m.layer_ids.join(", ") || "none"
    })`
  ).join("; ");
  return [
    `Project "${info.name}" (${info.project_id}), ${saved}`,
    `Box: ${box}`,
    `Voxels: ${info.voxel_count} visible${
      b.min && b.max ? `, occupying ${range(b.min, b.max)}` : ""
    }`,
    `Layers (bottom first): ${layerText || "none"}`,
    `Top colours: ${colours || "none"}${more}`,
    `Materials: ${mat || "none"}`,
    `History: ${info.undo_count} undo, ${info.redo_count} redo`,
  ];
}

/** Runs describe_project with checked arguments. */
export async function describeProject(
  ctx: McpContext,
  args: z.output<typeof DescribeProjectArgs>,
): Promise<CallToolResult> {
  const p = args.project ? { project: args.project } : {};
  const [info, layers, hist, mats, bounds] = await Promise.all([
    ctx.link.call("goxel.get_project_info", p) as Promise<Info>,
    ctx.link.call("goxel.list_layers", p) as Promise<Layers>,
    ctx.link.call("goxel.get_color_histogram", { ...p, top_n: 6 }) as Promise<Histogram>,
    ctx.link.call("goxel.list_materials", p) as Promise<Materials>,
    ctx.link.call("goxel.get_bounding_box", p) as Promise<Bounds>,
  ]);
  return { content: [{ type: "text", text: lines(info, layers, hist, mats, bounds).join("\n") }] };
}
