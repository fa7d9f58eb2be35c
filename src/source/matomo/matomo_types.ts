/**
 * What the Matomo source reads from Matomo's reporting API, once checked
 * (`normalizeVisits`): numbers where Matomo writes ids as strings, optional
 * fields as `undefined`. Only the fields the source uses.
 *
 * @module
 */

/** A site, from `SitesManager.getSiteFromId`. */
export interface MatomoSite {
  readonly idSite: number;
  readonly name: string;
  /** The site's zone (IANA name, or a `UTC±N` offset Matomo allows). */
  readonly timezone: string;
}

/** A custom dimension, from `CustomDimensions.getConfiguredCustomDimensions`. */
export interface MatomoCustomDimension {
  /** `idcustomdimension`: the `N` of the `dimensionN` keys. */
  readonly id: number;
  readonly name: string;
  readonly scope: "action" | "visit";
  readonly active: boolean;
}

/** One action of a visit (`actionDetails[]`). */
export interface MatomoAction {
  /** `action` (a page view), `event`, `outlink`, `download`, `search`, … */
  readonly type: string;
  /** `pageId`: the action's id, unique in the Matomo instance. */
  readonly pageId: number;
  /**
   * `timestamp`: the site-zone wall time of the action read as if it were
   * UTC, epoch seconds (Matomo issue #22720), not the instant.
   */
  readonly timestamp: number;
  readonly url?: string;
  readonly eventCategory?: string;
  readonly eventAction?: string;
  /** Absent when the tracker sent none. */
  readonly eventName?: string;
  /** Action-scope custom dimension values (`dimensionN`) that are set. */
  readonly dimensions: ReadonlyMap<number, string>;
}

/** One visit (`Live.getLastVisitsDetails`). */
export interface MatomoVisit {
  readonly idVisit: number;
  /** Anonymised as Matomo stores it; `null` when absent. */
  readonly visitIp: string | null;
  /** `null` when absent or empty. */
  readonly userId: string | null;
  /** True UTC epoch seconds. */
  readonly firstActionTimestamp: number;
  /** True UTC epoch seconds of the last action (or heartbeat). */
  readonly lastActionTimestamp: number;
  /** Actions Matomo left out (`visitor_log_maximum_actions_per_visit`); 0 when none. */
  readonly truncatedActionsCount: number;
  /** In Matomo's order: time, then id. */
  readonly actions: readonly MatomoAction[];
}

/** Why an action of a visit is not a record. */
export type MatomoSkipReason =
  /** A `paella:timeupdate` event (several a second: noise). */
  | "timeupdate"
  /** An event of another category than `PaellaPlayer`. */
  | "other-category"
  /** A page view that names no episode. */
  | "page-without-episode"
  /** A `PaellaPlayer` event that names no episode. */
  | "event-without-episode"
  /** An outlink, a download, a site search, a goal… */
  | "other-type";

/** Every skip reason, in the order the summary lists them. */
export const MATOMO_SKIP_REASONS: readonly MatomoSkipReason[] = [
  "timeupdate",
  "other-category",
  "page-without-episode",
  "event-without-episode",
  "other-type",
];
