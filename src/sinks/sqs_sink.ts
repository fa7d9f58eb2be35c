/**
 * The SQS sink: each record becomes one message (`JSON.stringify(record)`),
 * sent with `SendMessageBatch`, several batches in flight, failed entries
 * resent with backoff. A page is delivered only when SQS accepted every record.
 * Requests go through the small fetch-based `SqsClient` of `src/aws/` (the
 * AWS SDK is not loaded).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { ActionRecord } from "../record/action_record.ts";
import {
  ApiContractError,
  ConfigError,
  DeliveryError,
  type UaHarvestError,
} from "../errors.ts";
import {
  awsClientConfig,
  checkAwsClientOptions,
} from "../aws/aws_client_config.ts";
import type { AwsCredentials } from "../aws/aws_credentials.ts";
import {
  createSqsClient,
  type SqsBatchEntry,
  type SqsClient,
} from "../aws/sqs_client.ts";
import {
  DEFAULT_AWS_REGION,
  DEFAULT_SQS_MAX_PAYLOAD_BYTES,
} from "../config/defaults.ts";
import {
  type AwsErrorClass,
  classifyAwsError,
} from "../aws/classify_aws_error.ts";
import { awsFailure, describeAwsLocation } from "../aws/aws_failure.ts";
import { mapConcurrent } from "../util/map_concurrent.ts";
import { retry } from "../util/retry.ts";
import { createSendPacer, type SendPacer } from "../util/send_pacer.ts";
import { resendRefused, type Throttling } from "../util/resend_refused.ts";
import type { RecordSink } from "./record_sink.ts";
import {
  buildSqsEntries,
  describeActionIds,
  planSqsBatches,
  SQS_MAX_PAYLOAD_BYTES,
  type SqsEntry,
} from "./_sqs_batches.ts";
import {
  classifySqsBatchResult,
  isSqsThrottling,
  type SqsEntryFailure,
} from "./_sqs_retry.ts";
import { echoValue } from "../util/echo_value.ts";
import { plural } from "../util/plural.ts";
import { oneLine } from "../util/one_line.ts";
import { redactUrl } from "../util/redact_url.ts";

const QUEUE_NAME_REGEXP =
  /^[A-Za-z0-9_-]{1,75}(\.fifo)?$|^[A-Za-z0-9_-]{1,80}$/;
const MAX_IN_FLIGHT_LIMIT = 100;
const MAX_ATTEMPTS_LIMIT = 100;
const MAX_BACKOFF_MS = 10_000;

/** Options for {@linkcode createSqsSink}. */
export interface SqsSinkOptions {
  /**
   * The queue: a name (looked up with `GetQueueUrl`, created when missing) or
   * a full queue URL (used as given). A name ending in `.fifo` is a FIFO queue.
   */
  readonly queue: string;
  /**
   * The AWS region.
   *
   * @default {@linkcode DEFAULT_AWS_REGION}
   */
  readonly region?: string;
  /**
   * An SQS endpoint replacing AWS's (`AWS_ENDPOINT_URL_SQS`, else
   * `AWS_ENDPOINT_URL`). When unset and `queue` is a URL, that URL's origin.
   *
   * @default {undefined}
   */
  readonly endpoint?: string;
  /**
   * The most bytes of message bodies in one `SendMessageBatch` call; one
   * record larger than this cannot be sent. At most 1048576.
   *
   * @default {@linkcode DEFAULT_SQS_MAX_PAYLOAD_BYTES}
   */
  readonly maxPayloadBytes?: number;
  /**
   * Batches sent in parallel.
   *
   * @default {4}
   */
  readonly maxInFlight?: number;
  /**
   * Attempts per batch (and per queue lookup) before the page fails.
   *
   * @default {5}
   */
  readonly maxAttempts?: number;
  /**
   * The deadline of one SQS call (`--sqs-timeout`); each of the
   * `maxAttempts` gets its own.
   *
   * @default {10000}
   */
  readonly requestTimeoutMs?: number;
  /**
   * A PEM bundle of CAs trusted in addition to the system's
   * (`UA_HARVEST_CA_CERT`).
   *
   * @default {undefined}
   */
  readonly caCertPath?: string | undefined;
  /**
   * The ceiling of the first resend's wait; it doubles each attempt, up to
   * 10 s, with full jitter. Throttling instead slows the whole sink by an
   * adaptive delay that starts here and shrinks again once SQS accepts.
   *
   * @default {200}
   */
  readonly initialBackoffMs?: number;
  /**
   * The message group of a record on a FIFO queue.
   *
   * @default {(record) => record.mpid}
   */
  readonly fifoGroupId?: (record: ActionRecord) => string;
  /**
   * A client to use instead of creating one (`createSqsClient()`). `region`
   * and `endpoint` then only appear in messages.
   *
   * @default {undefined}
   */
  readonly client?: SqsClient;
  /**
   * Keys to sign with; the credential chain (environment, shared files, web
   * identity, container, instance role) when left out.
   *
   * @default {undefined}
   */
  readonly credentials?: AwsCredentials | undefined;
  /**
   * Creates the queue when a queue name is not found (as the original did).
   *
   * @default {true}
   */
  readonly createQueue?: boolean;
  /**
   * Resolves once a missing queue may be created: a harvest looks the queue
   * up while it starts, and creates nothing before it holds its lock and has
   * found its source. A rejection stops the opening with its reason.
   *
   * @default {at once}
   */
  readonly createWhen?: Promise<unknown>;
  /**
   * Aborts the queue lookup (and creation) in flight: the run that started
   * it ended first. The opening then rejects with the signal's reason.
   *
   * @default {undefined}
   */
  readonly signal?: AbortSignal;
}

