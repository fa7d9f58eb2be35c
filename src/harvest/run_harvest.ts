import { EXIT_CODES } from "../errors.ts";
import type { HarvestSettings } from "./harvest_settings.ts";
import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import { loadCheckpoint } from "../checkpoint/load_checkpoint.ts";
import { checkpointPolicy, planHarvest } from "./plan_harvest.ts";
import { createEpisodeLookup } from "./episode_lookup.ts";
import { createProgressLine } from "./progress_line.ts";
import type { HarvestSummary } from "./harvest_summary.ts";
import { fenceSink } from "../sinks/fenced_sink.ts";
import { countDeliveries } from "../sinks/count_deliveries.ts";
import { startWriteProbe } from "../checkpoint/start_write_probe.ts";
import { reportUnrecorded } from "../checkpoint/report_unrecorded.ts";
import {
  acquireRunLock,
  connectConfiguredRedis,
  openCheckpointStore,
  openEpisodeCache,
  openSink,
} from "./open_harvest_parts.ts";
import { openOpencastSource } from "./open_opencast_source.ts";
import { describeHarvestStart } from "./describe_harvest_start.ts";
import { logNotes } from "./log_notes.ts";
import { resumeOutput } from "./resume_output.ts";
import { signalExitCode } from "../run_record/signal_exit_code.ts";
import { createCheckpointWriter } from "./checkpoint_writer.ts";
import { harvestWindows } from "./harvest_windows.ts";
import { createHarvestTally } from "./harvest_tally.ts";
import { reportHarvest } from "./report_harvest.ts";

/** What `main.ts` hands the harvest. */
export interface RunHarvestContext {
  /** Aborted by SIGINT/SIGTERM: finish the page in flight, save, stop. */
  readonly signal: AbortSignal;
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
  const stored = await loadCheckpoint(store, settings.zone);
  // Never deliver what cannot be recorded: proven beside the start-up below.
  const writable = stack.use(startWriteProbe(saves ? store : null, {
    stored,
    batchSize: settings.batchSize,
  }));
  // Before anything is opened downstream: a server without usertracking ends
  // the run with nothing sent or saved.
  const source = await openOpencastSource(settings, { signal: lockLost });
  const { window, windows, notes } = planHarvest({
    settings,
    stored,
    now: now(),
    api: source.api,
  });
  logNotes([
    ...notes,
    describeHarvestStart({
      window,
      windows: windows.length,
      settings,
      checkpointStore: store.description,
      saves,
    }),
  ]);
  const cache = stack.use(await openEpisodeCache(settings, redis));
  const sink = stack.use(
    countDeliveries(fenceSink(await openSink(settings), lockLost)),
  );
  await writable.proven();
  const fromCheckpoint = window.startSource === "checkpoint" ? stored : null;
  if (saves && fromCheckpoint) {
    await resumeOutput(sink, fromCheckpoint, window.end);
  }
  const lookup = createEpisodeLookup({
    cache,
    fetchEpisode: source.fetchEpisode,
    concurrency: settings.episodeConcurrency,
    ttlSeconds: settings.episodeTtlSeconds,
    missingTtlSeconds: settings.missingEpisodeTtlSeconds,
  });
  const progress = settings.progress ? createProgressLine() : null;
  const tally = createHarvestTally(stored);
  let outcome = "failed";
  let stopped = false;
  try {
    ({ stopped } = await harvestWindows({
      windows,
      settings,
      source,
      lookup,
      sink,
      tally,
      // Upstream day paging continues where the previous run stopped.
      cursor: fromCheckpoint?.cursor,
      saveCheckpoint: saves
        ? createCheckpointWriter({
          store: reportUnrecorded(store, () => sink.delivered),
          zone: settings.zone,
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
