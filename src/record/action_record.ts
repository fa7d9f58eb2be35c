/**
 * The record the harvester delivers for one user action: a contract with
 * downstream consumers (see the README's "Record format").
 *
 * @module
 */

/** The `episode` object of a record; `{}` when no episode was found. */
export interface EpisodeFields {
  title?: string;
  duration?: number;
  start?: string;
  course?: string;
  series?: string;
  year?: string;
  term?: string;
  cdn?: string;
  type?: string;
  description?: string;
}

/** One harvested user action, as delivered to every sink. */
export interface ActionRecord {
  action_id: number;
  timestamp: string;
  mpid: string;
  session_id: string | null;
  huid: string | null;
  useragent: string | null;
  action: {
    type: string;
    /** `null` when the source does not say (Matomo). */
    inpoint: number | null;
    /** `null` when the source does not say (Matomo, apart from a seek's target). */
    outpoint: number | null;
    /** `null` when the source does not say (Matomo). */
    length: number | null;
    /** `null` when the source does not say (Matomo). */
    is_playing: boolean | null;
  };
  ip: string | null;
  /** `proxy1`, `proxy2`, … (the rest of the `X-Forwarded-For` chain). */
  [proxy: `proxy${number}`]: string;
  is_live: 0 | 1;
  /** Set for sources other than Opencast (`matomo`); absent on Opencast's records. */
  source?: "matomo";
  episode: EpisodeFields;
}
