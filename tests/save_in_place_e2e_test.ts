/**
 * save_project without a path over a real socket: a MagicaVoxel file edited and saved in place
 * keeps its materials, cameras and scene (and its mode); a project the format cannot hold is
 * refused with a message naming the loss, and the user's file stays untouched.
 */
import assert from "node:assert/strict";
import { decodeVox } from "../core/formats/vox.ts";
import { type VoxCarried, voxChunkCounts } from "../core/formats/vox_carried.ts";
import { makeTestEnv, RawClient, runGoxel, startDaemon } from "./support_testing.ts";

const FIXTURES = Deno.env.get("GOXEL_FIXTURES") ??
  new URL("../../shared/fixtures", import.meta.url).pathname;
const SOURCE = `${FIXTURES}/vengi/vox_character.vox`;
const HAVE = (() => {
  try {
    return Deno.statSync(SOURCE).isFile;
  } catch {
    console.warn(`save_in_place_e2e_test: ${SOURCE} is absent; skipping`);
    return false;
  }
})();

Deno.test({
  name:
    "save_project without a path keeps a .vox file's chunks, or refuses and leaves it untouched",
  ignore: !HAVE,
  async fn() {
    const env = await makeTestEnv();
    const daemon = await startDaemon(env);
    const path = `${env.dir}/character.vox`;
    await Deno.copyFile(SOURCE, path);
    await Deno.chmod(path, 0o640);
    const c = await RawClient.unix(daemon.socket);
    try {
      await c.call("goxel.load_project", { path });
      await c.call("goxel.add_voxel", { x: 0, y: 0, z: 40, color: "#12ab34" });
      const saved = await c.call<{ path: string }>("goxel.save_project");
      assert.equal(saved.path, path);
      assert.equal((await Deno.stat(path)).mode! & 0o777, 0o640, "the file's mode is kept");
      const original = decodeVox(Deno.readFileSync(SOURCE));
      const written = decodeVox(Deno.readFileSync(path));
      assert.deepEqual(
        voxChunkCounts(written.carried as VoxCarried),
        voxChunkCounts(original.carried as VoxCarried),
        "same chunk kinds and counts",
      );
      assert.equal(written.layers.length, original.layers.length);

      const before = Deno.readFileSync(path);
      const mtime = (await Deno.stat(path)).mtime;
      await c.call("goxel.create_layer", {
        name: "Ball",
        shape: "sphere",
        box: { min: [0, 0, 0], max: [5, 5, 5] },
      });
      const refused = await c.request("goxel.save_project");
      assert.ok(refused.error, "the save is refused");
      assert.equal(refused.error.code, -1102);
      assert.match(refused.error.message, /Cannot save ".*character\.vox" in place/);
      assert.match(refused.error.message, /layer "Ball": its kind \(sphere shape layer\)/);
      assert.match(refused.error.message, /character\.gox/);
      assert.deepEqual(Deno.readFileSync(path), before, "the file is untouched");
      assert.deepEqual((await Deno.stat(path)).mtime, mtime);
      const gox = await c.call<{ path: string }>("goxel.save_project", {
        path: `${env.dir}/character.gox`,
      });
      assert.ok((await Deno.stat(gox.path)).size > 0, "saving to .gox works");
      assert.equal((await c.call("ping")).pong, true, "the daemon keeps serving");
    } finally {
      c.close();
      await daemon.stop();
      await env.cleanup();
    }
  },
});

Deno.test({
  name: "goxel info --json lists what a .vox file carries beyond voxels",
  ignore: !HAVE,
  async fn() {
    const env = await makeTestEnv();
    try {
      const r = await runGoxel(["info", SOURCE, "--json"], env);
      assert.equal(r.code, 0, r.stderr);
      const carried = JSON.parse(r.stdout).carried as string[];
      for (const s of ["MATL×256", "rOBJ×15", "rCAM×10", "NOTE×1", "LAYR×8", "palette"]) {
        assert.ok(carried.includes(s), `${s} in ${carried}`);
      }
    } finally {
      await env.cleanup();
    }
  },
});

