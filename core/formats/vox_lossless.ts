/**
 * Writes an image decoded from a `.vox` file back into the structure that file had: every
 * chunk it held comes back in its place (MATL, rOBJ, rCAM, NOTE, IMAP, unknown kinds byte for
 * byte), models no layer changed are written as they were (shared models once), and the scene
 * graph keeps its groups, transforms, names and attributes.
 *
 * Edits: a changed layer's voxels go back into its own model when they fit its box (palette
 * indices kept where the colour is unchanged); otherwise, or when the model is shared with an
 * unchanged instance, the layer gets a new model and its transform node is moved so nothing
 * shifts. Renamed or hidden layers update their transform node (and no other node: names the
 * decoder made up are not written); deleted layers lose their
 * nodes and models; new layers become new nodes under the root group. New colours take palette
 * entries no voxel uses (the nearest colour once all 255 are taken).
 */
import type { Image } from "../image.ts";
import type { Layer } from "../layer.ts";
import { magicaDefaultPalette } from "./magica_palette.ts";
import { cameraFromRcam, updateRcam } from "./vox_cameras.ts";
import { VoxMaterials } from "./vox_materials.ts";
import { unshareLinks } from "./vox_unshare.ts";
import { sameVoxels } from "./round_trip.ts";
import {
  centredGrowth,
  fitsBox,
  type Local,
  MAX_MODEL_SIDE,
  splitLocal,
  toLocal,
  xyziContent,
} from "./vox_local.ts";
import { placeLink } from "./vox_place.ts";
import type { VoxCarried, VoxLink } from "./vox_carried.ts";
import { VoxPalette } from "./vox_palette.ts";
import { SceneEditor } from "./vox_scene_edit.ts";
import {
  latin1Of,
  pairGet,
  type VoxModelRecord,
  type VoxPair,
  type VoxRecord,
  VoxWriter,
  writeModel,
  writeRecord,
} from "./vox_records.ts";
import { scanVolume, splitVolume } from "./vox_write.ts";

/**
 * True when the layer can get new models under its own transform node: one moved model, or
 * a group of parts when it grew past 256 voxels (its node, frames and layer stay).
 */
function canRelocate(l: Local): boolean {
  return l.link.owner >= 0 && !l.link.shared;
}

function isRemovable(link: VoxLink): boolean {
  return link.owner >= 0 && link.group >= 0 && !link.shared;
}

/** Everything the writer decided. */
interface Plan {
  c: VoxCarried;
  scene: SceneEditor;
  pal: VoxPalette;
  /** Per original model: its (maybe rewritten) record, or null when dropped. */
  models: (VoxModelRecord | null)[];
  /** Models appended after the original ones (provisional ids c.models.length + k). */
  added: VoxModelRecord[];
  /** The links after instanced subtrees were split for the layers that change. */
  links: VoxLink[];
  /** Keys of the links whose layer holds the voxels the file placed. */
  same: Set<number>;
}

/** Pairs each link with the first layer that carries its key; the other layers are new. */
function claimLayers(image: Image, links: VoxLink[]) {
  const byKey = new Map(links.map((l) => [l.key, l]));
  const claimed = new Map<VoxLink, Layer>();
  const fresh: Layer[] = [];
  for (const layer of image.layers) {
    const link = layer.carriedKey === undefined ? undefined : byKey.get(layer.carriedKey);
    if (link && !claimed.has(link)) claimed.set(link, layer);
    else fresh.push(layer);
  }
  return { claimed, fresh };
}

/**
 * Updates a kept layer's transform node when the layer was renamed or hidden. Other nodes keep
 * the names the file gave them, even where the decoder told duplicate names apart ("1.1") or
 * named an unnamed node ("Layer.3"): writing those out rewrote dozens of untouched nodes when
 * one layer was renamed. (Read back, such made-up names may come out differently.)
 */
