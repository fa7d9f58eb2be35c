/**
 * What one harvest window may save, and when: the bookkeeping between
 * delivering batches and saving the checkpoint.
 *
 * @module
 */
import type { ViewerAction } from "../record/viewer_action.ts";
import type { Checkpoint, SourcePosition } from "./checkpoint_format.ts";
import {
  advanceCheckpoint,
  checkpointAtWindowEnd,
} from "./advance_checkpoint.ts";
import { createCheckpointHold } from "./hold_checkpoint_back.ts";
import { withPosition } from "./with_position.ts";

/** Options for {@linkcode createWindowCheckpoint}. */
export interface WindowCheckpointOptions {
  /** The checkpoint the window starts from, with the source's position, or `null`. */
  readonly start: Checkpoint | null;
  /** The window's end: a finished window that delivered nothing moves there. */
  readonly end: Temporal.Instant;
  /**
   * Seconds the saved high-water mark stays behind the newest action
   * delivered (`ActionSource.holdBackSeconds`); a batch going back further
   * than this is out of order. @default 0
   */
  readonly holdBackSeconds?: number;
  /**
   * Save after every batch that delivered an action even when neither the
   * mark nor the position moved: the output has a position (a file's size)
   * the saved checkpoint must match. (`position` progress saves with every
   * new position that follows a delivery anyway, and never without one.)
   * @default false
   */
  readonly saveEveryDelivery?: boolean;
  /**
   * How the saved checkpoint follows the batches (`ActionSource.progress`):
   * `created`, the batches come in `created` order within the hold-back and
   * the mark follows each one; `position`, they follow no `created` order
   * (the source's position says what it handed over), so the mark stays
   * where the window started until the window is finished, and a batch saves
   * only the position. @default "created"
   */
  readonly progress?: "created" | "position";
  /**
   * The window's start: in `position` mode, the mark saved before the
   * window is finished when there is no `start` checkpoint, and how far
   * back the finished window's mark may be held. @default {undefined}
   */
  readonly windowStart?: Temporal.Instant;
}

/** A batch the sink accepted. */
export interface DeliveredBatch {
  /** The actions of the batch that were delivered (the window kept them). */
  readonly actions: readonly Pick<ViewerAction, "id" | "created">[];
  /**
   * The source's position once this batch and every one before it are
   * delivered (`SourceBatch.position`); `undefined` leaves it as it was,
   * `null` clears it.
   */
  readonly position?: SourcePosition;
  /**
   * The source vouched for the batch (`SourceBatch.vouched`): its actions
   * are accounted for by the position that comes with it, not by the
   * high-water mark, so however old they are they do not make the window's
   * batches out of order. @default false
   */
  readonly vouched?: boolean;
  /**
   * Count the batch but save nothing after it: an early part of a page
   * whose actions are not in `created` order, so a later part of the same
   * page may hold older actions than this one. The next batch that is not
   * provisional saves what both allow. @default false
   */
  readonly provisional?: boolean;
}

/** What may be done once a batch was delivered. */
export interface DeliveryAnswer {
  /** The checkpoint to save now; `undefined` when nothing new may be saved. */
  readonly save?: Checkpoint;
  /**
   * Set when this delivery showed, for the first time in the window, a batch
   * going back further than the hold-back (`batch` is its index): from then
   * on the window saves only at its end.
   */
  readonly outOfOrder?: {
    readonly batch: number;
    readonly oldest: Temporal.Instant;
  };
}

/** The checkpoint bookkeeping of one window; see {@linkcode createWindowCheckpoint}. */
export interface WindowCheckpoint {
  /**
   * Batch `index` (0, 1, 2, … in the order the source yielded them) was
   * delivered, whenever that happened.
   * @throws {RangeError} For an index told twice.
   */
  delivered(index: number, batch: DeliveredBatch): DeliveryAnswer;
  /** Batch `index` was not delivered: nothing from it on is ever saved by this window. */
  failed(index: number): void;
  /**
   * Every batch `0 … batches - 1` was delivered and the source has no more:
   * the checkpoint to save at the window's end (anything held back for order
   * is safe now), or `undefined` when the last save already says it.
   * @throws {RangeError} When a batch was not delivered (or failed).
   */
  finish(batches: number): Checkpoint | undefined;
  /**
   * How far the window got: the checkpoint (held back) after the batches
   * delivered without a gap; ahead of what was saved once batches came out
   * of order.
   */
  readonly reached: Checkpoint | null;
}

