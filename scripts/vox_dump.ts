/**
 * Dev tool: prints the structure of `.vox` files (chunk kinds and counts, models, scene graph,
 * layers, palette entries used) and, given two files, the lines that differ. This is how files
 * written by the lossless `.vox` writer were checked against the originals (MagicaVoxel itself
 * is not available here).
 *
 *   deno run -A scripts/vox_dump.ts original.vox [written.vox]
 */
import { decodeVox } from "../core/formats/vox.ts";
import { type VoxCarried, voxChunkCounts } from "../core/formats/vox_carried.ts";
import { utf8Text, type VoxPair, type VoxRecord } from "../core/formats/vox_records.ts";

const dict = (d: VoxPair[]) => d.map(([k, v]) => `${k}=${utf8Text(v)}`).join(" ");

function describeRecord(r: VoxRecord, c: VoxCarried): string {
  switch (r.id) {
    case "SIZE": {
      const m = c.models[r.model];
      const n = m.kind === "XYZI"
        ? new DataView(m.content.buffer, m.content.byteOffset).getInt32(0, true)
        : 0;
      return `model ${r.model}: ${m.size.join("×")} ${m.kind || "(no voxels)"} ${n} voxels`;
    }
    case "nTRN":
      return `nTRN ${r.node} [${dict(r.attrs)}] → ${r.child} layer ${r.layer} frames ${
        r.frames.map((f) => `{${dict(f)}}`).join(" ")
      }`;
    case "nGRP":
      return `nGRP ${r.node} [${dict(r.attrs)}] → ${r.children.join(",")}`;
    case "nSHP":
      return `nSHP ${r.node} [${dict(r.attrs)}] → models ${
        r.models.map(([m, d]) => `${m}{${dict(d)}}`).join(" ")
      }`;
    case "LAYR":
      return `LAYR ${r.layer} [${dict(r.attrs)}]`;
    case "RGBA":
      return `RGBA ${r.content.length} bytes`;
    case "PACK":
      return `PACK ${r.count}`;
    default:
      return `${r.kind} ${r.content.length} bytes crc ${crc(r.content)}`;
  }
}

/** A small checksum to tell raw chunk contents apart. */
function crc(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const v of b) h = Math.imul(h ^ v, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

function dump(path: string): string[] {
  const image = decodeVox(Deno.readFileSync(path));
  const c = image.carried as VoxCarried;
  const out = [`version ${c.version}`];
  out.push(`chunks ${[...voxChunkCounts(c)].map(([k, n]) => `${k}×${n}`).join(" ")}`);
  for (const r of c.records) out.push(describeRecord(r, c));
  for (const l of image.layers) {
    out.push(
      `layer ${l.name} visible=${l.visible} voxels=${l.volume.count()} crc=${
        l.volume.crc32().toString(16)
      } material=${l.material?.name}`,
    );
  }
  for (const cam of image.cameras) out.push(`camera ${cam.name} dist=${cam.dist}`);
  return out;
}

const [a, b] = Deno.args;
if (!a) {
  console.error("usage: deno run -A scripts/vox_dump.ts file.vox [other.vox]");
  Deno.exit(2);
}
const first = dump(a);
if (!b) console.log(first.join("\n"));
else {
  const second = dump(b), seen = new Set(second), had = new Set(first);
  const gone = first.filter((l) => !seen.has(l)), added = second.filter((l) => !had.has(l));
  for (const l of gone) console.log(`- ${l}`);
  for (const l of added) console.log(`+ ${l}`);
  console.log(`${gone.length} lines only in ${a}, ${added.length} only in ${b}`);
}
