/**
 * Opens the Opencast source: settles which usertracking API the engage node
 * speaks, then reads through the engage client the harvest shares with its
 * episode lookups.
 *
 * @module
 */
import type { Clock } from "../../util/clock.ts";
import { getLogger } from "@logtape/logtape";
import type { OpencastClient } from "../../opencast/opencast_client.ts";
import type { ActionSource } from "../action_source.ts";
import { detectOpencastApi, type OpencastApi } from "./detect_opencast_api.ts";
import { createOpencastSource } from "./opencast_source.ts";
import { usertrackingRequests } from "./usertracking_requests.ts";

/** The settings the Opencast source reads. */
export interface OpencastSourceSettings {
  /** `auto` detects the API with one request at the start of the run. */
  readonly opencastApi: "auto" | OpencastApi;
  /** The server's zone. */
  readonly zone: string;
  /** Actions per page (`-b`). */
  readonly batchSize: number;
  /** Pause between page requests (`--wait`). */
  readonly waitSeconds: number;
}

/** Options for {@linkcode openOpencastSource}. */
export interface OpenOpencastSourceOptions {
  /** The engage node's client (shared with the episode lookups, so one count of requests). */
  readonly client: OpencastClient;
  /** The time and the pause between requests (`--wait`). @default SYSTEM_CLOCK */
  readonly clock?: Clock;
}

const logger = getLogger(["ua-harvest", "harvest"]);

/**
 * Settles which API the engage node speaks, detected with one request when
 * `--opencast-api auto`, else as set; either way logged. Called before
 * anything is opened downstream, so a server without usertracking ends the
 * run with nothing sent or saved (see `usertrackingRequests()`).
 */
export async function openOpencastSource(
  settings: OpencastSourceSettings,
  options: OpenOpencastSourceOptions,
): Promise<ActionSource> {
  const { client } = options;
  const requests = usertrackingRequests(client);
  let api: OpencastApi;
  if (settings.opencastApi === "auto") {
    const detected = await detectOpencastApi(requests.fetchPage);
    api = detected.api;
    logger.info("Opencast API: {api} (detected: {reason})", { ...detected });
  } else {
    api = settings.opencastApi;
    logger.info("Opencast API: {api} (set by --opencast-api)", { api });
  }
  return createOpencastSource({
    api,
    zone: settings.zone,
    batchSize: settings.batchSize,
    waitMs: settings.waitSeconds * 1000,
    ...(options.clock ? { clock: options.clock } : {}),
    requests,
    host: client.baseUrl.host,
  });
}
