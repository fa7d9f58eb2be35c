import assert from "node:assert/strict";
import {
  countDay,
  type CountedRow,
  dayMinutes,
  edgeOffset,
} from "../../../../src/source/opencast/upstream/day_count.ts";

const NY = "America/New_York";
const MINUTES = dayMinutes("20261204", NY);
const MIDNIGHT = MINUTES.firstStartMs; // 2026-12-04 00:00 in New York
const LAST = MINUTES.lastStartMs; // 23:59

/** A row created `offset` ms into the first minute (negative: into the core). */
const first = (id: number, ms: number): CountedRow => ({
  id,
  createdMs: MIDNIGHT + ms,
});
const core = (id: number, minute: number): CountedRow => ({
  id,
  createdMs: MIDNIGHT + minute * 60_000,
});
const last = (id: number, ms: number): CountedRow => ({
  id,
  createdMs: LAST + ms,
});

Deno.test("dayMinutes() and edgeOffset() place rows in the day's first minute, last minute, or neither, as the server reads wall times", () => {
  assert.equal(
    new Date(MIDNIGHT).toISOString(),
    "2026-12-04T05:00:00.000Z",
  );
  assert.deepEqual(edgeOffset(MIDNIGHT + 12_500, MINUTES), {
    minute: "first",
    offsetMs: 12_500,
  });
  assert.equal(edgeOffset(MIDNIGHT + 60_000, MINUTES), null);
  assert.equal(edgeOffset(LAST, MINUTES), null, "23:59:00 is in every answer");
  assert.deepEqual(edgeOffset(LAST + 1, MINUTES), {
    minute: "last",
    offsetMs: 1,
  });
  // The fall-back day is 25 hours long: its 23:59 is 24 h 59 min in.
  const fallBack = dayMinutes("20261101", NY);
  assert.equal(
    fallBack.lastStartMs - fallBack.firstStartMs,
    (24 * 60 + 59) * 60_000,
  );
});

Deno.test("countDay() with no edge rows: the total less the known ids, exactly", () => {
  const rows = [core(1, 5), core(2, 6), core(3, 7)];
  const page = { total: 5, offset: 2, limit: 10, rows };
  const count = countDay(
    page,
    4,
    { first: new Map(), last: new Map() },
    MINUTES,
  );
  assert.deepEqual(count, {
    certainIn: 4,
    unresolved: 0,
    missingUpper: 1,
    missingLower: 1,
    open: [],
  });
});

Deno.test("countDay() on the answer's first page settles the first-minute rows it shows or leaves out, and the seconds they bound settle the rest", () => {
  // Known first-minute rows at 5 s, 20 s, 40 s. The page (ids ascending,
  // so the primary-key order) starts the answer: 40 s is on it, 5 s and
  // 20 s are not, so the request's seconds lie in (20, 40].
  const rows = [first(12, 40_000), core(13, 3), core(14, 4)];
  const page = { total: 4, offset: 0, limit: 3, rows };
  const edges = {
    first: new Map([[10, 5_000], [11, 20_000], [12, 40_000]]),
    // A last-minute row at 10 s is in the answer when the seconds are at
    // least 10: they are, by the first minute's rows.
    last: new Map([[20, 10_000]]),
  };
  const count = countDay(page, 6, edges, MINUTES);
  // Core 13, 14 and the id 20 row; the 12 row; not 10 or 11.
  assert.deepEqual(count, {
    certainIn: 4,
    unresolved: 0,
    missingUpper: 0,
    missingLower: 0,
    open: [],
  });
});

Deno.test("countDay() leaves open the edge rows a page in the middle of the answer cannot show", () => {
  const rows = [core(50, 100), core(51, 101)];
  const page = { total: 10, offset: 5, limit: 2, rows };
  const edges = {
    first: new Map([[10, 5_000], [11, 20_000]]),
    last: new Map(),
  };
  const count = countDay(page, 9, edges, MINUTES);
  assert.deepEqual(count, {
    certainIn: 7,
    unresolved: 2,
    missingUpper: 3,
    missingLower: 1,
    open: [{ id: 10, minute: "first" }, { id: 11, minute: "first" }],
  });
});

Deno.test("countDay() on the answer's last page, rows in created order, settles the last-minute rows", () => {
  // Created order: ids need not ascend. The page ends the answer.
  const rows = [core(70, 1_400), last(40, 10_000), last(90, 30_000)];
  const page = { total: 100, offset: 97, limit: 10, rows };
  const edges = {
    first: new Map(),
    last: new Map([[40, 10_000], [90, 30_000], [41, 45_000]]),
  };
  const count = countDay(page, 100, edges, MINUTES);
  // 41 (45 s) is covered and absent: out. The other 97 known are core.
  assert.equal(count.certainIn, 99);
  assert.equal(count.unresolved, 0);
  assert.equal(count.missingUpper, 1);
});

Deno.test("countDay() says when fewer rows are counted than surely known: deletions", () => {
  const page = {
    total: 3,
    offset: 0,
    limit: 10,
    rows: [core(1, 5), core(2, 6), core(3, 7)],
  };
  const count = countDay(
    page,
    5,
    { first: new Map(), last: new Map() },
    MINUTES,
  );
  assert.equal(count.missingUpper, -2);
});

Deno.test("countDay() trusts no coverage from a page sorted neither by id nor by created", () => {
  const rows = [core(5, 10), first(3, 30_000), core(4, 2)];
  const page = { total: 20, offset: 0, limit: 3, rows };
  const edges = { first: new Map([[3, 30_000], [2, 50_000]]), last: new Map() };
  const count = countDay(page, 10, edges, MINUTES);
  assert.equal(count.unresolved, 2);
  assert.equal(count.certainIn, 8);
});
