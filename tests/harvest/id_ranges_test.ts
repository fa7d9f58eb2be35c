import assert from "node:assert/strict";
import { createIdRanges } from "../../src/harvest/id_ranges.ts";

Deno.test("createIdRanges() answers like a set for ids added in any order", () => {
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
  const ranges = createIdRanges();
  const reference = new Set<number>();
  for (const id of ids) {
    ranges.add(id);
    reference.add(id);
  }
  for (let id = 0; id < 10_000; id++) {
    assert.equal(ranges.has(id), reference.has(id), `id ${id}`);
  }
});

Deno.test("createIdRanges() keeps consecutive ids as one range, and joins ranges a gap-filling id meets", () => {
  const ranges = createIdRanges();
  for (const id of [1, 2, 3, 5, 6]) ranges.add(id);
  assert.equal(ranges.ranges, 2);
  ranges.add(4);
  assert.equal(ranges.ranges, 1);
  ranges.add(4);
  assert.equal(ranges.ranges, 1);
  ranges.add(0);
  ranges.add(10);
  assert.equal(ranges.ranges, 2);
  assert.deepEqual([0, 6, 7, 9, 10, 11].map((id) => ranges.has(id)), [
    true,
    true,
    false,
    false,
    true,
    false,
  ]);
});

Deno.test("createIdRanges() holds a million consecutive ids in one range", () => {
  const ranges = createIdRanges();
  for (let id = 1; id <= 1_000_000; id++) ranges.add(id);
  assert.equal(ranges.ranges, 1);
  assert.equal(ranges.has(500_000), true);
  assert.equal(ranges.has(1_000_001), false);
});
