import assert from "node:assert/strict";
import { S3Client } from "@aws-sdk/client-s3";
import {
  AuthenticationError,
  ConfigError,
  LockedError,
  UnreachableError,
} from "../../src/errors.ts";
import { createS3CheckpointStore } from "../../src/checkpoint/s3_checkpoint_store.ts";
import { serializeCheckpoint } from "../../src/checkpoint/checkpoint_format.ts";
import { startS3Fake } from "../support/s3_fake.ts";
import { withTestAwsEnv } from "../support/test_aws_env.ts";
import { startSilentServer } from "../support/silent_server.ts";

const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test-secret-key" };

function s3Client(endpoint: string, region = "us-east-1"): S3Client {
  return new S3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
}

Deno.test("createS3CheckpointStore() saves and loads the text", async () => {
  await using fake = await startS3Fake();
  fake.createBucket("harvest-ts");
  const client = s3Client(fake.url);
  try {
    await using store = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "state/last-action-ts",
      client,
    });
    assert.equal(store.description, "s3://harvest-ts/state/last-action-ts");
    const text =
      '{"version":2,"timestamp":"20170301190509","ids":[90411,90412]}\n';
    await store.save(text);
    assert.equal(fake.text("harvest-ts", "state/last-action-ts"), text);
    assert.equal(await store.load(), text);
    await store.save("20170301190510");
    assert.equal(await store.load(), "20170301190510");
    assert.equal(fake.requests.CreateBucket, undefined);
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() loads null when nothing was saved", async () => {
  await using fake = await startS3Fake();
  fake.createBucket("harvest-ts");
  const client = s3Client(fake.url);
  try {
    await using store = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "last-action-ts",
      client,
    });
    assert.equal(await store.load(), null);
    assert.equal(fake.requests.GetObject, 1);
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() reads the original's bare timestamp verbatim", async () => {
  await using fake = await startS3Fake();
  fake.put("harvest-ts", "last-action-ts", "20170301190509");
  const client = s3Client(fake.url);
  try {
    await using store = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "last-action-ts",
      client,
    });
    assert.equal(await store.load(), "20170301190509");
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() creates the bucket when it is missing", async () => {
  await using fake = await startS3Fake();
  const client = s3Client(fake.url);
  try {
    await using store = await createS3CheckpointStore({
      bucket: "new-harvest-ts",
      key: "k",
      client,
    });
    assert.ok(fake.buckets.has("new-harvest-ts"));
    assert.equal(fake.requests.CreateBucket, 1);
    assert.equal(await store.load(), null);
    await store.save("20170301190509");
    assert.equal(fake.text("new-harvest-ts", "k"), "20170301190509");
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() reads a missing bucket as no checkpoint when creation is off", async () => {
  await using fake = await startS3Fake();
  const client = s3Client(fake.url);
  try {
    await using store = await createS3CheckpointStore({
      bucket: "absent",
      key: "k",
      client,
      createBucket: false,
    });
    assert.equal(await store.load(), null);
    assert.equal(fake.buckets.has("absent"), false, "nothing created");
    assert.equal(fake.requests.CreateBucket ?? 0, 0);
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() does not blame a dry run for a bucket deleted after start-up", async () => {
  await using fake = await startS3Fake();
  const client = s3Client(fake.url);
  try {
    await using store = await createS3CheckpointStore({
      bucket: "vanishing",
      key: "k",
      client,
    });
    assert.equal(fake.buckets.has("vanishing"), true);
    // The fake hands out its own set; deleting from it removes the bucket.
    (fake.buckets as Set<string>).delete("vanishing");
    await assert.rejects(
      store.load(),
      (error: unknown) =>
        error instanceof ConfigError &&
        /bucket 'vanishing' does not exist/.test(error.message) &&
        !/--dry-run/.test(error.message),
    );
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() throws AuthenticationError when S3 refuses access", async () => {
  await using fake = await startS3Fake();
  fake.createBucket("harvest-ts");
  const client = s3Client(fake.url);
  try {
    await using store = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client,
      endpoint: fake.url,
    });
    fake.failRequests(1, 403, { code: "AccessDenied", operation: "PutObject" });
    await assert.rejects(store.save("x"), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError);
      assert.match(error.message, /writing s3:\/\/harvest-ts\/k/);
      assert.doesNotMatch(error.message, /test-secret-key/);
      return true;
    });
    assert.equal(fake.text("harvest-ts", "k"), undefined);
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() throws UnreachableError naming the endpoint when nothing answers", async () => {
  const fake = await startS3Fake();
  const endpoint = fake.url;
  await fake.close();
  const client = s3Client(endpoint);
  try {
    await assert.rejects(
      createS3CheckpointStore({
        bucket: "harvest-ts",
        key: "k",
        client,
        endpoint,
      }),
      (error: unknown) =>
        error instanceof UnreachableError && error.message.includes(endpoint),
    );
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() checks its options before any request", async () => {
  await using fake = await startS3Fake();
  const client = s3Client(fake.url);
  try {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ bucket: "" }, /bucket name/],
      [{ bucket: "a/b" }, /current value is 'a\/b'/],
      [{ key: "" }, /object key/],
      [{ region: "Mars" }, /region/],
      [{ endpoint: "ftp://x" }, /endpoint/],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(
        createS3CheckpointStore({
          bucket: "harvest-ts",
          key: "k",
          client,
          ...options,
        }),
        (error: unknown) =>
          error instanceof ConfigError && message.test(error.message),
      );
    }
    assert.deepEqual(fake.requests, {});
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() creates and closes its own client", async () => {
  await using fake = await startS3Fake();
  await withTestAwsEnv(async () => {
    const store = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "last-action-ts",
      region: "eu-west-1",
      endpoint: fake.url,
      forcePathStyle: true,
    });
    await store.save("20170301190509");
    assert.equal(await store.load(), "20170301190509");
    await store[Symbol.asyncDispose]();
    assert.ok(fake.buckets.has("harvest-ts"));
  });
});

