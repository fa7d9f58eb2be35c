import { getLogger } from "@logtape/logtape";
import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import { createWindowCheckpoint } from "../checkpoint/window_checkpoint.ts";
import { withPosition } from "../checkpoint/with_position.ts";
import type { ActionSource, SourcePosition } from "../source/action_source.ts";
import type { RecordSink } from "../sinks/record_sink.ts";
import type { HarvestWindow } from "./resolve_window.ts";
import type { EpisodeLookup } from "./episode_lookup.ts";
import { harvestWindow } from "./harvest_window.ts";
import type { HarvestTally, PageProgress } from "./harvest_summary.ts";
import { plural } from "../util/plural.ts";

/** Options for {@linkcode harvestWindows}. */
export interface HarvestWindowsOptions {
  /** The run's window, or its `--catch-up` sub-windows, in order. */
  readonly windows: readonly HarvestWindow[];
  /** Where the actions come from. */
  readonly source: Pick<
    ActionSource,
    "read" | "description" | "holdBackSeconds" | "progress"
  >;
  /** See `HarvestWindowOptions.pagesInFlight`. */
  readonly pagesInFlight?: number;
  /** See `HarvestWindowOptions.maxBatchActions`. */
  readonly maxBatchActions?: number;
  readonly lookup: EpisodeLookup;
  readonly sink: RecordSink;
  /** Counts, and the checkpoint to start from; updated in place. */
  readonly tally: HarvestTally;
  /**
   * The source's position the first window continues from: the stored
   * checkpoint's, in a run that continues from it. @default {undefined}
   */
  readonly position?: SourcePosition;
  /** Saves a checkpoint; `undefined` when this run must not move it. */
  readonly saveCheckpoint?: (checkpoint: Checkpoint) => Promise<void>;
  /** Aborted: stop after the batch in flight. */
  readonly signal?: AbortSignal;
  /** Told the run's counts after every batch, for the live progress line. */
  readonly onProgress?: (progress: PageProgress) => void;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * Harvests the windows one after the other (see `harvestWindow()`), each
 * starting from the checkpoint and source position the one before reached,
 * and logs each window's end when there are several.
 *
 * @returns Whether the signal stopped the run before the last window's end.
 */
export async function harvestWindows(
  options: HarvestWindowsOptions,
): Promise<{ readonly stopped: boolean }> {
  const { windows, source, sink, tally, saveCheckpoint } = options;
  let position = options.position;
  for (const [index, part] of windows.entries()) {
    // Every counter follows each batch, so a window that fails mid-way still
    // reaches the summary with what its delivered batches cost and left out.
    const before = { ...tally };
    const count = (done: PageProgress): PageProgress => {
      const progress = addProgress(before, done);
      Object.assign(tally, progress);
      return progress;
    };
    const result = await harvestWindow({
      source,
      window: {
        start: part.start,
        end: part.end,
        skipIds: part.skipIds,
        mark: tally.checkpoint,
        position,
        continuesCheckpoint: index > 0 || part.startSource === "checkpoint",
      },
      checkpoint: createWindowCheckpoint({
        start: withPosition(tally.checkpoint, position),
        end: part.end,
        holdBackSeconds: source.holdBackSeconds,
        progress: source.progress,
        windowStart: part.start,
        // A sink with a position (a file) grows with every batch: save so
        // the checkpoint's output position matches it.
        saveEveryDelivery: sink.position !== undefined,
      }),
      lookup: options.lookup,
      sink,
      pagesInFlight: options.pagesInFlight,
      maxBatchActions: options.maxBatchActions,
      saveCheckpoint: saveCheckpoint &&
        (async (next) => {
          await saveCheckpoint(next);
          tally.checkpoint = next;
        }),
      signal: options.signal,
      onPageFailed: (records) => tally.failed = records,
      onPage: (done) => {
        const progress = count(done);
        options.onProgress?.(progress);
      },
    });
    count(result);
    // A stopped window may have reached further than it saved (batches out
    // of created order are saved only at the window's end): a run that saves
    // names what it saved, where the next run starts, which the save above
    // already put in the tally. One that saves nothing names where it got.
    if (!result.stopped || !saveCheckpoint) {
      tally.checkpoint = result.checkpoint;
    }
    position = result.checkpoint?.position;
    if (windows.length > 1) {
      logger.info(
        `Window {index} of {count} {state}: {delivered} ${
          plural(result.delivered, "action")
        }, checkpoint {checkpoint}`,
        {
          state: result.stopped ? "stopped" : "done",
          index: index + 1,
          count: windows.length,
          delivered: result.delivered,
          checkpoint: tally.checkpoint?.timestamp.toString() ?? "none",
        },
      );
    }
    if (result.stopped) return { stopped: true };
  }
  return { stopped: false };
}

/** The counts of `before` plus those of `done`: the run's progress after a batch. */
function addProgress(before: PageProgress, done: PageProgress): PageProgress {
  return {
    pages: before.pages + done.pages,
    probes: before.probes + done.probes,
    delivered: before.delivered + done.delivered,
    skipped: before.skipped + done.skipped,
    total: before.total + done.total,
  };
}
