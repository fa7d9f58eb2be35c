/**
 * Builds the parts of a harvest from its settings: the engage client, lock,
 * episode cache and sink (a dry run's too). Each is one small module behind an interface; this
 * file only chooses which.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { UnreachableError } from "../errors.ts";
import type { HarvestSettings } from "./harvest_settings.ts";
import {
  describeCheckpoint,
  openCheckpointStore,
} from "../checkpoint/open_checkpoint_store.ts";
import type { CheckpointStore } from "../checkpoint/checkpoint_store.ts";
import type { EpisodeCache } from "../cache/episode_cache.ts";
import { openSqliteEpisodeCache } from "../cache/sqlite_episode_cache.ts";
import type { RedisClient } from "../redis/redis_client.ts";
import { createNullEpisodeCache } from "../cache/null_episode_cache.ts";
import type { RunLock } from "../lock/run_lock.ts";
import { acquireFileRunLock } from "../lock/file_run_lock.ts";
import { redisLockKey } from "../lock/lock_holder.ts";
import type { RecordSink } from "../sinks/record_sink.ts";
import {
  createStdoutSink,
  type StdoutSinkOptions,
} from "../sinks/stdout_sink.ts";
import { openFileSink } from "../sinks/file_sink.ts";
import type { ActionRecord } from "../record/action_record.ts";
import { createDryRunSink } from "../sinks/dry_run_sink.ts";
import { checkpointPolicy } from "./plan_harvest.ts";
import { OpencastClient } from "../opencast/opencast_client.ts";
import { redactUrl } from "../util/redact_url.ts";
import { type BackgroundPart, openInBackground } from "./open_in_background.ts";

const logger = getLogger(["ua-harvest", "harvest"]);

// The S3 and SQS clients, the Redis client and the Elasticsearch client are loaded only
// by the runs that use them (dynamic imports, which `deno compile` still
// bundles): a harvest to stdout or a file, and `--help`, start without them.

/**
 * Connects to Redis when it is configured. An unreachable Redis is not an
 * error: the run goes on with the file lock and no episode cache, and this is
 * the one warning it gives. The caller owns (and quits) the connection.
 */
export async function connectConfiguredRedis(
  settings: HarvestSettings,
): Promise<RedisClient | null> {
  if (settings.cache.kind !== "redis") return null;
  try {
    const { connectRedis } = await import("../redis/connect_redis.ts");
    return await connectRedis({
      url: settings.cache.url,
      connectTimeoutMs: settings.deadlines.redisMs,
      commandTimeoutMs: settings.deadlines.redisMs,
      caCertPath: settings.cache.caCertPath,
    });
  } catch (error) {
    if (!(error instanceof UnreachableError)) throw error;
    logger.warn(
      "Redis unreachable, harvesting without the episode cache and with the file lock {path}: {reason}",
      { path: settings.lockFile, reason: error.message },
    );
    return null;
  }
}

/**
 * The engage node's client: one for the run, shared by the action source and
 * the episode lookups, so its request count is the run's.
 *
 * @param settings How to reach the engage node.
 * @param signal Cuts every request short (the run lost its lock): nothing
 * more is fetched.
 * @returns The client; `null` when no engage node is set (a Matomo source
 * without Opencast settings).
 */
export function openEngageClient(
  settings: Pick<HarvestSettings, "engage">,
  signal?: AbortSignal,
): OpencastClient | null {
  const { engage } = settings;
  if (engage === undefined) return null;
  return new OpencastClient({
    host: engage.host,
    user: engage.user,
    password: engage.password,
    auth: engage.auth,
    timeoutMs: engage.timeoutMs,
    maxAttempts: engage.maxAttempts,
    caCertPath: engage.caCertPath,
    nodeLabel: "engage",
    signal,
  });
}

/**
 * Takes the run lock before anything else is touched. The OS file lock beside
 * the state file always: it keeps runs on this machine apart even when one of
 * them finds Redis down. With an S3 checkpoint, which several machines may
 * share, also a Redis lock when Redis is reachable; it is taken first, so two
 * runs always contend for the same lock first.
 */
export async function acquireRunLock(
  settings: HarvestSettings,
  redis: RedisClient | null,
): Promise<RunLock> {
  await using stack = new AsyncDisposableStack();
  const held: RunLock[] = [];
  if (redis !== null && settings.checkpoint.kind === "s3") {
    const { acquireRedisRunLock } = await import("../lock/redis_run_lock.ts");
    held.push(stack.use(
      await acquireRedisRunLock({
        client: redis,
        key: redisLockKey(describeCheckpoint(settings)),
        ttlMs: settings.lockTtlSeconds * 1000,
        renewTimeoutMs: settings.deadlines.redisMs,
      }),
    ));
  }
  held.push(stack.use(await acquireFileRunLock({ path: settings.lockFile })));
  const locks = stack.move();
  const lost = held.flatMap((lock) => lock.lost ? [lock.lost] : []);
  return {
    description: held.map((lock) => lock.description).join(" and "),
    lost: lost.length > 0 ? AbortSignal.any(lost) : undefined,
    [Symbol.asyncDispose]: () => locks.disposeAsync(),
  };
}

