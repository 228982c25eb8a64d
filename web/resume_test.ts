import assert from "node:assert/strict";
import { ResumePoint } from "./resume.ts";

Deno.test("the resume point follows fetched notifications, not a partial reply's seq", () => {
  const r = new ResumePoint();
  r.fetched(true, 3, -1);
  assert.equal(r.seq, 3, "a full load is the whole state at its seq");
  r.noted(4);
  const upTo = r.take();
  // Another client's change 5 is committed; its notification is still coalescing when the
  // fetch of tile 4 answers with seq 5.
  r.fetched(false, 5, upTo);
  assert.equal(r.seq, 4, "resuming from 4 gets change 5 again; from 5 it was lost");
  r.noted(5);
  r.fetched(false, 5, r.take());
  assert.equal(r.seq, 5);
  r.reset();
  assert.equal(r.seq, -1);
  r.fetched(false, 9, r.take());
  assert.equal(r.seq, -1, "nothing pending after a reset: nothing gained");
});
