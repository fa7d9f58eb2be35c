/**
 * Which action source a harvest reads, chosen from its settings in this one
 * place (as `openSink()` chooses the sink): the harvest never branches on the
 * source it has. Today that is always Opencast's usertracking.
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

/** The settings the action sources read. */
export type ActionSourceSettings = OpencastSourceSettings;

/** Options for {@linkcode ChosenSource.open}. */
export interface OpenActionSourceOptions {
  /** The engage node's client, shared with the episode lookups. */
  readonly engage: OpencastClient;
  /** The pause between pages (`--wait`). @default SYSTEM_CLOCK.sleep */
  readonly sleep?: Clock["sleep"];
}

/** The source the settings chose, named before it is opened. */
export interface ChosenSource {
  /**
   * The name its checkpoint is kept under (`ActionSource.name`): known
   * before anything is opened, so a checkpoint of another source is refused
   * before any request.
   */
  readonly name: string;
  /** Opens it (Opencast's detects its API first: one request). */
  open(options: OpenActionSourceOptions): Promise<ActionSource>;
}

/** Chooses the action source the settings name. */
export function chooseActionSource(
  settings: ActionSourceSettings,
): ChosenSource {
  return {
    name: OPENCAST_SOURCE,
    open: ({ engage, sleep }) =>
      openOpencastSource(settings, {
        client: engage,
        ...(sleep ? { sleep } : {}),
      }),
  };
}
