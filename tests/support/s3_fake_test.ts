/**
 * The S3 fake answers the real AWS SDK as S3 does, for every operation the
 * checkpoint store sends: the fake stays faithful to the protocol the
 * fetch-based client (`src/aws/s3_client.ts`) is tested against.
 */
import assert from "node:assert/strict";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { startS3Fake } from "./s3_fake.ts";

function s3Client(endpoint: string): S3Client {
  return new S3Client({
    region: "eu-west-1",
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
}

/** What the SDK made of a failed call: its name and HTTP status. */
async function failure(
  call: Promise<unknown>,
): Promise<[string, number | undefined]> {
  try {
    await call;
  } catch (error) {
    const e = error as {
      name: string;
      $metadata?: { httpStatusCode?: number };
    };
    return [e.name, e.$metadata?.httpStatusCode];
  }
  throw new Error("the call succeeded");
}

Deno.test("startS3Fake() answers the SDK's bucket calls as S3 does", async () => {
  await using fake = await startS3Fake();
  const client = s3Client(fake.url);
  try {
    assert.deepEqual(
      await failure(client.send(new HeadBucketCommand({ Bucket: "b-1" }))),
      ["NotFound", 404],
    );
    await client.send(
      new CreateBucketCommand({
        Bucket: "b-1",
        CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
      }),
    );
    await client.send(new HeadBucketCommand({ Bucket: "b-1" }));
    assert.deepEqual(
      await failure(client.send(new CreateBucketCommand({ Bucket: "b-1" }))),
      ["BucketAlreadyOwnedByYou", 409],
    );
    assert.deepEqual(
      await failure(
        client.send(new GetObjectCommand({ Bucket: "nope", Key: "k" })),
      ),
      ["NoSuchBucket", 404],
    );
  } finally {
    client.destroy();
  }
});

Deno.test("startS3Fake() answers the SDK's conditional writes and reads as S3 does", async () => {
  await using fake = await startS3Fake();
  fake.createBucket("b-1");
  const client = s3Client(fake.url);
  try {
    assert.deepEqual(
      await failure(
        client.send(new GetObjectCommand({ Bucket: "b-1", Key: "a/k" })),
      ),
      ["NoSuchKey", 404],
    );
    const put = (extra: { IfMatch?: string; IfNoneMatch?: string }) =>
      client.send(
        new PutObjectCommand({
          Bucket: "b-1",
          Key: "a/k",
          Body: "one",
          ContentType: "text/plain; charset=utf-8",
          ...extra,
        }),
      );
    const created = await put({ IfNoneMatch: "*" });
    assert.match(created.ETag ?? "", /^"[0-9a-f]{32}"$/);
    assert.deepEqual(await failure(put({ IfNoneMatch: "*" })), [
      "PreconditionFailed",
      412,
    ]);
    assert.deepEqual(await failure(put({ IfMatch: '"other"' })), [
      "PreconditionFailed",
      412,
    ]);
    await put({ IfMatch: created.ETag! });
    const read = await client.send(
      new GetObjectCommand({ Bucket: "b-1", Key: "a/k" }),
    );
    assert.equal(await read.Body?.transformToString(), "one");
    assert.equal(read.ETag, created.ETag);
    const head = await client.send(
      new HeadObjectCommand({ Bucket: "b-1", Key: "a/k" }),
    );
    assert.equal(head.ETag, created.ETag);
    fake.failRequests(1, 409, {
      operation: "PutObject",
      code: "ConditionalRequestConflict",
    });
    assert.deepEqual(await failure(put({ IfMatch: created.ETag! })), [
      "ConditionalRequestConflict",
      409,
    ]);
    fake.failRequests(1, 403, { code: "AccessDenied" });
    assert.deepEqual(await failure(put({})), ["AccessDenied", 403]);
  } finally {
    client.destroy();
  }
});
