/**
 * What a harvest window reads from Opencast, whatever the variant: the query
 * of one DCE page, and the batches of candidate actions a source yields.
 *
 * @module
 */
import type { UserAction } from "../../opencast/types.ts";
import type { DayCursor } from "../../checkpoint/checkpoint_format.ts";

/** Which actions to ask for: one page of one window. */
export interface PageQuery {
  /** `YYYYMMDDHHmmss` in the server zone. */
  readonly start: string;
  /** `YYYYMMDDHHmmss` in the server zone. */
  readonly end: string;
  readonly limit: number;
  readonly offset: number;
}

/**
 * Candidate actions from the server: a page of a list query, or the answers
 * to id probes. Whatever it holds, only actions created within the window are
 * delivered.
 */
export interface SourceBatch {
  readonly actions: readonly UserAction[];
  /** List pages fetched for this batch. */
  readonly pages: number;
  /** Single actions asked for by id for this batch. */
  readonly probes: number;
  /** The server's count of what the query matches, when this is its first page. */
  readonly total?: number;
  /**
   * Where upstream day paging stands once this batch is delivered: `null`
   * clears it; absent leaves it as it was.
   */
  readonly cursor?: DayCursor | null;
}
