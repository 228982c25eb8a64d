/**
 * Goxel's voxel shading (spec §6.2): glTF-style GGX light plus ambient, shadow attenuation,
 * ambient occlusion from the 8 voxels in front of a face, and sRGB output.
 */
import { linearToSrgb, srgbToLinear } from "../color.ts";
import type { Light } from "../image.ts";
import { multiply, rotation, transformDirection, type Vec3 } from "../mat4.ts";
import { type RayScene, solidAt } from "./raycast.ts";

/** Normal axis (0 x, 1 y, 2 z) of each mesher face. */
export const FACE_AXIS: readonly number[] = [1, 1, 2, 2, 0, 0];
/** Normal sign (+1 or −1) of each mesher face. */
export const FACE_SIGN: readonly number[] = [-1, 1, -1, 1, 1, -1];

/** Goxel's occlusion strength (`settings.occlusion_strength`, not saved in files). */
export const OCCLUSION_STRENGTH = 0.4;

/** Material parameters the shader uses (Goxel exports with the default material). */
export interface ShadeMaterial {
  metallic: number;
  roughness: number;
  /** Linear RGB multiplier. */
  baseColor: readonly [number, number, number];
  /** Linear RGB added at the end. */
  emission: readonly [number, number, number];
}

/** Goxel's default material: metallic 0.2, roughness 0.5, white, no emission. */
export const DEFAULT_SHADE_MATERIAL: ShadeMaterial = {
  metallic: 0.2,
  roughness: 0.5,
  baseColor: [1, 1, 1],
  emission: [0, 0, 0],
};

const SRGB_TO_LINEAR = Float64Array.from({ length: 256 }, (_, i) => srgbToLinear(i / 255));
const LUT_SIZE = 16384;
const LINEAR_TO_SRGB8 = Uint8Array.from(
  { length: LUT_SIZE + 1 },
  (_, i) => Math.round(linearToSrgb(i / LUT_SIZE) * 255),
);

/**
 * Returns the vector from the centre of face `face` of voxel (x, y, z) to `eye`: both
 * renderers light a face from there, so its colour never depends on which sample met it first.
 */
export function faceCentreToEye(
  eye: ArrayLike<number>,
  x: number,
  y: number,
  z: number,
  face: number,
): Vec3 {
  const a = FACE_AXIS[face], half = FACE_SIGN[face] * 0.5;
  return [
    eye[0] - x - 0.5 - (a === 0 ? half : 0),
    eye[1] - y - 0.5 - (a === 1 ? half : 0),
    eye[2] - z - 0.5 - (a === 2 ? half : 0),
  ];
}

/** Returns the unit vector towards the light; a fixed light turns with the camera matrix. */
export function lightDirection(light: Light, cameraMat: ArrayLike<number>): Vec3 {
  const rot = multiply(rotation(light.yaw, 0, 0, 1), rotation(light.pitch, 1, 0, 0));
  let l = transformDirection(rot, [0, 0, 1]);
  if (light.fixed) {
    const attach = multiply(rotation(-Math.PI / 4, 1, 0, 0), rotation(-Math.PI / 4, 0, 0, 1));
    const cam = Float64Array.from(cameraMat);
    cam[12] = cam[13] = cam[14] = 0;
    l = transformDirection(multiply(cam, attach), l);
  }
  const len = Math.hypot(l[0], l[1], l[2]);
  return [l[0] / len, l[1] / len, l[2] / len];
}

/**
 * Returns the occlusion mask of a face: bits 0–3 for the edge neighbours (−u, +u, −v, +v) and
 * 4–7 for the diagonal ones (−u−v, +u−v, +u+v, −u+v) in the voxel layer in front of the face,
 * where u runs along axis (a+1)%3 and v along (a+2)%3 of the normal axis a.
 */
export function occlusionMask(s: RayScene, x: number, y: number, z: number, face: number): number {
  const a = FACE_AXIS[face], d = FACE_SIGN[face];
  // Step to the layer in front, then walk u along axis (a+1)%3 and v along (a+2)%3.
  const px = x + (a === 0 ? d : 0), py = y + (a === 1 ? d : 0), pz = z + (a === 2 ? d : 0);
  const ux = a === 2 ? 1 : 0, uy = a === 0 ? 1 : 0, uz = a === 1 ? 1 : 0;
  const vx = a === 1 ? 1 : 0, vy = a === 2 ? 1 : 0, vz = a === 0 ? 1 : 0;
  let mask = 0;
  for (let bit = 0; bit < 8; bit++) {
    const du = NEIGHBOUR_DU[bit], dv = NEIGHBOUR_DV[bit];
    if (solidAt(s, px + du * ux + dv * vx, py + du * uy + dv * vy, pz + du * uz + dv * vz) !== 0) {
      mask |= 1 << bit;
    }
  }
  return mask;
}

const NEIGHBOUR_DU = [-1, 1, 0, 0, -1, 1, 1, -1];
const NEIGHBOUR_DV = [0, 0, -1, 1, -1, -1, 1, 1];

/**
 * Returns the occlusion factor (0..1) at face-local (u, v) ∈ [0, 1]²: the square root of the
 * distance to the nearest occluding edge or corner, capped at 1, sampled the way Goxel's 8×8
 * occlusion texture is (u and v are squeezed to the texel centres 1/16..15/16).
 */
