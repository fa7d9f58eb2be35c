/**
 * Time as the Opencast API spells it, in one place:
 *
 * - `xsd:dateTime` with an offset (`created`, `dcCreated`, `start`):
 *   {@linkcode parseOffsetTimestamp};
 * - epoch milliseconds (workflow operation `started`/`completed`):
 *   {@linkcode instantFromEpochMillis};
 * - the record contract's UTC forms: {@linkcode formatUtcOffset}
 *   (`…+00:00`), {@linkcode formatUtcSeconds} (`…Z`);
 * - the compact `YYYYMMDDHHmmss` of the DCE `start`/`end` parameters and the
 *   original checkpoint, wall-clock time in the server's zone:
 *   {@linkcode parseCompactTimestamp}, {@linkcode formatCompactTimestamp};
 * - settings and flags: {@linkcode parseTimeZone}, {@linkcode parseUserTimestamp}.
 *
 * Used by the harvest, the checkpoint and `load_episodes`' episode document.
 *
 * Daylight saving: a compact wall-clock time is resolved either way.
 *
 * - `later`, the way the server's lenient Java `GregorianCalendar` reads it
 *   (opencast-api.md §3.1), used for `--start`/`--end` typed bare: a time in
 *   the spring-forward gap (America/New_York, 2024-03-10 02:30, which never
 *   happened) moves forward by the length of the gap (03:30 EDT, the same
 *   instant as 02:30 EST); a time in the fall-back overlap (2024-11-03 01:30,
 *   which happened twice) is the second of the two (01:30 EST, -05:00).
 * - `compatible` (Temporal's default), used for the original's bare
 *   checkpoint: a gap moves forward the same way, an overlap is the earlier
 *   of the two (01:30 EDT), so a start read from an old bare checkpoint
 *   re-reads up to an hour rather than skips one.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { echoValue } from "../util/echo_value.ts";

const COMPACT_TIMESTAMP_REGEXP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const OFFSET_REGEXP = /^[+-]\d{2}(:?\d{2})?$/;
/** 10000-01-01T00:00:00Z: from there on, years take six digits and a sign. */
const FIRST_FIVE_DIGIT_YEAR_MS = 253_402_300_800_000;
const ZONE_NAME_REGEXP = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

/**
 * Parses an ISO 8601 date-time that carries an offset or `Z`
 * (`2016-10-21T14:03:27-04:00`, `2017-03-01T19:05:09.25Z`).
 *
 * A value without an offset is refused rather than guessed: the API always
 * sends one (opencast-api.md R10), so its absence means the value is not what
 * the tool thinks it is.
 *
 * @param text The timestamp.
 * @returns The instant, or `null` when the text is not such a timestamp.
 */
export function parseOffsetTimestamp(text: string): Temporal.Instant | null {
  try {
    return Temporal.Instant.from(text.trim());
  } catch {
    return null;
  }
}

/**
 * Turns epoch milliseconds (as the admin node gives workflow operation times)
 * into an instant. A fraction of a millisecond is dropped toward zero, as
 * `new Date(ms)` does.
 *
 * @param millis Milliseconds since 1970-01-01T00:00:00Z.
 * @returns The instant, or `null` when the number is not finite or outside
 *   the range of a date (±8.64e15 ms).
 */
export function instantFromEpochMillis(
  millis: number,
): Temporal.Instant | null {
  if (!Number.isFinite(millis)) return null;
  try {
    return Temporal.Instant.fromEpochMilliseconds(Math.trunc(millis));
  } catch {
    return null;
  }
}

/**
 * Formats an instant the way the original's Python `isoformat()` did for a UTC
 * datetime: `2017-03-01T19:05:09+00:00`, and `2017-03-01T19:05:09.250000+00:00`
 * when there is a fraction of a second (six digits, truncated to microseconds
 * as Python keeps no more).
 *
 * @param instant The instant to format.
 * @returns The UTC timestamp with a `+00:00` offset.
 */
export function formatUtcOffset(instant: Temporal.Instant): string {
  // Whole seconds, the common case, without Temporal's slower toString.
  const nanos = instant.epochNanoseconds;
  if (nanos % 1_000_000_000n === 0n) {
    const millis = Number(nanos / 1_000_000n);
    if (millis >= 0 && millis < FIRST_FIVE_DIGIT_YEAR_MS) {
      return `${new Date(millis).toISOString().slice(0, 19)}+00:00`;
    }
  }
  const micros = instant.round({
    smallestUnit: "microsecond",
    roundingMode: "floor",
  });
  const hasFraction = micros.epochNanoseconds % 1_000_000_000n !== 0n;
  return micros.toString({
    timeZone: "UTC",
    smallestUnit: hasFraction ? "microsecond" : "second",
  });
}

/**
 * Formats an instant as whole UTC seconds with a `Z`: `2016-10-21T18:03:27Z`
 * (the form of `mediapackage.start`). A fraction of a second is dropped.
 *
 * @param instant The instant to format.
 * @returns The UTC timestamp with a `Z`.
 */
export function formatUtcSeconds(instant: Temporal.Instant): string {
  return instant.toString({ smallestUnit: "second", roundingMode: "floor" });
}

/** How a wall-clock time in a daylight-saving overlap or gap is resolved. */
export type WallTimeReading = "compatible" | "later";

/** Options for {@linkcode parseCompactTimestamp}. */
export interface ParseCompactTimestampOptions {
  /**
   * `later`: as the Opencast server reads it (a gap moves forward, an overlap
   * is its second occurrence); `compatible`: a gap moves forward, an overlap
   * is its first occurrence.
   *
   * @default {"compatible"}
   */
  reading?: WallTimeReading;
}

