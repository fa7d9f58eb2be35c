import type { LoadEpisodesSettings } from "../episodes/load_episodes_settings.ts";
import { ConfigError } from "../errors.ts";
import { validateIndexName } from "../elasticsearch/_index_name.ts";
import { runRecordLocation } from "../run_record/run_record_location.ts";
import type { OPENCAST_API_CHOICES } from "./common_options.ts";
import { type RawStateSettings, stateSettings } from "./_state_settings.ts";
import {
  awsSettingsFromEnv,
  elasticsearchSettingsFromEnv,
  opencastSettings,
} from "./_settings.ts";

/**
 * The `load_episodes` flags its settings are resolved from (see
 * `HarvestFlags` for why they are declared here).
 */
export interface LoadEpisodesFlags extends RawStateSettings {
  readonly admin_host?: string;
  readonly engage_host?: string;
  readonly es_host?: string;
  readonly esTimeout: number;
  readonly user?: string;
  readonly password?: string;
  readonly auth: "digest" | "basic";
  readonly timeout: number;
  readonly maxAttempts: number;
  readonly metricsFile?: string;
  readonly metricsPush?: string;
  readonly caCert?: string;
  readonly es_index: string;
  readonly created_from_days_ago: number;
  readonly mpid?: string[];
  readonly sourceIndexPattern?: string;
  readonly workflowDefinition: string;
  readonly wait: number;
  readonly workflowConcurrency: number;
  readonly opencastApi: (typeof OPENCAST_API_CHOICES)[number];
}

/** Everything `load_episodes`' settings depend on, gathered by its action. */
export interface LoadEpisodesSettingsInput {
  /** The parsed flags, env-bound ones included (see `HarvestSettingsInput`). */
  readonly options: LoadEpisodesFlags;
  /** The environment, `.env` applied (Elasticsearch credentials, AWS, XDG directories). */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Turns the flags and the environment into validated `load_episodes`
 * settings. Pure: a missing host, half a set of credentials, an index name
 * Elasticsearch would refuse or an empty workflow definition is a
 * `ConfigError` before any request.
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
  validateIndexName(options.es_index, "the episode index (--es_index)");
  if (options.workflowDefinition.trim() === "") {
    throw new ConfigError(
      "Cannot look up workflows without a definition: --workflow-definition (WORKFLOW_DEFINITION) is empty",
    );
  }
  if (
    options.sourceIndexPattern !== undefined &&
    options.sourceIndexPattern.trim() === ""
  ) {
    throw new ConfigError(
      "Cannot list episode ids from an empty --source-index-pattern",
    );
  }
  return {
    elasticsearch,
    opencastApi: options.opencastApi,
    index: options.es_index,
    createdFromDaysAgo: options.created_from_days_ago,
    mpids: (options.mpid ?? []).map((id) => id.trim()).filter((id) => id),
    ...(options.sourceIndexPattern === undefined
      ? {}
      : { sourceIndexPattern: options.sourceIndexPattern.trim() }),
    workflowDefinition: options.workflowDefinition.trim(),
    waitSeconds: options.wait,
    workflowConcurrency: options.workflowConcurrency,
    ...(options.metricsPush === undefined
      ? {}
      : { metricsPush: options.metricsPush }),
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
