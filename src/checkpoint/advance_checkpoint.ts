/**
 * How the harvest position moves: the high-water mark is the newest `created`
 * second delivered, with the ids delivered in that second, and it never moves
 * backwards (opencast-api.md §7).
 *
 * @module
 */

import { ApiContractError } from "../errors.ts";
import type { ViewerAction } from "../record/viewer_action.ts";
import { parseOffsetTimestamp } from "../opencast/opencast_time.ts";
import type { Checkpoint } from "./checkpoint_format.ts";

/**
 * The checkpoint after a page was delivered: the maximum `created` second
 * among the delivered actions (the API promises no order, so not merely the
 * last one) with the ids delivered in that second. When that second is the
 * current checkpoint's, the ids are merged; when it is older, the current
 * checkpoint stays. Seconds are compared whole: `created` fractions are
 * floored, as the API's `start` has second granularity.
 *
 * @param current The checkpoint before the page, or `null`.
 * @param delivered The actions of the page that were delivered.
 * @returns The new checkpoint; `current` itself when nothing moves it.
 * @throws {ApiContractError} When an action's `created` is unreadable.
 */
export function advanceCheckpoint(
  current: Checkpoint | null,
  delivered: readonly Pick<ViewerAction, "id" | "created">[],
): Checkpoint | null {
  // Epoch seconds as plain numbers: one Temporal comparison per page, not
  // one rounding and comparison per action.
  let newest = Number.NEGATIVE_INFINITY;
  let ids: number[] = [];
  for (const action of delivered) {
    const second = createdSecond(action);
    if (second > newest) {
      newest = second;
      ids = [action.id];
    } else if (second === newest) {
      ids.push(action.id);
    }
  }
  if (newest === Number.NEGATIVE_INFINITY) return current;
  const timestamp = Temporal.Instant.fromEpochMilliseconds(newest * 1000);
  if (current === null) return { timestamp, ids: unique(ids) };
  const order = Temporal.Instant.compare(timestamp, current.timestamp);
  if (order < 0) return current;
  if (order === 0) {
    return {
      timestamp: current.timestamp,
      ids: unique([...current.ids, ...ids]),
    };
  }
  return { timestamp, ids: unique(ids) };
}

/**
 * The checkpoint at the end of a window whose every page was delivered: it
 * moves to the window's end second with no ids (nothing newer was delivered,
 * so nothing in that second needs skipping). It never moves backwards, and
 * when already at that second it keeps its ids.
 *
 * @param current The checkpoint after the last page, or `null`.
 * @param end The window's end.
 * @returns The new checkpoint; `current` itself when it is not older than `end`.
 */
export function checkpointAtWindowEnd(
  current: Checkpoint | null,
  end: Temporal.Instant,
): Checkpoint {
  const second = end.round({ smallestUnit: "second", roundingMode: "floor" });
  if (
    current !== null && Temporal.Instant.compare(second, current.timestamp) <= 0
  ) {
    return current;
  }
  return { timestamp: second, ids: [] };
}

/** The whole epoch second of an action's `created` (a fraction is floored). */
function createdSecond(action: Pick<ViewerAction, "id" | "created">): number {
  const created = parseOffsetTimestamp(action.created);
  if (created === null) {
    throw new ApiContractError(
      `Action ${action.id} has an unreadable created time '${action.created}': expected ISO 8601 with an offset`,
    );
  }
  return Math.floor(created.epochMilliseconds / 1000);
}

function unique(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}
