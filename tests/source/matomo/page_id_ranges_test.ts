import assert from "node:assert/strict";
import fc from "fast-check";
import { createPageIdRanges } from "../../../src/source/matomo/page_id_ranges.ts";

Deno.test("createPageIdRanges() keeps consecutive ids as one range and lone ids as numbers", () => {
  const ids = createPageIdRanges([[10, 12], 15]);
  for (const id of [13, 14, 20, 19]) ids.add(id);
  assert.deepEqual(ids.toJSON(), [[10, 15], [19, 20]]);
  assert.equal(ids.ranges, 2);
  assert.ok(ids.has(14) && !ids.has(16) && !ids.has(9));
});

Deno.test("createPageIdRanges() merges stored ranges given in any order, overlapping or touching", () => {
  assert.deepEqual(
    createPageIdRanges([[20, 30], 5, [1, 4], [25, 40], 41, 43]).toJSON(),
    [[1, 5], [20, 41], 43],
  );
  // A range a billion ids long is one entry, read and written at once.
  assert.deepEqual(createPageIdRanges([[1, 1e9]]).toJSON(), [[1, 1e9]]);
});

Deno.test("createPageIdRanges().dropBelow() forgets the ids below, cutting a range in two", () => {
  const ids = createPageIdRanges([[1, 10], [20, 30], 40]);
  ids.dropBelow(25);
  assert.deepEqual(ids.toJSON(), [[25, 30], 40]);
  ids.dropBelow(Infinity);
  assert.deepEqual(ids.toJSON(), []);
});

Deno.test("createPageIdRanges() is the set of the ids added, through its JSON and after dropBelow (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 80 })),
      fc.integer({ min: 0, max: 90 }),
      (added, cut) => {
        const ids = createPageIdRanges();
        for (const id of added) ids.add(id);
        const copy = createPageIdRanges(ids.toJSON());
        ids.dropBelow(cut);
        for (let id = 0; id <= 90; id++) {
          const member = added.includes(id);
          assert.equal(copy.has(id), member);
          assert.equal(ids.has(id), member && id >= cut);
        }
        // As few ranges as the ids allow.
        const sorted = [...new Set(added)].sort((a, b) => a - b);
        const runs = sorted.filter((id, i) =>
          i === 0 || sorted[i - 1] !== id - 1
        );
        assert.equal(copy.ranges, runs.length);
      },
    ),
  );
});
