/** Handlers of the render methods and the camera. */
import { applyPreset, cameraPosition, cameraTarget, lookAt, newCamera } from "../../core/camera.ts";
import { boxFromAabb, isNullBox } from "../../core/box.ts";
import { mergedVisibleVolume } from "../../core/image.ts";
import type { Vec3 } from "../../core/mat4.ts";
import { packColor } from "./util.ts";
import { renderPngFile } from "../render_picture.ts";
import type { HandlerGroup } from "./types.ts";

type RenderMethods =
  | "goxel.render_scene"
  | "goxel.get_render_info"
  | "goxel.cleanup_render"
  | "goxel.list_renders"
  | "goxel.set_camera";

/** Handlers for the render methods. */
export const renderHandlers: HandlerGroup<RenderMethods> = {
  async "goxel.render_scene"(p, { ctx, project, call }) {
    const width = p.width ?? 512, height = p.height ?? 512;
    const managed = p.options?.return_mode === "file_path" || p.output_path === undefined;
    const target = managed ? ctx.renders.newPath() : p.output_path!;
    const background = p.options?.background_color ? packColor(p.options.background_color) : 0;
    const saved = await renderPngFile(ctx, project.snapshot(), target, {
      width,
      height,
      camera: p.camera_preset,
      background,
      quality: p.quality,
    }, call.signal);
    if (!managed) return { success: true, width, height, format: "png", output_path: saved.path };
    const file = ctx.renders.add(saved.path, saved.data, width, height, `c${call.connectionId}`);
    return { success: true, width, height, format: "png", file };
  },

  "goxel.get_render_info"(p, { ctx }) {
    return { success: true, render: ctx.renders.get(p.path) };
  },

  "goxel.cleanup_render"(p, { ctx }) {
    ctx.renders.remove(p.path);
    return { success: true, message: "Render cleaned up successfully" };
  },

  "goxel.list_renders"(_p, { ctx }) {
    const renders = ctx.renders.list();
    return { success: true, count: renders.length, renders };
  },

  "goxel.set_camera"(p, { project }) {
    const image = project.image;
    let cam = image.activeCamera ?? image.cameras[0];
    if (!cam) {
      cam = newCamera("Camera.1");
      image.cameras.push(cam);
    }
    image.activeCamera = cam;
    const bbox = mergedVisibleVolume(image).bbox();
    const box = bbox ? boxFromAabb(bbox) : isNullBox(image.box) ? null : image.box;
    if (p.preset) applyPreset(cam, p.preset, box);
    if (p.ortho !== undefined) cam.ortho = p.ortho;
    if (p.position || p.target) {
      const eye = (p.position ?? cameraPosition(cam)) as Vec3;
      const target = (p.target ?? (box ? [box[12], box[13], box[14]] : cameraTarget(cam))) as Vec3;
      cam.mat = lookAt(eye, target);
      cam.dist = Math.hypot(eye[0] - target[0], eye[1] - target[1], eye[2] - target[2]) || 1;
    }
    return {
      success: true,
      position: cameraPosition(cam),
      target: cameraTarget(cam),
      ortho: cam.ortho,
    };
  },
};
