/**
 * Opens the Matomo source: reads the site (its zone) and its custom
 * dimensions once, and asks for the oldest visit, which also tells at once
 * whether the visits log is on, before anything downstream is opened.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { ApiContractError } from "../../errors.ts";
import { caHttpClient } from "../../tls/ca_http_client.ts";
import type { ActionSource } from "../action_source.ts";
import { type Clock, SYSTEM_CLOCK } from "../../util/clock.ts";
import {
  chooseEpisodeDimension,
  type EpisodeDimension,
} from "./choose_episode_dimension.ts";
import { MatomoClient, type MatomoFetch } from "./matomo_client.ts";
import type { MatomoCustomDimension } from "./matomo_types.ts";
import { createMatomoSource } from "./matomo_source.ts";
import { siteTimeZone } from "./site_time.ts";

/** The settings the Matomo source reads (resolved by the harvest's settings). */
export interface MatomoSourceSettings {
  /** `MATOMO_URL`: Matomo's base URL. */
  readonly url: string;
  /** `MATOMO_TOKEN_AUTH`: only ever in a POST body. */
  readonly tokenAuth: string;
  /** `MATOMO_SITE_ID`. */
  readonly siteId: number;
  /** `MATOMO_EPISODE_DIMENSION`: an id or name; unset to choose by name. */
  readonly episodeDimension?: string;
  /** `--matomo-overlap`: how far back each run reads again, minutes. */
  readonly overlapMinutes: number;
  /** `--matomo-timeout`: one attempt, ms. @default `DEFAULT_MATOMO_TIMEOUT_SECONDS` */
  readonly timeoutMs?: number;
  /** `--matomo-max-attempts`. @default `DEFAULT_MATOMO_MAX_ATTEMPTS` */
  readonly maxAttempts?: number;
  /**
   * `UA_HARVEST_CA_CERT` (`--ca-cert`): a private CA's PEM bundle, trusted
   * besides the system's. @default the system's CAs only
   */
  readonly caCertPath?: string;
}

/** Options for {@linkcode openMatomoSource}. */
export interface OpenMatomoSourceOptions {
  /** Pause between list pages (`--wait`), seconds. @default 0 */
  readonly waitSeconds?: number;
  /** Cuts every request short (the run lost its lock). */
  readonly signal?: AbortSignal;
  /**
   * The HTTP client to send every request with (a proxy, say).
   * @default the one of `caCertPath` (`caHttpClient()`), else Deno's own
   */
  readonly httpClient?: Deno.HttpClient;
  /** @default globalThis.fetch */
  readonly fetch?: MatomoFetch;
  /**
   * The pauses: `--wait` between list pages, the waits between attempts.
   * @default SYSTEM_CLOCK
   */
  readonly clock?: Clock;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * Connects to Matomo and reads what the run needs once: the site's zone,
 * the episode dimension, the oldest visit. A refused token, a switched-off
 * visits log or an unreachable Matomo fail here, with nothing sent or saved.
 *
 * @throws {AuthenticationError} For a refused token or no access to the site.
 * @throws {ApiContractError} For a visits log that is off, or an answer that
 * is not Matomo's JSON.
 * @throws {UnreachableError} When Matomo does not answer.
 * @throws {ConfigError} For a bad `MATOMO_URL` or `MATOMO_EPISODE_DIMENSION`.
 */
export async function openMatomoSource(
  settings: MatomoSourceSettings,
  options: OpenMatomoSourceOptions = {},
): Promise<ActionSource> {
  const { clock = SYSTEM_CLOCK } = options;
  const client = new MatomoClient({
    url: settings.url,
    tokenAuth: settings.tokenAuth,
    timeoutMs: settings.timeoutMs,
    maxAttempts: settings.maxAttempts,
    signal: options.signal,
    httpClient: options.httpClient ?? caHttpClient(settings.caCertPath),
    fetch: options.fetch,
    sleep: (ms, signal) => clock.sleep(ms, signal),
  });
  const idSite = settings.siteId;
  const site = await client.site(idSite);
  const timeZone = siteTimeZone(site.timezone);
  const dimension = chooseEpisodeDimension(
    await customDimensions(client, idSite),
    settings.episodeDimension,
  );
  const [oldestVisit = null] = await client.lastVisits({
    idSite,
    limit: 1,
    ascending: true,
    withoutActions: true,
  });
  const host = `${client.apiUrl.host}${
    client.apiUrl.pathname.replace(/\/index\.php$/, "")
  }`;
  logger.info(
    "Matomo site {idSite} {siteName} in {timeZone} at {host}: {episodes}",
    {
      idSite,
      siteName: JSON.stringify(site.name),
      timeZone,
      host,
      episodes: describeDimension(dimension),
      episodeDimension: dimension?.id ?? null,
    },
  );
  return createMatomoSource({
    lastVisits: (query) => client.lastVisits(query),
    requests: () => client.stats.requests,
    idSite,
    timeZone,
    episodeDimension: dimension?.id ?? null,
    overlapSeconds: settings.overlapMinutes * 60,
    oldestVisit,
    host,
    waitMs: (options.waitSeconds ?? 0) * 1000,
    sleep: (ms, signal) => clock.sleep(ms, signal),
  });
}

/**
 * The site's custom dimensions; none when Matomo has no CustomDimensions
 * plugin (the method does not exist there): episodes then come from the
 * player URLs and event names.
 */
async function customDimensions(
  client: MatomoClient,
  idSite: number,
): Promise<MatomoCustomDimension[]> {
  try {
    return await client.customDimensions(idSite);
  } catch (error) {
    if (
      error instanceof ApiContractError &&
      /does not exist|not activated|CustomDimensions/i.test(error.message) &&
      /with an error/.test(error.message)
    ) {
      logger.debug("Matomo has no custom dimensions: {reason}", {
        reason: error.message,
      });
      return [];
    }
    throw error;
  }
}

function describeDimension(dimension: EpisodeDimension | null): string {
  if (dimension === null) {
    return "episodes from player page URLs (id=) and event names (no episode custom dimension)";
  }
  return `episodes from custom dimension ${dimension.id} ${
    JSON.stringify(dimension.name)
  } (${
    dimension.chosenBy === "setting"
      ? "MATOMO_EPISODE_DIMENSION"
      : "found by its name"
  }), else player page URLs and event names`;
}
