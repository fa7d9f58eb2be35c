/**
 * The JSON text of a record, as every sink that sends text (stdout, file,
 * SQS) writes it.
 *
 * @module
 */
import type { ActionRecord, EpisodeFields } from "./action_record.ts";

// The records of one episode share one `episode` object (see
// buildEpisodeFields), so its JSON is made once per episode, not per action.
const encodedEpisodes = new WeakMap<EpisodeFields, string>();

/**
 * Encodes a record as `JSON.stringify` does, key for key, with the `episode`
 * part (its last key, and about a third of the text) encoded once per
 * episode and reused.
 *
 * @example Usage
 * ```ts
 * const line = encodeRecord(record) + "\n";
 * ```
 */
export function encodeRecord(record: ActionRecord): string {
  const { episode } = record;
  let json = encodedEpisodes.get(episode);
  if (json === undefined) {
    json = JSON.stringify(episode);
    encodedEpisodes.set(episode, json);
  }
  // `episode` stays the last key with a one-character stand-in: cut
  // `0}` and put the episode's JSON in its place.
  const head = JSON.stringify({ ...record, episode: 0 });
  return `${head.slice(0, -2)}${json}}`;
}
