import type { UserAction } from "../opencast/types.ts";
import { createdOffsetMismatch } from "../source/opencast/created_offset_mismatch.ts";
import type { IdRanges } from "./id_ranges.ts";

/** Options for {@linkcode createWindowFilter}. */
export interface WindowFilterOptions {
  readonly start: Temporal.Instant;
  readonly end: Temporal.Instant;
  /** Ids already delivered at the start second (from the checkpoint). */
  readonly skipIds: ReadonlySet<number>;
  /** Ids delivered (or claimed) earlier in this run; the filter adds to it. */
  readonly deliveredIds: Pick<Set<number>, "has" | "add"> | IdRanges;
  /** The Opencast server's zone. */
  readonly zone: string;
  /** Told when `created` carries another offset than `zone` gives at that instant. */
  readonly onOffsetMismatch?: (serverOffset: string, created: string) => void;
}

/**
 * Creates the filter every batch of a window goes through: it keeps the
 * actions created within the window that were not delivered yet (by the
 * checkpoint or earlier in this run, or twice in the batch), and claims them
 * in `deliveredIds` at once, so a batch prepared ahead of this one's delivery
 * does not take the same rows again.
 *
 * The window is whole seconds: from the start second (`created` has whole
 * seconds; a `--start` with a fraction still includes its second) to the end
 * of the end second (`--catch-up` sub-windows end on a whole second and the
 * next starts one second later, so an action created at a fraction of that
 * second, on servers that keep milliseconds, belongs here).
 */
export function createWindowFilter(
  options: WindowFilterOptions,
): (actions: readonly UserAction[]) => UserAction[] {
  const { skipIds, deliveredIds, zone, onOffsetMismatch } = options;
  const startMs = Math.floor(options.start.epochMilliseconds / 1000) * 1000;
  const endMs = Math.floor(options.end.epochMilliseconds / 1000) * 1000 + 999;
  return (actions) => {
    const seen = new Set<number>();
    let sample: UserAction | undefined;
    const fresh = actions.filter((action) => {
      if (skipIds.has(action.id) || deliveredIds.has(action.id)) return false;
      if (seen.has(action.id)) return false;
      seen.add(action.id);
      // Never deliver outside the window, whatever the server returned
      // (upstream ignores start/end; DCE edges may be widened). An
      // unreadable time passes here so the checkpoint names it.
      const created = Date.parse(action.created);
      if (created < startMs || created > endMs) return false;
      sample ??= action;
      return true;
    });
    for (const action of fresh) deliveredIds.add(action.id);
    if (sample && onOffsetMismatch) {
      const offset = createdOffsetMismatch(sample.created, zone);
      if (offset !== null) onOffsetMismatch(offset, sample.created);
    }
    return fresh;
  };
}