export function occlusionAt(mask: number, u: number, v: number): number {
  if (mask === 0) return 1;
  u = (7 * u + 0.5) / 8, v = (7 * v + 0.5) / 8;
  const iu = 1 - u, iv = 1 - v;
  let d = 1;
  if (mask & 1 && u < d) d = u;
  if (mask & 2 && iu < d) d = iu;
  if (mask & 4 && v < d) d = v;
  if (mask & 8 && iv < d) d = iv;
  let d2 = d * d;
  if (mask & 16 && u * u + v * v < d2) d2 = u * u + v * v;
  if (mask & 32 && iu * iu + v * v < d2) d2 = iu * iu + v * v;
  if (mask & 64 && iu * iu + iv * iv < d2) d2 = iu * iu + iv * iv;
  if (mask & 128 && u * u + iv * iv < d2) d2 = u * u + iv * iv;
  return Math.sqrt(Math.sqrt(d2));
}

/** Shades voxel samples with one light, material and set of render settings. */
export class Shader {
  #l: Vec3;
  #light: Light;
  #m: ShadeMaterial;
  #alpha: number;
  #faceNdotL: number[];

  constructor(light: Light, lightDir: Vec3, material: ShadeMaterial = DEFAULT_SHADE_MATERIAL) {
    this.#light = light;
    this.#l = lightDir;
    this.#m = material;
    this.#alpha = material.roughness * material.roughness;
    this.#faceNdotL = FACE_AXIS.map((a, f) => FACE_SIGN[f] * lightDir[a]);
  }

  /** Returns N·L of a face (negative when the face turns away from the light). */
  faceNdotL(face: number): number {
    return this.#faceNdotL[face];
  }

  /**
   * Writes the lit linear colour (GGX light + ambient, before shadow and occlusion) of voxel
   * colour `rgba` seen on `face` along view vector v (towards the eye, any length) to
   * out[o..o+2].
   */
  light(
    rgba: number,
    face: number,
    vx: number,
    vy: number,
    vz: number,
    out: Float64Array,
    o = 0,
  ): void {
    const l = this.#l, m = this.#m, light = this.#light, a = this.#alpha;
    const vl = 1 / Math.sqrt(vx * vx + vy * vy + vz * vz);
    vx *= vl, vy *= vl, vz *= vl;
    let hx = l[0] + vx, hy = l[1] + vy, hz = l[2] + vz;
    const hl = 1 / Math.sqrt(hx * hx + hy * hy + hz * hz);
    hx *= hl, hy *= hl, hz *= hl;
    const axis = FACE_AXIS[face], sign = FACE_SIGN[face];
    const nDotL = clamp01(this.#faceNdotL[face]);
    const nDotV = clamp01(sign * (axis === 0 ? vx : axis === 1 ? vy : vz));
    const nDotH = clamp01(sign * (axis === 0 ? hx : axis === 1 ? hy : hz));
    const lDotH = clamp01(l[0] * hx + l[1] * hy + l[2] * hz);
    const fres = Math.pow(2, (-5.55473 * lDotH - 6.98316) * lDotH);
    const ggx = nDotL * (nDotV * (1 - a) + a) + nDotV * (nDotL * (1 - a) + a);
    const vis = ggx > 0 ? 0.5 / ggx : 0;
    const f = (nDotH * a * a - nDotH) * nDotH + 1;
    const specVD = vis * (a * a / (Math.PI * f * f));
    const diffK = 0.96 * (1 - m.metallic) / Math.PI;
    for (let ch = 0; ch < 3; ch++) {
      const base = SRGB_TO_LINEAR[(rgba >>> (ch * 8)) & 255] * m.baseColor[ch];
      const f0 = 0.04 + (base - 0.04) * m.metallic;
      const fr = f0 + (1 - f0) * fres;
      const lit = nDotL * ((1 - fr) * base * diffK + fr * specVD);
      out[o + ch] = light.intensity * (lit > 0 ? lit : 0) + light.ambient * base;
    }
  }

  /**
   * Writes the 8-bit sRGB colour to out[0..2] from the lit colour at lit[i..i+2] (see `light`),
   * the shadow visibility (1 lit, 0.2 shadowed, 0.5 facing away) and the occlusion factor.
   */
  finish(lit: Float64Array, i: number, visibility: number, ao: number, out: Uint8Array): void {
    const e = this.#m.emission;
    const dim = (1 + (visibility - 1) * this.#light.shadow) * (1 + (ao - 1) * OCCLUSION_STRENGTH);
    out[0] = toSrgb8(lit[i] * dim + e[0]);
    out[1] = toSrgb8(lit[i + 1] * dim + e[1]);
    out[2] = toSrgb8(lit[i + 2] * dim + e[2]);
  }
}

/** Encodes a linear value as an 8-bit sRGB value (clamped to [0, 1] like a framebuffer). */
export function toSrgb8(c: number): number {
  return LINEAR_TO_SRGB8[c >= 1 ? LUT_SIZE : c > 0 ? (c * LUT_SIZE + 0.5) | 0 : 0];
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