function syncAttrs(scene: SceneEditor, link: VoxLink, layer: Layer): void {
  // A node of an instanced subtree serves several layers: it cannot follow one of them.
  if (link.owner < 0 || link.shared) return;
  if (layer.name !== link.name) scene.setAttr(link.owner, "_name", latin1Of(layer.name));
  if (layer.visible !== link.visible) {
    scene.setAttr(link.owner, "_hidden", layer.visible ? undefined : "1");
  }
}

/** Decides, per link, whether its voxels changed, and what happens to each model. */
function planLinks(plan: Plan, image: Image): { fresh: Layer[]; locals: Local[] } {
  const { c, scene, pal, links } = plan;
  const { claimed, fresh } = claimLayers(image, links);
  const same = new Set<VoxLink>(), locals = new Map<VoxLink, Local>();
  const fallback = new Set<VoxLink>();
  for (const [link, layer] of claimed) {
    syncAttrs(scene, link, layer);
    if (plan.same.has(link.key)) same.add(link);
    else if (link.instances.length === 1 && c.models[link.instances[0].model].kind === "XYZI") {
      const l = toLocal(link, layer, c, pal);
      if (fitsBox(l, c.models[l.model].size) || canRelocate(l)) locals.set(link, l);
      else fallback.add(link);
    } else fallback.add(link);
  }
  const stays = (l: VoxLink) =>
    same.has(l) || (!locals.has(l) && !isRemovable(l)) ||
    (locals.has(l) && !canRelocate(locals.get(l)!) && !isRemovable(l));
  const out: Local[] = [];
  c.models.forEach((m, id) => {
    const users = links.filter((l) => l.instances.some((i) => i.model === id));
    if (users.length === 0 || users.some(stays)) return;
    const inPlace = users.map((u) => locals.get(u)).find((l) => l && fitsBox(l, m.size));
    plan.models[id] = inPlace ? { ...m } : null;
    if (inPlace) {
      inPlace.inPlace = true;
      out.push(inPlace);
      locals.delete(inPlace.link);
    }
  });
  // A layer whose nodes cannot be removed (an instanced subtree) keeps its old content.
  for (const link of links) {
    if (claimed.has(link) && !fallback.has(link)) continue;
    if (!isRemovable(link)) continue;
    scene.remove(link.owner, link.group);
    if (fallback.has(link)) fresh.push(claimed.get(link)!);
  }
  for (const l of locals.values()) {
    if (canRelocate(l)) out.push(l);
    else if (isRemovable(l.link)) scene.remove(l.link.owner, l.link.group), fresh.push(l.layer);
  }
  // The empty layer of a file without models exists only while nothing else is written.
  // Once it changes or other layers are written, it is written like a new layer.
  const placeholder = [...claimed].find(([l, layer]) =>
    !l.instances.length &&
    (fresh.length || !same.has(l) || layer.name !== l.name || layer.visible !== l.visible)
  );
  if (placeholder) fresh.unshift(placeholder[1]);
  return { fresh, locals: out };
}

/** Writes a changed layer's model: in place, or as a new model its node is moved to. */
function placeLocal(plan: Plan, l: Local): void {
  const { c, scene } = plan;
  const m = c.models[l.model];
  if (l.inPlace) {
    plan.models[l.model]!.content = xyziContent(l, [0, 0, 0]);
    return;
  }
  const empty = !isFinite(l.lo[0]);
  const keep = empty || fitsBox(l, m.size);
  // A file without a scene graph places each model centred: grown evenly around its centre it
  // keeps its slot and needs no node (a graph added for one grown model made a PACK animation's
  // frames separate objects and moved that frame's model to the end).
  const grown = c.synthetic && !keep ? centredGrowth(l, m.size) : null;
  if (grown) {
    plan.models[l.model] = { size: grown.size, kind: "XYZI", content: xyziContent(l, grown.lo) };
    return;
  }
  const lo = keep ? [0, 0, 0] : l.lo;
  const size = keep ? m.size : l.hi.map((h, i) => h - l.lo[i] + 1) as VoxModelRecord["size"];
  if (size.some((s) => s > MAX_MODEL_SIDE)) return placeParts(plan, l, m);
  const id = c.models.length + plan.added.length;
  plan.added.push({ size, kind: "XYZI", content: xyziContent(l, lo) });
  const p = m.size.map((s) => Math.floor(s / 2)), p2 = size.map((s) => Math.floor(s / 2));
  scene.shiftFrames(l.link.owner, lo.map((v, i) => v + p2[i] - p[i]));
  const shape = l.link.instances[0].shape;
  const sharedShape = plan.links.some((o) =>
    o !== l.link && o.instances.some((i) => i.shape === shape)
  );
  if (sharedShape) scene.detachShape(l.link.owner, shape, l.model, id);
  else scene.retarget(shape, l.model, id);
}