/**
 * Creates the SQS sink: checks the options, resolves the queue URL (creating
 * the queue when missing and allowed), and returns a sink that sends pages.
 *
 * Logs (category `["ua-harvest", "sqs"]`): info when it creates the queue;
 * warn when a page needed resends and was then delivered; debug otherwise.
 *
 * @example Send to a queue by name
 * ```ts ignore
 * await using sink = await createSqsSink({ queue: "ua-harvest-actions" });
 * await sink.deliver(records);
 * ```
 *
 * @param options The queue, region, endpoint, limits and retry settings.
 * @returns The sink.
 * @throws {ConfigError} when an option is invalid, or the queue is missing
 * and `createQueue` is `false`, or SQS refuses the queue name.
 * @throws {AuthenticationError} when AWS refuses the credentials.
 * @throws {UnreachableError} when SQS cannot be reached after retries.
 */
export async function createSqsSink(
  options: SqsSinkOptions,
): Promise<RecordSink> {
  const settings = parseSqsSinkOptions(options);
  // The sink runs its own attempts: the client makes one per call.
  const client = options.client ??
    createSqsClient(awsClientConfig("SQS", {
      region: settings.region,
      // Only an endpoint that was set: a queue URL's calls go to its origin.
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.caCertPath ? { caCertPath: options.caCertPath } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.requestTimeoutMs === undefined
        ? {}
        : { requestTimeoutMs: options.requestTimeoutMs }),
    }));
  const queueUrl = settings.queueUrl ??
    await resolveQueueUrl(client, settings, options);
  return new SqsSink(client, queueUrl, settings);
}

/** The checked options, every default filled in. */
interface SqsSettings {
  readonly queueName: string;
  /** Set when the option was a URL. */
  readonly queueUrl?: string;
  readonly fifo: boolean;
  readonly region: string;
  readonly endpoint?: string;
  readonly maxPayloadBytes: number;
  readonly maxInFlight: number;
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly fifoGroupId?: (record: ActionRecord) => string;
  readonly createQueue: boolean;
}

