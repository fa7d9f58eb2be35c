import assert from "node:assert/strict";
import { IdGapFill } from "../../../../src/source/opencast/upstream/id_gap_fill.ts";

const T0 = Temporal.Instant.from("2026-12-05T04:59:00Z");
const ms = (seconds: number) => T0.epochMilliseconds + seconds * 1000;
/** The stretch [T0, T0 + 120 s]. */
const stretch = (more = {}) =>
  new IdGapFill({
    from: T0,
    to: T0.add({ seconds: 120 }),
    marginSeconds: 10,
    ...more,
  });

/** Runs the fill against a table of id -> created ms, `inFlight` at a time. */
function walk(fill: IdGapFill, table: Map<number, number>, inFlight = 4) {
  const asked: number[] = [];
  for (;;) {
    const ids = fill.next(inFlight);
    if (ids.length === 0) return asked;
    for (const id of ids) {
      asked.push(id);
      fill.record(id, table.get(id) ?? null);
    }
  }
}

/** One action a second from `firstSecond`, ids from `firstId` with a gap. */
function sequence(firstId: number, firstSecond: number, count: number) {
  const table = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    // Every tenth id is skipped: the sequence has gaps.
    table.set(firstId + i + Math.floor(i / 9), ms(firstSecond + i));
  }
  return table;
}

Deno.test("IdGapFill asks for exactly the unknown ids between the neighbours known on both sides", () => {
  const table = sequence(1000, -60, 300);
  const fill = stretch();
  // The list queries returned everything but 0..120 s.
  for (const [id, created] of table) {
    if (created < ms(0) || created > ms(120)) fill.observe(id, created);
  }
  const asked = walk(fill, table);
  const inside = [...table].filter(([, c]) => c >= ms(0) && c <= ms(120))
    .map(([id]) => id);
  const known = [...table].filter(([, c]) => c < ms(-10) || c > ms(130))
    .map(([id]) => id);
  const lo = Math.max(...known.filter((id) => table.get(id)! < ms(-10)));
  const hi = Math.min(...known.filter((id) => table.get(id)! > ms(130)));
  for (const id of inside) assert.ok(asked.includes(id), `id ${id} asked`);
  // Nothing outside (lo, hi), nothing twice, nothing already known.
  assert.ok(asked.every((id) => id > lo && id < hi));
  assert.equal(new Set(asked).size, asked.length);
  assert.ok(
    asked.every((id) => !known.includes(id) || table.get(id)! >= ms(-10)),
  );
  assert.equal(fill.probes, asked.length);
});

Deno.test("IdGapFill skips ids the list queries already returned inside the stretch", () => {
  const table = sequence(1000, -60, 300);
  const fill = stretch();
  for (const [id, created] of table) {
    // Only 115..120 s is missing.
    if (created < ms(115) || created > ms(120)) fill.observe(id, created);
  }
  const asked = walk(fill, table);
  const missing = [...table].filter(([, c]) => c >= ms(115) && c <= ms(120))
    .map(([id]) => id);
  assert.ok(missing.every((id) => asked.includes(id)));
  // The gaps near the stretch, not the whole stretch.
  assert.ok(asked.length < 30, `${asked.length} probes`);
});

Deno.test("IdGapFill walks down when nothing before the stretch is known", () => {
  const table = sequence(1000, -60, 300);
  const fill = stretch();
  // Only the actions after the stretch were listed (a window starting in it).
  for (const [id, created] of table) {
    if (created > ms(120)) fill.observe(id, created);
  }
  const asked = walk(fill, table);
  const inside = [...table].filter(([, c]) => c >= ms(0) && c <= ms(120))
    .map(([id]) => id);
  assert.ok(inside.every((id) => asked.includes(id)));
  // It stopped soon after meeting an action older than the margin.
  const oldest = Math.min(...asked.filter((id) => table.has(id)));
  assert.ok(table.get(oldest)! < ms(-10));
  assert.ok(table.get(oldest)! >= ms(-12), "the walk stopped at the margin");
});

Deno.test("IdGapFill walks up past the newest action until a run of missing ids", () => {
  const table = sequence(1000, -60, 100); // ends at 39 s: nothing after the stretch
  const fill = stretch({ absentRunLimit: 20 });
  for (const [id, created] of table) {
    if (created < ms(0)) fill.observe(id, created);
  }
  const asked = walk(fill, table);
  const inside = [...table].filter(([, c]) => c >= ms(0)).map(([id]) => id);
  assert.ok(inside.every((id) => asked.includes(id)));
  const newest = Math.max(...table.keys());
  assert.ok(asked.includes(newest + 20), "it looked 20 ids past the newest");
  assert.ok(!asked.includes(newest + 25), "and stopped there");
});

Deno.test("IdGapFill stops walking up at an action after the margin", () => {
  const table = sequence(1000, -60, 300);
  const fill = stretch();
  for (const [id, created] of table) {
    if (created < ms(0)) fill.observe(id, created);
  }
  const asked = walk(fill, table, 1);
  const newestAsked = Math.max(...asked);
  assert.ok(table.get(newestAsked)! > ms(130));
  assert.ok(table.get(newestAsked)! <= ms(131), "stopped at the first beyond");
});

Deno.test("IdGapFill counts a known action as breaking a run of missing ids", () => {
  // Ids 100 (before), 120 (inside, listed), 140 (inside, unlisted); nothing after.
  const table = new Map([[100, ms(-30)], [120, ms(50)], [140, ms(60)]]);
  const fill = stretch({ absentRunLimit: 25 });
  fill.observe(100, ms(-30));
  fill.observe(120, ms(50));
  const asked = walk(fill, table);
  assert.ok(asked.includes(140), "the run from 101 was broken by 120");
  assert.ok(!asked.includes(120));
});

Deno.test("IdGapFill with nothing known asks for nothing and says it needs an anchor", () => {
  const fill = stretch();
  assert.equal(fill.needsAnchor, true);
  assert.deepEqual(fill.next(4), []);
  const other = stretch();
  other.observe(5, ms(200));
  assert.equal(other.needsAnchor, false);
});
