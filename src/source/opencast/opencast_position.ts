/**
 * The Opencast source's position in the checkpoint: for upstream Opencast,
 * what the next run needs to tell new rows from old ones without assuming
 * anything about the order of ids or rows (issue 18). Per server day still
 * open: the ids accounted for (delivered, or older than the window that first
 * read the day), as runs (see `IdRanges.toRuns()`); the day's count when last
 * read; and the ids of its first and last minute with their offset in that
 * minute, since whether a `day` answer holds them depends on the server
 * clock's seconds. `filled` is where the last window ended: the midnight
 * stretches before it were filled by id already; `closed` the newest day
 * done with (complete, and its midnight past). The DCE fork keeps none.
 *
 * ```json
 * "source":"opencast","position":{"days":[{"day":"20261204","total":5033,
 *   "ids":[9120001,4890,60,143],"first":[9120001,12000,3,41000]}],
 *   "filled":"2026-12-04T17:02:00Z","closed":"20261203"}
 * ```
 *
 * Checkpoints written before this (issue 8's day cursor,
 * `{"cursor":{"day","offset","id"}}`) are read as a position with no day
 * state: the next run reads the days of its window whole, as a backfill
 * does, and the window and the checkpoint's ids keep out what was delivered.
 *
 * @module
 */
import { ApiContractError } from "../../errors.ts";
import type { SourcePosition } from "../action_source.ts";
import { echoValue } from "../../util/echo_value.ts";
import { IdRanges } from "../../util/id_ranges.ts";

/** A row of a day's first or last minute, known to exist. */
export interface EdgeRow {
  readonly id: number;
  /**
   * Milliseconds from the start of the minute (`D 00:00` or `D 23:59` as
   * the server reads them) to its `created`.
   */
  readonly offsetMs: number;
}

/** What the harvest knows of one server day it has read. */
export interface DayState {
  /** The server day, `YYYYMMDD`. */
  readonly day: string;
  /** The day's `total` the last time it was read. */
  readonly total: number;
  /** Ids accounted for: delivered, or left out on purpose (before the window). */
  readonly ids: IdRanges;
  /** Accounted rows of the day's first minute. */
  readonly first: readonly EdgeRow[];
  /** Accounted rows of the day's last minute. */
  readonly last: readonly EdgeRow[];
  /**
   * The first read of the day did not reach its end: `ids` is not the whole
   * day yet, so rows outside it are not new for sure.
   */
  readonly partial: boolean;
}

/** What the Opencast source keeps in the checkpoint. */
export interface OpencastPosition {
  /** Upstream: the days still open, oldest first. */
  readonly days: readonly DayState[];
  /** Upstream: the midnight stretches before this instant were filled. */
  readonly filled?: Temporal.Instant;
  /** Upstream: the newest day closed (complete and past), `YYYYMMDD`; it and those before are not read again. */
  readonly closed?: string;
  /** A checkpoint of issue 8's format: read as no day state. */
  readonly legacyCursor?: boolean;
}

/**
 * Reads the Opencast source's position from a checkpoint.
 *
 * @example Usage
 * ```ts
 * readOpencastPosition(undefined); // { days: [] }
 * readOpencastPosition({ cursor: { day: "20261204", offset: 5, id: 9 } }); // { days: [], legacyCursor: true }
 * ```
 *
 * @throws {ApiContractError} When the position is malformed: a corrupt
 * checkpoint stops the run rather than reading from a wrong place.
 */
