import assert from "node:assert/strict";
import {
  loadEpisodes,
  type LoadEpisodesOptions,
} from "../../src/episodes/load_episodes.ts";
import type {
  EpisodeWindowPage,
  EpisodeWindowQuery,
} from "../../src/episodes/episode_window_pages.ts";
import type { WorkflowQuery } from "../../src/episodes/workflow_finder.ts";
import {
  AuthenticationError,
  DeliveryError,
  UnreachableError,
} from "../../src/errors.ts";
import type { Episode, Workflow } from "../../src/opencast/types.ts";
import { sleep } from "../../src/util/sleep.ts";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";

const NOW = new Date("2024-03-02T12:00:00Z");

/** Episode `n`, created `n` hours before NOW: newest first by number. */
function episode(n: number): Episode {
  return {
    id: `mp-${n}`,
    dcCreated: new Date(NOW.getTime() - n * 3_600_000).toISOString(),
    title: `Lecture ${n}`,
    duration: 3600000,
    start: "2024-03-01T15:00:00Z",
    series: "20240112345",
    seriesTitle: "PHYS 181",
    attachments: [{
      type: "presenter/player+preview",
      ref: "track:t-1",
      url: `https://cdn.example.edu/${n}.jpg`,
    }],
  };
}

function liveWorkflow(id: number, startedMs: number): Workflow {
  return {
    id,
    state: "SUCCEEDED",
    template: "DCE-archive-publish-external",
    operations: [{
      name: "capture",
      started: startedMs,
      completed: startedMs + 60_000,
    }],
  };
}

/** A fake Opencast: `count` episodes served in pages, recording calls. */
function opencast(count: number, workflows: Record<string, Workflow[]> = {}) {
  const episodes = Array.from({ length: count }, (_, i) => episode(i + 1));
  const queries: EpisodeWindowQuery[] = [];
  const lookups: WorkflowQuery[] = [];
  const fetched: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const sources: Pick<
    LoadEpisodesOptions,
    "listEpisodes" | "fetchEpisode" | "lookupWorkflows"
  > = {
    listEpisodes(query) {
      queries.push(query);
      return Promise.resolve({
        total: episodes.length,
        episodes: episodes.slice(query.offset, query.offset + query.limit),
        newestFirstBy: "created" as const,
      });
    },
    fetchEpisode(id) {
      fetched.push(id);
      return Promise.resolve(episodes.find((e) => e.id === id) ?? null);
    },
    async lookupWorkflows(query) {
      lookups.push(query);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Let the other lookups start before this one finishes.
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      const found = workflows[query.mediapackageId];
      if (found === undefined) return [];
      return found;
    },
  };
  return {
    sources,
    queries,
    lookups,
    fetched,
    maxInFlight: () => maxInFlight,
  };
}

/** `loadEpisodes` into the Elasticsearch fake `es`, at NOW, with no wait between pages. */
function load(
  es: { readonly host: string },
  options: Omit<LoadEpisodesOptions, "elasticsearch">,
) {
  return loadEpisodes({
    elasticsearch: { host: es.host },
    waitSeconds: 0,
    now: NOW,
    ...options,
  });
}

