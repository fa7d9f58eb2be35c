import { getLogger } from "@logtape/logtape";
import { UPSTREAM_ID_MARGIN_SECONDS } from "../config/defaults.ts";
import type { Checkpoint, DayCursor } from "../checkpoint/checkpoint_format.ts";
import { withCursor } from "../checkpoint/with_cursor.ts";
import type { RecordSink } from "../sinks/record_sink.ts";
import type { HarvestSettings } from "./harvest_settings.ts";
import type { HarvestWindow } from "./resolve_window.ts";
import type { OpencastSource } from "./open_opencast_source.ts";
import type { EpisodeLookup } from "./episode_lookup.ts";
import { harvestWindow, type PageProgress } from "./harvest_window.ts";
import { upstreamBatches } from "./upstream_batches.ts";
import { knownActions } from "./known_actions.ts";
import { createIdRanges } from "./id_ranges.ts";
import type { HarvestTally } from "./harvest_tally.ts";
import { plural } from "../util/plural.ts";

/** Options for {@linkcode harvestWindows}. */
export interface HarvestWindowsOptions {
  /** The run's window, or its `--catch-up` sub-windows, in order. */
  readonly windows: readonly HarvestWindow[];
  readonly settings: Pick<
    HarvestSettings,
    "zone" | "batchSize" | "waitSeconds" | "pagesInFlight"
  >;
  readonly source: Pick<
    OpencastSource,
    "api" | "fetchPage" | "fetchById" | "fetchAnchor"
  >;
  readonly lookup: EpisodeLookup;
  readonly sink: RecordSink;
  /** Counts, and the checkpoint to start from; updated in place. */
  readonly tally: HarvestTally;
  /**
   * Where upstream day paging stood: the stored checkpoint's in a run that
   * continues from it. @default {undefined}
   */
  readonly cursor?: DayCursor;
  /** Saves a checkpoint; `undefined` when this run must not move it. */
  readonly saveCheckpoint?: (checkpoint: Checkpoint) => Promise<void>;
  /** Aborted: stop after the page in flight. */
  readonly signal?: AbortSignal;
  /** Told the run's counts after every page, for the live progress line. */
  readonly onProgress?: (progress: PageProgress) => void;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * Harvests the windows one after the other (see `harvestWindow()`), each
 * starting from the checkpoint and day cursor the one before reached, and
 * logs each window's end when there are several.
 *
 * @returns Whether the signal stopped the run before the last window's end.
 */
export async function harvestWindows(
  options: HarvestWindowsOptions,
): Promise<{ readonly stopped: boolean }> {
  const { windows, settings, source, tally, saveCheckpoint } = options;
  const upstream = source.api === "upstream";
  let cursor = options.cursor;
  let warnedOffset = false;
  for (const [index, part] of windows.entries()) {
    // Every counter follows each page, so a window that fails mid-way still
    // reaches the summary with what its delivered pages cost and left out.
    const before = { ...tally };
    const count = (done: PageProgress) => {
      tally.pages = before.pages + done.pages;
      tally.probes = before.probes + done.probes;
      tally.delivered = before.delivered + done.delivered;
      tally.skipped = before.skipped + done.skipped;
      tally.total = before.total + done.total;
    };
    const result = await harvestWindow({
      start: part.start,
      end: part.end,
      skipIds: part.skipIds,
      zone: settings.zone,
      batchSize: settings.batchSize,
      waitMs: settings.waitSeconds * 1000,
      pagesInFlight: settings.pagesInFlight,
      // Upstream rows come in id order, which follows created only to within
      // the id margin: hold the checkpoint back by it.
      holdBackSeconds: upstream ? UPSTREAM_ID_MARGIN_SECONDS : 0,
      fetchPage: source.fetchPage,
      batches: upstream
        ? upstreamBatches({
          start: part.start,
          end: part.end,
          zone: settings.zone,
          batchSize: settings.batchSize,
          fetchDay: source.fetchPage,
          fetchById: source.fetchById,
          known: knownActions(tally.checkpoint, part.start),
          fetchAnchor: source.fetchAnchor,
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
      lookup: options.lookup,
      sink: options.sink,
      checkpoint: withCursor(tally.checkpoint, cursor),
      saveCheckpoint: saveCheckpoint &&
        (async (next) => {
          await saveCheckpoint(next);
          tally.checkpoint = next;
        }),
      // Sub-windows share no second, so no action can be in two of them: one
      // set per window; kept as id ranges, it stays small however long the
      // window (ids come from a sequence).
      deliveredIds: createIdRanges(),
      signal: options.signal,
      onPageFailed: (records) => tally.failed = records,
      onPage: (done) => {
        count(done);
        options.onProgress?.({
          pages: tally.pages,
          probes: tally.probes,
          delivered: tally.delivered,
          skipped: tally.skipped,
          total: tally.total,
        });
      },
    });
    count(result);
    // A stopped window may have reached further than it saved (pages out of
    // created order are saved only at the window's end): a run that saves
    // names what it saved, where the next run starts, which the save above
    // already put in the tally. One that saves nothing names where it got.
    if (!result.stopped || !saveCheckpoint) {
      tally.checkpoint = result.checkpoint;
    }
    cursor = result.checkpoint?.cursor;
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
