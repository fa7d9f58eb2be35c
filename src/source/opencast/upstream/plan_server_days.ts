/**
 * Which upstream `day` queries a window needs, and which stretches around the
 * server's midnights none of them surely covers.
 *
 * @module
 */

/** The `day` queries and uncovered edges of a window. */
export interface ServerDayPlan {
  /**
   * The server days whose `day` query the window needs, `YYYYMMDD`, oldest
   * first: every day it touches, except a first day it touches only in its
   * last minute (see {@linkcode planServerDays}).
   */
  readonly days: readonly string[];
  /** The stretches of the window around midnights that no `day` query surely returns. */
  readonly edges: readonly DayEdge[];
}

/** A stretch around one server midnight, clipped to the window (both ends inclusive). */
export interface DayEdge {
  /** The day before the midnight, `YYYYMMDD` (it may lie before the window). */
  readonly dayBefore: string;
  /** The day after the midnight, `YYYYMMDD` (it may lie after the window). */
  readonly dayAfter: string;
  /** The first instant of the window in the stretch. */
  readonly from: Temporal.Instant;
  /** The last instant of the window in the stretch. */
  readonly to: Temporal.Instant;
}

/** Options for {@linkcode planServerDays}. */
export interface PlanServerDaysOptions {
  /**
   * Leaves out a first day the window touches only after its 23:59:00, for a
   * caller that knows actions near the window start to bound the id fill.
   * @default false
   */
  readonly skipFirstDay?: boolean;
}

/**
 * Plans the upstream harvest of `[start, end]` (opencast-api.md §3.1). The
 * server answers `day=D` with `[D 00:00:SS.mmm, D 23:59:SS.mmm]`, where
 * `SS.mmm` is its clock's seconds when the request arrives, and reads both
 * wall times with Java's lenient calendar (a gap moves forward, a repeated
 * time is its second occurrence: Temporal's `later`). Whatever the seconds, a
 * `day=D` query therefore returns every action from `D 00:01:00` to
 * `D 23:59:00`; the stretches from `D 23:59:00` to `D+1 00:01:00`, both
 * exclusive, are the edges the harvest fills by id. Exact by construction:
 * the plan does not depend on when the queries run.
 *
 * A window that starts after `D 23:59:00` (a checkpoint held back over
 * midnight, after a run whose newest action came in the first seconds of
 * `D+1`) needs nothing from `day=D`: all of it that lies in the window is in
 * the edge, which the id fill covers whole. Paging that day would read all of
 * it again (no row of it is past the window end) only to drop every row, so
 * with `skipFirstDay` it is left out; the id fill then finds its lower bound
 * by walking down from the ids it knows (the checkpoint's). Without such ids
 * (a backfill) the day is paged: its rows are the cheap lower bound. The last day is always kept, even when the window
 * ends in its first minute: paging it stops at its first rows past the end,
 * and those bound the id fill from above.
 *
 * @example Usage
 * ```ts
 * planServerDays(Temporal.Instant.from("2026-12-05T04:50:00Z"), Temporal.Instant.from("2026-12-05T05:10:00Z"), "America/New_York");
 * // days 20261204 and 20261205, one edge from 23:59:00 to 00:01:00 (exclusive)
 * ```
 *
 * @param windowStart The window start (its whole second counts).
 * @param end The window end (not before `start`).
 * @param zone The server's time zone id.
 * @returns The days and the edges that intersect the window.
 */
export function planServerDays(
  windowStart: Temporal.Instant,
  end: Temporal.Instant,
  zone: string,
  options: PlanServerDaysOptions = {},
): ServerDayPlan {
  // The window filter takes the whole start second (an --interval start has
  // milliseconds): 23:59:00.400 still needs the day query for 23:59:00.
  const start = windowStart.round({
    smallestUnit: "second",
    roundingMode: "floor",
  });
  const first = start.toZonedDateTimeISO(zone).toPlainDate();
  const last = end.toZonedDateTimeISO(zone).toPlainDate();
  const days: string[] = [];
  // 23:59:00 itself is inside the day query; anything later is in the edge.
  const skipFirst = options.skipFirstDay === true &&
    Temporal.PlainDate.compare(first, last) < 0 &&
    Temporal.Instant.compare(start, wallInstant(first, 23, 59, zone)) > 0;
  for (
    let day = skipFirst ? first.add({ days: 1 }) : first;
    Temporal.PlainDate.compare(day, last) <= 0;
    day = day.add({ days: 1 })
  ) {
    days.push(compactDay(day));
  }
  const edges: DayEdge[] = [];
  // The midnight before the first day matters too: a window starting at
  // 00:00:30 lies in its edge.
  for (
    let day = first.subtract({ days: 1 });
    Temporal.PlainDate.compare(day, last) <= 0;
    day = day.add({ days: 1 })
  ) {
    const next = day.add({ days: 1 });
    // The edge is open: its first and last instants are one nanosecond in.
    const edgeStart = wallInstant(day, 23, 59, zone).add({ nanoseconds: 1 });
    const edgeEnd = wallInstant(next, 0, 1, zone).subtract({ nanoseconds: 1 });
    const from = later(edgeStart, start);
    const to = earlier(edgeEnd, end);
    if (Temporal.Instant.compare(from, to) <= 0) {
      edges.push({
        dayBefore: compactDay(day),
        dayAfter: compactDay(next),
        from,
        to,
      });
    }
  }
  return { days, edges };
}

/** The instant the server gives a wall time on a day (lenient Java calendar). */
function wallInstant(
  day: Temporal.PlainDate,
  hour: number,
  minute: number,
  zone: string,
): Temporal.Instant {
  return day.toPlainDateTime({ hour, minute }).toZonedDateTime(zone, {
    disambiguation: "later",
  }).toInstant();
}

function later(a: Temporal.Instant, b: Temporal.Instant): Temporal.Instant {
  return Temporal.Instant.compare(a, b) >= 0 ? a : b;
}

function earlier(a: Temporal.Instant, b: Temporal.Instant): Temporal.Instant {
  return Temporal.Instant.compare(a, b) <= 0 ? a : b;
}

function compactDay(day: Temporal.PlainDate): string {
  return `${String(day.year).padStart(4, "0")}${
    String(day.month).padStart(2, "0")
  }${String(day.day).padStart(2, "0")}`;
}
