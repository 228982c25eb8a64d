/**
 * POV-Ray scene export following Goxel's template (`src/formats/povray.c`): the active camera
 * (perspective, angle = fovy × aspect, placed by its inverted view matrix), a parallel light
 * along the image light direction, a unit `Voxel` box and one `Vox(<x, y, z>, <r, g, b>)` call
 * per solid voxel (alpha ≥ 127). Unlike Goxel, which writes every layer (hidden ones too,
 * overlapping voxels twice), the voxels come from the merged visible volume like the other
 * exporters.
 */
import { applyPreset, type Camera, CAMERA_FOVY, copyCamera, newCamera } from "../camera.ts";
import { mergedVisibleVolume } from "../image.ts";
import type { Image } from "../image.ts";
import { invert } from "../mat4.ts";
import { SOLID_ALPHA } from "../mesh/cube_mesher.ts";
import { lightDirection } from "../render/shade.ts";
import type { Codec, EncodedFile, EncodeOptions } from "./codec.ts";
import { GOXEL_VERSION } from "./obj.ts";
import { formatF } from "./printf.ts";
import { TextSink } from "./text_sink.ts";

/** Returns the camera to export: a copy of the active one, optionally reset to a preset. */
function exportCamera(image: Image, preset: string | undefined): Camera {
  const cam = image.activeCamera ? copyCamera(image.activeCamera) : newCamera("Camera");
  if (preset) applyPreset(cam, preset, image.box);
  return cam;
}

/** Returns the scene text before the voxel list. */
function sceneHeader(image: Image, options: EncodeOptions): string {
  const width = options.width ?? 1024, height = options.height ?? 1024;
  const cam = exportCamera(image, options.camera);
  const view = invert(cam.mat) ?? cam.mat;
  const rows = [0, 1, 2, 3].flatMap((c) => [0, 1, 2].map((r) => formatF(view[c * 4 + r])));
  const l = lightDirection(image.light, cam.mat);
  const f1 = (v: number) => (v + 0).toFixed(1);
  return `// Generated from goxel ${GOXEL_VERSION}
// https://github.com/guillaumechereau/goxel

camera {
    perspective
    right x*${width}/${height}
    direction <0, 0, -1>
    angle ${(CAMERA_FOVY * width / height).toFixed(1)}
    transform {
        matrix <${rows.join(", ")}>
        inverse
    }
}

#declare Voxel = box {<-0.5, -0.5, -0.5>, <0.5, 0.5, 0.5>}
#macro Vox(Pos, Color)
    object {
        Voxel
        translate Pos
        translate <0.5, 0.5, 0.5>
        texture { pigment {color rgb Color / 255} }
    }
#end

global_settings { ambient_light rgb<1, 1, 1> * ${image.light.ambient.toFixed(2)} }
light_source {
    <0, 0, 1024> color rgb <2, 2, 2>
    parallel
    point_at <${f1(-l[0])}, ${f1(-l[1])}, ${f1(-l[2])} + 1024>
}

union {
`;
}

/** Encodes the image as a POV-Ray scene. */
export function encodePovray(image: Image, options: EncodeOptions = {}): EncodedFile[] {
  const out = new TextSink();
  out.text(sceneHeader(image, options));
  mergedVisibleVolume(image).forEachVoxel((x, y, z, c) => {
    if (c >>> 24 < SOLID_ALPHA) return;
    out.text("    Vox(<");
    for (const [i, v] of [x, y, z].entries()) {
      if (i) out.text(", ");
      out.int(v);
    }
    out.text(">, <");
    for (const [i, v] of [c & 255, (c >>> 8) & 255, (c >>> 16) & 255].entries()) {
      if (i) out.text(", ");
      out.int(v);
    }
    out.text(">)\n");
  });
  out.text("}\n");
  return [{ suffix: "", data: out.finish() }];
}

/** The POV-Ray scene codec (export). */
export const POVRAY_CODEC: Codec = {
  name: "povray",
  description: "POV-Ray scene: one box per voxel, with the active camera and light",
  extensions: [".pov", ".povray"],
  encode: (image, options) => encodePovray(image, options),
};
