/**
 * Normalized shapes of what the Opencast API returns. The normalizers in this
 * folder turn the raw Jettison JSON (single objects for one-element lists,
 * missing keys for empty lists, numbers as strings or strings as numbers) into
 * these, so nothing past the client has to know the quirks.
 *
 * @module
 */

/** One user action from `/usertracking/actions.json`. */
export interface UserAction {
  /** Database id, as the API gave it. */
  readonly id: number;
  /** The episode (mediapackage) id. */
  readonly mediapackageId: string;
  /** `sessionId.sessionId`, stringified; `null` when absent. */
  readonly sessionId: string | null;
  /** `sessionId.userId`, stringified (numeric ids arrive as numbers); `null` when absent. */
  readonly userId: string | null;
  /** `sessionId.userIp`, possibly an `X-Forwarded-For` chain; `null` when absent. */
  readonly userIp: string | null;
  /** `sessionId.userAgent`; `null` when absent. */
  readonly userAgent: string | null;
  /** Player position in seconds. */
  readonly inpoint: number;
  /** Player position in seconds. */
  readonly outpoint: number;
  /** `outpoint - inpoint`. */
  readonly length: number;
  /** The action type (`PLAY`, `HEARTBEAT`, …). */
  readonly type: string;
  /** Boolean upstream; 0/1/2 on the DCE fork, where 2 marks a live stream. */
  readonly isPlaying: boolean | number;
  /** `xsd:dateTime` with an offset, as the API gave it. */
  readonly created: string;
}

/** One page of `/usertracking/actions.json`. */
export interface ActionPage {
  /** The server's count of all actions matching the filter. */
  readonly total: number;
  /** The row offset the server echoed. */
  readonly offset: number;
  /** The page size the server echoed. */
  readonly limit: number;
  /** The actions of this page, in the order the server sent them. */
  readonly actions: readonly UserAction[];
}

/** A mediapackage attachment (only the fields the tool reads). */
export interface Attachment {
  /** The flavor, e.g. `presentation/segment+preview`. */
  readonly type: string;
  /** The attachment URL. */
  readonly url: string;
  /** The reference, e.g. `track:t-1;time=T00:02:33:0F1000`; `null` when absent. */
  readonly ref: string | null;
}

/** An episode from `/search/episode.json`, normalized. */
export interface Episode {
  /** The mediapackage id. */
  readonly id: string;
  /** `mediapackage.title`. */
  readonly title?: string;
  /** `mediapackage.duration` in milliseconds, as an integer. */
  readonly duration?: number;
  /** `mediapackage.start` as given (UTC, `…Z`). */
  readonly start?: string;
  /** `mediapackage.seriestitle`. */
  readonly seriesTitle?: string;
  /** `mediapackage.series` as a string (for OC 16, from `dc.isPartOf`). */
  readonly series?: string;
  /** The result's `dcCreated` (OC 16: `dc.created[0]`), as given. */
  readonly dcCreated?: string;
  /** When the search index last changed the episode (`modified`), as given. */
  readonly modified?: string;
  /** The result's `dcType`, stringified. */
  readonly dcType?: string;
  /** The result's `dcDescription`, stringified. */
  readonly dcDescription?: string;
  /** Every attachment of the mediapackage, in document order. */
  readonly attachments: readonly Attachment[];
}

/**
 * Which search response format a server answered: `solr` is the
 * `{"search-results": …}` wrapper of MH 1.x – OC 15 (the DCE fork included),
 * `opensearch` the unwrapped list of OC 16+.
 */
export type SearchFormat = "solr" | "opensearch";

/** One page of an episode search. */
export interface EpisodePage {
  /** The server's count of all matching episodes; `undefined` when it gave none. */
  readonly total: number | undefined;
  /** The episodes of this page. */
  readonly episodes: readonly Episode[];
  /** The response format the page came in. */
  readonly format: SearchFormat;
}

/** A workflow operation (only the fields the tool reads). */
export interface WorkflowOperation {
  /** The operation name (`capture`, `retract-element`, …): `id` up to OC 11, `template` from 12. */
  readonly name: string;
  /** The operation state, when given. */
  readonly state?: string;
  /** Start time, epoch milliseconds. */
  readonly started?: number;
  /** Completion time, epoch milliseconds. */
  readonly completed?: number;
}

/** A workflow instance from the admin node. */
export interface Workflow {
  /** The workflow instance id. */
  readonly id: number;
  /** The instance state (`SUCCEEDED`, …). */
  readonly state: string;
  /** The workflow definition id. */
  readonly template?: string;
  /** The mediapackage id the workflow ran on. */
  readonly mediapackageId?: string;
  /** Operations in execution order. */
  readonly operations: readonly WorkflowOperation[];
}
