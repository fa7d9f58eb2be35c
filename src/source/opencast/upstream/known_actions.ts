import type { HighWaterMark } from "../../action_source.ts";

/**
 * How close before a window its checkpoint must lie to anchor an id walk: any
 * further and the walk from its ids could cross many rows no list answer
 * showed.
 */
const KNOWN_BEFORE_START_SECONDS = 120;

/**
 * The checkpoint's ids as actions known to exist, for the midnight id walk
 * when nothing near a midnight is known otherwise (see `upstreamBatches()`).
 * None when the checkpoint lies far before or after the window start (a
 * `--start` run).
 */
export function knownActions(
  checkpoint: HighWaterMark | null,
  start: Temporal.Instant,
): readonly number[] | undefined {
  if (checkpoint === null || checkpoint.ids.length === 0) return undefined;
  const gap = start.epochMilliseconds - checkpoint.timestamp.epochMilliseconds;
  if (gap < 0 || gap > KNOWN_BEFORE_START_SECONDS * 1000) return undefined;
  return checkpoint.ids;
}
