import type { ViewerAction } from "../record/viewer_action.ts";
import type { IdRanges } from "../util/id_ranges.ts";

/** Options for {@linkcode createWindowFilter}. */
export interface WindowFilterOptions {
  readonly start: Temporal.Instant;
  readonly end: Temporal.Instant;
  /** Ids already delivered at the start second (from the checkpoint). */
  readonly skipIds: ReadonlySet<number>;
  /** Ids delivered (or claimed) earlier in this run; the filter adds to it. */
  readonly deliveredIds: Pick<Set<number>, "has" | "add"> | IdRanges;
}

/** Options of one call of the filter {@linkcode createWindowFilter} returns. */
export interface FilterBatchOptions {
  /**
   * The source vouches these actions were never delivered
   * (`SourceBatch.vouched`): keep those created up to the window end, even
   * before its start. @default false
   */
  readonly vouched?: boolean;
}

/**
 * Creates the filter every batch of a window goes through: it keeps the
 * actions created within the window (a vouched batch's: up to its end) that
 * were not delivered yet (by the checkpoint or earlier in this run, or twice
 * in the batch), and claims them in `deliveredIds` at once, so a batch
 * prepared ahead of this one's delivery does not take the same rows again.
 *
 * The window is whole seconds: from the start second (`created` has whole
 * seconds; a `--start` with a fraction still includes its second) to the end
 * of the end second (`--catch-up` sub-windows end on a whole second and the
 * next starts one second later, so an action created at a fraction of that
 * second, on servers that keep milliseconds, belongs here).
 */
export function createWindowFilter(
  options: WindowFilterOptions,
): <A extends ViewerAction>(
  actions: readonly A[],
  batch?: FilterBatchOptions,
) => A[] {
  const { skipIds, deliveredIds } = options;
  const windowStartMs = Math.floor(options.start.epochMilliseconds / 1000) *
    1000;
  const endMs = Math.floor(options.end.epochMilliseconds / 1000) * 1000 + 999;
  return (actions, batch = {}) => {
    const startMs = batch.vouched ? -Infinity : windowStartMs;
    const seen = new Set<number>();
    const fresh = actions.filter((action) => {
      if (skipIds.has(action.id) || deliveredIds.has(action.id)) return false;
      if (seen.has(action.id)) return false;
      seen.add(action.id);
      // Never deliver outside the window, whatever the server returned
      // (upstream ignores start/end; DCE edges may be widened). An
      // unreadable time passes here so the checkpoint names it.
      const created = Date.parse(action.created);
      return !(created < startMs || created > endMs);
    });
    for (const action of fresh) deliveredIds.add(action.id);
    return fresh;
  };
}
