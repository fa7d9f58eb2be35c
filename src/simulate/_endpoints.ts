/**
 * The simulated Opencast endpoints (DCE fork flavor, Opencast 5.x): pure
 * functions from query parameters and data to a status and a body. The
 * bodies are XML-like trees emitted through the Jettison rules.
 *
 * @module
 */
import type { ActionStore } from "./_action_store.ts";
import { formatServerDateTime } from "./_action_store.ts";
import type { SimAction, SimEpisode, SimWorkflow } from "./_generate.ts";
import { element, leaf, toJettisonJson, type XmlElement } from "./_jettison.ts";

/** What a handler answers. */
export interface SimResponse {
  /** HTTP status. */
  readonly status: number;
  /** Response body. */
  readonly body: string;
  /** Content type. */
  readonly contentType: string;
}

/** The data and settings the handlers read. */
export interface EndpointContext {
  /** The action table. */
  readonly store: ActionStore;
  /** Episodes by mediapackage id. */
  readonly episodes: ReadonlyMap<string, SimEpisode>;
  /** Episodes in creation order (ascending). */
  readonly episodesByCreation: readonly SimEpisode[];
  /** Workflows, ascending by id. */
  readonly workflows: readonly SimWorkflow[];
  /** Mediapackage ids whose search always answers 503. */
  readonly failingEpisodes: ReadonlySet<string>;
  /** The server JVM's default zone. */
  readonly timeZone: string;
}

const ORGANIZATION = "mh_default_org";

function json(root: XmlElement): SimResponse {
  return {
    status: 200,
    body: toJettisonJson(root),
    contentType: "application/json",
  };
}

function text(status: number, body: string): SimResponse {
  return { status, body, contentType: "text/plain" };
}

/** JAX-RS answers 404 when an `int` parameter does not parse. */
const NOT_FOUND = text(404, "Not Found");

/**
 * Reads an `int` query parameter as JAX-RS does: missing or empty is
 * `undefined`, a non-integer or out-of-range value is `null` (→ 404).
 */
function intParam(
  params: URLSearchParams,
  name: string,
): number | null | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^[+-]?[0-9]+$/.test(raw)) return null;
  const value = Number(raw);
  return value >= -2147483648 && value <= 2147483647 ? value : null;
}

/** A `YYYYMMDDHHmmss` wall-clock time in the server zone, as epoch seconds. */
function parseWallClock(raw: string, timeZone: string): number | null {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(raw);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  try {
    const zoned = Temporal.PlainDateTime.from(
      { year, month, day, hour, minute, second },
      { overflow: "reject" },
    ).toZonedDateTime(timeZone, { disambiguation: "compatible" });
    return Math.floor(zoned.epochMilliseconds / 1000);
  } catch {
    return null;
  }
}

function actionElement(action: SimAction): XmlElement {
  return element("action", undefined, [
    leaf("id", action.id),
    leaf("mediapackageId", action.mediapackageId),
    element("sessionId", undefined, [
      leaf("sessionId", action.sessionId),
      leaf("userId", action.userId),
      leaf("userIp", action.userIp),
      leaf("userAgent", action.userAgent),
    ]),
    leaf("inpoint", action.inpoint),
    leaf("outpoint", action.outpoint),
    leaf("length", action.length),
    leaf("type", action.type),
    leaf("isPlaying", action.isPlaying),
    leaf("created", action.createdText),
  ]);
}

/**
 * `GET /usertracking/actions.json` with the DCE `start`/`end` window: both
 * are wall-clock times in the server zone, the filter is inclusive at both
 * ends, rows come in `(created, id)` order and `total` counts the window.
 */
export function actionsResponse(
  params: URLSearchParams,
  context: EndpointContext,
): SimResponse {
  const limitParam = intParam(params, "limit");
  const offsetParam = intParam(params, "offset");
  if (limitParam === null || offsetParam === null) return NOT_FOUND;
  if ((limitParam ?? 0) < 0 || (offsetParam ?? 0) < 0) {
    return text(400, "Bad Request");
  }
  const limit = limitParam || 10;
  const offset = offsetParam ?? 0;
  let start: number | undefined;
  let end: number | undefined;
  for (const name of ["start", "end"] as const) {
    const raw = params.get(name);
    if (raw === null || raw === "") continue;
    const seconds = parseWallClock(raw, context.timeZone);
    if (seconds === null) {
      return text(400, `Bad Request: ${name} must be yyyyMMddHHmmss`);
    }
    if (name === "start") start = seconds;
    else end = seconds;
  }
  const [from, to] = context.store.window(start, end);
  const page = context.store.slice(
    Math.min(to, from + offset),
    Math.min(to, from + offset + limit),
  );
  return json(
    element(
      "actions",
      { total: to - from, offset, limit },
      page.map(actionElement),
    ),
  );
}

