/**
 * A project closed while its checkpoint is encoded or written leaves no directory behind: a
 * checkpoint file left there would bring the closed project back at the next start.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packRgba } from "../core/color.ts";
import { newImage } from "../core/image.ts";
import { testJournal } from "./journal_testing.ts";
import { Project } from "./projects.ts";

Deno.test("closing a project during its checkpoint removes its directory for good", async () => {
  const dataDir = await Deno.makeTempDir();
  const store = testJournal(dataDir);
  try {
    // Enough voxels that encoding and writing the checkpoint take many event-loop turns.
    const image = newImage(), v = image.layers[0].volume;
    for (let i = 0; i < 200_000; i++) {
      v.set(i % 97, (i / 97 | 0) % 89, i / 8633 | 0, packRgba(i, i >> 8, 7));
    }
    let seen = 0;
    for (let turns = 0; turns < 60; turns += 3) {
      const project = new Project(`p${turns + 1}`, "c", image, Date.now());
      store.opened(project, "test");
      const dir = join(store.projectsDir, project.id);
      const running = store.checkpoint(project);
      for (let k = 0; k < turns; k++) {
        await new Promise((r) => setTimeout(r, 0));
        if ([...Deno.readDirSync(dir)].some((e) => e.name.endsWith(".tmp"))) seen++;
      }
      store.closed(project);
      await running;
      assert.equal(existsSync(dir), false, `closed after ${turns} turns: ${dir} is still there`);
    }
    assert.ok(seen > 0, "some closes landed while the checkpoint file was being written");
  } finally {
    await store.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
