/**
 * What the simulated Opencast endpoints share: the context they read, the
 * response helpers, JAX-RS parameter parsing, the mediapackage element and
 * `/info/components.json`. The endpoints are pure functions from query
 * parameters and data to a status and a body; JAXB bodies are XML-like trees
 * emitted through the one Jettison serializer with the flavor's typing.
 *
 * @module
 */
import type { ActionStore } from "./_action_store.ts";
import type { ActionOrder, FlavorTraits, SimulatorFlavor } from "./_flavor.ts";
import type { SimEpisode, SimWorkflow } from "./_generate.ts";
import { element, leaf, toJettisonJson, type XmlElement } from "./_jettison.ts";

/** What a handler answers. */
export interface SimResponse {
  /** HTTP status. */
  readonly status: number;
  /** Response body (empty for 204). */
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
  /** Episodes in generation (index) order. */
  readonly episodeList: readonly SimEpisode[];
  /** Episodes in creation order (ascending). */
  readonly episodesByCreation: readonly SimEpisode[];
  /** Workflows, ascending by id. */
  readonly workflows: readonly SimWorkflow[];
  /** Mediapackage ids whose search always answers 503. */
  readonly failingEpisodes: ReadonlySet<string>;
  /** The server JVM's default zone. */
  readonly timeZone: string;
  /** Which Opencast is played. */
  readonly flavor: SimulatorFlavor;
  /** What that flavor does. */
  readonly traits: FlavorTraits;
  /** Row order of usertracking lists. */
  readonly order: ActionOrder;
  /** Pinned seconds (and fraction) of the `day` window; else the clock's. */
  readonly daySeconds?: number;
  /** Whether the usertracking service is there (else 404). */
  readonly usertracking: boolean;
}

/** The organization every item belongs to. */
export const ORGANIZATION = "mh_default_org";

/** A JAXB answer: the tree through Jettison with the flavor's typing. */
export function jaxbJson(
  root: XmlElement,
  context: EndpointContext,
): SimResponse {
  return {
    status: 200,
    body: toJettisonJson(root, { typing: context.traits.typing }),
    contentType: "application/json",
  };
}

/** A plain-text answer. */
export function textResponse(status: number, body: string): SimResponse {
  return { status, body, contentType: "text/plain" };
}

/** JAX-RS answers 404 when an `int` parameter does not parse. */
export const NOT_FOUND: SimResponse = textResponse(404, "Not Found");

/**
 * Reads an `int` query parameter as JAX-RS does: missing or empty is
 * `undefined`, a non-integer or out-of-range value is `null` (→ 404).
 */
export function intParam(
  params: URLSearchParams,
  name: string,
): number | null | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^[+-]?[0-9]+$/.test(raw)) return null;
  const value = Number(raw);
  return value >= -2147483648 && value <= 2147483647 ? value : null;
}

/** An instant as `YYYY-MM-DDTHH:MM:SSZ`. */
export function utcSeconds(instant: Temporal.Instant): string {
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

/** `GET /info/components.json`: plain JSON (not JAXB), anonymous upstream. */
export function componentsResponse(
  baseUrl: string,
  context: EndpointContext,
): SimResponse {
  return {
    status: 200,
    contentType: "application/json",
    body: JSON.stringify({
      admin: baseUrl,
      engage: baseUrl,
      version: context.traits.version,
      rest: [
        context.usertracking && {
          path: "/usertracking",
          version: "1.0",
          description: "User Tracking Service",
        },
        { path: "/search", version: "1.0", description: "Search Service" },
        { path: "/workflow", version: "1.0", description: "Workflow Service" },
      ].filter(Boolean),
    }),
  };
}
