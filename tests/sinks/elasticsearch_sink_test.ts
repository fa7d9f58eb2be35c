import assert from "node:assert/strict";
import { createElasticsearchSink } from "../../src/sinks/elasticsearch_sink.ts";
import {
  AuthenticationError,
  ConfigError,
  DeliveryError,
  UnreachableError,
} from "../../src/errors.ts";
import type { ActionRecord } from "../../src/record/action_record.ts";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";
import { recordExample } from "../support/record_example.ts";
import { captureLogs, logLine } from "../support/capture_logs.ts";

function record(actionId: number, timestamp: string): ActionRecord {
  return recordExample({
    action_id: actionId,
    timestamp,
    episode: { title: "Lecture 4: Entropy", series: "20170112345" },
  });
}

const PAGE = [
  record(1, "2017-03-01T00:00:00+00:00"),
  record(2, "2017-03-01T23:59:59.999000+00:00"),
  record(3, "2017-03-02T00:00:00+00:00"),
  record(4, "2017-12-31T23:30:00+00:00"),
];

const FAST = { initialBackoffMs: 1 };

Deno.test("createElasticsearchSink() indexes every record once into the daily index of its UTC date", async () => {
  await using fake = startElasticsearchFake();
  {
    await using sink = await createElasticsearchSink({
      elasticsearch: { host: fake.host },
      ...FAST,
    });
    await sink.deliver(PAGE);
  }
  assert.deepEqual(fake.indices(), [
    "useractions-2017.03.01",
    "useractions-2017.03.02",
    "useractions-2017.12.31",
  ]);
  assert.deepEqual(
    fake.documents("useractions-2017.03.01"),
    new Map([["1", { ...PAGE[0] }], ["2", { ...PAGE[1] }]]),
  );
  assert.deepEqual(
    fake.documents("useractions-2017.03.02"),
    new Map([["3", { ...PAGE[2] }]]),
  );
  assert.deepEqual(
    fake.documents("useractions-2017.12.31"),
    new Map([["4", { ...PAGE[3] }]]),
  );
  assert.deepEqual([...fake.bulkAttempts.values()], [1, 1, 1, 1]);
});

Deno.test("createElasticsearchSink() overwrites a repeated action instead of doubling it", async () => {
  await using fake = startElasticsearchFake();
  await using sink = await createElasticsearchSink({
    elasticsearch: { host: fake.host },
    indexPrefix: "ua-",
    ...FAST,
  });
  await sink.deliver(PAGE.slice(0, 2));
  await sink.deliver(PAGE.slice(0, 2));
  assert.equal(fake.documents("ua-2017.03.01").size, 2);
});

Deno.test("createElasticsearchSink() resends only the items that got 429 or 503", async () => {
  await using fake = startElasticsearchFake({
    tooManyRequests: { "2": 2 },
    unavailable: { "3": 1 },
  });
  await using sink = await createElasticsearchSink({
    elasticsearch: { host: fake.host },
    ...FAST,
  });
  await sink.deliver(PAGE);
  assert.equal(fake.bulkAttempts.get("1"), 1);
  assert.equal(fake.bulkAttempts.get("2"), 3);
  assert.equal(fake.bulkAttempts.get("3"), 2);
  assert.equal(fake.bulkAttempts.get("4"), 1);
  assert.equal(fake.documents("useractions-2017.03.01").size, 2);
  assert.equal(fake.documents("useractions-2017.03.02").size, 1);
});

Deno.test("createElasticsearchSink() fails the page naming a rejected record and its reason", async () => {
  await using fake = startElasticsearchFake({
    rejectIds: { "3": "failed to parse field [ip] of type [ip]" },
  });
  await using sink = await createElasticsearchSink({
    elasticsearch: { host: fake.host },
    ...FAST,
  });
  await assert.rejects(
    sink.deliver(PAGE),
    (error: unknown) =>
      error instanceof DeliveryError &&
      error.message.includes("1 of 4") &&
      error.message.includes("3 in useractions-2017.03.02") &&
      error.message.includes("failed to parse field [ip]"),
  );
  // Rejections are not retried; the others were accepted.
  assert.equal(fake.bulkAttempts.get("3"), 1);
  assert.equal(fake.documents("useractions-2017.03.01").size, 2);
});

Deno.test("createElasticsearchSink() fails the page when 429 outlasts the retries", async () => {
  await using fake = startElasticsearchFake({ tooManyRequests: { "1": 10 } });
  await using sink = await createElasticsearchSink({
    elasticsearch: { host: fake.host },
    // Push-back (429) has its own, larger limit than 5xx failures.
    maxThrottledAttempts: 3,
    ...FAST,
  });
  await assert.rejects(
    sink.deliver(PAGE.slice(0, 1)),
    (error: unknown) =>
      error instanceof DeliveryError && error.message.includes("429"),
  );
  assert.equal(fake.bulkAttempts.get("1"), 3);
});

Deno.test("createElasticsearchSink() throws UnreachableError before returning when the cluster is down", async () => {
  const fake = startElasticsearchFake();
  const host = fake.host;
  await fake.close();
  await assert.rejects(
    createElasticsearchSink({ elasticsearch: { host, maxRetries: 0 } }),
    UnreachableError,
  );
});

Deno.test("createElasticsearchSink() throws AuthenticationError for wrong credentials", async () => {
  await using fake = startElasticsearchFake({ username: "u", password: "p" });
  await assert.rejects(
    createElasticsearchSink({
      elasticsearch: { host: fake.host, username: "u", password: "nope" },
    }),
    AuthenticationError,
  );
  assert.equal(fake.requestCounts.get("POST /_bulk"), undefined);
});

Deno.test("createElasticsearchSink() refuses an invalid prefix before any request", async () => {
  await using fake = startElasticsearchFake();
  await assert.rejects(
    createElasticsearchSink({
      elasticsearch: { host: fake.host },
      indexPrefix: "UserActions-",
    }),
    ConfigError,
  );
  assert.equal(fake.requestTotal(), 0);
});

Deno.test("createElasticsearchSink() keeps indexing while 10 % of items get 429 on every request, and says once, with the rate, that it is throttled", async () => {
  await using fake = startElasticsearchFake({ tooManyRequestsShare: 0.1 });
  const pages = Array.from(
    { length: 5 },
    (_, page) =>
      Array.from(
        { length: 500 },
        (_, i) => record(page * 500 + i + 1, "2017-03-01T12:00:00+00:00"),
      ),
  );
  const [, logs] = await captureLogs(async () => {
    await using sink = await createElasticsearchSink({
      elasticsearch: { host: fake.host },
    });
    for (const page of pages) await sink.deliver(page);
  });
  assert.equal(fake.documents("useractions-2017.03.01").size, 2500);
  // Only refused items were sent again: about 1.11 sends per item.
  const sends = [...fake.bulkAttempts.values()].reduce((a, b) => a + b, 0);
  assert.ok(sends < 2500 * 1.2, `${sends} item sends`);
  const throttled = logs.filter((r) =>
    logLine(r).startsWith("Elasticsearch is throttling the harvest")
  );
  assert.equal(throttled.length, 1, logs.map(logLine).join("\n"));
  assert.equal(throttled[0]!.level, "info");
  assert.match(
    logLine(throttled[0]!),
    /^Elasticsearch is throttling the harvest: \d+ of 500 records \([\d.]+ %\) answered 429; resending only those/,
  );
});
