import { EXIT_CODES, signalExitCode } from "../errors.ts";
import type { HarvestSettings } from "./harvest_settings.ts";
import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import { loadCheckpoint } from "../checkpoint/load_checkpoint.ts";
import { openCheckpointStore } from "../checkpoint/open_checkpoint_store.ts";
import { getLogger } from "@logtape/logtape";
import {
  checkpointPolicy,
  planHarvest,
  type PlanNote,
} from "./plan_harvest.ts";
import { createEpisodeLookup } from "./episode_lookup.ts";
import { createProgressLine } from "./progress_line.ts";
import {
  createHarvestTally,
  type HarvestSummary,
  reportHarvest,
} from "./harvest_summary.ts";
import { fenceSink } from "../sinks/fenced_sink.ts";
import {
  acquireRunLock,
  connectConfiguredRedis,
  openEngageClient,
  openEpisodeCache,
  openSink,
} from "./open_harvest_parts.ts";
import { chooseActionSource } from "../source/open_action_source.ts";
import { fetchEpisode } from "../opencast/fetch_episode.ts";
import { describeHarvestStart } from "./describe_harvest_start.ts";
import { resumeOutput } from "./resume_output.ts";
import { createCheckpointWriter } from "./checkpoint_writer.ts";
import { harvestWindows } from "./harvest_windows.ts";
import type { StdoutSinkOptions } from "../sinks/stdout_sink.ts";
import type { StatusLine } from "../log/status_line.ts";
import type { Clock } from "../util/clock.ts";

/** What `main.ts` hands the harvest. */
export interface RunHarvestContext {
  /** Aborted by SIGINT/SIGTERM: finish the page in flight, save, stop. */
  readonly signal: AbortSignal;
  /** @default Temporal.Now.instant */
  readonly now?: () => Temporal.Instant;
  /** The pause between pages (`--wait`). @default SYSTEM_CLOCK.sleep */
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
  // One Redis connection serves the lock and the cache, and is closed last.
  const redis = await connectConfiguredRedis(settings);
  if (redis) {
    stack.defer(() => redis.quit().then(() => {}, () => redis.disconnect()));
  }
  // The lock comes first: a run that loses it must touch nothing. A run that
  // leaves the checkpoint alone needs none, so a long backfill does not keep
  // cron out.
  const { saves } = checkpointPolicy(settings);
  const lock = saves ? stack.use(await acquireRunLock(settings, redis)) : null;
  // A lost lock stops the run like a signal, and nothing more is saved.
  const lockLost = lock?.lost;
  const stop = lockLost ? AbortSignal.any([signal, lockLost]) : signal;
  const store = stack.use(await openCheckpointStore(settings));
  // The source is named before anything is asked of it: a checkpoint another
  // source wrote ends the run before any request.
  const chosen = chooseActionSource(settings);
  const stored = await loadCheckpoint(store, settings.zone, {
    source: chosen.name,
  });
  const engage = openEngageClient(settings, lockLost);
  // Before anything is opened downstream: a server without usertracking ends
  // the run with nothing sent or saved.
  const source = stack.use(
    await chosen.open({
      engage,
      ...(context.sleep ? { sleep: context.sleep } : {}),
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
  const cache = stack.use(await openEpisodeCache(settings, redis));
  const sink = stack.use(
    fenceSink(
      await openSink(settings, {
        ...(context.stdout ? { output: context.stdout } : {}),
        ...(context.statusLine ? { statusLine: context.statusLine } : {}),
      }),
      lockLost,
    ),
  );
  const fromCheckpoint = window.startSource === "checkpoint" ? stored : null;
  if (saves && fromCheckpoint) {
    await resumeOutput(sink, fromCheckpoint, window.end);
  }
  const lookup = createEpisodeLookup({
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
      lookup,
      sink,
      tally,
      // The source continues where the previous run stopped.
      position: fromCheckpoint?.position,
      saveCheckpoint: saves
        ? createCheckpointWriter({
          store,
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
      opencast: engage.stats,
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
