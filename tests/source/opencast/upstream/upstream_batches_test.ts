import assert from "node:assert/strict";
import type { ActionRecord } from "../../../../src/record/action_record.ts";
import type { Checkpoint } from "../../../../src/checkpoint/checkpoint_format.ts";
import { harvestWindow } from "../../../../src/harvest/harvest_window.ts";
import type { DayQuery } from "../../../../src/source/opencast/upstream/upstream_batches.ts";
import { createOpencastSource } from "../../../../src/source/opencast/opencast_source.ts";
import { readOpencastPosition } from "../../../../src/source/opencast/opencast_position.ts";
import { createWindowCheckpoint } from "../../../../src/checkpoint/window_checkpoint.ts";
import { createEpisodeLookup } from "../../../../src/harvest/episode_lookup.ts";
import { createNullEpisodeCache } from "../../../../src/cache/null_episode_cache.ts";
import type { RecordSink } from "../../../../src/sinks/record_sink.ts";
import { upstreamFake } from "./_upstream_fake.ts";
import { userAction } from "../../../support/user_action.ts";

const NY = "America/New_York";
const at = (text: string) => Temporal.Instant.from(text);

/** Harvests [start, end] from the fake the way a run does; returns delivered ids. */
async function harvest(
  fake: ReturnType<typeof upstreamFake>,
  start: Temporal.Instant,
  end: Temporal.Instant,
  checkpoint: Checkpoint | null = null,
  batchSize = 50,
  more: { holdBackSeconds?: number; failAfterBatches?: number } = {},
) {
  const delivered: number[] = [];
  let batches = 0;
  const sink: RecordSink = {
    description: "memory",
    deliver(records: readonly ActionRecord[]) {
      if (batches++ === more.failAfterBatches) {
        return Promise.reject(new Error("the queue went away"));
      }
      delivered.push(...records.map((r) => r.action_id as number));
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  const saved: Checkpoint[] = [];
  const source = createOpencastSource({
    api: "upstream",
    zone: NY,
    batchSize,
    requests: {
      fetchPage: (query) => fake.fetchDay(query as DayQuery),
      fetchById: fake.fetchById,
      fetchAnchor: () => Promise.reject(new Error("no anchor")),
      requests: 0,
    },
    host: "engage.test",
  });
  const result = await harvestWindow({
    source,
    window: {
      start,
      end,
      skipIds: new Set(checkpoint?.ids ?? []),
      // As a run does: the checkpoint's ids, when it lies just before, and
      // its day cursor.
      mark: checkpoint,
      position: checkpoint?.position,
      continuesCheckpoint: checkpoint !== null,
    },
    checkpoint: createWindowCheckpoint({
      start: checkpoint,
      end,
      holdBackSeconds: more.holdBackSeconds ?? 0,
    }),
    lookup: createEpisodeLookup({
      cache: createNullEpisodeCache(),
      fetchEpisode: () => Promise.resolve(null),
    }),
    sink,
    saveCheckpoint: (cp) => {
      saved.push(cp);
      return Promise.resolve();
    },
  }).catch((error) => ({ error }));
  return {
    delivered,
    result: "error" in result ? { checkpoint: saved.at(-1)! } as never : result,
    saved,
    failed: "error" in result,
  };
}

/** The `day` of every list request the fake gets from now on, in order. */
function daysAskedFor(fake: ReturnType<typeof upstreamFake>): string[] {
  const days: string[] = [];
  const fetchDay = fake.fetchDay;
  fake.fetchDay = (query) => {
    days.push(query.day);
    return fetchDay(query);
  };
  return days;
}

const inWindow = (
  fake: ReturnType<typeof upstreamFake>,
  start: Temporal.Instant,
  end: Temporal.Instant,
) =>
  fake.rows.filter((row) => {
    const t = Date.parse(row.created);
    return t >= start.epochMilliseconds && t <= end.epochMilliseconds;
  }).map((row) => row.id).sort((a, b) => a - b);

Deno.test("upstreamBatches() across the server's midnight with the day seconds at 30.5 misses nothing in the lost edges", async () => {
  const fake = upstreamFake({ zone: NY, daySeconds: 30.5 });
  // One action every 5 s from 23:50 to 00:10 (EST), plus some in the
  // seconds a day query at :30.5 loses: 23:59:31-23:59:59 and 00:00:00-00:00:30.
  const midnight = at("2026-12-05T05:00:00Z");
  const times = [-29, -1, 0, 30, 31];
  for (let s = -600; s <= 600; s += 5) times.push(s);
  // Ids follow created (the sequence's order).
  times.sort((a, b) => a - b);
  fake.add(...times.map((s) => midnight.add({ seconds: s })));
  const lost = fake.rows.filter((row) => {
    const t = Date.parse(row.created) - midnight.epochMilliseconds;
    return (t > -29_500 && t < 0) || (t >= 0 && t < 30_500);
  });
  assert.ok(lost.length >= 10, "actions in both lost edges");
  const start = midnight.subtract({ minutes: 5 });
  const end = midnight.add({ minutes: 5 });
  const { delivered, result } = await harvest(fake, start, end);
  assert.deepEqual(delivered.sort((a, b) => a - b), inWindow(fake, start, end));
  assert.ok(lost.every((row) => delivered.includes(row.id)));
  // The lost rows, and once each id the fake skipped among the rows read
  // within minutes of midnight (a gap a quiet node's block could fill).
  assert.ok(result.probes > 0 && result.probes < 80, `${result.probes} probes`);
});

Deno.test("upstreamBatches() over cron runs reads pages in proportion to the new actions", async () => {
  const fake = upstreamFake({ zone: NY, daySeconds: 12 });
  const noon = at("2026-12-04T17:00:00Z");
  // A busy day so far: 5,000 actions before noon.
  for (let i = 0; i < 5000; i++) {
    fake.add(noon.subtract({ seconds: 5000 - i }));
  }
  let checkpoint: Checkpoint | null = null;
  let start = noon.subtract({ minutes: 2 });
  const all: number[] = [];
  const pagesPerRun: number[] = [];
  for (let run = 0; run < 5; run++) {
    const end = noon.add({ minutes: 2 * run });
    if (run > 0) {
      // 30 arrivals between runs, and 3 in the checkpoint's own second.
      for (let i = 0; i < 30; i++) {
        fake.add(end.subtract({ seconds: 100 - 3 * i }));
      }
      fake.add(checkpoint!.timestamp, checkpoint!.timestamp);
    }
    const before = fake.counts.day;
    const { delivered, result } = await harvest(fake, start, end, checkpoint);
    pagesPerRun.push(fake.counts.day - before);
    assert.equal(result.pages, fake.counts.day - before);
    all.push(...delivered);
    checkpoint = result.checkpoint;
    start = checkpoint!.timestamp;
  }
  const expected = inWindow(
    fake,
    noon.subtract({ minutes: 2 }),
    noon.add({ minutes: 8 }),
  );
  assert.deepEqual([...all].sort((a, b) => a - b), expected);
  assert.equal(new Set(all).size, all.length, "no duplicates");
  // The first run reads the day so far (5,000 rows / 50, its last page
  // known to end the day by its total); each later one only its ~33 new
  // rows: one page, or two.
  assert.ok(pagesPerRun[0] >= 99, `${pagesPerRun}`);
  assert.ok(pagesPerRun.slice(1).every((n) => n <= 2), `${pagesPerRun}`);
  // The position keeps the day open, with its count and every id.
  const [day] = readOpencastPosition(checkpoint?.position).days;
  assert.equal(day?.day, "20261204");
  assert.equal(day?.total, fake.rows.length);
  assert.equal(day?.ids.size, fake.rows.length);
});

Deno.test("upstreamBatches() finds a row committed late just below the newest id read, without reading the day again", async () => {
  const fake = upstreamFake({ zone: NY, daySeconds: 0 });
  const noon = at("2026-12-04T17:00:00Z");
  for (let i = 0; i < 200; i++) fake.add(noon.subtract({ seconds: 200 - i }));
  const first = await harvest(fake, noon.subtract({ minutes: 2 }), noon);
  const checkpoint = first.result.checkpoint!;
  // A transaction that took its id before the last row read committed after
  // the run: its id (one the fake skipped) lands just below the newest.
  const newestId = Math.max(...fake.rows.map((row) => row.id));
  const lateId = [...Array(30).keys()].map((i) => newestId - 1 - i)
    .find((id) => !fake.rows.some((row) => row.id === id))!;
  fake.rows.push({
    ...fake.rows[0]!,
    id: lateId,
    created: fake.rows.at(-1)!.created,
  });
  fake.add(noon.add({ seconds: 5 }));
  const before = fake.counts.day;
  const second = await harvest(
    fake,
    checkpoint.timestamp,
    noon.add({ seconds: 30 }),
    checkpoint,
  );
  assert.ok(second.delivered.includes(lateId), "the late row is delivered");
  assert.equal(second.delivered.length, 2);
  assert.equal(fake.counts.day - before, 1, "one page, not the whole day");
});

Deno.test("upstreamBatches() skips no row when the day window's seconds change from page to page", async () => {
  // A live server clock: each request's `day` window starts at another
  // second, so the day's first-minute rows come and go between pages.
  let request = 0;
  const fake = upstreamFake({
    zone: NY,
    daySeconds: () => [5, 50, 20, 59, 0, 33][request++ % 6]!,
  });
  const day = at("2026-12-04T05:00:00Z"); // midnight in New York
  for (let i = 0; i < 60; i++) fake.add(day.add({ seconds: i }));
  for (let i = 0; i < 400; i++) fake.add(day.add({ minutes: 1, seconds: i }));
  const start = day.add({ minutes: 2 });
  const end = day.add({ minutes: 8 });
  const { delivered } = await harvest(fake, start, end);
  assert.deepEqual(delivered.sort((a, b) => a - b), inWindow(fake, start, end));
});

Deno.test("upstreamBatches() delivers nothing outside the window even though day queries return the whole day", async () => {
  const fake = upstreamFake({ zone: NY, daySeconds: 45 });
  const noon = at("2026-12-04T17:00:00Z");
  for (let i = 0; i < 100; i++) fake.add(noon.add({ minutes: i - 50 }));
  const start = noon.subtract({ minutes: 10 });
  const end = noon.add({ minutes: 10 });
  const { delivered } = await harvest(fake, start, end);
  assert.deepEqual(delivered.sort((a, b) => a - b), inWindow(fake, start, end));
  assert.equal(delivered.length, 21);
});

Deno.test("upstreamBatches() with the checkpoint held back loses no older action a failed run had not reached", async () => {
  // Rows in id order whose created times lag a little: the second page holds
  // an action 3 s older than the newest of the first.
  const fake = upstreamFake({ zone: NY, daySeconds: 0 });
  const noon = at("2026-12-04T17:00:00Z");
  // A page is 50 rows and the 50-row overlap: the first holds 100.
  for (let i = 0; i < 100; i++) fake.add(noon.add({ seconds: i }));
  const [older] = fake.add(noon.add({ seconds: 96 }));
  for (let i = 0; i < 49; i++) fake.add(noon.add({ seconds: 100 + i }));
  const start = noon.subtract({ minutes: 1 });
  const end = noon.add({ minutes: 5 });
  const first = await harvest(fake, start, end, null, 50, {
    holdBackSeconds: 10,
    failAfterBatches: 1,
  });
  assert.ok(first.failed, "the second page failed");
  const checkpoint = first.saved.at(-1)!;
  assert.ok(!first.delivered.includes(older!.id));
  const rerun = await harvest(fake, checkpoint.timestamp, end, checkpoint, 50, {
    holdBackSeconds: 10,
  });
  const all = [...first.delivered, ...rerun.delivered];
  assert.deepEqual(all.sort((a, b) => a - b), inWindow(fake, start, end));
  assert.equal(new Set(all).size, all.length, "no duplicates");
});

Deno.test("upstreamBatches() ends a day whose rows after the window end come close together", async () => {
  const fake = upstreamFake({ zone: NY, daySeconds: 0 });
  const noon = at("2026-12-04T17:00:00Z");
  for (let i = 0; i < 3; i++) fake.add(noon.subtract({ seconds: 10 - i }));
  // Many rows within the id margin after the end: no page reaches past it.
  for (let i = 0; i < 40; i++) fake.add(noon.add({ seconds: 3 }));
  const { delivered } = await harvest(
    fake,
    noon.subtract({ minutes: 1 }),
    noon,
    null,
    5,
  );
  assert.equal(delivered.length, 3);
  assert.ok(fake.counts.day < 20, `${fake.counts.day} day requests`);
});

Deno.test("upstreamBatches() never asks for more than a page and its overlap, even when rows shift", async () => {
  let request = 0;
  const fake = upstreamFake({
    zone: NY,
    // A live clock: 7 s further at each request, around the minute.
    daySeconds: () => (7 * request++) % 60,
  });
  const day = at("2026-12-04T05:00:00Z"); // midnight in New York
  for (let i = 0; i < 300; i++) fake.add(day.add({ seconds: i % 60 }));
  for (let i = 0; i < 2000; i++) fake.add(day.add({ minutes: 2, seconds: i }));
  const limits: number[] = [];
  const fetchDay = fake.fetchDay;
  fake.fetchDay = (query) => {
    limits.push(query.limit);
    return fetchDay(query);
  };
  const start = day.add({ minutes: 1 });
  const end = day.add({ hours: 2 });
  const { delivered } = await harvest(fake, start, end, null, 100);
  assert.deepEqual(delivered.sort((a, b) => a - b), inWindow(fake, start, end));
  assert.ok(Math.max(...limits) <= 150, `limits up to ${Math.max(...limits)}`);
});

for (const daySeconds of [0, 30.5]) {
  Deno.test(`upstreamBatches() after a run whose newest action was at 00:00:03 does not read the previous server day again (day seconds ${daySeconds})`, async () => {
    // At 0 the first run finds 00:00:03 by its day query and its cursor moves
    // to the new day; at 30.5 only the id fill finds it.
    const fake = upstreamFake({ zone: NY, daySeconds });
    const days = daysAskedFor(fake);
    const midnight = at("2026-12-05T05:00:00Z"); // 2026-12-05 00:00 in New York
    // A busy day before: 3,000 actions up to 23:59:50, then one at 00:00:03.
    for (let i = 0; i < 3000; i++) {
      fake.add(midnight.subtract({ seconds: 10 + (3000 - i) * 20 }));
    }
    fake.add(midnight.subtract({ seconds: 10 }), midnight.add({ seconds: 3 }));
    const start = midnight.subtract({ minutes: 10 });
    const firstEnd = midnight.add({ seconds: 150 });
    const first = await harvest(fake, start, firstEnd, null, 50, {
      holdBackSeconds: 10,
    });
    const checkpoint = first.result.checkpoint!;
    assert.equal(
      checkpoint.timestamp.toString(),
      "2026-12-05T04:59:53Z",
      "held 10 s back, on the day before",
    );
    // The next cron run, with arrivals in between.
    fake.add(midnight.add({ seconds: 180 }), midnight.add({ seconds: 240 }));
    const end = midnight.add({ seconds: 270 });
    days.length = 0;
    const probesBefore = fake.counts.byId;
    const second = await harvest(
      fake,
      checkpoint.timestamp,
      end,
      checkpoint,
      50,
      {
        holdBackSeconds: 10,
      },
    );
    const all = [...first.delivered, ...second.delivered];
    assert.deepEqual(
      [...all].sort((a, b) => a - b),
      inWindow(fake, start, end),
    );
    assert.equal(new Set(all).size, all.length, "no duplicates");
    assert.equal(second.delivered.length, 2, "the two arrivals");
    const probes = fake.counts.byId - probesBefore;
    assert.deepEqual(
      days,
      ["20261205"],
      `one page of the new day only, not ${days.length} (${probes} ids asked for)`,
    );
    // The ids of the midnight edge and the 10 s margin around it, no more.
    assert.ok(probes <= 10, `${probes} ids asked for`);
  });
}

Deno.test("upstreamBatches() from a start with a fraction in 23:59:00 still reads the day before: the window takes that whole second", async () => {
  // An --interval run starts at now minus the interval, milliseconds and all;
  // the window filter takes the whole start second, which only the day
  // query surely returns (the id fill's margin lets ids within 10 s come in
  // either order).
  const fake = upstreamFake({ zone: NY, daySeconds: 0 });
  const midnight = at("2026-12-05T05:00:00Z"); // 2026-12-05 00:00 in New York
  for (let i = 0; i < 20; i++) {
    fake.add(midnight.subtract({ seconds: 200 + i * 10 }));
  }
  // Committed at 23:59:00 with an id taken before the one of 23:58:50.
  fake.rows.push(
    userAction(1031, "2026-12-04T23:59:00-05:00"),
    userAction(1032, "2026-12-04T23:58:50-05:00"),
    userAction(1033, "2026-12-04T23:59:20-05:00"),
    userAction(1034, "2026-12-04T23:59:30-05:00"),
    userAction(1035, "2026-12-04T23:59:40-05:00"),
    userAction(1036, "2026-12-05T00:00:30-05:00"),
  );
  const start = at("2026-12-05T04:59:00.400Z");
  const end = midnight.add({ seconds: 120 });
  const { delivered } = await harvest(fake, start, end, null, 50, {
    holdBackSeconds: 10,
  });
  assert.deepEqual(delivered.sort((a, b) => a - b), [
    1031,
    1033,
    1034,
    1035,
    1036,
  ]);
});

Deno.test("upstreamBatches() for a backfill starting after 23:59:00 pages the day before rather than walking ids down from the table's newest row", async () => {
  const fake = upstreamFake({ zone: NY, daySeconds: 30.5 });
  const days = daysAskedFor(fake);
  const midnight = at("2026-12-05T05:00:00Z"); // 2026-12-05 00:00 in New York
  for (let i = 0; i < 200; i++) {
    fake.add(midnight.subtract({ seconds: 5 + (200 - i) * 20 }));
  }
  fake.add(midnight.subtract({ seconds: 7 }), midnight.add({ seconds: 20 }));
  // Weeks of later actions: a walk down from the newest would be long.
  for (let i = 1; i <= 500; i++) {
    fake.add(midnight.add({ hours: 480, seconds: i }));
  }
  const start = midnight.subtract({ seconds: 30 });
  const end = midnight.add({ seconds: 40 });
  const probesBefore = fake.counts.byId;
  const { delivered } = await harvest(fake, start, end);
  assert.deepEqual(
    delivered.toSorted((a, b) => a - b),
    inWindow(fake, start, end),
  );
  assert.ok(days.includes("20261204"), `the day before is paged: ${days}`);
  // Once each id the fake skipped among the day's newest ids (a gap a
  // quiet node's block could fill), the edge's rows, and the first of the
  // later ones: not a walk down from the table's newest row.
  const probes = fake.counts.byId - probesBefore;
  assert.ok(probes <= 50, `${probes} ids asked for`);
});
