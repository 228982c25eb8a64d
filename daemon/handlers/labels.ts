/** Lower-case blend mode labels by mode number (for results). */
export const BLEND_MODE_LABELS = [
  "over",
  "sub",
  "sub_clamp",
  "paint",
  "max",
  "intersect",
  "intersect_fill",
  "mult_alpha",
  "replace",
];
