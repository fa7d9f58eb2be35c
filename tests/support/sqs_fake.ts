/**
 * A loopback SQS for tests: speaks the SQS JSON protocol the AWS SDK v3 uses
 * (`POST /`, `X-Amz-Target: AmazonSQS.<Operation>`, `application/x-amz-json-1.0`,
 * query-compatible error headers), keeps queues in memory, and lets a test
 * fail entries or whole requests.
 *
 * @module
 */
import { createHash, randomUUID } from "node:crypto";

/** A message the fake accepted. */
export interface SqsFakeMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Record<string, unknown>;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
}

/** One `SendMessageBatch` request as received. */
export interface SqsFakeBatch {
  readonly queue: string;
  /** Entry ids, in request order. */
  readonly ids: string[];
}

/** How entries are failed by {@linkcode SqsFake.rejectNext}. */
export interface SqsFakeRejectOptions {
  /**
   * The error code of the failed entries.
   *
   * @default {"InternalError"}
   */
  readonly code?: string;
  /**
   * Whether the failure is the sender's fault (not worth a resend).
   *
   * @default {false}
   */
  readonly senderFault?: boolean;
  /**
   * The message.
   *
   * @default {"Injected failure"}
   */
  readonly message?: string;
  /**
   * Fails only entries for which this returns `true` (and counts only those).
   *
   * @default {() => true}
   */
  readonly match?: (entry: { id: string; body: string }) => boolean;
}

/** How requests are failed by {@linkcode SqsFake.failRequests}. */
export interface SqsFakeFailOptions {
  /**
   * The error code in the answer.
   *
   * @default {"InternalError"}
   */
  readonly code?: string;
  /**
   * Fails only this operation, e.g. `SendMessageBatch`.
   *
   * @default {undefined} (any operation)
   */
  readonly operation?: string;
  /**
   * Closes the connection with no answer instead of answering an error.
   *
   * @default {false}
   */
  readonly drop?: boolean;
}

/** Options for {@linkcode startSqsFake}. */
export interface SqsFakeOptions {
  /**
   * Queues that exist from the start; a name ending in `.fifo` is FIFO.
   *
   * @default {[]}
   */
  readonly queues?: readonly string[];
  /**
   * The account id in queue URLs.
   *
   * @default {"000000000000"}
   */
  readonly accountId?: string;
  /**
   * The most bytes of message bodies in one batch (and one message).
   *
   * @default {262144}
   */
  readonly maxPayloadBytes?: number;
}

/** A running fake. */
export interface SqsFake extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, the endpoint to give the client. */
  readonly url: string;
  /** Requests received, by operation name (`SendMessageBatch`: 3). */
  readonly requests: Readonly<Record<string, number>>;
  /** Every `SendMessageBatch` request, in arrival order. */
  readonly batches: readonly SqsFakeBatch[];
  /** Accepted FIFO messages dropped as duplicates (same deduplication id). */
  readonly duplicates: number;
  /** The queue URL of a queue, as the fake hands it out. */
  queueUrl(name: string): string;
  /** Creates a queue as if by `CreateQueue`. */
  createQueue(name: string, attributes?: Record<string, string>): string;
  /** Whether a queue exists. */
  hasQueue(name: string): boolean;
  /** The attributes a queue was created with. */
  queueAttributes(name: string): Record<string, string> | undefined;
  /** All messages accepted into a queue (received ones too), in order. */
  messages(queueName: string): SqsFakeMessage[];
  /** Fails the next `count` entries of `SendMessageBatch` requests. */
  rejectNext(count: number, options?: SqsFakeRejectOptions): void;
  /** Fails the next `count` requests as a whole with an HTTP status. */
  failRequests(
    count: number,
    status?: number,
    options?: SqsFakeFailOptions,
  ): void;
  /** Stops the server. */
  close(): Promise<void>;
}

interface Queue {
  readonly name: string;
  readonly url: string;
  readonly attributes: Record<string, string>;
  readonly messages: SqsFakeMessage[];
  readonly visible: { message: SqsFakeMessage; receipt: string | null }[];
  readonly dedupIds: Set<string>;
}

interface SendEntry {
  Id?: unknown;
  MessageBody?: unknown;
  MessageGroupId?: unknown;
  MessageDeduplicationId?: unknown;
  MessageAttributes?: unknown;
}

class SqsFakeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly queryCode: string,
    message: string,
    readonly sender = status < 500,
  ) {
    super(message);
  }
}

