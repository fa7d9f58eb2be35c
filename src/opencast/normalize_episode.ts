/**
 * Turns one result of `/search/episode.json` into an {@linkcode Episode}.
 *
 * @module
 */
import { ApiContractError } from "../errors.ts";
import type { Attachment, Episode } from "./types.ts";
import {
  asList,
  asNumber,
  asObject,
  asString,
  isObject,
  type JsonObject,
} from "./_jettison.ts";

/**
 * Normalizes a search result of either era. Solr era (≤ OC 15): the Dublin
 * Core fields are `dcCreated`, `dcIsPartOf`… on the result, counters may be
 * strings and the series a number. OC 16: Dublin Core sits in `dc` as lists
 * of strings, and the mediapackage went through Gson, so its numbers are
 * doubles (`5318000.0`, series `2.0160112345E10`); the series is then read
 * from `dc.isPartOf[0]`, which kept its text. Both eras carry `modified`,
 * the time the search index last changed the episode.
 *
 * @example Usage
 * ```ts
 * normalizeEpisode({ id: "mp-1", mediapackage: { id: "mp-1", duration: "5318000" } });
 * // { id: "mp-1", duration: 5318000, attachments: [] }
 * ```
 *
 * @param endpoint The endpoint named in error messages.
 * @throws {ApiContractError} When the result is not an object or has no id.
 */
export function normalizeEpisode(
  raw: unknown,
  endpoint = "/search/episode.json",
): Episode {
  if (!isObject(raw)) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered a result that is not an object`,
    );
  }
  const mediapackage = asObject(raw["mediapackage"]) ?? {};
  const dc = asObject(raw["dc"]);
  const id = asString(mediapackage["id"]) ?? asString(raw["id"]) ??
    (dc ? firstOf(dc, "identifier") : undefined);
  if (id === undefined) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered a result without a mediapackage id`,
    );
  }
  const duration = asNumber(mediapackage["duration"]) ??
    positive(asNumber(raw["dcExtent"]));
  const episode: {
    -readonly [K in keyof Episode]: Episode[K];
  } = { id, attachments: attachments(mediapackage) };
  setIfDefined(
    episode,
    "title",
    asString(mediapackage["title"]) ??
      (dc ? firstOf(dc, "title") : asString(raw["dcTitle"])),
  );
  setIfDefined(
    episode,
    "duration",
    duration === undefined ? undefined : Math.round(duration),
  );
  setIfDefined(episode, "start", asString(mediapackage["start"]));
  setIfDefined(episode, "seriesTitle", asString(mediapackage["seriestitle"]));
  setIfDefined(
    episode,
    "series",
    dc
      ? firstOf(dc, "isPartOf") ?? seriesNumberText(mediapackage["series"])
      : asString(mediapackage["series"]) ?? asString(raw["dcIsPartOf"]),
  );
  setIfDefined(
    episode,
    "dcCreated",
    dc ? firstOf(dc, "created") : asString(raw["dcCreated"]),
  );
  setIfDefined(episode, "modified", asString(raw["modified"]));
  setIfDefined(
    episode,
    "dcType",
    dc ? firstOf(dc, "type") : asString(raw["dcType"]),
  );
  setIfDefined(
    episode,
    "dcDescription",
    dc ? firstOf(dc, "description") : asString(raw["dcDescription"]),
  );
  return episode;
}

function attachments(mediapackage: JsonObject): Attachment[] {
  const wrapper = asObject(mediapackage["attachments"]);
  if (!wrapper) return [];
  const result: Attachment[] = [];
  for (const item of asList(wrapper["attachment"])) {
    if (!isObject(item)) continue;
    const type = asString(item["type"]);
    const url = asString(item["url"]);
    // An attachment without a flavor or URL is of no use to anyone reading it.
    if (type === undefined || url === undefined) continue;
    result.push({ type, url, ref: asString(item["ref"]) ?? null });
  }
  return result;
}

/** The first string of an OC 16 Dublin Core list (or a lone value). */
function firstOf(dc: JsonObject, term: string): string | undefined {
  return asString(asList(dc[term])[0]);
}

/** A series Gson turned into a double is only trusted when it is whole. */
function seriesNumberText(value: unknown): string | undefined {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    return undefined;
  }
  return asString(value);
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value >= 0 ? value : undefined;
}

function setIfDefined<K extends keyof Episode>(
  target: { -readonly [P in keyof Episode]: Episode[P] },
  key: K,
  value: Episode[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}
