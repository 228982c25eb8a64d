/**
 * Enforces ARCHITECTURE.md's layering, "no Deno.* in product code" and core purity.
 * Test code (`*_test.ts`) and test support (`*_testing.ts`) are exempt.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const LAYERS = ["core", "protocol", "daemon", "cli", "mcp", "web"] as const;
type Layer = typeof LAYERS[number] | "main";

/** Which of our layers each layer may import (itself always allowed). */
const ALLOWED: Record<Layer, Layer[]> = {
  core: [],
  protocol: [],
  daemon: ["protocol", "core"],
  cli: ["protocol"],
  mcp: ["protocol", "cli"],
  // The browser viewer: protocol types, plus the zod-free tile decoder (see WEB_PROTOCOL_VALUES).
  web: ["protocol"],
  main: ["cli", "daemon", "mcp"],
};
/** The only protocol/ module web/ may import values from (it imports nothing itself). */
const WEB_PROTOCOL_VALUES = /\/protocol\/tiles_wire\.ts$/;
/** npm packages each layer may import. */
const PACKAGES: Record<Layer, RegExp> = {
  core: /^$/,
  protocol: /^zod$/,
  daemon:
    /^(zod|yaml|ws|@logtape\/.*|quickjs-emscripten-core|@jitl\/quickjs-singlefile-mjs-release-sync)$/,
  cli: /^(zod|yaml|commander|@commander-js\/extra-typings|@bomb\.sh\/tab.*)$/,
  web: /^three(\/.*)?$/,
  mcp: /^(zod|yaml|@modelcontextprotocol\/sdk\/.*)$/,
  main: /^$/,
};
/**
 * `node:` modules each layer may import: core only pure helpers, protocol none at all (it runs
 * in the browser viewer too), the CLI what a client needs (no threads, no HTTP), main the process.
 */
const NODE_MODULES: Record<Layer, RegExp> = {
  core: /^node:zlib$/,
  protocol: /^$/,
  daemon: /^node:[a-z_]+(\/[a-z]+)?$/,
  cli: /^node:(fs|net|path|process|child_process|url|os|readline|tty)$/,
  mcp: /^node:(buffer|crypto|fs|fs\/promises|http|net|path|process|url|zlib)$/,
  web: /^$/,
  main: /^node:(process|fs)$/, // fs: `--version` writes with writeSync (start-up time)
};
const CORE_FORBIDDEN: [RegExp, string][] = [
  [
    /from\s+["']node:(fs|net|child_process|worker_threads|process|os|http|https|dgram|timers)(\/[a-z]+)?["']/,
    "I/O module",
  ],
  [/\bDate\.now\s*\(/, "Date.now()"],
  [/\bnew Date\s*\(/, "new Date()"],
  [/\bMath\.random\s*\(/, "Math.random()"],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/, "timers"],
  [/\bprocess\./, "process"],
  [/\bperformance\.now\s*\(/, "performance.now()"],
];

async function* productFiles(dir: URL, layer: Layer): AsyncGenerator<[string, Layer]> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* productFiles(url, layer);
    else if (entry.name.endsWith(".ts") && !/_(test|testing)\.ts$/.test(entry.name)) {
      yield [url.pathname, layer];
    }
  }
}

async function allProductFiles(): Promise<[string, Layer][]> {
  const out: [string, Layer][] = [[new URL("main.ts", ROOT).pathname, "main"]];
  for (const layer of LAYERS) {
    for await (const f of productFiles(new URL(`${layer}/`, ROOT), layer)) out.push(f);
  }
  return out;
}

function importsOf(source: string): string[] {
  const re =
    /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|new URL\(\s*["']([^"']+\.ts)["']/g;
  return [...source.matchAll(re)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function layerOfPath(path: string): Layer | null {
  const rel = path.slice(ROOT.pathname.length);
  if (rel === "main.ts") return "main";
  const top = rel.split("/")[0];
  return (LAYERS as readonly string[]).includes(top) ? top as Layer : null;
}

Deno.test("product code imports only the layers ARCHITECTURE.md allows", async () => {
  const problems: string[] = [];
  for (const [file, layer] of await allProductFiles()) {
    const source = await Deno.readTextFile(file);
    for (const spec of importsOf(source)) {
      if (spec.startsWith("node:")) {
        if (!NODE_MODULES[layer].test(spec)) problems.push(`${file}: ${layer} imports ${spec}`);
      } else if (spec.startsWith(".")) {
        const target = layerOfPath(new URL(spec, `file://${file}`).pathname);
        if (target && target !== layer && !ALLOWED[layer].includes(target)) {
          problems.push(`${file}: ${layer} imports ${target} (${spec})`);
        } else if (
          layer === "mcp" && target === "cli" && !/\/cli\/(client|socket|spawn)\.ts$/.test(spec)
        ) {
          problems.push(
            `${file}: mcp may use only cli's client, socket and spawn helpers (${spec})`,
          );
        }
      } else if (!PACKAGES[layer].test(spec)) {
        problems.push(`${file}: ${layer} imports package ${spec}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("the viewer imports only types from protocol/, besides the tile decoder", async () => {
  const problems: string[] = [];
  for (const [file, layer] of await allProductFiles()) {
    if (layer !== "web") continue;
    const source = await Deno.readTextFile(file);
    for (const m of source.matchAll(/import\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/g)) {
      const target = new URL(m[2], `file://${file}`).pathname;
      if (layerOfPath(target) !== "protocol" || m[1] || WEB_PROTOCOL_VALUES.test(target)) continue;
      problems.push(`${file}: value import of ${m[2]}`);
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("product code never uses the Deno namespace", async () => {
  const problems: string[] = [];
  for (const [file] of await allProductFiles()) {
    const source = await Deno.readTextFile(file);
    if (/\bDeno\.[a-zA-Z]/.test(source.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ""))) {
      problems.push(file);
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("core has no I/O, clock, randomness or timers", async () => {
  const problems: string[] = [];
  for (const [file, layer] of await allProductFiles()) {
    if (layer !== "core") continue;
    const source = (await Deno.readTextFile(file)).replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "");
    for (const [re, what] of CORE_FORBIDDEN) if (re.test(source)) problems.push(`${file}: ${what}`);
  }
  assert.deepEqual(problems, []);
});

Deno.test("the architecture checks catch a forbidden import", () => {
  assert.deepEqual(importsOf(`import { x } from "../daemon/y.ts";`), ["../daemon/y.ts"]);
  assert.ok(CORE_FORBIDDEN.some(([re]) => re.test(`import fs from "node:fs";`)));
  assert.ok(!PACKAGES.core.test("zod"));
  assert.ok(!ALLOWED.cli.includes("core"));
  assert.ok(!NODE_MODULES.protocol.test("node:buffer"));
  assert.ok(!NODE_MODULES.core.test("node:fs") && NODE_MODULES.core.test("node:zlib"));
});