function parseSqsSinkOptions(options: SqsSinkOptions): SqsSettings {
  const {
    queue,
    region = DEFAULT_AWS_REGION,
    endpoint,
    maxPayloadBytes = DEFAULT_SQS_MAX_PAYLOAD_BYTES,
    maxInFlight = 4,
    maxAttempts = 5,
    initialBackoffMs = 200,
    fifoGroupId,
    createQueue = true,
  } = options;
  checkInteger("maxPayloadBytes", maxPayloadBytes, 1, SQS_MAX_PAYLOAD_BYTES);
  checkInteger("maxInFlight", maxInFlight, 1, MAX_IN_FLIGHT_LIMIT);
  checkInteger("maxAttempts", maxAttempts, 1, MAX_ATTEMPTS_LIMIT);
  checkInteger("initialBackoffMs", initialBackoffMs, 0, MAX_BACKOFF_MS);
  const { queueName, queueUrl } = parseQueue(queue);
  // Checks region and endpoint the same way the client will, so an injected
  // client gets the same checks.
  checkAwsClientOptions("SQS", {
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(options.requestTimeoutMs === undefined
      ? {}
      : { requestTimeoutMs: options.requestTimeoutMs }),
  });
  const effectiveEndpoint = endpoint ??
    (queueUrl === undefined ? undefined : new URL(queueUrl).origin);
  return {
    queueName,
    ...(queueUrl === undefined ? {} : { queueUrl }),
    fifo: queueName.endsWith(".fifo"),
    region,
    ...(effectiveEndpoint === undefined ? {} : { endpoint: effectiveEndpoint }),
    maxPayloadBytes,
    maxInFlight,
    maxAttempts,
    initialBackoffMs,
    ...(fifoGroupId === undefined ? {} : { fifoGroupId }),
    createQueue,
  };
}

function checkInteger(
  name: string,
  value: number,
  min: number,
  max: number,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `Cannot create SQS sink as '${name}' must be an integer from ${min} to ${max}: current value is ${value}`,
    );
  }
}

function parseQueue(queue: string): { queueName: string; queueUrl?: string } {
  const trimmed = queue.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new ConfigError(
        `Cannot create SQS sink as the queue URL is malformed: current value is '${
          echoValue(redactUrl(queue))
        }'`,
      );
    }
    if (url.username !== "" || url.password !== "" || trimmed.includes("@")) {
      throw new ConfigError(
        "Cannot create SQS sink as the queue URL must not contain a user name or password: remove them and use the AWS credential settings",
      );
    }
    const queueName = url.pathname.split("/").filter((s) => s !== "").at(-1) ??
      "";
    checkQueueName(queueName, queue);
    return { queueName, queueUrl: trimmed };
  }
  checkQueueName(trimmed, queue);
  return { queueName: trimmed };
}

function checkQueueName(name: string, given: string): void {
  if (!QUEUE_NAME_REGEXP.test(name)) {
    throw new ConfigError(
      `Cannot create SQS sink as the queue must be a queue URL or a name of up to 80 letters, digits, '-' or '_' (FIFO names end in '.fifo'): current value is '${
        echoValue(redactUrl(given))
      }'`,
    );
  }
}

