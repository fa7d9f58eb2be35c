/**
 * A page of episodes by creation date from an engage node.
 *
 * @module
 */
import type { OpencastClient } from "./opencast_client.ts";
import type { EpisodePage } from "./types.ts";
import { normalizeEpisodePage } from "./normalize_episode_page.ts";

const ENDPOINT = "/search/episode.json";
const ISO_UTC_REGEXP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Options for {@linkcode searchEpisodes}. */
export interface SearchEpisodesOptions {
  /**
   * Created at or after, `YYYY-MM-DDTHH:mm:ssZ` (DCE fork parameter).
   *
   * @default undefined (no lower bound)
   */
  readonly createdFrom?: string;
  /**
   * Created at or before, `YYYY-MM-DDTHH:mm:ssZ` (DCE fork parameter).
   *
   * @default undefined (no upper bound)
   */
  readonly createdTo?: string;
  /** Page size; always sent, since a missing limit means "everything" on ≤ OC 7.3. */
  readonly limit: number;
  /** Row offset (not a page number). */
  readonly offset: number;
}

/**
 * GETs a page of `/search/episode.json` with `includeDeleted=true` and
 * `sort=DATE_CREATED`. OC 16 rejects that sort with 400, which surfaces as an
 * {@linkcode ApiContractError}.
 *
 * @example Usage
 * ```ts
 * const page = await searchEpisodes(engage, { createdFrom: "2024-03-01T00:00:00Z", limit: 100, offset: 0 });
 * ```
 *
 * @throws {RangeError} For a malformed date, a limit below 1 or a negative offset.
 */
export async function searchEpisodes(
  client: OpencastClient,
  options: SearchEpisodesOptions,
): Promise<EpisodePage> {
  const { createdFrom, createdTo, limit, offset } = options;
  for (
    const [name, value] of [
      ["createdFrom", createdFrom],
      ["createdTo", createdTo],
    ] as const
  ) {
    if (value !== undefined && !ISO_UTC_REGEXP.test(value)) {
      throw new RangeError(
        `Cannot search episodes as ${name} must be YYYY-MM-DDTHH:mm:ssZ: current value is ${
          JSON.stringify(value)
        }`,
      );
    }
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(
      `Cannot search episodes as limit must be a positive integer: current value is ${limit}`,
    );
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(
      `Cannot search episodes as offset must be a non-negative integer: current value is ${offset}`,
    );
  }
  const raw = await client.getJson(ENDPOINT, {
    includeDeleted: true,
    sort: "DATE_CREATED",
    createdFrom,
    createdTo,
    limit,
    offset,
  });
  return normalizeEpisodePage(raw, ENDPOINT);
}
