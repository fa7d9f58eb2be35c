import assert from "node:assert/strict";
import { median, pairedExtra } from "../../bench/_paired.ts";

Deno.test("median() takes the middle value, or the mean of the middle two", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), RangeError);
});

Deno.test("pairedExtra() takes the scenario's extra round by round, so a slow round does not count twice", () => {
  // Round 2 ran on a busy machine: both took longer.
  const extra = pairedExtra([300, 900, 320], [200, 750, 190]);
  assert.deepEqual(extra, {
    median: 320,
    baseline: 200,
    extra: 130,
    min: 100,
    max: 150,
  });
  assert.throws(() => pairedExtra([1, 2], [1]), RangeError);
});