/** Writes a layer grown past 256 voxels as parts under its own node (see splitLocal). */
function placeParts(plan: Plan, l: Local, m: VoxModelRecord): void {
  const parts = splitLocal(l, m.size).map(({ size, content, t }) => {
    const model = plan.c.models.length + plan.added.length;
    plan.added.push({ size, kind: "XYZI", content });
    return { t, model };
  });
  // A part group is read back as one layer only under a named node.
  if (!pairGet(plan.scene.node(l.link.owner)!.attrs, "_name")) {
    plan.scene.setAttr(l.link.owner, "_name", latin1Of(l.layer.name));
  }
  plan.scene.splitShape(l.link.owner, parts);
}

/** Adds a new layer as new nodes and models. */
function addFresh(plan: Plan, layer: Layer, layerId: number, want: string): number | null {
  const counts = new Map<number, number>();
  const bounds = scanVolume(layer.volume, counts, 1);
  const index = new Map<number, number>();
  for (const color of counts.keys()) index.set(color, plan.pal.resolve(color, want));
  const parts = bounds ? splitVolume(layer.volume, bounds, index, 1) : [];
  if (!parts.length) parts.push({ origin: [0, 0, 0], size: [1, 1, 1], records: new Uint8Array() });
  const refs = parts.map((part) => {
    const content = new Uint8Array(4 + part.records.length);
    new DataView(content.buffer).setInt32(0, part.records.length / 4, true);
    content.set(part.records, 4);
    const model = plan.c.models.length + plan.added.length;
    plan.added.push({ size: part.size as VoxModelRecord["size"], kind: "XYZI", content });
    const t = part.origin.map((o, a) => o + Math.floor(part.size[a] / 2)).join(" ");
    return { t, model };
  });
  const attrs: VoxPair[] = [["_name", latin1Of(layer.name)]];
  if (!layer.visible) attrs.push(["_hidden", "1"]);
  return plan.scene.addLayer(attrs, layerId, refs);
}

/** Encodes `image` into the structure of the `.vox` file it was decoded from. */
export function encodeVoxLossless(image: Image, c: VoxCarried): Uint8Array {
  const records = c.synthetic ? withSynthetic(c) : c.records;
  const mats = new VoxMaterials(c.records);
  const want = (layer: Layer) => c.materialKeys?.[layer.material?.name ?? ""] ?? "";
  const plan: Plan = {
    c,
    scene: new SceneEditor(records),
    pal: new VoxPalette(c.palette ?? magicaDefaultPalette(), mats),
    models: c.models.slice(),
    added: [],
    links: c.links,
    same: new Set(),
  };
  splitInstances(plan, image);
  const { fresh, locals } = planLinks(plan, image);
  const inPlace = new Set(locals.filter((l) => l.inPlace).map((l) => l.model));
  plan.models.forEach((m, i) => m && !inPlace.has(i) && plan.pal.markUsed(m));
  for (const l of locals) {
    for (let k = 0; k < l.colors.length; k++) plan.pal.keep(l.records[4 * k + 3]);
  }
  for (const l of locals) {
    for (let k = 0; k < l.colors.length; k++) {
      if (!l.records[4 * k + 3]) {
        l.records[4 * k + 3] = plan.pal.resolve(l.colors[k], want(l.layer));
      }
    }
    placeLocal(plan, l);
  }
  const layerRec = c.records.find((r) => r.id === "LAYR" && pairGet(r.attrs, "_hidden") !== "1");
  // Layer nodes follow the project's layer order within their groups (move_layer).
  const rank = new Map<number, number>();
  for (const [link, layer] of claimLayers(image, plan.links).claimed) {
    if (link.owner >= 0 && !link.shared) rank.set(link.owner, image.layers.indexOf(layer));
  }
  for (const layer of fresh) {
    const top = addFresh(plan, layer, layerRec?.id === "LAYR" ? layerRec.layer : 0, want(layer));
    if (top !== null) rank.set(top, image.layers.indexOf(layer));
  }
  plan.scene.orderChildren(rank);
  return writeFile(plan, image, mats);
}

