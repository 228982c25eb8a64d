/**
 * The replay audit's variants (every mutating method, in the ways it can change a project), the
 * project they run on, and a snapshot of everything a client can observe of a project.
 */
import type { RawClient } from "./support_testing.ts";

export type Call = (
  method: string,
  params?: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

/** A method run in one way: `pre` prepares the project (not compared), `run` is the change. */
export interface Variant {
  name: string;
  pre?: (call: Call, dir: string) => Promise<unknown>;
  run: (call: Call, dir: string) => Promise<unknown>;
  /** Snapshot keys known to differ after a replay (see the variant), left out of comparisons. */
  ignore?: string[];
}

const box = (min: number[], max: number[]) => ({ min, max });
const far = box([1000, 1000, 1000], [1001, 1001, 1001]);

// The fixture's layer ids: the first layer, "B" and the shape layer "S" (see buildFixture).
export const L1 = 2, L2 = 1, L3 = 3;

export const VARIANTS: Variant[] = [
  {
    name: "add_voxel existing tile",
    run: (c) => c("goxel.add_voxel", { x: 1, y: 2, z: 0, color: "#123456" }),
  },
  {
    name: "add_voxel new tile",
    run: (c) => c("goxel.add_voxel", { x: 40, y: -20, z: 9, color: "#abcdef", layer_id: L2 }),
  },
  { name: "remove_voxel", run: (c) => c("goxel.remove_voxel", { x: 0, y: 0, z: 0 }) },
  {
    name: "remove_voxel last of a tile",
    run: (c) => c("goxel.remove_voxel", { x: -20, y: 0, z: 0 }),
  },
  {
    name: "paint_voxels",
    run: (c) => c("goxel.paint_voxels", { x: 2, y: 2, z: 1, color: "#00ffff" }),
  },
  {
    name: "add_voxels list",
    run: (c) => c("goxel.add_voxels", { voxels: [[5, 5, 5, 9, 9, 9], [-3, 17, 2, 1, 2, 3]] }),
  },
  {
    name: "add_voxels long list",
    run: (c) => c("goxel.add_voxels", { voxels: cubeList(17, 4300), layer_id: L2 }),
  },
  {
    name: "remove_voxels",
    run: (c) => c("goxel.remove_voxels", { voxels: [[0, 0, 0], [1, 1, 0], [3, 3, 1]] }),
  },
  {
    name: "batch_operations",
    run: (c) =>
      c("goxel.batch_operations", {
        operations: [
          { type: "add_voxel", x: 7, y: 7, z: 7, color: "#ff00ff" },
          { type: "remove_voxel", x: 0, y: 1, z: 0 },
          { type: "paint_voxels", x: 2, y: 0, z: 0, color: "#0000ff" },
          { type: "flood_fill", x: 3, y: 3, z: 0, color: "#777777" },
        ],
      }),
  },
  { name: "flood_fill", run: (c) => c("goxel.flood_fill", { x: 0, y: 0, z: 0, color: "#ffff00" }) },
  {
    name: "procedural_shape sphere",
    run: (c) =>
      c("goxel.procedural_shape", {
        shape_type: "sphere",
        size_x: 7,
        size_y: 7,
        size_z: 7,
        center_x: 3,
        center_y: 3,
        center_z: 3,
        color: "#ff8800",
      }),
  },
  {
    name: "procedural_shape cube sub",
    run: (c) =>
      c("goxel.procedural_shape", {
        shape_type: "cube",
        size_x: 3,
        size_y: 3,
        size_z: 3,
        mode: "sub",
      }),
  },
  {
    name: "draw_shape cube",
    run: (c) =>
      c("goxel.draw_shape", { shape: "cube", box: box([-4, -4, 0], [20, 2, 3]), color: "#804020" }),
  },
  {
    name: "draw_shape sphere sub symmetry",
    run: (c) =>
      c("goxel.draw_shape", {
        shape: "sphere",
        from: [0, 0, 0],
        to: [3, 3, 3],
        mode: "sub",
        symmetry: ["x"],
      }),
  },
  {
    name: "draw_line",
    run: (c) =>
      c("goxel.draw_line", { from: [0, 0, 0], to: [18, 5, 4], color: "#ffffff", radius: 1 }),
  },
  {
    name: "replace_color",
    run: (c) =>
      c("goxel.replace_color", { from_color: "#ff0000", to_color: "#0000ff", tolerance: 10 }),
  },
  {
    name: "replace_color region",
    run: (c) =>
      c("goxel.replace_color", {
        from_color: "#00ff00",
        to_color: "#112233",
        region: box([0, 0, 0], [1, 3, 1]),
      }),
  },
  {
    name: "transform_layer translate",
    run: (c) => c("goxel.transform_layer", { translate: [20, 0, 1] }),
  },
  {
    name: "transform_layer rotate flip",
    run: (c) =>
      c("goxel.transform_layer", { layer_id: L2, rotate: { axis: "z", degrees: 90 }, flip: ["x"] }),
  },
  { name: "transform_layer scale", run: (c) => c("goxel.transform_layer", { scale: 2 }) },
  { name: "crop layer", run: (c) => c("goxel.crop", { box: box([0, 0, 0], [2, 2, 1]) }) },
  {
    name: "crop all layers",
    run: (c) => c("goxel.crop", { box: box([-2, -2, 0], [3, 3, 2]), all_layers: true }),
  },
  {
    name: "select_box replace",
    run: (c) => c("goxel.select_box", { box: box([0, 0, 0], [2, 2, 2]) }),
  },
  {
    name: "select_box add",
    run: (c) => c("goxel.select_box", { box: box([-8, -8, 0], [0, 0, 0]), mode: "add" }),
  },
  {
    name: "select_box sub",
    run: (c) => c("goxel.select_box", { box: box([0, 0, 0], [1, 1, 1]), mode: "sub" }),
  },
  {
    name: "select_color connected",
    run: (c) => c("goxel.select_color", { x: 0, y: 0, z: 0, threshold: 5, connected: true }),
  },
  { name: "clear_selection", run: (c) => c("goxel.clear_selection") },
  {
    name: "adjust_colors",
    run: (c) => c("goxel.adjust_colors", { hue: 90, lightness: -20, contrast: 10 }),
  },
  { name: "mirror", run: (c) => c("goxel.mirror", { axis: "x" }) },
  { name: "mirror all layers", run: (c) => c("goxel.mirror", { axis: "y", all_layers: true }) },
  { name: "wrap", run: (c) => c("goxel.wrap", { axis: "z", direction: -1, all_layers: true }) },
  {
    name: "create_layer",
    run: (c) => c("goxel.create_layer", { name: "new", color: "#102030", visible: false }),
  },
  {
    name: "create_layer shape",
    run: (c) =>
      c("goxel.create_layer", {
        name: "ball",
        shape: "cylinder",
        box: box([-6, -6, 0], [-1, -1, 5]),
        color: "#ff0000",
      }),
  },
  { name: "delete_layer", run: (c) => c("goxel.delete_layer", { layer_id: L2 }) },
  {
    name: "delete_layer active by name",
    run: (c) => c("goxel.delete_layer", { layer_name: "Layer.1" }),
  },
  { name: "delete_layer shape", run: (c) => c("goxel.delete_layer", { layer_id: L3 }) },
  {
    name: "merge_layers",
    run: (c) => c("goxel.merge_layers", { source_layer_id: L2, target_layer_id: L1 }),
  },
  {
    name: "merge_layers shape",
    run: (c) => c("goxel.merge_layers", { source_layer_id: L3, target_layer_id: L2 }),
  },
  {
    name: "set_layer_visibility",
    run: (c) => c("goxel.set_layer_visibility", { layer_id: L2, visible: false }),
  },
  { name: "rename_layer", run: (c) => c("goxel.rename_layer", { layer_id: L3, name: "renamed" }) },
  {
    name: "duplicate_layer",
    run: (c) => c("goxel.duplicate_layer", { layer_id: L1 }),
  },
  {
    name: "duplicate_layer shape",
    run: (c) => c("goxel.duplicate_layer", { layer_id: L3 }),
  },
  { name: "set_active_layer", run: (c) => c("goxel.set_active_layer", { layer_id: L3 }) },
  { name: "move_layer top", run: (c) => c("goxel.move_layer", { layer_id: L1, to: "top" }) },
  { name: "move_layer index", run: (c) => c("goxel.move_layer", { layer_id: L3, to: 0 }) },
  { name: "set_camera preset", run: (c) => c("goxel.set_camera", { preset: "isometric" }) },
  {
    name: "set_camera pose",
    run: (c) => c("goxel.set_camera", { position: [40, -40, 40], target: [0, 0, 8], ortho: true }),
  },
  {
    name: "restore_checkpoint",
    pre: async (c) => {
      await c("goxel.checkpoint", { name: "c1" });
      await c("goxel.add_voxel", { x: 9, y: 9, z: 9, color: "#999999" });
      await c("goxel.delete_layer", { layer_id: L2 });
    },
    run: (c) => c("goxel.restore_checkpoint", { name: "c1" }),
  },
  {
    name: "execute_script",
    run: (c) =>
      c("goxel.execute_script", {
        script: "const l = goxel.image.addLayer(); l.volume.setAt([1, 2, 3], [9, 8, 7, 255]);" +
          " goxel.image.activeLayer.volume.setAt([30, 0, 0], [1, 1, 1, 255]); 1",
      }),
  },
  {
    name: "import_file",
    pre: (c, dir) => c("goxel.export_model", { path: `${dir}/import.gox`, format: "gox" }),
    run: (c, dir) => c("goxel.import_file", { path: `${dir}/import.gox` }),
  },
  {
    name: "save_project",
    run: (c, dir) => c("goxel.save_project", { path: `${dir}/saved.gox` }),
  },
  {
    name: "undo two steps",
    pre: async (c) => {
      await c("goxel.add_voxel", { x: 9, y: 9, z: 9, color: "#999999" });
      await c("goxel.rename_layer", { layer_id: L2, name: "again" });
    },
    run: (c) => c("goxel.undo", { steps: 2 }),
  },
  {
    name: "redo one step",
    pre: async (c) => {
      await c("goxel.add_voxel", { x: 9, y: 9, z: 9, color: "#999999" });
      await c("goxel.set_camera", { preset: "top" });
      await c("goxel.undo", { steps: 2 });
    },
    run: (c) => c("goxel.redo"),
  },
];

function cubeList(side: number, count: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    out.push([
      i % side,
      Math.floor(i / side) % side,
      Math.floor(i / side / side),
      200,
      i % 256,
      50,
    ]);
  }
  return out;
}

