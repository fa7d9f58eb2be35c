import { getLogger } from "@logtape/logtape";
import { DEFAULT_PAGES_IN_FLIGHT } from "../config/defaults.ts";
import type { ActionPage, UserAction } from "../opencast/types.ts";
import type { RecordSink } from "../sinks/record_sink.ts";
import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import {
  advanceCheckpoint,
  checkpointAtWindowEnd,
} from "../checkpoint/advance_checkpoint.ts";
import type { EpisodeLookup } from "./episode_lookup.ts";
import { dcePages } from "../source/opencast/dce/dce_pages.ts";
import { createWindowFilter } from "./window_filter.ts";
import { enrichRecords } from "./enrich_records.ts";
import { sleep } from "../util/sleep.ts";
import { prefetch } from "../util/prefetch.ts";
import type { IdRanges } from "./id_ranges.ts";
import { createCheckpointHold } from "../checkpoint/hold_checkpoint_back.ts";
import { withCursor } from "../checkpoint/with_cursor.ts";
import type { ActionRecord } from "../record/action_record.ts";
import type {
  PageQuery,
  SourceBatch,
} from "../source/opencast/source_batch.ts";

/** Progress after each page, for the live progress line and the summary. */
export interface PageProgress {
  readonly pages: number;
  /** Single actions asked for by id. */
  readonly probes: number;
  readonly delivered: number;
  /** Actions left out (see {@linkcode WindowResult.skipped}). */
  readonly skipped: number;
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
  /** Pause between page requests (batches), ms. @default 0 */
  readonly waitMs?: number;
  /**
   * Batches fetched and enriched ahead of the one being delivered: the next
   * page is requested while the current one is delivered, and memory stays
   * bounded by this, not by the window. @default {@linkcode DEFAULT_PAGES_IN_FLIGHT}
   */
  readonly pagesInFlight?: number;
  /**
   * Fetches one page of a DCE `start`/`end` window (used when `batches` is
   * not given).
   */
  readonly fetchPage?: (query: PageQuery) => Promise<ActionPage>;
  /**
   * The candidate actions of the window, batch by batch (the upstream
   * strategy); pulled in order, up to `pagesInFlight` ahead of delivery.
   * @default {DCE pages from `fetchPage`}
   */
  readonly batches?: AsyncIterable<SourceBatch>;
  /** Told when `created` carries another offset than `zone` gives at that instant. */
  readonly onOffsetMismatch?: (serverOffset: string, created: string) => void;
  readonly lookup: EpisodeLookup;
  readonly sink: RecordSink;
  /** The checkpoint before this window. */
  readonly checkpoint: Checkpoint | null;
  /**
   * Seconds the saved checkpoint stays behind the newest action delivered,
   * with every id delivered since (see `createCheckpointHold()`): rows that
   * come in id order may bring actions that much older later. Batches going
   * back further than this are out of order. @default 0
   */
  readonly holdBackSeconds?: number;
  /** Saves a checkpoint; `undefined` when this run must not move it. */
  readonly saveCheckpoint?: (checkpoint: Checkpoint) => Promise<void>;
  /**
   * Ids delivered earlier in this run: offset paging over a growing table
   * can repeat rows. A `Set` or, flat in memory however long the window,
   * `createIdRanges()`.
   */
  readonly deliveredIds: Pick<Set<number>, "has" | "add"> | IdRanges;
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
  /** Single actions asked for by id. */
  readonly probes: number;
  readonly delivered: number;
  /** Actions left out because they had been delivered already, or lie outside the window. */
  readonly skipped: number;
  /** The server's count of actions in the window (first page). */
  readonly total: number;
  /** `true` when the signal stopped the window before its end. */
  readonly stopped: boolean;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * Harvests one window batch by batch: fetch, keep only what was created in
 * the window and not delivered yet, enrich, deliver, then move the checkpoint
 * past the batch. A batch is delivered whole or not at all as far as the
 * checkpoint is concerned, so a crash repeats at most the batch in flight.
 * DCE paging stops at the first page shorter than the limit (no extra
 * request).
 */
export async function harvestWindow(
  options: HarvestWindowOptions,
): Promise<WindowResult> {
  const {
    waitMs = 0,
    pagesInFlight = DEFAULT_PAGES_IN_FLIGHT,
    lookup,
    sink,
    saveCheckpoint,
    signal,
  } = options;
  const freshActions = createWindowFilter(options);
  const source = options.batches ?? dceSource(options);
  let checkpoint = options.checkpoint;
  let pages = 0;
  let probes = 0;
  let delivered = 0;
  let skipped = 0;
  let total = 0;
  let batches = 0;
  // Saving after each batch is safe only while batches come in `created`
  // order: a later batch holding older actions would sit behind a checkpoint
  // already saved. Once that is seen, save only at the end of the window.
  let ordered = true;
  let newestSecond = -Infinity;
  let saved = checkpoint;
  let cursor = checkpoint?.cursor;
  const holdBack = options.holdBackSeconds ?? 0;
  const hold = createCheckpointHold(checkpoint, holdBack);
  // What was saved last (or would be): the checkpoint held back.
  let held = checkpoint;
  const result = (stopped: boolean): WindowResult => ({
    checkpoint: held,
    pages,
    probes,
    delivered,
    skipped,
    total,
    stopped,
  });

  // Records still being built (episode lookups in flight), so the window
  // does not end, and the cache close, while one is running.
  const building = new Set<Promise<ActionRecord[]>>();

  // Stage 1, run ahead of delivery: fetch a batch (paced by waitMs), keep
  // what lies in the window and is new, and start stage 2 on it: look up its
  // episodes and build its records. The next batch is fetched while this
  // one's episodes are looked up, so the lookups of several pages overlap.
  async function* prepared(): AsyncGenerator<PreparedBatch> {
    const iterator = source[Symbol.asyncIterator]();
    try {
      for (let index = 0;; index++) {
        if (signal?.aborted) return;
        if (index > 0 && waitMs > 0) {
          await sleep(waitMs, { signal });
          if (signal?.aborted) return;
        }
        const next = await iterator.next();
        if (next.done) return;
        const batch = next.value;
        const fresh = freshActions(batch.actions);
        const records = enrichRecords(fresh, lookup);
        building.add(records);
        // Seen by the consumer in order; never an unhandled rejection meanwhile.
        records.catch(() => {}).finally(() => building.delete(records));
        yield { batch, fresh, records };
      }
    } finally {
      await iterator.return?.();
    }
  }

  try {
    return await deliverInOrder();
  } finally {
    // Pages prepared ahead and not delivered (a stop or a failure): the
    // episode requests they have not started are dropped, and the window
    // ends once those running have settled.
    if (building.size > 0) await lookup.abandon();
    await Promise.allSettled(building);
  }

  // Stage 3, in order: deliver, then move (and save) the checkpoint.
  async function deliverInOrder(): Promise<WindowResult> {
    for await (
      const item of prefetch(prepared(), { depth: pagesInFlight })
    ) {
      const { batch, fresh } = item;
      batches++;
      pages += batch.pages;
      probes += batch.probes;
      total += batch.total ?? 0;
      skipped += batch.actions.length - fresh.length;
      let next = checkpoint;
      if (fresh.length > 0) {
        let oldest = Infinity;
        let newest = -Infinity;
        for (const action of fresh) {
          const second = Math.floor(Date.parse(action.created) / 1000);
          if (second < oldest) oldest = second;
          if (second > newest) newest = second;
        }
        if (ordered && oldest < newestSecond - holdBack) {
          ordered = false;
          logger.warn(
            "Opencast returned actions out of created order (batch {page} goes back to {oldest}): " +
              "the checkpoint is saved only at the end of this window",
            { page: batches, oldest: new Date(oldest * 1000).toISOString() },
          );
        }
        newestSecond = Math.max(newestSecond, newest);
        try {
          await sink.deliver(await item.records);
        } catch (error) {
          options.onPageFailed?.(fresh.length);
          throw error;
        }
        delivered += fresh.length;
        hold.delivered(fresh);
        next = advanceCheckpoint(checkpoint, fresh);
      }
      const moved = next !== checkpoint;
      if (batch.cursor !== undefined) cursor = batch.cursor ?? undefined;
      next = withCursor(next, cursor);
      // A sink with a position (a file) grew even when the checkpoint's
      // second did not move: save so the position matches the output.
      const heldNext = next && hold.hold(next);
      if (
        saveCheckpoint && ordered && heldNext && fresh.length > 0 &&
        (moved || next!.cursor !== checkpoint?.cursor ||
          sink.position !== undefined)
      ) {
        await saveCheckpoint(heldNext);
        saved = heldNext;
      }
      checkpoint = next;
      held = heldNext;
      logger.debug(
        "Batch {page}: {received} actions, {delivered} delivered",
        {
          page: batches,
          received: batch.actions.length,
          delivered: fresh.length,
        },
      );
      options.onPage?.({ pages, probes, delivered, skipped, total });
      // A signal: the batch just delivered was the one in flight; what was
      // fetched ahead is dropped (it is neither delivered nor checkpointed).
      if (signal?.aborted) return result(true);
    }
    if (signal?.aborted) return result(true);
    if (delivered === 0) {
      checkpoint = withCursor(
        checkpointAtWindowEnd(checkpoint, options.end),
        cursor,
      );
    }
    held = checkpoint && hold.hold(checkpoint);
    // Every batch of the window is delivered: whatever was held back for order
    // is safe now.
    if (saveCheckpoint && held && !sameCheckpoint(held, saved)) {
      await saveCheckpoint(held);
    }
    return result(false);
  }
}

function sameCheckpoint(a: Checkpoint, b: Checkpoint | null): boolean {
  return a === b || (b !== null &&
    a.timestamp.equals(b.timestamp) && a.cursor === b.cursor &&
    a.ids.length === b.ids.length && a.ids.every((id, i) => id === b.ids[i]));
}

/** The DCE pages of the window; page requests go one at a time with a pause. */
function dceSource(options: HarvestWindowOptions): AsyncIterable<SourceBatch> {
  const { fetchPage } = options;
  if (fetchPage === undefined) {
    throw new TypeError("harvestWindow() needs fetchPage or batches");
  }
  return dcePages({
    ...options,
    fetchPage,
    // A pause between pages (--wait) spares the server: then one at a time.
    requestsInFlight: (options.waitMs ?? 0) > 0 ? 1 : undefined,
  });
}

/** A batch fetched and filtered, with its records being built. */
interface PreparedBatch {
  readonly batch: SourceBatch;
  readonly fresh: readonly UserAction[];
  readonly records: Promise<ActionRecord[]>;
}