async function resolveQueueUrl(
  client: SqsClient,
  settings: SqsSettings,
  { createWhen, signal }: Pick<SqsSinkOptions, "createWhen" | "signal">,
): Promise<string> {
  const logger = getLogger(["ua-harvest", "sqs"]);
  const name = settings.queueName;
  const lookup = await callWithRetries(
    settings,
    `looking up queue '${name}'`,
    async () => {
      try {
        return await client.getQueueUrl(name, signal ? { signal } : {});
      } catch (error) {
        if (isQueueMissing(error)) return null;
        throw error;
      }
    },
    signal,
  );
  if (lookup) {
    logger.debug("Sending records to SQS queue {queueUrl}", {
      queueUrl: lookup,
    });
    return lookup;
  }
  if (lookup === undefined) {
    throw new ApiContractError(
      `SQS answered the lookup of queue '${name}' without a queue URL (${
        describeAwsLocation(settings)
      })`,
    );
  }
  if (!settings.createQueue) {
    throw new ConfigError(
      `SQS queue '${name}' does not exist (${
        describeAwsLocation(settings)
      }): create it, or let the tool create it`,
    );
  }
  await createWhen;
  signal?.throwIfAborted();
  const created = await callWithRetries(
    settings,
    `creating queue '${name}'`,
    async () => {
      return await client.createQueue(
        name,
        settings.fifo ? { FifoQueue: "true" } : {},
        signal ? { signal } : {},
      );
    },
    signal,
  );
  if (!created) {
    throw new ApiContractError(
      `SQS answered the creation of queue '${name}' without a queue URL (${
        describeAwsLocation(settings)
      })`,
    );
  }
  logger.info("Created SQS queue {queue}: {queueUrl}", {
    queue: name,
    queueUrl: created,
  });
  return created;
}

function isQueueMissing(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; queryCode?: unknown };
  return e.code === "QueueDoesNotExist" ||
    e.queryCode === "AWS.SimpleQueueService.NonExistentQueue";
}

/** Runs one SQS call, resending on retryable errors; throws the final error. */
function callWithRetries<T>(
  settings: SqsSettings,
  action: string,
  call: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  return retry(async () => {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      // Aborted: the run that asked ended, so the reason is its, not SQS's.
      signal?.throwIfAborted();
      return {
        ok: false,
        retryable: classifyAwsError(error).retryable,
        error,
      };
    }
  }, {
    ...(signal ? { signal } : {}),
    maxAttempts: settings.maxAttempts,
    initialBackoffMs: settings.initialBackoffMs,
    maxBackoffMs: MAX_BACKOFF_MS,
    giveUp: ({ error, attempt }) =>
      awsFailure(classifyAwsError(error), {
        service: "SQS",
        action,
        region: settings.region,
        ...(settings.endpoint === undefined
          ? {}
          : { endpoint: settings.endpoint }),
        attempts: attempt,
      }, error),
  });
}

/** What happened to one batch. */
interface BatchOutcome {
  /** Entries not delivered, with the last reason. */
  readonly undelivered: SqsEntryFailure[];
  /** Entries sent more than once. */
  readonly resent: number;
  /** The error of the last attempt when it failed as a whole. */
  readonly requestFailure?: AwsErrorClass;
}

/** Shared by the batches of one page: stop early on a hopeless error. */
interface PageState {
  stop?: { failure: AwsErrorClass; cause: unknown };
}

class SqsSink implements RecordSink {
  readonly description: string;
  #client: SqsClient;
  #queueUrl: string;
  #settings: SqsSettings;
  #closed = false;
  #logger = getLogger(["ua-harvest", "sqs"]);
  // One pace for every batch in flight: throttling on one slows all.
  #pacer: SendPacer;
  #toldThrottled = false;

