/**
 * The Matomo source's position in the checkpoint: the action ids (`pageId`s)
 * it handled from the overlap on (delivered, skipped as no viewer action, or
 * read before the window), as ranges, so the next run drops them when it
 * reads their visits again; and the visits already warned about as cut.
 *
 * ```json
 * "source":"matomo","position":{"pageIds":[[903112,903988],904001],"truncated":[4711]}
 * ```
 *
 * @module
 */
import { ApiContractError } from "../../errors.ts";
import { echoValue } from "../../util/echo_value.ts";
import type { SourcePosition } from "../action_source.ts";
import { type IdRange, IdRanges } from "../../util/id_ranges.ts";

/** What the Matomo source keeps between runs. */
export interface MatomoPosition {
  /** The action ids handled from the overlap on. */
  readonly pageIds: IdRanges;
  /** Visits whose cut actions were warned about (`truncatedActionsCount`). */
  readonly truncated: ReadonlySet<number>;
}

/**
 * Reads the Matomo source's position from a checkpoint; none (a first run,
 * a backfill) is an empty one.
 *
 * @example Usage
 * ```ts
 * readMatomoPosition({ pageIds: [[5, 9], 12] }).pageIds.has(7); // true
 * readMatomoPosition(undefined).pageIds.size; // 0
 * ```
 *
 * @throws {ApiContractError} When it is malformed: a corrupt checkpoint
 * stops the run rather than delivering a half hour again.
 */
export function readMatomoPosition(
  position: SourcePosition | undefined,
): MatomoPosition {
  if (position === undefined || position === null) {
    return { pageIds: new IdRanges(), truncated: new Set() };
  }
  const fields = typeof position === "object" && !Array.isArray(position)
    ? position as Record<string, unknown>
    : undefined;
  const pageIds = fields?.pageIds ?? [];
  const truncated = fields?.truncated ?? [];
  if (
    fields === undefined || !Array.isArray(pageIds) ||
    !pageIds.every(isRange) || !Array.isArray(truncated) ||
    !truncated.every(isId)
  ) {
    throw new ApiContractError(
      `Cannot read the Matomo position in the checkpoint: expected {"pageIds": [id or [first, last], …], "truncated": [idVisit, …]}, found ${
        echoValue(JSON.stringify(position), 60)
      }; fix it, or delete it and backfill with --start/--end`,
    );
  }
  return {
    pageIds: IdRanges.fromRangeList(pageIds as IdRange[]),
    truncated: new Set(truncated as number[]),
  };
}

/** The position to save. */
export function matomoPosition(position: MatomoPosition): SourcePosition {
  return {
    pageIds: position.pageIds.toRangeList() as SourcePosition,
    ...(position.truncated.size === 0
      ? {}
      : { truncated: [...position.truncated].sort((a, b) => a - b) }),
  };
}

function isId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) &&
    value >= 0;
}

function isRange(value: unknown): value is IdRange {
  if (isId(value)) return true;
  return Array.isArray(value) && value.length === 2 && isId(value[0]) &&
    isId(value[1]) && value[0] <= value[1];
}
