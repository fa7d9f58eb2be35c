import assert from "node:assert/strict";
import type { ActionRecord } from "../../src/record/action_record.ts";
import type { UserAction } from "../../src/opencast/types.ts";
import type { FetchActionsOptions } from "../../src/opencast/fetch_actions.ts";
import type { Checkpoint } from "../../src/checkpoint/checkpoint_format.ts";
import { harvestWindows } from "../../src/harvest/harvest_windows.ts";
import { createHarvestTally } from "../../src/harvest/harvest_summary.ts";
import { splitWindow } from "../../src/harvest/split_window.ts";
import type { HarvestWindow } from "../../src/harvest/resolve_window.ts";
import { createOpencastSource } from "../../src/source/opencast/opencast_source.ts";
import type { UsertrackingRequests } from "../../src/source/opencast/usertracking_requests.ts";
import { readOpencastPosition } from "../../src/source/opencast/opencast_position.ts";
import type { DayQuery } from "../../src/source/opencast/upstream/upstream_batches.ts";
import { createEpisodeLookup } from "../../src/harvest/episode_lookup.ts";
import { createNullEpisodeCache } from "../../src/cache/null_episode_cache.ts";
import type { RecordSink } from "../../src/sinks/record_sink.ts";
import { upstreamFake } from "../source/opencast/upstream/_upstream_fake.ts";
import { captureLogs, logLine } from "../support/capture_logs.ts";
import { pageOf, userAction } from "../support/user_action.ts";

const START = Temporal.Instant.from("2024-03-01T15:00:00Z");
const PAGES_IN_FLIGHT = 2;

/** The Opencast source over fake requests: 10 actions a page. */
function opencast(
  api: "dce" | "upstream",
  requests: Omit<UsertrackingRequests, "requests">,
  zone = "UTC",
) {
  return createOpencastSource({
    api,
    zone,
    batchSize: 10,
    requests: { ...requests, requests: 0 },
    host: "engage.test",
  });
}

/** `count` actions, one every 10 s from START (ids in created order). */
function actions(count: number): UserAction[] {
  return Array.from(
    { length: count },
    (_, i) => userAction(100 + i, START.add({ seconds: 10 * i }).toString()),
  );
}

/** A DCE engage node in UTC: answers `start`/`end` pages from a fixed table. */
function dceSource(rows: readonly UserAction[]) {
  const queries: FetchActionsOptions[] = [];
  const compact = (created: string) =>
    created.replace(/[-T:Z]/g, "").slice(0, 14);
  const source = opencast("dce", {
    fetchPage(query) {
      queries.push(query);
      const matching = rows.filter((row) =>
        compact(row.created) >= query.start! &&
        compact(row.created) <= query.end!
      );
      return Promise.resolve(pageOf(matching, query));
    },
    fetchById: () => Promise.reject(new Error("DCE harvests ask for no id")),
    fetchAnchor: () => Promise.reject(new Error("DCE harvests need no anchor")),
  });
  return { source, queries };
}

