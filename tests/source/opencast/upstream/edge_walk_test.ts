import assert from "node:assert/strict";
import {
  type Anchor,
  EdgeWalk,
  type EdgeWalkOptions,
} from "../../../../src/source/opencast/upstream/edge_walk.ts";

// The stretch: 60 s around t = 0 (ms).
const FROM = Temporal.Instant.fromEpochMilliseconds(1_000_000);
const TO = FROM.add({ seconds: 120 });
const at = (seconds: number) => FROM.epochMilliseconds + seconds * 1000;

/**
 * Runs a walk against a table (id to created ms), the ids in `read` known
 * from `day` answers; returns the ids found in the stretch and the probes.
 */
function walk(
  table: ReadonlyMap<number, number>,
  read: readonly number[],
  more: Partial<EdgeWalkOptions> = {},
) {
  const known = new Set(read);
  const anchors: Anchor[] = read.map((id) => ({
    id,
    createdMs: table.get(id)!,
  }))
    .filter((a) =>
      a.createdMs >= at(-600) && a.createdMs <= TO.epochMilliseconds + 600_000
    );
  const edge = new EdgeWalk({
    from: FROM,
    to: TO,
    known: (id) => known.has(id),
    anchors,
    ...more,
  });
  const found: number[] = [];
  const asked: number[] = [];
  for (;;) {
    const ids = edge.next(4);
    if (ids.length === 0) break;
    for (const id of ids) {
      asked.push(id);
      known.add(id);
      const created = table.get(id) ?? null;
      edge.record(id, created);
      if (
        created !== null && created >= FROM.epochMilliseconds &&
        created <= TO.epochMilliseconds
      ) {
        found.push(id);
      }
    }
  }
  assert.equal(edge.probes, asked.length);
  assert.equal(new Set(asked).size, asked.length, "no id asked twice");
  return { found: found.sort((a, b) => a - b), probes: asked.length };
}

Deno.test("EdgeWalk finds a quiet node's row of the stretch in its block far below the busy node's rows around it", () => {
  const table = new Map<number, number>();
  // The quiet node's block 1000-1049: rows minutes before, then one in the
  // stretch (1012), the rest unused.
  for (let id = 1000; id < 1012; id++) {
    table.set(id, at(-900 + (id - 1000) * 60));
  }
  table.set(1012, at(30));
  // The busy node's blocks 1050-1249, one row a second up to the stretch and
  // past it; those in the stretch were not in any day answer.
  for (let id = 1050; id < 1250; id++) table.set(id, at(id - 1050 - 100));
  const inStretch = [...table].filter(([, c]) => c >= at(0) && c <= at(120))
    .map(([id]) => id);
  const read = [...table.keys()].filter((id) => !inStretch.includes(id));
  const { found, probes } = walk(table, read, { low: 1000 });
  assert.deepEqual(found, inStretch.sort((a, b) => a - b));
  assert.ok(found.includes(1012));
  // The quiet block's rest is asked for whole (its neighbours were written
  // minutes around the stretch); the walks below and above end after ten
  // missing ids in a row.
  assert.ok(probes <= inStretch.length + 37 + 20, `${probes} probes`);
});

Deno.test("EdgeWalk asks for a gap between rows on both sides of the stretch whole, through missing ids", () => {
  const table = new Map<number, number>();
  table.set(100, at(-5));
  // 101, 103, 105 missing (rolled back); the others in the stretch.
  for (const id of [102, 104, 106, 107]) table.set(id, at(id - 100));
  table.set(108, at(130));
  const { found, probes } = walk(table, [100, 108]);
  assert.deepEqual(found, [102, 104, 106, 107]);
  // The gap (7 ids), and ten missing ids below and above the region.
  assert.equal(probes, 7 + 10 + 10);
});

Deno.test("EdgeWalk spends a few probes on another table's block, whole or from its ends", () => {
  const table = new Map<number, number>();
  for (let id = 1; id <= 40; id++) table.set(id, at(-400 + id));
  // 41-140: another persistence unit's ids. Then rows after the stretch.
  for (let id = 141; id <= 180; id++) table.set(id, at(200 + id));
  const { found, probes } = walk(table, [...table.keys()]);
  assert.deepEqual(found, []);
  // Up from 41 and down from 140 until ten missing ids in a row each, and
  // ten above the region.
  assert.equal(probes, 10 + 10 + 10);
});

Deno.test("EdgeWalk goes on above the highest known id, and stops at a row after the stretch", () => {
  const table = new Map<number, number>();
  for (let id = 1; id <= 20; id++) table.set(id, at(-30 + id));
  // Nothing of the day after was read yet: 21-25 in the stretch, then later.
  for (let id = 21; id <= 25; id++) table.set(id, at(50 + id));
  for (let id = 26; id <= 60; id++) table.set(id, at(300 + id));
  const { found, probes } = walk(
    table,
    [...Array(20).keys()].map((i) => i + 1),
    {
      top: 20,
    },
  );
  assert.deepEqual(found, [21, 22, 23, 24, 25]);
  assert.ok(probes <= 6, `${probes} probes`);
});

