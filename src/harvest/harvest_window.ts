/**
 * One harvest window, read as its stages: source batches → window filter →
 * enrich → deliver → save.
 *
 * @module
 */
import { inCreatedOrder } from "../checkpoint/in_created_order.ts";
import { getLogger } from "@logtape/logtape";
import { DEFAULT_PAGES_IN_FLIGHT } from "../config/defaults.ts";
import type {
  ActionSource,
  SourceBatch,
  SourceWindow,
} from "../source/action_source.ts";
import type { ViewerAction } from "../record/viewer_action.ts";
import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import type { WindowCheckpoint } from "../checkpoint/window_checkpoint.ts";
import type { RecordSink } from "../sinks/record_sink.ts";
import type { EpisodeLookup } from "./episode_lookup.ts";
import { IdRanges } from "../util/id_ranges.ts";
import { createWindowFilter } from "./window_filter.ts";
import {
  type EnrichingBatch,
  enrichInParts,
  type RecordPart,
} from "./enrich_records.ts";
import type { PageProgress } from "./harvest_summary.ts";
import { prefetch } from "../util/prefetch.ts";
import { cutBatches } from "./cut_batches.ts";

/** Options for {@linkcode harvestWindow}. */
export interface HarvestWindowOptions {
  /** Where the window's candidate actions come from. */
  readonly source:
    & Pick<ActionSource, "read" | "description">
    & Partial<Pick<ActionSource, "holdBackSeconds">>;
  /** The window, as the source is asked for it. */
  readonly window: SourceWindow;
  /** What may be saved when (see `createWindowCheckpoint()`). */
  readonly checkpoint: WindowCheckpoint;
  readonly lookup: EpisodeLookup;
  readonly sink: RecordSink;
  /**
   * Batches read and enriched ahead of the one being delivered (memory stays
   * bounded by this, not by the window). @default {@linkcode DEFAULT_PAGES_IN_FLIGHT}
   */
  readonly pagesInFlight?: number;
  /**
   * Actions enriched and delivered together at most: a bigger batch (a
   * server that ignores `limit` answers 50,000 rows for 1,000) is cut into
   * parts of this size, so memory follows the batch size, not the server.
   * @default {Infinity}
   */
  readonly maxBatchActions?: number;
  /** Saves a checkpoint; `undefined` when this run must not move it. */
  readonly saveCheckpoint?: (checkpoint: Checkpoint) => Promise<void>;
  /** Aborted: stop after the batch in flight. */
  readonly signal?: AbortSignal;
  readonly onPage?: (progress: PageProgress) => void;
  /** Told how many records the batch that failed held, before the error propagates. */
  readonly onPageFailed?: (records: number) => void;
}

