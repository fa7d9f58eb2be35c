import assert from "node:assert/strict";
import type { ActionRecord } from "../../src/record/action_record.ts";
import type { ActionPage, UserAction } from "../../src/opencast/types.ts";
import type { Checkpoint } from "../../src/checkpoint/checkpoint_format.ts";
import { createWindowCheckpoint } from "../../src/checkpoint/window_checkpoint.ts";
import {
  harvestWindow,
  type HarvestWindowOptions,
} from "../../src/harvest/harvest_window.ts";
import type { PageQuery } from "../../src/source/opencast/opencast_batch.ts";
import { createOpencastSource } from "../../src/source/opencast/opencast_source.ts";
import { createEpisodeLookup } from "../../src/harvest/episode_lookup.ts";
import { createNullEpisodeCache } from "../../src/cache/null_episode_cache.ts";
import type { RecordSink } from "../../src/sinks/record_sink.ts";
import type { EpisodeCache } from "../../src/cache/episode_cache.ts";
import { pageOf, userAction } from "../support/user_action.ts";

const ZONE = "America/New_York";
const START = Temporal.Instant.from("2024-03-01T15:00:00Z");
const END = Temporal.Instant.from("2024-03-01T16:00:00Z");

/** A fake engage node answering pages from a fixed list, recording the queries. */
function pages(all: UserAction[]) {
  const queries: PageQuery[] = [];
  return {
    queries,
    fetchPage(query: PageQuery): Promise<ActionPage> {
      queries.push(query);
      return Promise.resolve(pageOf(all, query));
    },
  };
}

