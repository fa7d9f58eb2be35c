import type {
  AwsSettings,
  CheckpointSettings,
  ElasticsearchSettings,
  OpencastSettings,
} from "../harvest/harvest_settings.ts";
import { runRecordLocation } from "../run_record/run_record_location.ts";
import { stateSettings } from "./_state_settings.ts";
import {
  awsSettingsFromEnv,
  elasticsearchSettingsFromEnv,
  opencastSettings,
} from "./_settings.ts";
import type { LoadEpisodesFlags } from "./load_episodes_command.ts";

/** Everything `load_episodes`' settings depend on, gathered by its action. */
export interface LoadEpisodesSettingsInput {
  /** The parsed flags, env-bound ones included (see `HarvestSettingsInput`). */
  readonly options: LoadEpisodesFlags;
  /** The environment, `.env` applied (Elasticsearch credentials, AWS, XDG directories). */
  readonly env: Readonly<Record<string, string>>;
}

/** The validated settings of one `load_episodes` run. */
export interface LoadEpisodesSettings {
  readonly elasticsearch: ElasticsearchSettings;
  readonly engage: OpencastSettings;
  readonly admin: OpencastSettings;
  /**
   * Where the last-run record goes (beside the harvest's checkpoint), or why
   * there is none: settings that leave it no place cost the record, not the
   * run.
   */
  readonly runRecord:
    | {
      readonly location: CheckpointSettings;
      readonly aws: AwsSettings;
    }
    | { readonly unavailable: string };
}

/**
 * Turns the flags and the environment into validated `load_episodes`
 * connection settings. Pure: a missing host or half a set of credentials is
 * a `ConfigError` before any request.
 */
export function resolveLoadEpisodesSettings(
  input: LoadEpisodesSettingsInput,
): LoadEpisodesSettings {
  const { options, env } = input;
  const elasticsearch = elasticsearchSettingsFromEnv(
    options.es_host,
    env,
    options.esTimeout,
  );
  const common = {
    user: options.user,
    password: options.password,
    auth: options.auth,
    timeoutSeconds: options.timeout,
    maxAttempts: options.maxAttempts,
  };
  return {
    elasticsearch,
    engage: opencastSettings({
      ...common,
      host: options.engage_host,
      hostSetting: "MATTERHORN_ENGAGE_HOST (or --engage_host)",
    }),
    admin: opencastSettings({
      ...common,
      host: options.admin_host,
      hostSetting: "MATTERHORN_ADMIN_HOST (or --admin_host)",
    }),
    runRecord: runRecord(options, env),
  };
}

function runRecord(
  options: LoadEpisodesFlags,
  env: Readonly<Record<string, string>>,
): LoadEpisodesSettings["runRecord"] {
  try {
    return {
      location: runRecordLocation(
        stateSettings(options, env).checkpoint,
        "load_episodes",
      ),
      aws: awsSettingsFromEnv(env),
    };
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
}
