import { getLogger } from "@logtape/logtape";
import type {
  AwsSettings,
  CheckpointSettings,
  ServiceDeadlines,
} from "../config/settings.ts";
import {
  describeCheckpoint,
  openCheckpointStore,
} from "../checkpoint/open_checkpoint_store.ts";
import { replaceFileAtomically } from "../util/replace_file_atomically.ts";
import { redactUrl } from "../util/redact_url.ts";
import type { RunCommand, RunRecord } from "./run_record.ts";
import { nextRunRecord, type RunOutcome } from "./next_run_record.ts";
import { parseRunRecord } from "./parse_run_record.ts";
import { describeFailure } from "./describe_failure.ts";
import { LockHeldError, UnreachableError } from "../errors.ts";

const logger = getLogger(["ua-harvest", "ops"]);

/** Options for {@linkcode recordRun}. */
export interface RecordRunOptions {
  readonly command: RunCommand;
  /** The tool's version. */
  readonly version: string;
  /**
   * Where the last-run record lives (see `runRecordLocation`) and how to
   * reach S3; `undefined` keeps no record.
   *
   * @default {undefined}
   */
  readonly record?: {
    readonly location: CheckpointSettings;
    readonly aws: AwsSettings;
    /**
     * The run's service deadlines, so a frozen S3 cannot hold the record
     * write longer than it held the run.
     *
     * @default {the S3 store's own}
     */
    readonly deadlines?: ServiceDeadlines;
  };
  /** `--metrics-file`. @default {undefined} */
  readonly metricsFile?: string;
  /** `--metrics-push`. @default {undefined} */
  readonly metricsPush?: string;
  /** The run's stop signal: a rejection with its reason is a stop (130/143). */
  readonly signal?: AbortSignal;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Deadline of the Pushgateway push. @default 5000 */
  readonly pushTimeoutMs?: number;
  /** CAs trusted in addition to the system's for the push (`UA_HARVEST_CA_CERT`). */
  readonly caCertPath?: string | undefined;
  /**
   * Applied to the error line before it is recorded: masks the secrets of
   * the settings (see `maskSecrets()`). @default {the line as it is}
   */
  readonly redact?: (text: string) => string;
}

/** What a run knows about itself when it ends, finished or not. */
export interface RunFacts {
  readonly counts: Readonly<Record<string, number>>;
  readonly window?: RunRecord["window"];
  readonly checkpoint?: string | null;
  readonly opencastVariant?: string;
}

/**
 * Runs a command and then, however it ended (except turned away by the run
 * lock: exit 8), keeps its last-run record (read, carried forward, replaced
 * atomically), rewrites the metrics file and pushes the metrics. None of that can change the run's outcome: each
 * part that fails (the record's storage, the file, the gateway) is one
 * warning. Returns the run's exit code or rethrows its error.
 *
 * @param options Where the record and metrics go.
 * @param run The command; resolves to its exit code.
 * @param facts Called once the run ended: its counts so far.
 */
export async function recordRun(
  options: RecordRunOptions,
  run: () => Promise<number>,
  facts: () => RunFacts,
): Promise<number> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  let exitCode: number;
  let error: string | undefined;
  let failed = false;
  let failure: unknown;
  try {
    exitCode = await run();
    if (exitCode !== 0 && options.signal?.aborted) {
      error = `Stopped by ${String(options.signal.reason)}`;
    }
  } catch (thrown) {
    failed = true;
    failure = thrown;
    ({ exitCode, line: error } = describeFailure(thrown, options.signal));
    error = options.redact?.(error) ?? error;
  }
  const endedAt = now();
  if (failure instanceof LockHeldError) {
    // Turned away by the lock: the record and the metrics belong to the run
    // that holds it, which writes its own; an overlapping cron run must not
    // pass for the job. A run that lost its lock (or was fenced) after
    // delivering records is recorded like any failure.
    logger.debug("Not recording a run without the lock");
    throw failure;
  }
  let reported: RunFacts = { counts: {} };
  try {
    reported = facts();
  } catch {
    // Counts are information: a run that never got far has none.
  }
  await keep(options, {
    command: options.command,
    toolVersion: options.version,
    host: hostname(),
    pid: Deno.pid,
    startedAt,
    endedAt,
    exitCode,
    ...(error === undefined ? {} : { error }),
    ...reported,
  });
  if (failed) throw failure;
  return exitCode;
}

