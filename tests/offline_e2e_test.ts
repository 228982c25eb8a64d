/** `goxel info | convert | render` as a user runs them: real files in, real files out, clear failures. */
import assert from "node:assert/strict";
import { makeTestEnv, runGoxel } from "./support_testing.ts";
import { FIXTURES_DIR, haveFixtures } from "./fixtures_testing.ts";

const FIXTURES = FIXTURES_DIR;
const present = haveFixtures("offline_e2e_test");

Deno.test({
  name: "info, convert and render work offline and keep the voxels",
  ignore: !present,
  fn: async (t) => {
    const env = await makeTestEnv();
    try {
      await t.step("info --json reports format, layers, voxels and Goxel's CRC", async () => {
        const r = await runGoxel(["info", `${FIXTURES}goxel/goxel_test.v2.gox`, "--json"], env);
        assert.equal(r.code, 0, r.stderr);
        const info = JSON.parse(r.stdout);
        assert.equal(info.format, "gox");
        assert.equal(info.voxels, 14);
        assert.equal(info.crc32, "c7c4c9ff");
        assert.equal(info.layers.length, 1);
      });
      await t.step("convert vox → gox keeps the CRC, → qb keeps the voxels", async () => {
        const src = `${FIXTURES}ephtracy/chr_knight.vox`;
        assert.equal((await runGoxel(["convert", src, "k.gox"], env)).code, 0);
        assert.equal((await runGoxel(["convert", "k.gox", "k.qb"], env)).code, 0);
        const info = async (f: string) =>
          JSON.parse((await runGoxel(["info", f, "--json"], env)).stdout);
        const [a, b, c] = [await info(src), await info("k.gox"), await info("k.qb")];
        assert.equal(b.crc32, a.crc32);
        assert.equal(c.voxels, a.voxels);
      });
      await t.step(
        "convert to a format that lacks part of the file says what, on stderr",
        async () => {
          const whole = await runGoxel(
            ["convert", `${FIXTURES}ephtracy/chr_knight.vox`, "w.gox"],
            env,
          );
          assert.equal(whole.stderr, "", "nothing lacks in .gox");
          // example1.gox: voxels with alpha under 127, which .vox does not keep (as in Goxel).
          const r = await runGoxel(["convert", `${FIXTURES}goxel/example1.gox`, "e.vox"], env);
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, /^Wrote .*e\.vox \(vox\)/);
          assert.match(
            r.stderr,
            /warning: the vox file lacks part of .*example1\.gox: .*\d+ of its 1580 voxels/,
          );
        },
      );
      await t.step("convert to a mesh with --greedy writes OBJ + MTL", async () => {
        const r = await runGoxel([
          "convert",
          `${FIXTURES}ephtracy/chr_knight.vox`,
          "k.obj",
          "--greedy",
        ], env);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /k\.obj, .*k\.mtl \(obj\)/);
      });
      await t.step(
        "convert a mesh to voxels: OBJ faces become a surface, as in Goxel",
        async () => {
          const r = await runGoxel(["convert", `${FIXTURES}vengi/cube.obj`, "cube.vox"], env);
          assert.equal(r.code, 0, r.stderr);
          const out = JSON.parse((await runGoxel(["info", "cube.vox", "--json"], env)).stdout);
          assert.equal(out.voxels, 26, "a 2-unit cube's faces: a 3³ shell");
        },
      );
      await t.step("render writes a PNG of the requested size", async () => {
        const r = await runGoxel([
          "render",
          `${FIXTURES}ephtracy/monu9.vox`,
          "m.png",
          "--size",
          "96x64",
          "--camera",
          "isometric",
        ], env);
        assert.equal(r.code, 0, r.stderr);
        const png = await Deno.readFile(`${env.dir}/m.png`);
        const view = new DataView(png.buffer);
        assert.deepEqual([view.getUint32(16), view.getUint32(20)], [96, 64]);
      });
    } finally {
      await env.cleanup();
    }
  },
});

Deno.test({
  name: "corrupt input, unknown formats and unwritable outputs fail clearly and leave no file",
  ignore: !present,
  fn: async (t) => {
    const env = await makeTestEnv();
    try {
      await t.step("a truncated .gox names the problem and the byte offset", async () => {
        const bytes = await Deno.readFile(`${FIXTURES}gnome-wizard/untitled.gox`);
        await Deno.writeFile(`${env.dir}/cut.gox`, bytes.subarray(0, 1000));
        const r = await runGoxel(["convert", "cut.gox", "out.vox"], env);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /byte \d+/);
        assert.equal(r.stderr.trim().split("\n").length, 1, "one message");
        await assert.rejects(Deno.stat(`${env.dir}/out.vox`));
      });
      await t.step("an unknown output format", async () => {
        const r = await runGoxel(["convert", `${FIXTURES}ephtracy/chr_knight.vox`, "out.xyz"], env);
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          /Cannot write ".*out.xyz": goxel cannot write ".xyz" files \(formats it can write: gox, /,
        );
      });
      await t.step("an unwritable output path", async () => {
        await Deno.writeTextFile(`${env.dir}/file.txt`, "not a directory");
        const r = await runGoxel([
          "convert",
          `${FIXTURES}ephtracy/chr_knight.vox`,
          "file.txt/out.vox",
        ], env);
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          /Cannot write ".*out.vox" as vox: ".*file.txt" is a file, not a directory/,
        );
        const left = [...Deno.readDirSync(env.dir)].map((e) => e.name);
        assert.deepEqual(left.filter((n) => n.endsWith(".tmp")), [], "no temp file left behind");
      });
      await t.step("a missing output directory is refused, never created", async () => {
        const r = await runGoxel(
          ["convert", `${FIXTURES}ephtracy/chr_knight.vox`, "no/such/dir/out.gox"],
          env,
        );
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          /Cannot write ".*out.gox" as gox: directory ".*no\/such\/dir" does not exist/,
        );
        await assert.rejects(Deno.stat(`${env.dir}/no`));
      });
      await t.step("a corrupt file names its path, format and byte offset", async () => {
        const bytes = await Deno.readFile(`${FIXTURES}ephtracy/chr_knight.vox`);
        await Deno.writeFile(`${env.dir}/cut.vox`, bytes.slice(0, 300));
        const r = await runGoxel(["info", "cut.vox"], env);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /Cannot read ".*cut.vox" as vox: .*byte \d+/);
      });
      await t.step("an unknown --format is a usage error", async () => {
        const r = await runGoxel(
          ["convert", `${FIXTURES}ephtracy/chr_knight.vox`, "out.gox", "--format", "nope"],
          env,
        );
        assert.equal(r.code, 2);
        assert.match(r.stderr, /Invalid --format "nope": goxel can write gox, /);
      });
    } finally {
      await env.cleanup();
    }
  },
});
