/**
 * The record record-schema.md §1 specifies for a simulator action, written
 * from the schema and the simulator's own data, not from `buildRecord`, so
 * an end-to-end test compares the harvester with the contract rather than
 * with itself.
 *
 * @module
 */
import type {
  SimAction,
  SimEpisode,
} from "../../src/simulate/start_simulator.ts";
import type { ViewerAction } from "../../src/record/viewer_action.ts";

/**
 * The record for one action and its episode (`undefined`: no episode, so
 * `episode: {}`).
 */
export function expectedRecord(
  action: SimAction,
  episode: SimEpisode | undefined,
): Record<string, unknown> {
  const chain = action.userIp.split(",").map((part) => part.trim());
  const record: Record<string, unknown> = {
    action_id: action.id,
    // Whole seconds in, so no fraction out; UTC written as +00:00.
    timestamp: action.created.toString({ smallestUnit: "second" }).replace(
      /Z$/,
      "+00:00",
    ),
    mpid: action.mediapackageId,
    session_id: action.sessionId,
    huid: action.userId,
    useragent: action.userAgent,
    action: {
      type: action.type,
      inpoint: action.inpoint,
      outpoint: action.outpoint,
      length: action.length,
      is_playing: action.isPlaying > 0,
    },
    ip: chain[0],
    is_live: action.isPlaying === 2 ? 1 : 0,
    episode: episode === undefined ? {} : expectedEpisode(episode),
  };
  chain.slice(1).forEach((proxy, index) => {
    record[`proxy${index + 1}`] = proxy;
  });
  return record;
}

function expectedEpisode(episode: SimEpisode): Record<string, unknown> {
  const fields: Record<string, unknown> = { title: episode.title };
  if (episode.duration !== undefined) fields.duration = episode.duration;
  // `mediapackage.start` as the server gives it (UTC seconds); without it,
  // `dcCreated` in UTC as YYYY-MM-DDTHH:mm:ssZ.
  fields.start = (episode.start ?? episode.created).toString({
    smallestUnit: "second",
  });
  if (episode.seriesTitle !== undefined) fields.course = episode.seriesTitle;
  if (episode.series !== undefined) {
    fields.series = episode.series;
    fields.year = episode.series.slice(0, 4);
    fields.term = episode.series.slice(4, 6);
    fields.cdn = episode.series.slice(6, 11);
  }
  if (episode.dcType !== undefined) fields.type = episode.dcType;
  if (episode.dcDescription !== undefined) {
    fields.description = episode.dcDescription;
  }
  return fields;
}

/**
 * The record record-schema.md §1a specifies for a Matomo action of the
 * simulator's ground truth (a viewer action made from what the simulator
 * generated, not from its JSON), with its episode (`undefined`: `{}`).
 */
export function expectedMatomoRecord(
  action: ViewerAction,
  episode: SimEpisode | undefined,
): Record<string, unknown> {
  return {
    action_id: action.id,
    timestamp: Temporal.Instant.from(action.created).toString({
      smallestUnit: "second",
    }).replace(/Z$/, "+00:00"),
    mpid: action.mediapackageId,
    session_id: action.sessionId,
    huid: action.userId,
    useragent: null,
    action: {
      type: action.type,
      inpoint: null,
      outpoint: action.outpoint,
      length: null,
      is_playing: null,
    },
    ip: action.userIp,
    is_live: 0,
    source: "matomo",
    episode: episode === undefined ? {} : expectedEpisode(episode),
  };
}
