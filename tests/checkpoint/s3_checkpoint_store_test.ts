import assert from "node:assert/strict";
import { S3Client } from "@aws-sdk/client-s3";
import {
  AuthenticationError,
  ConfigError,
  UnreachableError,
} from "../../src/errors.ts";
import { createS3CheckpointStore } from "../../src/checkpoint/s3_checkpoint_store.ts";
import { startS3Fake } from "../support/s3_fake.ts";
import { withTestAwsEnv } from "../support/test_aws_env.ts";

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
