/**
 * `load_episodes` end to end on every Opencast the simulator plays (DCE fork,
 * 8–11, 12–15, 16+), through the CLI with no variant flag: the same catalogue
 * on each, the expected episodes computed here from the simulator's own data
 * and the window, never from the tool's code. The CLI's search page is 100, so
 * one library-level run with pages of 7 checks where paging stops over many
 * pages. Field-by-field document checks against the raw data are in
 * load_episodes_cli_test.ts.
 */
import assert from "node:assert/strict";
import {
  type SimEpisode,
  type Simulator,
  SIMULATOR_FLAVORS,
  type SimulatorFlavor,
  type SimulatorStats,
} from "../../src/simulate/start_simulator.ts";
import {
  type ElasticsearchFake,
  startElasticsearchFake,
} from "../support/elasticsearch_fake.ts";
import type { CliResult } from "../support/run_cli.ts";
import { runMain } from "../support/run_main.ts";
import { loadEpisodes } from "../../src/episodes/load_episodes.ts";
import { createOpencastEpisodeSource } from "../../src/episodes/opencast_episode_source.ts";
import { OpencastClient } from "../../src/opencast/opencast_client.ts";
import { errorLines } from "../support/error_lines.ts";
import { simulator } from "../support/simulator.ts";
import { loadEpisodesArgs } from "../support/load_episodes_args.ts";

const EPISODES = 500;
/** The search page size of `load_episodes` (not a setting). */
const PAGE = 100;
const DAY_MS = 86_400_000;
/** Windows (`-c` days): the recent episodes only, and about a fifth of the catalogue. */
const WINDOWS = [1, 30] as const;

type Document = Record<string, unknown>;

/**
 * A server zone in which the simulator's older episodes (created on the whole
 * or half hour, server time) lie at least 7.5 minutes from the window start
 * of any run in the next 7.5 minutes: a window start is now minus whole days,
 * so it has now's minute, and Asia/Kathmandu (+05:45) moves the half hours by
 * a quarter. The expected set then cannot depend on the second a run starts.
 */
function zoneClearOfWindowStart(now: number): string {
  const minuteOfHalfHour = (now / 60_000) % 30;
  return minuteOfHalfHour >= 7.5 && minuteOfHalfHour < 22.5
    ? "UTC"
    : "Asia/Kathmandu";
}

/** One simulator per flavor, all with the same catalogue; no auth, so every request counts once. */
async function startFlavors(
  options: { episodes?: number; actions?: number } = {},
): Promise<Map<SimulatorFlavor, Simulator> & AsyncDisposable> {
  const now = Date.now();
  const spanEnd = Temporal.Instant.fromEpochMilliseconds(now);
  const timezone = zoneClearOfWindowStart(now);
  const sims = Object.assign(new Map<SimulatorFlavor, Simulator>(), {
    async [Symbol.asyncDispose]() {
      await Promise.all([...sims.values()].map((sim) => sim.close()));
    },
  });
  for (const flavor of SIMULATOR_FLAVORS) {
    sims.set(
      flavor,
      await simulator({
        flavor,
        spanEnd,
        timezone,
        episodes: options.episodes ?? EPISODES,
        actions: options.actions ?? 10,
        seed: 8,
      }),
    );
  }
  return sims;
}

function loadArgs(sim: Simulator, es: ElasticsearchFake): string[] {
  return loadEpisodesArgs(sim, es);
}

function linesWith(stderr: string, text: string): string[] {
  return stderr.split("\n").filter((line) => line.includes(text));
}

/** Exit 0 with neither an error nor a warning. */
function assertClean(result: CliResult, label: string): void {
  assert.equal(result.code, 0, `${label}:\n${result.stderr}`);
  assert.deepEqual(errorLines(result.stderr), [], label);
  assert.deepEqual(linesWith(result.stderr, "[WRN]"), [], label);
}

/** Upstream never lists or finds deleted episodes; the DCE fork does (README "Deleted episodes"). */
function visible(flavor: SimulatorFlavor, episode: SimEpisode): boolean {
  return flavor === "dce" || episode.deleted === undefined;
}

