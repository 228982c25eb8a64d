/**
 * Instanced subtrees in a `.vox` scene: one group placed by several transforms shows the same
 * layers several times. Before one instance's layer can change on its own (edited, renamed,
 * hidden, deleted), the writer gives that instance its own copy of the subtree; the other
 * instances keep the original nodes, and models stay shared until their voxels differ.
 */
import type { VoxLink } from "./vox_carried.ts";
import type { SceneEditor } from "./vox_scene_edit.ts";

/** Number of distinct root paths reaching each node on the links' paths. */
function pathCounts(links: VoxLink[]): Map<number, number> {
  const seen = new Set<string>(), counts = new Map<number, number>();
  for (const l of links) {
    for (let k = 0; k < l.path.length; k++) {
      const key = l.path.slice(0, k + 1).join(",");
      if (seen.has(key)) continue;
      seen.add(key);
      counts.set(l.path[k], (counts.get(l.path[k]) ?? 0) + 1);
    }
  }
  return counts;
}

function copyLink(l: VoxLink): VoxLink {
  return { ...l, path: [...l.path], instances: l.instances.map((i) => ({ ...i })) };
}

/** Re-points a link below the cloned node (at path index `k`) at the copies. */
function remap(l: VoxLink, map: Map<number, number>, k: number): void {
  const to = (id: number) => map.get(id) ?? id;
  l.path = l.path.map((id, j) => j >= k ? to(id) : id);
  l.owner = to(l.owner);
  l.group = to(l.group);
  for (const inst of l.instances) inst.shape = to(inst.shape);
}

/**
 * Returns the links (copies) after giving each link in `changing` that sits in an instanced
 * subtree its own copy of that subtree in `scene`.
 */
export function unshareLinks(
  scene: SceneEditor,
  links: readonly VoxLink[],
  changing: ReadonlySet<number>,
): VoxLink[] {
  const out = links.map(copyLink);
  for (const key of changing) {
    const link = out.find((l) => l.key === key);
    if (!link?.shared) continue;
    const counts = pathCounts(out);
    const k = link.path.findIndex((id) => (counts.get(id) ?? 0) > 1);
    if (k <= 0) continue;
    const prefix = link.path.slice(0, k + 1).join(",");
    const map = scene.cloneSubtree(link.path[k]);
    scene.replaceChild(link.path[k - 1], link.path[k], map.get(link.path[k])!);
    for (const l of out) if (l.path.slice(0, k + 1).join(",") === prefix) remap(l, map, k);
    const owners = new Map<number, number>();
    for (const l of out) owners.set(l.owner, (owners.get(l.owner) ?? 0) + 1);
    for (const l of out) l.shared = (owners.get(l.owner) ?? 0) > 1;
  }
  return out;
}
