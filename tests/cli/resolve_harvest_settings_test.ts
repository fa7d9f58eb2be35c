/**
 * The harvest's settings resolved in process: precedence (flag >
 * environment > `.env` > default), the defaults, every configuration error,
 * and the clock and terminal the settings depend on, given as values.
 *
 * @module
 */
import assert from "node:assert/strict";
import { CommanderError } from "@commander-js/extra-typings";
import { ConfigError } from "../../src/errors.ts";
import { harvestCommand } from "../../src/cli/harvest_command.ts";
import {
  type HarvestSettingsInput,
  resolveHarvestSettings,
} from "../../src/cli/resolve_harvest_settings.ts";
import { envFileAdditions } from "../../src/config/env_file_additions.ts";
import * as defaults from "../../src/config/defaults.ts";
import type { HarvestSettings } from "../../src/harvest/harvest_settings.ts";
import { parseFlags } from "../support/parse_flags.ts";
import { testContext } from "../support/command_context.ts";

const context = testContext();

const NOW = Temporal.Instant.from("2024-03-01T12:00:00Z");
const ENGAGE = "http://engage.example.edu";
/** The least a harvest needs: an engage host, and a home for its files. */
const BASE: Record<string, string> = {
  HOME: "/home/ops",
  MATTERHORN_ENGAGE_HOST: ENGAGE,
};

/** Parses `args` with `env` as `main.ts` would, then resolves the settings. */
function resolve(
  args: string[],
  env: Record<string, string> = BASE,
  input: Partial<Omit<HarvestSettingsInput, "options" | "env">> = {},
): HarvestSettings {
  return resolveHarvestSettings({
    options: parseFlags(harvestCommand(context), args, env),
    env,
    now: NOW,
    localTimeZone: "UTC",
    stderrIsTerminal: false,
    ...input,
  });
}

/** Resolves `--output es` with this ELASTICSEARCH_HOST (a case of the table below). */
function withEsHost(host: string) {
  return () => resolve(["-o", "es"], { ...BASE, ELASTICSEARCH_HOST: host });
}

/** The environment `main.ts` leaves: the real one, plus `.env` for what it does not set. */
function withDotEnv(
  real: Record<string, string>,
  dotEnv: Record<string, string>,
): Record<string, string> {
  return { ...real, ...envFileAdditions(real, dotEnv) };
}

function assertConfigError(
  run: () => unknown,
  message: RegExp,
): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\n/, "one line");
    return true;
  });
}

Deno.test("envFileAdditions() adds only the variables the environment does not set, even empty", () => {
  assert.deepEqual(
    envFileAdditions(
      { DEFAULT_INTERVAL: "7", SQS_QUEUE_NAME: "" },
      { DEFAULT_INTERVAL: "5", SQS_QUEUE_NAME: "q", REDIS_HOST: "cache" },
    ),
    { REDIS_HOST: "cache" },
  );
});

Deno.test("a flag wins over the environment, the environment over .env, .env over the default", () => {
  const dotEnv = { DEFAULT_INTERVAL: "5", SQS_QUEUE_NAME: "from-dotenv" };
  const cases: [string, string[], Record<string, string>, number, string?][] = [
    ["default", [], BASE, defaults.DEFAULT_INTERVAL_MINUTES],
    [".env", [], withDotEnv(BASE, dotEnv), 5, "from-dotenv"],
    [
      "environment",
      [],
      withDotEnv(
        { ...BASE, DEFAULT_INTERVAL: "7", SQS_QUEUE_NAME: "from-env" },
        dotEnv,
      ),
      7,
      "from-env",
    ],
    [
      "flag",
      ["-i", "9", "-q", "from-flag"],
      withDotEnv(
        { ...BASE, DEFAULT_INTERVAL: "7", SQS_QUEUE_NAME: "from-env" },
        dotEnv,
      ),
      9,
      "from-flag",
    ],
  ];
  for (const [source, args, env, minutes, queue] of cases) {
    const settings = resolve(args, env);
    assert.equal(settings.intervalMinutes, minutes, source);
    assert.deepEqual(
      settings.output,
      queue === undefined ? { kind: "stdout" } : {
        kind: "sqs",
        queue,
        maxPayloadBytes: defaults.DEFAULT_SQS_MAX_PAYLOAD_BYTES,
        fifoGroupBy: defaults.DEFAULT_FIFO_GROUP_BY,
      },
      source,
    );
  }
});

