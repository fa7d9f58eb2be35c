import type { LockHolder } from "../lock/lock_holder.ts";
import type { RunRecord } from "../run_record/run_record.ts";

/**
 * What `ua-harvest status` found, as `--json` prints it. Times are ISO 8601
 * UTC, durations seconds.
 */
export interface StatusReport {
  /** When the status was taken. */
  readonly now: string;
  readonly checkpoint: CheckpointStatus;
  /** The run locks of this checkpoint: always the file lock, and the Redis lock for an S3 checkpoint with Redis. */
  readonly locks: readonly LockStatus[];
  /** The last `harvest` run; `null` when none was recorded. */
  readonly lastRun: RunRecord | null;
  /** The last `load_episodes` run; `null` when none was recorded. */
  readonly lastEpisodesRun: RunRecord | null;
  /** Why a last-run record could not be read, if it could not. */
  readonly lastRunError?: string;
}

/** Where the checkpoint stands. */
export interface CheckpointStatus {
  /** `s3://bucket/key` or the file. */
  readonly location: string;
  readonly kind: "file" | "s3";
  /** `missing`: no checkpoint yet (never ran); `unreadable`: see `error`. */
  readonly state: "ok" | "missing" | "unreadable";
  /**
   * The source whose position the checkpoint holds (`opencast`, `matomo`);
   * absent in a checkpoint written before sources were named.
   */
  readonly source?: string;
  /** The newest second delivered. */
  readonly timestamp?: string;
  /** How many action ids of that second it holds. */
  readonly idsInNewestSecond?: number;
  /**
   * How far the harvest read, when the checkpoint's mark stands behind it
   * (Matomo's overlap); the lag is measured from here then.
   */
  readonly reached?: string;
  /** How far the checkpoint is behind now. */
  readonly lagSeconds?: number;
  readonly error?: string;
}

/** One run lock. */
export interface LockStatus {
  readonly kind: "file" | "redis";
  /** The lock file or the Redis key. */
  readonly name: string;
  /** `unknown` when it could not be checked (Redis down; see `error`). */
  readonly state: "free" | "held" | "unknown";
  readonly holder?: LockHolder;
  /** A Redis lock expires this soon unless its holder renews it. */
  readonly expiresInSeconds?: number;
  readonly error?: string;
}