Deno.test({
  name: "restore_checkpoint gives back what a .vox file carried, so a save in place keeps it all",
  ignore: !HAVE,
  async fn() {
    const env = await makeTestEnv();
    let daemon = await startDaemon(env);
    const path = `${env.dir}/character.vox`;
    await Deno.copyFile(SOURCE, path);
    let c = await RawClient.unix(daemon.socket);
    try {
      await c.call("goxel.load_project", { path });
      await c.call("goxel.checkpoint", { name: "before" });
      await c.call("goxel.add_voxel", { x: 0, y: 0, z: 40, color: "#12ab34" });
      const layers = await c.call<{ layers: { id: number }[] }>("goxel.list_layers");
      await c.call("goxel.delete_layer", { layer_id: layers.layers[0].id });
      // Checkpoints outlive the daemon: restore after a restart.
      c.close();
      await daemon.stop();
      daemon = await startDaemon(env);
      c = await RawClient.unix(daemon.socket);
      await c.call("goxel.restore_checkpoint", { name: "before" });
      await c.call("goxel.save_project");
      assert.deepEqual(
        Deno.readFileSync(path),
        Deno.readFileSync(SOURCE),
        "scene, MATL, rOBJ, rCAM, NOTE and palette all come back: the same bytes",
      );
    } finally {
      c.close();
      await daemon.stop();
      await env.cleanup();
    }
  },
});

Deno.test({
  name: "an old Slab6 .vox is not saved in place as a MagicaVoxel file",
  ignore: !HAVE,
  async fn() {
    const env = await makeTestEnv();
    const daemon = await startDaemon(env);
    const path = `${env.dir}/old.vox`;
    await Deno.copyFile(`${FIXTURES}/vengi/slab6_vox_test.vox`, path);
    const c = await RawClient.unix(daemon.socket);
    try {
      await c.call("goxel.load_project", { path });
      const refused = await c.request("goxel.save_project");
      assert.equal(refused.error?.code, -1102);
      assert.match(refused.error!.message, /old Slab6 \.vox.*Slab6 cannot read/);
      assert.deepEqual(
        Deno.readFileSync(path),
        Deno.readFileSync(`${FIXTURES}/vengi/slab6_vox_test.vox`),
      );
      await c.call("goxel.save_project", { path: `${env.dir}/new.vox` });
    } finally {
      c.close();
      await daemon.stop();
      await env.cleanup();
    }
  },
});