Deno.test("settings with no flag come from the environment, .env filling in", () => {
  const settings = resolve(
    [],
    withDotEnv(
      { ...BASE, AWS_REGION: "eu-west-1", REDIS_HOST: "cache" },
      { AWS_REGION: "us-west-2", REDIS_PORT: "6380" },
    ),
  );
  assert.equal(settings.aws.region, "eu-west-1");
  assert.deepEqual(settings.cache, {
    kind: "redis",
    url: "redis://cache:6380",
  });
  // --redis-url wins over REDIS_HOST.
  assert.deepEqual(
    resolve(["--redis-url", "redis://other:1"], {
      ...BASE,
      REDIS_HOST: "cache",
    }).cache,
    { kind: "redis", url: "redis://other:1" },
  );
});

Deno.test("--ca-cert (UA_HARVEST_CA_CERT) reaches Redis as it reaches the other services", () => {
  assert.deepEqual(
    resolve(["--ca-cert", "/etc/ua/ca.pem", "--redis-url", "rediss://cache"])
      .cache,
    { kind: "redis", url: "rediss://cache", caCertPath: "/etc/ua/ca.pem" },
  );
});

Deno.test("with nothing set, every setting is its documented default", () => {
  const settings = resolve([]);
  assert.deepEqual(settings, {
    source: "opencast",
    engage: {
      host: ENGAGE,
      user: undefined,
      password: undefined,
      auth: defaults.DEFAULT_OPENCAST_AUTH,
      timeoutMs: defaults.DEFAULT_OPENCAST_TIMEOUT_SECONDS * 1000,
      maxAttempts: defaults.DEFAULT_OPENCAST_MAX_ATTEMPTS,
    },
    start: undefined,
    end: undefined,
    waitSeconds: defaults.DEFAULT_WAIT_SECONDS,
    batchSize: defaults.DEFAULT_BATCH_SIZE,
    pagesInFlight: defaults.DEFAULT_PAGES_IN_FLIGHT,
    intervalMinutes: defaults.DEFAULT_INTERVAL_MINUTES,
    zone: "UTC",
    maxSpanSeconds: undefined,
    spanCheck: true,
    catchUp: false,
    output: { kind: "stdout" },
    checkpoint: {
      kind: "file",
      path: "/home/ops/.local/state/ua-harvest/checkpoint.json",
    },
    cache: {
      kind: "sqlite",
      path: "/home/ops/.cache/ua-harvest/episodes.sqlite",
    },
    updateCheckpoint: "auto",
    dryRun: false,
    episodeConcurrency: defaults.DEFAULT_EPISODE_CONCURRENCY,
    episodeTtlSeconds: defaults.DEFAULT_EPISODE_TTL_SECONDS,
    missingEpisodeTtlSeconds: defaults.DEFAULT_MISSING_EPISODE_TTL_SECONDS,
    aws: {
      region: defaults.DEFAULT_AWS_REGION,
      sqsEndpoint: undefined,
      s3Endpoint: undefined,
      s3ForcePathStyle: false,
    },
    lockTtlSeconds: defaults.DEFAULT_LOCK_TTL_SECONDS,
    deadlines: {
      s3Ms: defaults.DEFAULT_S3_TIMEOUT_SECONDS * 1000,
      sqsMs: defaults.DEFAULT_SQS_TIMEOUT_SECONDS * 1000,
      redisMs: defaults.DEFAULT_REDIS_TIMEOUT_SECONDS * 1000,
    },
    lockFile: "/home/ops/.local/state/ua-harvest/checkpoint.json.lock",
    progress: false,
    opencastApi: defaults.DEFAULT_OPENCAST_API,
  });
});

