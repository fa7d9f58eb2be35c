/**
 * Which episode search an engage node speaks, decided once per run.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { fetchOpencastVersion } from "./fetch_opencast_version.ts";
import { normalizeEpisodePage } from "./normalize_episode_page.ts";
import type { OpencastClient } from "./opencast_client.ts";
import type { SearchFormat } from "./types.ts";

const logger = getLogger(["ua-harvest", "opencast"]);

/** What `load_episodes` may ask of an engage node's search. */
export interface SearchApi {
  /** The request and response format: Solr era (≤ OC 15, DCE) or OC 16+. */
  readonly format: SearchFormat;
  /**
   * Send the DCE fork's `createdFrom`, `createdTo` and `includeDeleted`
   * (Solr era only). Upstream ignores them, so sending them is harmless.
   */
  readonly dceParameters: boolean;
  /**
   * The server is known to apply those parameters (`--opencast-api dce`), so
   * an episode without a creation date in a window answer is in the window.
   */
  readonly dceTrusted: boolean;
  /** The version `/info/components.json` reported, when it did. */
  readonly version?: string;
}

/** Options of {@linkcode detectSearchApi}. */
export interface DetectSearchApiOptions {
  /**
   * `--opencast-api`: `auto` detects; `dce` takes the Harvard DCE fork's
   * Solr-era search with its window parameters on trust, asking nothing;
   * `upstream` detects the era but never sends the DCE parameters.
   *
   * @default "auto"
   */
  readonly mode?: "auto" | "dce" | "upstream";
}

/**
 * Decides the search variant: from `/info/components.json`'s `version`
 * (16 or later means the OpenSearch format), or, when the node does not
 * report one, from the shape of a one-episode search (`search-results`
 * wrapper or the OC 16 list). Logs the result once at info level; callers
 * cache it for the run.
 *
 * @example Usage
 * ```ts
 * const api = await detectSearchApi(engage); // { format: "opensearch", dceParameters: false, … }
 * ```
 *
 * @throws {UnreachableError | AuthenticationError | ApiContractError} When
 * the probe search fails.
 */
export async function detectSearchApi(
  client: OpencastClient,
  options: DetectSearchApiOptions = {},
): Promise<SearchApi> {
  const { mode = "auto" } = options;
  if (mode === "dce") {
    logger.info(
      "Opencast search: DCE fork (--opencast-api dce), sorted by creation date with createdFrom/createdTo/includeDeleted trusted",
    );
    return { format: "solr", dceParameters: true, dceTrusted: true };
  }
  const version = await fetchOpencastVersion(client);
  const major = version === undefined ? undefined : majorVersion(version);
  let format: SearchFormat;
  let how: string;
  if (major !== undefined) {
    format = major >= 16 ? "opensearch" : "solr";
    how = `version ${version} from /info/components.json`;
  } else {
    // Valid on every version: no sort, a small explicit limit.
    const raw = await client.getJson("/search/episode.json", {
      limit: 1,
      offset: 0,
    });
    format = normalizeEpisodePage(raw).format;
    how = `search response shape; ${
      version === undefined
        ? "no version"
        : `version ${JSON.stringify(version)}`
    } from /info/components.json`;
  }
  const dceParameters = format === "solr" && mode === "auto";
  const api: SearchApi = {
    format,
    dceParameters,
    dceTrusted: false,
    ...(version === undefined ? {} : { version }),
  };
  logger.info(
    format === "opensearch"
      ? "Opencast search: OC 16+ (OpenSearch; {how}), sorted by modified, deleted episodes not listed"
      : dceParameters
      ? "Opencast search: Solr era ≤ OC 15 ({how}), sorted by creation date; DCE createdFrom/createdTo/includeDeleted sent but not relied on"
      : "Opencast search: Solr era ≤ OC 15 ({how}), sorted by creation date; DCE parameters not sent (--opencast-api upstream)",
    { how, format, version },
  );
  return api;
}

/** The major version of `16.3`, `5.0.0-SNAPSHOT`, `DCE/5.0.0-1.8.0`. */
function majorVersion(version: string): number | undefined {
  const match = /(\d+)\.\d+/.exec(version);
  return match === null ? undefined : Number(match[1]);
}
