/**
 * The too-big-window protection of the original (`MAX_START_END_SPAN`).
 *
 * @module
 */

import { ConfigError, SpanExceededError } from "../errors.ts";
import { formatUtcSeconds } from "../opencast/opencast_time.ts";
import type { HarvestWindow } from "./resolve_window.ts";
import { echoValue } from "../util/echo_value.ts";

/**
 * Refuses a window longer than the maximum span. The whole span counts, days
 * included (the original compared only `timedelta.seconds`, the part below a
 * day). A span equal to the maximum passes.
 *
 * @param window The resolved window.
 * @param maxSpanSeconds `MAX_START_END_SPAN`; `undefined` disables the check.
 * @throws {SpanExceededError} When the span is greater than the maximum.
 */
export function checkSpan(
  window: HarvestWindow,
  maxSpanSeconds: number | undefined,
): void {
  if (maxSpanSeconds === undefined) return;
  const span = spanSeconds(window);
  if (span <= maxSpanSeconds) return;
  throw new SpanExceededError(
    `The window ${formatUtcSeconds(window.start)} to ${
      formatUtcSeconds(window.end)
    } spans ${
      Math.ceil(span)
    } seconds, more than MAX_START_END_SPAN (${maxSpanSeconds}): run once with --disable-start-end-span-check (or --catch-up to harvest it in sub-windows), or delete the checkpoint and backfill with --start/--end`,
  );
}

/**
 * The length of a window in seconds, fractions included.
 *
 * @param window The window.
 * @returns `end - start` in seconds.
 */
export function spanSeconds(window: HarvestWindow): number {
  return Number(window.end.epochNanoseconds - window.start.epochNanoseconds) /
    1e9;
}

const SECONDS_REGEXP = /^\d+$/;

/**
 * Parses `MAX_START_END_SPAN`: a whole number of seconds greater than 0.
 * Unset or empty disables the check, as in the original (which, reading the
 * setting as a string, in effect never fired at all).
 *
 * @param text The setting's value, or `undefined` when unset.
 * @returns The maximum span in seconds, or `undefined` for no check.
 * @throws {ConfigError} When the value is not a positive whole number.
 */
export function parseMaxSpan(text: string | undefined): number | undefined {
  const value = text?.trim() ?? "";
  if (value === "") return undefined;
  const seconds = SECONDS_REGEXP.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new ConfigError(
      `MAX_START_END_SPAN must be a whole number of seconds greater than 0, or empty to disable the check: '${
        echoValue(String(text))
      }'`,
    );
  }
  return seconds;
}