function recordingSink() {
  const delivered: ActionRecord[][] = [];
  const sink: RecordSink = {
    description: "memory",
    deliver(records) {
      delivered.push([...records]);
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  return { sink, delivered };
}

function lookup(fail?: (id: string) => boolean) {
  return createEpisodeLookup({
    cache: createNullEpisodeCache(),
    fetchEpisode: (id) =>
      fail?.(id)
        ? Promise.reject(new Error(`episode ${id} unavailable`))
        : Promise.resolve(null),
  });
}

/** What each test sets; the rest is shared. */
interface WindowSettings
  extends
    Partial<Omit<HarvestWindowOptions, "source" | "window" | "checkpoint">> {
  readonly sink: RecordSink;
  /** Actions per DCE page. */
  readonly batchSize: number;
  /** Fetches one DCE page. */
  readonly fetchPage: (query: PageQuery) => Promise<ActionPage>;
  readonly start?: Temporal.Instant;
  readonly end?: Temporal.Instant;
  readonly skipIds?: ReadonlySet<number>;
  /** The checkpoint before this window. */
  readonly checkpoint?: Checkpoint | null;
}

/** The options every test shares: a DCE source over `fetchPage`; each test names only what it is about. */
function windowOptions(options: WindowSettings): HarvestWindowOptions {
  const {
    start = START,
    end = END,
    skipIds = new Set(),
    checkpoint = null,
    batchSize,
    fetchPage,
    ...rest
  } = options;
  return {
    source: createOpencastSource({
      api: "dce",
      zone: ZONE,
      batchSize,
      requests: {
        fetchPage: (query) => fetchPage(query as PageQuery),
        fetchById: () => Promise.reject(new Error("DCE asks for no id")),
        fetchAnchor: () => Promise.reject(new Error("DCE needs no anchor")),
        requests: 0,
      },
      host: "engage.test",
    }),
    window: {
      start,
      end,
      skipIds,
      mark: checkpoint,
      position: undefined,
      continuesCheckpoint: checkpoint !== null,
    },
    checkpoint: createWindowCheckpoint({
      start: checkpoint,
      end,
      saveEveryDelivery: rest.sink.position !== undefined,
    }),
    lookup: lookup(),
    ...rest,
  };
}

/** An episode cache that holds `mediapackageId` (title "Cached") and nothing else. */
function cacheHolding(mediapackageId: string): EpisodeCache {
  return {
    description: "memory",
    getMany: (keys) =>
      Promise.resolve(
        new Map(
          keys.filter((key) => key === mediapackageId).map((key) => [
            key,
            JSON.stringify({ id: key, title: "Cached" }),
          ]),
        ),
      ),
    setMany: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

const ACTIONS = [
  userAction(1, "2024-03-01T10:00:01-05:00"),
  userAction(2, "2024-03-01T10:00:02-05:00"),
  userAction(3, "2024-03-01T10:00:02-05:00"),
  userAction(4, "2024-03-01T10:00:05-05:00", "mp-2"),
  userAction(5, "2024-03-01T10:00:04-05:00", "mp-2"),
];

Deno.test("harvestWindow() pages until a short page, delivering and checkpointing after each page", async () => {
  const api = pages(ACTIONS);
  const { sink, delivered } = recordingSink();
  const saved: Checkpoint[] = [];
  const result = await harvestWindow(windowOptions({
    batchSize: 2,
    fetchPage: api.fetchPage,
    sink,
    saveCheckpoint: (cp) => {
      saved.push(cp);
      return Promise.resolve();
    },
  }));
  // Each page after the first starts one row early: the row it shares with
  // the page before shows whether rows moved between the answers.
  assert.deepEqual(
    api.queries.map((q) => [q.offset, q.limit]),
    [[0, 2], [1, 3], [3, 3]],
    "no request after the short page",
  );
  assert.equal(api.queries[0]!.start, "20240301100000");
  assert.equal(api.queries[0]!.end, "20240301110000");
  assert.deepEqual(delivered.map((page) => page.map((r) => r.action_id)), [
    [1, 2],
    [3, 4],
    [5],
  ]);
  assert.equal(
    saved.length,
    2,
    "the last page (older actions only) leaves the checkpoint",
  );
  // The newest second wins even though action 5 (older) came last.
  assert.equal(result.checkpoint?.timestamp.toString(), "2024-03-01T15:00:05Z");
  assert.deepEqual(result.checkpoint?.ids, [4]);
  assert.equal(result.delivered, 5);
});

Deno.test("harvestWindow() skips the checkpoint's ids and rows repeated by shifting pages", async () => {
  const shifted = [...ACTIONS.slice(0, 2), ACTIONS[1]!, ...ACTIONS.slice(2)];
  const api = pages(shifted);
  const { sink, delivered } = recordingSink();
  const result = await harvestWindow(windowOptions({
    skipIds: new Set([1]),
    batchSize: 10,
    fetchPage: api.fetchPage,
    sink,
  }));
  assert.deepEqual(delivered.flat().map((r) => r.action_id), [2, 3, 4, 5]);
  assert.equal(result.skipped, 2);
});

Deno.test("harvestWindow() delivers nothing of a page whose episode cannot be fetched", async () => {
  const api = pages(ACTIONS);
  const { sink, delivered } = recordingSink();
  const saved: Checkpoint[] = [];
  await assert.rejects(
    () =>
      harvestWindow(windowOptions({
        batchSize: 3,
        fetchPage: api.fetchPage,
        lookup: lookup((id) => id === "mp-2"),
        sink,
        saveCheckpoint: (cp) => {
          saved.push(cp);
          return Promise.resolve();
        },
      })),
    /episode mp-2 unavailable/,
  );
  assert.deepEqual(delivered.flat().map((r) => r.action_id), [1, 2, 3]);
  assert.equal(saved.at(-1)?.timestamp.toString(), "2024-03-01T15:00:02Z");
  assert.deepEqual(saved.at(-1)?.ids, [2, 3]);
});

Deno.test("harvestWindow() moves the checkpoint to the window end when there are no actions", async () => {
  const { sink } = recordingSink();
  const saved: Checkpoint[] = [];
  const result = await harvestWindow(windowOptions({
    batchSize: 10,
    fetchPage: pages([]).fetchPage,
    sink,
    checkpoint: { timestamp: START, ids: [9] },
    saveCheckpoint: (cp) => {
      saved.push(cp);
      return Promise.resolve();
    },
  }));
  assert.equal(result.checkpoint?.timestamp.toString(), END.toString());
  assert.deepEqual(saved.map((cp) => cp.timestamp.toString()), [
    END.toString(),
  ]);
});

Deno.test("harvestWindow() stops after the page in flight when the signal aborts", async () => {
  const controller = new AbortController();
  const api = pages(ACTIONS);
  const { sink, delivered } = recordingSink();
  const result = await harvestWindow(windowOptions({
    batchSize: 2,
    fetchPage: (q) => {
      controller.abort("SIGTERM");
      return api.fetchPage(q);
    },
    sink,
    signal: controller.signal,
  }));
  assert.equal(result.stopped, true);
  assert.deepEqual(delivered.flat().map((r) => r.action_id), [1, 2]);
  assert.equal(result.checkpoint?.timestamp.toString(), "2024-03-01T15:00:02Z");
});

Deno.test("harvestWindow() holds the checkpoint back to the window end once pages come out of order", async () => {
  // Page 2 goes back in time: a checkpoint saved after page 1 would skip
  // action 3 if the run died before page 2 was delivered.
  const unordered = [
    userAction(1, "2024-03-01T10:00:01-05:00"),
    userAction(2, "2024-03-01T10:00:09-05:00"),
    userAction(3, "2024-03-01T10:00:03-05:00"),
    userAction(4, "2024-03-01T10:00:10-05:00"),
    userAction(5, "2024-03-01T10:00:11-05:00"),
  ];
  const { sink, delivered } = recordingSink();
  const saved: Checkpoint[] = [];
  const result = await harvestWindow(windowOptions({
    batchSize: 2,
    fetchPage: pages(unordered).fetchPage,
    sink,
    saveCheckpoint: (cp) => {
      saved.push(cp);
      return Promise.resolve();
    },
  }));
  assert.deepEqual(delivered.flat().map((r) => r.action_id), [1, 2, 3, 4, 5]);
  assert.deepEqual(
    saved.map((cp) => cp.timestamp.toString()),
    ["2024-03-01T15:00:09Z", "2024-03-01T15:00:11Z"],
    "saved after page 1 (still in order), then only at the end of the window",
  );
  assert.deepEqual(result.checkpoint?.ids, [5]);
});

Deno.test("harvestWindow() keeps an action created a fraction into the window's end second (catch-up sub-windows meet there)", async () => {
  const api = pages([
    userAction(1, "2024-03-01T10:59:59.500-05:00"),
    userAction(2, "2024-03-01T11:00:00.250-05:00"),
    userAction(3, "2024-03-01T11:00:01-05:00"),
  ]);
  const { sink, delivered } = recordingSink();
  await harvestWindow(windowOptions({
    batchSize: 10,
    fetchPage: api.fetchPage,
    sink,
    // Ends on the whole second 16:00:00Z; the next sub-window starts at 16:00:01.
    end: Temporal.Instant.from("2024-03-01T16:00:00Z"),
  }));
  assert.deepEqual(delivered.flat().map((r) => r.action_id), [1, 2]);
});

Deno.test("harvestWindow() fetches the next page while the episodes of the current one are looked up", async () => {
  const all = Array.from(
    { length: 6 },
    (_, i) => userAction(i + 1, `2024-03-01T10:00:0${i}-05:00`, `mp-${i}`),
  );
  const source = pages(all);
  const events: string[] = [];
  let release!: () => void;
  const firstEpisode = new Promise<void>((resolve) => release = resolve);
  const { sink, delivered } = recordingSink();
  let asked = 0;
  const result = harvestWindow(windowOptions({
    fetchPage(query) {
      events.push(`page ${++asked}`);
      // Page 2 asked for while mp-0 (page 1) is still being looked up.
      if (asked === 2) release();
      return source.fetchPage(query);
    },
    sink,
    batchSize: 2,
    pagesInFlight: 2,
    lookup: createEpisodeLookup({
      cache: createNullEpisodeCache(),
      fetchEpisode: async (id) => {
        if (id === "mp-0") await firstEpisode;
        events.push(`episode ${id}`);
        return null;
      },
    }),
  }));
  const { delivered: count } = await result;
  assert.equal(count, 6);
  assert.deepEqual(delivered.map((page) => page.length), [2, 2, 2]);
  assert.ok(
    events.indexOf("page 2") < events.indexOf("episode mp-0"),
    events.join(", "),
  );
});

Deno.test("harvestWindow() stopped by the signal drops the episode requests of the pages prepared ahead", async () => {
  const all = Array.from(
    { length: 8 },
    (_, i) => userAction(i + 1, `2024-03-01T10:00:0${i}-05:00`, `mp-${i}`),
  );
  const controller = new AbortController();
  const requested: string[] = [];
  const { sink, delivered } = recordingSink();
  const result = await harvestWindow(windowOptions({
    fetchPage: pages(all).fetchPage,
    batchSize: 1,
    pagesInFlight: 4,
    signal: controller.signal,
    sink: {
      ...sink,
      async deliver(records) {
        await sink.deliver(records);
        controller.abort("SIGTERM");
      },
    },
    lookup: createEpisodeLookup({
      cache: createNullEpisodeCache(),
      // One at a time (a far-away engage node): later pages' lookups queue.
      concurrency: 1,
      fetchEpisode: async (id) => {
        requested.push(id);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return null;
      },
    }),
  }));
  assert.equal(result.stopped, true);
  assert.deepEqual(delivered.flat().map((r) => r.action_id), [1]);
  const atEnd = requested.length;
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(requested.length, atEnd, "nothing asked after the window ended");
  assert.ok(
    atEnd <= 2,
    `at most the page in flight and one more: ${requested}`,
  );
});

Deno.test("harvestWindow() delivers a vouched batch's actions created before the window, and saves its position with them", async () => {
  const { sink, delivered } = recordingSink();
  const saved: Checkpoint[] = [];
  const old = userAction(7, "2024-03-01T09:20:00-05:00"); // 40 min before
  const inWindow = userAction(8, "2024-03-01T10:30:00-05:00");
  const batches = [
    { actions: [inWindow], pages: 1, probes: 0 },
    {
      actions: [old, userAction(9, "2024-03-01T11:30:00-05:00")],
      pages: 1,
      probes: 0,
      vouched: true,
      position: { seen: 9 },
    },
    // Not vouched: the same kind of old action stays out.
    {
      actions: [userAction(10, "2024-03-01T09:20:00-05:00")],
      pages: 1,
      probes: 0,
    },
  ];
  const result = await harvestWindow({
    ...windowOptions({ batchSize: 1, fetchPage: () => Promise.reject(), sink }),
    source: {
      description: "a vouching source",
      read: async function* () {
        yield* batches;
      },
    },
    saveCheckpoint: (cp) => {
      saved.push(cp);
      return Promise.resolve();
    },
  });
  assert.deepEqual(delivered.flat().map((r) => r.action_id), [8, 7]);
  assert.equal(result.skipped, 2, "after the end, and the unvouched one");
  assert.deepEqual(saved.at(-1)?.position, { seen: 9 });
});

Deno.test("harvestWindow() delivers a batch larger than maxBatchActions in parts, each action once", async () => {
  const { sink, delivered } = recordingSink();
  // A server that ignores limit: every page is the rest of the table.
  let requests = 0;
  const ignoresLimit = (query: PageQuery): Promise<ActionPage> => {
    requests++;
    return Promise.resolve({
      total: ACTIONS.length,
      offset: query.offset,
      limit: query.limit,
      actions: ACTIONS.slice(query.offset),
    });
  };
  const saved: Checkpoint[] = [];
  const result = await harvestWindow(windowOptions({
    batchSize: 2,
    fetchPage: ignoresLimit,
    sink,
    maxBatchActions: 2,
    saveCheckpoint: (checkpoint) => {
      saved.push(checkpoint);
      return Promise.resolve();
    },
  }));
  assert.deepEqual(delivered.map((records) => records.length), [2, 2, 1]);
  assert.deepEqual(
    delivered.flat().map((record) => record.action_id),
    [1, 2, 3, 4, 5],
  );
  assert.equal(result.delivered, 5);
  assert.equal(requests, 1, "a server that sent every row is not asked again");
  assert.equal(result.pages, 1, "a page cut in parts counts once");
  assert.ok(saved.length > 0);
  assert.equal(
    saved.at(-1)!.timestamp.toString(),
    "2024-03-01T15:00:05Z",
  );
});

Deno.test("harvestWindow() sends a page's cached records while its other episodes are looked up, in order, saving the page's position only with its last part", async () => {
  // 150 actions of an episode in the cache, then 100 of one the engage node
  // answers only when the test lets it.
  const actions = Array.from(
    { length: 250 },
    (_, i) =>
      userAction(
        i + 1,
        START.add({ seconds: i + 1 }).toString(),
        i < 150 ? "mp-cached" : "mp-slow",
      ),
  );
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const events: string[] = [];
  const { sink, delivered } = recordingSink();
  const saved: Checkpoint[] = [];
  const position = { cursor: "after the page" };
  const result = await harvestWindow({
    ...windowOptions({ batchSize: 250, fetchPage: pages([]).fetchPage, sink }),
    source: {
      description: "a fake source",
      async *read() {
        yield { actions, pages: 1, probes: 0, total: 250, position };
      },
    },
    lookup: createEpisodeLookup({
      cache: cacheHolding("mp-cached"),
      fetchEpisode: async (id) => {
        events.push(`asked ${id}`);
        await released;
        events.push(`answered ${id}`);
        return { id, title: "Fetched", attachments: [] };
      },
    }),
    sink: {
      ...sink,
      async deliver(records) {
        events.push(`delivered ${records.length}`);
        await sink.deliver(records);
        // The engage node answers once the first part is out.
        release();
      },
    },
    saveCheckpoint: (checkpoint) => {
      saved.push(checkpoint);
      return Promise.resolve();
    },
  });
  assert.deepEqual(events, [
    "asked mp-slow",
    "delivered 150",
    "answered mp-slow",
    "delivered 100",
  ]);
  assert.deepEqual(
    delivered.flat().map((record) => record.action_id),
    actions.map((action) => action.id),
    "every action once, in the page's order",
  );
  assert.equal(result.delivered, 250);
  assert.equal(result.pages, 1, "a page sent in parts counts once");
  assert.deepEqual(
    saved.map((checkpoint) => [checkpoint.ids, checkpoint.position]),
    [[[150], undefined], [[250], position]],
    "the first part moves the mark only; the position comes with the last",
  );
});

Deno.test("harvestWindow() saves nothing after an early part of a page out of created order, so a later part that fails is not passed over", async () => {
  // The cached episode's 150 actions are the page's newest; the other
  // episode's 100, older, come after them in the page.
  const actions = Array.from(
    { length: 250 },
    (_, i) =>
      i < 150
        ? userAction(
          i + 1,
          START.add({ seconds: 200 + i }).toString(),
          "mp-cached",
        )
        : userAction(
          i + 1,
          START.add({ seconds: i - 149 }).toString(),
          "mp-slow",
        ),
  );
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const { sink, delivered } = recordingSink();
  const saved: Checkpoint[] = [];
  await assert.rejects(
    harvestWindow({
      ...windowOptions({
        batchSize: 250,
        fetchPage: pages([]).fetchPage,
        sink,
      }),
      source: {
        description: "a fake source",
        async *read() {
          yield { actions, pages: 1, probes: 0, total: 250 };
        },
      },
      lookup: createEpisodeLookup({
        cache: cacheHolding("mp-cached"),
        fetchEpisode: async () => {
          await released;
          throw new Error("engage node went away");
        },
      }),
      sink: {
        ...sink,
        async deliver(records) {
          await sink.deliver(records);
          release();
        },
      },
      saveCheckpoint: (checkpoint) => {
        saved.push(checkpoint);
        return Promise.resolve();
      },
    }),
  );
  assert.equal(delivered.flat().length, 150, "the first part went out");
  assert.deepEqual(saved, [], "nothing saved past the older actions not sent");
});
