/**
 * Which action source a harvest reads, chosen from its settings in this one
 * place (as `openSink()` chooses the sink): the harvest never branches on the
 * source it has. Opencast's usertracking by default; Matomo with
 * `--source matomo`.
 *
 * @module
 */
import type { OpencastClient } from "../opencast/opencast_client.ts";
import type { ActionSource } from "./action_source.ts";
import type { Clock } from "../util/clock.ts";
import { OPENCAST_SOURCE } from "./opencast/opencast_source.ts";
import {
  type OpencastSourceSettings,
  openOpencastSource,
} from "./opencast/open_opencast_source.ts";
import { MATOMO_SOURCE } from "./matomo/matomo_source.ts";
import {
  type MatomoSourceSettings,
  openMatomoSource,
} from "./matomo/open_matomo_source.ts";

/** The settings the action sources read. */
export interface ActionSourceSettings extends OpencastSourceSettings {
  /** Which source (`--source`, `HARVEST_SOURCE`). */
  readonly source: "opencast" | "matomo";
  /** Matomo's, when `source` is `matomo`. */
  readonly matomo?: MatomoSourceSettings;
}

/** Options for {@linkcode ChosenSource.open}. */
export interface OpenActionSourceOptions {
  /**
   * The engage node's client, shared with the episode lookups; `null` when
   * none is set (Matomo records then get no episode metadata).
   */
  readonly engage: OpencastClient | null;
  /** Cuts every request short (the run lost its lock). */
  readonly signal?: AbortSignal;
  /**
   * The HTTP client for the sources that make their own requests (Matomo),
   * e.g. a proxy. @default the one of the settings' CA bundle (`--ca-cert`)
   */
  readonly httpClient?: Deno.HttpClient;
  /**
   * The time and the pauses of the source: `--wait` between its requests,
   * Matomo's waits between attempts. @default SYSTEM_CLOCK
   */
  readonly clock?: Clock;
}

/** The source the settings chose, named before it is opened. */
export interface ChosenSource {
  /**
   * The name its checkpoint is kept under (`ActionSource.name`): known
   * before anything is opened, so a checkpoint of another source is refused
   * before any request.
   */
  readonly name: string;
  /** Opens it (Opencast's detects its API first, Matomo's reads the site). */
  open(options: OpenActionSourceOptions): Promise<ActionSource>;
}

/** Chooses the action source the settings name. */
export function chooseActionSource(
  settings: ActionSourceSettings,
): ChosenSource {
  const { matomo } = settings;
  if (settings.source === "matomo") {
    if (matomo === undefined) {
      throw new TypeError("Cannot open the Matomo source without its settings");
    }
    return {
      name: MATOMO_SOURCE,
      open: ({ signal, httpClient, clock }) =>
        openMatomoSource(matomo, {
          waitSeconds: settings.waitSeconds,
          signal,
          httpClient,
          ...(clock ? { clock } : {}),
        }),
    };
  }
  return {
    name: OPENCAST_SOURCE,
    open: ({ engage, clock }) => {
      if (engage === null) {
        throw new TypeError(
          "Cannot open the Opencast source without its client",
        );
      }
      return openOpencastSource(settings, {
        client: engage,
        ...(clock ? { clock } : {}),
      });
    },
  };
}
