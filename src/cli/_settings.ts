/**
 * Settings groups shared by several commands (Opencast, AWS, Elasticsearch),
 * parsed once here so every command validates them the same way.
 *
 * @module
 */
import { DEFAULT_AWS_REGION } from "../config/defaults.ts";
import { ConfigError } from "../errors.ts";
import type {
  AwsSettings,
  ElasticsearchSettings,
  OpencastSettings,
} from "../config/settings.ts";
import { booleanParser } from "./_parsers.ts";
import { echoValue } from "../util/echo_value.ts";
import { redactUrl } from "../util/redact_url.ts";
import { parseElasticsearchHost } from "../elasticsearch/_parse_host.ts";
import { profileRegion } from "../aws/profile_region.ts";
import { envCredentials } from "../aws/credentials/env_credentials.ts";

/** Raw Opencast connection values from flags or the environment. */
export interface RawOpencastSettings {
  readonly host: string | undefined;
  /** How to name the host setting in an error, e.g. `MATTERHORN_ENGAGE_HOST (or --engage_host)`. */
  readonly hostSetting: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly auth: "digest" | "basic";
  readonly timeoutSeconds: number;
  readonly maxAttempts: number;
  /** `UA_HARVEST_CA_CERT` (`--ca-cert`). */
  readonly caCertPath?: string;
}

/** Validates the Opencast connection settings. */
export function opencastSettings(raw: RawOpencastSettings): OpencastSettings {
  if (!raw.host) {
    throw new ConfigError(`No Opencast host: set ${raw.hostSetting}`);
  }
  if ((raw.user === undefined) !== (raw.password === undefined)) {
    throw new ConfigError(
      "Opencast credentials need both MATTERHORN_REST_USER and MATTERHORN_REST_PASS (or --user and --password): only one is set",
    );
  }
  return {
    host: raw.host,
    user: raw.user,
    password: raw.password,
    auth: raw.auth,
    timeoutMs: secondsToMs(raw.timeoutSeconds),
    maxAttempts: raw.maxAttempts,
    ...(raw.caCertPath ? { caCertPath: raw.caCertPath } : {}),
  };
}

/**
 * AWS region and endpoints, from the variables the AWS CLI and SDKs use (the
 * region also from the profile in `~/.aws/config`, read only when neither
 * `AWS_REGION` nor `AWS_DEFAULT_REGION` is set), and the CAs of
 * `UA_HARVEST_CA_CERT` (`--ca-cert`).
 */
export function awsSettingsFromEnv(
  env: Record<string, string>,
  caCertPath?: string,
): AwsSettings {
  let forcePathStyle: boolean;
  try {
    forcePathStyle = booleanParser(env.S3_FORCE_PATH_STYLE ?? "false");
  } catch {
    throw new ConfigError(
      `S3_FORCE_PATH_STYLE must be true or false: current value is "${
        echoValue(env.S3_FORCE_PATH_STYLE ?? "")
      }"`,
    );
  }
  const endpoint = env.AWS_ENDPOINT_URL || undefined;
  // Read by the credential chain itself (web identity): checked here all the
  // same, so a malformed one is a settings error, echoed without its password.
  checkUrl("AWS_ENDPOINT_URL_STS", env.AWS_ENDPOINT_URL_STS || undefined);
  return {
    // As the SDK: the variables, then the profile's `region`, then ours.
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || profileRegion(env) ||
      DEFAULT_AWS_REGION,
    sqsEndpoint: checkUrl(
      "AWS_ENDPOINT_URL_SQS",
      env.AWS_ENDPOINT_URL_SQS || endpoint,
    ),
    s3Endpoint: checkUrl(
      "AWS_ENDPOINT_URL_S3",
      env.AWS_ENDPOINT_URL_S3 || endpoint,
    ),
    s3ForcePathStyle: forcePathStyle,
    // The keys the credential chain would read first, taken from the
    // environment the run was given rather than the process's (which
    // `main.ts` fills from `.env` too, so the two agree outside tests); with
    // AWS_PROFILE set the chain takes the profile instead, as the SDK does.
    ...(env.AWS_PROFILE ? {} : envCredentialsSetting(env)),
    ...(caCertPath ? { caCertPath } : {}),
  };
}

function envCredentialsSetting(
  env: Record<string, string>,
): Pick<AwsSettings, "credentials"> {
  const credentials = envCredentials(env);
  return credentials === undefined ? {} : { credentials };
}

/** Elasticsearch connection settings from a host flag and the environment. */
export function elasticsearchSettingsFromEnv(
  host: string | undefined,
  env: Record<string, string>,
  timeoutSeconds?: number,
  caCertPath?: string,
): ElasticsearchSettings {
  if (!host) {
    throw new ConfigError(
      "No Elasticsearch host: set ELASTICSEARCH_HOST (or --es_host)",
    );
  }
  // Checked now, before anything is fetched (the client is made later).
  parseElasticsearchHost(host);
  return {
    host,
    username: env.ELASTICSEARCH_USERNAME || undefined,
    password: env.ELASTICSEARCH_PASSWORD || undefined,
    apiKey: env.ELASTICSEARCH_API_KEY || undefined,
    caCertPath: env.ELASTICSEARCH_CA_CERT || undefined,
    ...(caCertPath ? { sharedCaCertPath: caCertPath } : {}),
    ...(timeoutSeconds === undefined
      ? {}
      : { requestTimeoutMs: secondsToMs(timeoutSeconds) }),
  };
}

/** A timeout flag's seconds as whole milliseconds, never 0 (a fraction of a ms rounds up). */
export function secondsToMs(seconds: number): number {
  return Math.max(1, Math.round(seconds * 1000));
}

function checkUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || !/^https?:\/\//i.test(value)) {
    throw new ConfigError(
      `${name} must be an http(s) URL: current value is "${
        echoValue(redactUrl(value))
      }"`,
    );
  }
  if (value.includes("@")) {
    throw new ConfigError(
      `${name} must not contain a user name or password: remove them from the URL and use the AWS credential settings`,
    );
  }
  return value;
}