/**
 * Creates the checkpoint bookkeeping of one window. Batches may be reported
 * delivered in any order; they count in the order the source yielded them,
 * each once every batch before it is delivered, so a saved checkpoint never
 * passes a batch that was not delivered. The high-water mark is the newest
 * second delivered with its ids (see `advanceCheckpoint()`), held back by
 * `holdBackSeconds` (see `createCheckpointHold()`), with the source's
 * position of the last batch counted.
 *
 * Saving after each batch is safe only while batches come in `created`
 * order (within the hold-back): a later batch holding older actions would
 * sit behind a checkpoint already saved. Once one is seen, the window saves
 * only at its end, when every batch is delivered.
 *
 * @example Usage
 * ```ts ignore
 * const window = createWindowCheckpoint({ start: stored, end });
 * const { save } = window.delivered(0, { actions, position });
 * if (save) await store(save);
 * const last = window.finish(1);
 * if (last) await store(last);
 * ```
 */
export function createWindowCheckpoint(
  options: WindowCheckpointOptions,
): WindowCheckpoint {
  if (options.progress === "position") return positionWindowCheckpoint(options);
  const { start, end, holdBackSeconds = 0, saveEveryDelivery = false } =
    options;
  const hold = createCheckpointHold(start, holdBackSeconds);
  let checkpoint = start;
  let held = start;
  let saved = start;
  let position = start?.position;
  let ordered = true;
  let newestSecond = -Infinity;
  let actions = 0;
  // A provisional batch moved what may be saved; the next batch saves it.
  let pending = false;

  /** Counts the next batch in order; returns what it allows. */
  function count(batch: DeliveredBatch, index: number): DeliveryAnswer {
    const fresh = batch.actions;
    let moved = checkpoint;
    let outOfOrder: DeliveryAnswer["outOfOrder"];
    if (fresh.length > 0) {
      let oldest = Infinity;
      let newest = -Infinity;
      for (const action of fresh) {
        const second = Math.floor(Date.parse(action.created) / 1000);
        if (second < oldest) oldest = second;
        if (second > newest) newest = second;
      }
      if (
        ordered && !batch.vouched && oldest < newestSecond - holdBackSeconds
      ) {
        ordered = false;
        outOfOrder = {
          batch: index,
          oldest: Temporal.Instant.fromEpochMilliseconds(oldest * 1000),
        };
      }
      newestSecond = Math.max(newestSecond, newest);
      actions += fresh.length;
      hold.delivered(fresh);
      moved = advanceCheckpoint(checkpoint, fresh);
    }
    const changed = moved !== checkpoint;
    if (batch.position !== undefined) position = batch.position ?? undefined;
    const after = withPosition(moved, position);
    const heldAfter = after && hold.hold(after);
    let save: Checkpoint | undefined;
    const moves = ordered && heldAfter !== null && fresh.length > 0 &&
      (changed || after!.position !== checkpoint?.position ||
        saveEveryDelivery);
    if (batch.provisional) {
      pending ||= moves;
    } else if (
      ordered && heldAfter &&
      (moves || (pending && !sameCheckpoint(heldAfter, saved)))
    ) {
      save = saved = heldAfter;
      pending = false;
    }
    checkpoint = after;
    held = heldAfter;
    return { save, outOfOrder };
  }

  const order = inOrder(count);
  return {
    delivered: order.delivered,
    failed: order.failed,
    finish(batches) {
      order.finish(batches);
      if (actions === 0) {
        checkpoint = withPosition(
          checkpointAtWindowEnd(checkpoint, end),
          position,
        );
      }
      held = checkpoint && hold.hold(checkpoint);
      if (held === null || sameCheckpoint(held, saved)) return undefined;
      saved = held;
      return held;
    },
    get reached() {
      return held;
    },
  };
}

function sameCheckpoint(a: Checkpoint, b: Checkpoint | null): boolean {
  return a === b || (b !== null &&
    a.timestamp.equals(b.timestamp) && a.position === b.position &&
    a.ids.length === b.ids.length && a.ids.every((id, i) => id === b.ids[i]));
}