Deno.test("the defaults are the values the README and the Python tool document", () => {
  // Pinned here so a changed default is a decision, not an accident.
  assert.equal(defaults.DEFAULT_BATCH_SIZE, 1000);
  assert.equal(defaults.DEFAULT_INTERVAL_MINUTES, 2);
  assert.equal(defaults.DEFAULT_EPISODE_TTL_SECONDS, 1800);
  assert.equal(
    defaults.DEFAULT_WORKFLOW_DEFINITION,
    "DCE-archive-publish-external",
  );
  assert.equal(defaults.DEFAULT_EPISODE_INDEX, "episodes");
  assert.equal(defaults.DEFAULT_ACTION_INDEX_PREFIX, "useractions-");
  assert.equal(defaults.DEFAULT_REDIS_PORT, 6379);
  assert.equal(defaults.DEFAULT_AWS_REGION, "us-east-1");
  assert.equal(defaults.DEFAULT_SQS_MAX_PAYLOAD_BYTES, 256 * 1024);
});

Deno.test("the outputs: stdout, a file, SQS and Elasticsearch", () => {
  assert.deepEqual(resolve(["-o", "stdout"]).output, { kind: "stdout" });
  assert.deepEqual(resolve(["-o", "file:out.jsonl"]).output, {
    kind: "file",
    path: "out.jsonl",
  });
  // -q - means stdout even with a queue in the environment.
  assert.deepEqual(
    resolve(["-q", "-"], { ...BASE, SQS_QUEUE_NAME: "q" }).output,
    { kind: "stdout" },
  );
  assert.deepEqual(
    resolve(["-o", "sqs", "--fifo-group-by", "none"], {
      ...BASE,
      SQS_QUEUE_NAME: "q",
      SQS_MAX_PAYLOAD: "1048576",
    }).output,
    {
      kind: "sqs",
      queue: "q",
      maxPayloadBytes: 1_048_576,
      fifoGroupBy: "none",
    },
  );
  // Both spellings of --es_host reach the same setting.
  for (const flag of ["--es_host", "--es-host"]) {
    assert.deepEqual(
      resolve(["-o", "es", flag, "es:9200", "--es-timeout", "2"], {
        ...BASE,
        ELASTICSEARCH_API_KEY: "k",
      }).output,
      {
        kind: "es",
        elasticsearch: {
          host: "es:9200",
          username: undefined,
          password: undefined,
          apiKey: "k",
          caCertPath: undefined,
          requestTimeoutMs: 2000,
        },
        indexPrefix: defaults.DEFAULT_ACTION_INDEX_PREFIX,
      },
      flag,
    );
  }
});

