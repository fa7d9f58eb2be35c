import type { UserAction } from "../../src/opencast/types.ts";

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
