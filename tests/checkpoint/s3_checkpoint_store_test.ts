import assert from "node:assert/strict";
import { createS3Client, type S3Client } from "../../src/aws/s3_client.ts";
import {
  ApiContractError,
  AuthenticationError,
  ConfigError,
  LockedError,
  StateError,
  UnreachableError,
} from "../../src/errors.ts";
import {
  createS3CheckpointStore,
  S3_WRITE_PROBE_ETAG,
  type S3CheckpointStoreOptions,
} from "../../src/checkpoint/s3_checkpoint_store.ts";
import type { CheckpointStore } from "../../src/checkpoint/checkpoint_store.ts";
import { serializeCheckpoint } from "../../src/checkpoint/checkpoint_format.ts";
import { type S3Fake, startS3Fake } from "../support/s3_fake.ts";
import { assertSecondRunFenced } from "../support/assert_second_run_fenced.ts";
import { startSilentServer } from "../support/silent_server.ts";

const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test-secret-key" };

/** A client on the fake, one attempt a request. */
function s3Client(endpoint: string, region = "us-east-1"): S3Client {
  return createS3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: () => Promise.resolve(CREDENTIALS),
    maxAttempts: 1,
  });
}

/** A loopback S3 with a client on it, and the stores a test opens there. */
interface S3Fixture extends AsyncDisposable {
  readonly fake: S3Fake;
  /** The client every store of the fixture shares (one attempt a request). */
  readonly client: S3Client;
  /**
   * Opens a store on the fake through {@linkcode S3Fixture.client}; the
   * fixture closes it.
   *
   * @param options Overrides; `bucket` defaults to `harvest-ts`, `key` to `k`.
   */
  store(options?: Partial<S3CheckpointStoreOptions>): Promise<CheckpointStore>;
}

/**
 * Starts the fake with an empty bucket list (a test adds what it needs, so it
 * sees every request) and a client on it. Disposing it closes the stores,
 * then closes the fake.
 */
async function s3Fixture(): Promise<S3Fixture> {
  const fake = await startS3Fake();
  const client = s3Client(fake.url);
  const stores: CheckpointStore[] = [];
  return {
    fake,
    client,
    async store(options = {}) {
      const store = await createS3CheckpointStore({
        bucket: "harvest-ts",
        key: "k",
        client,
        ...options,
      });
      stores.push(store);
      return store;
    },
    async [Symbol.asyncDispose]() {
      try {
        for (const store of stores.reverse()) {
          await store[Symbol.asyncDispose]();
        }
      } finally {
        await fake.close();
      }
    },
  };
}

/** The next PutObject is stored, but answered with `status` and `code`. */
function storedButAnswered(fake: S3Fake, status: number, code: string) {
  fake.failRequests(1, status, { code, operation: "PutObject", applied: true });
}

Deno.test("createS3CheckpointStore() saves and loads the text", async () => {
  await using s3 = await s3Fixture();
  s3.fake.createBucket("harvest-ts");
  const store = await s3.store({ key: "state/last-action-ts" });
  assert.equal(store.description, "s3://harvest-ts/state/last-action-ts");
  const text =
    '{"version":2,"timestamp":"20170301190509","ids":[90411,90412]}\n';
  await store.save(text);
  assert.equal(s3.fake.text("harvest-ts", "state/last-action-ts"), text);
  assert.equal(await store.load(), text);
  await store.save("20170301190510");
  assert.equal(await store.load(), "20170301190510");
  assert.equal(s3.fake.requests.CreateBucket, undefined);
});

Deno.test("createS3CheckpointStore() loads null when nothing was saved", async () => {
  await using s3 = await s3Fixture();
  s3.fake.createBucket("harvest-ts");
  const store = await s3.store({ key: "last-action-ts" });
  assert.equal(await store.load(), null);
  assert.equal(s3.fake.requests.GetObject, 1);
});

Deno.test("createS3CheckpointStore() creates the bucket when it is missing", async () => {
  await using s3 = await s3Fixture();
  const store = await s3.store({ bucket: "new-harvest-ts" });
  assert.ok(s3.fake.buckets.has("new-harvest-ts"));
  assert.equal(s3.fake.requests.CreateBucket, 1);
  assert.equal(await store.load(), null);
  await store.save("20170301190509");
  assert.equal(s3.fake.text("new-harvest-ts", "k"), "20170301190509");
});

Deno.test("createS3CheckpointStore() reads a missing bucket as no checkpoint when creation is off", async () => {
  await using s3 = await s3Fixture();
  const store = await s3.store({ bucket: "absent", createBucket: false });
  assert.equal(await store.load(), null);
  assert.equal(s3.fake.buckets.has("absent"), false, "nothing created");
  assert.equal(s3.fake.requests.CreateBucket ?? 0, 0);
});