Deno.test("every bad setting is one ConfigError naming what to fix", () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      "unknown output",
      () => resolve(["-o", "kafka"]),
      /Unknown --output "kafka": use sqs/,
    ],
    [
      "file: without a path",
      () => resolve(["-o", "file:"]),
      /Unknown --output "file:"/,
    ],
    [
      "sqs without a queue",
      () => resolve(["-o", "sqs"]),
      /--output sqs needs a queue: set SQS_QUEUE_NAME or pass --queue-name/,
    ],
    [
      "sqs with -q -",
      () => resolve(["-o", "sqs", "-q", "-"]),
      /--output sqs needs a queue/,
    ],
    [
      "es without a host",
      () => resolve(["-o", "es"]),
      /No Elasticsearch host: set ELASTICSEARCH_HOST \(or --es_host\)/,
    ],
    [
      "no engage host",
      () => resolve([], { HOME: "/home/ops" }),
      /No Opencast host: set MATTERHORN_ENGAGE_HOST/,
    ],
    [
      "a user without a password",
      () => resolve(["-u", "ops"]),
      /need both MATTERHORN_REST_USER and MATTERHORN_REST_PASS/,
    ],
    [
      "an unknown --server-timezone",
      () => resolve(["--server-timezone", "Mars/Olympus"]),
      /Unknown time zone 'Mars\/Olympus' in --server-timezone \(OPENCAST_TIMEZONE\)/,
    ],
    [
      "an unknown machine zone",
      () => resolve([], BASE, { localTimeZone: "Mars/Olympus" }),
      /this machine's time zone \(set --server-timezone\)/,
    ],
    ["a malformed --start", () => resolve(["-s", "yesterday"]), /--start/],
    ["a malformed --end alone", () => resolve(["-e", "2024-13-45"]), /--end/],
    [
      "a reversed window",
      () => resolve(["-s", "20240301100000", "-e", "20240301090000"]),
      /--end 20240301090000 is before the start/,
    ],
    [
      "a bad MAX_START_END_SPAN",
      () => resolve([], { ...BASE, MAX_START_END_SPAN: "soon" }),
      /MAX_START_END_SPAN must be a whole number of seconds/,
    ],
    [
      "a bad REDIS_PORT",
      () => resolve([], { ...BASE, REDIS_HOST: "cache", REDIS_PORT: "63a79" }),
      /REDIS_PORT must be a port number from 1 to 65535: current value is "63a79"/,
    ],
    [
      "an S3 bucket without a key",
      () => resolve(["--s3-bucket", "b"]),
      /S3 checkpoint needs both S3_HARVEST_TS_BUCKET and S3_LAST_ACTION_TS_KEY/,
    ],
    [
      "an S3 bucket name S3 does not take",
      () => resolve(["--s3-bucket", "b", "--s3-key", "k"]),
      /^Cannot use S3 checkpoint as the bucket name must be 3 to 255 letters, digits, '\.', '-' or '_': current value is 'b'$/,
    ],
    [
      "a bad S3_FORCE_PATH_STYLE",
      () => resolve([], { ...BASE, S3_FORCE_PATH_STYLE: "maybe" }),
      /S3_FORCE_PATH_STYLE must be true or false/,
    ],
    [
      "a bad AWS endpoint",
      () => resolve([], { ...BASE, AWS_ENDPOINT_URL_SQS: "sqs.local" }),
      /AWS_ENDPOINT_URL_SQS must be an http\(s\) URL/,
    ],
    [
      "a malformed AWS_ENDPOINT_URL_STS (read by the credential chain; no secret echoed)",
      () =>
        resolve([], {
          ...BASE,
          AWS_ENDPOINT_URL_STS: "http//u:Secr3t-sts@sts",
        }),
      /^AWS_ENDPOINT_URL_STS must be an http\(s\) URL: current value is "http\/\/\*\*\*@sts"$/,
    ],
    [
      "an empty SQS_QUEUE_NAME from .env (like an empty bucket)",
      () => resolve([], withDotEnv(BASE, { SQS_QUEUE_NAME: "" })),
      /SQS_QUEUE_NAME \(or --queue-name\) is empty: set a queue name or URL, or - for stdout/,
    ],
    [
      "--state-file with an S3 checkpoint in the environment",
      () =>
        resolve(["--state-file", "/var/lib/ua/cp.json"], {
          ...BASE,
          S3_HARVEST_TS_BUCKET: "bucket",
          S3_LAST_ACTION_TS_KEY: "ts",
        }),
      /Both a local checkpoint file \(--state-file or UA_HARVEST_STATE_FILE\) and an S3 checkpoint .* are set: drop --state-file to keep the S3 checkpoint, or unset the S3 bucket and key to use the file/,
    ],
    [
      "a Redis URL with a port that is not a number",
      () => resolve(["--redis-url", "redis://cache:notaport/0"]),
      /REDIS_URL \(or --redis-url\) is not a valid URL \(a port must be a number from 1 to 65535\): current value is "redis:\/\/cache:notaport\/0"/,
    ],
    [
      "a Redis URL with a port out of range",
      () => resolve([], { ...BASE, REDIS_URL: "redis://cache:0" }),
      /REDIS_URL \(or --redis-url\) has a port outside 1 to 65535/,
    ],
    [
      "a Redis database out of range",
      () => resolve([], { ...BASE, REDIS_URL: "redis://:pw99@cache:6379/999" }),
      /REDIS_URL \(or --redis-url\) names database "999": the path must be a database number from 0 to 15: current value is "redis:\/\/\*\*\*@cache:6379\/999"/,
    ],
    [
      "a Redis database that is not a number",
      () => resolve([], { ...BASE, REDIS_URL: "redis://cache/abc" }),
      /names database "abc": the path must be a database number from 0 to 15/,
    ],
    [
      "a Redis database out of range given as ?db= (read as ioredis did)",
      () => resolve([], { ...BASE, REDIS_URL: "redis://cache:6379?db=16" }),
      /REDIS_URL \(or --redis-url\) names database "16": the path must be a database number from 0 to 15/,
    ],
    [
      "a Redis URL with a query parameter the client does not read",
      () =>
        resolve([], {
          ...BASE,
          REDIS_URL: "redis://:pw99@cache:6379?family=6",
        }),
      /REDIS_URL \(or --redis-url\) has the query parameter "family", which is not read: give the database as the path, like redis:\/\/host:6379\/2: current value is "redis:\/\/\*\*\*@cache:6379\?family=6"/,
    ],
    [
      "a Redis password with a broken %-escape (no secret echoed)",
      () =>
        resolve([], { ...BASE, REDIS_URL: "redis://:pa%zzss99@cache:6379" }),
      /^REDIS_URL \(or --redis-url\) has a user or password with a broken %-escape \(write % as %25\): current value is "redis:\/\/\*\*\*@cache:6379"$/,
    ],
    [
      "a Redis URL of another scheme",
      () => resolve([], { ...BASE, REDIS_URL: "http://cache:6379" }),
      /REDIS_URL \(or --redis-url\) must be a redis:\/\/ or rediss:\/\/ URL/,
    ],
    [
      "a REDIS_PORT out of range",
      () => resolve([], { ...BASE, REDIS_HOST: "cache", REDIS_PORT: "70000" }),
      /REDIS_PORT must be a port number from 1 to 65535: current value is "70000"/,
    ],
    [
      "an Elasticsearch host missing the ':' after its scheme (no secret echoed)",
      withEsHost("http//elastic:PASSWORD@host:9200"),
      /^ELASTICSEARCH_HOST "http\/\/\*\*\*@host:9200" lacks the ':' after its scheme/,
    ],
    [
      "an Elasticsearch host with an @ after its host",
      withEsHost("es:9200/elastic:PASSWORD@host"),
      /^ELASTICSEARCH_HOST "\*\*\*@host" has an '@' after its host/,
    ],
    [
      "no home for the state",
      () => resolve([], { MATTERHORN_ENGAGE_HOST: ENGAGE }),
      /Cannot find a state directory: set HOME or XDG_STATE_HOME, or pass --state-file/,
    ],
    [
      "no home for the cache",
      () =>
        resolve(["--state-file", "/tmp/s.json"], {
          MATTERHORN_ENGAGE_HOST: ENGAGE,
        }),
      /Cannot find a cache directory/,
    ],
  ];
  for (const [name, run, message] of cases) {
    try {
      assertConfigError(run, message);
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`);
    }
  }
});

Deno.test("bad flag values and conflicting flags are usage errors before the settings", () => {
  const usage = (args: string[], env: Record<string, string> = BASE) =>
    assert.throws(
      () => parseFlags(harvestCommand(context), args, env),
      (error: unknown) =>
        error instanceof CommanderError && error.exitCode !== 0,
    );
  usage(["--update-last-ts", "--no-update-last-ts"]);
  usage(["-b", "0"]);
  usage([], { ...BASE, DEFAULT_INTERVAL: "two" });
  usage(["--fifo-group-by", "user"]);
});

Deno.test("the window flags are judged against the given now", () => {
  const end = "2024-03-01T12:00:00Z";
  // An end at now is fine; a second later is in the future.
  assert.equal(resolve(["-e", end]).end?.text, end);
  assert.equal(resolve(["-e", end]).end?.at.toString(), end, "resolved once");
  assertConfigError(
    () => resolve(["-e", end], BASE, { now: NOW.subtract({ seconds: 1 }) }),
    /--end 2024-03-01T12:00:00Z is in the future \(now is 20240301115959 \(2024-03-01T11:59:59Z\)/,
  );
  // A start alone: fine before now, an error after it.
  assert.equal(resolve(["-s", "20240301115900"]).start?.text, "20240301115900");
  assertConfigError(
    () => resolve(["-s", "20240301120100"]),
    /--start 20240301120100 is in the future/,
  );
  // The same flags in the server's zone: 11:30 in New York is 16:30 UTC.
  assertConfigError(
    () =>
      resolve([
        "-s",
        "20240301113000",
        "--server-timezone",
        "America/New_York",
      ]),
    /--start 20240301113000 is in the future .*America\/New_York/,
  );
  assert.equal(
    resolve(
      ["-s", "20240301113000", "--server-timezone", "America/New_York"],
      BASE,
      {
        now: Temporal.Instant.from("2024-03-01T17:00:00Z"),
      },
    ).zone,
    "America/New_York",
  );
});

Deno.test("the server zone defaults to this machine's", () => {
  assert.equal(
    resolve([], BASE, { localTimeZone: "Europe/Berlin" }).zone,
    "Europe/Berlin",
  );
  assert.equal(
    resolve([], { ...BASE, OPENCAST_TIMEZONE: "America/New_York" }, {
      localTimeZone: "Europe/Berlin",
    }).zone,
    "America/New_York",
  );
});

Deno.test("the progress line shows by default only when stderr is a terminal", () => {
  const cases: [string[], boolean, boolean][] = [
    [[], true, true],
    [[], false, false],
    [["--progress"], false, true],
    [["--no-progress"], true, false],
  ];
  for (const [args, stderrIsTerminal, progress] of cases) {
    assert.equal(
      resolve(args, BASE, { stderrIsTerminal }).progress,
      progress,
      `${args.join(" ") || "no flag"}, terminal: ${stderrIsTerminal}`,
    );
  }
});

Deno.test("the checkpoint flags and the S3 checkpoint", () => {
  assert.equal(resolve(["--update-last-ts"]).updateCheckpoint, "always");
  assert.equal(resolve(["--no-update-last-ts"]).updateCheckpoint, "never");
  const s3 = resolve([], {
    ...BASE,
    S3_HARVEST_TS_BUCKET: "bucket",
    S3_LAST_ACTION_TS_KEY: "path/ts",
  });
  assert.deepEqual(s3.checkpoint, {
    kind: "s3",
    bucket: "bucket",
    key: "path/ts",
  });
  assert.equal(
    s3.lockFile,
    "/home/ops/.local/state/ua-harvest/s3-bucket-path_ts.lock",
  );
  // Good Redis URLs pass as given.
  for (
    const url of [
      "redis://cache",
      "redis://cache:6379",
      "redis://:pw@cache:6380/0",
      "rediss://user:pw@cache.example.edu:6380/15",
    ]
  ) {
    assert.deepEqual(resolve(["--redis-url", url]).cache, {
      kind: "redis",
      url,
    });
  }
});