function sortedIds(episodes: readonly SimEpisode[]): string[] {
  return episodes.map((episode) => episode.id).sort();
}

/** The episodes created in `[from, to]` that the flavor can show. */
function createdIn(
  sim: Simulator,
  from: number,
  to: number,
): SimEpisode[] {
  return sim.episodes().filter((episode) =>
    visible(sim.flavor, episode) &&
    episode.created.epochMilliseconds >= from &&
    episode.created.epochMilliseconds <= to
  );
}

/**
 * The search pages a run whose window starts at `from` must fetch, from the
 * README's "Pages read": the DCE fork filters, so its window ÷ page size;
 * upstream lists newest first (by creation; by modification on 16+) and stops
 * at the first page that reaches past the window start, or at the end of the
 * listing (on 16+, after more than one page, the front is read once more).
 */
function expectedPages(
  sim: Simulator,
  from: number,
  to: number,
  pageSize = PAGE,
): number {
  if (sim.flavor === "dce") {
    return Math.max(1, Math.ceil(createdIn(sim, from, to).length / pageSize));
  }
  const listed = sim.episodes().filter((e) => visible(sim.flavor, e));
  const key = (episode: SimEpisode) =>
    (sim.flavor === "oc16" ? episode.modified : episode.created)
      .epochMilliseconds;
  const newer = listed.filter((episode) => key(episode) >= from).length;
  const pages = Math.min(
    Math.ceil((newer + 1) / pageSize),
    Math.max(1, Math.ceil(listed.length / pageSize)),
  );
  // Sorted by modification (16+), more than one page ends with one more look
  // at the front for what was modified meanwhile.
  return sim.flavor === "oc16" && pages > 1 ? pages + 1 : pages;
}