/**
 * The window checkpoint of a source whose batches follow no `created` order
 * and whose position records what it handed over (Matomo pages visits by
 * their last action, so a later batch may hold actions from the window's
 * first second). Until the window is finished the mark stays where the window
 * started (the start checkpoint's, else the window's start second) and a
 * batch with a new position, once anything was delivered since the last
 * save, saves the position alone: a run stopped there starts the window
 * again and the source drops what its position names. A batch without a
 * position (a part of one cut in parts) saves nothing, not even an output
 * file's size, which would then claim actions the position does not name.
 * A finished window moves the mark to its end held back by `holdBackSeconds`, never
 * before where it started, with no ids (the position holds them), and
 * notes its end as `reached`.
 */
function positionWindowCheckpoint(
  options: WindowCheckpointOptions,
): WindowCheckpoint {
  const { start, end, holdBackSeconds = 0 } = options;
  const floor = start?.timestamp ??
    options.windowStart?.round({
      smallestUnit: "second",
      roundingMode: "floor",
    });
  const base: Checkpoint | null = start ??
    (floor === undefined ? null : { timestamp: floor, ids: [] });
  let position = start?.position;
  let held = withPosition(base, position);
  let saved = start;
  // Actions delivered since the last save: the next position covers them.
  let unsaved = 0;
  const order = inOrder((batch) => {
    unsaved += batch.actions.length;
    if (batch.position === undefined) return {};
    position = batch.position ?? undefined;
    const after = withPosition(base, position);
    const save = after !== null && unsaved > 0 ? after : undefined;
    held = after;
    if (save) {
      saved = save;
      unsaved = 0;
    }
    return save === undefined ? {} : { save };
  });
  return {
    delivered: order.delivered,
    failed: order.failed,
    finish(batches) {
      order.finish(batches);
      const endSecond = Math.floor(end.epochMilliseconds / 1000);
      let mark = Temporal.Instant.fromEpochMilliseconds(
        (endSecond - holdBackSeconds) * 1000,
      );
      if (floor !== undefined && Temporal.Instant.compare(mark, floor) <= 0) {
        mark = floor;
      }
      const ids = start && mark.equals(start.timestamp) ? start.ids : [];
      // The mark stands behind what was read: `status` measures from here.
      const reached = Temporal.Instant.fromEpochMilliseconds(endSecond * 1000);
      held = withPosition({ timestamp: mark, ids, reached }, position);
      if (sameCheckpoint(held, saved)) return undefined;
      saved = held;
      return held;
    },
    get reached() {
      return held;
    },
  };
}

/** Counts batches in the order the source yielded them; see {@linkcode inOrder}. */
interface BatchOrder {
  delivered(index: number, batch: DeliveredBatch): DeliveryAnswer;
  failed(index: number): void;
  /** @throws {RangeError} When a batch was not delivered (or failed). */
  finish(batches: number): void;
}

/**
 * Batches reported delivered in any order, counted (by `count`) in the
 * order the source yielded them, each once every batch before it is
 * delivered and none from a failed one on.
 */
function inOrder(
  count: (batch: DeliveredBatch, index: number) => DeliveryAnswer,
): BatchOrder {
  let next = 0;
  let failedAt = Infinity;
  const waiting = new Map<number, DeliveredBatch>();
  return {
    delivered(index, batch) {
      if (index < next || waiting.has(index)) {
        throw new RangeError(
          `Cannot count batch ${index} as delivered: it was counted before`,
        );
      }
      waiting.set(index, batch);
      let save: Checkpoint | undefined;
      let outOfOrder: DeliveryAnswer["outOfOrder"];
      while (next < failedAt && waiting.has(next)) {
        const answer = count(waiting.get(next)!, next);
        waiting.delete(next++);
        save = answer.save ?? save;
        outOfOrder ??= answer.outOfOrder;
      }
      return {
        ...(save === undefined ? {} : { save }),
        ...(outOfOrder === undefined ? {} : { outOfOrder }),
      };
    },
    failed(index) {
      failedAt = Math.min(failedAt, index);
    },
    finish(batches) {
      if (next !== batches || waiting.size > 0 || failedAt < Infinity) {
        throw new RangeError(
          `Cannot finish the window as batch ${
            Math.min(next, failedAt)
          } of ${batches} was not delivered`,
        );
      }
    },
  };
}
