import { EXIT_CODES, signalExitCode } from "../errors.ts";
import type { HarvestSettings } from "./harvest_settings.ts";
import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import { loadCheckpoint } from "../checkpoint/load_checkpoint.ts";
import { getLogger } from "@logtape/logtape";
import {
  checkpointPolicy,
  planHarvest,
  type PlanNote,
} from "./plan_harvest.ts";
import { createEpisodeLookup } from "./episode_lookup.ts";
import { createNoEpisodeLookup } from "./no_episode_lookup.ts";
import { createNullEpisodeCache } from "../cache/null_episode_cache.ts";
import { createProgressLine } from "./progress_line.ts";
import {
  createHarvestTally,
  type HarvestSummary,
  reportHarvest,
} from "./harvest_summary.ts";
import { fenceSink } from "../sinks/fenced_sink.ts";
import { countDeliveries } from "../sinks/count_deliveries.ts";
import { startWriteProbe } from "../checkpoint/start_write_probe.ts";
import { reportUnrecorded } from "../checkpoint/report_unrecorded.ts";
import {
  acquireRunLock,
  connectConfiguredRedis,
  openEngageClient,
  openEpisodeCache,
  startOpeningCheckpointStore,
  startOpeningSink,
} from "./open_harvest_parts.ts";
import { openInBackground } from "./open_in_background.ts";
import { chooseActionSource } from "../source/open_action_source.ts";
import { fetchEpisode } from "../opencast/fetch_episode.ts";
import { describeHarvestStart } from "./describe_harvest_start.ts";
import { resumeOutput } from "./resume_output.ts";
import { createCheckpointWriter } from "./checkpoint_writer.ts";
import { harvestWindows } from "./harvest_windows.ts";
import type { StdoutSinkOptions } from "../sinks/stdout_sink.ts";
import type { StatusLine } from "../log/status_line.ts";
import { type Clock, SYSTEM_CLOCK } from "../util/clock.ts";

/** What `main.ts` hands the harvest. */
export interface RunHarvestContext {
  /** Aborted by SIGINT/SIGTERM: finish the page in flight, save, stop. */
  readonly signal: AbortSignal;
  /** @default Temporal.Now.instant */
  readonly now?: () => Temporal.Instant;
  /**
   * The source's pauses (`--wait`, Matomo's waits between attempts), measured
   * on `now`. @default SYSTEM_CLOCK.sleep
   */
  readonly sleep?: Clock["sleep"];
  /** Receives the run's counts when it ends, also when it fails. */
  readonly onSummary?: (summary: HarvestSummary) => void;
  /** Where `--output -` writes records. @default Deno.stdout */
  readonly stdout?: StdoutSinkOptions["output"];
  /**
   * The progress line's place on stderr, which records on stdout are written
   * around. @default stderrStatusLine
   */
  readonly statusLine?: StatusLine;
}

