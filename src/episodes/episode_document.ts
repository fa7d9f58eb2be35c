import type { Episode, Workflow } from "../opencast/types.ts";
import {
  formatUtcOffset,
  instantFromEpochMillis,
  parseOffsetTimestamp,
} from "../opencast/opencast_time.ts";
import { splitSeries } from "../util/split_series.ts";

/** One slide image of an episode. */
export interface Slide {
  /** The image URL. */
  img: string;
  /** The MPEG-7 time point from the attachment's `ref`, e.g. `T00:04:12:500F1000`. */
  time: string;
}

/**
 * The Elasticsearch document `load_episodes` writes for an episode (a
 * contract: see the README's "Episode document"). Optional fields are
 * omitted when the source lacks them.
 */
export interface EpisodeDocument {
  mpid: string;
  title?: string;
  duration?: number;
  start?: string;
  course?: string;
  series?: string;
  year?: string;
  term?: string;
  crn?: string;
  type?: string;
  description?: string;
  presenter_still?: string;
  presentation_still?: string;
  slides?: Slide[];
  live_stream?: 0 | 1;
  live_start?: string;
  live_end?: string;
  live_duration?: number;
  available?: string;
}

const TIME_IN_REF = /time=([^;]+)/;

/**
 * Builds the episode document from the episode and its most recent
 * matching workflow (`null` when none was found: the workflow fields are
 * then left out). Pure.
 */
export function buildEpisodeDocument(
  episode: Episode,
  workflow: Workflow | null,
): EpisodeDocument {
  const document: EpisodeDocument = { mpid: episode.id };
  if (episode.title !== undefined) document.title = episode.title;
  if (episode.duration !== undefined) {
    document.duration = Math.trunc(episode.duration);
  }
  // A start without an offset is left out rather than read in some zone.
  const start = episode.start === undefined
    ? null
    : parseOffsetTimestamp(episode.start);
  if (start !== null) document.start = formatUtcOffset(start);
  // As in the action record (record-schema.md §2 "as in §1"): the series
  // title stands on its own, the splits need the series id.
  if (episode.seriesTitle !== undefined) document.course = episode.seriesTitle;
  if (episode.series !== undefined) {
    const series = episode.series;
    document.series = series;
    const { year, term, crn } = splitSeries(series);
    document.year = year;
    document.term = term;
    document.crn = crn;
  }
  if (episode.dcType !== undefined) document.type = episode.dcType;
  if (episode.dcDescription !== undefined) {
    document.description = episode.dcDescription;
  }

  const presenter = episode.attachments.find((attachment) =>
    attachment.type === "presenter/player+preview"
  );
  if (presenter !== undefined) document.presenter_still = presenter.url;
  const presentation = episode.attachments.find((attachment) =>
    attachment.type === "presentation/player+preview"
  );
  if (presentation !== undefined) {
    document.presentation_still = presentation.url;
  }
  const slides: Slide[] = [];
  for (const attachment of episode.attachments) {
    if (attachment.type !== "presentation/segment+preview") continue;
    const time = attachment.ref?.match(TIME_IN_REF)?.[1];
    // A segment image without a time point cannot be placed; skip it.
    if (time === undefined) continue;
    slides.push({ img: attachment.url, time });
  }
  if (slides.length > 0) document.slides = slides;

  if (workflow !== null) {
    const capture = workflow.operations.find((op) => op.name === "capture");
    document.live_stream = capture === undefined ? 0 : 1;
    const liveStart = epochToUtc(capture?.started);
    if (liveStart !== undefined) document.live_start = liveStart;
    const liveEnd = epochToUtc(capture?.completed);
    if (liveEnd !== undefined) document.live_end = liveEnd;
    if (capture?.started !== undefined && capture.completed !== undefined) {
      document.live_duration = capture.completed - capture.started;
    }
    const retract = workflow.operations.find((op) =>
      op.name === "retract-element"
    );
    const available = epochToUtc(retract?.completed);
    if (available !== undefined) document.available = available;
  }
  return document;
}

/** Epoch milliseconds as `…+00:00`; `undefined` when absent or not a date. */
function epochToUtc(millis: number | undefined): string | undefined {
  if (millis === undefined) return undefined;
  const instant = instantFromEpochMillis(millis);
  return instant === null ? undefined : formatUtcOffset(instant);
}
