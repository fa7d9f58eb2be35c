import assert from "node:assert/strict";
import {
  type DayBatch,
  type DayQuery,
  DayReader,
  type DayReaderOptions,
} from "../../../../src/source/opencast/upstream/day_reader.ts";
import { upstreamFake } from "./_upstream_fake.ts";

const NY = "America/New_York";
const MIDNIGHT = Temporal.Instant.from("2026-12-04T05:00:00Z"); // 00:00 in New York
const NOON = MIDNIGHT.add({ hours: 12 });

async function readAll(reader: DayReader): Promise<DayBatch[]> {
  const batches: DayBatch[] = [];
  for await (const batch of reader.read()) batches.push(batch);
  return batches;
}

/**
 * A reader of 2026-12-04 in New York through `fake`, in pages of 100 unless
 * `options` say otherwise.
 */
function dayReader(
  fake: ReturnType<typeof upstreamFake>,
  options: Omit<DayReaderOptions, "day" | "zone" | "fetchDay" | "batchSize"> & {
    readonly batchSize?: number;
  },
): DayReader {
  return new DayReader({
    day: "20261204",
    zone: NY,
    batchSize: 100,
    fetchDay: fake.fetchDay,
    ...options,
  });
}

/** The fake's `day` requests from now on. */
function asked(fake: ReturnType<typeof upstreamFake>): DayQuery[] {
  const queries: DayQuery[] = [];
  const fetchDay = fake.fetchDay;
  fake.fetchDay = (query) => {
    queries.push(query);
    return fetchDay(query);
  };
  return queries;
}

Deno.test("DayReader reads a new day whole, then only its end, and hands on only the ids it did not know (vouched)", async () => {
  const fake = upstreamFake({ zone: NY, daySeconds: 0 });
  for (let i = 0; i < 300; i++) fake.add(NOON.subtract({ seconds: 600 - i }));
  const first = dayReader(fake, { end: NOON });
  const batches = await readAll(first);
  assert.equal(batches.flatMap((b) => b.actions).length >= 300, true);
  assert.ok(batches.every((b) => !b.vouched));
  assert.equal(first.complete, true);
  const state = first.state();
  assert.equal(state.total, 300);
  assert.equal(state.ids.size, 300);
  assert.equal(state.partial, false);
  // 20 new rows, one with an id taken long ago (a quiet node's).
  const added = fake.add(
    ...Array.from({ length: 20 }, (_, i) => NOON.add({ seconds: 10 + i })),
  );
  const queries = asked(fake);
  const next = dayReader(fake, { end: NOON.add({ minutes: 1 }), state });
  const handed = (await readAll(next)).flatMap((b) => {
    assert.equal(b.vouched, true);
    return b.actions.map((a) => a.id);
  });
  assert.deepEqual(handed.sort((a, b) => a - b), added.map((a) => a.id));
  assert.deepEqual(queries, [{ day: "20261204", limit: 150, offset: 250 }]);
  assert.equal(next.state().ids.size, 320);
});

Deno.test("DayReader widens towards the start until the count finds a row stored deep in the answer", async () => {
  const fake = upstreamFake({ zone: NY, daySeconds: 0 });
  for (let i = 0; i < 500; i++) fake.add(NOON.subtract({ seconds: 900 - i }));
  const reader = () =>
    dayReader(fake, { end: NOON.add({ minutes: 5 }), state: first.state() });
  const first = dayReader(fake, { end: NOON });
  await readAll(first);
  // An id the fake skipped, 300 rows below the end: a row stored now.
  const ids = new Set(fake.rows.map((row) => row.id));
  let deepId = fake.rows[200]!.id;
  while (ids.has(deepId)) deepId++;
  fake.rows.push({
    ...fake.rows[0]!,
    id: deepId,
    created: fake.rows.at(-1)!.created,
  });
  const queries = asked(fake);
  const second = reader();
  const handed = (await readAll(second)).flatMap((b) =>
    b.actions.map((a) => a.id)
  );
  assert.deepEqual(handed, [deepId]);
  assert.equal(second.complete, true);
  // The end, then half a page back, then a page at a time.
  assert.deepEqual(queries.map((q) => q.offset), [450, 400, 300, 200]);
});

Deno.test("DayReader settles the day's first-minute rows with a request at the answer's start when the count leaves them open", async () => {
  // The server's seconds change from request to request.
  let request = 0;
  const seconds = [0, 40, 40, 40, 0, 20];
  const fake = upstreamFake({
    zone: NY,
    daySeconds: () => seconds[request++ % 6]!,
  });
  // Rows in the first minute (every 5 s), then the morning.
  for (let i = 0; i < 12; i++) fake.add(MIDNIGHT.add({ seconds: 5 * i }));
  for (let i = 0; i < 400; i++) {
    fake.add(MIDNIGHT.add({ minutes: 30, seconds: i }));
  }
  const first = dayReader(fake, { batchSize: 500, end: NOON });
  await readAll(first);
  assert.equal(first.complete, true, "one page at 0 s: every row");
  assert.equal(first.state().first.length, 12);
  // A later run: the day's end at 40 s (first-minute rows before it left
  // out), which a tail page cannot tell from missing rows.
  fake.add(NOON.subtract({ minutes: 1 }));
  request = 1;
  const queries = asked(fake);
  const next = dayReader(fake, { end: NOON, state: first.state() });
  const handed = (await readAll(next)).flatMap((b) =>
    b.actions.map((a) => a.id)
  );
  assert.equal(handed.length, 1);
  assert.equal(next.complete, true);
  assert.equal(queries.at(-1)!.offset, 0, "settled at the answer's start");
  assert.ok(queries.length <= 3, `${queries.length} requests`);
});

Deno.test("DayReader warns of a shrinking day once, reads it again and keeps only what is there", async () => {
  const fake = upstreamFake({ zone: NY, daySeconds: 0 });
  for (let i = 0; i < 200; i++) fake.add(NOON.subtract({ seconds: 600 - i }));
  const first = dayReader(fake, { end: NOON });
  await readAll(first);
  const removed = fake.rows.splice(10, 30).map((row) => row.id);
  const [added] = fake.add(NOON.add({ seconds: 30 }));
  const next = dayReader(fake, {
    end: NOON.add({ minutes: 1 }),
    state: first.state(),
  });
  const handed = (await readAll(next)).flatMap((b) =>
    b.actions.map((a) => a.id)
  );
  assert.deepEqual([...new Set(handed)], [added!.id]);
  assert.equal(next.complete, true);
  const ids = next.state().ids;
  assert.equal(ids.size, 171);
  assert.ok(removed.every((id) => !ids.has(id)));
});
