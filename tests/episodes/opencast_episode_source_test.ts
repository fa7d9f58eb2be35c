/**
 * `load_episodes` against each Opencast variant's search and workflow API,
 * through the real Opencast client with a scripted `fetch`: which requests go
 * out, that paging stops at the window start instead of reading the whole
 * catalogue, and that every variant yields the documents of the episodes
 * created in the window.
 */
import assert from "node:assert/strict";
import { loadEpisodes } from "../../src/episodes/load_episodes.ts";
import { createOpencastEpisodeSource } from "../../src/episodes/opencast_episode_source.ts";
import { AuthenticationError } from "../../src/errors.ts";
import { OpencastClient } from "../../src/opencast/opencast_client.ts";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";
import {
  fakeFetch,
  json,
  type RecordedRequest,
} from "../opencast/_fake_opencast.ts";

const NOW = new Date("2024-03-02T12:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PUBLISH = "DCE-archive-publish-external";

/** One episode of the fake catalogue. */
interface FakeEpisode {
  id: string;
  created: number;
  modified: number;
  deleted: boolean;
}

/**
 * 300 episodes, one every 30 minutes back from NOW − 15 min (48 of them in a
 * one-day window, every tenth deleted), two scheduled after NOW, and every
 * 50th old one modified an hour ago (it turns up early when sorted by
 * modification).
 */
function catalogue(): FakeEpisode[] {
  const episodes: FakeEpisode[] = [];
  for (let i = -2; i < 300; i++) {
    const created = NOW.getTime() - i * 30 * 60_000 - 15 * 60_000;
    const modified = i > 0 && i % 50 === 0
      ? NOW.getTime() - HOUR
      : created + (Math.abs(i) % 3) * 10 * 60_000;
    episodes.push({
      id: `mp-${String(i + 2).padStart(3, "0")}`,
      created,
      modified,
      deleted: i % 10 === 3,
    });
  }
  return episodes;
}

type Variant = "dce" | "stock" | "oc12" | "oc16";

interface FakeServerOptions {
  /** The `version` of `/info/components.json`; `null` answers 404 there. */
  version: string | null;
  variant: Variant;
}

/** `…-05:00` the way a Solr-era server writes dates (America/New_York in winter). */
function solrDate(millis: number): string {
  return `${new Date(millis - 5 * HOUR).toISOString().slice(0, 19)}-05:00`;
}

function solrResult(episode: FakeEpisode) {
  return {
    id: episode.id,
    org: "mh_default_org",
    mediapackage: {
      id: episode.id,
      title: `Lecture ${episode.id}`,
      duration: "3600000",
      series: 20240112345,
      seriestitle: "PHYS 181",
      attachments: stillOf(episode),
    },
    dcTitle: `Lecture ${episode.id}`,
    dcCreated: solrDate(episode.created),
    modified: solrDate(episode.modified),
    mediaType: "AudioVisual",
  };
}

/** The episode's one presenter still, as both search formats nest it. */
function stillOf(episode: FakeEpisode) {
  return {
    attachment: {
      type: "presenter/player+preview",
      ref: "track:t-1",
      url: `https://cdn.example.edu/${episode.id}.jpg`,
    },
  };
}

function openSearchResult(episode: FakeEpisode) {
  return {
    mediapackage: {
      id: episode.id,
      title: `Lecture ${episode.id}`,
      duration: 3600000.0,
      series: 2.0240112345e10,
      seriestitle: "PHYS 181",
      attachments: stillOf(episode),
    },
    dc: {
      identifier: [episode.id],
      title: [`Lecture ${episode.id}`],
      isPartOf: ["20240112345"],
      created: [new Date(episode.created).toISOString()],
    },
    org: "mh_default_org",
    type: "Episode",
    modified: new Date(episode.modified).toISOString(),
  };
}

/** Episodes with a live publish workflow: every third one. */
function workflowsOf(id: string) {
  const n = Number(id.slice(3));
  if (n % 3 !== 0) return [];
  const started = NOW.getTime() - n * HOUR;
  return [
    { id: n * 10, state: "SUCCEEDED", started },
    { id: n * 10 + 5, state: "SUCCEEDED", started: started + 60_000 },
    { id: n * 10 + 7, state: "FAILED", started: started + 120_000 },
  ];
}

/**
 * A scripted engage+admin node of one variant: Solr-era search (DCE honours
 * `createdFrom`/`createdTo`/`includeDeleted`, stock ignores them), or OC 16
 * search (only `title|contributor|creator|modified` sorts, 400 above 250);
 * `/workflow/instances.json` up to OC 11, the per-mediapackage endpoint after.
 */
function fakeServer(options: FakeServerOptions) {
  const { variant, version } = options;
  const episodes = catalogue();
  const opensearch = variant === "oc16";
  const legacyWorkflows = variant === "dce" || variant === "stock";
  return fakeFetch((request) => {
    const url = request.url;
    const params = url.searchParams;
    if (url.pathname === "/info/components.json") {
      return version === null
        ? new Response("", { status: 404 })
        : json({ engage: "http://engage", rest: [], version });
    }
    if (url.pathname === "/search/episode.json") {
      return opensearch ? openSearch(params) : solrSearch(params);
    }
    if (url.pathname === "/workflow/instances.json") {
      if (!legacyWorkflows) return new Response("", { status: 404 });
      const mp = params.get("mp")!;
      const found = workflowsOf(mp).filter((w) =>
        w.state === params.get("state")
      );
      return json({
        workflows: {
          totalCount: String(found.length),
          workflow: found.map((w) => ({
            id: String(w.id),
            state: w.state,
            template: params.get("workflowdefinition"),
            mediapackage: { id: mp },
            operations: {
              operation: {
                id: "capture",
                started: w.started,
                completed: w.started + 60_000,
              },
            },
          })),
        },
      });
    }
    const perMp = /^\/workflow\/mediaPackage\/([^/]+)\/instances\.json$/.exec(
      url.pathname,
    );
    if (perMp !== null && !legacyWorkflows) {
      const mp = decodeURIComponent(perMp[1]!);
      const all = [
        ...workflowsOf(mp).map((w) => ({ ...w, template: PUBLISH })),
        // Another definition, with a higher id: must not be taken.
        { id: 99_999, state: "SUCCEEDED", started: 0, template: "other" },
      ];
      return json({
        workflows: {
          workflow: all.map((w) => ({
            id: w.id,
            state: w.state,
            template: w.template,
            mediaPackageId: mp,
            operations: {
              operation: [
                {
                  id: w.id * 100,
                  template: "capture",
                  started: w.started,
                  completed: w.started + 60_000,
                },
              ],
            },
          })),
        },
      });
    }
    return new Response("", { status: 404 });
  });

  function solrSearch(params: URLSearchParams): Response {
    const dce = variant === "dce";
    let matches = episodes.filter((e) =>
      !e.deleted || (dce && params.get("includeDeleted") === "true")
    );
    const id = params.get("id");
    if (id !== null) matches = matches.filter((e) => e.id === id);
    if (dce) {
      const from = params.get("createdFrom");
      const to = params.get("createdTo");
      if (from) matches = matches.filter((e) => e.created >= Date.parse(from));
      if (to) matches = matches.filter((e) => e.created <= Date.parse(to));
    }
    // Default and DATE_CREATED_DESC: newest created first; DATE_CREATED: oldest.
    matches.sort((a, b) => b.created - a.created);
    if (params.get("sort") === "DATE_CREATED") matches.reverse();
    const limit = Number(params.get("limit") ?? 0);
    const offset = Number(params.get("offset") ?? 0);
    const page = matches.slice(offset, offset + limit);
    const counters = variant === "dce"
      ? {
        total: String(matches.length),
        limit: String(page.length),
        offset: String(offset),
      }
      : { total: matches.length, limit, offset };
    return json({
      "search-results": {
        ...counters,
        ...(page.length === 0 ? {} : {
          result: page.length === 1
            ? solrResult(page[0]!)
            : page.map(solrResult),
        }),
      },
    });
  }

  function openSearch(params: URLSearchParams): Response {
    const sort = params.get("sort");
    if (
      sort !== null &&
      !/^(title|contributor|creator|modified)( (asc|desc))?$/i.test(sort)
    ) {
      return new Response("Invalid sort parameter", { status: 400 });
    }
    const limit = Number(params.get("limit") ?? 20);
    if (limit > 250) return new Response("limit too large", { status: 400 });
    let matches = episodes.filter((e) => !e.deleted);
    const id = params.get("id");
    if (id !== null) matches = matches.filter((e) => e.id === id);
    if (sort?.toLowerCase().startsWith("modified")) {
      matches.sort((a, b) => b.modified - a.modified);
      if (/ asc$/i.test(sort)) matches.reverse();
    }
    const offset = Number(params.get("offset") ?? 0);
    const page = matches.slice(offset, offset + limit);
    return json({
      offset,
      total: matches.length,
      limit,
      result: page.map(openSearchResult),
    });
  }
}

function searchRequests(
  requests: readonly RecordedRequest[],
): URLSearchParams[] {
  return requests
    .filter((r) => r.url.pathname === "/search/episode.json")
    .map((r) => r.url.searchParams);
}

/** The ids a one-day window must yield on a variant (deleted ones only on DCE). */
function expectedIds(variant: Variant): string[] {
  const from = NOW.getTime() - DAY;
  return catalogue()
    .filter((e) => e.created >= from && e.created <= NOW.getTime())
    .filter((e) => variant === "dce" || !e.deleted)
    .map((e) => e.id)
    .sort();
}

async function run(
  server: ReturnType<typeof fakeServer>,
  extra: { api?: "auto" | "dce" | "upstream"; pageSize?: number } = {},
) {
  await using es = startElasticsearchFake();
  const client = new OpencastClient({ host: "opencast", fetch: server.fetch });
  const summary = await loadEpisodes({
    ...createOpencastEpisodeSource({
      engage: client,
      admin: client,
      api: extra.api,
    }),
    elasticsearch: { host: es.host },
    createdFromDaysAgo: 1,
    now: NOW,
    pageSize: extra.pageSize ?? 10,
    waitSeconds: 0,
  });
  return { summary, documents: es.documents("episodes") };
}

const VARIANTS: readonly { variant: Variant; version: string }[] = [
  { variant: "dce", version: "5.0.0-SNAPSHOT" },
  { variant: "stock", version: "11.3" },
  { variant: "oc12", version: "12.9" },
  { variant: "oc16", version: "16.2" },
];

for (const { variant, version } of VARIANTS) {
  Deno.test(`load_episodes on ${variant} (${version}) with no variant setting indexes exactly the window and stops paging early`, async () => {
    const server = fakeServer({ variant, version });
    const { summary, documents } = await run(server);
    assert.deepEqual([...documents.keys()].sort(), expectedIds(variant));
    assert.equal(summary.indexed, expectedIds(variant).length);
    const searches = searchRequests(server.requests);
    // The catalogue is 302 episodes, 31 pages of 10: never read through.
    assert.ok(searches.length <= 7, `${searches.length} search pages`);
    assert.equal(summary.searchPages, searches.length);
    for (const params of searches) {
      assert.equal(params.get("limit"), "10");
      if (variant === "oc16") {
        assert.equal(params.get("sort"), "modified desc");
        assert.equal(params.get("createdFrom"), null);
        assert.equal(params.get("includeDeleted"), null);
      } else {
        assert.equal(params.get("sort"), "DATE_CREATED_DESC");
        // Sent (harmless upstream), never relied on.
        assert.equal(params.get("createdFrom"), "2024-03-01T12:00:00Z");
        assert.equal(params.get("createdTo"), "2024-03-02T12:00:00Z");
        assert.equal(params.get("includeDeleted"), "true");
      }
    }
    // The offsets advance by the page, from 0; sorted by modification, a
    // last look at the front catches what was modified while paging.
    assert.deepEqual(
      searches.map((p) => Number(p.get("offset"))),
      searches.map((_, i) =>
        variant === "oc16" && i === searches.length - 1 ? 0 : i * 10
      ),
    );
    // The version was asked once for the run.
    assert.equal(
      server.requests.filter((r) => r.url.pathname === "/info/components.json")
        .length,
      1,
    );
  });
}

Deno.test("load_episodes on stock Opencast stops at the first page past the window start", async () => {
  const server = fakeServer({ variant: "stock", version: "9.4" });
  const { summary } = await run(server);
  // 2 scheduled + 43 live in the window = 45 before the first older one:
  // the fifth page (40–49) reaches past the window start, and is the last.
  assert.equal(searchRequests(server.requests).length, 5);
  assert.equal(summary.outsideWindow, 2 + 5);
});

Deno.test("load_episodes on OC 16 stops once modification is older than the window start", async () => {
  const server = fakeServer({ variant: "oc16", version: "16.0" });
  const { summary } = await run(server);
  // Listed by modification: the 2 scheduled, 43 in the window, 5 old ones
  // modified an hour ago and 1 created just before the window but modified
  // within it = 51, so the sixth page (50–59) is the last.
  // Six pages, then one more look at the front (what was modified meanwhile).
  assert.equal(searchRequests(server.requests).length, 7);
  assert.equal(summary.outsideWindow, 2 + 5 + 1 + 9);
});

Deno.test("load_episodes on OC 16 caps the page at 250 (non-admins get 400 above)", async () => {
  const server = fakeServer({ variant: "oc16", version: "16.4" });
  const { documents } = await run(server, { pageSize: 1000 });
  assert.deepEqual([...documents.keys()].sort(), expectedIds("oc16"));
  const searches = searchRequests(server.requests);
  assert.equal(searches.length, 1);
  assert.equal(searches[0]!.get("limit"), "250");
});

/**
 * Loads every episode from a fake server of `variant` reporting `version`,
 * checks that all of them were indexed, and returns its search queries.
 */
async function searchesOfAFullLoad(
  variant: "dce" | "stock" | "oc12" | "oc16",
  version: string | null,
): Promise<URLSearchParams[]> {
  const server = fakeServer({ variant, version });
  const { documents } = await run(server);
  assert.deepEqual([...documents.keys()].sort(), expectedIds(variant));
  return searchRequests(server.requests);
}

Deno.test("load_episodes recognises OC 16 from the search answer when /info/components.json is missing", async () => {
  const searches = await searchesOfAFullLoad("oc16", null);
  // The probe: no sort, one episode; then sorted by modification.
  assert.equal(searches[0]!.get("sort"), null);
  assert.equal(searches[0]!.get("limit"), "1");
  assert.ok(searches.slice(1).every((p) => p.get("sort") === "modified desc"));
});

Deno.test("load_episodes recognises the Solr era from the search answer when the version is unreadable", async () => {
  const searches = await searchesOfAFullLoad("stock", "unknown");
  assert.equal(searches[0]!.get("limit"), "1");
  assert.ok(
    searches.slice(1).every((p) => p.get("sort") === "DATE_CREATED_DESC"),
  );
});

Deno.test("load_episodes asks again in the Solr format when a server said 16 but answers in it", async () => {
  // A Solr-era server with a misleading version: it ignores the OC 16 sort
  // and answers with the wrapper, so the first page is asked again.
  const searches = await searchesOfAFullLoad("stock", "16.1");
  assert.equal(searches[0]!.get("sort"), "modified desc");
  assert.ok(
    searches.slice(1).every((p) => p.get("sort") === "DATE_CREATED_DESC"),
  );
  assert.equal(searches[1]!.get("offset"), "0");
});

Deno.test("load_episodes --opencast-api upstream never sends the DCE parameters", async () => {
  const server = fakeServer({ variant: "stock", version: "11.3" });
  const { documents } = await run(server, { api: "upstream" });
  assert.deepEqual([...documents.keys()].sort(), expectedIds("stock"));
  for (const params of searchRequests(server.requests)) {
    assert.equal(params.get("sort"), "DATE_CREATED_DESC");
    assert.equal(params.get("createdFrom"), null);
    assert.equal(params.get("createdTo"), null);
    assert.equal(params.get("includeDeleted"), null);
  }
});

Deno.test("load_episodes --opencast-api dce asks nothing to detect and pages the DCE window", async () => {
  const server = fakeServer({ variant: "dce", version: "5.0.0-SNAPSHOT" });
  const { documents } = await run(server, { api: "dce" });
  assert.deepEqual([...documents.keys()].sort(), expectedIds("dce"));
  assert.equal(
    server.requests.filter((r) => r.url.pathname === "/info/components.json")
      .length,
    0,
  );
  // 48 in the window, all from the server: pages of 10 until the total.
  assert.equal(searchRequests(server.requests).length, 5);
});

Deno.test("load_episodes gives every variant the same documents for the episodes they share", async () => {
  const runs = new Map<Variant, Map<string, Record<string, unknown>>>();
  for (const { variant, version } of VARIANTS) {
    runs.set(variant, (await run(fakeServer({ variant, version }))).documents);
  }
  const dce = runs.get("dce")!;
  for (const variant of ["stock", "oc12", "oc16"] as const) {
    const documents = runs.get(variant)!;
    for (const [id, document] of documents) {
      assert.deepEqual(document, dce.get(id), `${variant} ${id}`);
    }
  }
  // The workflow fields came through both workflow endpoints.
  assert.ok([...runs.get("oc16")!.values()].some((d) => d.live_stream === 1));
});

Deno.test("load_episodes switches to the per-episode workflow endpoint after one 404 (OC 12+), for the whole run", async () => {
  const server = fakeServer({ variant: "oc12", version: "12.0" });
  const { documents } = await run(server);
  const paths = server.requests.map((r) => r.url.pathname);
  // Four lookups run at once: only the first pays the 404.
  assert.equal(paths.filter((p) => p === "/workflow/instances.json").length, 1);
  const perEpisode = paths.filter((p) =>
    p.startsWith("/workflow/mediaPackage/")
  );
  assert.equal(perEpisode.length, documents.size);
  // The highest SUCCEEDED workflow of the definition, operations by template.
  const document = documents.get("mp-003")!;
  const started = NOW.getTime() - 3 * HOUR + 60_000;
  assert.equal(document.live_stream, 1);
  assert.equal(Date.parse(document.live_start as string), started);
});

Deno.test("load_episodes stops with an authorization error when OC 12+ refuses an episode's workflows (403)", async () => {
  const inner = fakeServer({ variant: "oc12", version: "12.0" });
  const server = {
    ...inner,
    fetch: (input: URL, init: RequestInit) =>
      input.pathname.startsWith("/workflow/mediaPackage/")
        ? Promise.resolve(new Response("", { status: 403 }))
        : inner.fetch(input, init),
  };
  await using es = startElasticsearchFake();
  const client = new OpencastClient({
    host: "opencast",
    fetch: server.fetch,
    nodeLabel: "admin",
    user: "harvester",
    password: "secret",
    auth: "basic",
  });
  await assert.rejects(
    loadEpisodes({
      ...createOpencastEpisodeSource({ engage: client, admin: client }),
      elasticsearch: { host: es.host },
      now: NOW,
      pageSize: 10,
      waitSeconds: 0,
    }),
    (error: unknown) =>
      error instanceof AuthenticationError &&
      /HTTP 403/.test(error.message) &&
      error.message.includes("harvester") &&
      error.message.includes("/workflow/mediaPackage/") &&
      !error.message.includes("secret"),
  );
  assert.equal(es.documents("episodes").size, 0);
});

Deno.test("load_episodes --mpid works on OC 16 (and finds no deleted episode there)", async () => {
  const server = fakeServer({ variant: "oc16", version: "16.2" });
  await using es = startElasticsearchFake();
  const client = new OpencastClient({ host: "opencast", fetch: server.fetch });
  const summary = await loadEpisodes({
    ...createOpencastEpisodeSource({ engage: client, admin: client }),
    elasticsearch: { host: es.host },
    // mp-005 is deleted (i = 3).
    mpids: ["mp-004", "mp-005", "mp-250"],
    waitSeconds: 0,
  });
  assert.deepEqual([...es.documents("episodes").keys()].sort(), [
    "mp-004",
    "mp-250",
  ]);
  assert.equal(summary.notFound, 1);
  assert.equal(summary.searchPages, 0);
});
