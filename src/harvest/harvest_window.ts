import { getLogger } from "@logtape/logtape";
import type { ActionPage, UserAction } from "../opencast/types.ts";
import type { RecordSink } from "../sinks/record_sink.ts";
import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import {
  advanceCheckpoint,
  checkpointAtWindowEnd,
} from "../checkpoint/advance_checkpoint.ts";
import { formatCompactTimestamp } from "../opencast/opencast_time.ts";
import type { EpisodeLookup } from "./episode_lookup.ts";
import { buildRecord } from "../record/build_record.ts";
import { sleep } from "../util/sleep.ts";

/** Which actions to ask for: one page of one window. */
export interface PageQuery {
  /** `YYYYMMDDHHmmss` in the server zone. */
  readonly start: string;
  /** `YYYYMMDDHHmmss` in the server zone. */
  readonly end: string;
  readonly limit: number;
  readonly offset: number;
}

/** Progress after each page, for the live progress line. */
export interface PageProgress {
  readonly pages: number;
  readonly delivered: number;
  readonly total: number;
}

/** Options for {@linkcode harvestWindow}. */
export interface HarvestWindowOptions {
  readonly start: Temporal.Instant;
  readonly end: Temporal.Instant;
  /** Ids already delivered at the start second (from the checkpoint). */
  readonly skipIds: ReadonlySet<number>;
  /** The Opencast server's zone, for the `YYYYMMDDHHmmss` parameters. */
  readonly zone: string;
  /** Actions per page. */
  readonly batchSize: number;
  /** Pause between page requests, ms. @default 0 */
  readonly waitMs?: number;
  readonly fetchPage: (query: PageQuery) => Promise<ActionPage>;
  readonly lookup: EpisodeLookup;
  readonly sink: RecordSink;
  /** The checkpoint before this window. */
  readonly checkpoint: Checkpoint | null;
  /** Saves a checkpoint; `undefined` when this run must not move it. */
  readonly saveCheckpoint?: (checkpoint: Checkpoint) => Promise<void>;
  /** Ids delivered earlier in this run: offset paging over a growing table can repeat rows. */
  readonly deliveredIds: Set<number>;
  /** Aborted: stop after the page in flight. */
  readonly signal?: AbortSignal;
  readonly onPage?: (progress: PageProgress) => void;
  /** Told how many records the page that failed held, before the error propagates. */
  readonly onPageFailed?: (records: number) => void;
}

/** What one window delivered. */
export interface WindowResult {
  readonly checkpoint: Checkpoint | null;
  readonly pages: number;
  readonly delivered: number;
  /** Actions left out because they had been delivered already. */
  readonly skipped: number;
  /** The server's count of actions in the window (first page). */
  readonly total: number;
  /** `true` when the signal stopped the window before its end. */
  readonly stopped: boolean;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * Harvests one window page by page: fetch, enrich, deliver, then move the
 * checkpoint past the page. A page is delivered whole or not at all as far as
 * the checkpoint is concerned, so a crash repeats at most the page in flight.
 * Paging stops at the first page shorter than the limit (no extra request).
 */
export async function harvestWindow(
  options: HarvestWindowOptions,
): Promise<WindowResult> {
  const {
    zone,
    batchSize,
    waitMs = 0,
    fetchPage,
    lookup,
    sink,
    saveCheckpoint,
    signal,
  } = options;
  const start = formatCompactTimestamp(options.start, zone);
  const end = formatCompactTimestamp(options.end, zone);
  let checkpoint = options.checkpoint;
  let pages = 0;
  let delivered = 0;
  let skipped = 0;
  let total = 0;
  // Saving after each page is safe only while pages come in `created` order
  // (as the DCE fork returns them): a later page holding older actions would
  // sit behind a checkpoint already saved. Once that is seen, save only at
  // the end of the window.
  let ordered = true;
  let newestSecond = -Infinity;
  let saved = checkpoint;
  for (let offset = 0;; offset += batchSize) {
    if (signal?.aborted) {
      return { checkpoint, pages, delivered, skipped, total, stopped: true };
    }
    if (pages > 0 && waitMs > 0) {
      await sleep(waitMs, { signal });
      // A signal during the pause: the page before it was the one in flight.
      if (signal?.aborted) {
        return { checkpoint, pages, delivered, skipped, total, stopped: true };
      }
    }
    const page = await fetchPage({ start, end, limit: batchSize, offset });
    pages++;
    if (pages === 1) total = page.total;
    const seen = new Set<number>();
    const fresh = page.actions.filter((action) => {
      if (
        options.skipIds.has(action.id) || options.deliveredIds.has(action.id)
      ) return false;
      if (seen.has(action.id)) return false;
      seen.add(action.id);
      return true;
    });
    skipped += page.actions.length - fresh.length;
    if (fresh.length > 0) {
      const seconds = fresh.map((action) =>
        Math.floor(Date.parse(action.created) / 1000)
      );
      const oldest = Math.min(...seconds);
      if (ordered && oldest < newestSecond) {
        ordered = false;
        logger.warn(
          "Opencast returned actions out of created order (page {page} goes back to {oldest}): " +
            "the checkpoint is saved only at the end of this window",
          { page: pages, oldest: new Date(oldest * 1000).toISOString() },
        );
      }
      newestSecond = Math.max(newestSecond, ...seconds);
      try {
        await deliverPage(fresh, lookup, sink);
      } catch (error) {
        options.onPageFailed?.(fresh.length);
        throw error;
      }
      for (const action of fresh) options.deliveredIds.add(action.id);
      delivered += fresh.length;
      const next = advanceCheckpoint(checkpoint, fresh);
      // A sink with a position (a file) grew even when the checkpoint's
      // second did not move: save so the position matches the output.
      if (
        saveCheckpoint && ordered && next &&
        (next !== checkpoint || sink.position !== undefined)
      ) {
        await saveCheckpoint(next);
        saved = next;
      }
      checkpoint = next;
    }
    logger.debug(
      "Page {page} at offset {offset}: {received} actions, {delivered} delivered",
      {
        page: pages,
        offset,
        received: page.actions.length,
        delivered: fresh.length,
      },
    );
    options.onPage?.({ pages, delivered, total });
    if (page.actions.length < batchSize) break;
  }
  if (delivered === 0) {
    checkpoint = checkpointAtWindowEnd(checkpoint, options.end);
  }
  // Every page of the window is delivered: whatever was held back is safe now.
  if (saveCheckpoint && checkpoint && checkpoint !== saved) {
    await saveCheckpoint(checkpoint);
  }
  return { checkpoint, pages, delivered, skipped, total, stopped: false };
}

async function deliverPage(
  actions: readonly UserAction[],
  lookup: EpisodeLookup,
  sink: RecordSink,
): Promise<void> {
  const episodes = await lookup.lookup(
    actions.map((action) => action.mediapackageId),
  );
  const records = actions.map((action) =>
    buildRecord(action, episodes.get(action.mediapackageId) ?? null)
  );
  await sink.deliver(records);
}
