/** Camera preset names (Goxel's view menu), without zod so the CLI can list them cheaply. */
export const CAMERA_PRESETS = [
  "front",
  "back",
  "left",
  "right",
  "top",
  "bottom",
  "isometric",
] as const;
