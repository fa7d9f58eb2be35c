import {
  RUN_RECORD_VERSION,
  type RunCommand,
  type RunRecord,
} from "./run_record.ts";

/** What one run reports about itself. */
export interface RunOutcome {
  readonly command: RunCommand;
  readonly toolVersion: string;
  readonly host?: string;
  readonly pid: number;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly exitCode: number;
  readonly error?: string;
  readonly window?: RunRecord["window"];
  readonly checkpoint?: string | null;
  readonly opencastVariant?: string;
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * Builds this run's record, carrying forward from the previous one (of the
 * same command) when the last success was, the totals, and the checkpoint
 * when this run does not know it. Pure.
 *
 * @param previous The stored record, or `null` (first run, or unreadable).
 * @param run This run.
 */
export function nextRunRecord(
  previous: RunRecord | null,
  run: RunOutcome,
): RunRecord {
  const carried = previous?.command === run.command ? previous : null;
  const succeeded = run.exitCode === 0;
  const endedAt = run.endedAt.toISOString();
  const totals: Record<string, number> = { ...carried?.totals };
  const add = (name: string, value: number) =>
    totals[name] = (totals[name] ?? 0) + value;
  add("runs", 1);
  add("failedRuns", succeeded ? 0 : 1);
  for (const [name, value] of Object.entries(run.counts)) add(name, value);
  const lastSuccessAt = succeeded ? endedAt : carried?.lastSuccessAt;
  const checkpoint = run.checkpoint !== undefined
    ? run.checkpoint
    : carried?.checkpoint;
  return {
    version: RUN_RECORD_VERSION,
    command: run.command,
    toolVersion: run.toolVersion,
    ...(run.host === undefined ? {} : { host: run.host }),
    pid: run.pid,
    startedAt: run.startedAt.toISOString(),
    endedAt,
    durationSeconds: Math.max(
      0,
      (run.endedAt.getTime() - run.startedAt.getTime()) / 1000,
    ),
    exitCode: run.exitCode,
    ...(run.error === undefined ? {} : { error: run.error }),
    ...(run.window === undefined ? {} : { window: run.window }),
    // A run that failed before reading the checkpoint (the lock was held)
    // did not move it: the previous run's word still stands.
    ...(checkpoint === undefined ? {} : { checkpoint }),
    ...(run.opencastVariant === undefined
      ? {}
      : { opencastVariant: run.opencastVariant }),
    counts: { ...run.counts },
    ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
    totals,
  };
}