/** The outcome of {@linkcode runHarvest}. */
export interface HarvestResult {
  readonly exitCode: number;
  readonly delivered: number;
  readonly checkpoint: Checkpoint | null;
}

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
  const { saves } = checkpointPolicy(settings);
  // Nothing is created or written before the lock is held (a missing S3
  // bucket) and the source was found (a missing queue, an output file); a
  // run that ends first opens these gates never.
  const locked = Promise.withResolvers<void>();
  const ready = Promise.withResolvers<void>();
  // One Redis connection serves the lock and the cache, and is closed last.
  const connecting = connectConfiguredRedis(settings);
  // What takes longest to open starts now, beside the lock: the AWS
  // credentials, the S3 client and its bucket check, the SQS queue lookup.
  const storePart = stack.use(startOpeningCheckpointStore(settings, {
    locked: locked.promise,
  }));
  const sinkPart = stack.use(startOpeningSink(settings, {
    ready: ready.promise,
    stdout: {
      ...(context.stdout ? { output: context.stdout } : {}),
      ...(context.statusLine ? { statusLine: context.statusLine } : {}),
    },
  }));
  stack.defer(() => {
    const ended = new Error("The run ended before it was ready");
    locked.reject(ended);
    ready.reject(ended);
  });
  // Observed by the openings; never an unhandled rejection here.
  locked.promise.catch(() => {});
  ready.promise.catch(() => {});
  const redis = await connecting;
  if (redis) {
    stack.defer(() => redis.quit());
  }
  // The lock comes before anything is read or asked: a run that loses it
  // must touch nothing, and a checkpoint read before it could be one the
  // run that held it has moved since. A run that leaves the checkpoint alone
  // needs none, so a long backfill does not keep cron out.
  const lock = saves ? stack.use(await acquireRunLock(settings, redis)) : null;
  locked.resolve();
  // A lost lock stops the run like a signal, and nothing more is saved.
  const lockLost = lock?.lost;
  const stop = lockLost ? AbortSignal.any([signal, lockLost]) : signal;
  // Without an engage node there are no episodes to cache.
  const cachePart = stack.use(
    openInBackground(() =>
      settings.engage === undefined
        ? Promise.resolve(createNullEpisodeCache())
        : openEpisodeCache(settings, redis)
    ),
  );
  const store = stack.use(await storePart.take());
  // The source is named before anything is asked of it: a checkpoint another
  // source wrote ends the run before any request.
  const chosen = chooseActionSource(settings);
  const stored = await loadCheckpoint(store, settings.zone, {
    source: chosen.name,
  });
  const engage = openEngageClient(settings, lockLost);
  // Never deliver what cannot be recorded: proven beside the start-up below.
  const writable = stack.use(startWriteProbe(saves ? store : null, {
    stored,
    batchSize: settings.batchSize,
  }));
  // Before anything is opened downstream: a server without usertracking (or
  // a Matomo that refuses the token) ends the run with nothing sent or saved.
  const source = stack.use(
    await chosen.open({
      engage,
      signal: lockLost,
      clock: { now, sleep: context.sleep ?? SYSTEM_CLOCK.sleep },
    }),
  );
  const { window, windows, notes } = planHarvest({
    settings,
    stored,
    now: now(),
    source,
  });
  logNotes([
    ...notes,
    describeHarvestStart({
      window,
      windows: windows.length,
      settings,
      source,
      checkpointStore: store.description,
      saves,
    }),
  ]);
  if (engage === null) {
    logger.warn(
      "No Opencast engage node is set (MATTERHORN_ENGAGE_HOST, -H): records carry no episode metadata ({episode})",
      { episode: '"episode": {}' },
    );
  }
  ready.resolve();
  const cache = stack.use(await cachePart.take());
  const sink = stack.use(
    countDeliveries(fenceSink(await sinkPart.take(), lockLost)),
  );
  await writable.proven();
  const fromCheckpoint = window.startSource === "checkpoint" ? stored : null;
  if (saves && fromCheckpoint) {
    await resumeOutput(sink, fromCheckpoint, window.end);
  }
  const lookup = engage === null
    ? createNoEpisodeLookup()
    : createEpisodeLookup({
      cache,
      fetchEpisode: (id) => fetchEpisode(engage, id),
      concurrency: settings.episodeConcurrency,
      ttlSeconds: settings.episodeTtlSeconds,
      missingTtlSeconds: settings.missingEpisodeTtlSeconds,
    });
  const progress = settings.progress
    ? createProgressLine(
      context.statusLine ? { statusLine: context.statusLine } : {},
    )
    : null;
  const tally = createHarvestTally(stored);
  let outcome = "failed";
  let stopped = false;
  try {
    ({ stopped } = await harvestWindows({
      windows,
      source,
      pagesInFlight: settings.pagesInFlight,
      // Sources may answer a little more than a batch (upstream's overlap);
      // only a server that ignores the limit gets cut.
      maxBatchActions: 2 * settings.batchSize,
      lookup,
      sink,
      tally,
      // The source continues where the previous run stopped.
      position: fromCheckpoint?.position,
      saveCheckpoint: saves
        ? createCheckpointWriter({
          store: reportUnrecorded(store, () => sink.delivered),
          zone: settings.zone,
          source: source.name,
          sink,
          fence: lockLost,
        })
        : undefined,
      signal: stop,
      onProgress: (done) => progress?.update(done),
    }));
    if (stopped && lockLost?.aborted && !signal.aborted) throw lockLost.reason;
    outcome = stopped ? `stopped by ${String(signal.reason)}` : "done";
  } finally {
    progress?.done();
    context.onSummary?.(reportHarvest({
      outcome,
      source,
      opencast: engage?.stats ?? { requests: 0 },
      tally,
      lookup,
      seconds: (performance.now() - startedAt) / 1000,
      dryRun: settings.dryRun,
      window,
    }));
    sink.report?.({ stored, checkpoint: tally.checkpoint });
  }
  return {
    exitCode: stopped ? signalExitCode(signal.reason) : EXIT_CODES.ok,
    delivered: tally.delivered,
    checkpoint: tally.checkpoint,
  };
}

const logger = getLogger(["ua-harvest", "harvest"]);

/** Logs the lines the plan asked for, in order. */
function logNotes(notes: readonly PlanNote[]): void {
  for (const note of notes) {
    if (note.level === "warn") logger.warn(note.message, note.properties);
    else logger.info(note.message, note.properties);
  }
}
