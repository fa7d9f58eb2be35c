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
    inpoint: number;
    outpoint: number;
    length: number;
    is_playing: boolean;
  };
  ip: string | null;
  /** `proxy1`, `proxy2`, … (the rest of the `X-Forwarded-For` chain). */
  [proxy: `proxy${number}`]: string;
  is_live: 0 | 1;
  episode: EpisodeFields;
}