  constructor(
    client: SqsClient,
    queueUrl: string,
    settings: SqsSettings,
  ) {
    this.#client = client;
    this.#queueUrl = queueUrl;
    this.#settings = settings;
    this.#pacer = createSendPacer({
      minDelayMs: Math.max(1, settings.initialBackoffMs),
      maxDelayMs: MAX_BACKOFF_MS,
    });
    this.description = `sqs:${settings.queueName}`;
  }

  async deliver(records: readonly ActionRecord[]): Promise<void> {
    if (this.#closed) {
      throw new DeliveryError(
        `Cannot deliver to ${this.description} as the sink is closed`,
      );
    }
    if (records.length === 0) return;
    const settings = this.#settings;
    const entries = buildSqsEntries(records, {
      fifo: settings.fifo,
      ...(settings.fifoGroupId === undefined
        ? {}
        : { groupId: settings.fifoGroupId }),
    });
    const batches = planSqsBatches(entries, {
      maxPayloadBytes: settings.maxPayloadBytes,
    });
    const state: PageState = {};
    const outcomes = await mapConcurrent(
      batches,
      settings.maxInFlight,
      (batch) => this.#sendBatch(batch, state),
    );
    const undelivered = outcomes.flatMap((o) => o.undelivered);
    const resent = outcomes.reduce((sum, o) => sum + o.resent, 0);
    if (undelivered.length === 0) {
      if (resent > 0) {
        this.#logger.warn(
          `SQS accepted all {count} ${
            plural(records.length, "record")
          } after {resent} ${plural(resent, "resend")}`,
          { count: records.length, resent, queue: settings.queueName },
        );
      } else {
        this.#logger.debug(
          `Sent {count} ${
            plural(records.length, "record")
          } to SQS in {batches} ${plural(batches.length, "batch", "batches")}`,
          {
            count: records.length,
            batches: batches.length,
            queue: settings.queueName,
          },
        );
      }
      return;
    }
    const actionIds = undelivered.map((f) => f.entry.actionId).sort((a, b) =>
      a - b
    );
    this.#logger.debug("SQS did not accept action ids {actionIds}", {
      actionIds,
    });
    throw this.#pageError(
      records.length,
      undelivered,
      outcomes,
      state,
      actionIds,
    );
  }

  #pageError(
    total: number,
    undelivered: readonly SqsEntryFailure[],
    outcomes: readonly BatchOutcome[],
    state: PageState,
    actionIds: readonly number[],
  ): UaHarvestError {
    const settings = this.#settings;
    const context = {
      service: "SQS",
      action: `sending ${total} ${
        plural(total, "record")
      } to queue '${settings.queueName}'`,
      region: settings.region,
      ...(settings.endpoint === undefined
        ? {}
        : { endpoint: settings.endpoint }),
    };
    if (state.stop?.failure.kind === "auth") {
      return awsFailure(state.stop.failure, context, state.stop.cause);
    }
    if (state.stop !== undefined && state.stop.failure.retryable) {
      // SQS stopped answering (or kept failing) mid-page: an outage, even
      // though the batches sent before it were accepted.
      return awsFailure(state.stop.failure, {
        ...context,
        attempts: settings.maxAttempts,
      }, state.stop.cause);
    }
    // Nothing answered at all: say the service is unreachable, not that it
    // refused records.
    const failedOutcomes = outcomes.filter((o) => o.undelivered.length > 0);
    const unreachable = failedOutcomes.every((o) =>
      o.requestFailure !== undefined && o.requestFailure.kind !== "client"
    );
    if (unreachable && failedOutcomes.length === outcomes.length) {
      return awsFailure(failedOutcomes[0]!.requestFailure!, {
        ...context,
        attempts: settings.maxAttempts,
      });
    }
    return new DeliveryError(
      `SQS did not accept ${undelivered.length} of ${total} ${
        plural(total, "record")
      } (action ids ${
        describeActionIds(actionIds)
      }) in queue '${settings.queueName}': ${summarizeFailures(undelivered)}`,
      state.stop ? { cause: state.stop.cause } : undefined,
    );
  }

  /**
   * Sends one batch until every entry is accepted or rejected for good:
   * only the entries SQS did not take are sent again (`resendRefused()`).
   */
  async #sendBatch(batch: SqsEntry[], state: PageState): Promise<BatchOutcome> {
    const settings = this.#settings;
    const undelivered: SqsEntryFailure[] = [];
    let requestFailure: AwsErrorClass | undefined;
    let requestError: unknown;
    let resent = 0;
    await resendRefused(batch, async (pending, attempt) => {
      if (state.stop) {
        const { code, message } = state.stop.failure;
        undelivered.push(...pending.map((entry) => ({ entry, code, message })));
        requestFailure = state.stop.failure;
        return { retry: [], throttled: 0 };
      }
      if (attempt > 1) resent += pending.length;
      let failures: SqsEntryFailure[];
      try {
        const output = await this.#client.sendMessageBatch(
          this.#queueUrl,
          pending.map(toRequestEntry),
        );
        const result = classifySqsBatchResult(pending, output);
        undelivered.push(...result.rejected);
        failures = result.retry;
        requestFailure = undefined;
      } catch (error) {
        const failure = classifyAwsError(error);
        failures = pending.map((entry) => ({
          entry,
          code: failure.code,
          message: failure.message,
        }));
        if (!failure.retryable) {
          // Credentials or a refused request: the other batches would fail
          // the same way, so they stop too.
          state.stop ??= { failure, cause: error };
          undelivered.push(...failures);
          requestFailure = failure;
          return { retry: [], throttled: 0 };
        }
        requestFailure = failure;
        requestError = error;
      }
      if (failures.length === 0) return { retry: [], throttled: 0 };
      if (attempt >= settings.maxAttempts) {
        undelivered.push(...failures);
        if (requestFailure !== undefined) {
          // The whole request failed every time (no answer, 5xx, throttled):
          // the page fails whatever the other batches do, and each of them
          // would wait out its own attempts first (a frozen SQS would hold
          // a 1,000-record page for 25 times the deadlines). They stop.
          state.stop ??= { failure: requestFailure, cause: requestError };
        }
        return { retry: [], throttled: 0 };
      }
      this.#logger.debug(
        "Resending {count} SQS entries after {code} (attempt {attempt} of {maxAttempts})",
        {
          count: failures.length,
          code: failures[0]?.code,
          attempt: attempt + 1,
          maxAttempts: settings.maxAttempts,
        },
      );
      return {
        retry: failures.map((f) => f.entry),
        // A whole request refused for throttling (a 429 without a code
        // included) counts every entry, as the classifier takes it.
        throttled: requestFailure !== undefined
          ? (requestFailure.kind === "throttled" ? failures.length : 0)
          : failures.filter((f) => isSqsThrottling(f.code)).length,
      };
    }, {
      pacer: this.#pacer,
      initialBackoffMs: settings.initialBackoffMs,
      maxBackoffMs: MAX_BACKOFF_MS,
      onThrottled: (throttling) => this.#tellThrottled(throttling),
    });
    return {
      undelivered,
      resent,
      ...(requestFailure === undefined ? {} : { requestFailure }),
    };
  }

  /** Once a run: the operator learns why it is slower, and by how much it is pushed back. */
  #tellThrottled({ refused, sent, waitMs }: Throttling): void {
    if (this.#toldThrottled) return;
    this.#toldThrottled = true;
    this.#logger.info(
      "SQS is throttling the harvest: {refused} of {sent} messages ({percent} %) refused; resending only those, pacing requests (about {waitMs} ms apart now)",
      {
        refused,
        sent,
        percent: Math.round(refused / sent * 1000) / 10,
        waitMs: Math.round(waitMs),
        queue: this.#settings.queueName,
      },
    );
  }

  [Symbol.asyncDispose](): Promise<void> {
    // Nothing to close: the client holds no connection (fetch pools them).
    this.#closed = true;
    return Promise.resolve();
  }
}

function toRequestEntry(entry: SqsEntry): SqsBatchEntry {
  return {
    Id: entry.id,
    MessageBody: entry.body,
    ...(entry.groupId === undefined ? {} : { MessageGroupId: entry.groupId }),
    ...(entry.deduplicationId === undefined
      ? {}
      : { MessageDeduplicationId: entry.deduplicationId }),
  };
}

/** `InternalError (3): We encountered an internal error; …` in one line. */
function summarizeFailures(failures: readonly SqsEntryFailure[]): string {
  const byCode = new Map<string, { count: number; message: string }>();
  for (const { code, message } of failures) {
    const seen = byCode.get(code);
    if (seen) seen.count++;
    else {byCode.set(code, {
        count: 1,
        message: oneLine(message),
      });}
  }
  return [...byCode].map(([code, { count, message }]) =>
    `${code} (${count})${message === "" ? "" : `: ${message}`}`
  ).join("; ");
}