Deno.test("loadEpisodes() pages through the window and indexes one expected document per episode", async () => {
  await using fake = startElasticsearchFake();
  const source = opencast(5, {
    "mp-2": [
      liveWorkflow(10, 1709305200000),
      liveWorkflow(30, 1709308800000),
      liveWorkflow(20, 1709312400000),
    ],
  });
  const summary = await loadFrom(fake, source, {
    pageSize: 2,
    concurrency: 2,
  });
  assert.deepEqual(source.queries, [
    {
      createdFrom: "2024-03-01T12:00:00Z",
      createdTo: "2024-03-02T12:00:00Z",
      limit: 2,
      offset: 0,
    },
    {
      createdFrom: "2024-03-01T12:00:00Z",
      createdTo: "2024-03-02T12:00:00Z",
      limit: 2,
      offset: 2,
    },
    {
      createdFrom: "2024-03-01T12:00:00Z",
      createdTo: "2024-03-02T12:00:00Z",
      limit: 2,
      offset: 4,
    },
  ]);
  assert.deepEqual(source.lookups[0], {
    mediapackageId: "mp-1",
    state: "SUCCEEDED",
    definition: "DCE-archive-publish-external",
  });
  const documents = fake.documents("episodes");
  assert.deepEqual([...documents.keys()], [
    "mp-1",
    "mp-2",
    "mp-3",
    "mp-4",
    "mp-5",
  ]);
  /** The document of episode(n), without workflow fields, in its order. */
  const documentOf = (n: number) => ({
    mpid: `mp-${n}`,
    title: `Lecture ${n}`,
    duration: 3600000,
    start: "2024-03-01T15:00:00+00:00",
    course: "PHYS 181",
    series: "20240112345",
    year: "2024",
    term: "01",
    crn: "12345",
    presenter_still: `https://cdn.example.edu/${n}.jpg`,
  });
  assert.deepEqual(documents.get("mp-1"), documentOf(1));
  // The highest workflow id (30) wins, not the last or the latest started.
  assert.deepEqual(documents.get("mp-2"), {
    ...documentOf(2),
    live_stream: 1,
    live_start: "2024-03-01T16:00:00+00:00",
    live_end: "2024-03-01T16:01:00+00:00",
    live_duration: 60000,
  });
  const { episodes, indexed, failed, workflowsMissing, workflowErrors } =
    summary;
  assert.deepEqual(
    [episodes, indexed, failed, workflowsMissing, workflowErrors],
    [5, 5, 0, 4, 0],
  );
  assert.equal(summary.notFound, 0);
});

Deno.test("loadEpisodes() runs workflow lookups several at a time, never more than the limit", async () => {
  await using fake = startElasticsearchFake();
  const source = opencast(7);
  await loadFrom(fake, source, {
    pageSize: 100,
    concurrency: 3,
  });
  assert.equal(source.lookups.length, 7);
  assert.equal(source.maxInFlight(), 3);
});

Deno.test("loadEpisodes() indexes an episode without workflow fields when its lookup fails", async () => {
  await using fake = startElasticsearchFake();
  const source = opencast(3, { "mp-2": [liveWorkflow(1, 1709305200000)] });
  const failing = {
    ...source.sources,
    lookupWorkflows(query: WorkflowQuery) {
      if (query.mediapackageId === "mp-2") {
        return Promise.reject(new Error("admin node answered 500"));
      }
      return source.sources.lookupWorkflows(query);
    },
  };
  const summary = await load(fake, {
    ...failing,
  });
  assert.equal(summary.indexed, 3);
  assert.equal(summary.workflowErrors, 1);
  const document = fake.documents("episodes").get("mp-2")!;
  assert.equal(document.live_stream, undefined);
  assert.equal(document.title, "Lecture 2");
});

Deno.test("loadEpisodes() stops when the admin node refuses the credentials", async () => {
  await using fake = startElasticsearchFake();
  const source = opencast(3);
  await assert.rejects(
    loadFrom(fake, source, {
      lookupWorkflows: () =>
        Promise.reject(new AuthenticationError("Admin node refused")),
    }),
    AuthenticationError,
  );
  assert.equal(fake.documents("episodes").size, 0);
});

Deno.test("loadEpisodes() indexes the rest and then fails naming a rejected document", async () => {
  await using fake = startElasticsearchFake({
    rejectIds: { "mp-3": "failed to parse field [start] of type [date]" },
  });
  const source = opencast(4);
  await assert.rejects(
    loadFrom(fake, source, {
      pageSize: 2,
      initialBackoffMs: 1,
    }),
    (error: unknown) =>
      error instanceof DeliveryError &&
      error.message.includes("1 of 4 episode documents") &&
      error.message.includes("mp-3") &&
      error.message.includes("failed to parse field [start]"),
  );
  assert.deepEqual([...fake.documents("episodes").keys()], [
    "mp-1",
    "mp-2",
    "mp-4",
  ]);
});

