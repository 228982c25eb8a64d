/** Mesh export benchmarks: a solid 256³ sphere (radius 128) meshed and written as OBJ/PLY/STL/glTF. */
import { packRgba } from "../core/color.ts";
import { encodeGlb } from "../core/formats/gltf.ts";
import { encodeObj } from "../core/formats/obj.ts";
import { encodePly } from "../core/formats/ply.ts";
import { encodeStl } from "../core/formats/stl.ts";
import { newImage } from "../core/image.ts";
import { meshVolume } from "../core/mesh/cube_mesher.ts";
import { Volume } from "../core/volume.ts";

/** Returns a solid sphere of voxels whose centres lie within `radius` of the origin. */
export function solidSphere(radius: number, color = packRgba(200, 120, 40)): Volume {
  const volume = new Volume();
  const r2 = radius * radius;
  for (let oz = -radius; oz < radius; oz += 16) {
    for (let oy = -radius; oy < radius; oy += 16) {
      for (let ox = -radius; ox < radius; ox += 16) fillTile(volume, [ox, oy, oz], r2, color);
    }
  }
  return volume;
}

function fillTile(volume: Volume, origin: number[], r2: number, color: number): void {
  let tile: Uint32Array | null = null;
  for (let i = 0; i < 4096; i++) {
    const x = origin[0] + (i & 15) + 0.5, y = origin[1] + ((i >> 4) & 15) + 0.5;
    const z = origin[2] + (i >> 8) + 0.5;
    if (x * x + y * y + z * z > r2) continue;
    tile ??= volume.writeTile(origin[0], origin[1], origin[2]);
    tile[i] = color;
  }
}

const image = newImage();
image.layers[0].volume = solidSphere(128);

Deno.bench("meshVolume: 256³ sphere, culled cubes", { group: "mesh" }, () => {
  meshVolume(image.layers[0].volume);
});
Deno.bench("meshVolume: 256³ sphere, greedy", { group: "mesh" }, () => {
  meshVolume(image.layers[0].volume, { greedy: true });
});
Deno.bench("encodeObj: 256³ sphere", { group: "export" }, () => {
  encodeObj(image);
});
Deno.bench("encodePly: 256³ sphere", { group: "export" }, () => {
  encodePly(image);
});
Deno.bench("encodeStl: 256³ sphere", { group: "export" }, () => {
  encodeStl(image);
});
Deno.bench("encodeGlb: 256³ sphere (palette texture)", { group: "export" }, () => {
  encodeGlb(image);
});
Deno.bench("encodeObj: 256³ sphere, greedy", { group: "export" }, () => {
  encodeObj(image, { greedy: true });
});
