import assert from "node:assert/strict";
import fc from "fast-check";
import { IdSet } from "../../../../src/source/opencast/upstream/id_set.ts";

Deno.test("IdSet keeps ids as ranges: adds, deletes, counts and ranks like a sorted set", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 200 }),
      fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 50 }),
      fc.integer({ min: 0, max: 320 }),
      (added, deleted, probe) => {
        const set = new IdSet(added);
        const plain = new Set(added);
        for (const id of deleted) {
          assert.equal(set.delete(id), plain.delete(id));
        }
        const sorted = [...plain].sort((a, b) => a - b);
        assert.deepEqual([...set], sorted);
        assert.equal(set.size, plain.size);
        assert.equal(set.has(probe), plain.has(probe));
        assert.equal(
          set.countBelow(probe),
          sorted.filter((id) => id < probe).length,
        );
        assert.equal(set.idAtRank(probe), sorted[probe]);
        assert.equal(set.min, sorted[0]);
        assert.equal(set.max, sorted.at(-1));
        assert.deepEqual([...IdSet.decode(set.encode())], sorted);
        assert.deepEqual([...set.clone()], sorted);
      },
    ),
  );
});

Deno.test("IdSet.encode() writes small numbers for ids in blocks, and decode() refuses what it never writes", () => {
  const set = new IdSet();
  for (let block = 0; block < 100; block++) {
    for (let i = 0; i < 40; i++) set.add(9_120_000 + block * 50 + i);
  }
  const runs = set.encode();
  assert.equal(runs[0], 9_120_000);
  assert.ok(runs.slice(1).every((n) => n <= 40), "runs of 40, gaps of 10");
  assert.equal(set.ranges, 100);
  assert.equal(runs.length, 200);
  for (const bad of [[1], [1, 0], [1, 2, 0, 3], [1.5, 2]]) {
    assert.throws(() => IdSet.decode(bad), RangeError, JSON.stringify(bad));
  }
  assert.equal(IdSet.decode([]).size, 0);
});