async function reportedVersion(sim: Simulator): Promise<string> {
  const response = await fetch(`${sim.url}/info/components.json`);
  return (await response.json()).version;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The variant is logged once at info: the search line, naming the version
 * `/info/components.json` reports, and on 12+ the workflow endpoint line.
 */
async function assertDetectionLogged(
  sim: Simulator,
  stderr: string,
  label: string,
): Promise<void> {
  const version = escapeRegExp(await reportedVersion(sim));
  const search = linesWith(stderr, "Opencast search:");
  assert.equal(search.length, 1, `${label}: ${stderr}`);
  assert.match(search[0]!, /\[INF\]/, label);
  assert.match(
    search[0]!,
    sim.flavor === "oc16"
      ? new RegExp(
        `OC 16\\+ \\(OpenSearch; version ${version} from /info/components\\.json\\), sorted by modified, deleted episodes not listed`,
      )
      : new RegExp(
        `Solr era ≤ OC 15 \\(version ${version} from /info/components\\.json\\), sorted by creation date`,
      ),
    label,
  );
  assertWorkflowEndpointLogged(sim, stderr, label);
}

/**
 * On 12+ the legacy workflow list's 404 is logged once at info, naming the
 * endpoint used instead (when there was any workflow to look up).
 */
function assertWorkflowEndpointLogged(
  sim: Simulator,
  stderr: string,
  label: string,
  lookups = true,
): void {
  const gone = linesWith(stderr, "/workflow/instances.json is gone");
  if (isOc12Plus(sim) && lookups) {
    assert.equal(gone.length, 1, `${label}: ${stderr}`);
    assert.match(gone[0]!, /\[INF\]/, label);
    assert.ok(
      gone[0]!.includes(
        "reading each episode's workflows from /workflow/mediaPackage/{id}/instances.json",
      ),
      `${label}: ${gone[0]}`,
    );
  } else {
    assert.deepEqual(gone, [], label);
  }
}

/**
 * One workflow list request per indexed episode; on 12+ one more, the legacy
 * endpoint's 404 that switched the run over.
 */
function expectedWorkflowRequests(sim: Simulator, indexed: number): number {
  return indexed === 0 ? 0 : indexed + (isOc12Plus(sim) ? 1 : 0);
}

function isOc12Plus(sim: Simulator): boolean {
  return sim.flavor === "oc12" || sim.flavor === "oc16";
}

interface WindowRun {
  readonly documents: Map<string, Document>;
  readonly pages: number;
}

async function runWindow(sim: Simulator, days: number): Promise<WindowRun> {
  const label = `${sim.flavor} -c ${days}`;
  await using es = startElasticsearchFake();
  sim.resetStats();
  const before = Date.now();
  const result = await runMain([...loadArgs(sim, es), "-c", String(days)]);
  const after = Date.now();
  const stats: SimulatorStats = sim.stats();
  assertClean(result, label);

  // The window ends when the run starts and begins `days` before; the run
  // started between `before` and `after`. Both ends must give one answer.
  const expected = sortedIds(createdIn(sim, before - days * DAY_MS, after));
  assert.deepEqual(
    sortedIds(createdIn(sim, after - days * DAY_MS, before)),
    expected,
    `${label}: an episode was created while the window start moved (test premise)`,
  );
  const documents = es.documents("episodes");
  assert.deepEqual([...documents.keys()].sort(), expected, label);
  for (const id of expected) {
    assert.equal(es.bulkAttempts.get(id), 1, `${label}: ${id} sent again`);
  }
  await assertDetectionLogged(sim, result.stderr, label);

  // Search pages: in proportion to the window, never the whole catalogue.
  const fewest = expectedPages(sim, after - days * DAY_MS, after);
  const most = expectedPages(sim, before - days * DAY_MS, after);
  const pages = stats.episodeRequests;
  assert.ok(
    pages >= fewest && pages <= most,
    `${label}: ${pages} search requests, expected ${fewest}..${most}`,
  );
  const summary = linesWith(result.stderr, "Episodes done:");
  assert.equal(summary.length, 1, result.stderr);
  assert.match(
    summary[0]!,
    new RegExp(
      `${expected.length} of ${expected.length} indexed into episodes, .* 0 workflow lookups failed, 0 not found, ${pages} search ${
        pages === 1 ? "page" : "pages"
      } `,
    ),
    label,
  );
  assert.equal(
    stats.workflowRequests,
    expectedWorkflowRequests(sim, expected.length),
    label,
  );
  return { documents, pages };
}

Deno.test("CLI load_episodes with no variant flag indexes exactly the window's episodes on every flavor, the same documents on each, reading pages in proportion to the window", async () => {
  await using sims = await startFlavors();
  const runs = new Map<SimulatorFlavor, Map<number, WindowRun>>();
  for (const [flavor, sim] of sims) {
    const byWindow = new Map<number, WindowRun>();
    for (const days of WINDOWS) byWindow.set(days, await runWindow(sim, days));
    runs.set(flavor, byWindow);
    // A wider window reads more pages, and neither the whole listing.
    const listed = sim.episodes().filter((e) => visible(flavor, e)).length;
    const [narrow, wide] = WINDOWS.map((days) => byWindow.get(days)!.pages);
    assert.ok(narrow! < wide!, `${flavor}: ${narrow} then ${wide} pages`);
    assert.ok(
      wide! < Math.ceil(listed / PAGE),
      `${flavor}: ${wide} pages of ${Math.ceil(listed / PAGE)}`,
    );
  }

  // The same documents on every flavor; deleted episodes only on the DCE fork.
  const dce = sims.get("dce")!;
  for (const days of WINDOWS) {
    const reference = runs.get("dce")!.get(days)!.documents;
    const deleted = [...reference.keys()].filter((id) =>
      dce.episodes().find((e) => e.id === id)!.deleted !== undefined
    );
    for (const flavor of ["stock", "oc12", "oc16"] as const) {
      const documents = runs.get(flavor)!.get(days)!.documents;
      assert.deepEqual(
        [...documents.keys()].sort(),
        [...reference.keys()].filter((id) => !deleted.includes(id)).sort(),
        `${flavor} -c ${days}`,
      );
      for (const [id, document] of documents) {
        assert.deepEqual(document, reference.get(id), `${flavor} ${id}`);
      }
    }
    if (days === 30) {
      assert.ok(deleted.length > 0, "no deleted episode in the window");
    }
  }
  // Workflow fields from the OC 12+ endpoint are there, not only equal.
  const oc16 = [...runs.get("oc16")!.get(30)!.documents.values()];
  for (const key of ["live_start", "live_end", "available"]) {
    assert.ok(oc16.some((d) => d[key] !== undefined), `no oc16 ${key}`);
  }
  assert.ok(oc16.some((d) => d.live_stream === 1), "no oc16 live episode");
});

interface IdRun {
  readonly documents: Map<string, Document>;
  readonly notFound: string[];
}

/**
 * Runs `load_episodes` with `extra` (ids instead of a window) and checks what
 * every id run shares: exactly the existing episodes the flavor can show
 * among `requested` are indexed once, the others are named as not found,
 * one search per id and no listing, one workflow list per episode.
 */
async function runIds(
  sim: Simulator,
  es: ElasticsearchFake,
  extra: readonly string[],
  requested: readonly string[],
): Promise<IdRun> {
  const label = `${sim.flavor} ${extra.join(" ")}`;
  sim.resetStats();
  const result = await runMain([...loadArgs(sim, es), ...extra]);
  const stats = sim.stats();
  assert.equal(result.code, 0, `${label}:\n${result.stderr}`);
  assert.deepEqual(errorLines(result.stderr), [], label);
  const byId = new Map(sim.episodes().map((e) => [e.id, e]));
  const found = requested.filter((id) => {
    const episode = byId.get(id);
    return episode !== undefined && visible(sim.flavor, episode);
  });
  const notFound = requested.filter((id) => !found.includes(id));
  const documents = es.documents("episodes");
  assert.deepEqual([...documents.keys()].sort(), [...found].sort(), label);
  for (const id of found) assert.equal(es.bulkAttempts.get(id), 1, label);
  // Each id not found is named in one warning; nothing else warns.
  const warnings = linesWith(result.stderr, "[WRN]");
  assert.equal(warnings.length, notFound.length, `${label}: ${warnings}`);
  for (const id of notFound) {
    assert.ok(warnings.some((line) => line.includes(id)), `${label}: ${id}`);
  }
  assert.match(
    result.stderr,
    new RegExp(
      `Episodes done: ${found.length} of ${found.length} indexed .* ${notFound.length} not found, 0 search pages`,
    ),
    label,
  );
  assert.equal(stats.episodeRequests, requested.length, label);
  assert.deepEqual(
    Object.keys(stats.byEpisodeId).sort(),
    [...requested].sort(),
    label,
  );
  assert.equal(
    stats.workflowRequests,
    expectedWorkflowRequests(sim, found.length),
    label,
  );
  assertWorkflowEndpointLogged(sim, result.stderr, label, found.length > 0);
  return { documents, notFound };
}

/** Every id run's documents equal the DCE fork's for the same episodes. */
function assertSameDocuments(
  runs: ReadonlyMap<SimulatorFlavor, IdRun>,
  label: string,
): void {
  const reference = runs.get("dce")!.documents;
  for (const [flavor, run] of runs) {
    for (const [id, document] of run.documents) {
      assert.deepEqual(document, reference.get(id), `${label} ${flavor} ${id}`);
    }
  }
}

Deno.test("CLI load_episodes --mpid indexes the given episodes on every flavor, deleted ones only on the DCE fork, the same documents on each", async () => {
  await using sims = await startFlavors();
  const episodes = sims.get("dce")!.episodes();
  const dayAgo = Date.now() - DAY_MS;
  const live = episodes.filter((e) => !e.deleted && e.live);
  const ids = [
    episodes.find((e) => !e.deleted && e.created.epochMilliseconds > dayAgo)!,
    episodes.find((e) => !e.deleted && e.created.epochMilliseconds < dayAgo)!,
    live[0]!,
    episodes.find((e) => e.deleted !== undefined)!,
  ].map((e) => e.id);
  ids.push(sims.get("dce")!.missingEpisodeIds()[0]!);
  assert.equal(new Set(ids).size, ids.length, "pick distinct episodes");

  const runs = new Map<SimulatorFlavor, IdRun>();
  for (const [flavor, sim] of sims) {
    await using es = startElasticsearchFake();
    const run = await runIds(sim, es, ids.flatMap((id) => ["--mpid", id]), ids);
    runs.set(flavor, run);
    // The deleted episode: found on the DCE fork only.
    assert.equal(run.notFound.length, flavor === "dce" ? 1 : 2, flavor);
    assert.notEqual(run.documents.get(live[0]!.id)?.live_start, undefined);
  }
  assertSameDocuments(runs, "--mpid");
});

Deno.test("CLI load_episodes --source-index-pattern indexes the episodes seen in the action indexes on every flavor; a day without an index loads nothing", async () => {
  await using sims = await startFlavors({ actions: 200 });
  const runs = new Map<SimulatorFlavor, IdRun>();
  for (const [flavor, sim] of sims) {
    // The actions harvested into daily indexes, as harvest --output es
    // writes them, and one that a narrower pattern must leave out.
    const deleted = sim.episodes().find((e) => e.deleted !== undefined)!;
    const unknown = sim.missingEpisodeIds()[0]!;
    for (const id of [deleted.id, unknown]) {
      sim.appendActions(1, { mediapackageIds: [id] });
    }
    await using es = startElasticsearchFake();
    for (const action of sim.actions()) {
      const day = action.created.toString().slice(0, 10).replaceAll("-", ".");
      es.seed(`useractions-${day}`, String(action.id), {
        action_id: action.id,
        mpid: action.mediapackageId,
      });
    }
    const outside = sim.episodes().find((e) =>
      !sim.actions().some((a) => a.mediapackageId === e.id)
    )!;
    es.seed("useractions-1999.01.01", "1", { action_id: 1, mpid: outside.id });
    const requested = [
      ...new Set(sim.actions().map((action) => action.mediapackageId)),
    ];

    const run = await runIds(
      sim,
      es,
      ["--source-index-pattern", "useractions-2*"],
      requested,
    );
    runs.set(flavor, run);
    assert.equal(run.documents.has(deleted.id), flavor === "dce", flavor);
  }
  // A named index that does not exist (no actions that day): nothing to do,
  // and no Opencast request (the same on every flavor).
  await using empty = startElasticsearchFake();
  const none = await runIds(
    sims.get("oc16")!,
    empty,
    ["--source-index-pattern", "useractions-2024.03.01"],
    [],
  );
  assert.equal(none.documents.size, 0);
  assert.equal(sims.get("oc16")!.stats().requests, 0);
  assertSameDocuments(runs, "--source-index-pattern");
});

Deno.test("loadEpisodes() with pages of 7 stops at the first page past the window on every flavor", async () => {
  // A fixed end, so the window is exact: 2024-02-11T12:00:00Z to the span end.
  const spanEnd = Temporal.Instant.from("2024-03-02T12:00:00Z");
  const now = spanEnd.epochMilliseconds;
  const days = 20;
  const pageSize = 7;
  for (const flavor of SIMULATOR_FLAVORS) {
    await using sim = await simulator({
      flavor,
      spanEnd,
      timezone: "UTC",
      episodes: 150,
      actions: 10,
    });
    await using es = startElasticsearchFake();
    const opencast = new OpencastClient({ host: sim.url });
    const summary = await loadEpisodes({
      ...createOpencastEpisodeSource({ engage: opencast, admin: opencast }),
      elasticsearch: { host: es.host },
      createdFromDaysAgo: days,
      now: new Date(now),
      pageSize,
      waitSeconds: 0,
    });
    const from = now - days * DAY_MS;
    const expected = sortedIds(createdIn(sim, from, now));
    assert.deepEqual([...es.documents("episodes").keys()].sort(), expected);
    assert.equal(summary.indexed, expected.length, flavor);
    const pages = expectedPages(sim, from, now, pageSize);
    assert.equal(sim.stats().episodeRequests, pages, flavor);
    assert.equal(summary.searchPages, pages, flavor);
    const listed = sim.episodes().filter((e) => visible(flavor, e)).length;
    assert.ok(
      pages > 2 && pages < Math.ceil(listed / pageSize) / 2,
      `${flavor}: ${pages} pages`,
    );
  }
});
