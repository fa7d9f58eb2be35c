/**
 * The error classes modules throw for failures a person can act on. Only
 * `main.ts` turns them into a one-line message and an exit code; nothing below
 * it exits the process.
 *
 * @module
 */

/** Exit codes, documented in the README and in `--help`. */
export const EXIT_CODES = {
  /** Everything was delivered (or there was nothing to deliver). */
  ok: 0,
  /** An unexpected failure (a bug, or an error nobody classified). */
  failure: 1,
  /** Bad flags, a bad `.env`, or a missing required setting. */
  usage: 2,
  /** Opencast, AWS or Elasticsearch refused the credentials. */
  authentication: 3,
  /** A service could not be reached after retries. */
  unreachable: 4,
  /** A service answered something the tool cannot use. */
  apiContract: 5,
  /** The window is longer than `MAX_START_END_SPAN`. */
  spanExceeded: 6,
  /** Some records or documents were not accepted downstream. */
  delivery: 7,
  /** Another run holds the lock for this checkpoint. */
  locked: 8,
  /** The engage node has no usertracking service (the plugin is off or removed). */
  usertrackingMissing: 9,
  /** Writing the output (stdout, a file) failed: nothing after it counts as delivered. */
  output: 10,
  /** The checkpoint or the run lock cannot be written (read-only, full, no permission): nothing was sent. */
  stateUnwritable: 11,
  /** Records were delivered but the checkpoint could not be saved: the next run repeats them. */
  unrecorded: 12,
  /** Stopped by SIGINT after saving the checkpoint. */
  interrupted: 130,
  /** Stopped by SIGTERM after saving the checkpoint. */
  terminated: 143,
} as const;

/**
 * The exit code of a run a signal stopped, from the signal's abort reason:
 * 130 for SIGINT, 143 for SIGTERM (and any other reason).
 */
export function signalExitCode(reason: unknown): number {
  return reason === "SIGINT" ? EXIT_CODES.interrupted : EXIT_CODES.terminated;
}

/**
 * What each exit code means, in a few words: the end of every fatal line
 * (`ua-harvest: … (exit 4: a service was unreachable)`), so a cron log says
 * what kind of failure it was without the table at hand.
 */
export const EXIT_CODE_MEANINGS: Readonly<Record<number, string>> = {
  [EXIT_CODES.ok]: "done",
  [EXIT_CODES.failure]:
    "unexpected failure, please report it with --log-level debug output",
  [EXIT_CODES.usage]: "bad flags or settings",
  [EXIT_CODES.authentication]: "authentication failed",
  [EXIT_CODES.unreachable]: "a service was unreachable or did not answer",
  [EXIT_CODES.apiContract]: "a service answered something unusable",
  [EXIT_CODES.spanExceeded]: "the window is longer than MAX_START_END_SPAN",
  [EXIT_CODES.delivery]: "some records were not accepted downstream",
  [EXIT_CODES.locked]: "another run holds or took the lock",
  [EXIT_CODES.usertrackingMissing]: "the engage node has no usertracking",
  [EXIT_CODES.output]: "writing the output failed",
  [EXIT_CODES.stateUnwritable]:
    "the checkpoint or lock cannot be written, nothing was sent",
  [EXIT_CODES.unrecorded]:
    "records were delivered but not recorded, the next run repeats them",
  [EXIT_CODES.interrupted]: "stopped by SIGINT",
  [EXIT_CODES.terminated]: "stopped by SIGTERM",
};

/** The base of every error the tool reports as a single line. */
export class UaHarvestError extends Error {
  /** The process exit code `main.ts` uses for this error. */
  readonly exitCode: number;

  /** Creates an error with a message, an exit code and an optional cause. */
  constructor(message: string, exitCode: number, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A flag, a `.env` line or a setting is missing or malformed. */
export class ConfigError extends UaHarvestError {
  /** Creates a configuration error (exit code 2). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.usage, options);
  }
}

/** A service refused the credentials it was given. */
export class AuthenticationError extends UaHarvestError {
  /** Creates an authentication error (exit code 3). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.authentication, options);
  }
}

/** A service could not be reached, or kept failing after every retry. */
export class UnreachableError extends UaHarvestError {
  /** Creates an unreachable-service error (exit code 4). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.unreachable, options);
  }
}

/** A service answered with something that breaks its documented contract. */
export class ApiContractError extends UaHarvestError {
  /** Creates an API contract error (exit code 5). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.apiContract, options);
  }
}

/** The harvest window is longer than the configured maximum span. */
export class SpanExceededError extends UaHarvestError {
  /** Creates a span error (exit code 6). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.spanExceeded, options);
  }
}

/** Records or documents were not accepted downstream after retries. */
export class DeliveryError extends UaHarvestError {
  /** Creates a delivery error (exit code 7). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.delivery, options);
  }
}

/** Another run holds the lock for the same checkpoint. */
export class LockedError extends UaHarvestError {
  /** Creates a lock error (exit code 8). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.locked, options);
  }
}

/**
 * Another run held the lock when this one started: it was turned away before
 * touching anything (exit code 8, like any lock failure).
 */
export class LockHeldError extends LockedError {}

/** The engage node answers 404 for `/usertracking/*`: the plugin is off or gone. */
export class UsertrackingMissingError extends UaHarvestError {
  /** Creates a missing-usertracking error (exit code 9). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.usertrackingMissing, options);
  }
}

/** Writing records to stdout or a file failed (closed stream, broken pipe, full disk). */
export class OutputError extends UaHarvestError {
  /** Creates an output error (exit code 10). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.output, options);
  }
}

/**
 * The checkpoint or the run lock cannot be written (a read-only or full state
 * directory, no permission, an S3 key the credentials may not write). Found
 * before anything is sent, so nothing was.
 */
export class StateError extends UaHarvestError {
  /** Creates a state error (exit code 11). */
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT_CODES.stateUnwritable, options);
  }
}

/**
 * Records were delivered but the checkpoint that covers them could not be
 * saved: the next run delivers them again.
 */
export class UnrecordedDeliveryError extends UaHarvestError {
  /** How many records were delivered and not recorded. */
  readonly records: number;

  /** Creates an unrecorded-delivery error (exit code 12). */
  constructor(message: string, records: number, options?: ErrorOptions) {
    super(message, EXIT_CODES.unrecorded, options);
    this.records = records;
  }
}
