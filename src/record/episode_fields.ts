/**
 * The `episode` part of a harvested record (record-schema.md §1).
 *
 * @module
 */

import type { Episode } from "../opencast/types.ts";
import {
  formatUtcSeconds,
  parseOffsetTimestamp,
} from "../opencast/opencast_time.ts";
import type { EpisodeFields } from "./action_record.ts";
import { splitSeries } from "../util/split_series.ts";

/**
 * Builds the `episode` object of a record: `{}` when no episode was found.
 * Fields the episode lacks are left out, never `null`: a missing `duration`
 * or `seriestitle` no longer drops the whole record as the original did.
 *
 * `start` is `mediapackage.start` as given; without one it is the result's
 * `dcCreated` in UTC (`YYYY-MM-DDTHH:mm:ssZ`), and without a readable
 * `dcCreated` it is left out. `year`, `term` and `cdn` are characters 0–4,
 * 4–6 and 6–11 of `series`, present only with `series`.
 *
 * @param episode The episode found for the action's mediapackage, or `null`.
 * @returns The fields, in the original's key order.
 */
export function buildEpisodeFields(episode: Episode | null): EpisodeFields {
  if (episode === null) return NO_EPISODE;
  // Every action of an episode gets the same fields: work them out once per
  // episode (the lookup hands out the same object all run) and share them,
  // frozen, so their JSON is made once too (see encodeRecord).
  let fields = computed.get(episode);
  if (fields === undefined) {
    fields = Object.freeze(computeEpisodeFields(episode));
    computed.set(episode, fields);
  }
  return fields;
}

const computed = new WeakMap<Episode, EpisodeFields>();

/** The fields of an action without an episode, shared like the others. */
const NO_EPISODE: EpisodeFields = Object.freeze({});

function computeEpisodeFields(episode: Episode): EpisodeFields {
  const fields: EpisodeFields = {};
  if (episode.title !== undefined) fields.title = episode.title;
  if (episode.duration !== undefined && Number.isFinite(episode.duration)) {
    fields.duration = Math.trunc(episode.duration);
  }
  const start = episodeStart(episode);
  if (start !== undefined) fields.start = start;
  if (episode.seriesTitle !== undefined) fields.course = episode.seriesTitle;
  if (episode.series !== undefined) {
    const series = String(episode.series);
    fields.series = series;
    const { year, term, crn } = splitSeries(series);
    fields.year = year;
    fields.term = term;
    fields.cdn = crn;
  }
  if (episode.dcType !== undefined) fields.type = episode.dcType;
  if (episode.dcDescription !== undefined) {
    fields.description = episode.dcDescription;
  }
  return fields;
}

function episodeStart(episode: Episode): string | undefined {
  if (episode.start !== undefined) return episode.start;
  if (episode.dcCreated === undefined) return undefined;
  const created = parseOffsetTimestamp(episode.dcCreated);
  return created === null ? undefined : formatUtcSeconds(created);
}
