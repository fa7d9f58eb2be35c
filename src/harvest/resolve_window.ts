/**
 * Which stretch of time a harvest run asks the API for.
 *
 * @module
 */

import type { Checkpoint } from "../checkpoint/checkpoint_format.ts";
import { ConfigError } from "../errors.ts";
import {
  formatCompactTimestamp,
  formatUtcSeconds,
  parseUserTimestamp,
} from "../opencast/opencast_time.ts";
import { plural } from "../util/plural.ts";

/** The time window of one harvest run (both ends inclusive, as the API reads them). */
export interface HarvestWindow {
  /** The first instant asked for (sent as whole seconds in the server zone). */
  readonly start: Temporal.Instant;
  /** The last instant asked for; fixed for the whole run. */
  readonly end: Temporal.Instant;
  /** Where `start` came from. */
  readonly startSource: "flag" | "checkpoint" | "interval";
  /** Ids already delivered in the start second (from the checkpoint): skip them. */
  readonly skipIds: ReadonlySet<number>;
}

/** A `--start` or `--end` flag, resolved once: the instant, and the text as typed (for messages). */
export interface WindowFlag {
  readonly at: Temporal.Instant;
  readonly text: string;
}

/**
 * Resolves a `--start` or `--end` flag: `YYYYMMDDHHmmss` in the server zone,
 * or ISO 8601 with an offset.
 *
 * @example Usage
 * ```ts
 * parseWindowFlag("20161021120000", "America/New_York", "--start").at; // 2016-10-21T16:00:00Z
 * ```
 *
 * @throws {ConfigError} For text that is neither form, naming the flag.
 */
export function parseWindowFlag(
  text: string,
  zone: string,
  flag: "--start" | "--end",
): WindowFlag {
  return { at: parseUserTimestamp(text, zone, { flag }), text };
}

/** Options for {@linkcode resolveWindow}. */
export interface ResolveWindowOptions {
  /**
   * `--start` (see {@linkcode parseWindowFlag}).
   * @default {the checkpoint, else now minus `intervalMinutes`}
   */
  start?: WindowFlag;
  /**
   * `--end`.
   * @default {now}
   */
  end?: WindowFlag;
  /**
   * The stored checkpoint, used when there is no `start`.
   * @default {null}
   */
  checkpoint?: Checkpoint | null;
  /** The current time. */
  now: Temporal.Instant;
  /** The Opencast server's time zone id (see `parseTimeZone()`). */
  zone: string;
  /** `--interval` / `DEFAULT_INTERVAL`: minutes to look back without a start or checkpoint. */
  intervalMinutes: number;
  /**
   * How far a checkpoint may lie ahead of `now` (the server's clock running
   * ahead of this host's) before it is treated as an error; within it, and
   * without an `end`, the window ends at the checkpoint's second.
   * @default {300}
   */
  maxClockSkewSeconds?: number;
}

/**
 * Works out the window: `end` defaults to now; `start` to the checkpoint
 * (whose ids are then skipped), else to now minus `intervalMinutes`.
 *
 * @param options The flags, checkpoint, clock and zone.
 * @returns The window.
 * @throws {ConfigError} For an `end` before the start, a `start` or `end` in the future, a checkpoint further ahead of now
 * than `maxClockSkewSeconds`, or an `intervalMinutes` that is not positive.
 */
export function resolveWindow(options: ResolveWindowOptions): HarvestWindow {
  const {
    checkpoint = null,
    now,
    zone,
    intervalMinutes,
    maxClockSkewSeconds = 300,
  } = options;
  const describe = (instant: Temporal.Instant): string =>
    `${formatCompactTimestamp(instant, zone)} (${formatUtcSeconds(instant)})`;

  const startText = options.start?.text;
  const endText = options.end?.text;
  const end = options.end?.at;
  if (end !== undefined && Temporal.Instant.compare(end, now) > 0) {
    throw new ConfigError(
      `--end ${endText} is in the future (now is ${
        describe(now)
      }, server zone ${zone})`,
    );
  }

  let window: HarvestWindow;
  if (options.start !== undefined) {
    const start = options.start.at;
    if (Temporal.Instant.compare(start, now) > 0) {
      throw new ConfigError(
        `--start ${startText} is in the future (now is ${
          describe(now)
        }, server zone ${zone})`,
      );
    }
    window = {
      start,
      end: end ?? now,
      startSource: "flag",
      skipIds: new Set(),
    };
  } else if (checkpoint !== null) {
    const start = checkpoint.timestamp;
    let windowEnd = end ?? now;
    const ahead = seconds(now, start);
    if (ahead > 0) {
      if (ahead > maxClockSkewSeconds) {
        throw new ConfigError(
          `The checkpoint ${
            describe(start)
          } is ${ahead} seconds in the future (now is ${
            describe(now)
          }): check the server time zone (${zone}) and the clocks, or delete the checkpoint and backfill with --start/--end`,
        );
      }
      // The server's clock runs a little ahead: ask again for the
      // checkpoint's own second rather than fail.
      if (end === undefined) windowEnd = start;
    }
    window = {
      start,
      end: windowEnd,
      startSource: "checkpoint",
      skipIds: new Set(checkpoint.ids),
    };
  } else {
    if (!Number.isFinite(intervalMinutes) || intervalMinutes <= 0) {
      throw new ConfigError(
        `The interval must be a positive number of minutes: ${intervalMinutes}`,
      );
    }
    const start = now.subtract({
      milliseconds: Math.round(intervalMinutes * 60_000),
    });
    window = {
      start,
      end: end ?? now,
      startSource: "interval",
      skipIds: new Set(),
    };
  }

  if (Temporal.Instant.compare(window.end, window.start) < 0) {
    const from = window.startSource === "flag"
      ? `--start ${startText}`
      : window.startSource === "checkpoint"
      ? "the checkpoint"
      : `now minus ${intervalMinutes} ${plural(intervalMinutes, "minute")}`;
    throw new ConfigError(
      `--end ${endText} is before the start ${
        describe(window.start)
      } from ${from}`,
    );
  }
  return window;
}

/** Whole seconds from `earlier` to `later` (negative when `later` is earlier). */
function seconds(earlier: Temporal.Instant, later: Temporal.Instant): number {
  return Math.ceil(
    Number(later.epochNanoseconds - earlier.epochNanoseconds) / 1e9,
  );
}