async function keep(options: RecordRunOptions, run: RunOutcome) {
  let record: RunRecord | undefined;
  const where = options.record?.location;
  const description = where && describeCheckpoint({ checkpoint: where });
  if (options.record && where && description) {
    try {
      if (failedOnStorage(run, where)) {
        // The run failed on the very storage the record goes to: trying
        // again would only add the same deadline to a failed run.
        throw new Error(
          "the run failed on this storage itself, so it keeps no record",
        );
      }
      await using store = await openCheckpointStore(
        {
          checkpoint: where,
          aws: options.record.aws,
          ...(options.record.deadlines
            ? { deadlines: options.record.deadlines }
            : {}),
        },
        { create: false },
      );
      let previous: RunRecord | null = null;
      try {
        const text = await store.load();
        previous = text === null ? null : parseRunRecord(text, description);
      } catch (error) {
        // A storage that cannot be reached will not take the write either.
        if (error instanceof UnreachableError) throw error;
        logger.warn("{reason}", { reason: (error as Error).message });
      }
      record = nextRunRecord(previous, run);
      await store.save(`${JSON.stringify(record)}\n`);
      logger.debug("Saved the last-run record {record}", {
        record: description,
      });
    } catch (error) {
      logger.warn(
        "Could not write the last-run record {record}: {reason}",
        { record: description, reason: (error as Error).message },
      );
    }
  }
  record ??= nextRunRecord(null, run);
  // prom-client is loaded only by the runs that write or push metrics.
  const { runMetricsRegistry } = options.metricsFile !== undefined ||
      options.metricsPush !== undefined
    ? await import("./run_metrics_registry.ts")
    : { runMetricsRegistry: undefined };
  if (options.metricsFile !== undefined && runMetricsRegistry) {
    try {
      const text = await runMetricsRegistry(record, {
        labels: { command: run.command },
      }).metrics();
      await replaceFileAtomically(options.metricsFile, text);
    } catch (error) {
      logger.warn("Could not write the metrics file {path}: {reason}", {
        path: options.metricsFile,
        reason: (error as Error).message,
      });
    }
  }
  if (options.metricsPush !== undefined && runMetricsRegistry) {
    try {
      const { pushMetrics } = await import("./push_metrics.ts");
      await pushMetrics({
        url: options.metricsPush,
        registry: runMetricsRegistry(record),
        command: run.command,
        timeoutMs: options.pushTimeoutMs,
        caCertPath: options.caCertPath,
      });
    } catch (error) {
      logger.warn("Could not push metrics to {gateway}: {reason}", {
        gateway: redactUrl(options.metricsPush),
        reason: (error as Error).message,
      });
    }
  }
}

function hostname(): string | undefined {
  try {
    return Deno.hostname();
  } catch {
    return undefined;
  }
}

/** Whether the run's error names the S3 bucket the record would go to. */
function failedOnStorage(run: RunOutcome, where: CheckpointSettings): boolean {
  if (where.kind !== "s3" || run.error === undefined) return false;
  // The record goes to the same S3, with the same credentials: an S3 that
  // did not answer, or no credentials for it, fails the record the same way
  // (the bucket check names the bucket, not an s3:// URL).
  if (
    /\b(Cannot reach S3|Found no AWS credentials for S3) while\b/.test(
      run.error,
    )
  ) {
    return true;
  }
  return run.error.includes(`s3://${where.bucket}/`) &&
    /Cannot reach|timed out|unreachable/i.test(run.error);
}