/** What one window delivered. */
export interface WindowResult extends PageProgress {
  /** How far it got (see `WindowCheckpoint.reached`). */
  readonly checkpoint: Checkpoint | null;
  /** `true` when the signal stopped the window before its end. */
  readonly stopped: boolean;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * Harvests one window batch by batch: the source's batches, kept to what was
 * created in the window and not delivered yet, enriched, delivered, then
 * saved as far as the window checkpoint allows. A batch is delivered whole or
 * not at all as far as the checkpoint is concerned, so a crash repeats at
 * most the batch in flight.
 */
export async function harvestWindow(
  options: HarvestWindowOptions,
): Promise<WindowResult> {
  const { source, window, checkpoint, lookup, signal, saveCheckpoint } =
    options;
  // Offset paging over a growing table can repeat rows: the ids delivered
  // in this window, as id ranges (flat in memory however long the window;
  // ids come from a sequence). Windows share no second, so none is in two.
  const freshActions = createWindowFilter({
    ...window,
    deliveredIds: new IdRanges(),
  });
  const done = { pages: 0, probes: 0, delivered: 0, skipped: 0, total: 0 };
  const result = (stopped: boolean): WindowResult => ({
    ...done,
    checkpoint: checkpoint.reached,
    stopped,
  });
  // Batches whose episode lookups are in flight, so the window does not
  // end, and the cache close, while one is running.
  const building = new Set<Promise<void>>();

  // Run ahead of delivery: read a batch, keep what lies in the window and is
  // new, and start looking up its episodes and building its records. The
  // next batch is read while this one's episodes are looked up. The source
  // stops reading once the signal aborts; a batch it was reading then is
  // the one in flight, delivered before the window stops.
  async function* prepared() {
    const parts = cutBatches(
      source.read(window, { signal }),
      options.maxBatchActions ?? Infinity,
    );
    for await (const batch of parts) {
      const actions = freshActions(batch.actions, { vouched: batch.vouched });
      const enriching = enrichInParts(actions, lookup);
      building.add(enriching.settled);
      enriching.settled.then(() => building.delete(enriching.settled));
      yield { batch, actions, enriching };
    }
  }

  // In order: deliver, then save what the window checkpoint allows.
  async function deliverAndSave(): Promise<WindowResult> {
    let index = 0;
    const depth = options.pagesInFlight ?? DEFAULT_PAGES_IN_FLIGHT;
    for await (const item of prefetch(prepared(), { depth })) {
      const { batch, actions } = item;
      done.pages += batch.pages;
      done.probes += batch.probes;
      done.total += batch.total ?? 0;
      done.skipped += batch.actions.length - actions.length;
      index = await deliverParts(item, index, {
        ...options,
        holdBackSeconds: source.holdBackSeconds ?? 0,
        done,
      });
      logger.debug("Batch {page}: {received} actions, {delivered} delivered", {
        page: index,
        received: batch.actions.length,
        delivered: actions.length,
      });
      options.onPage?.({ ...done });
      // A signal: the batch just delivered was the one in flight; what was
      // read ahead is dropped (it is neither delivered nor checkpointed).
      if (signal?.aborted) return result(true);
    }
    if (signal?.aborted) return result(true);
    // Every batch of the window is delivered: whatever was held back for
    // order is safe now.
    const last = checkpoint.finish(index);
    if (last && saveCheckpoint) await saveCheckpoint(last);
    return result(false);
  }

  try {
    return await deliverAndSave();
  } finally {
    // Batches prepared ahead and not delivered (a stop or a failure): the
    // episode requests they have not started are dropped, and the window
    // ends once those running have settled.
    if (building.size > 0) await lookup.abandon();
    await Promise.allSettled(building);
  }
}

/** What {@linkcode deliverParts} needs of its window. */
interface PartsContext extends
  Pick<
    HarvestWindowOptions,
    "sink" | "checkpoint" | "saveCheckpoint" | "onPage" | "onPageFailed"
  > {
  readonly source: Pick<ActionSource, "description">;
  readonly holdBackSeconds: number;
  /** The window's counts, moved as parts go out. */
  readonly done: { -readonly [K in keyof PageProgress]: PageProgress[K] };
}

/**
 * Delivers one prepared batch part by part as its episodes become known (see
 * `enrichInParts()`), each part a batch of the window checkpoint (`index`
 * on), and saves what the checkpoint allows after each. The source's
 * position goes with the last part only (as with `cutBatches()`), and parts
 * of a batch out of created order save nothing before its last: a later part
 * may hold older actions than an earlier one.
 *
 * @returns The index of the next batch of the window checkpoint.
 */
async function deliverParts(
  item: {
    readonly batch: SourceBatch;
    readonly actions: readonly ViewerAction[];
    readonly enriching: EnrichingBatch;
  },
  index: number,
  context: PartsContext,
): Promise<number> {
  const { batch, actions } = item;
  const { sink, checkpoint, saveCheckpoint, done } = context;
  const inOrder = inCreatedOrder(actions, context.holdBackSeconds);
  const parts = item.enriching.parts();
  let sent = 0;
  for (;;) {
    let part: RecordPart;
    try {
      const next = await parts.next();
      if (next.done) return index;
      part = next.value;
      if (part.actions.length > 0) await sink.deliver(part.records);
    } catch (error) {
      checkpoint.failed(index);
      context.onPageFailed?.(actions.length - sent);
      throw error;
    }
    sent += part.actions.length;
    done.delivered += part.actions.length;
    const { save, outOfOrder } = checkpoint.delivered(index++, {
      actions: part.actions,
      vouched: batch.vouched,
      ...(part.last ? { position: batch.position } : {}),
      ...(part.last || inOrder ? {} : { provisional: true }),
    });
    if (outOfOrder) warnOutOfOrder(context.source.description, outOfOrder);
    if (save && saveCheckpoint) await saveCheckpoint(save);
    if (part.last) continue;
    logger.debug(
      "Batch {page}: {delivered} actions delivered ahead of the rest of their page",
      { page: index, delivered: part.actions.length },
    );
    context.onPage?.({ ...done });
  }
}

function warnOutOfOrder(
  source: string,
  { batch, oldest }: { batch: number; oldest: Temporal.Instant },
): void {
  logger.warn(
    "{source} returned actions out of created order (batch {page} goes back to {oldest}): " +
      "the checkpoint is saved only at the end of this window",
    { source, page: batch + 1, oldest: oldest.toString() },
  );
}
