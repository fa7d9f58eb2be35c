/**
 * What the Opencast strategies read, before the source hands it on: the
 * query of one DCE page, and a batch of candidate actions with upstream's
 * position (the source turns it into its JSON form).
 *
 * @module
 */
import type { UserAction } from "../../opencast/types.ts";
import type { OpencastPosition } from "./opencast_position.ts";

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
 * delivered (vouched ones: up to its end).
 */
export interface OpencastBatch {
  readonly actions: readonly UserAction[];
  /** List pages fetched for this batch. */
  readonly pages: number;
  /** Single actions asked for by id for this batch. */
  readonly probes: number;
  /** The server's count of what the query matches, when this is its first page. */
  readonly total?: number;
  /** New by upstream's count, whatever their `created` (see `SourceBatch.vouched`). */
  readonly vouched?: boolean;
  /**
   * Where upstream reading stands once this batch is delivered; absent
   * leaves it as it was.
   */
  readonly position?: OpencastPosition;
}