const ENTRY_ID_REGEXP = /^[A-Za-z0-9_-]{1,80}$/;
const UTF8 = new TextEncoder();

/**
 * Starts the fake on 127.0.0.1, on a free port.
 *
 * @param options Queues to create up front, the account id and the payload limit.
 * @returns The running fake; close it (or `await using`) when done.
 */
export function startSqsFake(options: SqsFakeOptions = {}): Promise<SqsFake> {
  const {
    queues: initialQueues = [],
    accountId = "000000000000",
    maxPayloadBytes = 262_144,
  } = options;
  const queues = new Map<string, Queue>();
  const requests: Record<string, number> = {};
  const batches: SqsFakeBatch[] = [];
  const rejections: { remaining: number; options: SqsFakeRejectOptions }[] = [];
  const failures: {
    remaining: number;
    status: number;
    options: SqsFakeFailOptions;
  }[] = [];
  let duplicates = 0;
  let baseUrl = "";

  function queueUrl(name: string): string {
    return `${baseUrl}/${accountId}/${name}`;
  }

  function createQueue(
    name: string,
    attributes: Record<string, string> = {},
  ): string {
    const existing = queues.get(name);
    if (existing) return existing.url;
    const fifo = name.endsWith(".fifo");
    if (
      fifo !== (attributes.FifoQueue === "true") &&
      attributes.FifoQueue !== undefined
    ) {
      throw new SqsFakeError(
        400,
        "InvalidParameterValue",
        "InvalidParameterValue",
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix",
      );
    }
    if (fifo && attributes.FifoQueue !== "true") {
      throw new SqsFakeError(
        400,
        "InvalidParameterValue",
        "InvalidParameterValue",
        "The FifoQueue attribute must be true for a queue name ending in .fifo",
      );
    }
    const queue: Queue = {
      name,
      url: queueUrl(name),
      attributes: { ...attributes },
      messages: [],
      visible: [],
      dedupIds: new Set(),
    };
    queues.set(name, queue);
    return queue.url;
  }

  function findQueue(url: unknown): Queue {
    const name = typeof url === "string"
      ? url.split("/").filter((s) => s !== "").at(-1) ?? ""
      : "";
    const queue = queues.get(name);
    if (!queue) {
      throw new SqsFakeError(
        400,
        "com.amazonaws.sqs#QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
      );
    }
    return queue;
  }

  function takeRejection(
    entry: { id: string; body: string },
  ): SqsFakeRejectOptions | undefined {
    for (const rejection of rejections) {
      if (rejection.remaining <= 0) continue;
      if (rejection.options.match && !rejection.options.match(entry)) continue;
      rejection.remaining--;
      return rejection.options;
    }
    return undefined;
  }

  function sendMessageBatch(input: Record<string, unknown>): unknown {
    const queue = findQueue(input.QueueUrl);
    const entries = Array.isArray(input.Entries)
      ? input.Entries as SendEntry[]
      : [];
    batches.push({ queue: queue.name, ids: entries.map((e) => String(e.Id)) });
    if (entries.length === 0) {
      throw new SqsFakeError(
        400,
        "com.amazonaws.sqs#EmptyBatchRequest",
        "AWS.SimpleQueueService.EmptyBatchRequest",
        "There should be at least one SendMessageBatchRequestEntry in the request.",
      );
    }
    if (entries.length > 10) {
      throw new SqsFakeError(
        400,
        "com.amazonaws.sqs#TooManyEntriesInBatchRequest",
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
      );
    }
    const ids = new Set<string>();
    let total = 0;
    for (const entry of entries) {
      const id = String(entry.Id);
      if (!ENTRY_ID_REGEXP.test(id)) {
        throw new SqsFakeError(
          400,
          "com.amazonaws.sqs#InvalidBatchEntryId",
          "AWS.SimpleQueueService.InvalidBatchEntryId",
          "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
        );
      }
      if (ids.has(id)) {
        throw new SqsFakeError(
          400,
          "com.amazonaws.sqs#BatchEntryIdsNotDistinct",
          "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
          `Id ${id} repeated.`,
        );
      }
      ids.add(id);
      total += UTF8.encode(String(entry.MessageBody ?? "")).byteLength;
    }
    if (total > maxPayloadBytes) {
      throw new SqsFakeError(
        400,
        "com.amazonaws.sqs#BatchRequestTooLong",
        "AWS.SimpleQueueService.BatchRequestTooLong",
        `Batch requests cannot be longer than ${maxPayloadBytes} bytes. You have sent ${total} bytes.`,
      );
    }
    const fifo = queue.attributes.FifoQueue === "true";
    const contentDedup = queue.attributes.ContentBasedDeduplication === "true";
    const successful: unknown[] = [];
    const failed: unknown[] = [];
    for (const entry of entries) {
      const id = String(entry.Id);
      const body = typeof entry.MessageBody === "string"
        ? entry.MessageBody
        : "";
      const groupId = typeof entry.MessageGroupId === "string"
        ? entry.MessageGroupId
        : undefined;
      let dedupId = typeof entry.MessageDeduplicationId === "string"
        ? entry.MessageDeduplicationId
        : undefined;
      if (body === "") {
        failed.push(
          fail(
            id,
            "MissingParameter",
            true,
            "The request must contain the parameter MessageBody.",
          ),
        );
        continue;
      }
      if (fifo && groupId === undefined) {
        failed.push(
          fail(
            id,
            "MissingParameter",
            true,
            "The request must contain the parameter MessageGroupId.",
          ),
        );
        continue;
      }
      if (fifo && dedupId === undefined) {
        if (!contentDedup) {
          failed.push(fail(
            id,
            "InvalidParameterValue",
            true,
            "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
          ));
          continue;
        }
        dedupId = md5Hex(body);
      }
      if (!fifo && dedupId !== undefined) {
        failed.push(fail(
          id,
          "InvalidParameterValue",
          true,
          "The request include parameter that is not valid for this queue type",
        ));
        continue;
      }
      const rejection = takeRejection({ id, body });
      if (rejection) {
        failed.push(fail(
          id,
          rejection.code ?? "InternalError",
          rejection.senderFault ?? false,
          rejection.message ?? "Injected failure",
        ));
        continue;
      }
      const messageId = randomUUID();
      successful.push({
        Id: id,
        MessageId: messageId,
        MD5OfMessageBody: md5Hex(body),
        ...(fifo
          ? {
            SequenceNumber: String(queue.messages.length + 1).padStart(20, "0"),
          }
          : {}),
      });
      if (fifo && queue.dedupIds.has(dedupId!)) {
        duplicates++;
        continue;
      }
      if (dedupId !== undefined) queue.dedupIds.add(dedupId);
      const message: SqsFakeMessage = {
        messageId,
        body,
        attributes: isRecord(entry.MessageAttributes)
          ? entry.MessageAttributes
          : {},
        ...(groupId === undefined ? {} : { messageGroupId: groupId }),
        ...(dedupId === undefined ? {} : { messageDeduplicationId: dedupId }),
      };
      queue.messages.push(message);
      queue.visible.push({ message, receipt: null });
    }
    return { Successful: successful, Failed: failed };
  }

  function receiveMessage(input: Record<string, unknown>): unknown {
    const queue = findQueue(input.QueueUrl);
    const max = typeof input.MaxNumberOfMessages === "number"
      ? input.MaxNumberOfMessages
      : 1;
    const out: unknown[] = [];
    for (const slot of queue.visible) {
      if (out.length >= max) break;
      if (slot.receipt !== null) continue;
      slot.receipt = randomUUID();
      out.push({
        MessageId: slot.message.messageId,
        ReceiptHandle: slot.receipt,
        Body: slot.message.body,
        MD5OfBody: md5Hex(slot.message.body),
        ...(slot.message.messageGroupId === undefined
          ? {}
          : { Attributes: { MessageGroupId: slot.message.messageGroupId } }),
      });
    }
    return out.length === 0 ? {} : { Messages: out };
  }

  function deleteMessage(input: Record<string, unknown>): unknown {
    const queue = findQueue(input.QueueUrl);
    const index = queue.visible.findIndex((s) =>
      s.receipt === input.ReceiptHandle
    );
    if (index < 0) {
      throw new SqsFakeError(
        400,
        "com.amazonaws.sqs#ReceiptHandleIsInvalid",
        "ReceiptHandleIsInvalid",
        "The input receipt handle is invalid.",
      );
    }
    queue.visible.splice(index, 1);
    return {};
  }

  function dispatch(
    operation: string,
    input: Record<string, unknown>,
  ): unknown {
    switch (operation) {
      case "GetQueueUrl": {
        const queue = findQueue(String(input.QueueName ?? ""));
        return { QueueUrl: queue.url };
      }
      case "CreateQueue": {
        const name = String(input.QueueName ?? "");
        if (!/^[A-Za-z0-9_-]{1,80}$|^[A-Za-z0-9_-]{1,75}\.fifo$/.test(name)) {
          throw new SqsFakeError(
            400,
            "com.amazonaws.sqs#InvalidParameterValue",
            "InvalidParameterValue",
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
          );
        }
        const attributes = isRecord(input.Attributes)
          ? Object.fromEntries(
            Object.entries(input.Attributes).map(([k, v]) => [k, String(v)]),
          )
          : {};
        return { QueueUrl: createQueue(name, attributes) };
      }
      case "SendMessageBatch":
        return sendMessageBatch(input);
      case "ReceiveMessage":
        return receiveMessage(input);
      case "DeleteMessage":
        return deleteMessage(input);
      default:
        throw new SqsFakeError(
          400,
          "com.amazonaws.sqs#InvalidAction",
          "AWS.SimpleQueueService.UnsupportedOperation",
          `The fake does not implement ${operation}.`,
        );
    }
  }

  async function handle(request: Request): Promise<Response> {
    const target = request.headers.get("x-amz-target") ?? "";
    const operation = target.startsWith("AmazonSQS.")
      ? target.slice("AmazonSQS.".length)
      : "";
    requests[operation || "(unknown)"] =
      (requests[operation || "(unknown)"] ?? 0) + 1;
    const text = await request.text();
    try {
      if (request.method !== "POST" || operation === "") {
        throw new SqsFakeError(
          400,
          "com.amazonaws.sqs#InvalidAction",
          "InvalidAction",
          "Expected a POST with X-Amz-Target: AmazonSQS.<Operation>.",
        );
      }
      if (
        !request.headers.get("authorization")?.startsWith("AWS4-HMAC-SHA256 ")
      ) {
        throw new SqsFakeError(
          403,
          "MissingAuthenticationToken",
          "MissingAuthenticationToken",
          "Request is missing Authentication Token",
        );
      }
      const failure = failures.find((f) =>
        f.remaining > 0 &&
        (f.options.operation === undefined || f.options.operation === operation)
      );
      if (failure) {
        failure.remaining--;
        if (failure.options.drop) return dropConnection();
        const code = failure.options.code ?? "InternalError";
        throw new SqsFakeError(
          failure.status,
          code,
          code,
          "Injected request failure",
        );
      }
      let input: unknown;
      try {
        input = text === "" ? {} : JSON.parse(text);
      } catch {
        throw new SqsFakeError(
          400,
          "SerializationException",
          "SerializationException",
          "Malformed JSON body.",
        );
      }
      const output = dispatch(operation, isRecord(input) ? input : {});
      return new Response(JSON.stringify(output), {
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amzn-requestid": randomUUID(),
        },
      });
    } catch (error) {
      if (!(error instanceof SqsFakeError)) throw error;
      return new Response(
        JSON.stringify({ __type: error.code, message: error.message }),
        {
          status: error.status,
          headers: {
            "content-type": "application/x-amz-json-1.0",
            "x-amzn-requestid": randomUUID(),
            "x-amzn-query-error": `${error.queryCode};${
              error.sender ? "Sender" : "Receiver"
            }`,
          },
        },
      );
    }
  }

  const { promise: listening, resolve } = Promise.withResolvers<void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => resolve() },
    handle,
  );
  baseUrl = `http://127.0.0.1:${server.addr.port}`;
  for (const name of initialQueues) {
    createQueue(name, name.endsWith(".fifo") ? { FifoQueue: "true" } : {});
  }
  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= server.shutdown();
    return closed;
  }

  const fake: SqsFake = {
    url: baseUrl,
    requests,
    batches,
    get duplicates() {
      return duplicates;
    },
    queueUrl,
    createQueue,
    hasQueue: (name) => queues.has(name),
    queueAttributes: (name) => queues.get(name)?.attributes,
    messages: (name) => [...(queues.get(name)?.messages ?? [])],
    rejectNext(count, options = {}) {
      rejections.push({ remaining: count, options });
    },
    failRequests(count, status = 500, options = {}) {
      failures.push({ remaining: count, status, options });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return listening.then(() => fake);
}

function fail(id: string, code: string, senderFault: boolean, message: string) {
  return { Id: id, Code: code, SenderFault: senderFault, Message: message };
}

function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An answer the client cannot read: a network-level failure. */
function dropConnection(): Response {
  // Deno.serve has no way to reset a socket from a handler; an aborted body
  // stream makes the server close the connection mid-response.
  const body = new ReadableStream({
    start(controller) {
      controller.error(new Error("Injected dropped connection"));
    },
  });
  return new Response(body, {
    status: 200,
    headers: { "content-length": "100" },
  });
}
