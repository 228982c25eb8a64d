/** Daemon-less file commands: `goxel info`, `goxel convert`, `goxel render`. */
import { renderPathError } from "../protocol/render_path.ts";
import { type Command, Option } from "@commander-js/extra-typings";
import { resolve } from "node:path";
import { CAMERA_PRESETS } from "../protocol/camera_presets.ts";
import { MAX_PICTURE_SIZE } from "../protocol/wire.ts";
import type { CliDeps } from "./deps.ts";
import { UsageError } from "./errors.ts";
import type { Output } from "./output.ts";

/** Parses "WxH" (or a single N for a square). */
export function parseSize(text: string): { width: number; height: number } {
  const m = /^(\d+)(?:x(\d+))?$/i.exec(text.trim());
  const width = m ? Number(m[1]) : NaN, height = m ? Number(m[2] ?? m[1]) : NaN;
  const max = MAX_PICTURE_SIZE;
  if (!m || width < 1 || height < 1 || width > max || height > max) {
    throw new UsageError(`Invalid --size "${text}": expected WxH with 1..${max} on each side`);
  }
  return { width, height };
}

const MAX_VOXELS_HELP = "decode budget in voxels (default 20000000, like the daemon's " +
  "limits.max_voxels_per_request)";

/** Parses --max-voxels: a positive integer. */
export function parseMaxVoxels(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`Invalid --max-voxels "${text}": expected a positive integer`);
  }
  return n;
}

/** Checks a --background value: `#rrggbb`, `#rrggbbaa` (the `#` may be left out) or `transparent`. */
export function parseBackground(text: string): string {
  if (/^(transparent|#?[0-9a-f]{6}([0-9a-f]{2})?)$/i.test(text.trim())) return text.trim();
  throw new UsageError(`Invalid --background "${text}": use #rrggbb, #rrggbbaa or transparent`);
}

/** Adds the offline commands. */
export function addOfflineCommands(program: Command, deps: CliDeps, out: Output): void {
  program.command("info")
    .description(
      "Describe a voxel file: format, layers, voxel counts, boxes, materials, cameras, CRC",
    )
    .argument("<file>", "file to read")
    .option("--json", "print JSON")
    .option("--max-voxels <n>", MAX_VOXELS_HELP)
    .action(async (file, o) => {
      const info = await deps.offline.info(resolve(deps.cwd, file), {
        maxVoxels: parseMaxVoxels(o.maxVoxels),
      });
      if (o.json) return out.json(info);
      printInfo(out, info);
    });

  program.command("convert")
    .description("Convert between voxel and mesh formats (by extension, or --format)")
    .argument("<in>", "input file")
    .argument("<out>", "output file")
    .option(
      "--format <name>",
      "output format name, e.g. vox, gox, obj (a wrong name lists them all)",
    )
    .option(
      "--greedy",
      "mesh formats: merge coplanar faces (same surface, fewer triangles; the mesh then has " +
        "T-junctions, so it is not watertight: leave it off for 3D printing)",
    )
    .option("--max-voxels <n>", MAX_VOXELS_HELP)
    .action(async (input, output, o) => {
      if (o.format !== undefined) {
        if (!await deps.offline.isFormat(o.format, "write")) {
          const { write } = await deps.offline.formats();
          throw new UsageError(
            `Invalid --format "${o.format}": goxel can write ${write.join(", ")}`,
          );
        }
      }
      const r = await deps.offline.convert(resolve(deps.cwd, input), resolve(deps.cwd, output), {
        format: o.format,
        greedy: o.greedy,
        maxVoxels: parseMaxVoxels(o.maxVoxels),
      });
      out.line(`Wrote ${r.files.join(", ")} (${r.format})`);
      if (r.losses.length) {
        out.error(`warning: the ${r.format} file lacks part of ${input}: ${r.losses.join("; ")}`);
      }
    });

  program.command("render")
    .description(
      "Render a voxel file to a PNG (CPU rasteriser, or the ray tracer with --quality path)",
    )
    .argument("<in>", "input file")
    .argument("<out>", "output .png")
    .addOption(
      new Option("--size <WxH>", `image size in pixels, 1..${MAX_PICTURE_SIZE} a side`).argParser(
        parseSize,
      )
        .default({ width: 512, height: 512 }, "512x512"),
    )
    .addOption(
      new Option("--camera <preset>", "camera preset (default: the file's camera direction)")
        .choices(CAMERA_PRESETS),
    )
    .option(
      "--background <color>",
      "#rrggbb[aa], or 'transparent' (default: Goxel's grey gradient)",
      parseBackground,
    )
    .addHelpText(
      "after",
      "\nExamples:\n  goxel render castle.vox castle.png\n" +
        "  goxel render castle.gox front.png --size 1024x768 --camera front --background transparent\n",
    )
    .addOption(
      new Option("--quality <name>", "raster (default, fast) or path (one ray per sample)")
        .choices(["raster", "path"] as const),
    )
    .option("--max-voxels <n>", MAX_VOXELS_HELP)
    .action(async (input, output, o) => {
      const size = o.size;
      const why = renderPathError(output);
      if (why) throw new UsageError(why);
      const r = await deps.offline.render(resolve(deps.cwd, input), resolve(deps.cwd, output), {
        ...size,
        camera: o.camera,
        background: o.background,
        quality: o.quality,
        maxVoxels: parseMaxVoxels(o.maxVoxels),
      });
      out.line(`Wrote ${r.files.join(", ")}`);
    });
}

function printInfo(out: Output, info: Record<string, unknown>): void {
  out.line(`${info.path}: ${info.format}, ${info.voxels} voxels, crc ${info.crc32}`);
  if (info.box) out.line(`  image box: ${JSON.stringify(info.box)}`);
  for (const l of (info.layers as Record<string, unknown>[]) ?? []) {
    const bbox = l.bbox ? ` bbox ${JSON.stringify(l.bbox)}` : "";
    out.line(
      `  layer ${l.id} "${l.name}"${l.visible ? "" : " (hidden)"}: ${l.voxels} voxels${bbox}`,
    );
  }
  const materials = (info.materials as { name: string }[]) ?? [];
  if (materials.length) out.line(`  materials: ${materials.map((m) => m.name).join(", ")}`);
  const cameras = (info.cameras as { name: string }[]) ?? [];
  if (cameras.length) out.line(`  cameras: ${cameras.map((c) => c.name).join(", ")}`);
}
