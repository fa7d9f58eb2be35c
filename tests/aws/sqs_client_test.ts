import assert from "node:assert/strict";
import { createSqsClient } from "../../src/aws/sqs_client.ts";
import { buildSqsRequest } from "../../src/aws/sqs_request.ts";
import { AwsResponseError } from "../../src/aws/aws_response_error.ts";
import { startSqsFake } from "../support/sqs_fake.ts";

const CREDENTIALS = () =>
  Promise.resolve({ accessKeyId: "AKID-TEST", secretAccessKey: "secret" });

Deno.test("buildSqsRequest() speaks AWS JSON 1.0: POST /, X-Amz-Target, the input as JSON", () => {
  const request = buildSqsRequest(
    {
      name: "CreateQueue",
      input: { QueueName: "actions.fifo", Attributes: { FifoQueue: "true" } },
    },
    new URL("https://sqs.eu-west-1.amazonaws.com"),
  );
  assert.equal(request.method, "POST");
  assert.equal(request.url.href, "https://sqs.eu-west-1.amazonaws.com/");
  assert.deepEqual(request.headers, {
    "content-type": "application/x-amz-json-1.0",
    "x-amz-target": "AmazonSQS.CreateQueue",
    "x-amzn-query-mode": "true",
  });
  assert.equal(
    request.body,
    '{"QueueName":"actions.fifo","Attributes":{"FifoQueue":"true"}}',
  );
});

Deno.test("createSqsClient() looks up, creates and sends against the SQS fake", async () => {
  await using fake = await startSqsFake();
  const sqs = createSqsClient({
    region: "us-east-1",
    endpoint: fake.url,
    credentials: CREDENTIALS,
  });
  await assert.rejects(sqs.getQueueUrl("actions.fifo"), (error: unknown) => {
    assert.ok(error instanceof AwsResponseError);
    assert.equal(error.code, "QueueDoesNotExist");
    assert.equal(error.queryCode, "AWS.SimpleQueueService.NonExistentQueue");
    assert.equal(error.status, 400);
    return true;
  });
  const url = await sqs.createQueue("actions.fifo", { FifoQueue: "true" });
  assert.equal(url, fake.queueUrl("actions.fifo"));
  assert.deepEqual(fake.queueAttributes("actions.fifo"), { FifoQueue: "true" });
  assert.equal(await sqs.getQueueUrl("actions.fifo"), url);
  fake.rejectNext(1, { code: "InternalError", match: (e) => e.id === "2" });
  const result = await sqs.sendMessageBatch(url!, [
    {
      Id: "1",
      MessageBody: '{"action_id":1}',
      MessageGroupId: "mp",
      MessageDeduplicationId: "1",
    },
    {
      Id: "2",
      MessageBody: '{"action_id":2}',
      MessageGroupId: "mp",
      MessageDeduplicationId: "2",
    },
  ]);
  assert.deepEqual(result.Successful?.map((s) => s.Id), ["1"]);
  assert.deepEqual(result.Failed?.map((f) => [f.Id, f.Code, f.SenderFault]), [
    ["2", "InternalError", false],
  ]);
  assert.deepEqual(fake.messages("actions.fifo").map((m) => m.body), [
    '{"action_id":1}',
  ]);
});

Deno.test("createSqsClient() sends a queue URL's calls to its origin when no endpoint is set", async () => {
  await using fake = await startSqsFake({ queues: ["actions"] });
  const sqs = createSqsClient({
    region: "eu-west-1",
    credentials: CREDENTIALS,
  });
  const result = await sqs.sendMessageBatch(fake.queueUrl("actions"), [
    { Id: "a", MessageBody: "{}" },
  ]);
  assert.deepEqual(result.Successful?.map((s) => s.Id), ["a"]);
  assert.equal(fake.requests.SendMessageBatch, 1);
});

Deno.test("createSqsClient() reports a whole-request failure with its status and code", async () => {
  await using fake = await startSqsFake({ queues: ["actions"] });
  fake.failRequests(1, 403, { code: "AccessDenied" });
  const sqs = createSqsClient({
    region: "us-east-1",
    endpoint: fake.url,
    credentials: CREDENTIALS,
  });
  await assert.rejects(
    sqs.sendMessageBatch(fake.queueUrl("actions"), [
      { Id: "a", MessageBody: "{}" },
    ]),
    (error: unknown) =>
      error instanceof AwsResponseError && error.code === "AccessDenied" &&
      error.status === 403 && error.message === "Injected request failure",
  );
});