Deno.test("a save to a format that lacks part of the project leaves it unsaved and says what", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  type Saved = { path: string; format: string; losses?: string[] };
  const dirty = async () => (await c.call<{ dirty: boolean }>("goxel.get_project_info")).dirty;
  try {
    await c.call("goxel.create_project", ["lossy", 16, 16, 16]);
    await c.call("goxel.add_voxel", { x: 0, y: 0, z: 0, color: [10, 20, 30, 128] });
    await c.call("goxel.create_layer", ["second"]);
    await c.call("goxel.add_voxel", { x: 1, y: 0, z: 0, color: "#010203" });
    // .txt has no layers and no alpha: the file is written, the project stays unsaved.
    const txt = await c.call<Saved>("goxel.save_project", [`${env.dir}/lossy.txt`]);
    assert.ok(txt.losses && txt.losses.length > 0, JSON.stringify(txt));
    assert.ok((await Deno.stat(`${env.dir}/lossy.txt`)).size > 0);
    assert.equal(await dirty(), true);
    const exported = await c.call<Saved>("goxel.export_model", [`${env.dir}/lossy2.txt`]);
    assert.deepEqual(exported.losses, txt.losses, "an export says the same");
    const close = await c.request("goxel.close_project", {});
    assert.match(
      JSON.stringify(close.error),
      /unsaved changes: save it \(goxel\.save_project\) or pass force=true/,
    );
    // Without a path the save goes to the project's last saved file: none yet.
    assert.equal((await c.request("goxel.save_project", {})).error?.code !== undefined, true);
    // .gox holds everything: saved.
    const gox = await c.call<Saved>("goxel.save_project", [`${env.dir}/lossy.gox`]);
    assert.equal(gox.losses, undefined);
    assert.equal(await dirty(), false);
    // A format that holds all this project has (one opaque layer in .vox) counts as saved too.
    await c.call("goxel.create_project", ["fits"]);
    await c.call("goxel.add_voxel", { x: 2, y: 3, z: 4, color: "#ff8800" });
    const vox = await c.call<Saved>("goxel.save_project", [`${env.dir}/fits.vox`]);
    assert.equal(vox.losses, undefined, JSON.stringify(vox));
    assert.equal(await dirty(), false);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("a save in place does not replace a file another program changed since", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  const path = `${env.dir}/shared.gox`;
  try {
    await c.call("goxel.create_project", ["shared", 16, 16, 16]);
    await c.call("goxel.add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000" });
    await c.call("goxel.save_project", [path]);
    await c.call("goxel.add_voxel", { x: 1, y: 0, z: 0, color: "#ff0000" });
    // Our own save in place is fine.
    await c.call("goxel.save_project", {});
    // Another program writes the file (as an editor saves: a new file renamed over it).
    const theirs = new Uint8Array([1, 2, 3]);
    await Deno.writeFile(`${path}.other`, theirs);
    await Deno.rename(`${path}.other`, path);
    await c.call("goxel.add_voxel", { x: 2, y: 0, z: 0, color: "#ff0000" });
    const refused = await c.request("goxel.save_project", {});
    assert.match(
      JSON.stringify(refused.error),
      /changed on disk since the project loaded or saved it/,
    );
    assert.deepEqual(await Deno.readFile(path), theirs, "their file is untouched");
    // Written in place: changed without a new inode, still refused.
    await Deno.writeFile(path, new Uint8Array([9, 9, 9, 9]));
    assert.ok((await c.request("goxel.save_project", {})).error);
    // Naming the project's own file does not get around it.
    assert.ok((await c.request("goxel.save_project", [path])).error);
    await c.call("goxel.save_project", { force: true });
    assert.ok((await Deno.stat(path)).size > 100, "replaced when forced");
    await c.call("goxel.add_voxel", { x: 3, y: 0, z: 0, color: "#ff0000" });
    await c.call("goxel.save_project", {});
    // A loaded file counts as read when loaded.
    await c.call("goxel.load_project", [path]);
    await Deno.writeFile(path, theirs);
    await c.call("goxel.add_voxel", { x: 4, y: 0, z: 0, color: "#00ff00" });
    assert.ok((await c.request("goxel.save_project", {})).error);
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});

Deno.test("after a save that lacked part of the project, a save in place of the same file works", async () => {
  const env = await makeTestEnv();
  const daemon = await startDaemon(env);
  const c = await RawClient.unix(daemon.socket);
  const path = `${env.dir}/m.txt`;
  try {
    await c.call("goxel.create_project", ["m", 16, 16, 16]);
    await c.call("goxel.add_voxel", { x: 0, y: 0, z: 0, color: "#ff0000" });
    await c.call("goxel.save_project", [path]);
    const added = await c.call<{ layer_id: number }>("goxel.create_layer", ["second"]);
    await c.call("goxel.add_voxel", { x: 1, y: 0, z: 0, color: "#00ff00" });
    const lossy = await c.call<{ losses?: string[] }>("goxel.save_project", [path]);
    assert.ok(lossy.losses?.length, "two layers do not fit a .txt");
    // Back to one layer: nothing would be lost, and the file is what this daemon wrote.
    await c.call("goxel.delete_layer", [added.layer_id]);
    await c.call("goxel.save_project", {});
  } finally {
    c.close();
    await daemon.stop();
    await env.cleanup();
  }
});