export function readOpencastPosition(
  position: SourcePosition | undefined,
): OpencastPosition {
  if (position === undefined || position === null) return { days: [] };
  const record = isRecord(position) ? position : {};
  if (record.cursor !== undefined || !isRecord(position)) {
    const cursor = isRecord(position) ? record.cursor : position;
    if (!isDayCursor(cursor)) {
      throw malformed(
        `'cursor' must be {"day": "YYYYMMDD", "offset": rows, "id": integer}, found ${
          echoValue(JSON.stringify(cursor), 40)
        }`,
      );
    }
    return { days: [], legacyCursor: true };
  }
  const days = record.days ?? [];
  if (!Array.isArray(days)) {
    throw malformed(`'days' must be a list, found ${excerpt(days)}`);
  }
  const closed = record.closed;
  if (
    closed !== undefined &&
    (typeof closed !== "string" || !/^\d{8}$/.test(closed))
  ) {
    throw malformed(`'closed' must be "YYYYMMDD", found ${excerpt(closed)}`);
  }
  let filled: Temporal.Instant | undefined;
  if (record.filled !== undefined) {
    try {
      filled = Temporal.Instant.from(String(record.filled));
    } catch {
      throw malformed(
        `'filled' must be an ISO 8601 instant, found ${excerpt(record.filled)}`,
      );
    }
  }
  return {
    days: days.map(readDay).sort((a, b) => a.day.localeCompare(b.day)),
    ...(filled === undefined ? {} : { filled }),
    ...(closed === undefined ? {} : { closed }),
  };
}

/** The position to save. */
export function opencastPosition(position: OpencastPosition): SourcePosition {
  return {
    days: position.days.map((state) => ({
      day: state.day,
      total: state.total,
      ids: state.ids.toRuns(),
      ...(state.first.length > 0 ? { first: encodeEdge(state.first) } : {}),
      ...(state.last.length > 0 ? { last: encodeEdge(state.last) } : {}),
      ...(state.partial ? { partial: true } : {}),
    })),
    ...(position.filled === undefined
      ? {}
      : { filled: position.filled.toString() }),
    ...(position.closed === undefined ? {} : { closed: position.closed }),
  };
}

function readDay(value: unknown): DayState {
  if (!isRecord(value)) {
    throw malformed(`a day must be an object, found ${excerpt(value)}`);
  }
  const { day, total, ids, first = [], last = [], partial = false } = value;
  if (typeof day !== "string" || !/^\d{8}$/.test(day)) {
    throw malformed(`a day's 'day' must be "YYYYMMDD", found ${excerpt(day)}`);
  }
  if (typeof total !== "number" || !Number.isSafeInteger(total) || total < 0) {
    throw malformed(
      `day ${day}: 'total' must be a count, found ${excerpt(total)}`,
    );
  }
  if (!Array.isArray(ids) || typeof partial !== "boolean") {
    throw malformed(`day ${day}: 'ids' must be a list of id runs`);
  }
  try {
    return {
      day,
      total,
      ids: IdRanges.fromRuns(ids),
      first: decodeEdge(first),
      last: decodeEdge(last),
      partial,
    };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw malformed(`day ${day}: ${error.message}`);
  }
}

/** `[id, offset, Δid, offset, …]`, ascending ids. */
function encodeEdge(rows: readonly EdgeRow[]): number[] {
  const sorted = [...rows].sort((a, b) => a.id - b.id);
  const flat: number[] = [];
  let previous = 0;
  for (const [index, row] of sorted.entries()) {
    flat.push(index === 0 ? row.id : row.id - previous, row.offsetMs);
    previous = row.id;
  }
  return flat;
}

function decodeEdge(value: unknown): EdgeRow[] {
  if (
    !Array.isArray(value) || value.length % 2 !== 0 ||
    !value.every((n) => Number.isSafeInteger(n))
  ) {
    throw new RangeError("an edge list must be pairs of id and offset");
  }
  const rows: EdgeRow[] = [];
  let id = 0;
  for (let i = 0; i < value.length; i += 2) {
    id = i === 0 ? value[0] : id + value[i];
    rows.push({ id, offsetMs: value[i + 1] });
  }
  return rows;
}

function malformed(problem: string): ApiContractError {
  return new ApiContractError(
    `Cannot read the Opencast position in the checkpoint: ${problem}; fix it, or delete it and backfill with --start/--end`,
  );
}

function excerpt(value: unknown): string {
  return echoValue(JSON.stringify(value) ?? String(value), 40);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isDayCursor(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const { day, offset, id } = value;
  return typeof day === "string" && /^\d{8}$/.test(day) &&
    typeof offset === "number" && Number.isSafeInteger(offset) &&
    offset >= 1 && typeof id === "number" && Number.isSafeInteger(id);
}
