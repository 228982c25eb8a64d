import assert from "node:assert/strict";
import { deflateSync, inflateSync } from "node:zlib";
import { FormatError } from "../errors.ts";
import { readGoxChunks } from "./gox_chunks.ts";
import {
  assemblePngParts,
  crc32,
  decodePng,
  encodePng,
  encodePngPart,
  encodePngStb,
} from "./png.ts";
import { adler32, adler32Combine, adler32Js } from "./deflate_tables.ts";
import { stbZlibCompress } from "./stb_zlib.ts";
import { FIXTURES, haveFixtures } from "../../tests/fixtures_testing.ts";

const hasFixtures = haveFixtures("png_test");

/** Goxel-written files (by Goxel or its stb-based writers); vengi's rgb.gox is not. */
const GOXEL_WRITTEN = [
  "goxel/example1.gox",
  "goxel/goxel_test.v1.gox",
  "goxel/goxel_test.v2.gox",
  "gnome-wizard/untitled.gox",
  "vengi/test.gox",
  "vengi/gox-shape-3-layers.gox",
  "vengi/chr_knight.gox",
];

/** Deterministic pseudo-random bytes. */
function noise(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** A small picture with flat areas, gradients and noise, to exercise every filter type. */
function picture(w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 4), rnd = noise(w * h * 4, 7);
  for (let i = 0; i < w * h; i++) {
    const x = i % w, y = (i / w) | 0;
    px.set(
      y < h / 3
        ? [200, 10, 10, 255]
        : y < (2 * h) / 3
        ? [x, y, x ^ y, 255]
        : rnd.subarray(4 * i, 4 * i + 4),
      4 * i,
    );
  }
  return px;
}

/** Builds a PNG from unfiltered rows (filter byte 0) with any header fields. */
function rawPng(
  w: number,
  h: number,
  depth: number,
  colorType: number,
  rows: Uint8Array,
  extra: [string, number[]][] = [],
) {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length), v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    out.set([...type].map((c) => c.charCodeAt(0)), 4);
    out.set(data, 8);
    v.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
    return out;
  };
  const ihdr = new Uint8Array(13), hv = new DataView(ihdr.buffer);
  hv.setUint32(0, w);
  hv.setUint32(4, h);
  ihdr.set([depth, colorType, 0, 0, 0], 8);
  const rowBytes = rows.length / h, filtered = new Uint8Array((rowBytes + 1) * h);
  for (let y = 0; y < h; y++) {
    filtered.set(rows.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);
  }
  const parts = [
    Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10),
    chunk("IHDR", ihdr),
    ...extra.map(([t, d]) => chunk(t, Uint8Array.from(d))),
    chunk("IDAT", deflateSync(filtered)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((pos, p) => (out.set(p, pos), pos + p.length), 0);
  return out;
}

