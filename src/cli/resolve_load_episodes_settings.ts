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
  /**
   * The Prometheus text file to rewrite at the end: `--metrics-file`, else
   * `UA_HARVEST_LOAD_EPISODES_METRICS_FILE`, else (a `.env` written when both
   * commands shared `UA_HARVEST_METRICS_FILE`) beside harvest's file, with
   * `.load_episodes` before its extension, never on it.
   * @default {none}
   */
  readonly metricsFile?: string;
  /** Lines to log at the start of the run (where the metrics file went). */
  readonly notes: readonly string[];
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
    options.caCert,
  );
  const common = {
    user: options.user,
    password: options.password,
    auth: options.auth,
    timeoutSeconds: options.timeout,
    maxAttempts: options.maxAttempts,
    caCertPath: options.caCert,
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
    ...metricsFile(options.metricsFile, env.UA_HARVEST_METRICS_FILE),
  };
}

/** See {@linkcode LoadEpisodesSettings.metricsFile}. */
function metricsFile(
  own: string | undefined,
  harvests: string | undefined,
): Pick<LoadEpisodesSettings, "metricsFile" | "notes"> {
  if (own !== undefined || !harvests) return { metricsFile: own, notes: [] };
  // `ua_harvest.prom` → `ua_harvest.load_episodes.prom`: still `*.prom`, so
  // node_exporter's textfile collector reads it too.
  const slash = harvests.lastIndexOf("/") + 1;
  const dot = harvests.lastIndexOf(".");
  const path = dot > slash
    ? `${harvests.slice(0, dot)}.load_episodes${harvests.slice(dot)}`
    : `${harvests}.load_episodes`;
  return {
    metricsFile: path,
    notes: [
      `Metrics file ${path}: beside UA_HARVEST_METRICS_FILE, which is harvest's; ` +
      "set UA_HARVEST_LOAD_EPISODES_METRICS_FILE (or --metrics-file) to choose another",
    ],
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
      aws: awsSettingsFromEnv(env, options.caCert),
    };
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
}
