import type { ActionPage, UserAction } from "../../src/opencast/types.ts";

/** A plain heartbeat action as the normalizer gives it, for in-process fakes. */
export function userAction(
  id: number,
  created: string,
  mediapackageId = "mp-1",
): UserAction {
  return {
    id,
    mediapackageId,
    sessionId: "s",
    userId: "u",
    userIp: "10.0.0.1",
    userAgent: null,
    inpoint: 0,
    outpoint: 0,
    length: 0,
    type: "HEARTBEAT",
    isPlaying: true,
    created,
  };
}

/**
 * The page of `rows` a list request asks for, as a server that honours
 * `offset` and `limit` answers it: those rows, and all of them counted.
 */
export function pageOf(
  rows: readonly UserAction[],
  query: { readonly offset: number; readonly limit: number },
): ActionPage {
  return {
    total: rows.length,
    offset: query.offset,
    limit: query.limit,
    actions: rows.slice(query.offset, query.offset + query.limit),
  };
}
