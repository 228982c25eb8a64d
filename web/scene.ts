/// <reference lib="dom" />
/** The three.js side of the viewer: one mesh per tile, grouped by layer, orbit controls, grid. */
import * as THREE from "three";
import { OrbitControls } from "three/addons/controls/OrbitControls.js";
import type { TileMesh } from "./mesher.ts";

interface TileEntry {
  mesh: THREE.Mesh | null;
  info: TileMesh;
}

/** Voxel count and bounding box of what is shown. */
export interface SceneStats {
  voxels: number;
  min: number[] | null;
  max: number[] | null;
}

/** The rendered scene. */
export class VoxelScene {
  readonly renderer: THREE.WebGLRenderer;
  readonly #scene = new THREE.Scene();
  readonly #camera: THREE.PerspectiveCamera;
  readonly #controls: OrbitControls;
  readonly #grid: THREE.GridHelper;
  readonly #material = new THREE.MeshBasicMaterial({ vertexColors: true });
  #groups = new Map<number, THREE.Group>();
  #tiles = new Map<number, Map<string, TileEntry>>();
  #box: THREE.Box3Helper | null = null;
  #pending = false;
  /** Frames drawn so far (tests wait for a frame after a change). */
  frames = 0;
  /** Time the last frame took to submit, in ms. */
  lastFrameMs = 0;

  constructor(host: HTMLElement) {
    this.renderer = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: true });
    // Voxel colours are sRGB bytes: draw them as they are, without colour management.
    THREE.ColorManagement.enabled = false;
    this.renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
    this.renderer.setClearColor(0x20242b);
    host.appendChild(this.renderer.domElement);
    this.#camera = new THREE.PerspectiveCamera(35, 1, 0.5, 20000);
    this.#camera.up.set(0, 0, 1);
    this.#camera.position.set(80, -120, 90);
    this.#controls = new OrbitControls(this.#camera, this.renderer.domElement);
    this.#controls.addEventListener("change", () => this.requestRender());
    this.#grid = new THREE.GridHelper(256, 16, 0x59606b, 0x3a404a);
    this.#grid.rotation.x = Math.PI / 2;
    this.#scene.add(this.#grid);
    new ResizeObserver(() => this.#resize(host)).observe(host);
    this.#resize(host);
  }

  /** Replaces the mesh of one tile. */
  setTile(layer: number, id: string, info: TileMesh): void {
    const tiles = this.#layerTiles(layer);
    const old = tiles.get(id);
    if (old?.mesh) {
      old.mesh.removeFromParent();
      old.mesh.geometry.dispose();
    }
    if (!info.voxels) {
      tiles.delete(id);
      return this.requestRender();
    }
    let mesh: THREE.Mesh | null = null;
    if (info.indices.length) {
      const g = new THREE.BufferGeometry();
      g.setAttribute("position", new THREE.BufferAttribute(info.positions, 3));
      g.setAttribute("color", new THREE.BufferAttribute(info.colors, 3, true));
      g.setIndex(new THREE.BufferAttribute(info.indices, 1));
      mesh = new THREE.Mesh(g, this.#material);
      this.#group(layer).add(mesh);
    }
    tiles.set(id, { mesh, info });
    this.requestRender();
  }

  /** Removes every tile of a layer (or of all layers). */
  clear(layer?: number): void {
    for (const l of layer === undefined ? [...this.#tiles.keys()] : [layer]) {
      for (const t of this.#tiles.get(l)?.values() ?? []) t.mesh?.geometry.dispose();
      this.#groups.get(l)?.removeFromParent();
      this.#groups.delete(l);
      this.#tiles.delete(l);
    }
    this.requestRender();
  }

  /** Shows or hides a layer. */
  setLayerVisible(layer: number, visible: boolean): void {
    this.#group(layer).visible = visible;
    this.requestRender();
  }

  /** Shows or hides the grid. */
  setGridVisible(visible: boolean): void {
    this.#grid.visible = visible;
    this.requestRender();
  }

  /** Draws the project box (inclusive voxel bounds), or nothing. */
  setProjectBox(box: { min: number[]; max: number[] } | null): void {
    this.#box?.removeFromParent();
    this.#box = null;
    if (box) {
      const b = new THREE.Box3(
        new THREE.Vector3(...box.min),
        new THREE.Vector3(box.max[0] + 1, box.max[1] + 1, box.max[2] + 1),
      );
      this.#box = new THREE.Box3Helper(b, 0x6a7380);
      this.#scene.add(this.#box);
    }
    this.requestRender();
  }

  /** Voxel count and bounds of the visible layers. */
  stats(): SceneStats {
    let voxels = 0;
    const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
    for (const [layer, tiles] of this.#tiles) {
      if (!this.#group(layer).visible) continue;
      for (const { info } of tiles.values()) {
        voxels += info.voxels;
        for (let a = 0; a < 3; a++) {
          min[a] = Math.min(min[a], info.min![a]);
          max[a] = Math.max(max[a], info.max![a]);
        }
      }
    }
    return voxels ? { voxels, min, max } : { voxels, min: null, max: null };
  }

  /** Points the camera at the visible voxels (or at `fallback` when there are none). */
  fit(fallback: { min: number[]; max: number[] } | null): void {
    const s = this.stats();
    const min = s.min ?? fallback?.min ?? [-16, -16, 0];
    const max = s.max ?? fallback?.max.map((v) => v + 1) ?? [16, 16, 32];
    const center = new THREE.Vector3(...min).add(new THREE.Vector3(...max)).multiplyScalar(0.5);
    const radius = Math.max(
      4,
      new THREE.Vector3(...max).sub(new THREE.Vector3(...min)).length() / 2,
    );
    const dist = radius / Math.sin((this.#camera.fov * Math.PI) / 360);
    const dir = new THREE.Vector3(0.55, -0.8, 0.6).normalize();
    this.#camera.position.copy(center).addScaledVector(dir, dist);
    this.#camera.near = Math.max(0.1, dist / 1000);
    this.#camera.far = dist * 20;
    this.#camera.updateProjectionMatrix();
    this.#controls.target.copy(center);
    this.#controls.update();
    this.requestRender();
  }

  /** Draws on the next animation frame. */
  requestRender(): void {
    if (this.#pending) return;
    this.#pending = true;
    requestAnimationFrame(() => {
      this.#pending = false;
      const started = performance.now();
      this.renderer.render(this.#scene, this.#camera);
      this.lastFrameMs = performance.now() - started;
      this.frames++;
    });
  }

  #layerTiles(layer: number): Map<string, TileEntry> {
    let tiles = this.#tiles.get(layer);
    if (!tiles) this.#tiles.set(layer, tiles = new Map());
    return tiles;
  }

  #group(layer: number): THREE.Group {
    let g = this.#groups.get(layer);
    if (!g) {
      g = new THREE.Group();
      this.#groups.set(layer, g);
      this.#scene.add(g);
    }
    return g;
  }

  #resize(host: HTMLElement): void {
    const w = Math.max(1, host.clientWidth), h = Math.max(1, host.clientHeight);
    this.renderer.setPixelRatio(devicePixelRatio || 1);
    this.renderer.setSize(w, h);
    this.#camera.aspect = w / h;
    this.#camera.updateProjectionMatrix();
    this.requestRender();
  }
}
