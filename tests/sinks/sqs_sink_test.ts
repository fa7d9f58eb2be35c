import assert from "node:assert/strict";
import { createSqsClient, type SqsClient } from "../../src/aws/sqs_client.ts";
import type { ActionRecord } from "../../src/record/action_record.ts";
import {
  AuthenticationError,
  ConfigError,
  DeliveryError,
  UnreachableError,
} from "../../src/errors.ts";
import {
  createSqsSink,
  type SqsSinkOptions,
} from "../../src/sinks/sqs_sink.ts";
import { startSqsFake } from "../support/sqs_fake.ts";
import { captureLogs, logLine } from "../support/capture_logs.ts";

const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test-secret-key" };

/** A client on the fake (one attempt a call; the sink retries). */
function sqsClient(endpoint: string): SqsClient {
  return createSqsClient({
    region: "us-east-1",
    endpoint,
    credentials: () => Promise.resolve(CREDENTIALS),
  });
}

function record(actionId: number): ActionRecord {
  return {
    action_id: actionId,
    timestamp: "2017-03-01T19:05:09+00:00",
    mpid: `mp-${actionId % 3}`,
    session_id: `s${actionId}`,
    huid: String(1000 + actionId),
    useragent: "Mozilla/5.0",
    action: {
      type: "HEARTBEAT",
      inpoint: actionId,
      outpoint: actionId + 30,
      length: 30,
      is_playing: true,
    },
    ip: "10.1.2.3",
    proxy1: "192.0.2.10",
    is_live: 0,
    episode: { title: "Lecture 4", duration: 4213000 },
  };
}

/**
 * The SQS fake and a client of it, closed together; `sink()` opens a sink on
 * the queue "actions" through that client, resending after 1 ms.
 */
async function openSqs(queues: string[] = []) {
  const fake = await startSqsFake({ queues });
  const client = sqsClient(fake.url);
  return {
    fake,
    client,
    sink: (options: Partial<SqsSinkOptions> = {}) =>
      createSqsSink({
        queue: "actions",
        client,
        initialBackoffMs: 1,
        ...options,
      }),
    [Symbol.asyncDispose]: () => fake[Symbol.asyncDispose](),
  };
}

function records(from: number, count: number): ActionRecord[] {
  return Array.from({ length: count }, (_, i) => record(from + i));
}

