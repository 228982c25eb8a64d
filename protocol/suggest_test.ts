import assert from "node:assert/strict";
import { closestNames, didYouMean, editDistance } from "./suggest.ts";

Deno.test("editDistance counts inserts, deletes, replacements and neighbour swaps as one", () => {
  assert.equal(editDistance("voxel", "voxel"), 0);
  assert.equal(editDistance("voxle", "voxel"), 1);
  assert.equal(editDistance("voxl", "voxel"), 1);
  assert.equal(editDistance("voxels", "voxel"), 1);
  assert.equal(editDistance("vixel", "voxel"), 1);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
});

Deno.test("closestNames finds near names, nearest first, and nothing for far ones", () => {
  const methods = ["add_voxel", "add_voxels", "remove_voxel", "create_project", "list_projects"];
  assert.deepEqual(closestNames("add_voxle", methods), ["add_voxel", "add_voxels"]);
  assert.deepEqual(closestNames("add-voxel", methods), ["add_voxel", "add_voxels"]);
  assert.deepEqual(closestNames("create_projcet", methods), ["create_project"]);
  assert.deepEqual(closestNames("list_project", methods), ["list_projects"]);
  assert.deepEqual(closestNames("ping", methods), []);
  assert.deepEqual(closestNames("", methods), []);
  assert.deepEqual(closestNames("z", ["x", "y"]), [], "no guesses for one or two letters");
  assert.deepEqual(closestNames("colour", ["color", "x", "y"]), ["color"]);
});

Deno.test("didYouMean phrases one or several names", () => {
  assert.equal(didYouMean("colr", ["color", "x"]), " (did you mean color?)");
  assert.equal(
    didYouMean("add_voxle", ["add_voxel", "add_voxels"]),
    " (did you mean add_voxel or add_voxels?)",
  );
  assert.equal(didYouMean("zzz", ["color"]), "");
});
