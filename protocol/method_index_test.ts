/**
 * Golden test: protocol/method_index.ts must equal what index_render.ts renders from the
 * declarations. Regenerate with: GOXEL_UPDATE_INDEX=1 deno test -A protocol/method_index_test.ts
 */
import assert from "node:assert/strict";
import { renderMethodIndex } from "./index_render.ts";
import { METHOD_INDEX } from "./method_index.ts";
import { findMethod, listMethods } from "./mod.ts";
import { methodResolver } from "./method_lookup.ts";

const FILE = new URL("./method_index.ts", import.meta.url);

async function formatted(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=ts", "-"],
    cwd: new URL("..", import.meta.url),
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(text));
  await w.close();
  return new TextDecoder().decode((await child.output()).stdout);
}

Deno.test("protocol/method_index.ts is up to date with the method declarations", async () => {
  const expected = await formatted(renderMethodIndex(listMethods({ conformance: true })));
  if (Deno.env.get("GOXEL_UPDATE_INDEX") === "1") await Deno.writeTextFile(FILE, expected);
  const actual = await Deno.readTextFile(FILE);
  assert.ok(
    actual === expected,
    "method_index.ts is stale: run GOXEL_UPDATE_INDEX=1 deno test -A protocol/method_index_test.ts",
  );
});

Deno.test("the index resolves every name, alias and unprefixed name like findMethod", () => {
  const find = methodResolver(METHOD_INDEX);
  const names = [
    "ping",
    "goxel.ping",
    "add_voxel",
    "goxel.get_version",
    "status",
    "subtract",
    "nope",
    "rpc.discover",
  ];
  for (const name of names) {
    for (const conformance of [false, true]) {
      assert.equal(
        find(name, { conformance })?.name,
        findMethod(name, { conformance })?.name,
        `${name} ${conformance}`,
      );
    }
  }
});
