import { UPSTREAM_ID_MARGIN_SECONDS } from "../config/defaults.ts";
import { getLogger } from "@logtape/logtape";
import { EXIT_CODES, UsertrackingMissingError } from "../errors.ts";
import type { HarvestSettings } from "./harvest_settings.ts";
import { OpencastClient } from "../opencast/opencast_client.ts";
import {
  fetchActions,
  type FetchActionsOptions,
} from "../opencast/fetch_actions.ts";
import { fetchActionById } from "../opencast/fetch_action_by_id.ts";
import { EndpointNotFoundError } from "../opencast/endpoint_not_found_error.ts";
import type { UserAction } from "../opencast/types.ts";
import { fetchEpisode } from "../opencast/fetch_episode.ts";
import {
  type Checkpoint,
  parseCheckpoint,
  serializeCheckpoint,
} from "../checkpoint/checkpoint_format.ts";
import { checkpointPolicy, planHarvest } from "./plan_harvest.ts";
import { parseOffsetTimestamp } from "../opencast/opencast_time.ts";
import type { ActionRecord } from "../record/action_record.ts";
import { createEpisodeLookup } from "./episode_lookup.ts";
import { harvestWindow } from "./harvest_window.ts";
import { createIdRanges } from "./id_ranges.ts";
import { detectOpencastApi, type OpencastApi } from "./detect_opencast_api.ts";
import { upstreamBatches } from "./upstream_batches.ts";
import { createProgressLine } from "./progress_line.ts";
import { describeWindow } from "./describe_window.ts";
import { createDryRunSink } from "../sinks/dry_run_sink.ts";
import type { HarvestSummary } from "./harvest_summary.ts";
import { fenceSink } from "../sinks/fenced_sink.ts";
import {
  acquireRunLock,
  connectConfiguredRedis,
  describeOutput,
  openCheckpointStore,
  openEpisodeCache,
  openSink,
} from "./open_harvest_parts.ts";

/** What `main.ts` hands the harvest. */
export interface RunHarvestContext {
  /** Aborted by SIGINT/SIGTERM: finish the page in flight, save, stop. */
  readonly signal: AbortSignal;
  /** Sent as the HTTP User-Agent. */
  readonly version: string;
  /** @default Temporal.Now.instant */
  readonly now?: () => Temporal.Instant;
  /** Receives the run's counts when it ends, also when it fails. */
  readonly onSummary?: (summary: HarvestSummary) => void;
}

