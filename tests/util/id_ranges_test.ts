import assert from "node:assert/strict";
import fc from "fast-check";
import { IdRanges } from "../../src/util/id_ranges.ts";

Deno.test("IdRanges answers like a set for ids added in any order", () => {
  // A seeded shuffle of mostly consecutive ids with gaps, checked against Set.
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const ids = Array.from(
    { length: 3000 },
    (_, i) => i * (random() < 0.05 ? 3 : 1) + 100,
  );
  for (let i = ids.length - 1; i > 0; i--) {
    if (random() < 0.1) {
      const j = Math.floor(random() * (i + 1));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
  }
  const ranges = new IdRanges();
  const reference = new Set<number>();
  for (const id of ids) {
    assert.equal(ranges.add(id), !reference.has(id), `add ${id}`);
    reference.add(id);
  }
  for (let id = 0; id < 10_000; id++) {
    assert.equal(ranges.has(id), reference.has(id), `id ${id}`);
  }
  assert.equal(ranges.size, reference.size);
});

Deno.test("IdRanges keeps consecutive ids as one range, and joins ranges a gap-filling id meets", () => {
  const ranges = new IdRanges();
  for (const id of [1, 2, 3, 5, 6]) ranges.add(id);
  assert.equal(ranges.rangeCount, 2);
  ranges.add(4);
  assert.equal(ranges.rangeCount, 1);
  ranges.add(4);
  assert.equal(ranges.rangeCount, 1);
  ranges.add(0);
  ranges.add(10);
  assert.equal(ranges.rangeCount, 2);
  assert.deepEqual([0, 6, 7, 9, 10, 11].map((id) => ranges.has(id)), [
    true,
    true,
    false,
    false,
    true,
    false,
  ]);
  assert.deepEqual([...ranges.ranges()], [[0, 6], [10, 10]]);
});

Deno.test("IdRanges holds a million consecutive ids in one range", () => {
  const ranges = new IdRanges();
  for (let id = 1; id <= 1_000_000; id++) ranges.add(id);
  assert.equal(ranges.rangeCount, 1);
  assert.equal(ranges.size, 1_000_000);
  assert.equal(ranges.has(500_000), true);
  assert.equal(ranges.has(1_000_001), false);
});

Deno.test("IdRanges adds, deletes, counts and ranks like a sorted set, through both JSON forms (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 200 }),
      fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 50 }),
      fc.integer({ min: 0, max: 320 }),
      (added, deleted, probe) => {
        const set = new IdRanges(added);
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
        assert.deepEqual([...IdRanges.fromRuns(set.toRuns())], sorted);
        assert.deepEqual(
          [...IdRanges.fromRangeList(set.toRangeList())],
          sorted,
        );
        assert.deepEqual([...set.clone()], sorted);
        // As few ranges as the ids allow.
        const runs = sorted.filter((id, i) =>
          i === 0 || sorted[i - 1] !== id - 1
        );
        assert.equal(set.rangeCount, runs.length);
      },
    ),
  );
});

Deno.test("IdRanges.addRange() and deleteBelow() keep the set and its size right (property)", () => {
  const range = fc.tuple(
    fc.integer({ min: 0, max: 80 }),
    fc.integer({ min: 0, max: 10 }),
  );
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 90 }), range)),
      fc.integer({ min: 0, max: 100 }),
      (entries, cut) => {
        const set = new IdRanges();
        const plain = new Set<number>();
        for (const entry of entries) {
          if (typeof entry === "number") {
            set.add(entry);
            plain.add(entry);
          } else {
            const [first, length] = entry;
            set.addRange(first, first + length - 1);
            for (let id = first; id < first + length; id++) plain.add(id);
          }
        }
        assert.equal(set.size, plain.size);
        set.deleteBelow(cut);
        const kept = [...plain].filter((id) => id >= cut).sort((a, b) => a - b);
        assert.deepEqual([...set], kept);
        assert.equal(set.size, kept.length);
      },
    ),
  );
});

Deno.test("IdRanges.toRuns() writes small numbers for ids in blocks, and fromRuns() refuses what it never writes", () => {
  const set = new IdRanges();
  for (let block = 0; block < 100; block++) {
    for (let i = 0; i < 40; i++) set.add(9_120_000 + block * 50 + i);
  }
  const runs = set.toRuns();
  assert.equal(runs[0], 9_120_000);
  assert.ok(runs.slice(1).every((n) => n <= 40), "runs of 40, gaps of 10");
  assert.equal(set.rangeCount, 100);
  assert.equal(runs.length, 200);
  for (const bad of [[1], [1, 0], [1, 2, 0, 3], [1.5, 2]]) {
    assert.throws(
      () => IdRanges.fromRuns(bad),
      RangeError,
      JSON.stringify(bad),
    );
  }
  assert.equal(IdRanges.fromRuns([]).size, 0);
});

Deno.test("IdRanges.toRangeList() keeps consecutive ids as one range and lone ids as numbers", () => {
  const ids = IdRanges.fromRangeList([[10, 12], 15]);
  for (const id of [13, 14, 20, 19]) ids.add(id);
  assert.deepEqual(ids.toRangeList(), [[10, 15], [19, 20]]);
  assert.equal(ids.rangeCount, 2);
  assert.ok(ids.has(14) && !ids.has(16) && !ids.has(9));
});

Deno.test("IdRanges.fromRangeList() merges ranges given in any order, overlapping or touching", () => {
  const merged = IdRanges.fromRangeList([
    [20, 30],
    5,
    [1, 4],
    [25, 40],
    41,
    43,
  ]);
  assert.deepEqual(merged.toRangeList(), [[1, 5], [20, 41], 43]);
  assert.equal(merged.size, 5 + 22 + 1);
  // A range a billion ids long is one entry, read and written at once.
  const long = IdRanges.fromRangeList([[1, 1e9]]);
  assert.deepEqual(long.toRangeList(), [[1, 1e9]]);
  assert.equal(long.size, 1e9);
});

Deno.test("IdRanges.deleteBelow() forgets the ids below, cutting a range in two", () => {
  const ids = IdRanges.fromRangeList([[1, 10], [20, 30], 40]);
  ids.deleteBelow(25);
  assert.deepEqual(ids.toRangeList(), [[25, 30], 40]);
  assert.equal(ids.size, 7);
  ids.deleteBelow(Infinity);
  assert.deepEqual(ids.toRangeList(), []);
  assert.equal(ids.size, 0);
});