Deno.test("loadEpisodes() throws UnreachableError before any Opencast request", async () => {
  const fake = startElasticsearchFake();
  const host = fake.host;
  await fake.close();
  const source = opencast(3);
  await assert.rejects(
    loadEpisodes({
      ...source.sources,
      elasticsearch: { host, maxRetries: 0 },
      waitSeconds: 0,
    }),
    UnreachableError,
  );
  assert.equal(source.queries.length, 0);
  assert.equal(source.lookups.length, 0);
});

Deno.test("loadEpisodes() throws AuthenticationError before any Opencast request", async () => {
  await using fake = startElasticsearchFake({ apiKey: "right" });
  const source = opencast(3);
  await assert.rejects(
    loadEpisodes({
      ...source.sources,
      elasticsearch: { host: fake.host, apiKey: "wrong" },
      waitSeconds: 0,
    }),
    AuthenticationError,
  );
  assert.equal(source.queries.length, 0);
});

Deno.test("loadEpisodes() loads the --mpid ids and those found in the source indexes, once each", async () => {
  await using fake = startElasticsearchFake();
  fake.seed("useractions-2024.03.01", "1", { mpid: "mp-2" });
  fake.seed("useractions-2024.03.01", "2", { mpid: "mp-3" });
  fake.seed("useractions-2024.03.02", "3", { mpid: "mp-3" });
  fake.seed("useractions-2024.03.02", "4", { mpid: "mp-gone" });
  const source = opencast(5);
  const summary = await loadEpisodes({
    ...source.sources,
    elasticsearch: { host: fake.host },
    mpids: ["mp-1", "mp-3"],
    sourceIndexPattern: "useractions-*",
    waitSeconds: 0,
  });
  assert.equal(source.queries.length, 0);
  assert.deepEqual(source.fetched.sort(), ["mp-1", "mp-2", "mp-3", "mp-gone"]);
  assert.deepEqual(indexedIds(fake), ["mp-1", "mp-2", "mp-3"]);
  assert.equal(summary.notFound, 1);
  assert.equal(summary.indexed, 3);
});

Deno.test("loadEpisodes() uses the configured index and workflow definition", async () => {
  await using fake = startElasticsearchFake();
  const source = opencast(1);
  await loadFrom(fake, source, {
    index: "dce-episodes",
    workflowDefinition: "my-live",
  });
  assert.equal(source.lookups[0].definition, "my-live");
  assert.equal(fake.documents("dce-episodes").size, 1);
});

Deno.test("loadEpisodes() stops in the --wait pause when aborted, rejecting with the reason", async () => {
  await using fake = startElasticsearchFake();
  const source = opencast(4);
  const controller = new AbortController();
  // Abort once the first page is in: the run is then in (or about to enter)
  // its hour-long pause, which must end at once rather than sit it out.
  const watcher = setInterval(() => {
    if (fake.documents("episodes").size === 2) controller.abort("SIGTERM");
  }, 1);
  try {
    await assert.rejects(
      loadEpisodes({
        ...source.sources,
        elasticsearch: { host: fake.host },
        pageSize: 2,
        waitSeconds: 3600,
        now: NOW,
        signal: controller.signal,
      }),
      (reason: unknown) => reason === "SIGTERM",
    );
  } finally {
    clearInterval(watcher);
  }
  assert.equal(source.queries.length, 1);
  assert.deepEqual([...fake.documents("episodes").keys()], ["mp-1", "mp-2"]);
});

