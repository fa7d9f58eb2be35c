import assert from "node:assert/strict";
import { configure, dispose, type LogRecord } from "@logtape/logtape";
import { ConfigError } from "../../src/errors.ts";
import { awsClientConfig } from "../../src/aws/aws_client_config.ts";

Deno.test("awsClientConfig() defaults to us-east-1 without an endpoint", () => {
  const config = awsClientConfig("SQS");
  assert.equal(config.region, "us-east-1");
  assert.equal(config.endpoint, undefined);
  assert.equal(config.forcePathStyle, undefined);
  assert.equal(config.maxAttempts, 3);
});

Deno.test("awsClientConfig() passes region, endpoint and path style through", () => {
  const config = awsClientConfig("S3", {
    region: "eu-central-1",
    endpoint: "http://localhost:9000",
    forcePathStyle: true,
    maxAttempts: 1,
  });
  assert.equal(config.region, "eu-central-1");
  assert.equal(config.endpoint, "http://localhost:9000");
  assert.equal(config.forcePathStyle, true);
  assert.equal(config.maxAttempts, 1);
});

Deno.test("awsClientConfig() throws ConfigError for a malformed region or endpoint", () => {
  assert.throws(
    () => awsClientConfig("S3", { region: "us east 1" }),
    ConfigError,
  );
  assert.throws(
    () => awsClientConfig("S3", { endpoint: "localhost:9000" }),
    ConfigError,
  );
  assert.throws(
    () => awsClientConfig("S3", { endpoint: "ftp://example.org" }),
    ConfigError,
  );
  assert.throws(
    () =>
      awsClientConfig("SQS", { endpoint: "https://key:secret@example.org" }),
    (error: unknown) =>
      error instanceof ConfigError && !error.message.includes("secret"),
  );
  assert.throws(() => awsClientConfig("SQS", { maxAttempts: 0 }), RangeError);
});

Deno.test("awsClientConfig() logs the SDK's call records as fields, never [object Object] or a body", async () => {
  const records: LogRecord[] = [];
  await configure({
    reset: true,
    sinks: { memory: (record) => void records.push(record) },
    loggers: [
      { category: ["ua-harvest"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
    ],
  });
  try {
    const { logger } = awsClientConfig("SQS");
    const error = Object.assign(new Error("Access to the queue is denied"), {
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403, requestId: "req-7", attempts: 1 },
    });
    // What the SDK's logger middleware passes when a call fails.
    logger.error({
      clientName: "SQSClient",
      commandName: "SendMessageBatchCommand",
      input: { Entries: [{ MessageBody: "a-record-body" }] },
      error,
      metadata: error.$metadata,
    });
    logger.warn("region is deprecated", { hint: "use another", nested: {} });
    const text = records.map((r) =>
      r.message.map((part) => typeof part === "string" ? part : String(part))
        .join("")
    );
    assert.deepEqual(text, [
      "AWS SDK: SQSClient SendMessageBatchCommand failed: AccessDenied: Access to the queue is denied (HTTP 403)",
      "AWS SDK: region is deprecated hint=use another",
    ]);
    assert.equal(records[0]!.level, "debug");
    assert.equal(records[1]!.level, "warning");
    assert.deepEqual(
      { ...records[0]!.properties, message: undefined },
      {
        clientName: "SQSClient",
        commandName: "SendMessageBatchCommand",
        error: "AccessDenied: Access to the queue is denied",
        httpStatusCode: 403,
        requestId: "req-7",
        attempts: 1,
        message: undefined,
      },
    );
    assert.ok(
      !JSON.stringify(records.map((r) => r.properties)).includes(
        "a-record-body",
      ),
    );
  } finally {
    await dispose();
  }
});
