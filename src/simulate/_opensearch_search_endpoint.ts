/**
 * The simulated OpenSearch-era `GET /search/episode.json` (Opencast 16+,
 * opencast-api.md §4.2): no wrapper, `result` always a list, Dublin Core
 * terms as string lists, the mediapackage with every number a Java double.
 *
 * @module
 */
import {
  type EndpointContext,
  mediapackageElement,
  ORGANIZATION,
  type SimResponse,
  textResponse,
} from "./_endpoints.ts";
import type { SimEpisode } from "./_generate.ts";
import { toGsonJson } from "./_gson_json.ts";
import { jettisonValue } from "./_jettison.ts";

/** The largest `limit` a non-admin may ask for. */
const MAX_LIMIT = 250;

const SORT = /^(title|contributor|creator|modified)(?:\s+(asc|desc))?$/i;

type SortValue = (episode: SimEpisode) => string | number | undefined;

const SORT_VALUES: Readonly<Record<string, SortValue>> = {
  title: (e) => e.title,
  contributor: () => undefined,
  creator: (e) => e.creator,
  modified: (e) => e.modified.epochMilliseconds,
};

/** A number parameter read leniently: anything but an integer is the default. */
function lenientInt(raw: string | null, fallback: number): number {
  if (raw === null || !/^[+-]?[0-9]+$/.test(raw.trim())) return fallback;
  return Number(raw.trim());
}

function utcMillis(instant: Temporal.Instant): string {
  return instant.toString({ fractionalSecondDigits: 3 });
}

function utcSecondsZ(instant: Temporal.Instant): string {
  return instant.toString({ smallestUnit: "second" });
}

function dublinCore(episode: SimEpisode): Record<string, string[]> {
  const dc: Record<string, string[]> = {
    identifier: [episode.id],
    title: [episode.title],
    creator: [episode.creator],
    created: [utcSecondsZ(episode.created)],
  };
  if (episode.series !== undefined) dc.isPartOf = [episode.series];
  if (episode.dcDescription !== undefined) {
    dc.description = [episode.dcDescription];
  }
  if (episode.dcType !== undefined) dc.type = [episode.dcType];
  return dc;
}

function item(episode: SimEpisode): string {
  // Jettison's coerced output read back by Gson: numbers become doubles.
  const mediapackage = jettisonValue(mediapackageElement(episode), {
    typing: "coerced",
  });
  return `{"mediapackage":${toGsonJson(mediapackage)},"dc":${
    JSON.stringify(dublinCore(episode))
  },"acl":${
    JSON.stringify([
      { action: "read", role: "ROLE_ANONYMOUS", allow: true },
      { action: "write", role: "ROLE_ADMIN", allow: true },
    ])
  },"org":${JSON.stringify(ORGANIZATION)},"type":"Episode","modified":${
    JSON.stringify(utcMillis(episode.modified))
  }}`;
}

/**
 * `GET /search/episode.json` on Opencast 16+: `id`, `q`, `sid`, `sname`,
 * `sort` (`title|contributor|creator|modified`, optionally ` asc`/` desc`,
 * any case; else 400 `Invalid sort parameter`), `limit` (default 20, over
 * 250 or negative → 400, 0 → no items), `offset`. Deleted episodes are never
 * returned; other parameters are ignored.
 */
export function openSearchResponse(
  params: URLSearchParams,
  context: EndpointContext,
): SimResponse {
  const id = params.get("id") || undefined;
  if (id !== undefined && context.failingEpisodes.has(id)) {
    return textResponse(503, "Service Unavailable");
  }
  const limit = lenientInt(params.get("limit"), 20);
  const offset = lenientInt(params.get("offset"), 0);
  if (limit < 0 || limit > MAX_LIMIT) {
    return textResponse(
      400,
      `Invalid limit parameter: at most ${MAX_LIMIT} items per request`,
    );
  }
  if (offset < 0) return textResponse(400, "Invalid offset parameter");
  const sortParam = params.get("sort")?.trim() || undefined;
  let sortValue: SortValue | undefined;
  let descending = false;
  if (sortParam !== undefined) {
    const match = SORT.exec(sortParam);
    if (!match) return textResponse(400, "Invalid sort parameter");
    sortValue = SORT_VALUES[match[1]!.toLowerCase()];
    descending = match[2]?.toLowerCase() === "desc";
  }
  const seriesId = params.get("sid") || undefined;
  const seriesName = params.get("sname") || undefined;
  if (seriesId !== undefined && seriesName !== undefined) {
    return textResponse(400, "Invalid parameters: use either sid or sname");
  }
  const q = params.get("q")?.toLowerCase() || undefined;
  const candidates = id !== undefined
    ? [context.episodes.get(id)].filter((e) => e !== undefined)
    : context.episodeList;
  let matches = candidates.filter((episode) =>
    !episode.deleted &&
    (seriesId === undefined || episode.series === seriesId) &&
    (seriesName === undefined || episode.seriesTitle === seriesName) &&
    (q === undefined ||
      [episode.title, episode.creator, episode.seriesTitle]
        .some((field) => field?.toLowerCase().includes(q)))
  );
  if (sortValue) {
    const value = sortValue;
    const sign = descending ? -1 : 1;
    // Stable: ties keep index order; missing values go last.
    matches = [...matches].sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va === vb) return 0;
      if (va === undefined) return 1;
      if (vb === undefined) return -1;
      return sign * (va < vb ? -1 : 1);
    });
  }
  const page = matches.slice(offset, offset + limit);
  return {
    status: 200,
    contentType: "application/json",
    body:
      `{"offset":${offset},"total":${matches.length},"limit":${limit},"result":[${
        page.map(item).join(",")
      }]}`,
  };
}