/** Builds the fixture: three layers (one a shape), two tiles, a selection, a camera. */
export async function buildFixture(c: Call): Promise<void> {
  const voxels: number[][] = [];
  for (let x = 0; x < 4; x++) {
    for (let y = 0; y < 4; y++) {
      for (let z = 0; z < 2; z++) voxels.push([x, y, z, x % 2 ? 255 : 0, x % 2 ? 0 : 255, 0]);
    }
  }
  voxels.push([-20, 0, 0, 0, 0, 255]);
  await c("goxel.add_voxels", { voxels, layer_id: L1 });
  await c("goxel.create_layer", { name: "B", color: "#00ff00" });
  await c("goxel.add_voxels", {
    voxels: [[0, 0, 0, 0, 255, 0], [2, 2, 2, 10, 20, 30]],
    layer_id: L2,
  });
  await c("goxel.create_layer", {
    name: "S",
    shape: "sphere",
    box: box([4, 4, 4], [9, 9, 9]),
    color: "#8080ff",
  });
  await c("goxel.set_active_layer", { layer_id: L1 });
  await c("goxel.select_box", { box: box([0, 0, 0], [3, 1, 1]) });
  await c("goxel.set_camera", { preset: "front" });
}

/** Everything a client can observe of one project, as comparable text. */
export type Snapshot = Record<string, string>;

