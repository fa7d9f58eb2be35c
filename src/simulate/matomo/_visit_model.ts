/**
 * The Matomo simulator's data: visits and their actions as Matomo keeps them
 * (`log_visit`, `log_link_visit_action`), in true UTC, plus what each action
 * should become in a harvest (the ground truth). Plain data; the generator
 * writes it, the visit log stores it, the API formats it.
 *
 * @module
 */

/** Why a harvester skips an action (the summary counts them by reason). */
export type MatomoSkipReason =
  /** A `paella:timeupdate` event: several a second, noise. */
  | "timeupdate"
  /** An event of another category than `PaellaPlayer`. */
  | "other-category"
  /** A page view that names no episode (no episode dimension, no player URL with `id=`). */
  | "page-without-episode"
  /** A `PaellaPlayer` event that names no episode anywhere. */
  | "event-without-episode"
  /** An outlink, a download, a site search… */
  | "other-type";

/** Where an action names its episode, as the tracker sent it. */
export interface EpisodeHints {
  /** The `id=` of a player page URL. */
  readonly url?: string;
  /** The event name, when it is the episode id (Paella 7). */
  readonly name?: string;
}

/** One row of `log_link_visit_action`, as the simulator keeps it. */
export interface SimMatomoAction {
  /** `idlink_va`: the action id (`pageId`), unique in the instance. */
  readonly pageId: number;
  /** When Matomo stored it: true UTC, epoch seconds. */
  readonly seconds: number;
  /** `action` (a page view), `event`, `outlink`, `download`. */
  readonly type: "action" | "event" | "outlink" | "download";
  /** The page URL (of the page the event happened on), or the link. */
  readonly url: string;
  /** Page views: the title. */
  readonly pageTitle?: string;
  /** The page view the action belongs to (six characters). */
  readonly idpageview: string;
  /** Events. */
  readonly eventCategory?: string;
  readonly eventAction?: string;
  /** Absent when the tracker sent an empty name. */
  readonly eventName?: string;
  /** Action-scope custom dimension values by `idcustomdimension`. */
  readonly dimensions: Readonly<Record<number, string>>;
  /** The episode the action is about, when there is one. */
  readonly episode?: string;
  /** Where the episode is named besides the dimensions. */
  readonly hints: EpisodeHints;
  /** What a harvest makes of it: a record type, or why not. */
  readonly outcome:
    | { readonly type: string; readonly outpoint: number | null }
    | { readonly skip: MatomoSkipReason };
}

/** How a visit's actions were produced (which player, which page). */
export type VisitStyle =
  /** Stock Opencast 20+ with Paella 8: page views of the watch page only. */
  | "paella8"
  /** Tobira with Paella 8: events with an action-scope episode dimension. */
  | "tobira"
  /** Tobira, two videos in one visit. */
  | "tobira-two-videos"
  /** Paella 7: events named by the episode id. */
  | "paella7"
  /** Paella 7 embedded in an LMS page (no `id=` of an episode in the URL). */
  | "paella7-embedded"
  /** Anonymous viewers sharing one visitor (`userId` `anonymous`), merged. */
  | "anonymous-merged"
  /** Other pages, other event categories, outlinks and downloads. */
  | "other";

/** One row of `log_visit` with its actions. */
export interface SimVisit {
  /** `idvisit`. */
  readonly idVisit: number;
  readonly style: VisitStyle;
  /** Anonymised as Matomo stores it by default (the last two bytes zero). */
  readonly visitIp: string;
  /** 16 hex characters. */
  readonly visitorId: string;
  readonly fingerprint: string;
  /** `null` when the tracker sent none. */
  readonly userId: string | null;
  readonly browserName: string;
  readonly browserVersion: string;
  readonly operatingSystem: string;
  readonly deviceType: string;
  /** True UTC epoch seconds of the first action. */
  firstActionSeconds: number;
  /** True UTC epoch seconds of the last action or heartbeat ping. */
  lastActionSeconds: number;
  /** Visit-scope dimension values (overwritten by every request). */
  readonly visitDimensions: Record<number, string>;
  /** Actions in the order Matomo returns them: time, then id. */
  readonly actions: SimMatomoAction[];
}
