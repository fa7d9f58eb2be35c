/**
 * `load_episodes`' and `status`' settings resolved in process, from flags
 * parsed with a given environment: the same state settings as `harvest`, and
 * one line for each bad setting.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import { loadEpisodesCommand } from "../../src/cli/load_episodes_command.ts";
import { statusCommand } from "../../src/cli/status_command.ts";
import { harvestCommand } from "../../src/cli/harvest_command.ts";
import { resolveLoadEpisodesSettings } from "../../src/cli/resolve_load_episodes_settings.ts";
import { resolveStatusSettings } from "../../src/cli/resolve_status_settings.ts";
import { resolveHarvestSettings } from "../../src/cli/resolve_harvest_settings.ts";
import {
  DEFAULT_CREATED_FROM_DAYS_AGO,
  DEFAULT_ELASTICSEARCH_TIMEOUT_SECONDS,
  DEFAULT_EPISODE_INDEX,
  DEFAULT_WORKFLOW_CONCURRENCY,
  DEFAULT_WORKFLOW_DEFINITION,
} from "../../src/config/defaults.ts";
import { parseFlags } from "../support/parse_flags.ts";
import { testContext } from "../support/command_context.ts";

const context = testContext();

const EPISODES_ENV: Record<string, string> = {
  HOME: "/home/ops",
  MATTERHORN_ENGAGE_HOST: "http://engage.example.edu",
  MATTERHORN_ADMIN_HOST: "http://admin.example.edu",
  ELASTICSEARCH_HOST: "es:9200",
  ELASTICSEARCH_USERNAME: "elastic",
  ELASTICSEARCH_PASSWORD: "secret",
};

function loadEpisodes(args: string[], env: Record<string, string>) {
  const options = parseFlags(loadEpisodesCommand(context), args, env);
  return { options, settings: resolveLoadEpisodesSettings({ options, env }) };
}

Deno.test("load_episodes: hosts and credentials from flags over the environment, defaults from one place", () => {
  const { options, settings } = loadEpisodes(
    ["-E", "engage2:8080", "-u", "ops", "-p", "pw", "--timeout", "3"],
    EPISODES_ENV,
  );
  assert.equal(settings.engage.host, "engage2:8080");
  assert.equal(settings.admin.host, "http://admin.example.edu");
  for (const node of [settings.engage, settings.admin]) {
    assert.equal(node.user, "ops");
    assert.equal(node.password, "pw");
    assert.equal(node.timeoutMs, 3000);
  }
  assert.deepEqual(settings.elasticsearch, {
    host: "es:9200",
    username: "elastic",
    password: "secret",
    apiKey: undefined,
    caCertPath: undefined,
    requestTimeoutMs: DEFAULT_ELASTICSEARCH_TIMEOUT_SECONDS * 1000,
  });
  assert.equal(options.es_index, DEFAULT_EPISODE_INDEX);
  assert.equal(options.workflowDefinition, DEFAULT_WORKFLOW_DEFINITION);
  assert.equal(options.workflowConcurrency, DEFAULT_WORKFLOW_CONCURRENCY);
  assert.equal(options.created_from_days_ago, DEFAULT_CREATED_FROM_DAYS_AGO);
  assert.deepEqual(settings.runRecord, {
    location: {
      kind: "file",
      path:
        "/home/ops/.local/state/ua-harvest/checkpoint.json.load_episodes.last-run.json",
    },
    aws: {
      region: "us-east-1",
      sqsEndpoint: undefined,
      s3Endpoint: undefined,
      s3ForcePathStyle: false,
    },
  });
});

Deno.test("load_episodes: each missing setting is one ConfigError; a bad state setting costs only the record", () => {
  const without = (name: string) => {
    const env = { ...EPISODES_ENV };
    delete env[name];
    return env;
  };
  const cases: [Record<string, string>, RegExp][] = [
    [
      without("ELASTICSEARCH_HOST"),
      /No Elasticsearch host: set ELASTICSEARCH_HOST \(or --es_host\)/,
    ],
    [
      without("MATTERHORN_ENGAGE_HOST"),
      /No Opencast host: set MATTERHORN_ENGAGE_HOST \(or --engage_host\)/,
    ],
    [
      without("MATTERHORN_ADMIN_HOST"),
      /No Opencast host: set MATTERHORN_ADMIN_HOST \(or --admin_host\)/,
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadEpisodes([], env),
      (error: unknown) =>
        error instanceof ConfigError && message.test(error.message),
    );
  }
  const { settings } = loadEpisodes(["--s3-bucket", "b"], EPISODES_ENV);
  assert.match(
    "unavailable" in settings.runRecord ? settings.runRecord.unavailable : "",
    /S3 checkpoint needs both/,
  );
});

Deno.test("load_episodes: the run's own settings resolved once, and each bad one a ConfigError naming its flag", () => {
  const { settings } = loadEpisodes(
    [
      "--mpid",
      " mp-1 ",
      "--mpid",
      "mp-2",
      "-i",
      "dce-episodes",
      "--workflow-definition",
      "my-live",
      "-w",
      "0.5",
      "--workflow-concurrency",
      "8",
      "--opencast-api",
      "upstream",
    ],
    EPISODES_ENV,
  );
  assert.deepEqual(settings.mpids, ["mp-1", "mp-2"]);
  assert.equal(settings.sourceIndexPattern, undefined);
  assert.equal(settings.index, "dce-episodes");
  assert.equal(settings.workflowDefinition, "my-live");
  assert.equal(settings.waitSeconds, 0.5);
  assert.equal(settings.workflowConcurrency, 8);
  assert.equal(settings.opencastApi, "upstream");
  assert.equal(settings.createdFromDaysAgo, DEFAULT_CREATED_FROM_DAYS_AGO);

  const bad: [string[], Record<string, string>, RegExp][] = [
    [
      ["-i", "Episodes"],
      {},
      /the episode index \(--es_index\): it has upper-case/,
    ],
    [[], { EPISODE_INDEX_NAME: "a,b" }, /the episode index \(--es_index\)/],
    [
      ["--workflow-definition", " "],
      {},
      /--workflow-definition \(WORKFLOW_DEFINITION\) is empty/,
    ],
    [["--source-index-pattern", ""], {}, /empty --source-index-pattern/],
  ];
  for (const [args, env, message] of bad) {
    assert.throws(
      () => loadEpisodes(args, { ...EPISODES_ENV, ...env }),
      (error: unknown) =>
        error instanceof ConfigError && message.test(error.message),
      args.join(" ") || JSON.stringify(env),
    );
  }
});

Deno.test("status reads the state where harvest keeps it, in the server's zone", () => {
  const env: Record<string, string> = {
    HOME: "/home/ops",
    MATTERHORN_ENGAGE_HOST: "http://engage.example.edu",
    S3_HARVEST_TS_BUCKET: "bucket",
    S3_LAST_ACTION_TS_KEY: "ts",
    REDIS_HOST: "cache",
    AWS_DEFAULT_REGION: "eu-central-1",
  };
  const status = resolveStatusSettings({
    options: parseFlags(statusCommand(context), [], env),
    env,
    localTimeZone: "Europe/Berlin",
  });
  const harvest = resolveHarvestSettings({
    options: parseFlags(harvestCommand(context), [], env),
    env,
    now: Temporal.Instant.from("2024-03-01T12:00:00Z"),
    localTimeZone: "Europe/Berlin",
    stderrIsTerminal: false,
  });
  assert.deepEqual(status.state.checkpoint, harvest.checkpoint);
  assert.equal(status.state.lockFile, harvest.lockFile);
  assert.equal(status.state.redisUrl, "redis://cache:6379");
  assert.deepEqual(status.aws, harvest.aws);
  assert.equal(status.aws.region, "eu-central-1");
  assert.equal(status.zone, "Europe/Berlin");
  assert.equal(
    resolveStatusSettings({
      options: parseFlags(
        statusCommand(context),
        ["--server-timezone", "UTC"],
        env,
      ),
      env,
      localTimeZone: "Europe/Berlin",
    }).zone,
    "UTC",
  );
  assert.throws(
    () =>
      resolveStatusSettings({
        options: parseFlags(statusCommand(context), [], env),
        env: { ...env, REDIS_PORT: "x" },
        localTimeZone: "UTC",
      }),
    ConfigError,
  );
});

Deno.test("metrics files: harvest and load_episodes never name the same file from the environment", () => {
  const harvestFile = (env: Record<string, string>, args: string[] = []) =>
    parseFlags(harvestCommand(context), args, env).metricsFile;
  const episodes = (env: Record<string, string>, args: string[] = []) =>
    loadEpisodes(args, { ...EPISODES_ENV, ...env }).settings;
  const shared = { UA_HARVEST_METRICS_FILE: "/tf/ua_harvest.prom" };
  const own = {
    UA_HARVEST_LOAD_EPISODES_METRICS_FILE: "/tf/episodes.prom",
  };
  // harvest keeps its variable and ignores load_episodes' one.
  assert.equal(harvestFile(shared), "/tf/ua_harvest.prom");
  assert.equal(harvestFile(own), undefined);
  // load_episodes: its own variable…
  assert.equal(episodes(own).metricsFile, "/tf/episodes.prom");
  assert.deepEqual(episodes({ ...shared, ...own }).notes, []);
  // …else, beside harvest's file, never on it, and says so.
  const beside = episodes(shared);
  assert.equal(beside.metricsFile, "/tf/ua_harvest.load_episodes.prom");
  assert.equal(beside.notes.length, 1);
  assert.match(beside.notes[0]!, /UA_HARVEST_LOAD_EPISODES_METRICS_FILE/);
  assert.equal(
    episodes({ UA_HARVEST_METRICS_FILE: "/tf/metrics" }).metricsFile,
    "/tf/metrics.load_episodes",
  );
  assert.equal(
    episodes({ UA_HARVEST_METRICS_FILE: "/tf.d/metrics" }).metricsFile,
    "/tf.d/metrics.load_episodes",
  );
  // --metrics-file on each command line wins, as before.
  const flag = ["--metrics-file", "/tf/x.prom"];
  assert.equal(harvestFile({ ...shared, ...own }, flag), "/tf/x.prom");
  assert.equal(episodes({ ...shared, ...own }, flag).metricsFile, "/tf/x.prom");
  assert.deepEqual(episodes(shared, flag).notes, []);
  // Nothing set: no file.
  assert.equal(episodes({}).metricsFile, undefined);
  assert.deepEqual(episodes({}).notes, []);
});
