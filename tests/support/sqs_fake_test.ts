import assert from "node:assert/strict";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { startSqsFake } from "./sqs_fake.ts";

function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
}

Deno.test("startSqsFake() enforces SendMessageBatch limits like SQS", async () => {
  await using fake = await startSqsFake({
    queues: ["q", "q.fifo"],
    maxPayloadBytes: 100,
  });
  const client = sqsClient(fake.url);
  try {
    const entries = Array.from(
      { length: 11 },
      (_, i) => ({ Id: `e${i}`, MessageBody: "x" }),
    );
    await assert.rejects(
      client.send(
        new SendMessageBatchCommand({
          QueueUrl: fake.queueUrl("q"),
          Entries: entries,
        }),
      ),
      { name: "TooManyEntriesInBatchRequest" },
    );
    await assert.rejects(
      client.send(
        new SendMessageBatchCommand({
          QueueUrl: fake.queueUrl("q"),
          Entries: [{ Id: "a", MessageBody: "x".repeat(60) }, {
            Id: "b",
            MessageBody: "x".repeat(60),
          }],
        }),
      ),
      { name: "BatchRequestTooLong" },
    );
    const fifo = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: fake.queueUrl("q.fifo"),
        Entries: [
          { Id: "a", MessageBody: "x" },
          { Id: "b", MessageBody: "y", MessageGroupId: "g" },
          {
            Id: "c",
            MessageBody: "z",
            MessageGroupId: "g",
            MessageDeduplicationId: "c",
          },
        ],
      }),
    );
    assert.deepEqual(fifo.Successful?.map((e) => e.Id), ["c"]);
    assert.deepEqual(fifo.Failed?.map((e) => [e.Id, e.SenderFault]), [[
      "a",
      true,
    ], ["b", true]]);
    await assert.rejects(
      client.send(
        new SendMessageBatchCommand({
          QueueUrl: fake.queueUrl("nope"),
          Entries: entries.slice(0, 1),
        }),
      ),
      { name: "QueueDoesNotExist" },
    );
  } finally {
    client.destroy();
  }
});

Deno.test("startSqsFake() hands out sent messages with ReceiveMessage and DeleteMessage", async () => {
  await using fake = await startSqsFake({ queues: ["q"] });
  const client = sqsClient(fake.url);
  try {
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: fake.queueUrl("q"),
        Entries: [{ Id: "1", MessageBody: "héllo" }, {
          Id: "2",
          MessageBody: "world",
        }],
      }),
    );
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: fake.queueUrl("q"),
        MaxNumberOfMessages: 10,
      }),
    );
    assert.deepEqual(received.Messages?.map((m) => m.Body), ["héllo", "world"]);
    await client.send(
      new DeleteMessageCommand({
        QueueUrl: fake.queueUrl("q"),
        ReceiptHandle: received.Messages![0]!.ReceiptHandle!,
      }),
    );
    const again = await client.send(
      new ReceiveMessageCommand({ QueueUrl: fake.queueUrl("q") }),
    );
    assert.equal(again.Messages, undefined);
    assert.equal(fake.messages("q").length, 2);
    assert.equal(fake.requests.ReceiveMessage, 2);
  } finally {
    client.destroy();
  }
});

Deno.test("startSqsFake() answers the SDK's queue lookup and creation as SQS does", async () => {
  await using fake = await startSqsFake();
  const client = sqsClient(fake.url);
  try {
    await assert.rejects(
      client.send(new GetQueueUrlCommand({ QueueName: "actions.fifo" })),
      (error: unknown) => {
        const e = error as {
          name: string;
          Code?: string;
          $metadata: { httpStatusCode?: number };
        };
        assert.equal(e.name, "QueueDoesNotExist");
        assert.equal(e.$metadata.httpStatusCode, 400);
        return true;
      },
    );
    const created = await client.send(
      new CreateQueueCommand({
        QueueName: "actions.fifo",
        Attributes: { FifoQueue: "true" },
      }),
    );
    assert.equal(created.QueueUrl, fake.queueUrl("actions.fifo"));
    assert.deepEqual(fake.queueAttributes("actions.fifo"), {
      FifoQueue: "true",
    });
    const found = await client.send(
      new GetQueueUrlCommand({ QueueName: "actions.fifo" }),
    );
    assert.equal(found.QueueUrl, created.QueueUrl);
  } finally {
    client.destroy();
  }
});
