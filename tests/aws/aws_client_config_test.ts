import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import { awsClientConfig } from "../../src/aws/aws_client_config.ts";

Deno.test("awsClientConfig() defaults to us-east-1 without an endpoint", () => {
  const config = awsClientConfig("SQS");
  assert.equal(config.region, "us-east-1");
  assert.equal(config.endpoint, undefined);
  assert.equal(config.forcePathStyle, false);
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

Deno.test("awsClientConfig() signs with the keys given, and checks the deadline", async () => {
  const config = awsClientConfig("S3", {
    credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
    requestTimeoutMs: 2500,
  });
  assert.equal((await config.credentials()).accessKeyId, "AKID");
  assert.equal(config.requestTimeoutMs, 2500);
  assert.throws(
    () => awsClientConfig("S3", { requestTimeoutMs: 0 }),
    ConfigError,
  );
});