Deno.test("createS3CheckpointStore() fences its writes: after another run moved the checkpoint, save() throws LockedError", async () => {
  await using fake = await startS3Fake();
  fake.put("harvest-ts", "k", "20240101000000");
  const client = s3Client(fake.url);
  try {
    await using first = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client,
    });
    await using second = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client,
    });
    assert.equal(await first.load(), "20240101000000");
    assert.equal(await second.load(), "20240101000000");
    await first.save("20240101000100");
    // Its own last write is the fence now: it keeps saving.
    await first.save("20240101000200");
    await assert.rejects(
      second.save("20240101000105"),
      (error: unknown) =>
        error instanceof LockedError &&
        error.exitCode === 8 &&
        /Another run moved the checkpoint s3:\/\/harvest-ts\/k/.test(
          error.message,
        ),
    );
    assert.equal(fake.text("harvest-ts", "k"), "20240101000200");
    assert.deepEqual(
      fake.writes.map((w) => [w.text, w.status]),
      [["20240101000100", 200], ["20240101000200", 200], [
        "20240101000105",
        412,
      ]],
    );
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() fences the first write too: two runs that found no checkpoint cannot both create it", async () => {
  await using fake = await startS3Fake();
  fake.createBucket("harvest-ts");
  const client = s3Client(fake.url);
  try {
    await using first = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client,
    });
    await using second = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client,
    });
    assert.equal(await first.load(), null);
    assert.equal(await second.load(), null);
    await second.save("B");
    await assert.rejects(first.save("A"), LockedError);
    assert.equal(fake.text("harvest-ts", "k"), "B");
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() takes a refused write that already holds its own text as done (a retried write)", async () => {
  await using fake = await startS3Fake();
  fake.put("harvest-ts", "k", "old");
  const client = s3Client(fake.url);
  try {
    await using store = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client,
    });
    await store.load();
    // What an SDK retry after a lost answer looks like: the object already
    // holds our text when the conditional write arrives again.
    fake.put("harvest-ts", "k", "new");
    await store.save("new");
    await store.save("newer");
    assert.equal(fake.text("harvest-ts", "k"), "newer");
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() gives up on an S3 that never answers within its deadline times its attempts (exit 4)", async () => {
  await using silent = startSilentServer();
  await withTestAwsEnv(async () => {
    const started = performance.now();
    await assert.rejects(
      createS3CheckpointStore({
        bucket: "harvest-ts",
        key: "k",
        endpoint: silent.url,
        forcePathStyle: true,
        requestTimeoutMs: 300,
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
  await using fake = await startS3Fake();
  fake.put("harvest-ts", "k", "20240101000000");
  const client = s3Client(fake.url);
  const waits: number[] = [];
  try {
    await using store = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client,
      conflictRetry: {
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
    });
    await store.load();
    fake.failRequests(1, 409, {
      code: "ConditionalRequestConflict",
      operation: "PutObject",
    });
    const text = checkpointText("run-a:1");
    await store.save(text);
    assert.equal(fake.text("harvest-ts", "k"), text);
    assert.equal(fake.requests.PutObject, 2, "the refused write and its retry");
    assert.equal(waits.length, 1, "one short wait before writing again");
    assert.ok(waits[0]! <= 200, `waited ${waits[0]} ms`);
    // The fence follows: its next write goes through too.
    await store.save(checkpointText("run-a:2", "2024-01-01T00:02:00Z"));
    assert.match(fake.text("harvest-ts", "k")!, /run-a:2/);
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() takes its own write as done when a 409 hid that it went through and the retry gets 412", async () => {
  await using fake = await startS3Fake();
  fake.put("harvest-ts", "k", "20240101000000");
  const client = s3Client(fake.url);
  try {
    await using store = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client,
      conflictRetry: { sleep: () => Promise.resolve() },
    });
    await store.load();
    // Our pending write lands while its answer is a conflict; the write
    // made again then fails its If-Match against our own new ETag.
    fake.failRequests(1, 409, {
      code: "ConditionalRequestConflict",
      operation: "PutObject",
      applied: true,
    });
    const text = checkpointText("run-a:1");
    await store.save(text);
    assert.deepEqual(fake.writes.map((w) => w.status), [200, 412]);
    assert.equal(fake.text("harvest-ts", "k"), text);
    await store.save(checkpointText("run-a:2", "2024-01-01T00:02:00Z"));
    assert.match(fake.text("harvest-ts", "k")!, /run-a:2/);
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() takes a write that was stored but answered 412 as done, and keeps fencing on the stored ETag", async () => {
  await using fake = await startS3Fake();
  fake.put("harvest-ts", "k", "20240101000000");
  const client = s3Client(fake.url);
  try {
    await using first = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client,
    });
    await using second = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client,
    });
    await first.load();
    await second.load();
    fake.failRequests(1, 412, {
      code: "PreconditionFailed",
      operation: "PutObject",
      applied: true,
    });
    const text = checkpointText("run-a:1");
    await first.save(text);
    assert.equal(fake.text("harvest-ts", "k"), text);
    await first.save(checkpointText("run-a:2", "2024-01-01T00:02:00Z"));
    // Another run at the very same position is still fenced off: its text
    // names another writer.
    await assert.rejects(
      second.save(checkpointText("run-b:1")),
      (error: unknown) => error instanceof LockedError && error.exitCode === 8,
    );
    assert.match(fake.text("harvest-ts", "k")!, /run-a:2/);
  } finally {
    client.destroy();
  }
});

Deno.test("createS3CheckpointStore() still fences after conflicts that never settle when another run moved the checkpoint", async () => {
  await using fake = await startS3Fake();
  fake.put("harvest-ts", "k", "20240101000000");
  const client = s3Client(fake.url);
  try {
    await using store = await createS3CheckpointStore({
      bucket: "harvest-ts",
      key: "k",
      client,
      conflictRetry: { maxAttempts: 3, sleep: () => Promise.resolve() },
    });
    await store.load();
    fake.put("harvest-ts", "k", checkpointText("run-b:1"));
    fake.failRequests(5, 409, {
      code: "ConditionalRequestConflict",
      operation: "PutObject",
    });
    await assert.rejects(store.save(checkpointText("run-a:1")), LockedError);
    assert.equal(fake.requests.PutObject, 3);
    assert.match(fake.text("harvest-ts", "k")!, /run-b:1/);
  } finally {
    client.destroy();
  }
});
