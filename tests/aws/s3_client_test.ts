import assert from "node:assert/strict";
import {
  createS3Client,
  type S3ClientOptions,
} from "../../src/aws/s3_client.ts";
import { AwsResponseError } from "../../src/aws/aws_response_error.ts";
import { AwsNetworkError } from "../../src/aws/aws_network_error.ts";
import { startS3Fake } from "../support/s3_fake.ts";
import { startSilentServer } from "../support/silent_server.ts";

const CREDENTIALS = () =>
  Promise.resolve({ accessKeyId: "AKID-TEST", secretAccessKey: "secret" });

function clientOn(url: string, options: Partial<S3ClientOptions> = {}) {
  return createS3Client({
    region: "us-east-1",
    endpoint: url,
    forcePathStyle: true,
    credentials: CREDENTIALS,
    sleep: () => Promise.resolve(),
    ...options,
  });
}

Deno.test("createS3Client() heads, creates, writes conditionally and reads against the S3 fake", async () => {
  await using fake = await startS3Fake();
  const s3 = clientOn(fake.url);
  await assert.rejects(
    s3.headBucket("harvest-ts"),
    (error: unknown) =>
      error instanceof AwsResponseError && error.status === 404 &&
      error.code === "NotFound",
  );
  await s3.createBucket("harvest-ts");
  await s3.headBucket("harvest-ts");
  await assert.rejects(
    s3.getObject("harvest-ts", "state/last action"),
    (error: unknown) =>
      error instanceof AwsResponseError && error.code === "NoSuchKey" &&
      error.message === "The specified key does not exist.",
  );
  const created = await s3.putObject("harvest-ts", "state/last action", {
    body: "20240101000000",
    contentType: "text/plain; charset=utf-8",
    ifNoneMatch: "*",
  });
  assert.equal(
    created.etag,
    fake.objects.get("harvest-ts/state/last action")?.etag,
  );
  await assert.rejects(
    s3.putObject("harvest-ts", "state/last action", {
      body: "x",
      contentType: "text/plain",
      ifNoneMatch: "*",
    }),
    (error: unknown) =>
      error instanceof AwsResponseError && error.status === 412 &&
      error.code === "PreconditionFailed",
  );
  const moved = await s3.putObject("harvest-ts", "state/last action", {
    body: "20240101000100",
    contentType: "text/plain",
    ifMatch: created.etag!,
  });
  const read = await s3.getObject("harvest-ts", "state/last action");
  assert.deepEqual(read, { body: "20240101000100", etag: moved.etag });
  assert.deepEqual(await s3.headObject("harvest-ts", "state/last action"), {
    etag: moved.etag,
  });
  assert.deepEqual(fake.writes.map((w) => [w.accessKey, w.status]), [
    ["AKID-TEST", 200],
    ["AKID-TEST", 412],
    ["AKID-TEST", 200],
  ]);
});

Deno.test("createS3Client() makes 3 attempts on 5xx, waiting as the SDK's standard retry", async () => {
  await using fake = await startS3Fake();
  fake.createBucket("b");
  const waits: number[] = [];
  const s3 = clientOn(fake.url, {
    random: () => 0.5,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });
  fake.failRequests(2, 500, { operation: "HeadBucket" });
  await s3.headBucket("b");
  assert.deepEqual(waits, [100, 200]);
  // A HEAD answer has no body to name SlowDown: throttling shows on a GET.
  fake.failRequests(3, 503, { operation: "GetObject", code: "SlowDown" });
  await assert.rejects(
    s3.getObject("b", "k"),
    (error: unknown) =>
      error instanceof AwsResponseError && error.code === "SlowDown",
  );
  // Throttling waits from a longer base.
  assert.deepEqual(waits.slice(2), [500, 1000]);
  assert.deepEqual(fake.requests, { HeadBucket: 3, GetObject: 3 });
});

Deno.test("createS3Client() does not resend refused requests", async () => {
  await using fake = await startS3Fake();
  fake.createBucket("b");
  fake.failRequests(1, 403, { code: "AccessDenied" });
  await assert.rejects(
    clientOn(fake.url).getObject("b", "k"),
    (error: unknown) =>
      error instanceof AwsResponseError && error.code === "AccessDenied",
  );
  assert.equal(fake.requests.GetObject, 1);
});

Deno.test("createS3Client() gives each attempt its deadline on a service that never answers", async () => {
  await using silent = startSilentServer();
  const started = performance.now();
  await assert.rejects(
    clientOn(silent.url, { requestTimeoutMs: 100 }).headBucket("b"),
    (error: unknown) =>
      error instanceof AwsNetworkError && error.code === "TimeoutError",
  );
  const ms = performance.now() - started;
  assert.ok(ms >= 300 && ms < 5000, `gave up after ${ms} ms`);
  assert.ok(silent.connections >= 1);
});

Deno.test("createS3Client() stops at the signal with its reason", async () => {
  await using silent = startSilentServer();
  const controller = new AbortController();
  const call = clientOn(silent.url).headBucket("b", {
    signal: controller.signal,
  });
  controller.abort(new Error("the run ended"));
  await assert.rejects(call, /the run ended/);
});

Deno.test("createS3Client() follows S3 to the bucket's region and signs for it, once per bucket", async () => {
  const seen: { url: string; authorization: string }[] = [];
  const s3 = createS3Client({
    region: "us-east-1",
    credentials: CREDENTIALS,
    fetch(input, init) {
      const authorization = new Headers(init?.headers).get("authorization") ??
        "";
      seen.push({ url: String(input), authorization });
      if (authorization.includes("/us-east-1/s3/")) {
        return Promise.resolve(
          new Response(
            "<Error><Code>PermanentRedirect</Code><Message>Use the bucket's endpoint</Message></Error>",
            {
              status: 301,
              headers: { "x-amz-bucket-region": "eu-central-1" },
            },
          ),
        );
      }
      return Promise.resolve(
        new Response("20240101000000", { headers: { etag: '"e"' } }),
      );
    },
  });
  assert.deepEqual(await s3.getObject("harvest-ts", "k"), {
    body: "20240101000000",
    etag: '"e"',
  });
  await s3.getObject("harvest-ts", "k");
  assert.deepEqual(seen.map((r) => r.url), [
    "https://harvest-ts.s3.us-east-1.amazonaws.com/k",
    "https://harvest-ts.s3.eu-central-1.amazonaws.com/k",
    "https://harvest-ts.s3.eu-central-1.amazonaws.com/k",
  ]);
  assert.match(seen[1]!.authorization, /\/eu-central-1\/s3\/aws4_request/);
});