function solrEscape(value: string): string {
  return value.replace(/([+\-!(){}[\]^"~*?:\\/ ])/g, "\\$1");
}

function utcSeconds(instant: Temporal.Instant): string {
  return instant.toString({ smallestUnit: "second" });
}

/** The mediapackage element shared by search results and workflows. */
export function mediapackageElement(episode: SimEpisode): XmlElement {
  const [presenter, presentation] = episode.tracks;
  return element(
    "mediapackage",
    {
      id: episode.id,
      start: episode.start && utcSeconds(episode.start),
      duration: episode.duration,
    },
    [
      leaf("title", episode.title),
      leaf("series", episode.series),
      leaf("seriestitle", episode.seriesTitle),
      element("creators", undefined, [leaf("creator", episode.creator)]),
      element(
        "media",
        undefined,
        episode.tracks.map((track) =>
          element("track", { id: track.id, type: track.type }, [
            leaf("mimetype", "video/mp4"),
            element("tags", undefined, [
              leaf("tag", "engage"),
              track === presenter ? leaf("tag", "rtmp") : null,
            ]),
            leaf("url", track.url),
            element("checksum", { type: "md5" }, track.id.replaceAll("-", "")),
            leaf("duration", episode.duration),
            track === presentation ? leaf("live", "false") : null,
          ])
        ),
      ),
      element("metadata", undefined, [
        element("catalog", {
          id: `${episode.id}-dc`,
          type: "dublincore/episode",
        }, [
          leaf("mimetype", "text/xml"),
          element("tags", undefined, []),
          leaf("url", `https://cdn.example.edu/e/${episode.id}/episode.xml`),
        ]),
      ]),
      episode.attachments.length > 0 &&
      element(
        "attachments",
        undefined,
        episode.attachments.map((attachment) =>
          element(
            "attachment",
            { id: attachment.id, type: attachment.type, ref: attachment.ref },
            [
              leaf("mimetype", "image/jpeg"),
              element("tags", undefined, [leaf("tag", "engage")]),
              leaf("url", attachment.url),
            ],
          )
        ),
      ),
    ],
  );
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

/**
 * `GET /search/episode.json`, Solr era ≤ 7.3 plus the DCE parameters
 * `includeDeleted`, `createdFrom` and `createdTo`. A `limit` ≤ 0 or missing
 * means every row, and `limit` in the answer is the size of this page.
 */
export function searchResponse(
  params: URLSearchParams,
  context: EndpointContext,
): SimResponse {
  const id = params.get("id") || undefined;
  if (id !== undefined && context.failingEpisodes.has(id)) {
    return text(503, "Service Unavailable");
  }
  const limit = intParam(params, "limit");
  const offset = intParam(params, "offset");
  if (limit === null || offset === null) return NOT_FOUND;
  const createdFrom = parseInstant(params.get("createdFrom"));
  const createdTo = parseInstant(params.get("createdTo"));
  if (createdFrom === null || createdTo === null) {
    return text(400, "Bad Request: createdFrom and createdTo must be ISO 8601");
  }
  const includeDeleted = params.get("includeDeleted")?.toLowerCase() === "true";
  const seriesId = params.get("sid") || undefined;
  const sort = params.get("sort");
  let candidates: readonly SimEpisode[];
  if (id !== undefined) {
    const episode = context.episodes.get(id);
    candidates = episode ? [episode] : [];
  } else {
    candidates = context.episodesByCreation;
  }
  let matches = candidates.filter((episode) =>
    (includeDeleted || !episode.deleted) &&
    (seriesId === undefined || episode.series === seriesId) &&
    (!createdFrom ||
      Temporal.Instant.compare(episode.created, createdFrom) >= 0) &&
    (!createdTo || Temporal.Instant.compare(episode.created, createdTo) <= 0)
  );
  // Solr's default (and secondary) order is creation date, newest first.
  if (sort !== "DATE_CREATED") matches = [...matches].reverse();
  const first = Math.max(0, offset ?? 0);
  const page = limit !== undefined && limit > 0
    ? matches.slice(first, first + limit)
    : matches.slice(first);
  const query = [
    id !== undefined ? `(id:${solrEscape(id)})` : "*:*",
    seriesId !== undefined ? `dc_is_part_of:${solrEscape(seriesId)}` : null,
    createdFrom || createdTo
      ? `dc_created:[${createdFrom ? utcSeconds(createdFrom) : "*"} TO ${
        createdTo ? utcSeconds(createdTo) : "*"
      }]`
      : null,
    `oc_organization:${ORGANIZATION}`,
    "-oc_mediatype:Series",
    includeDeleted ? null : "-oc_deleted:[* TO *]",
  ].filter((part) => part !== null).join(" AND ");
  return json(
    element(
      "search-results",
      {
        total: matches.length,
        limit: page.length,
        offset: first,
        searchTime: 1 + (page.length % 5),
        query,
      },
      page.map((episode, index) =>
        resultElement(episode, first + index, context.timeZone)
      ),
    ),
  );
}

function workflowElement(
  workflow: SimWorkflow,
  episode: SimEpisode | undefined,
): XmlElement {
  return element("workflow", { id: workflow.id, state: workflow.state }, [
    leaf("template", workflow.template),
    leaf("title", workflow.title),
    episode
      ? mediapackageElement(episode)
      : element("mediapackage", { id: workflow.mediapackageId }, []),
    element(
      "operations",
      undefined,
      workflow.operations.map((op) =>
        element("operation", {
          id: op.name,
          state: op.state,
          description: op.description,
          "fail-on-error": true,
          "exception-handler-workflow": "DCE-error-handler",
          job: op.job,
        }, [
          leaf("started", op.started),
          leaf("completed", op.completed),
          op.started !== undefined ? leaf("time-in-queue", 0) : null,
        ])
      ),
    ),
    element("configurations", undefined, [
      element(
        "configuration",
        { key: "publishLive" },
        workflow.operations.some((op) => op.name === "capture"),
      ),
      element("configuration", { key: "archiveOp" }, "true"),
    ]),
  ]);
}

const WORKFLOW_STATES = new Set([
  "INSTANTIATED",
  "RUNNING",
  "STOPPED",
  "PAUSED",
  "SUCCEEDED",
  "FAILED",
  "FAILING",
]);

/**
 * `GET /workflow/instances.json` (≤ 11.x): filters `mp`, `state` (repeatable,
 * case-insensitive, `-` negates), `workflowdefinition`; `startPage` counts
 * pages of `count` (< 1 → 20); newest first unless `sort=DATE_CREATED`.
 */
export function workflowsResponse(
  params: URLSearchParams,
  context: EndpointContext,
): SimResponse {
  const countParam = intParam(params, "count");
  const startPageParam = intParam(params, "startPage");
  if (countParam === null || startPageParam === null) return NOT_FOUND;
  const count = countParam === undefined || countParam < 1 ? 20 : countParam;
  const startPage = Math.max(0, startPageParam ?? 0);
  const mediapackageId = params.get("mp") || undefined;
  const definition = params.get("workflowdefinition") || undefined;
  const wanted = new Set<string>();
  const unwanted = new Set<string>();
  for (const raw of params.getAll("state")) {
    const negated = raw.startsWith("-");
    const state = (negated ? raw.slice(1) : raw).toUpperCase();
    // Unknown states are dropped silently, as upstream does.
    if (!WORKFLOW_STATES.has(state)) continue;
    (negated ? unwanted : wanted).add(state);
  }
  let matches = context.workflows.filter((w) =>
    (mediapackageId === undefined || w.mediapackageId === mediapackageId) &&
    (definition === undefined || w.template === definition) &&
    (wanted.size === 0 || wanted.has(w.state)) &&
    !unwanted.has(w.state)
  );
  // Ids follow creation order, so id order is creation order.
  if (params.get("sort") !== "DATE_CREATED") matches = [...matches].reverse();
  const page = matches.slice(startPage * count, startPage * count + count);
  return json(
    element(
      "workflows",
      {
        startPage,
        count,
        searchTime: 1 + (page.length % 3),
        totalCount: matches.length,
      },
      page.map((workflow) =>
        workflowElement(workflow, context.episodes.get(workflow.mediapackageId))
      ),
    ),
  );
}

/** `GET /info/components.json`: plain JSON (not JAXB), anonymous upstream. */
export function componentsResponse(baseUrl: string): SimResponse {
  return {
    status: 200,
    contentType: "application/json",
    body: JSON.stringify({
      admin: baseUrl,
      engage: baseUrl,
      version: "5.0.0-SNAPSHOT",
      rest: [
        {
          path: "/usertracking",
          version: "1.0",
          description: "User Tracking Service",
        },
        { path: "/search", version: "1.0", description: "Search Service" },
        { path: "/workflow", version: "1.0", description: "Workflow Service" },
      ],
    }),
  };
}
