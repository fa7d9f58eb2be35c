/**
 * Opens the checkpoint store the settings name (S3 when a bucket and key are
 * set, else the local file); also used for the last-run records beside it.
 *
 * @module
 */
import type {
  AwsSettings,
  CheckpointSettings,
  ServiceDeadlines,
} from "../config/settings.ts";
import type { CheckpointStore } from "./checkpoint_store.ts";
import { createFileCheckpointStore } from "./file_checkpoint_store.ts";

/** Where the checkpoint lives, as stores describe it; names the run lock. */
export function describeCheckpoint(
  settings: { readonly checkpoint: CheckpointSettings },
): string {
  const { checkpoint } = settings;
  return checkpoint.kind === "s3"
    ? `s3://${checkpoint.bucket}/${checkpoint.key}`
    : checkpoint.path;
}

/** What {@linkcode openCheckpointStore} reads of a command's settings. */
export interface OpenCheckpointStoreSettings {
  readonly checkpoint: CheckpointSettings;
  readonly aws: AwsSettings;
  /** The run's S3 deadline. @default {the S3 store's own} */
  readonly deadlines?: Pick<ServiceDeadlines, "s3Ms">;
  /** A dry run creates nothing. @default false */
  readonly dryRun?: boolean;
}

/** Options for {@linkcode openCheckpointStore}. */
export interface OpenCheckpointStoreOptions {
  /**
   * Whether a missing S3 bucket is created.
   * @default {true, but false for a dry run, which creates nothing}
   */
  readonly create?: boolean;
  /**
   * Resolves once a missing S3 bucket may be created (the run holds its
   * lock); see `S3CheckpointStoreOptions.createWhen`. @default {at once}
   */
  readonly createWhen?: Promise<unknown>;
  /** Aborts the S3 store's opening requests. @default {undefined} */
  readonly signal?: AbortSignal;
}

/** Opens the checkpoint store: S3 when a bucket and key are set, else the local file. */
export async function openCheckpointStore(
  settings: OpenCheckpointStoreSettings,
  options: OpenCheckpointStoreOptions = {},
): Promise<CheckpointStore> {
  const { checkpoint, aws } = settings;
  const { create = !settings.dryRun } = options;
  if (checkpoint.kind === "s3") {
    const { createS3CheckpointStore } = await import(
      "./s3_checkpoint_store.ts"
    );
    return await createS3CheckpointStore({
      bucket: checkpoint.bucket,
      key: checkpoint.key,
      region: aws.region,
      endpoint: aws.s3Endpoint,
      forcePathStyle: aws.s3ForcePathStyle,
      ...(aws.credentials ? { credentials: aws.credentials } : {}),
      caCertPath: aws.caCertPath,
      createBucket: create,
      ...(options.createWhen ? { createWhen: options.createWhen } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      // Without the harvest's settings (status, last-run records): the
      // store's own default deadline.
      ...(settings.deadlines
        ? { requestTimeoutMs: settings.deadlines.s3Ms }
        : {}),
    });
  }
  return createFileCheckpointStore({ path: checkpoint.path });
}
