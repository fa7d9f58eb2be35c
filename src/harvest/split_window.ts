/**
 * `--catch-up`: harvest a long window as consecutive shorter ones.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import type { HarvestWindow } from "./resolve_window.ts";

/**
 * Splits a window into consecutive sub-windows of at most `maxSpanSeconds`
 * each. The API reads `start` and `end` as whole seconds, both inclusive, so
 * the sub-windows do not share a second: each starts one second after the
 * previous one ends, and together they cover every second of the window
 * exactly once. The first keeps the window's `start` and `skipIds`; the last
 * keeps its `end`. A window no longer than the span comes back whole.
 *
 * @param window The window to split.
 * @param maxSpanSeconds The longest sub-window, in seconds (a positive integer).
 * @returns The sub-windows, oldest first.
 * @throws {ConfigError} When `maxSpanSeconds` is not a positive integer.
 */
export function splitWindow(
  window: HarvestWindow,
  maxSpanSeconds: number,
): HarvestWindow[] {
  if (!Number.isSafeInteger(maxSpanSeconds) || maxSpanSeconds <= 0) {
    throw new ConfigError(
      `The maximum span must be a positive whole number of seconds: ${maxSpanSeconds}`,
    );
  }
  const step = BigInt(maxSpanSeconds) * 1_000_000_000n;
  const second = 1_000_000_000n;
  const endNs = window.end.epochNanoseconds;
  // Boundaries fall on whole seconds from the start's second, so the first
  // sub-window (which starts a fraction into its second) is never longer than
  // the span either.
  const baseNs = window.start.epochNanoseconds -
    mod(window.start.epochNanoseconds, second);
  const windows: HarvestWindow[] = [];
  let start = window.start;
  let subStartNs = baseNs;
  for (;;) {
    const subEndNs = subStartNs + step;
    if (subEndNs >= endNs) {
      windows.push({
        ...window,
        start,
        end: window.end,
        skipIds: skip(windows, window),
      });
      return windows;
    }
    windows.push({
      ...window,
      start,
      end: Temporal.Instant.fromEpochNanoseconds(subEndNs),
      skipIds: skip(windows, window),
    });
    subStartNs = subEndNs + second;
    start = Temporal.Instant.fromEpochNanoseconds(subStartNs);
  }
}

function skip(
  done: readonly HarvestWindow[],
  window: HarvestWindow,
): ReadonlySet<number> {
  return done.length === 0 ? window.skipIds : new Set();
}

function mod(value: bigint, divisor: bigint): bigint {
  return ((value % divisor) + divisor) % divisor;
}
