/**
 * One viewer action as every source hands it to the record builder: the
 * normalized shape `buildRecord()` turns into the record contract. Opencast's
 * usertracking actions are exactly this shape; other sources (Matomo) fill
 * what they have and leave the rest `null`.
 *
 * @module
 */

/** A viewer action, whatever its source. */
export interface ViewerAction {
  /** The source's action id (Opencast's row id, Matomo's `pageId`). */
  readonly id: number;
  /** The episode (mediapackage) id. */
  readonly mediapackageId: string;
  /** The viewing session (Opencast's session id, Matomo's `idVisit`); `null` when absent. */
  readonly sessionId: string | null;
  /** The user name, stringified; `null` when absent or anonymous. */
  readonly userId: string | null;
  /** The client address, possibly an `X-Forwarded-For` chain; `null` when absent. */
  readonly userIp: string | null;
  /** The browser's user agent; `null` when the source keeps none. */
  readonly userAgent: string | null;
  /** Player position in seconds; `null` when the source does not say. */
  readonly inpoint: number | null;
  /** Player position in seconds (a seek's target); `null` when the source does not say. */
  readonly outpoint: number | null;
  /** `outpoint - inpoint`; `null` when the source does not say. */
  readonly length: number | null;
  /** The action type (`PLAY`, `HEARTBEAT`, `VIEW`, …). */
  readonly type: string;
  /** Boolean upstream; 0/1/2 on the DCE fork (2 marks a live stream); `null` when unknown. */
  readonly isPlaying: boolean | number | null;
  /** When it happened: ISO 8601 with an offset. */
  readonly created: string;
  /** Set by sources other than Opencast; the record then carries `source`. */
  readonly source?: "matomo";
}
