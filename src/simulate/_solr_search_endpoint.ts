/**
 * The simulated Solr-era `GET /search/episode.json` (Opencast ≤ 15 and the
 * DCE fork, opencast-api.md §4.1), with each era's `limit` rules and the
 * DCE-only `includeDeleted`/`createdFrom`/`createdTo`.
 *
 * @module
 */
import { formatServerDateTime } from "./_action_store.ts";
import {
  type EndpointContext,
  intParam,
  jaxbJson,
  mediapackageElement,
  NOT_FOUND,
  ORGANIZATION,
  type SimResponse,
  textResponse,
  utcSeconds,
} from "./_endpoints.ts";
import type { SimEpisode } from "./_generate.ts";
import { element, leaf, type XmlElement } from "./_jettison.ts";

function solrEscape(value: string): string {
  return value.replace(/([+\-!(){}[\]^"~*?:\\/ ])/g, "\\$1");
}

function resultElement(
  episode: SimEpisode,
  index: number,
  timeZone: string,
): XmlElement {
  const date = (instant: Temporal.Instant) =>
    formatServerDateTime(instant, timeZone);
  return element("result", { id: episode.id, org: ORGANIZATION }, [
    mediapackageElement(episode),
    leaf("dcExtent", episode.duration ?? -1),
    leaf("dcTitle", episode.title),
    leaf("dcCreator", episode.creator),
    leaf("dcDescription", episode.dcDescription),
    leaf("dcCreated", date(episode.created)),
    leaf("dcIsPartOf", episode.series),
    leaf("dcType", episode.dcType),
    leaf("mediaType", "AudioVisual"),
    element("keywords", undefined, []),
    leaf("modified", date(episode.modified)),
    leaf("deleted", episode.deleted && date(episode.deleted)),
    leaf("score", `${7 - (index % 4)}.25`),
    leaf(
      "ocMediapackage",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><mediapackage xmlns="http://mediapackage.opencastproject.org" id="${episode.id}"/>`,
    ),
  ]);
}

function parseInstant(raw: string | null): Temporal.Instant | null | undefined {
  if (raw === null || raw === "") return undefined;
  try {
    return Temporal.Instant.from(raw);
  } catch {
    return null;
  }
}

type SortValue = (
  episode: SimEpisode,
  rank: number,
) => string | number | undefined;

/** The `sort` names of `SearchQuery.Sort`, as of the flavor's version. */
function sortKeys(modifiedName: string): Map<string, SortValue> {
  return new Map<string, SortValue>([
    // Creation rank: creation time, ties in a stable order.
    ["DATE_CREATED", (_, rank) => rank],
    [modifiedName, (e) => e.modified.epochMilliseconds],
    ["TITLE", (e) => e.title],
    ["SERIES_ID", (e) => e.series],
    ["MEDIA_PACKAGE_ID", (e) => e.id],
    ["CREATOR", (e) => e.creator],
    ["CONTRIBUTOR", () => undefined],
    ["LANGUAGE", () => undefined],
    ["LICENSE", () => undefined],
    ["SUBJECT", () => undefined],
    ["DESCRIPTION", (e) => e.dcDescription],
    ["PUBLISHER", () => undefined],
  ]);
}

function compareValues(
  a: string | number | undefined,
  b: string | number | undefined,
): number {
  if (a === b) return 0;
  if (a === undefined) return 1; // missing values last
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

/**
 * Orders by `sort` (a `SearchQuery.Sort` name, `_DESC` for descending;
 * case-sensitive; unknown names ignored), then always by creation date
 * descending, as Solr does.
 */
function sortEpisodes(
  episodes: readonly SimEpisode[],
  sort: string | null,
  context: EndpointContext,
): SimEpisode[] {
  const rank = new Map(context.episodesByCreation.map((e, i) => [e, i]));
  const keys = sortKeys(
    context.flavor === "dce" ? "DATE_PUBLISHED" : "DATE_MODIFIED",
  );
  const descending = sort?.endsWith("_DESC") ?? false;
  const primary = sort
    ? keys.get(descending ? sort.slice(0, -5) : sort)
    : undefined;
  const sign = descending ? -1 : 1;
  return [...episodes].sort((a, b) => {
    const ra = rank.get(a)!;
    const rb = rank.get(b)!;
    if (primary) {
      const first = compareValues(primary(a, ra), primary(b, rb));
      if (first !== 0) {
        const missing = primary(a, ra) === undefined ||
          primary(b, rb) === undefined;
        return missing ? first : sign * first;
      }
    }
    return rb - ra;
  });
}

/** The page size and the `limit` the answer shows, by era (§4.1). */
function pageSize(
  limit: number | undefined,
  context: EndpointContext,
): { size: number; echo?: number } {
  switch (context.traits.search) {
    case "solr-7.3": // ≤ 7.3: no limit means every row
      return { size: limit !== undefined && limit > 0 ? limit : Infinity };
    case "solr-10": // 7.4 – 10.x
      return {
        size: limit !== undefined && limit > 0 ? Math.min(limit, 2000) : 2000,
      };
    default: { // 11.11 – 15.x (callers are not admins)
      const size = limit === undefined || limit === 0
        ? 100
        : limit < 0
        ? 2000
        : Math.min(limit, 2000);
      return { size, echo: size };
    }
  }
}

function matchesText(episode: SimEpisode, q: string): boolean {
  const needle = q.toLowerCase();
  return [
    episode.title,
    episode.creator,
    episode.seriesTitle,
    episode.dcDescription,
  ]
    .some((field) => field?.toLowerCase().includes(needle));
}

/**
 * `GET /search/episode.json`, Solr era. Deleted episodes are excluded
 * unless the DCE fork is asked for them with `includeDeleted=true`.
 */
export function solrSearchResponse(
  params: URLSearchParams,
  context: EndpointContext,
): SimResponse {
  const id = params.get("id") || undefined;
  if (id !== undefined && context.failingEpisodes.has(id)) {
    return textResponse(503, "Service Unavailable");
  }
  const limit = intParam(params, "limit");
  const offset = intParam(params, "offset");
  if (limit === null || offset === null) return NOT_FOUND;
  const dce = context.traits.dceSearch;
  const createdFrom = dce ? parseInstant(params.get("createdFrom")) : undefined;
  const createdTo = dce ? parseInstant(params.get("createdTo")) : undefined;
  if (createdFrom === null || createdTo === null) {
    return textResponse(
      400,
      "Bad Request: createdFrom and createdTo must be ISO 8601",
    );
  }
  const includeDeleted = dce &&
    params.get("includeDeleted")?.toLowerCase() === "true";
  const seriesId = params.get("sid") || undefined;
  // `sname` arrived in 9.0; the DCE fork (5.x) ignores it.
  const seriesName = dce ? undefined : params.get("sname") || undefined;
  if (seriesId !== undefined && seriesName !== undefined) {
    return textResponse(400, "Bad Request: sid and sname are exclusive");
  }
  const q = params.get("q") || undefined;
  let candidates: readonly SimEpisode[];
  if (id !== undefined) {
    const episode = context.episodes.get(id);
    candidates = episode ? [episode] : [];
  } else {
    candidates = context.episodesByCreation;
  }
  const matches = sortEpisodes(
    candidates.filter((episode) =>
      (includeDeleted || !episode.deleted) &&
      (seriesId === undefined || episode.series === seriesId) &&
      (seriesName === undefined || episode.seriesTitle === seriesName) &&
      (q === undefined || matchesText(episode, q)) &&
      (!createdFrom ||
        Temporal.Instant.compare(episode.created, createdFrom) >= 0) &&
      (!createdTo || Temporal.Instant.compare(episode.created, createdTo) <= 0)
    ),
    params.get("sort"),
    context,
  );
  const first = Math.max(0, offset ?? 0);
  const { size, echo } = pageSize(limit, context);
  const page = matches.slice(first, first + size);
  const query = [
    id !== undefined
      ? `(id:${solrEscape(id)})`
      : q
      ? `(${solrEscape(q)})`
      : "*:*",
    seriesId !== undefined ? `dc_is_part_of:${solrEscape(seriesId)}` : null,
    seriesName !== undefined
      ? `s_dc_title_sum:${solrEscape(seriesName)}`
      : null,
    createdFrom || createdTo
      ? `dc_created:[${createdFrom ? utcSeconds(createdFrom) : "*"} TO ${
        createdTo ? utcSeconds(createdTo) : "*"
      }]`
      : null,
    `oc_organization:${ORGANIZATION}`,
    "-oc_mediatype:Series",
    includeDeleted ? null : "-oc_deleted:[* TO *]",
  ].filter((part) => part !== null).join(" AND ");
  return jaxbJson(
    element(
      "search-results",
      {
        total: matches.length,
        limit: echo ?? page.length,
        offset: first,
        searchTime: 1 + (page.length % 5),
        query,
      },
      page.map((episode, index) =>
        resultElement(episode, first + index, context.timeZone)
      ),
    ),
    context,
  );
}
