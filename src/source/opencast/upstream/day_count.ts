/**
 * Count, then trust: whether the ids known for a server day account for the
 * `total` of one `day` answer, without assuming any order of ids or rows.
 *
 * @module
 */

/** Where a server day's first and last minute start, as the server reads its wall times. */
export interface DayMinutes {
  /** `D 00:00` (epoch ms): the answer starts `SS.mmm` later. */
  readonly firstStartMs: number;
  /** `D 23:59` (epoch ms): the answer ends `SS.mmm` later. */
  readonly lastStartMs: number;
}

/** Which minute of its day a row's `created` falls in, if an edge one. */
export type EdgeMinute = "first" | "last";

/** The minutes of `day` (`YYYYMMDD`) in `zone` (lenient like the server: a gap moves forward, a repeated time is its second occurrence). */
export function dayMinutes(day: string, zone: string): DayMinutes {
  const date = Temporal.PlainDate.from(
    `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`,
  );
  const wall = (hour: number, minute: number) =>
    date.toPlainDateTime({ hour, minute }).toZonedDateTime(zone, {
      disambiguation: "later",
    }).epochMilliseconds;
  return { firstStartMs: wall(0, 0), lastStartMs: wall(23, 59) };
}

/**
 * The edge minute a row of the day lies in and its offset there, or `null`
 * for a row every `day` answer holds whatever the seconds
 * (`D 00:01:00` to `D 23:59:00`).
 */
export function edgeOffset(
  createdMs: number,
  minutes: DayMinutes,
): { readonly minute: EdgeMinute; readonly offsetMs: number } | null {
  const first = createdMs - minutes.firstStartMs;
  if (first < 60_000) return { minute: "first", offsetMs: first };
  const last = createdMs - minutes.lastStartMs;
  if (last > 0) return { minute: "last", offsetMs: last };
  return null;
}

/** A row of an answer, as the count needs it. */
export interface CountedRow {
  readonly id: number;
  /** `created`, epoch ms (`NaN` when unreadable). */
  readonly createdMs: number;
}

/** One `day` answer: its count and the rows of the page. */
export interface CountPage {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly rows: readonly CountedRow[];
}

/** The known rows of the day's edge minutes, id to offset in the minute. */
export interface KnownEdges {
  readonly first: ReadonlyMap<number, number>;
  readonly last: ReadonlyMap<number, number>;
}

/** What one answer says about the ids known for its day. */
export interface DayCount {
  /** Known ids surely in the answer. */
  readonly certainIn: number;
  /** Known edge-minute ids whose presence the answer leaves open. */
  readonly unresolved: number;
  /** At most this many rows of the answer are unknown (`total - certainIn`). */
  readonly missingUpper: number;
  /** At least this many are (`missingUpper - unresolved`). */
  readonly missingLower: number;
  /** The known edge-minute rows left open (`unresolved` of them). */
  readonly open: readonly {
    readonly id: number;
    readonly minute: EdgeMinute;
  }[];
}

/**
 * Counts, for one answer of `day=D`, how many of its rows may be unknown.
 *
 * The answer holds every row from `D 00:01:00` to `D 23:59:00` and the edge
 * rows the request's seconds `SS.mmm` let in: a first-minute row when its
 * offset is at least `SS.mmm`, a last-minute row when at most. The seconds
 * are never guessed from a clock: a known edge row the page itself covers
 * (its key lies between the page's first and last rows in the order the
 * page is sorted in, by id or by `(created, id)`, or the page starts or ends
 * the answer) is in the answer exactly when it is on the page, which bounds
 * `SS.mmm`; the bounds then settle the edge rows the page does not cover,
 * and the rest stay open. So `missingUpper` is never below the truth (a
 * search until it is 0 misses nothing) and `missingLower` never above it.
 *
 * @param page The answer: its `total` and its rows.
 * @param known How many ids of the day are known (edge rows included).
 * @param edges The known edge-minute rows (a subset of the known ids).
 * @param minutes Where the day's edge minutes start.
 */
export function countDay(
  page: CountPage,
  known: number,
  edges: KnownEdges,
  minutes: DayMinutes,
): DayCount {
  const { rows } = page;
  const onPage = new Set(rows.map((row) => row.id));
  const covers = coverage(page);
  // SS.mmm in ms, inclusive bounds.
  let low = 0;
  let high = 59_999;
  const uncovered: { id: number; minute: EdgeMinute; offsetMs: number }[] = [];
  let certainIn = known - edges.first.size - edges.last.size;
  for (const minute of ["first", "last"] as const) {
    const start = minute === "first"
      ? minutes.firstStartMs
      : minutes.lastStartMs;
    for (const [id, offsetMs] of edges[minute]) {
      if (!covers(id, start + offsetMs)) {
        uncovered.push({ id, minute, offsetMs });
        continue;
      }
      const present = onPage.has(id);
      if (present) certainIn++;
      if (minute === "first") {
        if (present) high = Math.min(high, offsetMs);
        else low = Math.max(low, offsetMs + 1);
      } else {
        if (present) low = Math.max(low, offsetMs);
        else high = Math.min(high, offsetMs - 1);
      }
    }
  }
  const open: { id: number; minute: EdgeMinute }[] = [];
  for (const { id, minute, offsetMs } of uncovered) {
    // Contradicting bounds (rows deleted meanwhile): settle nothing.
    if (low > high) {
      open.push({ id, minute });
    } else if (minute === "first") {
      if (offsetMs >= high) certainIn++;
      else if (offsetMs >= low) open.push({ id, minute });
    } else {
      if (offsetMs <= low) certainIn++;
      else if (offsetMs <= high) open.push({ id, minute });
    }
  }
  const missingUpper = page.total - certainIn;
  return {
    certainIn,
    unresolved: open.length,
    missingUpper,
    missingLower: missingUpper - open.length,
    open,
  };
}

/**
 * Whether a row with this id and `created` would be on the page if it were
 * in the answer: its key lies within the page's keys in every order the
 * page is consistent with (an open end where the page starts or ends the
 * answer).
 */
function coverage(
  page: CountPage,
): (id: number, createdMs: number) => boolean {
  const { rows, offset, limit, total } = page;
  const head = offset === 0;
  const end = rows.length < limit || offset + rows.length >= total;
  if (head && end) return () => true;
  if (rows.length === 0) return () => false;
  let byId = true;
  let byCreated = true;
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!;
    const b = rows[i]!;
    if (b.id <= a.id) byId = false;
    if (
      !(a.createdMs < b.createdMs ||
        (a.createdMs === b.createdMs && a.id < b.id))
    ) {
      byCreated = false;
    }
  }
  if (!byId && !byCreated) return () => false;
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const before = (aMs: number, aId: number, bMs: number, bId: number) =>
    aMs < bMs || (aMs === bMs && aId <= bId);
  return (id, createdMs) => {
    if (byId && !((head || first.id <= id) && (end || id <= last.id))) {
      return false;
    }
    if (
      byCreated &&
      !((head || before(first.createdMs, first.id, createdMs, id)) &&
        (end || before(createdMs, id, last.createdMs, last.id)))
    ) {
      return false;
    }
    return true;
  };
}
