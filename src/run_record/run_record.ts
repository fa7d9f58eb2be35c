/**
 * The last-run record: how the latest `harvest` or `load_episodes` run
 * ended, kept beside the checkpoint (`<checkpoint>.last-run.json`, or
 * `<KEY>.last-run.json` in the checkpoint's S3 bucket) and read by
 * `ua-harvest status`. It never holds a secret: settings are not in it, and
 * error lines are the one-line messages the tool logs (which name no
 * password or token).
 *
 * ```json
 * {"version":1,"command":"harvest","toolVersion":"0.1.0","host":"h1","pid":4242,
 *  "startedAt":"2024-05-01T12:00:00.000Z","endedAt":"2024-05-01T12:00:03.500Z","durationSeconds":3.5,
 *  "exitCode":0,"window":{"start":"2024-05-01T11:58:00Z","end":"2024-05-01T12:00:00Z"},
 *  "checkpoint":"2024-05-01T11:59:58Z","counts":{"actionsDelivered":1200,"pagesFetched":2,…},
 *  "lastSuccessAt":"2024-05-01T12:00:03.500Z","totals":{"runs":812,"failedRuns":3,"actionsDelivered":970000,…}}
 * ```
 */
export interface RunRecord {
  /** Format version: {@linkcode RUN_RECORD_VERSION}. */
  readonly version: 1;
  readonly command: RunCommand;
  /** The tool's version (`ua-harvest --version`). */
  readonly toolVersion: string;
  /** Where it ran. */
  readonly host?: string;
  readonly pid: number;
  /** ISO 8601 UTC. */
  readonly startedAt: string;
  /** ISO 8601 UTC. */
  readonly endedAt: string;
  readonly durationSeconds: number;
  /**
   * The process exit code (0 success, 11 the state could not be written and
   * nothing was sent, 12 records delivered but not recorded, 130/143 stopped
   * by a signal; every code in `--help` and `EXIT_CODES`).
   */
  readonly exitCode: number;
  /** The one-line error of a failed or stopped run. */
  readonly error?: string;
  /** The harvest window (UTC), once it was resolved. */
  readonly window?: { readonly start: string; readonly end: string };
  /** The checkpoint when the run ended (UTC); `null` when there is none. */
  readonly checkpoint?: string | null;
  /**
   * What the run read (`ActionSource.variant`): the Opencast API variant it
   * detected or was told (`dce`, `upstream`), or `matomo`. The name is from
   * before the Matomo source; `status` prints it as the source.
   */
  readonly opencastVariant?: string;
  /** What this run did (names in {@linkcode RUN_COUNTS}). */
  readonly counts: Readonly<Record<string, number>>;
  /** When the latest successful run (exit 0) of this command ended, this one or an earlier one. */
  readonly lastSuccessAt?: string;
  /**
   * Sums over every recorded run of this command: `runs`, `failedRuns` and
   * each count. They make the metrics true Prometheus counters.
   */
  readonly totals: Readonly<Record<string, number>>;
}

/** The commands that keep a last-run record. */
export type RunCommand = "harvest" | "load_episodes";

/** The format version written. */
export const RUN_RECORD_VERSION = 1;

/** The counts each command records, by command. */
export const RUN_COUNTS = {
  harvest: [
    "actionsDelivered",
    "pagesFetched",
    "episodeRequests",
    "episodeCacheHits",
    "recordsRejected",
  ],
  load_episodes: [
    "episodesFound",
    "episodesIndexed",
    "workflowsFetched",
    "documentsRejected",
  ],
} as const satisfies Record<RunCommand, readonly string[]>;