function memorySink(failOnPage?: number) {
  const delivered: ActionRecord[][] = [];
  const sink: RecordSink = {
    description: "memory",
    deliver(records) {
      if (delivered.length + 1 === failOnPage) {
        return Promise.reject(new Error("the queue went away"));
      }
      delivered.push([...records]);
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  return {
    sink,
    delivered,
    ids: () => delivered.flat().map((r) => r.action_id),
  };
}

/** `sink`, with `stop` aborted (SIGTERM) once `pages` pages were delivered. */
function stoppingAfter(
  pages: number,
  { sink, delivered }: ReturnType<typeof memorySink>,
  stop: AbortController,
): RecordSink {
  return {
    ...sink,
    async deliver(records) {
      await sink.deliver(records);
      if (delivered.length === pages) stop.abort("SIGTERM");
    },
  };
}

type HarvestOptions = Parameters<typeof harvestWindows>[0];

/**
 * `harvestWindows` over the ten minutes from START (unless `windows` says
 * otherwise), with the test lookup and the usual pages in flight.
 */
function harvestTenMinutes(
  options: Omit<HarvestOptions, "windows" | "pagesInFlight" | "lookup"> & {
    windows?: HarvestOptions["windows"];
  },
) {
  return harvestWindows({
    windows: [window(START, START.add({ minutes: 10 }))],
    pagesInFlight: PAGES_IN_FLIGHT,
    lookup: lookup(),
    ...options,
  });
}

/** `rows` with its second page of ten served before its first. */
function secondPageFirst(rows: UserAction[]): UserAction[] {
  return [...rows.slice(10, 20), ...rows.slice(0, 10), ...rows.slice(20)];
}

/**
 * Harvests ten minutes from START of a DCE source serving `served`, stopped
 * by SIGTERM once three pages were delivered; saves through `save` if given.
 */
async function stoppedAfterThreePages(
  served: UserAction[],
  save?: Parameters<typeof harvestWindows>[0]["saveCheckpoint"],
) {
  const { source } = dceSource(served);
  const stop = new AbortController();
  const tally = createHarvestTally(null);
  const [result] = await logs(() =>
    harvestTenMinutes({
      source,
      sink: stoppingAfter(3, memorySink(), stop),
      tally,
      ...(save ? { saveCheckpoint: save } : {}),
      signal: stop.signal,
    })
  );
  return { result, tally };
}

/** Saves checkpoints into `saved`. */
function savingTo(saved: Checkpoint[]) {
  return (checkpoint: Checkpoint) => {
    saved.push(checkpoint);
    return Promise.resolve();
  };
}

function lookup() {
  return createEpisodeLookup({
    cache: createNullEpisodeCache(),
    fetchEpisode: () => Promise.resolve(null),
  });
}

function window(start: Temporal.Instant, end: Temporal.Instant): HarvestWindow {
  return { start, end, startSource: "flag", skipIds: new Set() };
}

/** The harvest's log lines while `run` runs. */
async function logs<T>(run: () => Promise<T>): Promise<[T, string[]]> {
  const [result, records] = await captureLogs(run);
  return [result, records.map(logLine)];
}

Deno.test("harvestWindows() harvests --catch-up windows in order, each once, and counts and saves as it goes", async () => {
  const rows = actions(60); // 15:00:00 to 15:09:50
  const { source } = dceSource(rows);
  const { sink, ids } = memorySink();
  const windows = splitWindow(
    window(START, START.add({ minutes: 10 })),
    3 * 60,
  );
  assert.equal(windows.length, 4);
  const saved: Checkpoint[] = [];
  const progress: number[] = [];
  const tally = createHarvestTally(null);
  const [result, lines] = await logs(() =>
    harvestTenMinutes({
      windows,
      source,
      sink,
      tally,
      saveCheckpoint: savingTo(saved),
      onProgress: (p) => progress.push(p.delivered),
    })
  );
  assert.deepEqual(result, { stopped: false });
  assert.deepEqual(ids(), rows.map((r) => r.id), "every action once, in order");
  assert.equal(tally.delivered, 60);
  assert.ok(tally.pages >= 7, `${tally.pages} pages`);
  assert.equal(tally.failed, 0);
  assert.ok(
    progress.every((d, i) => i === 0 || d >= progress[i - 1]!),
    "progress counts the whole run, not one window",
  );
  assert.equal(progress.at(-1), 60);
  const newest = Temporal.Instant.from(rows.at(-1)!.created);
  assert.ok(saved.at(-1)!.timestamp.equals(newest), "saved up to the newest");
  assert.ok(
    saved.every((c, i) =>
      i === 0 ||
      Temporal.Instant.compare(c.timestamp, saved[i - 1]!.timestamp) >= 0
    ),
    "saved checkpoints never go back",
  );
  assert.equal(tally.checkpoint, saved.at(-1));
  assert.deepEqual(
    lines.filter((l) => l.startsWith("Window ")).map((l) =>
      l.replace(/:.*/, "")
    ),
    [
      "Window 1 of 4 done",
      "Window 2 of 4 done",
      "Window 3 of 4 done",
      "Window 4 of 4 done",
    ],
  );
});

Deno.test("harvestWindows() without saveCheckpoint (a dry run) saves nothing but still reaches the end", async () => {
  const rows = actions(25);
  const { source } = dceSource(rows);
  const { sink, ids } = memorySink();
  const tally = createHarvestTally(null);
  const end = START.add({ minutes: 5 });
  const [result, lines] = await logs(() =>
    harvestWindows({
      windows: [window(START, end)],
      pagesInFlight: PAGES_IN_FLIGHT,
      source,
      lookup: lookup(),
      sink,
      tally,
    })
  );
  assert.deepEqual(result, { stopped: false });
  assert.deepEqual(ids(), rows.map((r) => r.id));
  assert.ok(
    tally.checkpoint!.timestamp.equals(
      Temporal.Instant.from(rows.at(-1)!.created),
    ),
  );
  assert.equal(tally.delivered, 25);
  assert.equal(tally.pages, 3);
  assert.ok(
    !lines.some((l) => l.startsWith("Window ")),
    "one window gets no window line",
  );
});

Deno.test("harvestWindows() that fails keeps the counts and the checkpoint of what was delivered and saved", async () => {
  const rows = actions(50);
  const { source } = dceSource(rows);
  const { sink, ids } = memorySink(3);
  const saved: Checkpoint[] = [];
  const tally = createHarvestTally(null);
  await assert.rejects(
    harvestTenMinutes({
      source,
      sink,
      tally,
      saveCheckpoint: savingTo(saved),
    }),
    /the queue went away/,
  );
  assert.equal(ids().length, 20, "pages 1 and 2 delivered");
  assert.equal(tally.delivered, 20);
  assert.equal(tally.pages, 2);
  assert.equal(tally.failed, 10, "the failing page's records");
  assert.equal(tally.checkpoint, saved.at(-1), "the last one saved");
  assert.ok(
    tally.checkpoint!.timestamp.equals(
      Temporal.Instant.from(rows[19]!.created),
    ),
  );
});

Deno.test("harvestWindows() stopped by the signal after a page harvests no later window", async () => {
  const rows = actions(60);
  const { source, queries } = dceSource(rows);
  const stop = new AbortController();
  const memory = memorySink();
  const { ids } = memory;
  const tally = createHarvestTally(null);
  const windows = splitWindow(
    window(START, START.add({ minutes: 10 })),
    5 * 60,
  );
  const result = await harvestWindows({
    windows,
    pagesInFlight: 1,
    source,
    lookup: lookup(),
    sink: stoppingAfter(1, memory, stop),
    tally,
    signal: stop.signal,
  });
  assert.deepEqual(result, { stopped: true });
  assert.deepEqual(ids(), rows.slice(0, 10).map((r) => r.id));
  assert.equal(tally.delivered, 10);
  assert.ok(
    queries.every((q) => q.end === queries[0]!.end),
    "the second window was never asked for",
  );
});

Deno.test("harvestWindows() against upstream Opencast delivers every action of its windows once and ends with the day's state", async () => {
  const zone = "America/New_York";
  const fake = upstreamFake({ zone, daySeconds: 0 });
  const noon = Temporal.Instant.from("2026-12-04T17:00:00Z");
  // Rows before the window fill the day's first pages.
  for (let i = 0; i < 40; i++) fake.add(noon.subtract({ minutes: 60 - i }));
  for (let i = 0; i < 40; i++) fake.add(noon.add({ seconds: 15 * i }));
  const { sink, ids } = memorySink();
  const tally = createHarvestTally(null);
  const start = noon;
  const end = noon.add({ minutes: 10 });
  await harvestWindows({
    windows: splitWindow(window(start, end), 5 * 60),
    pagesInFlight: PAGES_IN_FLIGHT,
    source: opencast("upstream", {
      fetchPage: (query) => fake.fetchDay(query as DayQuery),
      fetchById: fake.fetchById,
      fetchAnchor: () => Promise.resolve(fake.rows.at(-1) ?? null),
    }, zone),
    lookup: lookup(),
    sink,
    tally,
  });
  const expected = fake.rows.filter((row) => {
    const t = Date.parse(row.created);
    return t >= start.epochMilliseconds && t <= end.epochMilliseconds;
  }).map((row) => row.id);
  assert.deepEqual([...ids()].sort((a, b) => a - b), expected);
  assert.equal(new Set(ids()).size, ids().length, "no duplicates");
  // The position the checkpoint carries: the day, every id of it counted.
  const [day] = readOpencastPosition(tally.checkpoint?.position).days;
  assert.equal(day?.day, "20261204");
  assert.equal(day?.ids.size, fake.rows.length);
});

Deno.test("harvestWindows() stopped after pages came out of created order keeps the checkpoint it saved, not the one it held", async () => {
  const rows = actions(40);
  // Page 1 in order (saved), page 2 older (saving stops until the window's
  // end), page 3 newer again: the run reaches page 3's newest but never saves it.
  const served = secondPageFirst(rows);
  const saved: Checkpoint[] = [];
  const { result, tally } = await stoppedAfterThreePages(
    served,
    savingTo(saved),
  );
  assert.deepEqual(result, { stopped: true });
  assert.equal(tally.delivered, 30);
  assert.equal(saved.length, 1, "only page 1 was saved");
  assert.ok(
    saved[0]!.timestamp.equals(Temporal.Instant.from(rows[19]!.created)),
  );
  assert.equal(
    tally.checkpoint,
    saved.at(-1),
    "the checkpoint the next run starts from",
  );
});

Deno.test("harvestWindows() without saveCheckpoint (a dry run) stopped out of order still says how far it reached", async () => {
  const rows = actions(40);
  const served = secondPageFirst(rows);
  const { tally } = await stoppedAfterThreePages(served);
  assert.ok(
    tally.checkpoint!.timestamp.equals(
      Temporal.Instant.from(rows[29]!.created),
    ),
  );
});

Deno.test("harvestWindows() that fails mid-window counts the skipped actions of the pages it delivered", async () => {
  const rows = actions(50);
  const { source } = dceSource(rows);
  const { sink } = memorySink(3);
  const tally = createHarvestTally(null);
  // Three actions of page 1 and one of page 2 were delivered at the start second before.
  const skipIds = new Set([
    rows[0]!.id,
    rows[3]!.id,
    rows[5]!.id,
    rows[12]!.id,
  ]);
  await assert.rejects(
    harvestWindows({
      windows: [{ ...window(START, START.add({ minutes: 10 })), skipIds }],
      pagesInFlight: PAGES_IN_FLIGHT,
      source,
      lookup: lookup(),
      sink,
      tally,
    }),
    /the queue went away/,
  );
  assert.equal(tally.pages, 2);
  assert.equal(tally.delivered, 16);
  assert.equal(tally.skipped, 4);
});

Deno.test("harvestWindows() against upstream Opencast that fails mid-window counts the id probes it sent for what it delivered", async () => {
  const zone = "UTC";
  const fake = upstreamFake({ zone, daySeconds: 0 });
  const midnight = Temporal.Instant.from("2026-12-05T00:00:00Z");
  // One action every 15 s from 23:50 to 00:20: the edge 23:59–00:01 is
  // filled by id, delivered with day 2's first page (batch 2).
  for (let s = -600; s < 1200; s += 15) {
    fake.add(midnight.add({ seconds: s }));
  }
  const { sink } = memorySink(3);
  const tally = createHarvestTally(null);
  await assert.rejects(
    harvestWindows({
      windows: [
        window(
          midnight.subtract({ minutes: 10 }),
          midnight.add({ minutes: 20 }),
        ),
      ],
      pagesInFlight: 1,
      source: opencast("upstream", {
        fetchPage: (query) => fake.fetchDay(query as DayQuery),
        fetchById: fake.fetchById,
        fetchAnchor: () => Promise.reject(new Error("no anchor needed")),
      }, zone),
      lookup: lookup(),
      sink,
      tally,
    }),
    /the queue went away/,
  );
  assert.ok(fake.counts.byId > 0, "the edge was filled by id");
  assert.equal(tally.probes, fake.counts.byId);
  assert.ok(tally.delivered > 0);
});

Deno.test("harvestWindows() upstream: the checkpoint's ids anchor a midnight edge nothing else bounds, without the table-wide anchor", async () => {
  const zone = "UTC";
  // The server's seconds hide 00:00:00–00:00:45 from `day=20261205`: its
  // first page is empty, and the window starts in day 20261204's last minute
  // (not paged when the checkpoint's ids are known), so no list answer lies
  // near the edge.
  const fake = upstreamFake({ zone, daySeconds: 45 });
  const midnight = Temporal.Instant.from("2026-12-05T00:00:00Z");
  for (let s = -600; s < -20; s += 10) fake.add(midnight.add({ seconds: s }));
  const atCheckpoint = fake.add(
    midnight.subtract({ seconds: 20 }),
    midnight.subtract({ seconds: 20 }),
  );
  const edge = fake.add(
    midnight.subtract({ seconds: 10 }),
    midnight.add({ seconds: 10 }),
    midnight.add({ seconds: 30 }),
  );
  const checkpoint: Checkpoint = {
    timestamp: midnight.subtract({ seconds: 20 }),
    ids: atCheckpoint.map((a) => a.id),
  };
  const run = async (from: Checkpoint | null) => {
    const anchors = { count: 0 };
    const { sink, ids } = memorySink();
    await harvestWindows({
      windows: [{
        start: checkpoint.timestamp,
        end: midnight.add({ minutes: 2 }),
        startSource: "checkpoint",
        skipIds: new Set(checkpoint.ids),
      }],
      pagesInFlight: PAGES_IN_FLIGHT,
      source: opencast("upstream", {
        fetchPage: (query) => fake.fetchDay(query as DayQuery),
        fetchById: fake.fetchById,
        fetchAnchor: () => {
          anchors.count++;
          return Promise.resolve(fake.rows.at(-1) ?? null);
        },
      }, zone),
      lookup: lookup(),
      sink,
      tally: createHarvestTally(from),
    });
    return { anchors: anchors.count, ids: ids() };
  };
  const fromCheckpoint = await run(checkpoint);
  assert.deepEqual(fromCheckpoint.ids, edge.map((a) => a.id));
  assert.equal(fromCheckpoint.anchors, 0, "no table-wide anchor");
  // Without a checkpoint to start from, day 20261204 is paged after all:
  // its rows bound the fill, and the table-wide anchor is still not needed.
  const without = await run(null);
  assert.deepEqual(without.ids, edge.map((a) => a.id));
  assert.equal(without.anchors, 0);
});
