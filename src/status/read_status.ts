import type {
  AwsSettings,
  ServiceDeadlines,
  StateSettings,
} from "../config/settings.ts";
import {
  describeCheckpoint,
  openCheckpointStore,
} from "../checkpoint/open_checkpoint_store.ts";
import { loadCheckpoint } from "../checkpoint/load_checkpoint.ts";
import {
  readFileLockHolder,
  readRedisLockHolder,
} from "../lock/read_lock_holder.ts";
import { redisLockKey } from "../lock/lock_holder.ts";
import { runRecordLocation } from "../run_record/run_record_location.ts";
import { parseRunRecord } from "../run_record/parse_run_record.ts";
import type { RunCommand, RunRecord } from "../run_record/run_record.ts";
import type {
  CheckpointStatus,
  LockStatus,
  StatusReport,
} from "./status_report.ts";

/** What {@linkcode readStatus} looks at. */
export interface ReadStatusOptions {
  /** Where the state lives, resolved as for `harvest`. */
  readonly state: StateSettings;
  readonly aws: AwsSettings;
  /** The Opencast server's zone, for a checkpoint in the original's bare format. */
  readonly zone: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** How long to wait for Redis: to connect, and for each command. @default 2000 */
  readonly redisTimeoutMs?: number;
  /**
   * How long to wait for one S3 request. Short, so that the store's three
   * attempts end within a monitoring agent's usual 10 s (check_nrpe) and a
   * frozen S3 is reported as such rather than as the agent's timeout.
   *
   * @default {STATUS_S3_TIMEOUT_MS}
   */
  readonly s3TimeoutMs?: number;
  /** CAs trusted in addition to the system's for `rediss://` (`UA_HARVEST_CA_CERT`). */
  readonly caCertPath?: string;
}

/** One S3 request of `status`: three attempts stay under 10 s. */
export const STATUS_S3_TIMEOUT_MS = 2500;

/**
 * Gathers the status: the checkpoint, the run locks and the last-run
 * records. Reads only (creates no bucket, takes no lock) and never asks
 * Opencast. Never throws for what it finds: a part it cannot read is
 * reported with the reason.
 */
export async function readStatus(
  options: ReadStatusOptions,
): Promise<StatusReport> {
  const now = (options.now ?? (() => new Date()))();
  const [checkpoint, locks, harvest, episodes] = await Promise.all([
    readCheckpoint(options, now),
    readLocks(options),
    readRecord(options, "harvest"),
    readRecord(options, "load_episodes"),
  ]);
  const lastRunError = harvest.error ?? episodes.error;
  return {
    now: now.toISOString(),
    checkpoint,
    locks,
    lastRun: harvest.record,
    lastEpisodesRun: episodes.record,
    ...(lastRunError === undefined ? {} : { lastRunError }),
  };
}

async function readCheckpoint(
  options: ReadStatusOptions,
  now: Date,
): Promise<CheckpointStatus> {
  const { checkpoint } = options.state;
  const base = {
    location: describeCheckpoint({ checkpoint }),
    kind: checkpoint.kind,
  } as const;
  try {
    await using store = await openCheckpointStore(
      { checkpoint, aws: options.aws, deadlines: deadlines(options) },
      { create: false },
    );
    const parsed = await loadCheckpoint(store, options.zone);
    if (parsed === null) return { ...base, state: "missing" };
    return {
      ...base,
      state: "ok",
      ...(parsed.source === undefined ? {} : { source: parsed.source }),
      timestamp: parsed.timestamp.toString(),
      idsInNewestSecond: parsed.ids.length,
      ...(parsed.reached === undefined
        ? {}
        : { reached: parsed.reached.toString() }),
      lagSeconds: Math.max(
        0,
        (now.getTime() -
          (parsed.reached ?? parsed.timestamp).epochMilliseconds) / 1000,
      ),
    };
  } catch (error) {
    return {
      ...base,
      state: "unreadable",
      error: (error as Error).message,
    };
  }
}

async function readLocks(
  options: ReadStatusOptions,
): Promise<LockStatus[]> {
  const { state } = options;
  const locks: Promise<LockStatus>[] = [];
  if (state.redisUrl !== undefined && state.checkpoint.kind === "s3") {
    locks.push(readRedisLock(options, state.redisUrl));
  }
  locks.push(readFileLock(state.lockFile));
  return await Promise.all(locks);
}

async function readRedisLock(
  options: ReadStatusOptions,
  url: string,
): Promise<LockStatus> {
  const name = redisLockKey(describeCheckpoint(options.state));
  try {
    // The Redis client is loaded only when a Redis lock is to be read.
    const { connectRedis } = await import("../redis/connect_redis.ts");
    const timeoutMs = options.redisTimeoutMs ?? 2000;
    // Every command, and the goodbye, within the same deadline as the
    // connection: a monitoring check must not wait out the harvest's 5 s.
    const client = await connectRedis({
      url,
      connectTimeoutMs: timeoutMs,
      commandTimeoutMs: timeoutMs,
      caCertPath: options.caCertPath,
    });
    try {
      const found = await readRedisLockHolder(client, name);
      return found === null ? { kind: "redis", name, state: "free" } : {
        kind: "redis",
        name,
        state: "held",
        holder: found.holder,
        ...(found.expiresInMs === undefined
          ? {}
          : { expiresInSeconds: found.expiresInMs / 1000 }),
      };
    } finally {
      await client.quit();
    }
  } catch (error) {
    return {
      kind: "redis",
      name,
      state: "unknown",
      error: (error as Error).message,
    };
  }
}

async function readFileLock(path: string): Promise<LockStatus> {
  try {
    const holder = await readFileLockHolder(path);
    return holder === null
      ? { kind: "file", name: path, state: "free" }
      : { kind: "file", name: path, state: "held", holder };
  } catch (error) {
    return {
      kind: "file",
      name: path,
      state: "unknown",
      error: (error as Error).message,
    };
  }
}

async function readRecord(
  options: ReadStatusOptions,
  command: RunCommand,
): Promise<{ record: RunRecord | null; error?: string }> {
  const location = runRecordLocation(options.state.checkpoint, command);
  try {
    await using store = await openCheckpointStore(
      { checkpoint: location, aws: options.aws, deadlines: deadlines(options) },
      { create: false },
    );
    const text = await store.load();
    return {
      record: text === null
        ? null
        : parseRunRecord(text, describeCheckpoint({ checkpoint: location })),
    };
  } catch (error) {
    return { record: null, error: (error as Error).message };
  }
}

/** The deadline of `status`'s S3 reads. */
function deadlines(options: ReadStatusOptions): Pick<ServiceDeadlines, "s3Ms"> {
  return { s3Ms: options.s3TimeoutMs ?? STATUS_S3_TIMEOUT_MS };
}
