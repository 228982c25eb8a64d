/**
 * The script-side half of the voxel API, evaluated inside the QuickJS sandbox before the user's
 * script. It builds `goxel`, `Volume`, `Vec`, `print` and `console` (modelled on Goxel's own
 * QuickJS API, goxel_core.md §5.2) over the few functions the host
 * installs on `__host`, then removes `__host` so scripts only see the documented names. Its
 * completion value is the function that turns the script's value into JSON text.
 */
/** Longest printed line kept; longer ones are cut inside the sandbox, before they cross. */
export const MAX_LOG_CHARS = 4000;

export const SCRIPT_PRELUDE = String.raw`
(function (host) {
  "use strict";
  delete globalThis.__host;
  // Taken now: a script may replace JSON.stringify, but not the serializer of its result.
  const stringify = JSON.stringify;
  class Vec {
    constructor(...values) { this.values = values; }
    get x() { return this.at(0); }
    get y() { return this.at(1); }
    get z() { return this.at(2); }
    get w() { return this.at(3); }
    get r() { return this.at(0); }
    get g() { return this.at(1); }
    get b() { return this.at(2); }
    get a() { return this.at(3); }
    at(i) {
      if (i >= this.values.length) {
        throw new RangeError("Vec of size " + this.values.length + " has no component " + i);
      }
      return this.values[i];
    }
    toJSON() { return this.values.slice(); }
  }
  const arr = (v) => (v instanceof Vec ? v.values : v);
  const unpack = (c) => new Vec(c & 255, (c >>> 8) & 255, (c >>> 16) & 255, c >>> 24);
  const xyz = (pos) => { const p = arr(pos); return [Math.round(p[0]), Math.round(p[1]), Math.round(p[2])]; };
  const handles = new WeakMap();
  class Volume {
    constructor(handle) { handles.set(this, handle === undefined ? host.newVolume() : handle); }
    setAt(pos, color) {
      const [x, y, z] = xyz(pos);
      const c = arr(color);
      host.setAt(handles.get(this), x, y, z, c[0], c[1], c[2], c[3] === undefined ? 255 : c[3]);
    }
    getAt(pos) {
      const [x, y, z] = xyz(pos);
      return unpack(host.getAt(handles.get(this), x, y, z));
    }
    iter(fn) {
      const flat = JSON.parse(host.voxels(handles.get(this)));
      for (let i = 0; i < flat.length; i += 4) {
        fn(new Vec(flat[i], flat[i + 1], flat[i + 2]), unpack(flat[i + 3]));
      }
    }
    copy() { return new Volume(host.copyVolume(handles.get(this))); }
    get count() { return host.count(handles.get(this)); }
    toJSON() { return { voxels: this.count }; }
  }
  class Layer {
    constructor(info) { this.id = info.id; this.name = info.name; this.volume = new Volume(info.volume); }
  }
  const image = {
    addLayer() { return new Layer(JSON.parse(host.addLayer())); },
    get activeLayer() { return new Layer(JSON.parse(host.activeLayer())); },
    get layers() { return JSON.parse(host.layers()).map((l) => new Layer(l)); },
    getLayersVolume() { return new Volume(host.layersVolume()); },
    get selectionBox() { return JSON.parse(host.selectionBox()); },
  };
  let color = [255, 255, 255, 255];
  const palette = {
    get color() { return new Vec(...color); },
    set color(v) {
      const c = arr(v);
      color = [c[0] ?? 255, c[1] ?? 255, c[2] ?? 255, c[3] ?? 255];
    },
  };
  const show = (x) => {
    if (typeof x === "string") return x;
    try {
      const text = stringify(x);
      if (text !== undefined) return text;
    } catch (_) {
      // A BigInt or a cycle is printed as text rather than failing the script.
    }
    try {
      return String(x);
    } catch (_) {
      return Object.prototype.toString.call(x);
    }
  };
  // Cut here: a megabyte line copied to the host on every print filled the daemon's memory.
  const print = (...a) => host.print(a.map(show).join(" ").slice(0, ${MAX_LOG_CHARS}));
  globalThis.goxel = { image, palette };
  globalThis.Volume = Volume;
  globalThis.Vec = Vec;
  globalThis.print = print;
  globalThis.console = { log: print, info: print, warn: print, error: print, debug: print };
  globalThis.scriptArgs = JSON.parse(host.args());
  // Runs inside the sandbox, so a getter or toJSON of the value meets the deadline and the
  // memory cap; what JSON cannot hold at the top (undefined, functions, symbols) becomes null.
  return function serialize(value) {
    const text = stringify(value);
    return text === undefined ? "null" : text;
  };
})(globalThis.__host);
`;
