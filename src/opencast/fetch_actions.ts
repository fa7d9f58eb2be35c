/**
 * One page of user actions from an engage node.
 *
 * @module
 */
import type { OpencastClient } from "./opencast_client.ts";
import type { ActionPage } from "./types.ts";
import { normalizeActionPage } from "./normalize_action_page.ts";

const ENDPOINT = "/usertracking/actions.json";
const TIMESTAMP_REGEXP = /^\d{14}$/;

const DAY_REGEXP = /^\d{8}$/;

/** Options for {@linkcode fetchActions}: a DCE window, an upstream day, or neither. */
export interface FetchActionsOptions {
  /** Window start, `YYYYMMDDHHmmss` in the server's zone (DCE fork parameter). */
  readonly start?: string;
  /** Window end, `YYYYMMDDHHmmss` in the server's zone (DCE fork parameter). */
  readonly end?: string;
  /** Upstream day filter, `YYYYMMDD` in the server's zone (see opencast-api.md §3.1). */
  readonly day?: string;
  /** Page size; Opencast has no upper bound. */
  readonly limit: number;
  /** Row offset (not a page number). */
  readonly offset: number;
}

/**
 * GETs one page of `/usertracking/actions.json` for a `[start, end]` window,
 * a `day`, or the whole table. Upstream Opencast ignores `start`/`end` and
 * pages through every action; only the DCE fork filters by them.
 *
 * @example Usage
 * ```ts
 * const page = await fetchActions(engage, { start: "20161021140000", end: "20161021140200", limit: 1000, offset: 0 });
 * ```
 *
 * @throws {RangeError} When `start`/`end` are not 14 digits, `day` not 8,
 * or `limit`/`offset` are negative.
 */
export async function fetchActions(
  client: OpencastClient,
  options: FetchActionsOptions,
): Promise<ActionPage> {
  const { start, end, day, limit, offset } = options;
  if (day !== undefined && !DAY_REGEXP.test(day)) {
    throw new RangeError(
      `Cannot fetch actions as day must be YYYYMMDD: current value is ${
        JSON.stringify(day)
      }`,
    );
  }
  for (const [name, value] of [["start", start], ["end", end]] as const) {
    if (value !== undefined && !TIMESTAMP_REGEXP.test(value)) {
      throw new RangeError(
        `Cannot fetch actions as ${name} must be YYYYMMDDHHmmss: current value is ${
          JSON.stringify(value)
        }`,
      );
    }
  }
  // Opencast turns limit 0 into 10 and answers 400 for negatives.
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(
      `Cannot fetch actions as limit must be a positive integer: current value is ${limit}`,
    );
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(
      `Cannot fetch actions as offset must be a non-negative integer: current value is ${offset}`,
    );
  }
  const raw = await client.getJson(ENDPOINT, {
    start,
    end,
    day,
    limit,
    offset,
  });
  return normalizeActionPage(raw, ENDPOINT);
}
