/**
 * The light renders use. Goxel's default light (yaw 120°, pitch 20°, fixed to the world) comes
 * from almost straight above, so front and side views see only ambient light; a render whose
 * image keeps that default gets a studio light attached to the camera instead: from the upper
 * left, behind the viewer, so the faces turned to the camera show close to their true colour
 * and each face direction gets its own shade, from every preset.
 */
import { defaultLight, type Light } from "../image.ts";

const DEG = Math.PI / 180;

/**
 * The studio light: attached to the camera (L ≈ (−0.45, 0.55, 0.70) in camera space),
 * intensity and ambient chosen so a face turned to the camera renders at about its own colour.
 */
export const STUDIO_LIGHT: Readonly<Light> = {
  yaw: -32 * DEG,
  pitch: 28 * DEG,
  intensity: 3.2,
  fixed: true,
  ambient: 0.42,
  shadow: 0.3,
};

/** Returns the light to render with: the studio light when `light` is Goxel's default. */
export function renderLight(light: Light): Light {
  const d = defaultLight();
  const isDefault = (Object.keys(d) as (keyof Light)[]).every((k) =>
    typeof d[k] === "number"
      ? Math.abs((light[k] as number) - (d[k] as number)) < 1e-6
      : light[k] === d[k]
  );
  return isDefault ? { ...STUDIO_LIGHT } : light;
}