Deno.test("createS3CheckpointStore() does not blame a dry run for a bucket deleted after start-up", async () => {
  await using s3 = await s3Fixture();
  const store = await s3.store({ bucket: "vanishing" });
  assert.equal(s3.fake.buckets.has("vanishing"), true);
  // The fake hands out its own set; deleting from it removes the bucket.
  (s3.fake.buckets as Set<string>).delete("vanishing");
  await assert.rejects(
    store.load(),
    (error: unknown) =>
      error instanceof ConfigError &&
      /bucket 'vanishing' does not exist/.test(error.message) &&
      !/--dry-run/.test(error.message),
  );
});

Deno.test("createS3CheckpointStore() throws AuthenticationError when S3 refuses access", async () => {
  await using s3 = await s3Fixture();
  s3.fake.createBucket("harvest-ts");
  const store = await s3.store({ endpoint: s3.fake.url });
  s3.fake.failRequests(1, 403, {
    code: "AccessDenied",
    operation: "PutObject",
  });
  await assert.rejects(store.save("x"), (error: unknown) => {
    assert.ok(error instanceof AuthenticationError);
    assert.match(error.message, /writing s3:\/\/harvest-ts\/k/);
    assert.doesNotMatch(error.message, /test-secret-key/);
    return true;
  });
  assert.equal(s3.fake.text("harvest-ts", "k"), undefined);
});

Deno.test("createS3CheckpointStore() throws UnreachableError naming the endpoint when nothing answers", async () => {
  const fake = await startS3Fake();
  const endpoint = fake.url;
  await fake.close();
  await assert.rejects(
    createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client: s3Client(endpoint),
      endpoint,
    }),
    (error: unknown) =>
      error instanceof UnreachableError && error.message.includes(endpoint),
  );
});

Deno.test("createS3CheckpointStore() checks its options before any request", async () => {
  await using s3 = await s3Fixture();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ bucket: "" }, /bucket name/],
    [{ bucket: "a/b" }, /current value is 'a\/b'/],
    [{ key: "" }, /object key/],
    [{ region: "Mars" }, /region/],
    [{ endpoint: "ftp://x" }, /endpoint/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(
      s3.store(options),
      (error: unknown) =>
        error instanceof ConfigError && message.test(error.message),
    );
  }
  assert.deepEqual(s3.fake.requests, {});
});

Deno.test("createS3CheckpointStore() creates and closes its own client", async () => {
  await using fake = await startS3Fake();
  const store = await createS3CheckpointStore({
    bucket: "harvest-ts",
    key: "last-action-ts",
    region: "eu-west-1",
    endpoint: fake.url,
    forcePathStyle: true,
    credentials: CREDENTIALS,
  });
  await store.save("20170301190509");
  assert.equal(await store.load(), "20170301190509");
  await store[Symbol.asyncDispose]();
  assert.ok(fake.buckets.has("harvest-ts"));
});

Deno.test("createS3CheckpointStore() fences its writes: after another run moved the checkpoint, save() throws LockedError", async () => {
  await using s3 = await s3Fixture();
  s3.fake.put("harvest-ts", "k", "20240101000000");
  const first = await s3.store();
  const second = await s3.store();
  const refusal = await assertSecondRunFenced(first, second);
  assert.match(
    refusal.message,
    /Another run moved the checkpoint s3:\/\/harvest-ts\/k/,
  );
  assert.equal(s3.fake.text("harvest-ts", "k"), "20240101000200");
  assert.deepEqual(
    s3.fake.writes.map((w) => [w.text, w.status]),
    [["20240101000100", 200], ["20240101000200", 200], [
      "20240101000105",
      412,
    ]],
  );
});

Deno.test("createS3CheckpointStore() takes a refused write that already holds its own text as done (a retried write)", async () => {
  await using s3 = await s3Fixture();
  s3.fake.put("harvest-ts", "k", "old");
  const store = await s3.store();
  await store.load();
  // What an SDK retry after a lost answer looks like: the object already
  // holds our text when the conditional write arrives again.
  s3.fake.put("harvest-ts", "k", "new");
  await store.save("new");
  await store.save("newer");
  assert.equal(s3.fake.text("harvest-ts", "k"), "newer");
});

Deno.test("createS3CheckpointStore() gives up on an S3 that never answers within its deadline times its attempts (exit 4)", async () => {
  await using silent = startSilentServer();
  const started = performance.now();
  await assert.rejects(
    createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      endpoint: silent.url,
      forcePathStyle: true,
      requestTimeoutMs: 300,
      credentials: CREDENTIALS,
    }),
    (error: unknown) =>
      error instanceof UnreachableError && error.exitCode === 4 &&
      error.message.includes(silent.url),
  );
  const seconds = (performance.now() - started) / 1000;
  // 3 attempts of 0.3 s plus backoff; a generous bound on a hang.
  assert.ok(seconds < 15, `gave up after ${seconds} s`);
  assert.ok(silent.connections >= 1);
});