export async function snapshot(c: Call, dir: string, tag: string): Promise<Snapshot> {
  const info = await c("goxel.get_project_info");
  const { project_id: _, ...rest } = info;
  const layers = await c("goxel.list_layers", { crc: true });
  const tiles = await c("goxel.get_tiles");
  const materials = await c("goxel.list_materials");
  const file = `${dir}/${tag}.gox`;
  await c("goxel.export_model", { path: file, format: "gox" });
  const gox = await crypto.subtle.digest("SHA-256", await Deno.readFile(file));
  const mask = await c("goxel.select_box", { box: far, mode: "sub" });
  const sel = await c("goxel.execute_script", { script: "goxel.image.selectionBox" });
  return {
    info: JSON.stringify(rest),
    layers: JSON.stringify(layers),
    tiles: JSON.stringify([tiles.box, tiles.tile_count, tiles.data]),
    materials: JSON.stringify(materials),
    gox: btoa(String.fromCharCode(...new Uint8Array(gox))),
    selection: JSON.stringify([mask.selected, sel.result]),
  };
}

/** The keys whose values differ, with both values (cut short), ignoring `skip` info fields. */
export function differences(
  a: Snapshot,
  b: Snapshot,
  skip: string[] = [],
  ignore: string[] = [],
): string[] {
  const out: string[] = [];
  for (const k of Object.keys(a)) {
    if (ignore.includes(k)) continue;
    let [va, vb] = [a[k], b[k]];
    if (k === "info" && skip.length) {
      const strip = (s: string) =>
        JSON.stringify({ ...JSON.parse(s), ...Object.fromEntries(skip.map((f) => [f, 0])) });
      [va, vb] = [strip(va), strip(vb)];
    }
    if (va !== vb) out.push(`${k}: ${va.slice(0, 300)} ≠ ${vb.slice(0, 300)}`);
  }
  return out;
}

/** A Call that sends every request for `project`, throwing on an error reply. */
export function bind(client: () => RawClient, project: string): Call {
  return async (method, params = {}) => {
    const r = await client().request(method, { ...params, project });
    if (r.error) throw new Error(`${method} on ${project}: ${r.error.code} ${r.error.message}`);
    return r.result as Record<string, unknown>;
  };
}