/**
 * Opens the episode cache: Redis when configured, no cache when Redis was
 * configured but is down, else the embedded file.
 */
export async function openEpisodeCache(
  settings: HarvestSettings,
  redis: RedisClient | null,
): Promise<EpisodeCache> {
  const { cache } = settings;
  if (cache.kind === "sqlite") {
    try {
      return openSqliteEpisodeCache({ path: cache.path });
    } catch (error) {
      // A cache is an optimization: a broken one must not stop the harvest.
      logger.warn(
        "Cannot open the episode cache {path}, harvesting without it: {reason}",
        { path: cache.path, reason: (error as Error).message },
      );
      return createNullEpisodeCache();
    }
  }
  if (redis === null) return createNullEpisodeCache();
  const { createRedisEpisodeCache } = await import(
    "../cache/redis_episode_cache.ts"
  );
  return await createRedisEpisodeCache({ client: redis });
}

/** Describes where records would go, without opening anything (for dry runs and logs). */
export function describeOutput(
  settings: Pick<HarvestSettings, "output">,
): string {
  const { output } = settings;
  switch (output.kind) {
    case "stdout":
      return "stdout";
    case "file":
      return `file:${output.path}`;
    case "sqs":
      return `sqs:${redactUrl(output.queue)}`;
    case "es":
      return `es:${output.indexPrefix}*`;
  }
}

/** Options for {@linkcode openSink}. */
export interface OpenSinkOptions {
  /**
   * Resolves once the output may be created (a missing SQS queue); see
   * `SqsSinkOptions.createWhen`. @default {at once}
   */
  readonly createWhen?: Promise<unknown>;
  /** Aborts an SQS queue lookup in flight. @default {undefined} */
  readonly signal?: AbortSignal;
  /**
   * Where `--output -` writes, and the status line it writes around.
   * @default {the process's stdout, no status line}
   */
  readonly stdout?: Pick<StdoutSinkOptions, "output" | "statusLine">;
}

/**
 * Opens the sink the settings name; for a dry run, a sink that opens and
 * sends nothing and reports what it would have sent.
 *
 * @param settings The run's settings.
 * @param options Where `--output -` writes; when an SQS queue may be created.
 */
export async function openSink(
  settings: HarvestSettings,
  options: OpenSinkOptions = {},
): Promise<RecordSink> {
  if (settings.dryRun) {
    return createDryRunSink(describeOutput(settings), {
      moves: checkpointPolicy(settings).moves,
    });
  }
  const { output, aws } = settings;
  switch (output.kind) {
    case "stdout":
      return createStdoutSink(options.stdout);
    case "file":
      return await openFileSink({ path: output.path });
    case "sqs": {
      const { createSqsSink } = await import("../sinks/sqs_sink.ts");
      return await createSqsSink({
        queue: output.queue,
        region: aws.region,
        endpoint: aws.sqsEndpoint,
        ...(aws.credentials ? { credentials: aws.credentials } : {}),
        caCertPath: aws.caCertPath,
        maxPayloadBytes: output.maxPayloadBytes,
        fifoGroupId: fifoGroupId(output.fifoGroupBy),
        requestTimeoutMs: settings.deadlines.sqsMs,
        ...(options.createWhen ? { createWhen: options.createWhen } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    case "es": {
      const { createElasticsearchSink } = await import(
        "../sinks/elasticsearch_sink.ts"
      );
      return await createElasticsearchSink({
        elasticsearch: output.elasticsearch,
        indexPrefix: output.indexPrefix,
      });
    }
  }
}

/**
 * Starts opening the checkpoint store as the run starts: for S3, finding the
 * credentials and checking the bucket take longer than taking the lock beside them.
 * Nothing is read before the lock is held (the caller reads), and a missing
 * bucket is created only once `locked` resolves.
 */
export function startOpeningCheckpointStore(
  settings: HarvestSettings,
  { locked }: { readonly locked: Promise<unknown> },
): BackgroundPart<CheckpointStore> {
  return openInBackground((signal) =>
    openCheckpointStore(settings, { createWhen: locked, signal })
  );
}

/**
 * Starts opening the sink as the run starts. An SQS queue is looked up at
 * once (finding the credentials and the lookup take longer than the lock and the
 * checkpoint read beside them); a missing queue is created, and any other
 * output opened (a file is created by opening it), only once `ready`
 * resolves: the run holds its lock and has found its source, so a run that
 * stops before creates nothing downstream.
 */
export function startOpeningSink(
  settings: HarvestSettings,
  { ready, stdout }: {
    readonly ready: Promise<unknown>;
    readonly stdout?: OpenSinkOptions["stdout"];
  },
): BackgroundPart<RecordSink> {
  const lookupFirst = settings.output.kind === "sqs" && !settings.dryRun;
  return openInBackground(async (signal) => {
    if (!lookupFirst) await ready;
    return await openSink(settings, {
      createWhen: ready,
      signal,
      ...(stdout ? { stdout } : {}),
    });
  });
}

function fifoGroupId(field: "mpid" | "session_id" | "huid" | "none") {
  return (record: ActionRecord): string => {
    if (field === "none") return "ua-harvest";
    return String(record[field] ?? "none");
  };
}