/** Two runs' checkpoints at the same position differ only by their writer. */
function checkpointText(writer: string, second = "2024-01-01T00:01:00Z") {
  return serializeCheckpoint(
    { timestamp: Temporal.Instant.from(second), ids: [7, 8] },
    "UTC",
    { writer },
  );
}

Deno.test("createS3CheckpointStore() writes again after a 409 ConditionalRequestConflict instead of taking it for another run (no exit 8)", async () => {
  await using s3 = await s3Fixture();
  s3.fake.put("harvest-ts", "k", "20240101000000");
  const waits: number[] = [];
  const store = await s3.store({
    conflictRetry: {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    },
  });
  await store.load();
  s3.fake.failRequests(1, 409, {
    code: "ConditionalRequestConflict",
    operation: "PutObject",
  });
  const text = checkpointText("run-a:1");
  await store.save(text);
  assert.equal(s3.fake.text("harvest-ts", "k"), text);
  assert.equal(
    s3.fake.requests.PutObject,
    2,
    "the refused write and its retry",
  );
  assert.equal(waits.length, 1, "one short wait before writing again");
  assert.ok(waits[0]! <= 200, `waited ${waits[0]} ms`);
  // The fence follows: its next write goes through too.
  await store.save(checkpointText("run-a:2", "2024-01-01T00:02:00Z"));
  assert.match(s3.fake.text("harvest-ts", "k")!, /run-a:2/);
});

Deno.test("createS3CheckpointStore() takes its own write as done when a 409 hid that it went through and the retry gets 412", async () => {
  await using s3 = await s3Fixture();
  s3.fake.put("harvest-ts", "k", "20240101000000");
  const store = await s3.store({
    conflictRetry: { sleep: () => Promise.resolve() },
  });
  await store.load();
  // Our pending write lands while its answer is a conflict; the write
  // made again then fails its If-Match against our own new ETag.
  storedButAnswered(s3.fake, 409, "ConditionalRequestConflict");
  const text = checkpointText("run-a:1");
  await store.save(text);
  assert.deepEqual(s3.fake.writes.map((w) => w.status), [200, 412]);
  assert.equal(s3.fake.text("harvest-ts", "k"), text);
  await store.save(checkpointText("run-a:2", "2024-01-01T00:02:00Z"));
  assert.match(s3.fake.text("harvest-ts", "k")!, /run-a:2/);
});

Deno.test("createS3CheckpointStore() takes a write that was stored but answered 412 as done, and keeps fencing on the stored ETag", async () => {
  await using s3 = await s3Fixture();
  s3.fake.put("harvest-ts", "k", "20240101000000");
  const first = await s3.store();
  const second = await s3.store();
  await first.load();
  await second.load();
  storedButAnswered(s3.fake, 412, "PreconditionFailed");
  const text = checkpointText("run-a:1");
  await first.save(text);
  assert.equal(s3.fake.text("harvest-ts", "k"), text);
  await first.save(checkpointText("run-a:2", "2024-01-01T00:02:00Z"));
  // Another run at the very same position is still fenced off: its text
  // names another writer.
  await assert.rejects(
    second.save(checkpointText("run-b:1")),
    (error: unknown) => error instanceof LockedError && error.exitCode === 8,
  );
  assert.match(s3.fake.text("harvest-ts", "k")!, /run-a:2/);
});

Deno.test("createS3CheckpointStore() still fences after conflicts that never settle when another run moved the checkpoint", async () => {
  await using s3 = await s3Fixture();
  s3.fake.put("harvest-ts", "k", "20240101000000");
  const store = await s3.store({
    conflictRetry: { maxAttempts: 3, sleep: () => Promise.resolve() },
  });
  await store.load();
  s3.fake.put("harvest-ts", "k", checkpointText("run-b:1"));
  s3.fake.failRequests(5, 409, {
    code: "ConditionalRequestConflict",
    operation: "PutObject",
  });
  await assert.rejects(store.save(checkpointText("run-a:1")), LockedError);
  assert.equal(s3.fake.requests.PutObject, 3);
  assert.match(s3.fake.text("harvest-ts", "k")!, /run-b:1/);
});

Deno.test("createS3CheckpointStore() checkWritable() proves the key may be written without changing it", async () => {
  await using s3 = await s3Fixture();
  s3.fake.put("harvest-ts", "k", "20240101000000");
  const etag = s3.fake.objects.get("harvest-ts/k")!.etag;
  const store = await s3.store();
  await store.load();
  await store.checkWritable!(4096);
  // One conditional write that S3 refused after authorizing it.
  assert.deepEqual(
    s3.fake.writes.map((w) => [w.text, w.status, w.ifMatch]),
    [["20240101000000", 412, S3_WRITE_PROBE_ETAG]],
  );
  assert.equal(s3.fake.objects.get("harvest-ts/k")!.etag, etag);
  // The fence still holds the ETag read: the next save goes through.
  await store.save("20240101000100");
  assert.equal(s3.fake.text("harvest-ts", "k"), "20240101000100");
});