/** Asserts that decoding either succeeds or throws a FormatError. */
function assertFormatErrorOrOk(bytes: Uint8Array): void {
  try {
    decodePng(bytes);
  } catch (e) {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${e}`);
  }
}

Deno.test("crc32() and adler32() match their published check values", () => {
  const text = new TextEncoder().encode("123456789");
  assert.equal(crc32(text), 0xcbf43926);
  assert.equal(adler32(new TextEncoder().encode("Wikipedia")), 0x11e60398);
  assert.equal(adler32Js(new TextEncoder().encode("Wikipedia")), 0x11e60398);
  // Long runs of 255 (the largest sums between reductions) and the native one where there is one.
  for (const n of [0, 1, 3799, 3800, 3801, 100_000]) {
    const bytes = new Uint8Array(n).fill(255);
    assert.equal(adler32Js(bytes), adler32(bytes), `${n} bytes`);
    const direct = adler32Js(bytes.map((_, i) => (i * 31) & 255));
    const split = Math.floor(n / 3), whole = bytes.map((_, i) => (i * 31) & 255);
    assert.equal(
      adler32Combine(
        adler32Js(whole.subarray(0, split)),
        adler32Js(whole.subarray(split)),
        n - split,
      ),
      direct,
    );
  }
});

Deno.test("assemblePngParts() joins separately deflated rows into one valid PNG", () => {
  const w = 61, h = 150, px = picture(w, h);
  for (const cuts of [[], [1], [64, 128], [10, 11, 149]]) {
    const bounds = [0, ...cuts, h];
    const parts = bounds.slice(1).map((end, i) =>
      encodePngPart(w, px.subarray(bounds[i] * w * 4, end * w * 4))
    );
    const png = assemblePngParts(w, h, parts);
    // inflateSync checks the stream's Adler-32, decodePng the CRCs and the pixels.
    const out = decodePng(png);
    assert.deepEqual([out.width, out.height], [w, h]);
    assert.deepEqual(out.rgba, px);
  }
  assert.throws(() => assemblePngParts(w, h + 1, [encodePngPart(w, px)]), RangeError);
});

Deno.test("encodePngPart() filters word by word exactly as byte by byte", () => {
  const w = 37, h = 9, px = picture(w, h);
  // Bytes with every top-bit combination, where a borrow between lanes would show.
  for (let i = 0; i < px.length; i += 7) px[i] = i & 1 ? 0 : 255;
  const aligned = encodePngPart(w, px);
  // Starting one byte into a buffer, the pixels cannot be read as 32-bit words.
  const shifted = new Uint8Array(px.length + 1);
  shifted.set(px, 1);
  const bytewise = encodePngPart(w, shifted.subarray(1));
  assert.deepEqual(aligned, bytewise);
  assert.deepEqual(decodePng(assemblePngParts(w, h, [aligned])).rgba, px);
});

Deno.test("stbZlibCompress() produces streams that inflate back", async (t) => {
  const cases: [string, Uint8Array][] = [
    ["repetitive", new Uint8Array(70000).map((_, i) => (i % 251) & (i >> 9))],
    ["short", Uint8Array.of(1, 2, 3)],
    ["noise (stored blocks)", noise(70000)],
    ["picture", picture(61, 37)],
  ];
  for (const [name, data] of cases) {
    await t.step(name, () => {
      const z = stbZlibCompress(data);
      assert.deepEqual([z[0], z[1]], [0x78, 0x5e]);
      assert.deepEqual(new Uint8Array(inflateSync(z)), data);
    });
  }
  await t.step("incompressible data falls back to 32767-byte stored blocks", () => {
    const z = stbZlibCompress(noise(70000));
    assert.equal(z.length, 2 + 70000 + 3 * 5 + 4);
    assert.deepEqual([...z.subarray(2, 7)], [0, 0xff, 0x7f, 0x00, 0x80]);
  });
});

Deno.test("encodePngStb() reproduces every BL16 and PREV PNG of Goxel-written files", {
  ignore: !hasFixtures,
}, () => {
  let n = 0;
  for (const file of GOXEL_WRITTEN) {
    const bytes = Deno.readFileSync(new URL(file, FIXTURES));
    for (const chunk of readGoxChunks(bytes).chunks) {
      if (chunk.type !== "BL16" && chunk.type !== "PREV") continue;
      const png = decodePng(chunk.data);
      assert.deepEqual(
        encodePngStb(png.width, png.height, png.rgba),
        chunk.data,
        `${file} @${chunk.offset}`,
      );
      n++;
    }
  }
  assert.equal(n, 74);
});

Deno.test("encodePngStb() with 3 channels reproduces the RGB texture of Goxel's glTF export", {
  ignore: !hasFixtures,
}, () => {
  const gltf = JSON.parse(
    new TextDecoder().decode(Deno.readFileSync(new URL("gnome-wizard/Untitled.gltf", FIXTURES))),
  );
  const uri: string = gltf.buffers[0].uri;
  const png = Uint8Array.from(atob(uri.slice(uri.indexOf(",") + 1)), (c) => c.charCodeAt(0));
  const { width, height, rgba } = decodePng(png);
  const rgb = rgba.filter((_, i) => i % 4 !== 3);
  assert.deepEqual(encodePngStb(width, height, rgb, 3), png);
});

Deno.test("decodePng() round-trips both encoders", async (t) => {
  for (const [w, h] of [[1, 1], [64, 64], [61, 37], [300, 5]]) {
    const px = picture(w, h);
    await t.step(`${w}×${h}`, () => {
      for (
        const bytes of [
          encodePngStb(w, h, px),
          encodePng(w, h, px),
          encodePng(w, h, px, { level: 0 }),
        ]
      ) {
        const out = decodePng(bytes);
        assert.deepEqual([out.width, out.height], [w, h]);
        assert.deepEqual(out.rgba, px);
      }
    });
  }
});

Deno.test("decodePng() converts every colour type to RGBA8", async (t) => {
  const cases: [string, Uint8Array, number[]][] = [
    ["grey 8", rawPng(2, 1, 8, 0, Uint8Array.of(0, 200)), [0, 0, 0, 255, 200, 200, 200, 255]],
    ["grey 1 with tRNS", rawPng(3, 1, 1, 0, Uint8Array.of(0b10100000), [["tRNS", [0, 0]]]), [
      255,
      255,
      255,
      255,
      0,
      0,
      0,
      0,
      255,
      255,
      255,
      255,
    ]],
    ["grey+alpha 8", rawPng(1, 1, 8, 4, Uint8Array.of(9, 70)), [9, 9, 9, 70]],
    [
      "rgb 8 with tRNS",
      rawPng(2, 1, 8, 2, Uint8Array.of(1, 2, 3, 4, 5, 6), [["tRNS", [0, 4, 0, 5, 0, 6]]]),
      [
        1,
        2,
        3,
        255,
        4,
        5,
        6,
        0,
      ],
    ],
    [
      "palette 4 with tRNS",
      rawPng(2, 1, 4, 3, Uint8Array.of(0x10), [["PLTE", [7, 8, 9, 10, 11, 12]], ["tRNS", [128]]]),
      [
        10,
        11,
        12,
        255,
        7,
        8,
        9,
        128,
      ],
    ],
    ["rgba 16", rawPng(1, 1, 16, 6, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)), [1, 3, 5, 7]],
  ];
  for (const [name, bytes, rgba] of cases) {
    await t.step(name, () => assert.deepEqual([...decodePng(bytes).rgba], rgba));
  }
});

Deno.test("decodePng() rejects malformed input with FormatError", async (t) => {
  const good = encodePngStb(61, 37, picture(61, 37));
  const bad: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["no signature", good.slice(1)],
    ["interlaced", rawPng(1, 1, 8, 0, Uint8Array.of(1)).map((b, i) => i === 28 ? 1 : b)],
    ["bad depth", rawPng(1, 1, 8, 0, Uint8Array.of(1)).map((b, i) => i === 24 ? 3 : b)],
    [
      "huge size",
      rawPng(1, 1, 8, 0, Uint8Array.of(1)).map((b, i) => i === 16 || i === 20 ? 0x7f : b),
    ],
    ["palette without PLTE", rawPng(1, 1, 8, 3, Uint8Array.of(0))],
    ["chunk longer than the file", good.map((b, i) => i === 33 ? 0x7f : b)],
  ];
  for (const [name, bytes] of bad) {
    await t.step(name, () => assert.throws(() => decodePng(bytes), FormatError));
  }
  await t.step("every truncation", () => {
    for (let n = 0; n < good.length - 12; n++) {
      assert.throws(() => decodePng(good.subarray(0, n)), FormatError);
    }
  });
  await t.step("every single-bit flip", () => {
    for (let i = 0; i < good.length; i++) {
      const copy = good.slice();
      copy[i] ^= 1 << (i % 8);
      assertFormatErrorOrOk(copy);
    }
  });
});

Deno.test("encodePng() rejects a pixel buffer of the wrong size", () => {
  assert.throws(() => encodePng(2, 2, new Uint8Array(15)), RangeError);
  assert.throws(() => encodePngStb(0, 2, new Uint8Array(0)), RangeError);
  assert.throws(() => encodePngStb(2, 2, new Uint8Array(16), 3), RangeError);
});