for (
  const [name, failure] of [
    // The Opencast client rejects an aborted request with the bare reason.
    ["the bare reason", (reason: unknown) => reason],
    ["an error of its own", () => new Error("request cancelled")],
  ] as const
) {
  Deno.test(`loadEpisodes() stopped mid-page (lookups failing with ${name}) indexes no document without its workflow fields and rejects with the reason`, async () => {
    await using fake = startElasticsearchFake();
    const workflows = Object.fromEntries(
      [1, 2, 3, 4].map((n) => [`mp-${n}`, [liveWorkflow(n, 1709305200000)]]),
    );
    const source = opencast(4, workflows);
    // What an earlier run indexed for the second page: full documents.
    const earlier = {
      "mp-3": { mpid: "mp-3", title: "Lecture 3", live_stream: 1 },
      "mp-4": { mpid: "mp-4", title: "Lecture 4", live_stream: 1 },
    };
    for (const [id, document] of Object.entries(earlier)) {
      fake.seed("episodes", id, document);
    }
    const controller = new AbortController();
    const signal = controller.signal;
    const summary = loadFrom(fake, source, {
      // Like the Opencast client given the command's signal: a stop (here
      // during mp-3's lookup) makes the lookups in flight and after it fail.
      async lookupWorkflows(query) {
        if (query.mediapackageId === "mp-3") controller.abort("SIGINT");
        await sleep(1, { signal });
        if (signal.aborted) throw failure(signal.reason);
        return await source.sources.lookupWorkflows(query);
      },
      pageSize: 2,
      concurrency: 2,
      signal,
    });
    await assert.rejects(summary, (reason: unknown) => reason === "SIGINT");
    const documents = fake.documents("episodes");
    // The first page, looked up before the stop, went in whole.
    assert.equal(documents.get("mp-1")?.live_stream, 1);
    assert.equal(documents.get("mp-2")?.live_stream, 1);
    // The second page was not indexed: the earlier documents stand.
    assert.deepEqual(documents.get("mp-3"), earlier["mp-3"]);
    assert.deepEqual(documents.get("mp-4"), earlier["mp-4"]);
    assert.equal(documents.size, 4);
    assert.equal(source.queries.length, 2);
  });
}

Deno.test("loadEpisodes() does not index a page whose lookups all finished once the run was stopped", async () => {
  await using fake = startElasticsearchFake();
  const source = opencast(2);
  const controller = new AbortController();
  await assert.rejects(
    loadFrom(fake, source, {
      // A stop that arrives while the last lookups are answering normally.
      lookupWorkflows(query) {
        controller.abort("SIGTERM");
        return source.sources.lookupWorkflows(query);
      },
      signal: controller.signal,
    }),
    (reason: unknown) => reason === "SIGTERM",
  );
  assert.equal(source.lookups.length, 2);
  assert.equal(fake.documents("episodes").size, 0);
});

/** A listing of given pages, recording the offsets asked for. */
function listing(
  pages: readonly Episode[][],
  extra: Partial<EpisodeWindowPage> = {},
) {
  const offsets: number[] = [];
  const total = pages.reduce((sum, page) => sum + page.length, 0);
  let served = 0;
  const listEpisodes = (query: EpisodeWindowQuery) => {
    offsets.push(query.offset);
    const page = pages[offsets.length - 1] ?? [];
    served += page.length;
    return Promise.resolve({
      total,
      episodes: page,
      newestFirstBy: "created" as const,
      ...extra,
    });
  };
  return { listEpisodes, offsets, served: () => served };
}

function createdAt(id: string, hoursAgo: number, modifiedHoursAgo?: number) {
  return {
    id,
    attachments: [],
    dcCreated: new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString(),
    ...(modifiedHoursAgo === undefined ? {} : {
      modified: new Date(NOW.getTime() - modifiedHoursAgo * 3_600_000)
        .toISOString(),
    }),
  };
}

const NO_WORKFLOWS = {
  fetchEpisode: () => Promise.resolve(null),
  lookupWorkflows: () => Promise.resolve([]),
};

/** `load` from an `opencast()` fake. */
function loadFrom(
  es: { readonly host: string },
  source: ReturnType<typeof opencast>,
  options: Partial<LoadEpisodesOptions> = {},
) {
  return load(es, { ...source.sources, ...options });
}

/** `load` of a `listing` with no workflows, in pages of 2 unless `options` say otherwise. */
function loadListing(
  es: { readonly host: string },
  source: { readonly listEpisodes: LoadEpisodesOptions["listEpisodes"] },
  options: Partial<LoadEpisodesOptions> = { pageSize: 2 },
) {
  return load(es, {
    ...NO_WORKFLOWS,
    listEpisodes: source.listEpisodes,
    ...options,
  });
}