Deno.test("EdgeWalk walks a block down from a row after the stretch, through it, to a row before it", () => {
  // The day before was not read: only rows after the stretch are known.
  const table = new Map<number, number>();
  for (let id = 700; id <= 760; id++) table.set(id, at(-150 + (id - 700) * 5));
  const { found, probes } = walk(table, [757, 758, 759, 760]);
  const expected = [...table].filter(([, c]) => c >= at(0) && c <= at(120))
    .map(([id]) => id);
  assert.deepEqual(found, expected);
  // Down from 756 to 727 (created 15 s before: past the 10 s margin), and
  // ten missing ids above 760.
  assert.equal(probes, 30 + 10);
});

/**
 * A busy server's midnight: between rows read on either side of the stretch,
 * blocks of 50 ids in turn of the busy node (a row every 50 ms, all in the
 * stretch), of other tables (no rows; two of them in a row at one place) and
 * of a restarted node (its block's rest unused).
 */
function busyStretch(): { table: Map<number, number>; inStretch: number[] } {
  const table = new Map<number, number>();
  table.set(1000, at(-2));
  let id = 1001;
  let t = 0;
  const own = (count: number) => {
    for (let i = 0; i < count; i++, id++, t += 0.05) table.set(id, at(t));
  };
  for (let block = 0; block < 28; block++) {
    if (block % 5 === 2) id += 50; // another table's block
    if (block === 11) id += 50; // and a second one right after it
    if (block === 17) {
      own(20); // a node restarted: the rest of its block is never used
      id += 30;
      continue;
    }
    own(50);
  }
  const inStretch = [...table.keys()].filter((k) => k !== 1000);
  table.set(id, at(122));
  return { table, inStretch };
}

Deno.test("EdgeWalk asks for a busy stretch of more than a thousand ids whole, through other tables' blocks", () => {
  const { table, inStretch } = busyStretch();
  const last = Math.max(...table.keys());
  assert.ok(last - 1000 > 1000, `a gap of ${last - 1000} ids`);
  const { found, probes } = walk(table, [1000, last]);
  assert.deepEqual(found, inStretch);
  // The gap, and ten missing ids below and above the region.
  assert.equal(probes, last - 1000 - 1 + 10 + 10);
});

Deno.test("EdgeWalk hands out a round's worth of a gap asked for whole, without waiting for answers", () => {
  const { table } = busyStretch();
  const edge = new EdgeWalk({
    from: FROM,
    to: TO,
    known: (id) => id === 1000 || id === Math.max(...table.keys()),
    anchors: [1000, Math.max(...table.keys())].map((id) => ({
      id,
      createdMs: table.get(id)!,
    })),
  });
  assert.deepEqual(edge.next(8), [
    1001,
    1002,
    1003,
    1004,
    1005,
    1006,
    1007,
    1008,
  ]);
});

Deno.test("EdgeWalk walks a stretch too long to ask for whole through other tables' blocks to the rows beyond them", () => {
  const { table, inStretch } = busyStretch();
  const last = Math.max(...table.keys());
  const { found, probes } = walk(table, [1000, last], { maxScan: 100 });
  assert.deepEqual(found, inStretch);
  assert.ok(probes < last - 1000 + 20 + 300, `${probes} probes`);
});

Deno.test("EdgeWalk asks once for a gap's neighbour an earlier run delivered, and then reads the gap by where it lies", () => {
  // 1000: delivered by the run before (known, not read now, so no anchor);
  // then another table's block, the stretch's rows, another table's block,
  // and a row after the stretch this run read.
  const table = new Map<number, number>([[1000, at(-3)]]);
  for (let id = 1051; id <= 1150; id++) table.set(id, at(1 + (id - 1051)));
  table.set(1201, at(125));
  const { found, probes } = walk(table, [1000, 1201], {
    anchors: [{ id: 1201, createdMs: at(125) }],
    // The day before's newest known ids reach down to it.
    low: 1000,
    readNow: (id) => id === 1201,
  });
  assert.deepEqual(
    found,
    [...table.keys()].filter((id) => id >= 1051 && id <= 1150),
  );
  // The neighbour, the gap whole, ten missing ids below and above.
  assert.equal(probes, 1 + 200 + 10 + 10);
});

Deno.test("EdgeWalk asks for no neighbour this run read: one that is no anchor was created far from the stretch", () => {
  const table = new Map<number, number>([[1000, at(-2000)]]);
  table.set(1201, at(125));
  const { probes } = walk(table, [1000, 1201], {
    anchors: [{ id: 1201, createdMs: at(125) }],
    low: 1000,
    readNow: () => true,
  });
  // Walked from both ends until ten missing ids each, and ten above.
  assert.equal(probes, 10 + 10 + 10 + 10);
});
