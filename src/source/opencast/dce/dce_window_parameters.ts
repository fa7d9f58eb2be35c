/**
 * The `start`/`end` the DCE fork is sent for a window.
 *
 * @module
 */
import {
  formatCompactTimestamp,
  parseCompactTimestamp,
} from "../../../opencast/opencast_time.ts";

/** The bare wall times sent as `start` and `end`. */
export interface DceWindowParameters {
  /** `YYYYMMDDHHmmss` in the server zone, read by the server at or before the window start. */
  readonly start: string;
  /** `YYYYMMDDHHmmss` in the server zone, read by the server at or after the window end. */
  readonly end: string;
  /** Whether an edge was widened out of a repeated (fall-back) hour. */
  readonly widened: boolean;
}

/**
 * The DCE window parameters for `[start, end]`: each edge as a bare wall time
 * in the server zone, which the server reads with Java's lenient calendar (a
 * repeated time means its second occurrence; issue 12). An edge whose wall
 * time exists twice could be misread, so it is never sent: the start goes out
 * as the last unambiguous second before the repeated hour, the end as the
 * first unambiguous second after it. The wider answer is harmless, since the
 * harvest keeps only actions whose `created` lies in the window. An instant
 * never falls in a spring-forward gap, so that side needs nothing.
 *
 * @example Usage
 * ```ts
 * dceWindowParameters(Temporal.Instant.from("2017-11-05T05:30:00Z"), Temporal.Instant.from("2017-11-05T05:40:00Z"), "America/New_York");
 * // { start: "20171105005959", end: "20171105020000", widened: true }
 * ```
 *
 * @param start The window start.
 * @param end The window end.
 * @param zone The server's time zone id.
 * @returns The parameters; the server's reading of them covers `[start, end]`.
 */
export function dceWindowParameters(
  start: Temporal.Instant,
  end: Temporal.Instant,
  zone: string,
): DceWindowParameters {
  const from = edge(start, zone, "start");
  const to = edge(end, zone, "end");
  return {
    start: from.text,
    end: to.text,
    widened: from.widened || to.widened,
  };
}

function edge(
  instant: Temporal.Instant,
  zone: string,
  side: "start" | "end",
): { text: string; widened: boolean } {
  // The server compares whole-second wall times: an end a fraction into its
  // second goes out as the next second (the harvest drops what lies after).
  const whole = side === "end"
    ? instant.round({ smallestUnit: "second", roundingMode: "ceil" })
    : instant;
  const text = formatCompactTimestamp(whole, zone);
  const overlap = repeatedHour(text, zone);
  if (overlap === null) return { text, widened: false };
  const wall = side === "start"
    ? overlap.first.subtract({ seconds: 1 })
    : overlap.after;
  return {
    text: formatCompactTimestamp(
      wall.toZonedDateTime(zone, { disambiguation: "later" }).toInstant(),
      zone,
    ),
    widened: true,
  };
}

/**
 * When the wall time `text` occurs twice in `zone`: the first repeated wall
 * time and the first wall time after the repetition; otherwise `null`.
 */
function repeatedHour(
  text: string,
  zone: string,
): { first: Temporal.PlainDateTime; after: Temporal.PlainDateTime } | null {
  const earlier = parseCompactTimestamp(text, zone, { reading: "compatible" });
  const later = parseCompactTimestamp(text, zone, { reading: "later" });
  if (Temporal.Instant.compare(earlier, later) === 0) return null;
  // The fall-back transition lies between the two readings.
  const transition = earlier.toZonedDateTimeISO(zone).getTimeZoneTransition(
    "next",
  );
  if (transition === null) return null;
  const before = transition.subtract({ nanoseconds: 1 }).offsetNanoseconds;
  const overlapNs = before - transition.offsetNanoseconds;
  const first = transition.toPlainDateTime();
  return {
    first,
    after: first.add({ nanoseconds: overlapNs }),
  };
}