Deno.test("createS3CheckpointStore() checkWritable() fails with StateError (exit 11) when S3 refuses the write", async () => {
  await using s3 = await s3Fixture();
  s3.fake.put("harvest-ts", "k", "20240101000000");
  const store = await s3.store();
  await store.load();
  s3.fake.failRequests(1, 403, {
    code: "AccessDenied",
    operation: "PutObject",
  });
  await assert.rejects(
    store.checkWritable!(4096),
    (error: unknown) =>
      error instanceof StateError && error.exitCode === 11 &&
      /^Cannot write the checkpoint s3:\/\/harvest-ts\/k: S3 refused the write \(AccessDenied: .*\); nothing was sent \(allow s3:PutObject on it for these AWS credentials\)$/
        .test(error.message),
  );
  assert.equal(s3.fake.text("harvest-ts", "k"), "20240101000000");
});

Deno.test("createS3CheckpointStore() checkWritable() sends nothing before the first checkpoint exists", async () => {
  await using s3 = await s3Fixture();
  s3.fake.createBucket("harvest-ts");
  const store = await s3.store();
  assert.equal(await store.load(), null);
  await store.checkWritable!(4096);
  assert.equal(s3.fake.requests.PutObject, undefined);
});

Deno.test("createS3CheckpointStore() checks the bucket at once but creates a missing one only once createWhen resolves", async () => {
  await using s3 = await s3Fixture();
  const gate = Promise.withResolvers<void>();
  const reached = Promise.withResolvers<void>();
  // Says when the store starts waiting for the gate.
  const createWhen = {
    then(onFulfilled?: () => unknown, onRejected?: (r: unknown) => unknown) {
      reached.resolve();
      return gate.promise.then(onFulfilled, onRejected);
    },
  } as Promise<void>;
  const opening = s3.store({ bucket: "later", createWhen });
  await reached.promise;
  assert.equal(s3.fake.requests.HeadBucket, 1, "checked");
  assert.equal(
    s3.fake.buckets.has("later"),
    false,
    "not created before it may",
  );
  gate.resolve();
  await opening;
  assert.ok(s3.fake.buckets.has("later"));
});

Deno.test("createS3CheckpointStore() creates no bucket when createWhen rejects (the run ended first), and rejects with its reason", async () => {
  await using s3 = await s3Fixture();
  const ended = new Error("the run ended first");
  const createWhen = Promise.reject(ended);
  createWhen.catch(() => {});
  await assert.rejects(
    s3.store({ bucket: "never", createWhen }),
    (error: unknown) => error === ended,
  );
  assert.equal(s3.fake.buckets.has("never"), false);
  assert.equal(s3.fake.requests.CreateBucket ?? 0, 0);
});

Deno.test("createS3CheckpointStore() stops its bucket check at the signal, with the signal's reason", async () => {
  await using s3 = await s3Fixture();
  const controller = new AbortController();
  const reason = new Error("the run ended first");
  controller.abort(reason);
  await assert.rejects(
    s3.store({ bucket: "any", signal: controller.signal }),
    (error: unknown) => error === reason,
  );
  assert.equal(s3.fake.buckets.has("any"), false);
});

Deno.test("createS3CheckpointStore() refuses an object far larger than any checkpoint without reading it whole (a wrong S3_LAST_ACTION_TS_KEY)", async () => {
  await using fake = await startS3Fake();
  fake.createBucket("harvest-ts");
  fake.put("harvest-ts", "exports/2017.csv", "x".repeat(64 * 1024));
  const client = createS3Client({
    region: "us-east-1",
    endpoint: fake.url,
    forcePathStyle: true,
    credentials: () => Promise.resolve(CREDENTIALS),
    maxBodyBytes: 16 * 1024,
  });
  await using store = await createS3CheckpointStore({
    bucket: "harvest-ts",
    key: "exports/2017.csv",
    client,
  });
  await assert.rejects(store.load(), (error: unknown) => {
    // Exit 5: the stored checkpoint is unreadable.
    assert.ok(error instanceof ApiContractError, String(error));
    assert.equal(
      error.message,
      "The checkpoint s3://harvest-ts/exports/2017.csv is larger than 16 KiB, which no checkpoint is: check S3_LAST_ACTION_TS_KEY (or --s3-key)",
    );
    return true;
  });
  // Not tried again: the object will not shrink.
  assert.equal(fake.requests.GetObject, 1);
});