function actionIdsOf(bodies: readonly { body: string }[]): number[] {
  return bodies.map((m) => (JSON.parse(m.body) as ActionRecord).action_id).sort(
    (a, b) => a - b,
  );
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

Deno.test("createSqsSink() delivers every record once, 10 entries a batch", async () => {
  await using sqs = await openSqs(["actions"]);
  const { fake } = sqs;
  await using sink = await sqs.sink({ maxInFlight: 3 });
  assert.equal(sink.description, "sqs:actions");
  const page = records(1, 25);
  await sink.deliver(page);
  const messages = fake.messages("actions");
  assert.deepEqual(actionIdsOf(messages), range(1, 25));
  const byId = new Map(
    messages.map((m) => [JSON.parse(m.body).action_id, m.body]),
  );
  assert.equal(byId.get(7), JSON.stringify(page[6]));
  assert.deepEqual(fake.batches.map((b) => b.ids.length).sort(), [10, 10, 5]);
  assert.equal(fake.requests.GetQueueUrl, 1);
  assert.equal(fake.requests.CreateQueue, undefined);
});

Deno.test("createSqsSink() creates the queue when it does not exist", async () => {
  await using sqs = await openSqs();
  const { fake, client } = sqs;
  await using sink = await createSqsSink({ queue: "new-queue", client });
  assert.ok(fake.hasQueue("new-queue"));
  assert.equal(fake.requests.CreateQueue, 1);
  assert.equal(fake.queueAttributes("new-queue")?.FifoQueue, undefined);
  await sink.deliver(records(1, 2));
  assert.equal(fake.messages("new-queue").length, 2);
});

Deno.test("createSqsSink() creates a FIFO queue for a name ending in .fifo", async () => {
  await using sqs = await openSqs();
  const { fake, client } = sqs;
  await using _sink = await createSqsSink({ queue: "actions.fifo", client });
  assert.equal(fake.queueAttributes("actions.fifo")?.FifoQueue, "true");
});

Deno.test("createSqsSink() throws ConfigError for a missing queue when creation is off", async () => {
  await using sqs = await openSqs();
  const { fake, client } = sqs;
  await assert.rejects(
    createSqsSink({ queue: "missing", client, createQueue: false }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /'missing' does not exist/.test(error.message),
  );
  assert.equal(fake.hasQueue("missing"), false);
  assert.equal(fake.requests.CreateQueue, undefined);
});

Deno.test("createSqsSink() uses a queue URL as given, without a lookup", async () => {
  await using sqs = await openSqs(["by-url"]);
  const { fake, client } = sqs;
  await using sink = await createSqsSink({
    queue: fake.queueUrl("by-url"),
    client,
  });
  await sink.deliver(records(1, 3));
  assert.equal(fake.requests.GetQueueUrl, undefined);
  assert.equal(fake.messages("by-url").length, 3);
});

Deno.test("createSqsSink() resends only the failed entries", async () => {
  await using sqs = await openSqs(["actions"]);
  const { fake } = sqs;
  await using sink = await sqs.sink();
  fake.rejectNext(3, { code: "InternalError", senderFault: false });
  await sink.deliver(records(1, 10));
  assert.deepEqual(fake.batches.map((b) => b.ids), [
    range(1, 10).map(String),
    ["1", "2", "3"],
  ]);
  assert.deepEqual(actionIdsOf(fake.messages("actions")), range(1, 10));
});

Deno.test("createSqsSink() resends a batch after whole-request failures", async () => {
  await using sqs = await openSqs(["actions"]);
  const { fake } = sqs;
  await using sink = await sqs.sink();
  fake.failRequests(2, 500, { operation: "SendMessageBatch" });
  await sink.deliver(records(1, 4));
  assert.equal(fake.requests.SendMessageBatch, 3);
  assert.deepEqual(actionIdsOf(fake.messages("actions")), range(1, 4));
});

Deno.test("createSqsSink() throws DeliveryError naming entries that keep failing", async () => {
  await using sqs = await openSqs(["actions"]);
  const { fake } = sqs;
  await using sink = await sqs.sink({ maxAttempts: 3 });
  const failing = new Set([13, 17]);
  fake.rejectNext(Infinity, {
    code: "InternalError",
    message: "We encountered an internal error",
    match: ({ body }) => failing.has(JSON.parse(body).action_id),
  });
  await assert.rejects(sink.deliver(records(11, 20)), (error: unknown) => {
    assert.ok(error instanceof DeliveryError);
    assert.match(error.message, /did not accept 2 of 20 records/);
    assert.match(error.message, /action ids 13, 17\b/);
    assert.match(error.message, /InternalError \(2\)/);
    return true;
  });
  // The others were accepted once; the failing two were tried three times.
  assert.deepEqual(
    actionIdsOf(fake.messages("actions")),
    range(11, 20).filter((id) => !failing.has(id)),
  );
  assert.equal(fake.requests.SendMessageBatch, 2 + 2);
  assert.deepEqual(fake.batches.slice(2).map((b) => b.ids), [["13", "17"], [
    "13",
    "17",
  ]]);
});

Deno.test("createSqsSink() fails sender-fault entries without resending them", async () => {
  await using sqs = await openSqs(["actions"]);
  const { fake } = sqs;
  await using sink = await sqs.sink();
  fake.rejectNext(1, {
    code: "InvalidMessageContents",
    senderFault: true,
    message: "Invalid characters",
  });
  await assert.rejects(
    sink.deliver(records(1, 5)),
    (error: unknown) =>
      error instanceof DeliveryError &&
      /1 of 5 records \(action ids 1\)/.test(error.message) &&
      /InvalidMessageContents/.test(error.message),
  );
  assert.equal(fake.requests.SendMessageBatch, 1);
  assert.deepEqual(actionIdsOf(fake.messages("actions")), [2, 3, 4, 5]);
});

Deno.test("createSqsSink() sends FIFO group and deduplication ids", async () => {
  await using sqs = await openSqs(["actions.fifo"]);
  const { fake, client } = sqs;
  await using sink = await createSqsSink({ queue: "actions.fifo", client });
  await sink.deliver(records(1, 4));
  const messages = fake.messages("actions.fifo");
  assert.deepEqual(
    messages.map((m) => [m.messageGroupId, m.messageDeduplicationId]).sort(),
    [["mp-0", "3"], ["mp-1", "1"], ["mp-1", "4"], ["mp-2", "2"]],
  );
  // A repeated page (a crash before the checkpoint) is dropped by SQS.
  await sink.deliver(records(1, 4));
  assert.equal(fake.messages("actions.fifo").length, 4);
  assert.equal(fake.duplicates, 4);
});

Deno.test("createSqsSink() uses a custom FIFO group id", async () => {
  await using sqs = await openSqs(["actions.fifo"]);
  const { fake, client } = sqs;
  await using sink = await createSqsSink({
    queue: "actions.fifo",
    client,
    fifoGroupId: (r) => r.session_id ?? "none",
  });
  await sink.deliver(records(5, 1));
  assert.equal(fake.messages("actions.fifo")[0]?.messageGroupId, "s5");
});

Deno.test("createSqsSink() throws DeliveryError for a record over the payload limit before sending", async () => {
  await using sqs = await openSqs(["actions"]);
  const { fake } = sqs;
  await using sink = await sqs.sink({ maxPayloadBytes: 1000 });
  const big = { ...record(99), episode: { description: "x".repeat(2000) } };
  await assert.rejects(
    sink.deliver([record(98), big]),
    (error: unknown) =>
      error instanceof DeliveryError && /action 99\b/.test(error.message),
  );
  assert.equal(fake.requests.SendMessageBatch, undefined);
});

Deno.test("createSqsSink() throws AuthenticationError when SQS refuses the credentials", async () => {
  await using sqs = await openSqs(["actions"]);
  const { fake } = sqs;
  await using sink = await sqs.sink({ maxInFlight: 1 });
  fake.failRequests(1, 403, {
    code: "InvalidClientTokenId",
    operation: "SendMessageBatch",
  });
  await assert.rejects(sink.deliver(records(1, 30)), (error: unknown) => {
    assert.ok(error instanceof AuthenticationError);
    assert.match(error.message, /InvalidClientTokenId/);
    assert.doesNotMatch(error.message, /test-secret-key/);
    return true;
  });
  // The other batches were not attempted after the refusal.
  assert.equal(fake.requests.SendMessageBatch, 1);
  assert.equal(fake.messages("actions").length, 0);
});

Deno.test("createSqsSink() throws AuthenticationError when the queue lookup is refused", async () => {
  await using sqs = await openSqs(["actions"]);
  const { fake } = sqs;
  fake.failRequests(1, 400, {
    code: "AccessDenied",
    operation: "GetQueueUrl",
  });
  await assert.rejects(
    sqs.sink(),
    (error: unknown) =>
      error instanceof AuthenticationError &&
      /looking up queue 'actions'/.test(error.message),
  );
});

Deno.test("createSqsSink() throws UnreachableError naming the endpoint when nothing answers", async () => {
  const fake = await startSqsFake({ queues: ["actions"] });
  const endpoint = fake.url;
  const queueUrl = fake.queueUrl("actions");
  await fake.close();
  const client = sqsClient(endpoint);
  await assert.rejects(
    createSqsSink({
      queue: "actions",
      client,
      endpoint,
      maxAttempts: 2,
      initialBackoffMs: 1,
    }),
    (error: unknown) =>
      error instanceof UnreachableError && error.message.includes(endpoint) &&
      /after 2 attempts/.test(error.message),
  );
  await using sink = await createSqsSink({
    queue: queueUrl,
    client,
    maxAttempts: 2,
    initialBackoffMs: 1,
  });
  await assert.rejects(sink.deliver(records(1, 12)), (error: unknown) => {
    assert.ok(error instanceof UnreachableError);
    assert.ok(error.message.includes(endpoint));
    assert.match(error.message, /sending 12 records to queue 'actions'/);
    return true;
  });
});

Deno.test("createSqsSink() checks its options before any request", async () => {
  await using sqs = await openSqs(["actions"]);
  const { fake } = sqs;
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { maxPayloadBytes: 2_000_000 },
      /'maxPayloadBytes' must be an integer from 1 to 1048576: current value is 2000000/,
    ],
    [{ maxInFlight: 0 }, /'maxInFlight'/],
    [{ maxAttempts: 1.5 }, /'maxAttempts'/],
    [{ queue: "bad name!" }, /current value is 'bad name!'/],
    [{ region: "US East" }, /region/],
    [{ endpoint: "localhost:4566" }, /endpoint/],
    [{ endpoint: "http://user:pw@localhost:4566" }, /user name or password/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(
      sqs.sink(options),
      (error: unknown) =>
        error instanceof ConfigError && message.test(error.message),
    );
  }
  assert.deepEqual(fake.requests, {});
});

Deno.test("createSqsSink() creates and closes its own client with the credentials it is given", async () => {
  await using fake = await startSqsFake({ queues: ["actions"] });
  const sink = await createSqsSink({
    queue: "actions",
    endpoint: fake.url,
    region: "eu-west-1",
    credentials: CREDENTIALS,
  });
  await sink.deliver(records(1, 3));
  await sink[Symbol.asyncDispose]();
  assert.equal(fake.messages("actions").length, 3);
  await assert.rejects(sink.deliver(records(4, 1)), DeliveryError);
});

/** A gate that says when a sink starts waiting for it. */
function watchedGate() {
  const gate = Promise.withResolvers<void>();
  const reached = Promise.withResolvers<void>();
  const watched = {
    then(
      onFulfilled?: () => unknown,
      onRejected?: (reason: unknown) => unknown,
    ) {
      reached.resolve();
      return gate.promise.then(onFulfilled, onRejected);
    },
  } as Promise<void>;
  return { watched, reached: reached.promise, open: gate.resolve };
}

Deno.test("createSqsSink() looks a missing queue up at once but creates it only once createWhen resolves", async () => {
  await using fake = await startSqsFake();
  const client = sqsClient(fake.url);
  const gate = watchedGate();
  const opening = createSqsSink({
    queue: "later",
    client,
    createWhen: gate.watched,
  });
  await gate.reached;
  assert.equal(fake.requests.GetQueueUrl, 1, "looked up");
  assert.equal(fake.hasQueue("later"), false, "not created before it may");
  gate.open();
  await using _sink = await opening;
  assert.ok(fake.hasQueue("later"));
});

Deno.test("createSqsSink() creates nothing when createWhen rejects (the run ended first), and rejects with its reason", async () => {
  await using fake = await startSqsFake();
  const client = sqsClient(fake.url);
  const ended = new Error("the run ended first");
  const gate = Promise.reject(ended);
  gate.catch(() => {});
  await assert.rejects(
    createSqsSink({ queue: "never", client, createWhen: gate }),
    (error: unknown) => error === ended,
  );
  assert.equal(fake.hasQueue("never"), false);
  assert.equal(fake.requests.CreateQueue, undefined);
});

Deno.test("createSqsSink() stops its queue lookup at the signal, with the signal's reason", async () => {
  await using fake = await startSqsFake();
  const client = sqsClient(fake.url);
  const controller = new AbortController();
  const reason = new Error("the run ended first");
  controller.abort(reason);
  await assert.rejects(
    createSqsSink({ queue: "any", client, signal: controller.signal }),
    (error: unknown) => error === reason,
  );
  assert.equal(fake.hasQueue("any"), false);
});

/**
 * A fetch to the fake whose first `answered` requests are answered and every
 * later one hangs until its deadline aborts it: SQS freezing mid-page.
 */
function freezingFetch(answered: number) {
  let sent = 0;
  const fetch = (input: URL | RequestInfo, init?: RequestInit) => {
    sent++;
    if (sent <= answered) return globalThis.fetch(input, init);
    return new Promise<Response>((_, reject) => {
      const signal = init?.signal;
      signal?.addEventListener("abort", () => reject(signal.reason), {
        once: true,
      });
    });
  };
  return {
    fetch,
    get sent() {
      return sent;
    },
  };
}

Deno.test("createSqsSink() stops a page's other batches once one gave up on an SQS that froze mid-page", async () => {
  await using fake = await startSqsFake({ queues: ["actions"] });
  // The first two batches are answered, then SQS answers nothing.
  const frozen = freezingFetch(2);
  const client = createSqsClient({
    region: "us-east-1",
    endpoint: fake.url,
    credentials: () => Promise.resolve(CREDENTIALS),
    requestTimeoutMs: 50,
    fetch: frozen.fetch,
  });
  await using sink = await createSqsSink({
    queue: fake.queueUrl("actions"),
    client,
    maxInFlight: 2,
    maxAttempts: 2,
    initialBackoffMs: 1,
  });
  // 40 batches: without a stop, each would wait out its 2 attempts.
  await assert.rejects(sink.deliver(records(1, 400)), (error: unknown) => {
    // A service that stopped answering: exit 4, not "records refused" (7).
    assert.ok(error instanceof UnreachableError, String(error));
    assert.match(error.message, /sending 400 records to queue 'actions'/);
    assert.match(error.message, /after 2 attempts: TimeoutError/);
    return true;
  });
  assert.equal(fake.messages("actions").length, 20);
  // The two batches in flight when SQS froze try twice each; no other
  // batch is sent at all.
  assert.ok(frozen.sent <= 2 + 2 * 2, `${frozen.sent} requests`);
});

Deno.test("createSqsSink() takes a request refused with 429 for throttling as the classifier does: it slows the shared pace and says so", async () => {
  await using sqs = await openSqs(["actions"]);
  const { fake } = sqs;
  await using sink = await sqs.sink({ maxInFlight: 2 });
  fake.failRequests(2, 429, {
    operation: "SendMessageBatch",
    code: "TooManyRequestsException",
  });
  const [, logs] = await captureLogs(() => sink.deliver(records(1, 20)));
  assert.deepEqual(actionIdsOf(fake.messages("actions")), range(1, 20));
  const lines = logs.map(logLine);
  assert.equal(
    lines.filter((line) => /SQS is throttling the harvest/.test(line)).length,
    1,
    lines.join("\n"),
  );
});

Deno.test("createSqsSink() rides out SQS throttling (ThrottlingException, RequestThrottled, 503): every record once, said once at info", async () => {
  await using sqs = await openSqs(["actions"]);
  const { fake } = sqs;
  await using sink = await sqs.sink({ maxInFlight: 2 });
  fake.failRequests(2, 400, {
    operation: "SendMessageBatch",
    code: "ThrottlingException",
  });
  fake.failRequests(1, 503, { operation: "SendMessageBatch" });
  fake.rejectNext(7, { code: "RequestThrottled", senderFault: true });
  const [, logs] = await captureLogs(() => sink.deliver(records(1, 40)));
  const delivered = actionIdsOf(fake.messages("actions"));
  assert.deepEqual(delivered, range(1, 40), "each record once, none lost");
  const lines = logs.map(logLine);
  assert.equal(
    lines.filter((line) => /SQS is throttling the harvest/.test(line)).length,
    1,
    lines.join("\n"),
  );
  assert.ok(
    lines.some((line) =>
      /SQS accepted all 40 records after \d+ resends/.test(line)
    ),
    lines.join("\n"),
  );
});