/** The outcome of {@linkcode runHarvest}. */
export interface HarvestResult {
  readonly exitCode: number;
  readonly delivered: number;
  readonly checkpoint: Checkpoint | null;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * The harvest command: takes the lock, reads the checkpoint, resolves the
 * window, then harvests it (in sub-windows with `--catch-up`) page by page,
 * saving the checkpoint after every delivered page. Ends with one summary
 * event. Errors propagate as typed errors for `main.ts` to report.
 */
export async function runHarvest(
  settings: HarvestSettings,
  context: RunHarvestContext,
): Promise<HarvestResult> {
  const { signal, now = () => Temporal.Now.instant() } = context;
  const startedAt = performance.now();
  await using stack = new AsyncDisposableStack();
  const dryRun = settings.dryRun;

  // One Redis connection serves the lock and the cache, and is closed last.
  const redis = await connectConfiguredRedis(settings);
  if (redis) {
    stack.defer(() => redis.quit().then(() => {}, () => redis.disconnect()));
  }
  // Whether this run moves the checkpoint, known before anything is opened.
  const { moves, saves: update } = checkpointPolicy(settings);
  // The lock comes first: a run that loses it must touch nothing. A run that
  // leaves the checkpoint alone needs none, so a long backfill does not keep
  // cron out.
  const lock = update ? stack.use(await acquireRunLock(settings, redis)) : null;
  // A lost lock stops the run like a signal, and nothing more is saved.
  const lockLost = lock?.lost;
  const stop = lockLost ? AbortSignal.any([signal, lockLost]) : signal;
  const store = stack.use(
    await openCheckpointStore(settings, { create: !dryRun }),
  );
  const storedText = await store.load();
  const stored = storedText === null
    ? null
    : parseCheckpoint(storedText, settings.zone, { source: store.description });

  const client = new OpencastClient({
    host: settings.engage.host,
    user: settings.engage.user,
    password: settings.engage.password,
    auth: settings.engage.auth,
    timeoutMs: settings.engage.timeoutMs,
    maxAttempts: settings.engage.maxAttempts,
    nodeLabel: "engage",
    // A lost lock cuts a request in flight short: nothing more is fetched.
    signal: lockLost,
  });
  const getActions = (options: FetchActionsOptions) =>
    usertracking(client, () => fetchActions(client, options));
  // Before anything is opened downstream: a server without usertracking
  // ends the run with nothing sent or saved.
  let api: OpencastApi;
  if (settings.opencastApi === "auto") {
    const detected = await detectOpencastApi(getActions);
    api = detected.api;
    logger.info("Opencast API: {api} (detected: {reason})", { ...detected });
  } else {
    api = settings.opencastApi;
    logger.info("Opencast API: {api} (set by --opencast-api)", { api });
  }
  const { window, windows, notes } = planHarvest({
    settings,
    stored,
    now: now(),
    api,
  });
  for (const note of notes) {
    if (note.level === "warn") logger.warn(note.message, note.properties);
    else logger.info(note.message, note.properties);
  }
  logger.info(
    "Harvesting {window}, start from {startSource}, " +
      "{windows} window(s), output {output}, checkpoint {checkpointStore}{saving}",
    {
      window: describeWindow(window.start, window.end, settings.zone),
      start: wallClock(window.start, settings.zone),
      end: wallClock(window.end, settings.zone),
      zone: settings.zone,
      startUtc: window.start.toString({ smallestUnit: "second" }),
      endUtc: window.end.toString({ smallestUnit: "second" }),
      startSource: window.startSource,
      windows: windows.length,
      output: describeOutput(settings),
      checkpointStore: store.description,
      saving: update ? "" : " (not moved by this run)",
    },
  );

  const cache = stack.use(await openEpisodeCache(settings, redis));
  const dryRunSink = dryRun ? createDryRunSink(describeOutput(settings)) : null;
  const sink = stack.use(
    fenceSink(dryRunSink ?? await openSink(settings), lockLost),
  );
  if (
    update && window.startSource === "checkpoint" && stored?.output &&
    sink.resume
  ) {
    // A crash between writing a page and saving the checkpoint left that page
    // in the output; this run fetches it again, so take it back first.
    await sink.resume(
      stored.output,
      (record) => isAfter(record, stored, window.end),
    );
  }
  const lookup = createEpisodeLookup({
    cache,
    fetchEpisode: (id) => fetchEpisode(client, id),
    concurrency: settings.episodeConcurrency,
    ttlSeconds: settings.episodeTtlSeconds,
    missingTtlSeconds: settings.missingEpisodeTtlSeconds,
  });
  const progress = settings.progress ? createProgressLine() : null;
  let checkpoint = stored;
  // Upstream day paging position, carried from window to window (and, for
  // runs from the checkpoint, from the previous run).
  let cursor = window.startSource === "checkpoint" ? stored?.cursor : undefined;
  let warnedOffset = false;
  let probes = 0;
  let pages = 0;
  let delivered = 0;
  let skipped = 0;
  let total = 0;
  let stopped = false;
  let outcome = "failed";
  // Progress of the window in flight, so a failed run's summary still counts
  // the pages it delivered (and saved) before the failure.
  let inFlight = { pages: 0, delivered: 0 };
  const fetchById = (id: number) =>
    usertracking(client, () => fetchActionById(client, id));
  const fetchAnchor = async (): Promise<UserAction | null> => {
    const { total } = await getActions({ limit: 1, offset: 0 });
    if (total < 1) return null;
    const last = await getActions({ limit: 1, offset: total - 1 });
    return last.actions[0] ?? null;
  };
  // Names this run's checkpoint writes (see serializeCheckpoint).
  const runId = crypto.randomUUID();
  let writes = 0;
  let failed = 0;
  try {
    for (const [index, part] of windows.entries()) {
      const result = await harvestWindow({
        start: part.start,
        end: part.end,
        skipIds: index === 0 ? window.skipIds : new Set(),
        zone: settings.zone,
        batchSize: settings.batchSize,
        waitMs: settings.waitSeconds * 1000,
        pagesInFlight: settings.pagesInFlight,
        // Upstream rows come in id order, which follows created only to
        // within the id margin: hold the checkpoint back by it.
        holdBackSeconds: api === "upstream" ? UPSTREAM_ID_MARGIN_SECONDS : 0,
        fetchPage: getActions,
        batches: api === "upstream"
          ? upstreamBatches({
            start: part.start,
            end: part.end,
            zone: settings.zone,
            batchSize: settings.batchSize,
            fetchDay: getActions,
            fetchById,
            fetchAnchor,
            cursor,
          })
          : undefined,
        onOffsetMismatch: (offset, created) => {
          if (warnedOffset) return;
          warnedOffset = true;
          logger.warn(
            "Opencast writes created times with offset {offset} (e.g. {created}), but --server-timezone " +
              "{zone} has another offset then: set --server-timezone (OPENCAST_TIMEZONE) to the server's zone",
            { offset, created, zone: settings.zone },
          );
        },
        lookup,
        sink,
        checkpoint: checkpoint && cursor !== checkpoint.cursor
          ? withoutCursor(checkpoint, cursor)
          : checkpoint,
        saveCheckpoint: update
          ? async (next) => {
            lockLost?.throwIfAborted();
            await store.save(
              serializeCheckpoint(
                { ...next, output: sink.position?.() },
                settings.zone,
                { writer: `${runId}:${++writes}` },
              ),
            );
            checkpoint = next;
          }
          : undefined,
        // Sub-windows share no second, so no action can be in two of them:
        // one set per window; kept as id ranges, it stays small however
        // long the window (ids come from a sequence).
        deliveredIds: createIdRanges(),
        signal: stop,
        onPageFailed: (records) => failed = records,
        onPage: (p) => {
          inFlight = p;
          progress?.update({
            pages: pages + p.pages,
            delivered: delivered + p.delivered,
            total: total + p.total,
          });
        },
      });
      inFlight = { pages: 0, delivered: 0 };
      checkpoint = result.checkpoint;
      cursor = checkpoint?.cursor;
      pages += result.pages;
      probes += result.probes;
      delivered += result.delivered;
      skipped += result.skipped;
      total += result.total;
      if (windows.length > 1) {
        logger.info(
          "Window {index} of {count} {state}: {delivered} actions, checkpoint {checkpoint}",
          {
            state: result.stopped ? "stopped" : "done",
            index: index + 1,
            count: windows.length,
            delivered: result.delivered,
            checkpoint: checkpoint?.timestamp.toString() ?? "none",
          },
        );
      }
      if (result.stopped) {
        stopped = true;
        break;
      }
    }
    if (stopped && lockLost?.aborted && !signal.aborted) throw lockLost.reason;
    outcome = stopped ? `stopped by ${String(signal.reason)}` : "done";
  } finally {
    progress?.done();
    const seconds = (performance.now() - startedAt) / 1000;
    delivered += inFlight.delivered;
    pages += inFlight.pages;
    const summary = {
      outcome,
      api,
      actions: delivered,
      pages,
      probes,
      skipped,
      failed,
      episodesFetched: lookup.stats.fetched,
      episodesMissing: lookup.stats.missing,
      cacheHits: lookup.stats.cacheHits,
      opencastRequests: client.stats.requests,
      seconds: Math.round(seconds * 1000) / 1000,
      actionsPerSecond: Math.round(delivered / Math.max(seconds, 0.001)),
      checkpoint: checkpoint?.timestamp.toString() ?? "none",
      dryRun,
    };
    // A failed run's summary is information; the error itself follows as one line.
    logger.info(
      "Harvest {outcome}: {actions} actions in {pages} pages, {failed} failed, {probes} id probes ({api} API), {episodesFetched} episodes fetched, " +
        "{cacheHits} cache hits, {seconds}s ({actionsPerSecond}/s), checkpoint {checkpoint}",
      summary,
    );
    context.onSummary?.({
      ...summary,
      window: { start: window.start.toString(), end: window.end.toString() },
    });
    if (dryRunSink) {
      logger.info(
        "Dry run: would have sent {count} records to {output} and {move} the checkpoint " +
          "{checkpoint}; nothing was sent or saved",
        {
          count: dryRunSink.count,
          output: describeOutput(settings),
          move: moves ? "moved" : "left",
          checkpoint: moves
            ? `to ${checkpoint?.timestamp.toString() ?? "none"}`
            : `at ${
              stored?.timestamp.toString() ?? "none"
            } (this run does not move it)`,
          sample: dryRunSink.sample,
        },
      );
    }
  }
  const exitCode = !stopped
    ? EXIT_CODES.ok
    : signal.reason === "SIGINT"
    ? EXIT_CODES.interrupted
    : EXIT_CODES.terminated;
  return { exitCode, delivered, checkpoint };
}

/** The checkpoint with the given day cursor (or none). */
function withoutCursor(
  checkpoint: Checkpoint,
  cursor: Checkpoint["cursor"],
): Checkpoint {
  const { cursor: _, ...rest } = checkpoint;
  return cursor === undefined ? rest : { ...rest, cursor };
}

/**
 * Runs a usertracking request, turning its 404 into the one-line
 * {@linkcode UsertrackingMissingError}.
 */
async function usertracking<T>(
  client: OpencastClient,
  request: () => Promise<T>,
): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (
      error instanceof EndpointNotFoundError &&
      error.endpoint.startsWith("/usertracking/")
    ) {
      throw new UsertrackingMissingError(
        `Opencast engage host ${client.baseUrl.host} answered 404 for ${error.endpoint}: ` +
          "the usertracking plugin is not enabled on this engage node, or this Opencast no longer has it " +
          "(removed upstream); nothing was sent or saved",
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Whether a record lies after the checkpoint and within the window, i.e.
 * whether this run delivers it again.
 */
function isAfter(
  record: ActionRecord,
  checkpoint: Checkpoint,
  end: Temporal.Instant,
): boolean {
  const created = typeof record.timestamp === "string"
    ? parseOffsetTimestamp(record.timestamp)
    : null;
  if (created === null || typeof record.action_id !== "number") return false;
  const second = created.round({
    smallestUnit: "second",
    roundingMode: "floor",
  });
  const order = Temporal.Instant.compare(second, checkpoint.timestamp);
  return Temporal.Instant.compare(second, end) <= 0 &&
    (order > 0 ||
      (order === 0 && !checkpoint.ids.includes(record.action_id)));
}

function wallClock(instant: Temporal.Instant, zone: string): string {
  return instant.toZonedDateTimeISO(zone).toPlainDateTime().toString({
    smallestUnit: "second",
  })
    .replace("T", " ");
}