/** The ids of the episode documents in the fake, sorted. */
function indexedIds(es: { documents(index: string): Map<string, unknown> }) {
  return [...es.documents("episodes").keys()].sort();
}

Deno.test("loadEpisodes() keeps only the window from a newest-first listing and stops at the page past its start", async () => {
  await using fake = startElasticsearchFake();
  const source = listing([
    // Created after the window end (scheduled), then inside it.
    [createdAt("future", -2), createdAt("a", 1)],
    [createdAt("b", 23), createdAt("old", 25)],
    [createdAt("never-asked", 30)],
  ]);
  const summary = await loadListing(fake, source);
  assert.deepEqual(source.offsets, [0, 2]);
  assert.deepEqual([...fake.documents("episodes").keys()], ["a", "b"]);
  assert.equal(summary.searchPages, 2);
  assert.equal(summary.outsideWindow, 2);
});

Deno.test("loadEpisodes() sorted by modification keeps by creation and stops once modification passes the window start", async () => {
  await using fake = startElasticsearchFake();
  const source = listing([
    [createdAt("re-edited", 400, 1), createdAt("a", 2, 2)],
    [createdAt("b", 20, 21), createdAt("c", 23, 30)],
    [createdAt("never-asked", 40, 40)],
  ], { newestFirstBy: "modified" });
  await loadListing(fake, source);
  // Two pages, then one more look at the front for what was modified meanwhile.
  assert.deepEqual(source.offsets, [0, 2, 0]);
  assert.deepEqual(indexedIds(fake), ["a", "b", "c"]);
});

Deno.test("loadEpisodes() reads every page when the listing is not newest first", async () => {
  await using again = startElasticsearchFake();
  // "c" is newer than "b" before it: the server ignored the sort, so
  // "old" proves nothing about the pages after it.
  const unsorted = listing([
    [createdAt("a", 1), createdAt("b", 2)],
    [createdAt("c", 0.5), createdAt("old", 30)],
    [createdAt("d", 3)],
  ]);
  await loadListing(again, unsorted);
  assert.deepEqual(unsorted.offsets, [0, 2, 4]);
  assert.deepEqual(indexedIds(again), ["a", "b", "c", "d"]);
});

Deno.test("loadEpisodes() pages until an empty page when the server gives no total", async () => {
  await using fake = startElasticsearchFake();
  const source = listing([
    [createdAt("a", 1), createdAt("b", 2)],
    [createdAt("c", 3)],
  ], { total: undefined });
  await loadListing(fake, source);
  assert.deepEqual(source.offsets, [0, 2, 3]);
  assert.equal(fake.documents("episodes").size, 3);
});

Deno.test("loadEpisodes() keeps an undated episode only when the server applied the window", async () => {
  const undated = { id: "undated", attachments: [] };
  for (const windowApplied of [false, true]) {
    await using fake = startElasticsearchFake();
    const source = listing([[createdAt("a", 1), undated]], { windowApplied });
    await loadListing(fake, source, {});
    assert.deepEqual(
      indexedIds(fake),
      windowApplied ? ["a", "undated"] : ["a"],
    );
  }
});

Deno.test("loadEpisodes() sorted by modification catches an episode modified while the pages were read", async () => {
  await using fake = startElasticsearchFake();
  // "moved" (created 5 h ago) sat on the second page; it was modified while
  // the first page was indexed, jumped to the front, and the second page
  // shifted by one (b again) instead of holding it.
  const moved = {
    ...createdAt("moved", 5),
    modified: new Date(NOW.getTime() + 60_000).toISOString(),
  };
  const source = listing([
    [createdAt("a", 1, 1), createdAt("b", 3, 3)],
    [createdAt("b", 3, 3), createdAt("old", 30, 30)],
    [moved, createdAt("a", 1, 1)],
  ], { newestFirstBy: "modified" });
  await loadListing(fake, source);
  assert.deepEqual(source.offsets, [0, 2, 0]);
  assert.deepEqual(indexedIds(fake), ["a", "b", "moved"]);
});
