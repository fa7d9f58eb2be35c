/**
 * The Opencast source's position in the checkpoint: upstream's day cursor,
 * so the next run resumes paging a server day where this one stopped
 * instead of reading the day again. It is only a saving, never needed for
 * correctness (issue 8); the DCE fork keeps none.
 *
 * ```json
 * "source":"opencast","position":{"cursor":{"day":"20261204","offset":12345,"id":987654}}
 * ```
 *
 * @module
 */
import { ApiContractError } from "../../errors.ts";
import type { SourcePosition } from "../action_source.ts";
import { echoValue } from "../../util/echo_value.ts";

/** Where paging of one server day stopped (upstream `day` queries). */
export interface DayCursor {
  /** The server day, `YYYYMMDD`. */
  readonly day: string;
  /** The row offset of the first row not yet consumed (at least 1). */
  readonly offset: number;
  /** The id of the last consumed row (at `offset - 1`), to verify the offset still holds. */
  readonly id: number;
}

/** What the Opencast source keeps in the checkpoint. */
export interface OpencastPosition {
  /** Upstream only: how far into one server day the harvest read. */
  readonly cursor?: DayCursor;
}

/**
 * Reads the Opencast source's position from a checkpoint (checkpoints
 * written before sources had names carried the cursor at their top level;
 * the checkpoint format moves it here).
 *
 * @example Usage
 * ```ts
 * readOpencastPosition({ cursor: { day: "20261204", offset: 5, id: 9 } }); // { cursor: … }
 * readOpencastPosition(undefined); // {}
 * ```
 *
 * @throws {ApiContractError} When the cursor is malformed: a corrupt
 * checkpoint stops the run rather than paging from a wrong place.
 */
export function readOpencastPosition(
  position: SourcePosition | undefined,
): OpencastPosition {
  if (position === undefined || position === null) return {};
  const cursor = typeof position === "object" && !Array.isArray(position)
    ? (position as Record<string, unknown>).cursor
    : position;
  if (cursor === undefined) return {};
  if (!isDayCursor(cursor)) {
    throw new ApiContractError(
      `Cannot read the Opencast position in the checkpoint: 'cursor' must be {"day": "YYYYMMDD", "offset": rows, "id": integer}, found ${
        echoValue(JSON.stringify(cursor), 40)
      }; fix it, or delete it and backfill with --start/--end`,
    );
  }
  return { cursor: { day: cursor.day, offset: cursor.offset, id: cursor.id } };
}

/** The position to save for a day cursor. */
export function opencastPosition(cursor: DayCursor): SourcePosition {
  return { cursor: { day: cursor.day, offset: cursor.offset, id: cursor.id } };
}

function isDayCursor(value: unknown): value is DayCursor {
  if (typeof value !== "object" || value === null) return false;
  const { day, offset, id } = value as Record<string, unknown>;
  return typeof day === "string" && /^\d{8}$/.test(day) &&
    typeof offset === "number" && Number.isSafeInteger(offset) &&
    offset >= 1 && typeof id === "number" && Number.isSafeInteger(id);
}