/**
 * Finds which layers kept the voxels the file placed, and gives every layer that changes
 * (voxels, name, visibility, deletion, or a made-up name a deletion would shift) inside an
 * instanced subtree its own copy of that subtree.
 */
function splitInstances(plan: Plan, image: Image): void {
  const { c } = plan;
  const { claimed } = claimLayers(image, c.links);
  const changing = new Set<number>();
  c.links.forEach((link) => {
    const layer = claimed.get(link);
    if (layer && sameVoxels(placeLink(c, link, plan.pal.original), layer.volume)) {
      plan.same.add(link.key);
    }
    const moved = !layer || !plan.same.has(link.key) || layer.name !== link.name ||
      layer.visible !== link.visible;
    if (link.shared && moved) changing.add(link.key);
  });
  if (changing.size) plan.links = unshareLinks(plan.scene, c.links, changing);
}

function withSynthetic(c: VoxCarried): VoxRecord[] {
  const at = c.records.findLastIndex((r) => r.id === "SIZE") + 1;
  return [...c.records.slice(0, at), ...c.synthetic!, ...c.records.slice(at)];
}

/** Emits the records: models renumbered, palette patched, PACK counted, cameras updated. */
function writeFile(plan: Plan, image: Image, mats: VoxMaterials): Uint8Array {
  const rcam = (content: Uint8Array) => {
    const name = cameraFromRcam(content)?.name;
    const cam = image.cameras.find((c) => c.name === name);
    return cam ? updateRcam(content, cam) : content;
  };
  const { c, scene, pal } = plan;
  let records = scene.output();
  if (c.synthetic && !scene.changed) {
    records = records.filter((r) => r.id !== "nTRN" && r.id !== "nGRP" && r.id !== "nSHP");
  }
  const ids = new Map<number, number>();
  const models: VoxModelRecord[] = [];
  plan.models.forEach((m, i) => m && (ids.set(i, models.length), models.push(m)));
  plan.added.forEach((m, k) => (ids.set(c.models.length + k, models.length), models.push(m)));
  if (pal.changed && !records.some((r) => r.id === "RGBA")) {
    records.push({ id: "RGBA", content: pal.patch(null) });
  }
  const lastSize = records.findLastIndex((r) => r.id === "SIZE");
  const w = new VoxWriter();
  w.tag("VOX "), w.i32(c.version), w.tag("MAIN"), w.i32(c.main.length);
  const childrenAt = w.len;
  w.i32(0), w.bytes(c.main);
  const appended = () => plan.added.forEach((m) => writeModel(w, m));
  if (lastSize < 0) appended();
  records.forEach((r, i) => {
    if (r.id === "SIZE") plan.models[r.model] && writeModel(w, plan.models[r.model]!);
    else if (r.id === "nSHP") {
      writeRecord(w, { ...r, models: r.models.map(([m, d]) => [ids.get(m) ?? m, d]) });
    } else if (r.id === "RGBA") w.chunk("RGBA", () => w.bytes(pal.patch(r.content)));
    else if (r.id === "PACK") writeRecord(w, { ...r, count: models.length });
    else if (r.id === "raw" && r.kind === "rCAM") {
      writeRecord(w, { ...r, content: rcam(r.content) });
    } else if (r.id === "raw" && r.kind === "MATL") {
      writeRecord(w, { ...r, content: mats.patch(r.content) });
    } else writeRecord(w, r);
    if (i === lastSize) appended();
  });
  w.patch(childrenAt, w.len - childrenAt - 4);
  return w.result();
}