/**
 * Parses a 14-digit `YYYYMMDDHHmmss` wall-clock time in a time zone (DST gaps
 * and overlaps: see the module documentation).
 *
 * @param text The timestamp, e.g. `20161021140327`.
 * @param zone A time zone id Temporal accepts (see `parseTimeZone()`).
 * @param options How an overlap is resolved.
 * @returns The instant (in a DST gap: shifted forward; in an overlap: the
 *   earlier one, or the later one with `reading: "later"`).
 * @throws {RangeError} When the text is not 14 digits or not a real date and time.
 */
export function parseCompactTimestamp(
  text: string,
  zone: string,
  options: ParseCompactTimestampOptions = {},
): Temporal.Instant {
  const { reading = "compatible" } = options;
  const match = COMPACT_TIMESTAMP_REGEXP.exec(text);
  if (match === null) {
    throw new RangeError(
      `Cannot parse '${
        echoValue(text)
      }' as a compact timestamp: expected 14 digits YYYYMMDDHHmmss`,
    );
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  let wallClock: Temporal.PlainDateTime;
  try {
    wallClock = Temporal.PlainDateTime.from(
      { year, month, day, hour, minute, second },
      { overflow: "reject" },
    );
  } catch (cause) {
    throw new RangeError(
      `Cannot parse '${
        echoValue(text)
      }' as a compact timestamp: not a real date and time`,
      { cause },
    );
  }
  return wallClock.toZonedDateTime(zone, { disambiguation: reading })
    .toInstant();
}

/**
 * Formats an instant as the 14-digit `YYYYMMDDHHmmss` wall-clock time in a
 * time zone; a fraction of a second is dropped. In a fall-back overlap two
 * instants format the same: the server reads such a value back as the
 * later one (see `dceWindowParameters()` for what the harvest sends instead).
 *
 * @param instant The instant to format.
 * @param zone A time zone id Temporal accepts (see `parseTimeZone()`).
 * @returns The compact timestamp, e.g. `20161021140327`.
 */
export function formatCompactTimestamp(
  instant: Temporal.Instant,
  zone: string,
): string {
  const t = instant.toZonedDateTimeISO(zone);
  return pad(t.year, 4) + pad(t.month, 2) + pad(t.day, 2) + pad(t.hour, 2) +
    pad(t.minute, 2) + pad(t.second, 2);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/** Options for {@linkcode parseTimeZone}. */
export interface ParseTimeZoneOptions {
  /**
   * The flag or setting the value came from, named in the error message.
   * @default {undefined} (none named)
   */
  setting?: string;
}

/**
 * Turns an IANA zone name (`America/New_York`, case-insensitive) or a fixed
 * offset (`+05:00`, `-0400`, `+05`, `UTC`, `Z`) into a time zone id Temporal
 * accepts, in its canonical spelling (`-04:00`, `UTC`, `America/New_York`).
 *
 * @param text The setting's value.
 * @param options Where the value came from, for the error message.
 * @returns The time zone id.
 * @throws {ConfigError} When the value names no known zone.
 */
export function parseTimeZone(
  text: string,
  options: ParseTimeZoneOptions = {},
): string {
  const { setting } = options;
  const value = text.trim();
  // Temporal would also accept a whole ISO date-time here and take its zone
  // annotation; only a bare name or offset is a sensible setting.
  if (value.toUpperCase() === "Z") return "UTC";
  if (OFFSET_REGEXP.test(value) || ZONE_NAME_REGEXP.test(value)) {
    try {
      return new Temporal.ZonedDateTime(0n, value).timeZoneId;
    } catch {
      // Reported below.
    }
  }
  throw new ConfigError(
    `Unknown time zone '${echoValue(text)}'${
      setting === undefined ? "" : ` in ${setting}`
    }: expected an IANA name like America/New_York, or an offset like -04:00, +0530, UTC or Z`,
  );
}

/** Options for {@linkcode parseUserTimestamp}. */
export interface ParseUserTimestampOptions {
  /**
   * The flag the value came from, named in the error message.
   * @default {"the timestamp"}
   */
  flag?: string;
}

/**
 * Parses either the original's `YYYYMMDDHHmmss` (wall-clock time in the
 * server zone, read as the server reads it: a gap moves forward, a repeated
 * time is its second occurrence)
 * or an ISO 8601 date-time with an offset or `Z`
 * (`2016-10-21T14:03:27-04:00`, `2016-10-21T18:03:27Z`).
 *
 * @param text The value as typed.
 * @param zone The server's time zone id (see `parseTimeZone()`).
 * @param options Which flag it came from, for the error message.
 * @returns The instant.
 * @throws {ConfigError} When the value is neither form, or not a real date.
 */
export function parseUserTimestamp(
  text: string,
  zone: string,
  options: ParseUserTimestampOptions = {},
): Temporal.Instant {
  const { flag = "the timestamp" } = options;
  const value = text.trim();
  if (COMPACT_TIMESTAMP_REGEXP.test(value)) {
    try {
      return parseCompactTimestamp(value, zone, { reading: "later" });
    } catch {
      // Reported below.
    }
  } else {
    const instant = parseOffsetTimestamp(value);
    if (instant !== null) return instant;
  }
  throw new ConfigError(
    `Cannot read ${flag} '${
      echoValue(text)
    }': expected YYYYMMDDHHmmss (server time, ${zone}) or ISO 8601 with an offset, like 2016-10-21T14:03:27-04:00 or 2016-10-21T18:03:27Z`,
  );
}
